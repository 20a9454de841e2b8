/* http.c: libcurl multi on libuv. curl tells us which sockets to watch and
 * when to time out; libuv tells curl when they are ready. */
#include "fleetmux/http.h"
#include "fleetmux/debuglog.h"
#include "fleetmux/redact.h"

#include <ctype.h>
#include <errno.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HTTP_MAX_BODY (64u << 20) /* answers larger than this are refused */

struct http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	int insecure;
	char *ca_file, *cert_file, *key_file, *unix_socket;
	struct curl_slist *connect_to;
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
	char *error;              /* the transport error in an operator's words */
	int too_big;
	http_cb cb;
	http_chunk_cb chunk_cb;   /* streaming: the body goes here, not to body */
	int in_chunk;             /* chunk_cb is running */
	int cancelled;            /* http_cancel came from inside chunk_cb: end it after */
	int opened;               /* streaming: the 200's headers were told as an empty chunk */
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
	int events;         /* what curl wants watched */
	struct http *h;
};

static void check_done(struct http *h);

static void
on_poll(uv_poll_t *p, int status, int events)
{
	struct http_sock *s = p->data;
	int flags = 0, running;

	/* libuv says POLLERR as a bare error; curl, told only that, says
	 * "select/poll returned error". Let it read and write the socket too,
	 * and find the error itself ("Connection reset by peer"). */
	if (status < 0)
		flags = CURL_CSELECT_ERR | CURL_CSELECT_IN | CURL_CSELECT_OUT;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->h->multi, s->fd, flags, &running);
	/* libuv stopped watching on the error; if curl still wants the socket
	 * (it has not said remove, which closes the handle), watch it again. */
	if (status < 0 && !uv_is_closing((uv_handle_t *)&s->poll) &&
	    !uv_is_active((uv_handle_t *)&s->poll))
		uv_poll_start(&s->poll, s->events, on_poll);
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
	s->events = events;
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
	if (o->connect_to != NULL)
		h->connect_to = curl_slist_append(NULL, o->connect_to);
	h->multi = curl_multi_init();
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	return h;
}

void
http_set_client_cert(struct http *h, const char *cert_file, const char *key_file)
{
	free(h->cert_file);
	free(h->key_file);
	h->cert_file = dup_opt(cert_file);
	h->key_file = dup_opt(key_file);
}

static void
req_free(struct http_req *r)
{
	free(r->log_what);
	free(r->error);
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
	curl_slist_free_all(h->connect_to);
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
			r->in_chunk = 1;
			r->chunk_cb(r->arg, p, size * n);
			r->in_chunk = 0;
			/* Cancelled from inside: curl may not free the handle under
			 * its own callback, so the transfer is ended here and the
			 * request freed when curl says it is done. */
			return r->cancelled ? 0 : size * n;
		}
	}
	if (r->body.len + size * n > HTTP_MAX_BODY) {
		r->too_big = 1;
		return 0;
	}
	buf_append(&r->body, p, size * n);
	return size * n;
}

/* The answer's headers, as curl parsed them (names lower-cased, the last
 * request's only when curl followed anything). */
static void
collect_headers(CURL *e, struct params *out)
{
	struct curl_header *prev = NULL, *hd;

	while ((hd = curl_easy_nextheader(e, CURLH_HEADER, -1, prev)) != NULL) {
		size_t n = strlen(hd->name);
		char *name = xstrndup(hd->name, n);

		for (size_t i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)name[i]);
		params_add(out, name, hd->value ? hd->value : "");
		free(name);
		prev = hd;
	}
}

int
http_error_permanent(int curl_code)
{
	switch (curl_code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:      /* the client certificate or key */
	case CURLE_SSL_CIPHER:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CACERT_BADFILE:   /* the CA file */
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return 1;
	default:
		return 0;
	}
}

/* "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number" →
 * "wrong version number": the library's reason without its codes. */
static const char *
tls_reason(const char *words)
{
	const char *p = strstr(words, "routines:");

	if (p == NULL)
		return words;
	p += strlen("routines:");
	while (*p == ':')
		p++;
	return *p ? p : words;
}

void
http_error_words(int code, const char *words, int os_errno, const char *url, struct buf *out)
{
	int tls = url != NULL && strncmp(url, "https:", 6) == 0;

	if (words == NULL || *words == '\0')
		words = curl_easy_strerror((CURLcode)code);
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		buf_printf(out, "cannot connect (%s)", os_errno ? strerror(os_errno) : "no answer");
		return;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		/* A TLS server that is sent plain HTTP hangs up without a word. */
		if (os_errno == ECONNRESET || strstr(words, "select/poll") != NULL || code == CURLE_GOT_NOTHING)
			buf_printf(out, "the server closed the connection without an answer%s",
				   tls ? "" : " (if it serves HTTPS, the URL should say https://)");
		else
			buf_printf(out, "the connection failed (%s)",
				   os_errno ? strerror(os_errno) : words);
		return;
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(words, "wrong version number") != NULL)
			buf_puts(out, "the server does not speak TLS there (if it serves plain HTTP, "
				      "the URL should say http://)");
		else
			buf_printf(out, "the TLS handshake failed: %s", tls_reason(words));
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		/* Say what to do about it, not just what curl saw. */
		buf_printf(out, "the server's TLS certificate is not trusted (%s): --ca-file FILE trusts "
				"its CA, --insecure skips the check",
			   strncmp(words, "SSL certificate problem: ", 25) == 0 ? words + 25 : tls_reason(words));
		return;
	case CURLE_OPERATION_TIMEDOUT:
		buf_printf(out, "no answer in time (%s)", words);
		return;
	default:
		buf_puts(out, tls_reason(words));
		if (os_errno != 0 && strstr(words, strerror(os_errno)) == NULL)
			buf_printf(out, " (%s)", strerror(os_errno));
	}
}

/* A file curl could not use, with the system's reason when it is that it
 * cannot be read. */
static void
file_words(struct buf *out, const char *what, const char *path)
{
	if (path != NULL && access(path, R_OK) != 0)
		buf_printf(out, "cannot read the %s %s: %s", what, path, strerror(errno));
	else
		buf_printf(out, "the %s %s holds nothing TLS can use (PEM expected)", what,
			   path ? path : "(default)");
}

/* The transport error in words (error_words), with what only this side
 * knows: the socket's path, the files it was given. */
static const char *
transport_error(struct http_req *r, CURLcode rc)
{
	long os_errno = 0;
	char *url = NULL;
	struct buf b;

	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
	buf_init(&b);
	if (r->h->unix_socket != NULL && rc == CURLE_COULDNT_CONNECT)
		/* curl would speak of "localhost port 80": name the socket. */
		buf_printf(&b, "%s: %s", r->h->unix_socket,
			   os_errno ? strerror((int)os_errno) : "cannot connect");
	else if (rc == CURLE_SSL_CACERT_BADFILE)
		file_words(&b, "CA file", r->h->ca_file);
	else if (rc == CURLE_SSL_CERTPROBLEM && r->h->cert_file != NULL &&
		 access(r->h->cert_file, R_OK) != 0)
		file_words(&b, "client certificate", r->h->cert_file);
	else if (rc == CURLE_SSL_CERTPROBLEM && r->h->key_file != NULL)
		file_words(&b, "client key (or certificate)", r->h->key_file);
	else
		http_error_words(rc, r->errbuf, (int)os_errno, url, &b);
	free(r->error);
	r->error = buf_steal(&b);
	return r->error;
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
		if (r->cancelled) {
			req_unlink(h, r);
			h->pending--;
			curl_multi_remove_handle(h->multi, r->easy);
			curl_easy_cleanup(r->easy);
			req_free(r);
			continue;
		}
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		memset(&res, 0, sizeof res);
		res.status = m->data.result == CURLE_OK ? (int)status : 0;
		res.body = r->body.data ? r->body.data : "";
		res.body_len = r->body.len;
		collect_headers(m->easy_handle, &r->resp_headers);
		res.headers = r->resp_headers;
		if (r->too_big) {
			res.error = "answer larger than 64 MiB";
		} else if (m->data.result != CURLE_OK) {
			res.error = transport_error(r, m->data.result);
			res.permanent = http_error_permanent(m->data.result);
		}
		if (r->log_what != NULL)
			debuglog("http < %d %s (%zu bytes, %llu ms)%s%s", res.status, r->log_what,
				 res.body_len, (unsigned long long)(uv_now(h->loop) - r->started),
				 res.error ? ": " : "", res.error ? res.error : "");
		if (r->log_what != NULL && m->data.result != CURLE_OK && r->errbuf[0])
			debuglog("http <   curl %d: %s", m->data.result, r->errbuf);
		req_unlink(h, r);
		h->pending--;
		if (r->raw_cb != NULL) {
			/* A connect-only handle stays in the multi (its connection lives
			 * in the multi's cache) until http_raw_release. */
			if (res.error == NULL) {
				r->raw_cb(r->arg, r->easy, NULL, 0);
			} else {
				curl_multi_remove_handle(h->multi, r->easy);
				curl_easy_cleanup(r->easy);
				r->raw_cb(r->arg, NULL, res.error, res.permanent);
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
	if (h->connect_to != NULL)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, h->connect_to);
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
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "fleetmux/0.1");
	if (debuglog_on())
		log_request(h, r, method, url, headers, body, body_len);
	req_start(h, r);
	return 0;
}

/* Streaming: a 200's headers are told as an empty chunk, so that a stream
 * that stays quiet (an empty log followed) is known to be open, as Docker
 * and the API server answer one before any of the body. */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	long status = 0;

	if (r->opened || r->chunk_cb == NULL || size * n != 2 || p[0] != '\r' || p[1] != '\n')
		return size * n;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return size * n;
	r->opened = 1;
	r->in_chunk = 1;
	r->chunk_cb(r->arg, "", 0);
	r->in_chunk = 0;
	return r->cancelled ? 0 : size * n;
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
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, 0L);
	return r;
}

struct http_req *
http_get(struct http *h, const char *url, const struct params *headers, http_cb cb, void *arg)
{
	if (http_request(h, "GET", url, headers, NULL, 0, cb, arg) < 0)
		return NULL;
	return h->reqs; /* http_request puts the newest first */
}

void
http_cancel(struct http *h, struct http_req *r)
{
	for (struct http_req *q = h->reqs; q != NULL; q = q->next)
		if (q == r) {
			if (r->in_chunk) {
				r->cancelled = 1; /* no callback comes after this */
				return;
			}
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
