/* docker.c: the Docker Engine provider. Engines are its "regions"; each
 * container is a group of one. Exec sessions: create, then start with an
 * HTTP upgrade on a raw connection that joins the loop; resize through
 * POST /exec/{id}/resize; the exit code from GET /exec/{id}/json. Hyper.sh
 * is the same API with every request signed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/docker.h"
#include "fleetmux/eci.h"
#include "fleetmux/http.h"
#include "fleetmux/provider.h"
#include "fleetmux/rawstream.h"

#define DOCKER_MAX_PENDING_INPUT (64 * 1024)
#define DOCKER_RECONNECT_MAX 6

static const char *default_shell[] = {
    "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi", NULL};

struct docker_watch {
	struct docker *d;
	struct http_req *req;
	void (*changed)(void *arg, const char *region);
	void *arg;
	struct buf line;
	uv_timer_t retry;
};

struct docker {
	struct provider base;
	struct docker_watch *watch;
	uv_loop_t *loop;
	struct http *http;
	char *base_url;     /* http://localhost, https://host:port */
	char *host_header;  /* what Host says on the raw start request */
	const char *api;    /* "/v1.41" */
	char **default_cmd;
	int hyper;
	char *access_key, *secret_key, *region;
};

/* --- requests --- */

struct dreq {
	struct docker *d;
	void (*cb)(void *arg, const struct http_response *res);
	void *arg;
};

static void
signed_headers(struct docker *d, struct params *h, const char *method, const char *path,
	       const char *query, const char *body, size_t len)
{
	if (body != NULL)
		params_add(h, "Content-Type", "application/json");
	if (d->hyper)
		hyper_sign(h, method, path, query, body, len, d->host_header, d->access_key,
			   d->secret_key, d->region, NULL);
}

static int
dcall(struct docker *d, const char *method, const char *path, const char *query, const char *body,
      http_cb cb, void *arg)
{
	struct params h;
	char *full = xasprintf("%s%s", d->api, path);
	char *url = xasprintf("%s%s%s%s", d->base_url, full, query ? "?" : "", query ? query : "");
	size_t len = body ? strlen(body) : 0;
	int rc;

	params_init(&h);
	signed_headers(d, &h, method, full, query, body, len);
	rc = http_request(d->http, method, url, &h, body ? body : "", len, cb, arg);
	params_free(&h);
	free(full);
	free(url);
	return rc;
}

/* --- listing --- */

struct list_job {
	struct docker *d;
	region_list_cb rcb;
	group_page_cb gcb;
	void *arg;
	uv_timer_t timer;
};

static void
job_free(uv_handle_t *h)
{
	free(h->data);
}

static void
regions_now(uv_timer_t *t)
{
	struct list_job *j = t->data;
	char *ids[1] = {j->d->base.name};

	j->rcb(j->arg, ids, 1, NULL);
	uv_close((uv_handle_t *)&j->timer, job_free);
}

static int
docker_list_regions(struct provider *p, region_list_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->d = (struct docker *)p;
	j->rcb = cb;
	j->arg = arg;
	/* Answer on the loop, as a remote listing would. */
	uv_timer_init(j->d->loop, &j->timer);
	j->timer.data = j;
	uv_timer_start(&j->timer, regions_now, 0, 0);
	return 0;
}

static void
containers_answer(void *arg, const struct http_response *res)
{
	struct list_job *j = arg;
	struct fm_group *g = NULL;
	size_t n = 0;

	if (res->status == 200 && docker_parse_containers(res->body, res->body_len, j->d->base.name,
							   &g, &n) == 0) {
		j->gcb(j->arg, j->d->base.name, g, n, 1, NULL);
	} else {
		struct buf msg;

		buf_init(&msg);
		if (res->status == 200)
			buf_puts(&msg, fm_error_message());
		else if (res->status == 0)
			buf_printf(&msg, "cannot reach the engine: %s", res->error);
		else
			docker_parse_error(res->status, res->body, res->body_len, &msg);
		j->gcb(j->arg, j->d->base.name, NULL, 0, 1, msg.data);
		buf_free(&msg);
	}
	free(j);
}

static int
docker_list_groups(struct provider *p, const char *region, group_page_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->d = (struct docker *)p;
	j->gcb = cb;
	j->arg = arg;
	return dcall(j->d, "GET", "/containers/json", "all=1", NULL, containers_answer, j);
}

/* --- exec sessions --- */

struct dsession {
	struct session base;
	struct docker *d;
	const struct session_events *ev;
	void *arg;
	char *container, *name, *exec_id;
	char **argv;
	int tty, no_stdin;
	unsigned cols, rows, sent_cols, sent_rows;
	int resizing;
	struct rawstream *rs;
	struct buf head;           /* the upgrade answer, until complete */
	int upgraded;
	struct docker_demux demux;
	struct buf pending;
	enum session_state state;
	int refs;                  /* requests in flight that point here */
	int in_event, dead;
	int attempt;               /* reconnect tries since it was last live */
	uv_timer_t retry;
};

static void
ds_free_cb(uv_handle_t *h)
{
	struct dsession *s = h->data;

	strv_free(s->argv);
	free(s->container);
	free(s->name);
	free(s->exec_id);
	buf_free(&s->head);
	buf_free(&s->pending);
	free(s);
}

static void
ds_free(struct dsession *s)
{
	uv_close((uv_handle_t *)&s->retry, ds_free_cb);
}

/* Drop a reference; 1 when the session is gone (closed by its pane). */
static int
ds_unref(struct dsession *s)
{
	s->refs--;
	if (s->dead && s->refs == 0 && s->in_event == 0) {
		ds_free(s);
		return 1;
	}
	return s->dead;
}

static void
ds_state(struct dsession *s, enum session_state st, int code, const char *msg)
{
	s->state = st;
	if (s->dead || s->ev == NULL)
		return;
	s->in_event++;
	s->ev->on_state(s->arg, st, code, msg);
	s->in_event--;
	if (st == SESSION_EXITED || st == SESSION_FAILED) {
		/* Final: the pane has let go; free once nothing points here. */
		s->dead = 1;
		s->ev = NULL;
		if (s->rs != NULL) {
			rawstream_close(s->rs);
			s->rs = NULL;
		}
	}
	if (s->dead && s->refs == 0 && s->in_event == 0)
		ds_free(s);
}

static void
ds_output(struct dsession *s, int stream, const unsigned char *p, size_t n)
{
	if (n > 0 && !s->dead && s->ev && s->ev->on_output)
		s->ev->on_output(s->arg, stream, p, n);
}

static void
demuxed(void *arg, int stream, const unsigned char *p, size_t n)
{
	ds_output(arg, stream == 2 ? 2 : 1, p, n);
}

static void send_resize(struct dsession *s);

static void
resize_answer(void *arg, const struct http_response *res)
{
	struct dsession *s = arg;

	s->resizing = 0;
	if (ds_unref(s))
		return;
	send_resize(s); /* the size may have moved on meanwhile */
}

static void
send_resize(struct dsession *s)
{
	char q[64];

	if (s->state != SESSION_OPEN || s->resizing || s->cols == 0 ||
	    (s->cols == s->sent_cols && s->rows == s->sent_rows))
		return;
	snprintf(q, sizeof q, "h=%u&w=%u", s->rows, s->cols);
	{
		char *path = xasprintf("/exec/%s/resize", s->exec_id);

		s->resizing = 1;
		s->refs++;
		s->sent_cols = s->cols;
		s->sent_rows = s->rows;
		if (dcall(s->d, "POST", path, q, NULL, resize_answer, s) < 0) {
			s->resizing = 0;
			s->refs--;
		}
		free(path);
	}
}

static void exec_create(struct dsession *s);

static void
retry_fire(uv_timer_t *t)
{
	exec_create(t->data);
}

/* The stream dropped while its process still ran: a new exec (an exec
 * cannot be attached twice), after a backoff. */
static void
schedule_reconnect(struct dsession *s, const char *why)
{
	if (s->attempt >= DOCKER_RECONNECT_MAX) {
		char msg[300];

		snprintf(msg, sizeof msg, "gave up after %d tries: %s", s->attempt, why);
		ds_state(s, SESSION_FAILED, 0, msg);
		return;
	}
	if (s->state != SESSION_RECONNECTING) {
		ds_state(s, SESSION_RECONNECTING, 0, why);
		if (s->dead)
			return;
	}
	uv_timer_start(&s->retry, retry_fire,
		       (uint64_t)eci_retry_delay_ms(s->attempt, 0, (double)(rand() % 1000) / 1000.0), 0);
	s->attempt++;
}

static void
inspect_answer(void *arg, const struct http_response *res)
{
	struct dsession *s = arg;
	int running = 0, code = -1;

	if (ds_unref(s))
		return;
	if (res->status == 200)
		docker_parse_exec_inspect(res->body, res->body_len, &running, &code);
	if (running && s->tty) {
		schedule_reconnect(s, "the stream dropped");
		return;
	}
	ds_state(s, SESSION_EXITED, running ? -1 : code, NULL);
}

static void
stream_data(void *arg, const unsigned char *p, size_t n)
{
	struct dsession *s = arg;

	if (!s->upgraded) {
		int status = 0, rc;
		size_t hl = 0;

		buf_append(&s->head, p, n);
		rc = docker_parse_upgrade(s->head.data, s->head.len, &status, &hl);
		if (rc == 0)
			return;
		if (rc < 0 || (status != 101 && status != 200)) {
			struct buf msg;

			buf_init(&msg);
			if (rc < 0)
				buf_puts(&msg, fm_error_message());
			else
				docker_parse_error(status, s->head.data + hl, s->head.len - hl, &msg);
			ds_state(s, SESSION_FAILED, 0, msg.data ? msg.data : "exec start refused");
			buf_free(&msg);
			return;
		}
		s->upgraded = 1;
		s->attempt = 0;
		s->sent_cols = s->sent_rows = 0; /* a new process: tell it the size */
		ds_state(s, SESSION_OPEN, 0, NULL);
		if (s->dead)
			return;
		send_resize(s);
		if (s->pending.len > 0) {
			rawstream_write(s->rs, s->pending.data, s->pending.len);
			buf_reset(&s->pending);
		}
		/* Bytes that came with the answer are the stream's first. */
		p = (const unsigned char *)s->head.data + hl;
		n = s->head.len - hl;
		if (n == 0)
			return;
		s->in_event++;
		if (s->tty)
			ds_output(s, 1, p, n);
		else
			docker_demux_feed(&s->demux, p, n, demuxed, s);
		s->in_event--;
		buf_free(&s->head);
		return;
	}
	s->in_event++;
	if (s->tty)
		ds_output(s, 1, p, n);
	else if (docker_demux_feed(&s->demux, p, n, demuxed, s) < 0)
		ds_output(s, 2, (const unsigned char *)"\r\n[fleetmux: bad stream frame]\r\n", 32);
	s->in_event--;
	if (s->dead && s->refs == 0 && s->in_event == 0)
		ds_free(s);
}

static void
stream_closed(void *arg, const char *error)
{
	struct dsession *s = arg;

	s->rs = NULL;
	if (s->dead)
		return;
	if (!s->upgraded) {
		if (s->state == SESSION_RECONNECTING)
			schedule_reconnect(s, error ? error : "the engine closed the connection");
		else
			ds_state(s, SESSION_FAILED, 0, error ? error : "the engine closed the connection");
		return;
	}
	/* The stream ended: ask the engine how the process ended. */
	{
		char *path = xasprintf("/exec/%s/json", s->exec_id);

		s->refs++;
		if (dcall(s->d, "GET", path, NULL, NULL, inspect_answer, s) < 0) {
			s->refs--;
			ds_state(s, SESSION_EXITED, -1, NULL);
		}
		free(path);
	}
}

static const struct rawstream_cb stream_cb = {stream_data, stream_closed};

static void
connected(void *arg, void *easy, const char *error)
{
	struct dsession *s = arg;
	struct docker *d = s->d;
	struct buf req;
	struct params h;
	const char *body = s->tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false,\"Tty\":false}";
	char *path;

	if (ds_unref(s)) {
		/* Closed while connecting: the connection goes too. */
		if (easy != NULL)
			http_raw_release(d->http, easy);
		return;
	}
	if (easy == NULL) {
		if (s->state == SESSION_RECONNECTING)
			schedule_reconnect(s, error);
		else
			ds_state(s, SESSION_FAILED, 0, error);
		return;
	}
	s->rs = rawstream_new(d->loop, d->http, easy, &stream_cb, s);
	if (s->rs == NULL) {
		ds_state(s, SESSION_FAILED, 0, fm_error_message());
		return;
	}
	path = xasprintf("%s/exec/%s/start", s->d->api, s->exec_id);
	params_init(&h);
	signed_headers(s->d, &h, "POST", path, NULL, body, strlen(body));
	buf_init(&req);
	buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
			 "Content-Length: %zu\r\n",
		   path, s->d->host_header, strlen(body));
	for (size_t i = 0; i < h.n; i++)
		buf_printf(&req, "%s: %s\r\n", h.v[i].key, h.v[i].value);
	buf_printf(&req, "\r\n%s", body);
	rawstream_write(s->rs, req.data, req.len);
	buf_free(&req);
	params_free(&h);
	free(path);
}

static void
created(void *arg, const struct http_response *res)
{
	struct dsession *s = arg;
	struct buf msg;

	if (ds_unref(s))
		return;
	if (res->status == 201 && docker_parse_exec_id(res->body, res->body_len, &s->exec_id) == 0) {
		s->refs++;
		if (http_connect_raw(s->d->http, s->d->base_url, connected, s) < 0) {
			s->refs--;
			ds_state(s, SESSION_FAILED, 0, fm_error_message());
		}
		return;
	}
	if (s->state == SESSION_RECONNECTING && (res->status == 0 || res->status >= 500)) {
		schedule_reconnect(s, res->error ? res->error : "the engine failed");
		return;
	}
	buf_init(&msg);
	if (res->status == 0)
		buf_printf(&msg, "cannot reach the engine: %s", res->error);
	else if (res->status == 201)
		buf_puts(&msg, fm_error_message());
	else if (res->status == 404)
		buf_printf(&msg, "no such container %s (removed?)", s->name);
	else if (res->status == 409) {
		buf_printf(&msg, "container %s is paused or not running: ", s->name);
		docker_parse_error(res->status, res->body, res->body_len, &msg);
	} else
		docker_parse_error(res->status, res->body, res->body_len, &msg);
	ds_state(s, SESSION_FAILED, 0, msg.data);
	buf_free(&msg);
}

static int
ds_write(struct session *base, const void *data, size_t len)
{
	struct dsession *s = (struct dsession *)base;

	if (s->state == SESSION_OPEN && s->rs != NULL)
		return rawstream_write(s->rs, data, len);
	if (s->state == SESSION_CONNECTING || s->state == SESSION_RECONNECTING) {
		if (s->pending.len + len > DOCKER_MAX_PENDING_INPUT)
			return fm_error(FM_ELIMIT, "not connected yet; input held is full");
		buf_append(&s->pending, data, len);
		return 0;
	}
	return fm_error(FM_ESTATE, "the session is not live");
}

static int
ds_resize(struct session *base, unsigned cols, unsigned rows)
{
	struct dsession *s = (struct dsession *)base;

	s->cols = cols;
	s->rows = rows;
	send_resize(s);
	return 0;
}

static void
ds_close(struct session *base)
{
	struct dsession *s = (struct dsession *)base;

	s->dead = 1;
	s->ev = NULL;
	uv_timer_stop(&s->retry);
	if (s->rs != NULL) {
		rawstream_close(s->rs);
		s->rs = NULL;
	}
	if (s->refs == 0 && s->in_event == 0)
		ds_free(s);
}

/* Exec create, at the start and for each reconnect. */
static void
exec_create(struct dsession *s)
{
	char *body = docker_exec_body(s->argv, s->tty, !s->no_stdin);
	char *path = xasprintf("/containers/%s/exec", s->container);

	free(s->exec_id);
	s->exec_id = NULL;
	s->upgraded = 0;
	buf_reset(&s->head);
	memset(&s->demux, 0, sizeof s->demux);
	s->refs++;
	if (dcall(s->d, "POST", path, NULL, body, created, s) < 0)
		s->refs--;
	free(body);
	free(path);
}

static const struct session_ops ds_ops = {ds_write, ds_resize, ds_close};

static struct session *
docker_open_exec(struct provider *p, const struct container_ref *ref, const struct exec_req *req,
		 const struct session_events *ev, void *arg)
{
	struct docker *d = (struct docker *)p;
	struct dsession *s = xcalloc(1, sizeof *s);
	char **argv = req->argv ? req->argv : d->default_cmd ? d->default_cmd : (char **)default_shell;

	s->base.ops = &ds_ops;
	s->d = d;
	s->ev = ev;
	s->arg = arg;
	s->container = xstrdup(ref->group_id);
	s->name = xstrdup(ref->container);
	s->tty = req->tty;
	s->cols = req->cols;
	s->rows = req->rows;
	s->state = SESSION_CONNECTING;
	buf_init(&s->head);
	buf_init(&s->pending);
	s->argv = strv_dup(argv);
	s->no_stdin = req->no_stdin;
	uv_timer_init(d->loop, &s->retry);
	s->retry.data = s;
	exec_create(s);
	return &s->base;
}

/* --- the event stream --- */

static void watch_start(struct docker_watch *w);

static void
watch_chunk(void *arg, const char *data, size_t len)
{
	struct docker_watch *w = arg;

	/* One JSON object a line; any container event changes the list. */
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n') {
			if (w->line.len < 65536)
				buf_putc(&w->line, data[i]);
			continue;
		}
		if (w->line.len > 0 && strstr(w->line.data, "\"container\"") != NULL)
			w->changed(w->arg, w->d->base.name);
		buf_reset(&w->line);
	}
}

static void
watch_retry(uv_timer_t *t)
{
	watch_start(t->data);
}

static void
watch_done(void *arg, const struct http_response *res)
{
	struct docker_watch *w = arg;

	/* The stream ended (engine restarted?): try again in a while. */
	w->req = NULL;
	uv_timer_start(&w->retry, watch_retry, 5000, 0);
}

static void
watch_start(struct docker_watch *w)
{
	struct docker *d = w->d;
	char *url = xasprintf("%s%s/events?filters=%%7B%%22type%%22%%3A%%5B%%22container%%22%%5D%%7D",
			      d->base_url, d->api);
	struct params h;

	params_init(&h);
	signed_headers(d, &h, "GET", "/events", "filters=%7B%22type%22%3A%5B%22container%22%5D%7D",
		       NULL, 0);
	w->req = http_stream(d->http, url, &h, watch_chunk, watch_done, w);
	params_free(&h);
	free(url);
}

static int
docker_watch(struct provider *p, const char *region, void (*changed)(void *arg, const char *region),
	     void *arg)
{
	struct docker *d = (struct docker *)p;
	struct docker_watch *w;

	if (d->watch != NULL || d->hyper) /* Hyper's events were a WebSocket: not here */
		return 0;
	w = xcalloc(1, sizeof *w);
	w->d = d;
	w->changed = changed;
	w->arg = arg;
	buf_init(&w->line);
	uv_timer_init(d->loop, &w->retry);
	w->retry.data = w;
	d->watch = w;
	watch_start(w);
	return 0;
}

static void
watch_free_cb(uv_handle_t *h)
{
	struct docker_watch *w = h->data;

	buf_free(&w->line);
	free(w);
}

static void
docker_free(struct provider *p)
{
	struct docker *d = (struct docker *)p;

	if (d->watch != NULL) {
		if (d->watch->req != NULL)
			http_cancel(d->http, d->watch->req);
		uv_close((uv_handle_t *)&d->watch->retry, watch_free_cb);
	}
	http_free(d->http);
	free(d->base_url);
	free(d->host_header);
	free(d->access_key);
	free(d->secret_key);
	free(d->region);
	free(d->base.name);
	free(d);
}

static const struct provider_ops docker_ops = {
    "docker", docker_list_regions, docker_list_groups, docker_open_exec, docker_free, docker_watch,
};

struct provider *
docker_provider_new(uv_loop_t *loop, const struct docker_options *o)
{
	struct docker *d = xcalloc(1, sizeof *d);
	struct http_opts ho = {.insecure = o->insecure};
	const char *host = o->host ? o->host : "unix:///var/run/docker.sock";
	char ca[512], cert[512], key[512];

	d->base.ops = &docker_ops;
	d->base.name = xstrdup(o->name ? o->name : "local");
	d->loop = loop;
	d->default_cmd = o->default_command;
	d->hyper = o->hyper;
	d->api = o->hyper ? "/" HYPER_API_VERSION : "/" DOCKER_API_VERSION;
	if (strncmp(host, "unix://", 7) == 0) {
		ho.unix_socket = host + 7;
		d->base_url = xstrdup("http://localhost");
		d->host_header = xstrdup("docker");
	} else if (strncmp(host, "tcp://", 6) == 0 || strncmp(host, "https://", 8) == 0 ||
		   strncmp(host, "http://", 7) == 0) {
		const char *hp = strstr(host, "://") + 3;
		int tls = o->tls_verify || o->hyper || strncmp(host, "https://", 8) == 0;

		if (strncmp(host, "http://", 7) == 0)
			tls = 0;
		d->base_url = xasprintf("%s://%.*s", tls ? "https" : "http", (int)strcspn(hp, "/"), hp);
		d->host_header = xstrndup(hp, strcspn(hp, "/"));
		if (o->tls_verify && o->cert_path != NULL) {
			snprintf(ca, sizeof ca, "%s/ca.pem", o->cert_path);
			snprintf(cert, sizeof cert, "%s/cert.pem", o->cert_path);
			snprintf(key, sizeof key, "%s/key.pem", o->cert_path);
			ho.ca_file = ca;
			ho.cert_file = cert;
			ho.key_file = key;
		}
	} else {
		free(d->base.name);
		free(d);
		fm_error(FM_EINVAL, "docker host '%s': use unix://PATH, tcp://HOST:PORT or https://HOST",
			 host);
		return NULL;
	}
	if (o->hyper) {
		if (o->access_key == NULL || o->secret_key == NULL) {
			free(d->base_url);
			free(d->host_header);
			free(d->base.name);
			free(d);
			fm_error(FM_EAUTH, "hyper: no access key (HYPER_ACCESS/HYPER_SECRET or "
					   "~/.hyper/config.json)");
			return NULL;
		}
		d->access_key = xstrdup(o->access_key);
		d->secret_key = xstrdup(o->secret_key);
		d->region = xstrdup(o->region ? o->region : "us-west-1");
	}
	d->http = http_new(loop, &ho);
	return &d->base;
}
