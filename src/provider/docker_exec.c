/* docker_exec.c: the Docker exec dialer and its stream (Docker, Podman,
 * Hyper). A try is: exec create (the command marked FLEETMUX_EXEC=token in
 * its environment), a raw connection, exec start with an HTTP upgrade; the
 * connection then carries the bytes (demultiplexed without a TTY). Resize
 * is POST /exec/{id}/resize; the exit code comes from GET /exec/{id}/json
 * when the stream ends. Closing the stream does not end the process on the
 * engine, so terminate runs a short exec that signals what carries the
 * mark, and then checks that the exec is no longer running. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_int.h"
#include "fleetmux/debuglog.h"
#include "fleetmux/redact.h"
#include "fleetmux/rawstream.h"

static char *default_shell[] = {
    "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi", NULL};

/* One try: the dial, then (after the upgrade) the session's transport. */
struct dexec {
	struct docker *d;
	struct session *s;
	char *exec_id;
	int tty;
	struct rawstream *rs;
	struct buf head;           /* the upgrade answer, until complete */
	int upgraded;
	struct docker_demux demux;
	unsigned want_cols, want_rows, sent_cols, sent_rows;
	int resizing;
	int refs;                  /* requests in flight that point here */
	int in_cb;
	int closed;                /* the core let go (or we reported the end) */
	uint64_t log_started;      /* when exec start went out, for --debug */
};

static void
dexec_maybe_free(struct dexec *x)
{
	if (!x->closed || x->refs > 0 || x->in_cb > 0)
		return;
	free(x->exec_id);
	buf_free(&x->head);
	free(x);
}

/* A request answered: 1 when x is finished with (do nothing more). */
static int
dexec_unref(struct dexec *x)
{
	x->refs--;
	if (x->closed) {
		dexec_maybe_free(x);
		return 1;
	}
	return 0;
}

static void
dexec_close(void *t)
{
	struct dexec *x = t;

	x->closed = 1;
	if (x->rs != NULL) {
		rawstream_close(x->rs);
		x->rs = NULL;
	}
	dexec_maybe_free(x);
}

/* Before the upgrade: this try failed; the session decides what next. */
static void
dial_failed(struct dexec *x, const struct fm_cause *c)
{
	struct session *s = x->s;

	dexec_close(x);
	session_dial_failed(s, c);
}

/* After the upgrade: the stream is over. */
static void
stream_end(struct dexec *x, enum session_end how, int code, const struct fm_cause *c)
{
	struct session *s = x->s;

	dexec_close(x);
	session_transport_end(s, how, code, c);
}

static int
dexec_send(void *t, const void *data, size_t len)
{
	struct dexec *x = t;

	if (x->rs == NULL)
		return fm_error(FM_ESTATE, "the stream is closed");
	return rawstream_write(x->rs, data, len);
}

static void send_resize(struct dexec *x);

static void
resize_answer(void *arg, const struct http_response *res)
{
	struct dexec *x = arg;

	x->resizing = 0;
	if (dexec_unref(x))
		return;
	if (res->status != 200 && res->status != 201)
		debuglog("exec %s: resize: HTTP %d", x->exec_id, res->status);
	send_resize(x); /* the size may have moved on meanwhile */
}

/* One resize request at a time; the latest size wins. */
static void
send_resize(struct dexec *x)
{
	char q[64], *path;

	if (x->resizing || x->want_cols == 0 ||
	    (x->want_cols == x->sent_cols && x->want_rows == x->sent_rows))
		return;
	snprintf(q, sizeof q, "h=%u&w=%u", x->want_rows, x->want_cols);
	path = xasprintf("/exec/%s/resize", x->exec_id);
	x->resizing = 1;
	x->refs++;
	x->sent_cols = x->want_cols;
	x->sent_rows = x->want_rows;
	if (docker_call(x->d, "POST", path, q, NULL, resize_answer, x) < 0) {
		x->resizing = 0;
		x->refs--;
	}
	free(path);
}

static int
dexec_resize(void *t, unsigned cols, unsigned rows)
{
	struct dexec *x = t;

	x->want_cols = cols;
	x->want_rows = rows;
	send_resize(x);
	return 0;
}

static const struct transport_ops dexec_ops = {
    .send = dexec_send,
    .resize = dexec_resize,
    .close = dexec_close,
};

static void
inspect_answer(void *arg, const struct http_response *res)
{
	struct dexec *x = arg;
	int running = 0, code = -1;
	struct fm_cause c;

	if (dexec_unref(x))
		return;
	if (res->status == 200)
		docker_parse_exec_inspect(res->body, res->body_len, &running, &code);
	if (running) {
		fm_cause_set(&c, FM_EIO, "the stream dropped while the process ran");
		stream_end(x, SESSION_END_DROPPED, -1, &c);
	} else {
		stream_end(x, SESSION_END_EXITED, code, NULL);
	}
}

static void
demuxed(void *arg, int stream, const unsigned char *p, size_t n)
{
	struct dexec *x = arg;

	if (!x->closed)
		session_transport_data(x->s, stream == 2 ? 2 : 1, p, n);
}

static void
feed(struct dexec *x, const unsigned char *p, size_t n)
{
	if (x->tty)
		session_transport_data(x->s, 1, p, n);
	else if (docker_demux_feed(&x->demux, p, n, demuxed, x) < 0)
		session_transport_note(x->s, "fleetmux: a bad stream frame from the engine");
}

/* The answer to exec start: 101 (or 200) and the stream, or an error. */
static void
upgrade_answer(struct dexec *x, const unsigned char *p, size_t n)
{
	int status = 0, rc;
	size_t hl = 0;
	struct fm_cause c;
	struct buf msg;

	buf_append(&x->head, p, n);
	rc = docker_parse_upgrade(x->head.data, x->head.len, &status, &hl);
	if (rc == 0)
		return;
	debuglog("http < %d POST %s%s/exec/%s/start (%llu ms)%s", rc < 0 ? 0 : status, x->d->base_url,
		 x->d->api, x->exec_id, (unsigned long long)(uv_now(x->d->base.loop) - x->log_started),
		 rc < 0 ? ": not an HTTP answer" : status == 101 || status == 200 ? ": the stream follows" : "");
	if (rc < 0 || (status != 101 && status != 200)) {
		buf_init(&msg);
		if (rc < 0)
			buf_puts(&msg, fm_error_message());
		else
			docker_parse_error(status, x->head.data + hl, x->head.len - hl, &msg);
		fm_cause_http(&c, FM_EPROTO, rc < 0 ? 0 : status, NULL, "exec start: %s",
			      msg.data ? msg.data : "refused");
		buf_free(&msg);
		dial_failed(x, &c);
		return;
	}
	x->upgraded = 1;
	session_transport_open(x->s, &dexec_ops, x);
	/* Bytes that came with the answer are the stream's first. */
	if (!x->closed && x->head.len > hl)
		feed(x, (const unsigned char *)x->head.data + hl, x->head.len - hl);
	buf_free(&x->head);
}

static void
stream_data(void *arg, const unsigned char *p, size_t n)
{
	struct dexec *x = arg;

	x->in_cb++;
	if (!x->upgraded)
		upgrade_answer(x, p, n);
	else if (!x->closed)
		feed(x, p, n);
	x->in_cb--;
	dexec_maybe_free(x);
}

static void
stream_closed(void *arg, const char *error)
{
	struct dexec *x = arg;
	struct fm_cause c;
	char *path;

	x->rs = NULL;
	if (x->closed)
		return;
	if (!x->upgraded) {
		debuglog("http < 0 POST %s%s/exec/%s/start: %s", x->d->base_url, x->d->api, x->exec_id,
			 error ? error : "the engine closed the connection");
		fm_cause_set(&c, FM_EIO, "%s", error ? error : "the engine closed the connection");
		dial_failed(x, &c);
		return;
	}
	/* The stream ended: ask the engine how the process ended. */
	path = xasprintf("/exec/%s/json", x->exec_id);
	x->refs++;
	if (docker_call(x->d, "GET", path, NULL, NULL, inspect_answer, x) < 0) {
		x->refs--;
		stream_end(x, SESSION_END_EXITED, -1, NULL);
	}
	free(path);
}

static const struct rawstream_cb stream_cb = {stream_data, stream_closed};

/* Exec start goes out on the raw connection, not through http.c: the
 * --debug log gets it here, as http.c logs its own requests. */
static void
log_start(struct dexec *x, const char *path, const struct params *h, const char *body)
{
	x->log_started = uv_now(x->d->base.loop);
	debuglog("http > POST %s%s (exec start, upgraded to the exec's stream)", x->d->base_url, path);
	for (size_t i = 0; i < h->n; i++) {
		char *v = redact_header(h->v[i].key, h->v[i].value);

		debuglog("http >   %s: %s", h->v[i].key, v);
		free(v);
	}
	debuglog("http >   body (%zu bytes): %s", strlen(body), body);
}

static void
connected(void *arg, void *easy, const char *error, int permanent)
{
	struct dexec *x = arg;
	struct docker *d = x->d;
	const char *body = x->tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false,\"Tty\":false}";
	struct fm_cause c;
	struct params h;
	struct buf req;
	char *path;

	if (dexec_unref(x)) {
		/* Closed while connecting (x is gone): the connection goes too. */
		if (easy != NULL)
			http_raw_release(d->http, easy);
		return;
	}
	if (easy == NULL) {
		fm_cause_set(&c, FM_EIO, "cannot reach the engine: %s", error ? error : "no connection");
		c.permanent = permanent;
		dial_failed(x, &c);
		return;
	}
	x->rs = rawstream_new(x->d->base.loop, x->d->http, easy, &stream_cb, x);
	if (x->rs == NULL) {
		fm_cause_from_error(&c, -FM_EIO);
		dial_failed(x, &c);
		return;
	}
	path = xasprintf("%s/exec/%s/start", x->d->api, x->exec_id);
	params_init(&h);
	docker_sign_headers(x->d, &h, "POST", path, NULL, body, strlen(body));
	buf_init(&req);
	buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
			 "Content-Length: %zu\r\n",
		   path, x->d->host_header, strlen(body));
	for (size_t i = 0; i < h.n; i++)
		buf_printf(&req, "%s: %s\r\n", h.v[i].key, h.v[i].value);
	buf_printf(&req, "\r\n%s", body);
	if (debuglog_on())
		log_start(x, path, &h, body);
	rawstream_write(x->rs, req.data, req.len);
	/* From here the command may run. */
	session_dial_started(x->s);
	buf_free(&req);
	params_free(&h);
	free(path);
}

static void
created(void *arg, const struct http_response *res)
{
	struct dexec *x = arg;
	struct fm_cause c;

	if (dexec_unref(x))
		return;
	if (res->status == 201 && docker_parse_exec_id(res->body, res->body_len, &x->exec_id) == 0) {
		x->refs++;
		if (http_connect_raw(x->d->http, x->d->base_url, connected, x) < 0) {
			x->refs--;
			fm_cause_from_error(&c, -FM_EIO);
			dial_failed(x, &c);
		}
		return;
	}
	if (res->status == 201)
		fm_cause_from_error(&c, -FM_EPROTO);
	else if (res->status == 404)
		docker_cause(&c, res, "no such container (removed?)");
	else if (res->status == 409)
		docker_cause(&c, res, "the container is paused or not running");
	else
		docker_cause(&c, res, "exec create");
	dial_failed(x, &c);
}

static void *
docker_dial(void *pctx, struct session *s, const struct exec_spec *spec)
{
	struct docker *d = pctx;
	struct dexec *x = xcalloc(1, sizeof *x);
	char *const *argv = spec->argv ? spec->argv : d->default_cmd ? d->default_cmd : default_shell;
	char *mark = session_mark(spec->token);
	char *body = docker_exec_body(argv, spec->tty, !spec->no_stdin, mark);
	char *path = xasprintf("/containers/%s/exec", spec->group_id);
	struct fm_cause c;

	x->d = d;
	x->s = s;
	x->tty = spec->tty;
	buf_init(&x->head);
	x->refs++;
	if (docker_call(d, "POST", path, NULL, body, created, x) < 0) {
		x->refs--;
		fm_cause_from_error(&c, -FM_EIO);
		dial_failed(x, &c);
		x = NULL;
	}
	free(mark);
	free(body);
	free(path);
	return x;
}

static void
docker_cancel(void *pctx, void *attempt)
{
	dexec_close(attempt);
}

static int
docker_retryable(void *pctx, const struct fm_cause *c)
{
	/* No answer, or the engine's own failure; never 404 (removed), 409
	 * (paused, stopped), a refusal, or a failure another try would meet
	 * again (a certificate that cannot be read). */
	if (c != NULL && c->permanent)
		return 0;
	return c == NULL || c->http_status == 0 || c->http_status >= 500;
}

/* --- ending a process on the engine --- */

struct dkill {
	struct docker *d;
	char *exec_id;
	terminate_cb done;
	void *arg;
};

static void
kill_done(struct dkill *k, int gone, const char *fmt, const char *detail)
{
	char msg[600];

	snprintf(msg, sizeof msg, fmt, detail ? detail : "");
	k->d->terminating--;
	if (k->done != NULL)
		k->done(k->arg, gone, msg);
	free(k->exec_id);
	free(k);
}

static void
kill_finished(void *arg, const struct http_response *res)
{
	struct dkill *k = arg;
	struct fm_cause c;

	/* The output is multiplexed; the word is whole inside one frame. */
	if (res->status == 200 && res->body_len >= 4 && memmem(res->body, res->body_len, "gone", 4))
		kill_done(k, 1, "ended in the container%s", NULL);
	else if (res->status == 200)
		kill_done(k, 0, "still running after SIGKILL%s", NULL);
	else {
		docker_cause(&c, res, NULL);
		kill_done(k, 0, "could not end it: %s", c.msg);
	}
}

static void
kill_created(void *arg, const struct http_response *res)
{
	struct dkill *k = arg;
	static const char start[] = "{\"Detach\":false,\"Tty\":false}";
	struct fm_cause c;
	char *path;

	if (res->status != 201 || docker_parse_exec_id(res->body, res->body_len, &k->exec_id) < 0) {
		docker_cause(&c, res, NULL);
		kill_done(k, 0, "could not end it: %s", c.msg);
		return;
	}
	/* Attached without an upgrade: the answer ends when the exec does. */
	path = xasprintf("/exec/%s/start", k->exec_id);
	if (docker_call(k->d, "POST", path, NULL, start, kill_finished, k) < 0)
		kill_done(k, 0, "could not end it: %s", fm_error_message());
	free(path);
}

static void
docker_terminate(void *pctx, const struct exec_spec *spec, terminate_cb done, void *arg)
{
	struct docker *d = pctx;
	struct dkill *k = xcalloc(1, sizeof *k);
	char **argv = session_kill_argv(spec->token);
	char *body = docker_exec_body(argv, 0, 0, NULL);
	char *path = xasprintf("/containers/%s/exec", spec->group_id);

	debuglog("exec %s: ending the process marked %s", spec->group_id, argv[3]);
	k->d = d;
	k->done = done;
	k->arg = arg;
	d->terminating++;
	if (docker_call(d, "POST", path, NULL, body, kill_created, k) < 0)
		kill_done(k, 0, "could not end it: %s", fm_error_message());
	strv_free(argv);
	free(body);
	free(path);
}

const struct exec_dialer docker_dialer = {
    .dial = docker_dial,
    .cancel = docker_cancel,
    .retryable = docker_retryable,
    .terminate = docker_terminate,
    .not_ended = provider_not_ended,
};
