/* session.h: one exec session into one container, whatever carries it.
 *
 * The core (src/provider/session.c) owns what every provider shares: the
 * state machine (connecting → live → reconnecting → exited N | failed:
 * reason), input held while not live, resize coalescing, backoff, the
 * exactly-once rule for commands, re-entrancy and lifetime. A provider
 * supplies a dialer (how to get a stream for a target on each try, which
 * failures deserve another, and how to end a process it started); a
 * transport carries the bytes of one try.
 *
 *   owner (pane, run)  ──write/resize/close──▶  core  ──dial/cancel──▶ dialer
 *          ▲                                     │ ▲                     │
 *          └──────── on_output / on_state ───────┘ └── transport_* ◀─────┘
 */
#ifndef FLEETMUX_SESSION_H
#define FLEETMUX_SESSION_H

#include <stddef.h>
#include <uv.h>

#include "fleetmux/util.h"

enum session_state {
	SESSION_CONNECTING,
	SESSION_OPEN,
	SESSION_RECONNECTING,
	SESSION_EXITED,
	SESSION_FAILED,
};

struct session_events {
	/* stream: 1 stdout, 2 stderr (a TTY has only 1) */
	void (*on_output)(void *arg, int stream, const unsigned char *data, size_t len);
	/* message: the reason for FAILED and RECONNECTING; exit_code for
	 * EXITED (-1 unknown). EXITED and FAILED are final: the owner drops
	 * its pointer (the core lets go of the session by itself). */
	void (*on_state)(void *arg, enum session_state st, int exit_code, const char *message);
};

/* Which container. */
struct container_ref {
	const char *region;
	const char *group_id;
	const char *container;
};

struct exec_req {
	char **argv;   /* NULL: the provider's default shell */
	int tty;
	int no_stdin;  /* the command reads nothing (fleetmux run) */
	/* A command that has started is never started again: a drop after the
	 * start fails the session ("may still be running") instead of
	 * reconnecting. Only a dial that failed before the start is retried. */
	int once;
	unsigned cols, rows;
};

/* What a dialer gets for one try. token is fresh for every try; the dialer
 * marks the remote process with it (FLEETMUX_EXEC=token in its
 * environment) so that terminate can find it and everything it started. */
struct exec_spec {
	const char *region, *group_id, *container;
	char *const *argv;
	int tty, no_stdin;
	unsigned cols, rows;
	const char *token;
};

struct session;

/* A live stream (one try). The core calls these; after close, the
 * transport never calls the core again. */
struct transport_ops {
	int (*send)(void *t, const void *data, size_t len);
	/* The size changed (the core sends each settled size once). */
	int (*resize)(void *t, unsigned cols, unsigned rows);
	void (*close)(void *t);
};

typedef void (*terminate_cb)(void *arg, int gone, const char *message);

/* A provider's part. pctx is the provider. */
struct exec_dialer {
	/* Start one try. Report with session_dial_started (the command may
	 * be running from then on), then session_transport_open, or
	 * session_dial_failed. Returns a handle for cancel, or NULL when it
	 * failed at once (after calling session_dial_failed). */
	void *(*dial)(void *pctx, struct session *s, const struct exec_spec *spec);
	/* Abandon a try whose transport has not opened; no report follows. */
	void (*cancel)(void *pctx, void *attempt);
	/* Is this failure worth another try? (IncorrectStatus, 404, 409,
	 * credentials: never.) */
	int (*retryable)(void *pctx, const struct fm_cause *cause);
	/* End the process started with this spec's token, and everything it
	 * started; done says whether it is gone (and how we know). NULL:
	 * closing the stream is all the provider can do. */
	void (*terminate)(void *pctx, const struct exec_spec *spec, terminate_cb done, void *arg);
	/* Optional: the wait before retry number attempt (tests make it
	 * short). NULL: backoff_delay_ms with jitter. */
	long (*retry_delay_ms)(void *pctx, int attempt);
	/* Optional: a process nobody waited for could not be ended (after a
	 * few tries): the provider keeps it for the report at exit. */
	void (*not_ended)(void *pctx, const struct exec_spec *spec, const char *why);
};

/* --- for owners --- */

struct session *session_open(uv_loop_t *loop, const struct exec_dialer *d, void *pctx,
			     const struct container_ref *ref, const struct exec_req *req,
			     const struct session_events *ev, void *arg);
/* Input: sent when live, held (64 KiB) while connecting or reconnecting.
 * 0, or -FM_ELIMIT / -FM_ESTATE with fm_error set. */
int session_write(struct session *s, const void *data, size_t len);
/* The pane's size; sent once it is live, once per settled size. */
int session_resize(struct session *s, unsigned cols, unsigned rows);
/* Ends the session and the remote process (what the owner started must not
 * outlive it); no event is delivered after this. */
void session_close(struct session *s);
/* As close, and done(arg, gone, message) reports whether the remote
 * process is gone: for fleetmux run's --timeout and Ctrl-C. */
void session_stop(struct session *s, terminate_cb done, void *arg);
enum session_state session_state(const struct session *s);

/* --- for dialers and transports --- */

void session_dial_started(struct session *s);
void session_dial_failed(struct session *s, const struct fm_cause *cause);
void session_transport_open(struct session *s, const struct transport_ops *ops, void *t);
void session_transport_data(struct session *s, int stream, const void *data, size_t len);

enum session_end {
	SESSION_END_EXITED,   /* the process ended: exit_code, or -1 unknown */
	SESSION_END_DROPPED,  /* the link broke; the process may be running */
	SESSION_END_FATAL,    /* a failure no new try would cure */
};
/* The stream is over (the transport is finished: the core will not call
 * its close). */
void session_transport_end(struct session *s, enum session_end how, int exit_code,
			   const struct fm_cause *cause);
/* Words for the pane itself (a server's message on the status channel). */
void session_transport_note(struct session *s, const char *text);

/* The remote process's mark, and the sh script that ends what carries it:
 * run it as `sh -c SCRIPT FLEETMUX_EXEC=token`; it prints "gone" (exit 0)
 * once nothing carries the mark, else "still running" (exit 1). */
#define SESSION_MARK_ENV "FLEETMUX_EXEC"
extern const char session_kill_script[];
/* "FLEETMUX_EXEC=token". Caller frees. */
char *session_mark(const char *token);
/* The command that ends what carries token's mark: the kill script under
 * /bin/sh, the mark as its $0 (argv[3]). Caller frees (strv_free). */
char **session_kill_argv(const char *token);

/* Reconnect tries after a drop before giving up. */
#define SESSION_RECONNECT_MAX 6
#define SESSION_MAX_HELD_INPUT (64 * 1024)

#endif
