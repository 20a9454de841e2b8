/* model.h: what providers list — container groups and their containers —
 * in one shape for every backend. */
#ifndef FLEETMUX_MODEL_H
#define FLEETMUX_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fleetmux/params.h"

/* A group's or a container's state, the same for every backend; the
 * backend's own word stays in status for display. */
enum fm_state {
	FM_STATE_UNKNOWN,
	FM_STATE_RUNNING,
	FM_STATE_PENDING,   /* on its way to running: scheduling, restarting, ... */
	FM_STATE_PAUSED,
	FM_STATE_FAILED,    /* did not start or ended in error */
	FM_STATE_EXITED,    /* ended */
};

/* Kubernetes runs init containers before a pod's own, and debuggers add
 * ephemeral ones; the sidebar marks both. Other backends have apps only. */
enum fm_container_kind {
	FM_CONTAINER_APP,
	FM_CONTAINER_INIT,
	FM_CONTAINER_EPHEMERAL,
};

/* A port a container listens on; public_port 0: not published. */
struct fm_port {
	int port;
	int public_port;   /* Docker: published on the host */
	char protocol[8];  /* TCP, UDP */
};

struct fm_container {
	char *name;
	char *image;
	char *status;     /* the backend's word: Running, Waiting, Terminated (Docker: running, exited, ...) */
	enum fm_state state;
	int restarts;
	int ready;
	char *reason;     /* why it waits or ended (CrashLoopBackOff, OOMKilled), or NULL */
	/* How the instance before this one ended (ECI's PreviousState);
	 * last_reason NULL: unknown, or there was none. */
	char *last_reason;          /* Completed, Error, OOMKilled */
	int last_exit_code;
	int64_t last_finished_ns;   /* FM_TIME_NONE (logs.h) when not said */
	enum fm_container_kind kind;
	/* For the details view; 0 (or NULL) when the backend does not say. */
	int exit_code;              /* of the current instance, when it ended (state EXITED) */
	int64_t started_ns, finished_ns;   /* <= 0 (FM_TIME_NONE): not said */
	double cpu;                 /* cores asked for */
	double memory_gib;          /* memory asked for */
	struct fm_port *ports;
	size_t nports;
};

/* Something that happened to a group (ECI's Events, as Kubernetes keeps
 * them: repeats counted on one; Docker's engine events, each occurrence
 * apart, count 1). */
struct fm_event {
	char *type;       /* Normal, Warning */
	char *reason;     /* Started, BackOff, OOMKilling, Died, Restarted, ... */
	char *message;
	int count;
	int64_t first_ns, last_ns;   /* FM_TIME_NONE when not said */
	/* From the backend's record of what happened before fleetmux looked
	 * (Docker's events asked with since=): shown, but never news. */
	int past;
};

struct fm_group {
	char *id;
	char *name;
	char *region;
	char *zone;
	char *status;     /* the backend's word, for display */
	enum fm_state state;
	char *ip;
	struct params tags;
	/* For the details view; NULL or 0 when the backend does not say. */
	char *internet_ip;
	char *instance_type;
	double cpu;                /* cores */
	double memory_gib;
	int64_t created_ns;        /* <= 0 (FM_TIME_NONE): not said */
	struct fm_container *containers;
	size_t ncontainers;
	struct fm_event *events;   /* oldest first, as the backend gives them */
	size_t nevents;
};

/* A backend's words for states: a table ending in {NULL}, matched without
 * regard to case; a word not in it is FM_STATE_UNKNOWN. */
struct fm_state_word {
	const char *word;
	enum fm_state state;
};
enum fm_state fm_state_of(const struct fm_state_word *table, const char *word);

void fm_group_free(struct fm_group *g);
void fm_groups_free(struct fm_group *g, size_t n);

/* ECI answers → model. Each returns 0, or -FM_EPROTO with a message that
 * says what was wrong with the answer. */
int eci_parse_regions(const char *json, size_t len, char ***ids, size_t *n);
int eci_parse_groups(const char *json, size_t len, struct fm_group **groups, size_t *n,
		     char **next_token, long *total);
/* ECI's words → state: a group's Status, a container's CurrentState.State. */
enum fm_state eci_group_state(const char *status);
enum fm_state eci_container_state(const char *state);
int eci_parse_exec(const char *json, size_t len, char **ws_uri);
/* ExecContainerCommand with Sync=true → what the command printed. */
int eci_parse_sync(const char *json, size_t len, char **output);
/* An error answer in words: "Code: Message" (or the HTTP status when the body
 * is not the documented shape). code_out, when not NULL, gets the Code. */
void eci_parse_error(int status, const char *json, size_t len, struct buf *msg, struct buf *code_out);

#endif
