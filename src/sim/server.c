/* server.c: fleetsim's one port: the OpenAPI over HTTP and the exec
 * WebSocket, on libwebsockets running on the libuv loop. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/channel.h"
#include "sim.h"

long
sim_now(void)
{
	return (long)time(NULL);
}

void
sim_log(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s != NULL && s->opt.verbose < 0)
		return;
	fputs("fleetsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* xorshift64*: seeded, so that fault runs can be repeated. */
double
sim_random(struct sim *s)
{
	uint64_t x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return (double)((x * 2685821657736338717ull) >> 11) / (double)(1ull << 53);
}

/* Query arguments as lws hands them: one decoded "k=v" fragment each. */
void
sim_collect_query(struct lws *wsi, struct params *q)
{
	char frag[8192];

	for (int i = 0;; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
		char *eq;

		if (n < 0)
			break;
		if (n == 0)
			continue; /* "/?" or "a=1&&b=2": nothing there */
		eq = strchr(frag, '=');
		if (eq == NULL)
			params_add(q, frag, "");
		else
			params_addn(q, frag, (size_t)(eq - frag), eq + 1, strlen(eq + 1));
	}
}

static void
add_token_header(struct lws *wsi, struct params *h, const char *name, enum lws_token_indexes tok)
{
	int n = lws_hdr_total_length(wsi, tok);
	char *v;

	if (n <= 0)
		return;
	v = xmalloc((size_t)n + 1);
	if (lws_hdr_copy(wsi, v, n + 1, tok) >= 0)
		params_add(h, name, v);
	free(v);
}

static void
add_custom_header(struct lws *wsi, struct params *h, const char *name)
{
	char key[128];
	int n;
	char *v;

	snprintf(key, sizeof key, "%s:", name);
	n = lws_hdr_custom_length(wsi, key, (int)strlen(key));
	if (n <= 0)
		return;
	v = xmalloc((size_t)n + 1);
	if (lws_hdr_custom_copy(wsi, v, n + 1, key, (int)strlen(key)) >= 0)
		params_add(h, name, v);
	free(v);
}

/* The headers authentication may read: the fixed x-acs-* set and whatever
 * the Authorization header says was signed. */
static void
collect_headers(struct lws *wsi, struct params *h)
{
	static const char *acs[] = {"x-acs-action", "x-acs-version", "x-acs-date",
				    "x-acs-signature-nonce", "x-acs-content-sha256",
				    "x-acs-security-token", NULL};
	const char *authz, *sh;

	add_token_header(wsi, h, "authorization", WSI_TOKEN_HTTP_AUTHORIZATION);
	add_token_header(wsi, h, "host", WSI_TOKEN_HOST);
	add_token_header(wsi, h, "content-type", WSI_TOKEN_HTTP_CONTENT_TYPE);
	for (size_t i = 0; acs[i] != NULL; i++)
		add_custom_header(wsi, h, acs[i]);
	authz = params_get(h, "authorization");
	sh = authz ? strstr(authz, "SignedHeaders=") : NULL;
	if (sh != NULL) {
		const char *p = sh + 14;

		while (*p && *p != ',') {
			size_t n = strcspn(p, ";,");
			char name[128];

			if (n > 0 && n < sizeof name) {
				memcpy(name, p, n);
				name[n] = '\0';
				if (params_get_nocase(h, name) == NULL) {
					if (strcasecmp(name, "user-agent") == 0)
						add_token_header(wsi, h, "user-agent", WSI_TOKEN_HTTP_USER_AGENT);
					else if (strcasecmp(name, "accept") == 0)
						add_token_header(wsi, h, "accept", WSI_TOKEN_HTTP_ACCEPT);
					else
						add_custom_header(wsi, h, name);
				}
			}
			p += n;
			if (*p == ';')
				p++;
		}
	}
}

static void
ws_base_url(struct sim *s, char *out, size_t len)
{
	snprintf(out, len, "%s://%s:%d", s->opt.tls_cert ? "wss" : "ws", s->opt.listen_host, s->port);
}

/* Authenticate, inject faults, dispatch. Leaves c->res ready (or a Sync
 * exec running that will fill it). */
static void
api_request(struct sim *s, struct lws *wsi, struct conn *c)
{
	struct api_request req = {
	    .method = c->method,
	    .query = &c->query,
	    .form = &c->form,
	    .headers = &c->headers,
	    .body = c->body.data,
	    .body_len = c->body.len,
	};
	const char *action = NULL;
	const char *ctype = params_get(&c->headers, "content-type");

	if (c->handled++)
		return;

	if (c->body.len > 0 && ctype != NULL && strstr(ctype, "application/x-www-form-urlencoded"))
		params_parse_query(&c->form, c->body.data, c->body.len);
	if (s->opt.fail_rate > 0 && sim_random(s) < s->opt.fail_rate) {
		api_error(&c->res, 500, "InternalError",
			  "The request processing has failed due to some unknown error (fleetsim "
			  "--fail-rate).");
		return;
	}
	if (sim_auth_check(&s->auth, &req, sim_now(), &action, &c->res) < 0)
		return;
	if (s->opt.throttle_rate > 0 && sim_random(s) < s->opt.throttle_rate) {
		api_error(&c->res, 400, "Throttling.User",
			  "Request was denied due to user flow control (fleetsim --throttle-rate).");
		c->res.retry_after_ms = 100 + (long)(sim_random(s) * 400);
		return;
	}
	{
		struct params all;

		params_init(&all);
		for (size_t i = 0; i < c->query.n; i++)
			params_add(&all, c->query.v[i].key, c->query.v[i].value);
		for (size_t i = 0; i < c->form.n; i++)
			params_add(&all, c->form.v[i].key, c->form.v[i].value);
		api_dispatch(&s->fleet, action, &all, sim_now(), &c->res);
		params_free(&all);
	}
	if (c->res.deleted != NULL) {
		life_group_delete(s, c->res.deleted);
		c->res.deleted = NULL;
	}
	if (!c->res.exec)
		return;
	c->res.exec = 0;
	if (c->res.sync) {
		if (exec_sync_start(s, wsi, c, &c->res) < 0)
			api_error(&c->res, 500, "InternalError", "exec failed: %s", fm_error_message());
		return;
	}
	{
		char base[128], *ws, *http;
		const char *token = exec_ticket_new(s, &c->res);

		ws_base_url(s, base, sizeof base);
		ws = xasprintf("%s/exec/?s=%s", base, token);
		http = xasprintf("%s://%s:%d/exec/http?s=%s", s->opt.tls_cert ? "https" : "http",
				 s->opt.listen_host, s->port, token);
		api_exec_reply(&c->res, ws, http, NULL);
		free(ws);
		free(http);
	}
}

/* The answer is ready: send it now, or after the injected latency. */
void
http_respond(struct sim *s, struct lws *wsi, struct conn *c)
{
	c->res_ready = 1;
	if (s->opt.latency_ms > 0)
		lws_set_timer_usecs(wsi, (lws_usec_t)s->opt.latency_ms * 1000);
	else
		lws_callback_on_writable(wsi);
}

static int
http_write(struct lws *wsi, struct conn *c)
{
	unsigned char hdr[LWS_PRE + 2048], *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr;
	size_t blen = c->res.body ? strlen(c->res.body) : 0;

	if (!c->res_ready)
		return 0;
	if (!c->hdr_sent) {
		if (lws_add_http_common_headers(wsi, (unsigned)c->res.status, "application/json;charset=utf-8",
						(lws_filepos_t)blen, &p, end))
			return 1;
		if (c->res.retry_after_ms > 0) {
			char v[32];
			int n = snprintf(v, sizeof v, "%ld", c->res.retry_after_ms);

			if (lws_add_http_header_by_name(wsi, (unsigned char *)"x-acs-retry-after:",
							(unsigned char *)v, n, &p, end))
				return 1;
		}
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			return 1;
		c->hdr_sent = 1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	{
		unsigned char *body = xmalloc(LWS_PRE + blen + 1);
		int n;

		memcpy(body + LWS_PRE, c->res.body ? c->res.body : "", blen);
		n = lws_write(wsi, body + LWS_PRE, blen, LWS_WRITE_HTTP_FINAL);
		free(body);
		if (n < 0)
			return -1;
	}
	api_result_free(&c->res);
	c->res_ready = 0;
	c->hdr_sent = 0;
	if (lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

static void
conn_reset(struct conn *c)
{
	params_free(&c->query);
	params_free(&c->form);
	params_free(&c->headers);
	buf_free(&c->body);
}

static void
http_begin(struct sim *s, struct lws *wsi, struct conn *c)
{
	conn_reset(c);
	api_result_free(&c->res);
	c->res_ready = 0;
	c->hdr_sent = 0;
	c->handled = 0;
	sim_collect_query(wsi, &c->query);
	collect_headers(wsi, &c->headers);
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct lws_context *ctx = lws_get_context(wsi);
	struct sim *s = lws_context_user(ctx);
	struct conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP: {
		char clen[32] = "";

		http_begin(s, wsi, c);
		if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0)
			strcpy(c->method, "POST");
		else if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
			strcpy(c->method, "GET");
		else {
			api_error(&c->res, 405, "MethodNotAllowed", "Only GET and POST are served.");
			http_respond(s, wsi, c);
			return 0;
		}
		if (strcmp((const char *)in, "/") != 0) {
			api_error(&c->res, 404, "InvalidApi.NotFound",
				  "The OpenAPI is served at \"/\" only; \"%s\" is not found.",
				  (const char *)in);
			http_respond(s, wsi, c);
			return 0;
		}
		lws_hdr_copy(wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH);
		if (strcmp(c->method, "POST") == 0 && atol(clen) > 0)
			return 0; /* wait for the body */
		api_request(s, wsi, c);
		if (c->session == NULL)
			http_respond(s, wsi, c);
		return 0;
	}
	case LWS_CALLBACK_HTTP_BODY:
		if (c->body.len + len > SIM_MAX_BODY) {
			lws_return_http_status(wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, NULL);
			return -1;
		}
		buf_append(&c->body, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (c->handled)
			return 0;
		api_request(s, wsi, c);
		if (c->session == NULL)
			http_respond(s, wsi, c);
		return 0;
	case LWS_CALLBACK_TIMER:
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_write(wsi, c);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c != NULL && !c->is_ws) {
			exec_sync_detach(c);
			conn_reset(c);
			api_result_free(&c->res);
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		return exec_ws_callback(s, wsi, reason, c, in, len);
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols protocols[] = {
    /* The first serves HTTP and any WebSocket that names no subprotocol. */
    {"fleetsim", callback, sizeof(struct conn), SIM_CHUNK, 0, NULL, 0},
    {CHANNEL_SUBPROTOCOL, callback, sizeof(struct conn), SIM_CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
lws_log_emit(int level, const char *line)
{
	fprintf(stderr, "fleetsim: lws: %s", line);
}

int
sim_server_start(struct sim *s)
{
	struct lws_context_creation_info info;
	void *loops[1] = {s->loop};
	struct lws_vhost *vh;

	lws_set_log_level(s->opt.verbose > 0 ? LLL_ERR | LLL_WARN | LLL_NOTICE : LLL_ERR,
			  lws_log_emit);
	memset(&info, 0, sizeof info);
	info.port = s->opt.port;
	info.iface = s->opt.listen_host;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DISABLE_IPV6 |
		       LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.foreign_loops = loops;
	info.user = s;
	info.max_http_header_data = 16384;
	info.max_http_header_pool = 256;
	info.keepalive_timeout = 30;
	info.timeout_secs = 30;
	/* The Kubernetes front's vhost speaks TLS whatever this one does. */
	if (s->opt.k8s)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if (s->opt.tls_cert != NULL) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = s->opt.tls_cert;
		info.ssl_private_key_filepath = s->opt.tls_key;
		/* HTTP/1.1 only: the API reads custom headers (x-acs-*) the 1.1 way. */
		info.alpn = "http/1.1";
	}
	s->lws = lws_create_context(&info);
	if (s->lws == NULL)
		return fm_error(FM_EIO, "cannot start libwebsockets");
	vh = lws_create_vhost(s->lws, &info);
	if (vh == NULL)
		return fm_error(FM_EIO, "cannot listen on %s:%d (in use, or not an address here?)",
				s->opt.listen_host, s->opt.port);
	s->port = lws_get_vhost_listen_port(vh);
	return 0;
}
