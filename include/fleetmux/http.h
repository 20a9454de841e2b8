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
	int permanent;           /* another try would fail alike (a CA file that
	                          * cannot be read, an untrusted certificate) */
};

typedef void (*http_cb)(void *arg, const struct http_response *res);

struct http_opts {
	int insecure;             /* do not verify TLS certificates */
	const char *ca_file;      /* trust this CA bundle */
	const char *cert_file;    /* TLS client certificate (Docker's cert.pem) */
	const char *key_file;     /* and its key */
	const char *unix_socket;  /* connect here instead of the URL's host */
	/* "NAME:PORT:HOST:PORT": a URL naming NAME:PORT connects to HOST:PORT
	 * (curl's CONNECT_TO), so that TLS checks a certificate for NAME
	 * (kubeconfig's tls-server-name). */
	const char *connect_to;
};

struct http *http_new(uv_loop_t *loop, const struct http_opts *o);

/* A raw connection for protocols that take over the socket (Docker's exec
 * start): curl connects (unix socket, TCP or TLS with client certificates),
 * then hands over the connected handle; data then moves with
 * curl_easy_send/curl_easy_recv on that handle (see rawstream.h). */
typedef void (*http_connect_cb)(void *arg, void *curl_easy, const char *error, int permanent);
int http_connect_raw(struct http *h, const char *url, http_connect_cb cb, void *arg);
/* Done with a raw connection: closes it and frees the handle. */
void http_raw_release(struct http *h, void *curl_easy);
/* Cancels what is in flight (their callbacks are not called) and frees. */
/* A new client certificate and key (files) for the requests started from
 * now on; those in flight keep theirs. */
void http_set_client_cert(struct http *h, const char *cert_file, const char *key_file);
void http_free(struct http *h);
/* Start a request; cb runs once, on the loop. headers are "Name: value". */
int http_request(struct http *h, const char *method, const char *url, const struct params *headers,
		 const char *body, size_t body_len, http_cb cb, void *arg);
/* A long-lived answer read as it comes (Docker's /events): on_chunk for each
 * piece of the body, then on_done once (not after http_cancel). A 200's
 * headers come first as an empty chunk: the stream is open, if quiet. */
struct http_req;
typedef void (*http_chunk_cb)(void *arg, const char *data, size_t len);
struct http_req *http_stream(struct http *h, const char *url, const struct params *headers,
			     http_chunk_cb on_chunk, http_cb on_done, void *arg);
/* No callback of r comes after this; allowed from inside r's on_chunk. */
void http_cancel(struct http *h, struct http_req *r);
/* A GET that can be cancelled (http_cancel): cb once, on the loop, never
 * after a cancel. NULL when it cannot start. */
struct http_req *http_get(struct http *h, const char *url, const struct params *headers, http_cb cb,
			  void *arg);

/* How many requests are in flight. */
int http_pending(const struct http *h);

/* Pure, for the two above and their tests. Is curl's code a failure that
 * another try cannot mend (a file, a URL, a certificate)? */
int http_error_permanent(int curl_code);
/* curl's code and words (and the system's errno, 0: none) as an operator
 * would say them, with what to do where it is known; url tells http from
 * https. Appended to out. */
void http_error_words(int curl_code, const char *curl_words, int os_errno, const char *url,
		      struct buf *out);

#endif
