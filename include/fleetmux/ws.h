/* ws.h: WebSocket client connections on the libuv loop (libwebsockets with
 * the app's loop as its foreign loop). Sends binary messages. */
#ifndef FLEETMUX_WS_H
#define FLEETMUX_WS_H

#include <stddef.h>
#include <uv.h>

#include "fleetmux/params.h"
#include "fleetmux/util.h"

#define WS_MAX_MESSAGE (16u << 20)   /* a larger message closes the socket */
#define WS_MAX_QUEUE (8u << 20)      /* unsent bytes before ws_send refuses */

struct ws_client;
struct ws_conn;

struct ws_callbacks {
	void (*on_open)(void *arg);
	/* binary: 0 when the server sent a text message */
	void (*on_message)(void *arg, const unsigned char *data, size_t len, int binary);
	/* The connection is over: code is the close code (1006 when the
	 * socket dropped without one); http_status is the answer to the
	 * upgrade when it was refused (403), else 0; why says what happened
	 * in words. */
	void (*on_close)(void *arg, int code, int http_status, const char *why);
};

struct ws_client *ws_client_new(uv_loop_t *loop, int insecure, const char *ca_file);

/* TLS for a client whose server is not a public one (a Kubernetes
 * cluster): its CA, a client certificate, and the name its certificate
 * is for when that is not the URL's host. Files, as libwebsockets takes. */
struct ws_tls {
	int insecure;
	const char *ca_file;
	const char *cert_file, *key_file;
	const char *server_name;   /* NULL: the URL's host */
};
struct ws_client *ws_client_new_tls(uv_loop_t *loop, const struct ws_tls *t);
void ws_client_free(struct ws_client *c);

/* Connect to ws:// or wss:// url. NULL with fm_error set when the URL is bad;
 * connection errors arrive through on_close. */
struct ws_conn *ws_open(struct ws_client *c, const char *url, const char *subprotocol,
			const struct ws_callbacks *cb, void *arg);
/* As ws_open, with headers sent with the upgrade (Authorization) and
 * subprotocols a comma-separated list, newest first. */
struct ws_conn *ws_open_headers(struct ws_client *c, const char *url, const char *subprotocols,
				const struct params *headers, const struct ws_callbacks *cb, void *arg);
/* The subprotocol the server chose ("" before the socket opens or when none). */
const char *ws_subprotocol(const struct ws_conn *w);
/* Queue one binary message. -FM_ELIMIT when the queue is full. */
int ws_send(struct ws_conn *w, const void *data, size_t len);
size_t ws_queued(const struct ws_conn *w);
/* Drop the connection; no callback runs after this. */
void ws_close(struct ws_conn *w);

/* Pure: libwebsockets' reason for a connection that did not open ("HS:
 * ws upgrade response not 101") and the upgrade's HTTP status (0: none),
 * in an operator's words, appended to out. */
void ws_error_words(const char *lws_reason, int http_status, struct buf *out);

#endif
