/* hyper_front.c: fleetsim's stand-in for Hyper.sh: an HTTP front on loopback
 * that checks HYPER-HMAC-SHA256 on every request (the exec start included)
 * and passes what it accepts to a real Docker engine, upgrades and all.
 * Each accepted request gets its own engine connection; plain requests are
 * sent with "Connection: close" so that no second request rides an already
 * checked connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fleetmux/docker.h"
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
	char body[512], all[1024];
	int blen = snprintf(body, sizeof body, "{\"message\":\"%s\"}", message);
	int n = snprintf(all, sizeof all,
			 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
			 "Connection: close\r\n\r\n%s",
			 status, reason, blen, body);

	uv_read_stop((uv_stream_t *)&c->client);
	c->spliced = -1;
	/* Close once the answer is out. */
	send_to(c, (uv_stream_t *)&c->client, NULL, all, (size_t)n, 1);
}

/* Parse the head: request line and headers into params (names as sent). */
static int
parse_head(const char *head, size_t len, struct buf *method, struct buf *target,
	   struct params *headers)
{
	const char *p = head, *end = head + len, *eol;

	eol = memchr(p, '\r', (size_t)(end - p));
	if (eol == NULL)
		return -1;
	{
		const char *sp1 = memchr(p, ' ', (size_t)(eol - p)), *sp2;

		if (sp1 == NULL)
			return -1;
		sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
		if (sp2 == NULL)
			return -1;
		buf_append(method, p, (size_t)(sp1 - p));
		buf_append(target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	}
	p = eol + 2;
	while (p < end && !(p[0] == '\r' && p[1] == '\n')) {
		const char *colon, *v;

		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL)
			return -1;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL) {
			v = colon + 1;
			while (v < eol && *v == ' ')
				v++;
			params_addn(headers, p, (size_t)(colon - p), v, (size_t)(eol - v));
		}
		p = eol + 2;
	}
	return 0;
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
check_request(struct front_conn *c, size_t head_len, size_t body_len)
{
	struct hyper_front *f = c->f;
	struct buf method, target, rebuilt;
	struct params headers, want;
	const char *auth, *date, *q;
	char *path;
	int upgrade;

	buf_init(&method);
	buf_init(&target);
	params_init(&headers);
	params_init(&want);
	if (parse_head(c->in.data, head_len, &method, &target, &headers) < 0) {
		reply_error(c, 400, "Bad Request", "malformed request");
		goto out;
	}
	auth = params_get_nocase(&headers, "Authorization");
	date = params_get_nocase(&headers, "X-Hyper-Date");
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
	q = strchr(target.data, '?');
	path = xstrndup(target.data, q ? (size_t)(q - target.data) : target.len);
	for (size_t i = 0; i < headers.n; i++) {
		const char *k = headers.v[i].key;

		if (strcasecmp(k, "Content-Type") == 0 || strcasecmp(k, "Content-Md5") == 0 ||
		    strncasecmp(k, "X-Hyper-", 8) == 0)
			if (strcasecmp(k, "X-Hyper-Date") != 0 && strcasecmp(k, "X-Hyper-Content-Sha256") != 0)
				params_add(&want, k, headers.v[i].value);
	}
	hyper_sign(&want, method.data, path, q ? q + 1 : NULL, c->in.data + head_len, body_len,
		   params_get_nocase(&headers, "Host") ? params_get_nocase(&headers, "Host") : "",
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
	upgrade = params_get_nocase(&headers, "Upgrade") != NULL;
	c->upgrade = upgrade;
	buf_init(&rebuilt);
	buf_printf(&rebuilt, "%s %s HTTP/1.1\r\n", method.data, target.data);
	for (size_t i = 0; i < headers.n; i++)
		if (upgrade || strcasecmp(headers.v[i].key, "Connection") != 0)
			buf_printf(&rebuilt, "%s: %s\r\n", headers.v[i].key, headers.v[i].value);
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
	buf_free(&method);
	buf_free(&target);
	params_free(&headers);
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
		const char *end = NULL;
		size_t head_len, body_len = 0;

		for (size_t i = 0; i + 3 < c->in.len; i++)
			if (memcmp(c->in.data + i, "\r\n\r\n", 4) == 0) {
				end = c->in.data + i + 4;
				break;
			}
		if (end == NULL) {
			if (c->in.len > FRONT_MAX_HEAD)
				reply_error(c, 431, "Request Header Fields Too Large", "headers too large");
			return;
		}
		head_len = (size_t)(end - c->in.data);
		{
			const char *cl = strcasestr(c->in.data, "\r\nContent-Length:");

			if (cl != NULL && cl < end)
				body_len = (size_t)strtoul(cl + 17, NULL, 10);
		}
		if (body_len > FRONT_MAX_BODY) {
			reply_error(c, 413, "Payload Too Large", "body too large");
			return;
		}
		if (c->in.len < head_len + body_len)
			return; /* the body is still coming */
		uv_read_stop(s);
		check_request(c, head_len, body_len);
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
