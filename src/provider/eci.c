/* eci.c: the Alibaba Cloud ECI provider: signed OpenAPI calls over libcurl
 * (retried with backoff on throttling and failures), regions and groups
 * listed page by page with bounded concurrency, and exec sessions over the
 * WebSocketUri that ExecContainerCommand returns. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/channel.h"
#include "fleetmux/eci.h"
#include "fleetmux/http.h"
#include "fleetmux/provider.h"
#include "fleetmux/sign.h"
#include "fleetmux/ws.h"

/* Pages of one region come one after another (NextToken), so listing many
 * regions is as fast as the calls in flight allow: one a region, up to 24. */
#define ECI_MAX_INFLIGHT 24
#define ECI_MAX_PENDING_INPUT (64 * 1024)
#define ECI_RECONNECT_MAX 6      /* tries after a drop before giving up */

/* Starts bash where the image has it, else sh. */
static const char *default_shell[] = {
    "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi", NULL};

struct eci_call;
typedef void (*call_cb)(void *arg, const char *body, size_t len, const char *error);

struct eci {
	struct provider base;
	uv_loop_t *loop;
	struct http *http;
	struct ws_client *ws;
	struct eci_creds creds;
	char *endpoint;
	int v1;
	int insecure;
	char **default_cmd;
	uint64_t rng;
	int inflight;
	struct eci_call *queue_head, *queue_tail;
};

struct eci_call {
	struct eci *e;
	char *region;
	char *action;
	struct params params;
	int attempt;
	uv_timer_t retry;
	call_cb cb;
	void *arg;            /* NULL once cancelled */
	struct eci_call *next;
};

static double
eci_random(struct eci *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return (double)((e->rng * 2685821657736338717ull) >> 11) / (double)(1ull << 53);
}

static void call_send(struct eci_call *c);

static void
call_free_handle(uv_handle_t *h)
{
	struct eci_call *c = h->data;

	free(c->region);
	free(c->action);
	params_free(&c->params);
	free(c);
}

static void
call_finish(struct eci_call *c, const char *body, size_t len, const char *error)
{
	struct eci *e = c->e;

	e->inflight--;
	if (c->arg != NULL)
		c->cb(c->arg, body, len, error);
	uv_close((uv_handle_t *)&c->retry, call_free_handle);
	/* Start what waited for a free slot. */
	while (e->inflight < ECI_MAX_INFLIGHT && e->queue_head != NULL) {
		struct eci_call *n = e->queue_head;

		e->queue_head = n->next;
		if (e->queue_head == NULL)
			e->queue_tail = NULL;
		e->inflight++;
		call_send(n);
	}
}

static void
retry_fire(uv_timer_t *t)
{
	call_send(t->data);
}

static void
call_answer(void *arg, const struct http_response *res)
{
	struct eci_call *c = arg;
	struct buf msg, code;

	if (c->arg == NULL) {
		call_finish(c, NULL, 0, "cancelled");
		return;
	}
	if (res->status == 200) {
		call_finish(c, res->body, res->body_len, NULL);
		return;
	}
	buf_init(&msg);
	buf_init(&code);
	if (res->status == 0)
		buf_printf(&msg, "cannot reach %s: %s", c->e->endpoint ? c->e->endpoint : "ECI",
			   res->error ? res->error : "no answer");
	else
		eci_parse_error(res->status, res->body, res->body_len, &msg, &code);
	if (eci_retryable(res->status, code.data) && c->attempt + 1 < ECI_RETRY_MAX) {
		const char *ra = params_get(&res->headers, "x-acs-retry-after");
		long delay = eci_retry_delay_ms(c->attempt, ra ? atol(ra) : 0, eci_random(c->e));

		c->attempt++;
		uv_timer_start(&c->retry, retry_fire, (uint64_t)delay, 0);
	} else {
		if (c->attempt > 0)
			buf_printf(&msg, " (after %d tries)", c->attempt + 1);
		call_finish(c, NULL, 0, msg.data);
	}
	buf_free(&msg);
	buf_free(&code);
}

static void
call_send(struct eci_call *c)
{
	struct eci *e = c->e;
	struct eci_request r;
	char nonce[37];
	char *endpoint = e->endpoint ? xstrdup(e->endpoint)
				     : xasprintf("https://eci.%s.aliyuncs.com", c->region);

	fm_uuid(nonce);
	eci_build_request(&r, &e->creds, endpoint, c->action, &c->params, e->v1, (long)time(NULL),
			  nonce);
	if (http_request(e->http, r.method, r.url.data, &r.headers, "", 0, call_answer, c) < 0)
		call_finish(c, NULL, 0, fm_error_message());
	eci_request_free(&r);
	free(endpoint);
}

/* Queue one call; it starts at once while fewer than ECI_MAX_INFLIGHT run. */
static struct eci_call *
eci_call(struct eci *e, const char *region, const char *action, const struct params *params,
	 call_cb cb, void *arg)
{
	struct eci_call *c = xcalloc(1, sizeof *c);

	c->e = e;
	c->region = xstrdup(region);
	c->action = xstrdup(action);
	params_init(&c->params);
	for (size_t i = 0; params != NULL && i < params->n; i++)
		params_add(&c->params, params->v[i].key, params->v[i].value);
	c->cb = cb;
	c->arg = arg;
	uv_timer_init(e->loop, &c->retry);
	c->retry.data = c;
	if (e->inflight < ECI_MAX_INFLIGHT) {
		e->inflight++;
		call_send(c);
	} else {
		if (e->queue_tail)
			e->queue_tail->next = c;
		else
			e->queue_head = c;
		e->queue_tail = c;
	}
	return c;
}

static void
eci_call_cancel(struct eci_call *c)
{
	if (c != NULL)
		c->arg = NULL;
}

/* --- listing --- */

struct list_job {
	struct eci *e;
	void *arg;
	region_list_cb rcb;
	group_page_cb gcb;
	char *region;
};

static void
regions_answer(void *arg, const char *body, size_t len, const char *error)
{
	struct list_job *j = arg;
	char **ids = NULL;
	size_t n = 0;

	if (error != NULL)
		j->rcb(j->arg, NULL, 0, error);
	else if (eci_parse_regions(body, len, &ids, &n) < 0)
		j->rcb(j->arg, NULL, 0, fm_error_message());
	else
		j->rcb(j->arg, ids, n, NULL);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(j);
}

static int
eci_list_regions(struct provider *p, region_list_cb cb, void *arg)
{
	struct eci *e = (struct eci *)p;
	struct list_job *j = xcalloc(1, sizeof *j);

	j->e = e;
	j->rcb = cb;
	j->arg = arg;
	eci_call(e, e->creds.region ? e->creds.region : "cn-hangzhou", "DescribeRegions", NULL,
		 regions_answer, j);
	return 0;
}

static void groups_page(struct list_job *j, const char *token);

static void
groups_answer(void *arg, const char *body, size_t len, const char *error)
{
	struct list_job *j = arg;
	struct fm_group *groups = NULL;
	size_t n = 0;
	char *next = NULL;
	long total = 0;

	if (error != NULL) {
		j->gcb(j->arg, j->region, NULL, 0, 1, error);
	} else if (eci_parse_groups(body, len, &groups, &n, &next, &total) < 0) {
		j->gcb(j->arg, j->region, NULL, 0, 1, fm_error_message());
	} else {
		j->gcb(j->arg, j->region, groups, n, next == NULL, NULL);
		if (next != NULL) {
			groups_page(j, next);
			free(next);
			return;
		}
	}
	free(j->region);
	free(j);
}

static void
groups_page(struct list_job *j, const char *token)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RegionId", j->region);
	params_add(&p, "Limit", "20");
	if (token != NULL)
		params_add(&p, "NextToken", token);
	eci_call(j->e, j->region, "DescribeContainerGroups", &p, groups_answer, j);
	params_free(&p);
}

static int
eci_list_groups(struct provider *p, const char *region, group_page_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->e = (struct eci *)p;
	j->gcb = cb;
	j->arg = arg;
	j->region = xstrdup(region);
	groups_page(j, NULL);
	return 0;
}

/* --- exec sessions --- */

struct eci_session {
	struct session base;
	struct eci *e;
	const struct session_events *ev;
	void *arg;
	char *region, *group, *container;
	char **argv;
	unsigned cols, rows, sent_cols, sent_rows;
	struct eci_call *call;
	struct ws_conn *ws;
	struct buf pending;     /* typed while connecting, sent on open */
	enum session_state state;
	int exit_code;
	int got_status;
	int in_event, dead;
	int tty, no_stdin;
	int was_open;           /* it was live once: a drop is worth a reconnect */
	int attempt;            /* reconnect tries since it was last live */
	char last_error[200];
	uv_timer_t retry;
};

static void
session_free_cb(uv_handle_t *h)
{
	struct eci_session *s = h->data;

	strv_free(s->argv);
	free(s->region);
	free(s->group);
	free(s->container);
	buf_free(&s->pending);
	free(s);
}

static void
session_free(struct eci_session *s)
{
	/* The retry timer lives in s: free s once libuv lets go of it. */
	uv_close((uv_handle_t *)&s->retry, session_free_cb);
}

/* Deliver a state; the pane may close the session from inside. */
static int
session_set_state(struct eci_session *s, enum session_state st, int code, const char *msg)
{
	s->state = st;
	s->in_event++;
	if (s->ev && s->ev->on_state)
		s->ev->on_state(s->arg, st, code, msg);
	s->in_event--;
	if (s->dead && s->in_event == 0) {
		session_free(s);
		return -1;
	}
	return 0;
}

/* A final state: after telling the pane, the session frees itself (the
 * pane has dropped its pointer, as provider.h says). */
static void
session_end(struct eci_session *s, enum session_state st, int code, const char *msg)
{
	if (session_set_state(s, st, code, msg) == 0)
		session_free(s);
}

static void
send_frame(struct eci_session *s, int chan, const void *data, size_t len)
{
	struct buf f;

	buf_init(&f);
	channel_encode(&f, chan, data, len);
	ws_send(s->ws, f.data, f.len);
	buf_free(&f);
}

static void
send_resize(struct eci_session *s)
{
	struct buf j;

	if (s->ws == NULL || s->state != SESSION_OPEN || s->cols == 0 ||
	    (s->cols == s->sent_cols && s->rows == s->sent_rows))
		return;
	buf_init(&j);
	channel_resize_json(&j, s->cols, s->rows);
	send_frame(s, CH_RESIZE, j.data, j.len);
	buf_free(&j);
	s->sent_cols = s->cols;
	s->sent_rows = s->rows;
}

static void
ws_opened(void *arg)
{
	struct eci_session *s = arg;

	s->was_open = 1;
	s->attempt = 0;
	s->sent_cols = s->sent_rows = 0; /* a new process: tell it the size */
	if (session_set_state(s, SESSION_OPEN, 0, NULL) < 0)
		return;
	/* The first size goes out as soon as the socket opens. */
	send_resize(s);
	if (s->pending.len > 0) {
		send_frame(s, CH_STDIN, s->pending.data, s->pending.len);
		buf_reset(&s->pending);
	}
}

static void
ws_message(void *arg, const unsigned char *data, size_t len)
{
	struct eci_session *s = arg;
	int chan;
	const unsigned char *p;
	size_t n;

	if (channel_decode(data, len, &chan, &p, &n) < 0)
		return;
	switch (chan) {
	case CH_STDOUT:
	case CH_STDERR:
		if (n > 0 && s->ev->on_output) {
			s->in_event++;
			s->ev->on_output(s->arg, chan, p, n);
			s->in_event--;
			if (s->dead && s->in_event == 0) {
				session_free(s);
				return;
			}
		}
		break;
	case CH_STATUS: {
		struct buf msg;
		int code = -1;

		buf_init(&msg);
		if (channel_parse_status(p, n, &code, &msg) == 0) {
			s->exit_code = code;
			s->got_status = 1;
		} else if (msg.len > 0 && s->ev->on_output) {
			/* Show the server's words in the pane itself. */
			struct buf line;

			buf_init(&line);
			buf_printf(&line, "\r\n[exec: %s]\r\n", msg.data);
			s->ev->on_output(s->arg, CH_STDERR, (unsigned char *)line.data, line.len);
			buf_free(&line);
		}
		buf_free(&msg);
		break;
	}
	default:
		break;
	}
}

static void exec_request(struct eci_session *s);

static void
reconnect_fire(uv_timer_t *t)
{
	exec_request(t->data);
}

/* Dropped without the process ending: each try is a new
 * ExecContainerCommand, since every WebSocketUri is single-use. */
static void
schedule_reconnect(struct eci_session *s, const char *why)
{
	long delay;

	snprintf(s->last_error, sizeof s->last_error, "%s", why);
	if (s->attempt >= ECI_RECONNECT_MAX) {
		char msg[300];

		snprintf(msg, sizeof msg, "gave up after %d tries: %s", s->attempt, why);
		session_end(s, SESSION_FAILED, 0, msg);
		return;
	}
	delay = eci_retry_delay_ms(s->attempt, 0, eci_random(s->e));
	s->attempt++;
	if (s->state != SESSION_RECONNECTING &&
	    session_set_state(s, SESSION_RECONNECTING, 0, why) < 0)
		return;
	uv_timer_start(&s->retry, reconnect_fire, (uint64_t)delay, 0);
}

static void
ws_closed(void *arg, int code, const char *why)
{
	struct eci_session *s = arg;

	s->ws = NULL;
	if (s->got_status)
		session_end(s, SESSION_EXITED, s->exit_code, NULL);
	else if (code == 1000)
		session_end(s, SESSION_EXITED, -1, NULL);
	else if (code == 1009)
		/* We refused a message too large: a new session would get the same. */
		session_end(s, SESSION_FAILED, 0, why);
	else if (s->was_open)
		schedule_reconnect(s, why && *why ? why : "connection dropped");
	else {
		char msg[300];

		snprintf(msg, sizeof msg, "%s", why && *why ? why : "connection closed");
		session_end(s, SESSION_FAILED, 0, msg);
	}
}

static const struct ws_callbacks session_ws_cb = {ws_opened, ws_message, ws_closed};

static void
exec_answer(void *arg, const char *body, size_t len, const char *error)
{
	struct eci_session *s = arg;
	char *uri = NULL;

	s->call = NULL;
	if (error != NULL) {
		/* While reconnecting, the call's own retries are spent: try again
		 * later, unless the container cannot take a command any more. */
		if (s->state == SESSION_RECONNECTING && strstr(error, "IncorrectStatus") == NULL &&
		    strstr(error, "InvalidParameter") == NULL)
			schedule_reconnect(s, error);
		else
			session_end(s, SESSION_FAILED, 0, error);
		return;
	}
	if (eci_parse_exec(body, len, &uri) < 0) {
		session_end(s, SESSION_FAILED, 0, fm_error_message());
		return;
	}
	s->ws = ws_open(s->e->ws, uri, NULL, &session_ws_cb, s);
	free(uri);
	if (s->ws == NULL) {
		if (s->state == SESSION_RECONNECTING)
			schedule_reconnect(s, fm_error_message());
		else
			session_end(s, SESSION_FAILED, 0, fm_error_message());
	}
}

static int
session_write(struct session *base, const void *data, size_t len)
{
	struct eci_session *s = (struct eci_session *)base;

	if (s->state == SESSION_OPEN && s->ws != NULL) {
		struct buf f;
		int rc;

		buf_init(&f);
		channel_encode(&f, CH_STDIN, data, len);
		rc = ws_send(s->ws, f.data, f.len);
		buf_free(&f);
		return rc;
	}
	if (s->state == SESSION_CONNECTING || s->state == SESSION_RECONNECTING) {
		if (s->pending.len + len > ECI_MAX_PENDING_INPUT)
			return fm_error(FM_ELIMIT, "not connected yet; input held is full");
		buf_append(&s->pending, data, len);
		return 0;
	}
	return fm_error(FM_ESTATE, "the session is not live");
}

static int
session_resize(struct session *base, unsigned cols, unsigned rows)
{
	struct eci_session *s = (struct eci_session *)base;

	s->cols = cols;
	s->rows = rows;
	send_resize(s);
	return 0;
}

static void
session_close(struct session *base)
{
	struct eci_session *s = (struct eci_session *)base;

	eci_call_cancel(s->call);
	s->call = NULL;
	uv_timer_stop(&s->retry);
	if (s->ws != NULL)
		ws_close(s->ws);
	s->ws = NULL;
	s->ev = NULL;
	if (s->in_event > 0)
		s->dead = 1;
	else
		session_free(s);
}

static const struct session_ops eci_session_ops = {session_write, session_resize, session_close};

static char *
json_argv(char **argv)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	for (size_t i = 0; argv[i] != NULL; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

/* ExecContainerCommand for this session: at the start, and for each
 * reconnect. */
static void
exec_request(struct eci_session *s)
{
	struct params params;
	char *cmd = json_argv(s->argv);

	params_init(&params);
	params_add(&params, "RegionId", s->region);
	params_add(&params, "ContainerGroupId", s->group);
	params_add(&params, "ContainerName", s->container);
	params_add(&params, "Command", cmd);
	params_add(&params, "TTY", s->tty ? "true" : "false");
	params_add(&params, "Stdin", s->no_stdin ? "false" : "true");
	s->call = eci_call(s->e, s->region, "ExecContainerCommand", &params, exec_answer, s);
	free(cmd);
	params_free(&params);
}

static struct session *
eci_open_exec(struct provider *p, const struct container_ref *ref, const struct exec_req *req,
	      const struct session_events *ev, void *arg)
{
	struct eci *e = (struct eci *)p;
	struct eci_session *s = xcalloc(1, sizeof *s);
	char **argv = req->argv ? req->argv : e->default_cmd ? e->default_cmd : (char **)default_shell;

	s->base.ops = &eci_session_ops;
	s->e = e;
	s->ev = ev;
	s->arg = arg;
	s->region = xstrdup(ref->region);
	s->group = xstrdup(ref->group_id);
	s->container = xstrdup(ref->container);
	s->cols = req->cols;
	s->rows = req->rows;
	s->tty = req->tty;
	s->no_stdin = req->no_stdin;
	buf_init(&s->pending);
	s->argv = strv_dup(argv);
	s->state = SESSION_CONNECTING;
	uv_timer_init(e->loop, &s->retry);
	s->retry.data = s;
	exec_request(s);
	return &s->base;
}

static void
eci_free(struct provider *p)
{
	struct eci *e = (struct eci *)p;

	http_free(e->http);
	ws_client_free(e->ws);
	eci_creds_free(&e->creds);
	free(e->endpoint);
	free(e->base.name);
	free(e);
}

static const struct provider_ops eci_ops = {
    "eci", eci_list_regions, eci_list_groups, eci_open_exec, eci_free, NULL,
};

struct provider *
eci_provider_new(uv_loop_t *loop, const struct eci_options *o)
{
	struct eci *e = xcalloc(1, sizeof *e);

	if (eci_creds_load(&e->creds, o->key_id, o->secret, o->token, o->profile, o->config_path) < 0) {
		free(e);
		return NULL;
	}
	e->base.ops = &eci_ops;
	e->base.name = xstrdup("eci");
	e->loop = loop;
	e->v1 = o->sign_v1;
	e->insecure = o->insecure;
	e->endpoint = o->endpoint ? xstrdup(o->endpoint) : NULL;
	e->default_cmd = o->default_command;
	e->rng = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull | 1;
	{
		struct http_opts ho = {.insecure = o->insecure, .ca_file = o->ca_file};

		e->http = http_new(loop, &ho);
	}
	e->ws = ws_client_new(loop, o->insecure, o->ca_file);
	if (e->ws == NULL) {
		http_free(e->http);
		eci_creds_free(&e->creds);
		free(e->endpoint);
		free(e->base.name);
		free(e);
		return NULL;
	}
	return &e->base;
}

const char *
eci_provider_default_region(struct provider *p)
{
	return ((struct eci *)p)->creds.region;
}
