/* http.c: libcurl multi on libuv. curl tells us which sockets to watch and
 * when to time out; libuv tells curl when they are ready. */
#include "fleetmux/http.h"
#include "fleetmux/debuglog.h"
#include "fleetmux/redact.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_MAX_BODY (64u << 20) /* answers larger than this are refused */

struct http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	int insecure;
	char *ca_file, *cert_file, *key_file, *unix_socket;
	int pending;
	struct http_req *reqs;
};

struct http_req {
	struct http *h;
	CURL *easy;
	struct curl_slist *headers;
	struct buf body;
	struct params resp_headers;
	char *req_body;
	char errbuf[CURL_ERROR_SIZE];
	int too_big;
	http_cb cb;
	http_chunk_cb chunk_cb;   /* streaming: the body goes here, not to body */
	http_connect_cb raw_cb;   /* connect-only: hand the handle over */
	char *log_what;           /* "METHOD url", redacted, when --debug logs */
	uint64_t started;         /* ms, for the log */
	void *arg;
	struct http_req *next;
};

/* One per socket curl asks us to watch. */
struct http_sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct http *h;
};

static void check_done(struct http *h);

static void
on_poll(uv_poll_t *p, int status, int events)
{
	struct http_sock *s = p->data;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->h->multi, s->fd, flags, &running);
	check_done(s->h);
}

static void
on_timeout(uv_timer_t *t)
{
	struct http *h = t->data;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;

	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, on_timeout, (uint64_t)timeout_ms, 0);
	return 0;
}

static int
socket_fn(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	struct http_sock *s = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			uv_poll_stop(&s->poll);
			uv_close((uv_handle_t *)&s->poll, (uv_close_cb)free);
			curl_multi_assign(h->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->fd = fd;
		s->h = h;
		uv_poll_init_socket(h->loop, &s->poll, fd);
		s->poll.data = s;
		curl_multi_assign(h->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, on_poll);
	return 0;
}

static char *
dup_opt(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct http *
http_new(uv_loop_t *loop, const struct http_opts *o)
{
	struct http *h = xcalloc(1, sizeof *h);
	static int global_done;

	if (!global_done++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	h->loop = loop;
	h->insecure = o->insecure;
	h->ca_file = dup_opt(o->ca_file);
	h->cert_file = dup_opt(o->cert_file);
	h->key_file = dup_opt(o->key_file);
	h->unix_socket = dup_opt(o->unix_socket);
	h->multi = curl_multi_init();
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	return h;
}

static void
req_free(struct http_req *r)
{
	free(r->log_what);
	curl_slist_free_all(r->headers);
	buf_free(&r->body);
	params_free(&r->resp_headers);
	free(r->req_body);
	free(r);
}

static void
req_unlink(struct http *h, struct http_req *r)
{
	for (struct http_req **pp = &h->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			return;
		}
}

static void
free_with_timer(uv_handle_t *t)
{
	free(t->data);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	while (h->reqs != NULL) {
		struct http_req *r = h->reqs;

		h->reqs = r->next;
		curl_multi_remove_handle(h->multi, r->easy);
		curl_easy_cleanup(r->easy);
		req_free(r);
	}
	curl_multi_cleanup(h->multi);
	free(h->ca_file);
	free(h->cert_file);
	free(h->key_file);
	free(h->unix_socket);
	/* The timer lives inside h: free h once the loop lets go of it. */
	uv_close((uv_handle_t *)&h->timer, free_with_timer);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;

	if (r->chunk_cb != NULL) {
		long status = 0;

		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200) {
			r->chunk_cb(r->arg, p, size * n);
			return size * n;
		}
	}
	if (r->body.len + size * n > HTTP_MAX_BODY) {
		r->too_big = 1;
		return 0;
	}
	buf_append(&r->body, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	size_t len = size * n, k = 0;
	char *colon = memchr(p, ':', len);

	if (colon != NULL) {
		char name[128];
		const char *v = colon + 1;
		size_t vlen;

		for (; p + k < colon && k < sizeof name - 1; k++)
			name[k] = (char)tolower((unsigned char)p[k]);
		name[k] = '\0';
		while (v < p + len && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(p + len - v);
		while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
			vlen--;
		params_addn(&r->resp_headers, name, k, v, vlen);
	}
	return len;
}

/* curl's words, plus the system's reason when a connect failed (a socket
 * the user may not open says "Permission denied"). */
static const char *
transport_error(struct http_req *r, CURLcode rc)
{
	long os_errno = 0;
	size_t len;

	if (r->errbuf[0] == '\0')
		snprintf(r->errbuf, sizeof r->errbuf, "%s", curl_easy_strerror(rc));
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
	len = strlen(r->errbuf);
	if (os_errno != 0 && len + 40 < sizeof r->errbuf && !strstr(r->errbuf, strerror((int)os_errno)))
		snprintf(r->errbuf + len, sizeof r->errbuf - len, " (%s)", strerror((int)os_errno));
	if (rc == CURLE_PEER_FAILED_VERIFICATION && len + 80 < sizeof r->errbuf)
		/* Say what to do about it, not just what curl saw. */
		snprintf(r->errbuf + strlen(r->errbuf), sizeof r->errbuf - strlen(r->errbuf),
			 "; the server's TLS certificate is not trusted (--ca-file FILE trusts "
			 "its CA, --insecure skips the check)");
	if (r->h->unix_socket != NULL && rc == CURLE_COULDNT_CONNECT)
		/* curl would speak of "localhost port 80": name the socket. */
		snprintf(r->errbuf, sizeof r->errbuf, "%s: %s", r->h->unix_socket,
			 os_errno ? strerror((int)os_errno) : "cannot connect");
	return r->errbuf;
}

static void
check_done(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct http_req *r = NULL;
		struct http_response res;
		long status = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		memset(&res, 0, sizeof res);
		res.status = m->data.result == CURLE_OK ? (int)status : 0;
		res.body = r->body.data ? r->body.data : "";
		res.body_len = r->body.len;
		res.headers = r->resp_headers;
		if (r->too_big)
			res.error = "answer larger than 64 MiB";
		else if (m->data.result != CURLE_OK)
			res.error = transport_error(r, m->data.result);
		if (r->log_what != NULL)
			debuglog("http < %d %s (%zu bytes, %llu ms)%s%s", res.status, r->log_what,
				 res.body_len, (unsigned long long)(uv_now(h->loop) - r->started),
				 res.error ? ": " : "", res.error ? res.error : "");
		req_unlink(h, r);
		h->pending--;
		if (r->raw_cb != NULL) {
			/* A connect-only handle stays in the multi (its connection lives
			 * in the multi's cache) until http_raw_release. */
			if (res.error == NULL) {
				r->raw_cb(r->arg, r->easy, NULL);
			} else {
				curl_multi_remove_handle(h->multi, r->easy);
				curl_easy_cleanup(r->easy);
				r->raw_cb(r->arg, NULL, res.error);
			}
		} else {
			curl_multi_remove_handle(h->multi, r->easy);
			curl_easy_cleanup(r->easy);
			r->cb(r->arg, &res);
		}
		req_free(r);
	}
}

static void
set_transport(struct http *h, CURL *e)
{
	if (h->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (h->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
	if (h->cert_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLCERT, h->cert_file);
	if (h->key_file != NULL)
		curl_easy_setopt(e, CURLOPT_SSLKEY, h->key_file);
	if (h->unix_socket != NULL)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
}

/* A request with its handle, set up for h's transport; not started. */
static struct http_req *
req_new(struct http *h, const char *url, void *arg)
{
	struct http_req *r = xcalloc(1, sizeof *r);

	r->easy = curl_easy_init();
	if (r->easy == NULL) {
		free(r);
		fm_error(FM_ENOMEM, "curl_easy_init failed");
		return NULL;
	}
	r->h = h;
	r->arg = arg;
	buf_init(&r->body);
	params_init(&r->resp_headers);
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	set_transport(h, r->easy);
	return r;
}

static void
req_start(struct http *h, struct http_req *r)
{
	r->next = h->reqs;
	h->reqs = r;
	h->pending++;
	curl_multi_add_handle(h->multi, r->easy);
}

int
http_connect_raw(struct http *h, const char *url, http_connect_cb cb, void *arg)
{
	struct http_req *r = req_new(h, url, arg);

	if (r == NULL)
		return -FM_ENOMEM;
	r->raw_cb = cb;
	curl_easy_setopt(r->easy, CURLOPT_CONNECT_ONLY, 1L);
	req_start(h, r);
	return 0;
}

/* The request as the --debug log shows it: nothing secret in it. */
static void
log_request(struct http *h, struct http_req *r, const char *method, const char *url,
	    const struct params *headers, const char *body, size_t body_len)
{
	char *u = redact_query(url);

	r->log_what = xasprintf("%s %s", method, u);
	r->started = uv_now(h->loop);
	debuglog("http > %s", r->log_what);
	for (size_t i = 0; headers != NULL && i < headers->n; i++) {
		char *v = redact_header(headers->v[i].key, headers->v[i].value);

		debuglog("http >   %s: %s", headers->v[i].key, v);
		free(v);
	}
	if (body != NULL && body_len > 0) {
		char *text = xstrndup(body, body_len), *b = redact_query(text);

		debuglog("http >   body (%zu bytes): %.400s", body_len, b);
		free(b);
		free(text);
	}
	free(u);
}

int
http_request(struct http *h, const char *method, const char *url, const struct params *headers,
	     const char *body, size_t body_len, http_cb cb, void *arg)
{
	struct http_req *r = req_new(h, url, arg);
	CURL *e;

	if (r == NULL)
		return -FM_ENOMEM;
	e = r->easy;
	r->cb = cb;
	for (size_t i = 0; headers != NULL && i < headers->n; i++) {
		char *line = xasprintf("%s: %s", headers->v[i].key, headers->v[i].value);

		r->headers = curl_slist_append(r->headers, line);
		free(line);
	}
	/* curl would add "Expect: 100-continue" and an Accept we do not sign. */
	r->headers = curl_slist_append(r->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "POST") == 0) {
		r->req_body = xstrndup(body ? body : "", body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->req_body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "fleetmux/0.1");
	if (debuglog_on())
		log_request(h, r, method, url, headers, body, body_len);
	req_start(h, r);
	return 0;
}

struct http_req *
http_stream(struct http *h, const char *url, const struct params *headers, http_chunk_cb on_chunk,
	    http_cb on_done, void *arg)
{
	struct http_req *r;

	if (http_request(h, "GET", url, headers, NULL, 0, on_done, arg) < 0)
		return NULL;
	r = h->reqs; /* http_request puts the newest first */
	r->chunk_cb = on_chunk;
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, 0L);
	return r;
}

void
http_cancel(struct http *h, struct http_req *r)
{
	for (struct http_req *q = h->reqs; q != NULL; q = q->next)
		if (q == r) {
			curl_multi_remove_handle(h->multi, r->easy);
			curl_easy_cleanup(r->easy);
			req_unlink(h, r);
			h->pending--;
			req_free(r);
			return;
		}
}

void
http_raw_release(struct http *h, void *easy)
{
	curl_multi_remove_handle(h->multi, easy);
	curl_easy_cleanup(easy);
}

int
http_pending(const struct http *h)
{
	return h->pending;
}
