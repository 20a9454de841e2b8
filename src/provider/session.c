/* session.c: the one exec-session core (session.h). Every provider's
 * sessions live here: states, held input, resize, reconnect with backoff,
 * the exactly-once rule, ending the remote process, and lifetime.
 *
 * Lifetime has one rule: a session is reference-counted and freed on the
 * last unref. The owner holds one reference until it closes the session or
 * a final state is delivered; every event delivery and every termination
 * in flight holds one more, so an owner may close from inside a callback. */
#include "fleetmux/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/backoff.h"
#include "fleetmux/debuglog.h"

/* HUP (what a shell gets when its terminal goes; interactive shells ignore
 * TERM), then TERM, then KILL, to whatever carries the mark ($0), a moment
 * apart; signal 0 last only asks whether any is left. Short enough for
 * ECI's 256 characters a word. */
const char session_kill_script[] =
    "for s in HUP TERM KILL 0;do f=;for d in /proc/[0-9]*;do grep -q \"$0\" $d/environ 2>/dev/null&&"
    "kill -$s ${d#/proc/} 2>/dev/null&&f=1;done;[ \"$f\" ]||{ echo gone;exit 0;};"
    "sleep 0.3 2>/dev/null||sleep 1;done;echo still running;exit 1";

char *
session_mark(const char *token)
{
	return xasprintf(SESSION_MARK_ENV "=%s", token);
}

char **
session_kill_argv(const char *token)
{
	char *mark = session_mark(token);
	char *argv[] = {"/bin/sh", "-c", (char *)session_kill_script, mark, NULL};
	char **v = strv_dup(argv);

	free(mark);
	return v;
}

struct session {
	const struct exec_dialer *d;
	void *pctx;
	const struct session_events *ev;
	void *arg;
	char *region, *group_id, *container;
	char **argv;
	int tty, no_stdin, once;
	unsigned cols, rows, sent_cols, sent_rows;
	enum session_state state;
	int refs;
	int owned;                 /* the owner still holds its reference */
	int closed;                /* the owner let go (or a final state did) */
	int final;                 /* EXITED or FAILED delivered */
	void *attempt;             /* a dial in flight */
	const struct transport_ops *tops;
	void *t;                   /* the live stream */
	int started;               /* this try's command may be running */
	int exited;                /* this try's command is known to have ended */
	int was_open;              /* it was live once: a drop is worth a reconnect */
	int tries;                 /* reconnect tries since it was last live */
	int ending;                /* a lost command being ended; then FAILED */
	char lost_why[512];
	char token[33];            /* this try's mark on the remote process */
	struct buf held;           /* typed while not live, sent on open */
	uv_timer_t timer;          /* the first dial, and each retry */
};

static void
session_ref(struct session *s)
{
	s->refs++;
}

static void
free_cb(uv_handle_t *h)
{
	struct session *s = h->data;

	free(s->region);
	free(s->group_id);
	free(s->container);
	strv_free(s->argv);
	buf_free(&s->held);
	free(s);
}

static void
session_unref(struct session *s)
{
	if (--s->refs == 0)
		uv_close((uv_handle_t *)&s->timer, free_cb);
}

static void
spec_of(const struct session *s, struct exec_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	spec->region = s->region;
	spec->group_id = s->group_id;
	spec->container = s->container;
	spec->argv = s->argv;
	spec->tty = s->tty;
	spec->no_stdin = s->no_stdin;
	spec->cols = s->cols;
	spec->rows = s->rows;
	spec->token = s->token;
}

/* Tell the owner; the caller holds a reference and checks s->closed. */
static void
deliver_state(struct session *s, enum session_state st, int code, const char *msg)
{
	s->state = st;
	if (s->closed || s->ev == NULL || s->ev->on_state == NULL)
		return;
	s->ev->on_state(s->arg, st, code, msg);
}

/* Drop what this try holds: the dial in flight, the stream, the timer. */
static void
drop_try(struct session *s)
{
	uv_timer_stop(&s->timer);
	if (s->attempt != NULL) {
		void *a = s->attempt;

		s->attempt = NULL;
		s->d->cancel(s->pctx, a);
	}
	if (s->tops != NULL) {
		const struct transport_ops *ops = s->tops;

		s->tops = NULL;
		ops->close(s->t);
	}
	s->t = NULL;
}

/* Ending a process in the container: a few tries (the API may fail a
 * call), then the answer goes to whoever waits, or, when nobody does, into
 * the pane and the provider's report of what was left running. The try
 * follows the answer at once: a timer between tries would leave the
 * provider idle, free to be freed. */
#define ENDING_TRIES 3

struct ending {
	struct session *s;
	char token[33];
	int tries;
	terminate_cb done;
	void *arg;
};

static void ending_answer(void *arg, int gone, const char *msg);

static void
ending_try(struct ending *e)
{
	struct exec_spec spec;

	spec_of(e->s, &spec);
	spec.token = e->token;
	e->tries++;
	e->s->d->terminate(e->s->pctx, &spec, ending_answer, e);
}

static void
ending_answer(void *arg, int gone, const char *msg)
{
	struct ending *e = arg;
	struct session *s = e->s;

	debuglog("exec %s/%s: ending %s: %s%s%s", s->group_id, s->container, e->token,
		 gone ? "gone" : "not confirmed", msg ? ": " : "", msg ? msg : "");
	if (!gone && e->tries < ENDING_TRIES) {
		ending_try(e);
		return;
	}
	if (e->done != NULL) {
		e->done(e->arg, gone, msg);
	} else if (!gone) {
		struct exec_spec spec;
		char note[700];

		snprintf(note, sizeof note, "\r\n[fleetmux: could not end the previous shell in the "
					    "container: %s]\r\n", msg ? msg : "no answer");
		session_transport_data(s, 2, note, strlen(note));
		spec_of(s, &spec);
		spec.token = e->token;
		if (s->d->not_ended != NULL)
			s->d->not_ended(s->pctx, &spec, msg ? msg : "no answer");
	}
	free(e);
	session_unref(s);
}

/* End what this try started; done (NULL: nobody waits) hears how. */
static void
ending_start(struct session *s, terminate_cb done, void *arg)
{
	struct ending *e = xcalloc(1, sizeof *e);

	e->s = s;
	memcpy(e->token, s->token, sizeof e->token);
	e->done = done;
	e->arg = arg;
	s->started = 0;
	session_ref(s);
	ending_try(e);
}

/* What this try started must not outlive it (a shell left behind by each
 * reconnect or closed pane). */
static void
end_remote_in_background(struct session *s)
{
	if (!s->started || s->exited || s->d->terminate == NULL)
		return;
	ending_start(s, NULL, NULL);
}

/* The owner's reference goes: no event reaches it after this. */
static void
release_owner(struct session *s)
{
	s->closed = 1;
	s->ev = NULL;
	if (s->owned) {
		s->owned = 0;
		session_unref(s);
	}
}

/* A final state: the owner is told, then lets go of its pointer. */
static void
finish(struct session *s, enum session_state st, int code, const char *msg)
{
	drop_try(s);
	s->final = 1;
	deliver_state(s, st, code, msg);
	release_owner(s);
}

static void dial_now(struct session *s);

static void
retry_fire(uv_timer_t *t)
{
	dial_now(t->data);
}

/* Another try after a backoff, or the end when tries are spent. */
static void
schedule_retry(struct session *s, const char *why)
{
	long delay;

	if (s->tries >= SESSION_RECONNECT_MAX) {
		char msg[600];

		snprintf(msg, sizeof msg, "gave up after %d tries: %s", s->tries, why);
		finish(s, SESSION_FAILED, 0, msg);
		return;
	}
	if (s->was_open && s->state != SESSION_RECONNECTING) {
		deliver_state(s, SESSION_RECONNECTING, 0, why);
		if (s->closed)
			return;
	}
	delay = s->d->retry_delay_ms ? s->d->retry_delay_ms(s->pctx, s->tries)
				     : backoff_delay_ms(s->tries, 0, fm_random());
	uv_timer_start(&s->timer, retry_fire, (uint64_t)delay, 0);
	s->tries++;
}

static void
dial_now(struct session *s)
{
	struct exec_spec spec;

	fm_random_hex(s->token, 16);
	s->started = 0;
	s->exited = 0;
	spec_of(s, &spec);
	session_ref(s);
	s->attempt = s->d->dial(s->pctx, s, &spec);
	session_unref(s);
}

struct session *
session_open(uv_loop_t *loop, const struct exec_dialer *d, void *pctx, const struct container_ref *ref,
	     const struct exec_req *req, const struct session_events *ev, void *arg)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->d = d;
	s->pctx = pctx;
	s->ev = ev;
	s->arg = arg;
	s->region = xstrdup(ref->region ? ref->region : "");
	s->group_id = xstrdup(ref->group_id ? ref->group_id : "");
	s->container = xstrdup(ref->container ? ref->container : "");
	s->argv = req->argv ? strv_dup(req->argv) : NULL;
	s->tty = req->tty;
	s->no_stdin = req->no_stdin;
	s->once = req->once;
	s->cols = req->cols;
	s->rows = req->rows;
	s->state = SESSION_CONNECTING;
	s->refs = 1; /* the owner's */
	s->owned = 1;
	buf_init(&s->held);
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	/* Dial from the loop, so that no event reaches the owner before it
	 * holds the pointer. */
	uv_timer_start(&s->timer, retry_fire, 0, 0);
	return s;
}

int
session_write(struct session *s, const void *data, size_t len)
{
	if (s->closed)
		return fm_error(FM_ESTATE, "the session is closed");
	if (s->state == SESSION_OPEN && s->tops != NULL)
		return s->tops->send(s->t, data, len);
	if (s->state == SESSION_CONNECTING || s->state == SESSION_RECONNECTING) {
		if (s->held.len + len > SESSION_MAX_HELD_INPUT)
			return fm_error(FM_ELIMIT, "not connected yet; input held is full");
		buf_append(&s->held, data, len);
		return 0;
	}
	return fm_error(FM_ESTATE, "the session is not live");
}

static void
send_size(struct session *s)
{
	if (s->tops == NULL || s->cols == 0 || s->rows == 0 ||
	    (s->cols == s->sent_cols && s->rows == s->sent_rows))
		return;
	s->sent_cols = s->cols;
	s->sent_rows = s->rows;
	s->tops->resize(s->t, s->cols, s->rows);
}

int
session_resize(struct session *s, unsigned cols, unsigned rows)
{
	s->cols = cols;
	s->rows = rows;
	if (!s->closed && s->state == SESSION_OPEN)
		send_size(s);
	return 0;
}

enum session_state
session_state(const struct session *s)
{
	return s->state;
}

void
session_stop(struct session *s, terminate_cb done, void *arg)
{
	int kill = s->started && !s->exited && !s->final && s->d->terminate != NULL;

	if (!s->owned)
		return;
	drop_try(s);
	s->ev = NULL;
	if (s->ending) {
		/* Already being ended after a drop; that answer reaches nobody. */
		if (done != NULL)
			done(arg, 0, "the connection was lost; it is being ended in the container");
	} else if (kill) {
		ending_start(s, done, arg);
	} else if (done != NULL) {
		done(arg, 1, s->started ? NULL : "it had not started");
	}
	release_owner(s);
}

void
session_close(struct session *s)
{
	session_stop(s, NULL, NULL);
}

/* --- reports from dialers and transports --- */

void
session_dial_started(struct session *s)
{
	s->started = 1;
}

void
session_dial_failed(struct session *s, const struct fm_cause *cause)
{
	const char *why = cause && cause->msg[0] ? cause->msg : "the exec could not be set up";
	char msg[700];

	s->attempt = NULL;
	if (s->closed)
		return;
	session_ref(s);
	if (s->once && s->started) {
		/* The exec exists: its command may be running, and must not be
		 * started a second time. */
		snprintf(msg, sizeof msg, "could not attach after the command was started (%s); it may "
					  "still be running", why);
		finish(s, SESSION_FAILED, 0, msg);
	} else {
		if (!s->once)
			end_remote_in_background(s);
		if ((s->state == SESSION_RECONNECTING || s->once) && s->d->retryable(s->pctx, cause))
			schedule_retry(s, why);
		else
			finish(s, SESSION_FAILED, 0, why);
	}
	session_unref(s);
}

void
session_transport_open(struct session *s, const struct transport_ops *ops, void *t)
{
	s->attempt = NULL;
	s->tops = ops;
	s->t = t;
	s->started = 1;
	s->was_open = 1;
	s->tries = 0;
	s->sent_cols = s->sent_rows = 0; /* a new process: tell it the size */
	session_ref(s);
	if (s->state != SESSION_OPEN)
		deliver_state(s, SESSION_OPEN, 0, NULL);
	if (!s->closed && s->tops != NULL) {
		send_size(s);
		if (s->held.len > 0) {
			s->tops->send(s->t, s->held.data, s->held.len);
			buf_reset(&s->held);
		}
	}
	session_unref(s);
}

void
session_transport_data(struct session *s, int stream, const void *data, size_t len)
{
	if (s->closed || len == 0 || s->ev == NULL || s->ev->on_output == NULL)
		return;
	session_ref(s);
	s->ev->on_output(s->arg, stream, data, len);
	session_unref(s);
}

void
session_transport_note(struct session *s, const char *text)
{
	struct buf line;

	buf_init(&line);
	buf_printf(&line, "\r\n[exec: %s]\r\n", text);
	session_transport_data(s, 2, line.data, line.len);
	buf_free(&line);
}

static void
lost_done(void *arg, int gone, const char *result)
{
	struct session *s = arg;
	char msg[900];

	s->ending = 0;
	if (gone)
		snprintf(msg, sizeof msg, "connection lost after the command started (%s); it was "
					  "ended in the container, and not run again", s->lost_why);
	else
		snprintf(msg, sizeof msg, "connection lost after the command started (%s); it may "
					  "still be running: %s", s->lost_why, result ? result : "");
	if (!s->closed)
		finish(s, SESSION_FAILED, 0, msg);
}

/* A command that may still run and must not run again: end it, then say
 * how it ended, so that run leaves nothing behind yet never repeats it. */
static void
lost_after_start(struct session *s, const char *why)
{
	snprintf(s->lost_why, sizeof s->lost_why, "%s", why);
	if (s->d->terminate == NULL) {
		lost_done(s, 0, "no way to end it");
		return;
	}
	s->ending = 1;
	ending_start(s, lost_done, s);
}

void
session_transport_end(struct session *s, enum session_end how, int exit_code,
		      const struct fm_cause *cause)
{
	const char *why = cause && cause->msg[0] ? cause->msg : "connection dropped";

	s->tops = NULL;
	s->t = NULL;
	if (s->closed)
		return;
	session_ref(s);
	if (how == SESSION_END_EXITED) {
		s->exited = 1;
		finish(s, SESSION_EXITED, exit_code, NULL);
	} else if (how == SESSION_END_FATAL) {
		end_remote_in_background(s);
		finish(s, SESSION_FAILED, 0, why);
	} else if (s->once) {
		lost_after_start(s, why);
	} else {
		/* A new shell each try: the old one is ended, the gap marked. */
		end_remote_in_background(s);
		schedule_retry(s, why);
	}
	session_unref(s);
}
