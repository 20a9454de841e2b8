/* http.h: HTTP(S) requests on the libuv loop through libcurl's multi
 * interface (the curl_multi_socket_action pattern). Nothing blocks. */
#ifndef FLEETMUX_HTTP_H
#define FLEETMUX_HTTP_H

#include <uv.h>

#include "fleetmux/params.h"

struct http;

struct http_response {
	int status;              /* 0 when no answer came (see error) */
	const char *body;
	size_t body_len;
	struct params headers;   /* names lower-cased */
	const char *error;       /* transport error in words, or NULL */
};

typedef void (*http_cb)(void *arg, const struct http_response *res);

struct http *http_new(uv_loop_t *loop, int insecure, const char *ca_file);
/* Cancels what is in flight (their callbacks are not called) and frees. */
void http_free(struct http *h);
/* Start a request; cb runs once, on the loop. headers are "Name: value". */
int http_request(struct http *h, const char *method, const char *url, const struct params *headers,
		 const char *body, size_t body_len, http_cb cb, void *arg);
/* How many requests are in flight. */
int http_pending(const struct http *h);

#endif
