/* rawstream.c: curl_easy_send/recv on a connect-only handle, polled by
 * libuv. curl keeps TLS in the picture, so a TLS engine works the same as a
 * unix socket. */
#include "fleetmux/rawstream.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/http.h"
#include "fleetmux/util.h"

#define RAW_CHUNK 65536
#define RAW_MAX_QUEUE (8u << 20)

struct rawstream {
	uv_poll_t poll;
	struct http *http;
	CURL *easy;
	const struct rawstream_cb *cb;
	void *arg;
	struct buf out;
	int events;
	int closed;
};

static void on_poll(uv_poll_t *p, int status, int events);

static void
free_cb(uv_handle_t *h)
{
	struct rawstream *s = h->data;

	http_raw_release(s->http, s->easy);
	buf_free(&s->out);
	free(s);
}

static void
finish(struct rawstream *s, const char *error)
{
	const struct rawstream_cb *cb = s->cb;

	if (s->closed)
		return;
	s->closed = 1;
	s->cb = NULL;
	uv_poll_stop(&s->poll);
	if (cb != NULL && cb->on_close != NULL)
		cb->on_close(s->arg, error);
	uv_close((uv_handle_t *)&s->poll, free_cb);
}

static void
update(struct rawstream *s)
{
	int ev = UV_READABLE | (s->out.len > 0 ? UV_WRITABLE : 0);

	if (s->closed || ev == s->events)
		return;
	s->events = ev;
	uv_poll_start(&s->poll, ev, on_poll);
}

static void
flush(struct rawstream *s)
{
	while (s->out.len > 0) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(s->easy, s->out.data, s->out.len, &sent);

		if (rc == CURLE_AGAIN)
			break;
		if (rc != CURLE_OK) {
			finish(s, curl_easy_strerror(rc));
			return;
		}
		buf_consume(&s->out, sent);
	}
	update(s);
}

static void
drain(struct rawstream *s)
{
	unsigned char chunk[RAW_CHUNK];

	while (!s->closed) {
		size_t n = 0;
		CURLcode rc = curl_easy_recv(s->easy, chunk, sizeof chunk, &n);

		if (rc == CURLE_AGAIN)
			return;
		if (rc != CURLE_OK) {
			finish(s, curl_easy_strerror(rc));
			return;
		}
		if (n == 0) {
			finish(s, NULL);
			return;
		}
		if (s->cb && s->cb->on_data)
			s->cb->on_data(s->arg, chunk, n);
	}
}

static void
on_poll(uv_poll_t *p, int status, int events)
{
	struct rawstream *s = p->data;

	if (status < 0) {
		finish(s, uv_strerror(status));
		return;
	}
	if (events & UV_WRITABLE)
		flush(s);
	if (!s->closed && (events & UV_READABLE))
		drain(s);
}

struct rawstream *
rawstream_new(uv_loop_t *loop, struct http *h, void *curl_easy, const struct rawstream_cb *cb,
	      void *arg)
{
	struct rawstream *s = xcalloc(1, sizeof *s);
	curl_socket_t fd = CURL_SOCKET_BAD;

	s->http = h;
	s->easy = curl_easy;
	s->cb = cb;
	s->arg = arg;
	buf_init(&s->out);
	curl_easy_getinfo(s->easy, CURLINFO_ACTIVESOCKET, &fd);
	if (fd == CURL_SOCKET_BAD) {
		http_raw_release(h, s->easy);
		free(s);
		fm_error(FM_EIO, "the engine's connection is gone");
		return NULL;
	}
	uv_poll_init_socket(loop, &s->poll, fd);
	s->poll.data = s;
	update(s);
	return s;
}

int
rawstream_write(struct rawstream *s, const void *data, size_t len)
{
	if (s->closed)
		return fm_error(FM_ESTATE, "the stream is closed");
	if (s->out.len + len > RAW_MAX_QUEUE)
		return fm_error(FM_ELIMIT, "send queue full");
	buf_append(&s->out, data, len);
	flush(s);
	return 0;
}

void
rawstream_close(struct rawstream *s)
{
	if (s == NULL)
		return;
	s->cb = NULL;
	finish(s, NULL);
}
