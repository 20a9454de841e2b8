/* rawstream.h: a byte stream over a connection that curl set up (unix
 * socket, TCP, or TLS with client certificates), driven by the libuv loop.
 * Docker's exec start takes the socket over after its HTTP upgrade. */
#ifndef FLEETMUX_RAWSTREAM_H
#define FLEETMUX_RAWSTREAM_H

#include <stddef.h>
#include <uv.h>

struct rawstream;

struct rawstream_cb {
	void (*on_data)(void *arg, const unsigned char *data, size_t len);
	/* The stream is over: error is NULL at a clean end. The stream frees
	 * itself after this call. */
	void (*on_close)(void *arg, const char *error);
};

struct http;
/* Takes the connected curl handle (from http_connect_raw on h). */
struct rawstream *rawstream_new(uv_loop_t *loop, struct http *h, void *curl_easy,
				const struct rawstream_cb *cb, void *arg);
int rawstream_write(struct rawstream *s, const void *data, size_t len);
/* Ends the stream; no callback runs after this. */
void rawstream_close(struct rawstream *s);

#endif
