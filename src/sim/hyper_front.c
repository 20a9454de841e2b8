/* hyper_front.c: fleetsim's stand-in for Hyper.sh: an HTTP front on loopback
 * that checks HYPER-HMAC-SHA256 on every request (the exec start included)
 * and passes what it accepts to a real Docker engine, upgrades and all.
 * Each accepted request gets its own engine connection; plain requests are
 * sent with "Connection: close" so that no second request rides an already
 * checked connection. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fleetmux/docker.h"
#include "fleetmux/http_head.h"
#include "sim.h"

#define FRONT_MAX_HEAD (64 * 1024)
#define FRONT_MAX_BODY (16u << 20)
#define FRONT_HIGH_WATER (1u << 20)
#define HYPER_MAX_SKEW 300

struct front_conn {
	struct hyper_front *f;
	struct front_conn *next;
	uv_tcp_t client;
	uv_pipe_t engine;
	struct buf in;          /* the request until it is checked */
	int engine_open, client_open;
	int spliced;
	int closing;
	int handles;
	int paused_client, paused_engine;  /* reading stopped for backpressure */
	int has_timer;
	int upgrade;
	int dropped;     /* the client side is gone; the engine side stays, as after a partition */
	uv_timer_t drop;                   /* --drop-after on an upgraded stream */
};

static void on_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);
static void on_engine_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);

static void
conn_handle_closed(uv_handle_t *h)
{
	struct front_conn *c = h->data;

	if (--c->handles == 0) {
		for (struct front_conn **pp = &c->f->conns; *pp; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		buf_free(&c->in);
		free(c);
	}
}

static void
conn_close(struct front_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	if (!c->dropped)
		uv_close((uv_handle_t *)&c->client, conn_handle_closed);
	if (c->has_timer)
		uv_close((uv_handle_t *)&c->drop, conn_handle_closed);
	if (c->engine_open)
		uv_close((uv_handle_t *)&c->engine, conn_handle_closed);
	else
		c->handles--; /* the pipe was never initialised */
}

struct wreq {
	uv_write_t w;
	struct front_conn *c;
	uv_stream_t *from;
	int close_after;
	char data[];
};


static void
alloc_buf(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	b->base = xmalloc(65536);
	b->len = 65536;
}

static void
written(uv_write_t *w, int status)
{
	struct wreq *r = (struct wreq *)w;
	struct front_conn *c = r->c;

	if (r->close_after || status < 0)
		conn_close(c);
	/* Backpressure: the source reads again once the sink drained. */
	if (!c->closing && w->handle->write_queue_size < FRONT_HIGH_WATER / 2) {
		if (r->from == (uv_stream_t *)&c->client && c->paused_client) {
			c->paused_client = 0;
			uv_read_start(r->from, alloc_buf, on_client_read);
		} else if (r->from == (uv_stream_t *)&c->engine && c->paused_engine) {
			c->paused_engine = 0;
			uv_read_start(r->from, alloc_buf, on_engine_read);
		}
	}
	free(r);
}

static void
send_to(struct front_conn *c, uv_stream_t *to, uv_stream_t *from, const char *p, size_t n,
	int close_after)
{
	struct wreq *r = xmalloc(sizeof *r + n);
	uv_buf_t b;

	r->c = c;
	r->from = from;
	r->close_after = close_after;
	memcpy(r->data, p, n);
	b = uv_buf_init(r->data, (unsigned)n);
	if (uv_write(&r->w, to, &b, 1, written) < 0) {
		free(r);
		conn_close(c);
		return;
	}
	if (from != NULL && to->write_queue_size > FRONT_HIGH_WATER) {
		uv_read_stop(from);
		if (from == (uv_stream_t *)&c->client)
			c->paused_client = 1;
		else
			c->paused_engine = 1;
	}
}

static void
reply_error(struct front_conn *c, int status, const char *reason, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	char *body, all[1024];
	int n;

	/* The engine's error shape; the message may hold quotes or newlines. */
	cJSON_AddStringToObject(o, "message", message);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	n = snprintf(all, sizeof all,
		     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s",
		     status, reason, strlen(body), body);
	free(body);
	if (n < 0 || (size_t)n >= sizeof all)
		n = snprintf(all, sizeof all, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n"
					      "Connection: close\r\n\r\n", status, reason);

	uv_read_stop((uv_stream_t *)&c->client);
	c->spliced = -1;
	/* Close once the answer is out. */
	send_to(c, (uv_stream_t *)&c->client, NULL, all, (size_t)n, 1);
}

static void
drop_fire(uv_timer_t *t)
{
	struct front_conn *c = t->data;

	if (c->dropped) {
		conn_close(c); /* the engine side's grace is over */
		return;
	}
	sim_log(c->f->sim, "fault: dropping a Hyper exec stream");
	/* Only the client's side: the engine keeps the exec running for a
	 * while, as it would when a network drops between client and cloud. */
	c->dropped = 1;
	uv_close((uv_handle_t *)&c->client, conn_handle_closed);
	uv_timer_start(&c->drop, drop_fire, 10000, 0);
}

static void
engine_connected(uv_connect_t *req, int status)
{
	struct front_conn *c = req->data;

	free(req);
	if (c->closing)
		return;
	if (status < 0) {
		reply_error(c, 502, "Bad Gateway", "the engine behind the Hyper front is not reachable");
		return;
	}
	if (c->upgrade && c->f->sim != NULL && c->f->sim->opt.drop_after > 0) {
		/* A fault: the stream dies abruptly, as a network would drop it. */
		uint64_t ms = 1000 + (uint64_t)(sim_random(c->f->sim) * (c->f->sim->opt.drop_after * 1000 - 1000));

		uv_timer_init(c->f->loop, &c->drop);
		c->drop.data = c;
		c->has_timer = 1;
		c->handles++;
		uv_timer_start(&c->drop, drop_fire, ms, 0);
	}
	send_to(c, (uv_stream_t *)&c->engine, NULL, c->in.data, c->in.len, 0);
	buf_reset(&c->in);
	c->spliced = 1;
	uv_read_start((uv_stream_t *)&c->engine, alloc_buf, on_engine_read);
	uv_read_start((uv_stream_t *)&c->client, alloc_buf, on_client_read);
}

/* Check the whole request; on success rewrite it for the engine. */
static void
check_request(struct front_conn *c, const struct http_head *h, size_t body_len)
{
	struct hyper_front *f = c->f;
	const struct params *hd = &h->headers;
	size_t head_len = h->len;
	struct buf rebuilt;
	struct params want;
	const char *auth, *date, *q;
	char *path;
	int upgrade;

	params_init(&want);
	auth = params_get_nocase(hd, "Authorization");
	date = params_get_nocase(hd, "X-Hyper-Date");
	if (auth == NULL || date == NULL || strncmp(auth, "HYPER-HMAC-SHA256 ", 18) != 0) {
		reply_error(c, 401, "Unauthorized", "HYPER-HMAC-SHA256 Authorization and X-Hyper-Date required");
		goto out;
	}
	{
		struct tm tm;
		const char *e;
		long t, now = (long)time(NULL);

		memset(&tm, 0, sizeof tm);
		e = strptime(date, "%Y%m%dT%H%M%SZ", &tm);
		t = e && *e == '\0' ? (long)timegm(&tm) : -1;
		if (t < 0 || t < now - HYPER_MAX_SKEW || t > now + HYPER_MAX_SKEW) {
			reply_error(c, 403, "Forbidden", "the request is stale (X-Hyper-Date is more than "
							 "5 minutes from the server's clock)");
			goto out;
		}
	}
	/* Sign what was received with the known key; the signatures must match. */
	q = strchr(h->target, '?');
	path = xstrndup(h->target, q ? (size_t)(q - h->target) : strlen(h->target));
	for (size_t i = 0; i < hd->n; i++) {
		const char *k = hd->v[i].key;

		if (strcasecmp(k, "Content-Type") == 0 || strcasecmp(k, "Content-Md5") == 0 ||
		    strncasecmp(k, "X-Hyper-", 8) == 0)
			if (strcasecmp(k, "X-Hyper-Date") != 0 && strcasecmp(k, "X-Hyper-Content-Sha256") != 0)
				params_add(&want, k, hd->v[i].value);
	}
	hyper_sign(&want, h->method, path, q ? q + 1 : NULL, c->in.data + head_len, body_len,
		   params_get_nocase(hd, "Host") ? params_get_nocase(hd, "Host") : "",
		   f->access_key, f->secret_key, f->region, date);
	free(path);
	{
		const char *got_sig = strstr(auth, "Signature="), *want_sig =
			strstr(params_get(&want, "Authorization"), "Signature=");
		const char *got_cred = strstr(auth, "Credential=");

		if (got_cred == NULL || strncmp(got_cred + 11, f->access_key, strlen(f->access_key)) != 0) {
			reply_error(c, 403, "Forbidden", "unknown access key");
			goto out;
		}
		if (got_sig == NULL || strcmp(got_sig, want_sig) != 0) {
			reply_error(c, 403, "Forbidden", "the request signature does not match");
			goto out;
		}
	}
	/* Accepted: rebuild the head for the engine. */
	upgrade = params_get_nocase(hd, "Upgrade") != NULL;
	c->upgrade = upgrade;
	buf_init(&rebuilt);
	buf_printf(&rebuilt, "%s %s HTTP/1.1\r\n", h->method, h->target);
	for (size_t i = 0; i < hd->n; i++)
		if (upgrade || strcasecmp(hd->v[i].key, "Connection") != 0)
			buf_printf(&rebuilt, "%s: %s\r\n", hd->v[i].key, hd->v[i].value);
	if (!upgrade)
		buf_puts(&rebuilt, "Connection: close\r\n");
	buf_puts(&rebuilt, "\r\n");
	buf_append(&rebuilt, c->in.data + head_len, c->in.len - head_len);
	buf_free(&c->in);
	c->in = rebuilt;
	{
		uv_connect_t *req = xmalloc(sizeof *req);

		req->data = c;
		uv_pipe_init(f->loop, &c->engine, 0);
		c->engine.data = c;
		c->engine_open = 1;
		uv_pipe_connect(req, &c->engine, f->engine_path, engine_connected);
	}
out:
	params_free(&want);
}

static void
on_engine_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct front_conn *c = s->data;

	if (n > 0 && !c->closing && !c->dropped)
		send_to(c, (uv_stream_t *)&c->client, s, b->base, (size_t)n, 0);
	else if (n < 0)
		conn_close(c);
	free(b->base);
}

static void
on_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct front_conn *c = s->data;

	if (n < 0) {
		free(b->base);
		conn_close(c);
		return;
	}
	if (c->closing || c->spliced < 0) {
		free(b->base);
		return;
	}
	if (c->spliced > 0) {
		send_to(c, (uv_stream_t *)&c->engine, s, b->base, (size_t)n, 0);
		free(b->base);
		return;
	}
	buf_append(&c->in, b->base, (size_t)n);
	free(b->base);
	{
		struct http_head h;
		const char *cl;
		size_t body_len = 0;
		int rc = http_head_parse(c->in.data, c->in.len, FRONT_MAX_HEAD, 1, &h);

		if (rc == 0)
			return;
		if (rc < 0) {
			if (c->in.len > FRONT_MAX_HEAD)
				reply_error(c, 431, "Request Header Fields Too Large", "headers too large");
			else
				reply_error(c, 400, "Bad Request", "malformed request");
			return;
		}
		if ((cl = params_get_nocase(&h.headers, "Content-Length")) != NULL)
			body_len = (size_t)strtoul(cl, NULL, 10);
		if (body_len > FRONT_MAX_BODY)
			reply_error(c, 413, "Payload Too Large", "body too large");
		else if (c->in.len >= h.len + body_len) {
			uv_read_stop(s);
			check_request(c, &h, body_len);
		} /* else the body is still coming */
		http_head_free(&h);
	}
}

static void
on_accept(uv_stream_t *server, int status)
{
	struct hyper_front *f = server->data;
	struct front_conn *c;

	if (status < 0)
		return;
	c = xcalloc(1, sizeof *c);
	c->f = f;
	c->next = f->conns;
	f->conns = c;
	c->handles = 2;
	buf_init(&c->in);
	uv_tcp_init(f->loop, &c->client);
	c->client.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->client) < 0) {
		conn_close(c);
		return;
	}
	uv_read_start((uv_stream_t *)&c->client, alloc_buf, on_client_read);
}

void
hyper_front_stop(struct hyper_front *f)
{
	for (struct front_conn *c = f->conns; c != NULL; c = c->next)
		conn_close(c);
	uv_close((uv_handle_t *)&f->server, NULL);
}

int
hyper_front_start(struct hyper_front *f, uv_loop_t *loop, const char *host, int port)
{
	struct sockaddr_in sa;
	struct sockaddr_storage bound;
	int len = sizeof bound;

	f->loop = loop;
	uv_tcp_init(loop, &f->server);
	f->server.data = f;
	if (uv_ip4_addr(host, port, &sa) < 0 || uv_tcp_bind(&f->server, (struct sockaddr *)&sa, 0) < 0 ||
	    uv_listen((uv_stream_t *)&f->server, 128, on_accept) < 0)
		return fm_error(FM_EIO, "hyper front: cannot listen on %s:%d", host, port);
	uv_tcp_getsockname(&f->server, (struct sockaddr *)&bound, &len);
	f->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
	return 0;
}
