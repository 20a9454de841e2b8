/* docker.h: the Docker Engine API as fleetmux speaks it (PROTOCOLS.md §4-5):
 * the upgrade answer to exec start, the 8-byte stream demultiplexer, JSON
 * answers → model, and Hyper.sh's HYPER-HMAC-SHA256 request signing. Pure. */
#ifndef FLEETMUX_DOCKER_H
#define FLEETMUX_DOCKER_H

#include <stddef.h>

#include "fleetmux/model.h"
#include "fleetmux/params.h"

#define DOCKER_API_VERSION "v1.41"
#define HYPER_API_VERSION "v1.23"

/* The answer to POST /exec/{id}/start with "Upgrade: tcp". Returns 0 while
 * the headers are incomplete, 1 when complete (*status and *header_len set;
 * bytes past header_len are already stream data), -FM_EPROTO when this is
 * not HTTP. */
int docker_parse_upgrade(const char *buf, size_t len, int *status, size_t *header_len);

/* Non-TTY exec output: frames of [stream, 0, 0, 0, size (big-endian u32)]
 * then size bytes. Feed any split of the bytes; each payload piece is handed
 * out as it arrives. */
struct docker_demux {
	unsigned char hdr[8];
	size_t have;          /* header bytes held */
	size_t remaining;     /* payload bytes still to come in this frame */
	int stream;
};
typedef void (*demux_cb)(void *arg, int stream, const unsigned char *data, size_t len);
/* 0, or -FM_EPROTO on a stream byte that is not 0, 1 or 2. */
int docker_demux_feed(struct docker_demux *d, const unsigned char *p, size_t len, demux_cb cb,
		      void *arg);

/* A container's State word (created, running, paused, exited, ...) → state. */
enum fm_state docker_state(const char *state);
/* GET /containers/json → one group per container (region = the engine). */
int docker_parse_containers(const char *json, size_t len, const char *engine,
			    struct fm_group **groups, size_t *n);
/* GET /containers/{id}/json → whether it has a TTY (its logs are then not
 * multiplexed), its State.Status word (running, exited, ...), whether it
 * runs, and its ExitCode. */
int docker_parse_inspect(const char *json, size_t len, int *tty, char **status, int *running,
			 int *exit_code);
/* POST /containers/{id}/exec → Id. */
int docker_parse_exec_id(const char *json, size_t len, char **id);
/* GET /exec/{id}/json → running and exit code. */
int docker_parse_exec_inspect(const char *json, size_t len, int *running, int *exit_code);
/* {"message": "..."}, or the status, in words. */
void docker_parse_error(int status, const char *json, size_t len, struct buf *msg);
/* The exec create body: TTY, command, TERM, and mark ("NAME=value", or
 * NULL) in its environment. */
char *docker_exec_body(char *const *argv, int tty, int attach_stdin, const char *mark);

/* One line of GET /events: does it change the list of containers? (Type
 * "container", but not an exec or a read such as top or attach; anything
 * else, or a line that is not JSON, does not.) */
int docker_event_changes_list(const char *line, size_t len);

/* One container's event from GET /events, as the engine sends it:
 * {"Type":"container","Action":"die","Actor":{"ID":...,"Attributes":
 * {"exitCode":"3","name":...}},"time":...,"timeNano":...}. */
struct docker_event {
	char *id;          /* Actor.ID: the container */
	char *action;      /* die, oom, start, kill, "health_status: unhealthy", ... */
	int exit_code;     /* die's Attributes.exitCode; -1 when not said */
	int signal;        /* kill's Attributes.signal; 0 when not said */
	char *name;        /* Attributes.name (rename: the new one), or NULL */
	int64_t time_ns;   /* timeNano, else time; 0 when neither */
};
/* 1 with e filled (docker_event_free it) for a container's event; 0 for
 * any other line (another type, not JSON, no id), e untouched. */
int docker_event_parse(const char *line, size_t len, struct docker_event *e);
void docker_event_free(struct docker_event *e);

/* A container's event in words, for its recent events (fm_event, count
 * 1, at its time): before[0..n) are the container's kept so far, oldest
 * first, which say whether a start is a restart (it follows a death) and
 * whether a death was asked for (a kill) or already said (an OOM kill).
 * Warnings: a death nobody asked for ("died, exit code 3"), "OOM-killed",
 * a failing health check. Returns 1 with out filled (its strings the
 * caller's), 0 for what is not worth keeping (execs, attaches, reads, the
 * container's removal). */
int docker_event_words(const struct docker_event *e, const struct fm_event *before, size_t n,
		       struct fm_event *out);

/* Hyper.sh signing: adds Content-Type (if absent), X-Hyper-Date,
 * X-Hyper-Content-Sha256 and Authorization to headers. host is the Host
 * header's value; date is "YYYYMMDDThhmmssZ" (NULL: now). */
void hyper_sign(struct params *headers, const char *method, const char *path, const char *query,
		const void *body, size_t body_len, const char *host, const char *access_key,
		const char *secret_key, const char *region, const char *date);

#endif
