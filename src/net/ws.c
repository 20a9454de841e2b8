/* ws.c: libwebsockets client connections. One lws context per app, on the
 * app's libuv loop; each connection queues outgoing messages and assembles
 * incoming fragments, with bounds on both. */
#include "fleetmux/ws.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/debuglog.h"
#include "fleetmux/redact.h"
#include "fleetmux/util.h"

struct ws_client {
	struct lws_context *ctx;   /* lws writes NULL here once it is wholly gone */
	uv_loop_t *loop;
	int insecure;
	char *server_name;   /* the TLS name to check, when not the URL's host */
};

struct ws_msg {
	struct ws_msg *next;
	size_t len;
	unsigned char data[]; /* LWS_PRE bytes, then the message */
};

struct ws_conn {
	struct ws_client *client;
	struct lws *wsi;
	const struct ws_callbacks *cb;
	void *arg;
	struct ws_msg *head, *tail;
	size_t queued;
	struct buf rx;
	int close_code;
	char why[256];
	int open;
	int opening;   /* inside ws_open: an error now is returned, not called back */
	int failed;
	int refusing;  /* a message was too large: drop the rest, close when writable */
	int binary;    /* the message being gathered came in binary frames */
	struct params headers; /* sent with the upgrade */
	char proto[64];        /* the subprotocol the server chose */
};

static void
conn_free(struct ws_conn *w)
{
	while (w->head != NULL) {
		struct ws_msg *m = w->head;

		w->head = m->next;
		free(m);
	}
	buf_free(&w->rx);
	params_free(&w->headers);
	free(w);
}

static void
conn_finish(struct ws_conn *w, int code, int http_status, const char *why)
{
	const struct ws_callbacks *cb = w->cb;

	w->wsi = NULL;
	debuglog("websocket < closed %d %s", code, why);
	if (w->opening) {
		w->failed = 1;
		snprintf(w->why, sizeof w->why, "%s", why);
		return;
	}
	w->cb = NULL;
	if (cb != NULL && cb->on_close != NULL)
		cb->on_close(w->arg, code, http_status, why);
	conn_free(w);
}

/* libwebsockets' reasons for a connection that never opened, as an
 * operator would say them. */
static const struct {
	const char *lws;
	const char *words;
} lws_words[] = {
    {"HS: ws upgrade unauthorized", "the server refused the WebSocket: not authorized"},
    {"HS: ACCEPT missing", "the server did not accept the WebSocket (no Sec-WebSocket-Accept): "
			   "is it a WebSocket endpoint?"},
    {"HS: UPGRADE missing", "the server did not upgrade to a WebSocket: is it a WebSocket endpoint?"},
    {"HS: UPGRADE malformed", "the server did not upgrade to a WebSocket: is it a WebSocket "
			      "endpoint?"},
    {"HS: Accept hash wrong", "the server's WebSocket answer is not for this request"},
    {"HS: PROTOCOL malformed", "the server's WebSocket subprotocol answer is malformed"},
    {"HS: Cannot match protocol", "the server chose a WebSocket subprotocol fleetmux did not offer"},
    {"Timed out waiting SSL", "the TLS handshake timed out"},
    {"tls start fail", "TLS could not start (does the server speak TLS there?)"},
    {"closed before established", "the server closed the connection before the WebSocket opened"},
};

void
ws_error_words(const char *lws, int http_status, struct buf *out)
{
	if (lws == NULL || *lws == '\0')
		lws = "connection failed";
	/* The upgrade was answered, with something else than 101. */
	if (http_status > 0 && http_status != 101) {
		buf_printf(out, "the server refused the WebSocket (HTTP %d)", http_status);
		return;
	}
	if (strcmp(lws, "HS: ws upgrade response not 101") == 0) {
		buf_puts(out, "the server refused the WebSocket (it answered, but not with 101 "
			      "Switching Protocols)");
		return;
	}
	for (size_t i = 0; i < sizeof lws_words / sizeof lws_words[0]; i++)
		if (strcmp(lws, lws_words[i].lws) == 0) {
			buf_puts(out, lws_words[i].words);
			return;
		}
	/* Other handshake words ("HS: ...") are libwebsockets' shorthand. */
	if (strncmp(lws, "HS: ", 4) == 0)
		buf_printf(out, "the WebSocket handshake failed (%s)", lws + 4);
	else
		buf_puts(out, lws);
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct ws_conn *w = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (w == NULL)
			return -1;
		w->open = 1;
		debuglog("websocket < open%s%s", w->proto[0] ? " " : "", w->proto);
		if (w->cb && w->cb->on_open)
			w->cb->on_open(w->arg);
		if (w->head != NULL && w->wsi != NULL)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
		/* The answer's headers are still there: which subprotocol. */
		if (w != NULL && lws_hdr_copy(wsi, w->proto, sizeof w->proto, WSI_TOKEN_PROTOCOL) < 0)
			w->proto[0] = '\0';
		return 0;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;

		for (size_t i = 0; w != NULL && i < w->headers.n; i++) {
			char *name = xasprintf("%s:", w->headers.v[i].key);
			const char *v = w->headers.v[i].value;
			int rc = lws_add_http_header_by_name(wsi, (const unsigned char *)name,
							     (const unsigned char *)v, (int)strlen(v), p, end);

			free(name);
			if (rc != 0)
				return -1;
		}
		return 0;
	}
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (w == NULL || w->cb == NULL)
			return -1;
		if (w->refusing)
			return 0;
		if (w->rx.len + len > WS_MAX_MESSAGE) {
			/* Returning -1 here, in the middle of a frame, makes
			 * libwebsockets 4.1 write past its buffer: drop what
			 * comes and close from the writable callback instead. */
			snprintf(w->why, sizeof w->why, "message over %u MiB from the server",
				 WS_MAX_MESSAGE >> 20);
			w->close_code = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
			w->refusing = 1;
			buf_free(&w->rx);
			buf_init(&w->rx);
			lws_callback_on_writable(wsi);
			return 0;
		}
		if (w->rx.len == 0 && lws_is_first_fragment(wsi))
			w->binary = lws_frame_is_binary(wsi);
		buf_append(&w->rx, in, len);
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			if (w->cb->on_message)
				w->cb->on_message(w->arg, (unsigned char *)w->rx.data, w->rx.len, w->binary);
			buf_reset(&w->rx);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		struct ws_msg *m;

		if (w == NULL || w->cb == NULL)
			return -1;
		if (w->refusing) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
			return -1;
		}
		m = w->head;
		if (m == NULL)
			return 0;
		if (lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_BINARY) < (int)m->len)
			return -1;
		w->head = m->next;
		if (w->head == NULL)
			w->tail = NULL;
		w->queued -= m->len;
		free(m);
		if (w->head != NULL)
			lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (w != NULL && len >= 2) {
			const unsigned char *p = in;

			w->close_code = p[0] << 8 | p[1];
			snprintf(w->why, sizeof w->why, "%.*s", (int)(len - 2), (const char *)in + 2);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (w != NULL) {
			int status = (int)lws_http_client_http_response(wsi);
			struct buf words;

			lws_set_opaque_user_data(wsi, NULL);
			buf_init(&words);
			debuglog("websocket < failed: %s (HTTP %d)", in ? (const char *)in : "", status);
			ws_error_words(in ? (const char *)in : NULL, status, &words);
			conn_finish(w, 1006, status, words.data);
			buf_free(&words);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (w != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			if (w->close_code == 0) {
				w->close_code = 1006;
				snprintf(w->why, sizeof w->why, "connection dropped");
			}
			conn_finish(w, w->close_code, 0, w->why);
		}
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Closed before it ever connected (ws_close while connecting). */
		if (w != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			conn_finish(w, 1006, 0, "closed");
		}
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
    {"fleetmux-exec", callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
quiet_log(int level, const char *line)
{
	(void)level;
	(void)line;
}

struct ws_client *
ws_client_new(uv_loop_t *loop, int insecure, const char *ca_file)
{
	struct ws_tls t = {.insecure = insecure, .ca_file = ca_file};

	return ws_client_new_tls(loop, &t);
}

struct ws_client *
ws_client_new_tls(uv_loop_t *loop, const struct ws_tls *t)
{
	struct lws_context_creation_info info;
	struct ws_client *c = xcalloc(1, sizeof *c);
	void *loops[1] = {loop};

	/* lws would write to stderr, under our screen. */
	lws_set_log_level(getenv("FLEETMUX_LWS_DEBUG") ? LLL_ERR | LLL_WARN : 0,
			  getenv("FLEETMUX_LWS_DEBUG") ? NULL : quiet_log);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.foreign_loops = loops;
	info.client_ssl_ca_filepath = t->ca_file;
	info.client_ssl_cert_filepath = t->cert_file;
	info.client_ssl_private_key_filepath = t->key_file;
	info.timeout_secs = 15;
	info.pcontext = &c->ctx;
	c->ctx = lws_create_context(&info);
	c->loop = loop;
	c->insecure = t->insecure;
	c->server_name = t->server_name ? xstrdup(t->server_name) : NULL;
	if (c->ctx == NULL) {
		free(c->server_name);
		free(c);
		fm_error(FM_EIO, "cannot start libwebsockets");
		return NULL;
	}
	return c;
}

void
ws_client_free(struct ws_client *c)
{
	if (c == NULL)
		return;
	/* On a loop that is not its own, lws 4.1 destroys a context in two
	 * calls with the loop run after each (its handles must close first), and
	 * writes NULL to c->ctx when it is wholly gone. Bounded: a context that
	 * never finishes is leaked, not waited on. */
	lws_context_destroy(c->ctx);
	for (int pass = 0; pass < 2 && c->ctx != NULL; pass++) {
		for (int i = 0; i < 100 && c->ctx != NULL; i++)
			uv_run(c->loop, UV_RUN_NOWAIT);
		if (c->ctx != NULL && pass == 0)
			lws_context_destroy(c->ctx);
	}
	free(c->server_name);
	free(c);
}

struct ws_conn *
ws_open(struct ws_client *c, const char *url, const char *subprotocol, const struct ws_callbacks *cb,
	void *arg)
{
	return ws_open_headers(c, url, subprotocol, NULL, cb, arg);
}

const char *
ws_subprotocol(const struct ws_conn *w)
{
	return w->proto;
}

struct ws_conn *
ws_open_headers(struct ws_client *c, const char *url, const char *subprotocol,
		const struct params *headers, const struct ws_callbacks *cb, void *arg)
{
	struct lws_client_connect_info ci;
	char *copy = xstrdup(url);
	const char *scheme, *host, *path;
	int port;
	char *fullpath;
	struct ws_conn *w;

	if (lws_parse_uri(copy, &scheme, &host, &port, &path) ||
	    (strcmp(scheme, "ws") != 0 && strcmp(scheme, "wss") != 0)) {
		free(copy);
		fm_error(FM_EINVAL, "not a ws:// or wss:// URL: %.200s", url);
		return NULL;
	}
	if (debuglog_on()) {
		char *u = redact_query(url);

		debuglog("websocket > %s", u);
		free(u);
	}
	w = xcalloc(1, sizeof *w);
	w->client = c;
	w->cb = cb;
	w->arg = arg;
	buf_init(&w->rx);
	params_init(&w->headers);
	for (size_t i = 0; headers != NULL && i < headers->n; i++)
		params_add(&w->headers, headers->v[i].key, headers->v[i].value);
	fullpath = xasprintf("/%s", path);
	memset(&ci, 0, sizeof ci);
	ci.context = c->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = fullpath;
	/* The name TLS checks (and SNI): tls-server-name, when given. */
	ci.host = c->server_name ? c->server_name : host;
	ci.origin = host;
	ci.protocol = subprotocol;
	ci.local_protocol_name = "fleetmux-exec";
	ci.opaque_user_data = w;
	if (strcmp(scheme, "wss") == 0) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (c->insecure)
			ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
					     LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	}
	ci.pwsi = &w->wsi;
	w->opening = 1;
	if (lws_client_connect_via_info(&ci) == NULL || w->failed) {
		fm_error(FM_EIO, "cannot connect to %.200s: %s", url, w->failed ? w->why : "refused");
		free(fullpath);
		free(copy);
		if (w->wsi != NULL) {
			/* lws still holds it: let the close free it. */
			w->cb = NULL;
			w->opening = 0;
			lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
		} else {
			conn_free(w);
		}
		return NULL;
	}
	w->opening = 0;
	free(fullpath);
	free(copy);
	return w;
}

int
ws_send(struct ws_conn *w, const void *data, size_t len)
{
	struct ws_msg *m;

	if (w->queued + len > WS_MAX_QUEUE)
		return fm_error(FM_ELIMIT, "send queue full (%zu bytes unsent)", w->queued);
	m = xmalloc(sizeof *m + LWS_PRE + len);
	m->next = NULL;
	m->len = len;
	memcpy(m->data + LWS_PRE, data, len);
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
	w->queued += len;
	if (w->open && w->wsi != NULL)
		lws_callback_on_writable(w->wsi);
	return 0;
}

size_t
ws_queued(const struct ws_conn *w)
{
	return w->queued;
}

void
ws_close(struct ws_conn *w)
{
	if (w == NULL)
		return;
	w->cb = NULL;
	if (w->wsi != NULL)
		lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	/* w is freed when lws reports the close. */
}
