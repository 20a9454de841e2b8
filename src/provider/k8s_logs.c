/* k8s_logs.c: a container's log, GET .../pods/POD/log?follow=true&
 * timestamps=true, as kubectl logs -f reads it. The first answer starts
 * with tailLines (or sinceSeconds); when the stream ends (the instance
 * ended, the connection went, the server's timeout) the follower asks
 * again with sinceTime= the newest second shown, and the log window drops
 * what it had shown. A container waiting to start (400) is asked again,
 * soon and then every 10 s; a pod gone (404) or a log forbidden (403) ends
 * the follower. previous=true is the instance before the last restart,
 * read whole, once. The API server gives stdout and stderr together. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/backoff.h"
#include "k8s_int.h"

#define TAIL_DEFAULT 500          /* as ECI's and Docker's, so that all show alike */
#define LINE_MAX_BYTES (1u << 20) /* a line longer than this is shown in pieces */
#define WAIT_MAX_MS 10000         /* a waiting container is looked at this often */

struct log_feed {
	struct k8s *k;
	struct k8s_ctx *c;
	char *region, *group_id, *container;
	struct container_ref ref;
	struct log_opts opts;
	struct log_events ev;
	void *arg;
	struct log_window win;
	struct k8s_req *req;
	uv_timer_t timer;
	struct buf pending;    /* a line still without its '\n' */
	int streams;           /* streams asked for so far */
	int64_t first_open_ns; /* when the first was asked for */
	int attempt;
	int state;
	int closed, final;
};

static void open_stream(struct log_feed *f);

static void
tell(struct log_feed *f, enum feed_state st, const struct fm_cause *why)
{
	if (st == FEED_LIVE && f->state == FEED_LIVE)
		return;
	f->state = (int)st;
	if (st == FEED_FAILED || st == FEED_DONE)
		f->final = 1;
	if (f->ev.on_state != NULL)
		f->ev.on_state(f->arg, &f->ref, st, why);
}

static void
retry_fire(uv_timer_t *t)
{
	open_stream(t->data);
}

static void
retry_later(struct log_feed *f)
{
	long ms = backoff_delay_ms(f->attempt++, 0, fm_random());

	if (ms > WAIT_MAX_MS)
		ms = WAIT_MAX_MS;
	if (!f->closed && !f->final)
		uv_timer_start(&f->timer, retry_fire, (uint64_t)ms, 0);
}

static void
take_line(void *arg, const struct log_line *l)
{
	struct log_feed *f = arg;

	if (f->closed || !log_window_take(&f->win, l))
		return;
	f->attempt = 0;
	if (f->ev.on_line != NULL)
		f->ev.on_line(f->arg, &f->ref, l);
}

static void
log_bytes(struct log_feed *f, const char *data, size_t len)
{
	struct buf *b = &f->pending;
	size_t used;

	buf_append(b, data, len);
	used = log_split_stamped(b->data, b->len, LOG_OUTPUT, take_line, f);
	if (f->closed)
		return;
	buf_consume(b, used);
	if (b->len > LINE_MAX_BYTES) {
		buf_putc(b, '\n');
		used = log_split_stamped(b->data, b->len, LOG_OUTPUT, take_line, f);
		if (!f->closed)
			buf_consume(b, used);
	}
}

static void
chunk(void *arg, const char *data, size_t len)
{
	struct log_feed *f = arg;

	if (f->closed)
		return;
	tell(f, FEED_LIVE, NULL);
	if (!f->closed)
		log_bytes(f, data, len);
}

static void
answered(void *arg, const struct http_response *res)
{
	struct log_feed *f = arg;
	struct fm_cause why;

	f->req = NULL;
	if (f->closed)
		return;
	if (f->opts.previous) {
		if (res->status == 200) {
			log_bytes(f, res->body ? res->body : "", res->body_len);
			/* A last line without its '\n' is a line all the same. */
			if (!f->closed && f->pending.len > 0)
				log_bytes(f, "\n", 1);
			if (!f->closed)
				tell(f, FEED_DONE, NULL);
			return;
		}
		k8s_answer_cause(res, "the previous instance's log", &why);
		tell(f, FEED_FAILED, &why);
		return;
	}
	if (res->status == 404 || res->status == 403 || res->status == 401) {
		k8s_answer_cause(res, "the log", &why);
		tell(f, FEED_FAILED, &why);
		return;
	}
	if (res->status != 200) {
		/* 400: waiting to start, or between instances; 0: no answer. */
		k8s_answer_cause(res, "the log", &why);
		tell(f, FEED_RETRYING, &why);
	}
	/* The stream ended: follow again from the newest second shown. */
	retry_later(f);
}

static void
open_stream(struct log_feed *f)
{
	struct buf path;
	char *ns = xstrndup(f->group_id, strcspn(f->group_id, "/"));
	const char *pod = strchr(f->group_id, '/') + 1;
	char *e = curl_easy_escape(NULL, f->container, 0);
	struct k8s_req *r;

	buf_init(&path);
	buf_printf(&path, "/api/v1/namespaces/%s/pods/%s/log?container=%s&timestamps=true", ns, pod,
	           e);
	curl_free(e);
	free(ns);
	if (f->opts.previous) {
		buf_puts(&path, "&previous=true");
		if (f->opts.tail >= 0)
			buf_printf(&path, "&tailLines=%d", f->opts.tail);
	} else if (f->streams == 0) {
		f->first_open_ns = fm_time_now();
		buf_puts(&path, "&follow=true");
		if (f->opts.since_seconds > 0)
			buf_printf(&path, "&sinceSeconds=%ld", f->opts.since_seconds);
		if (f->opts.tail != 0 || f->opts.since_seconds <= 0)
			buf_printf(&path, "&tailLines=%d",
			           f->opts.tail < 0 ? TAIL_DEFAULT : f->opts.tail);
	} else {
		/* sinceTime has whole seconds: the window drops the lines of
		 * that second already shown. Nothing shown yet: from when the
		 * first stream was asked for. */
		int64_t since = log_window_since(&f->win, FM_NS_PER_SEC);
		char t[21];

		if (since == FM_TIME_NONE)
			since = f->first_open_ns;
		fm_time_format_sec(since, t);
		buf_printf(&path, "&follow=true&sinceTime=%s", t);
	}
	f->streams++;
	buf_reset(&f->pending);
	log_window_begin(&f->win);
	r = k8s_get(f->c, path.data, f->opts.previous ? NULL : chunk, answered, f);
	if (r != NULL)
		f->req = r;
	buf_free(&path);
}

static void
first_open(uv_timer_t *t)
{
	open_stream(t->data);
}

struct log_feed *
k8s_logs_open(struct provider *p, const struct container_ref *target, const struct log_opts *o,
              const struct log_events *ev, void *arg, struct fm_cause *why)
{
	struct k8s *k = (struct k8s *)p;
	struct k8s_ctx *c = k8s_ctx_find(k, target->region);
	const char *slash = target->group_id ? strchr(target->group_id, '/') : NULL;
	struct log_feed *f;

	if (c == NULL || c->error != NULL) {
		fm_cause_set(why, FM_EINVAL, "%s",
		             c ? c->error : "no such context in the kubeconfig");
		return NULL;
	}
	if (slash == NULL || slash[1] == '\0' || target->container == NULL) {
		fm_cause_set(why, FM_EINVAL, "a pod's log needs NAMESPACE/POD and a container");
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->k = k;
	f->c = c;
	f->region = xstrdup(target->region);
	f->group_id = xstrdup(target->group_id);
	f->container = xstrdup(target->container);
	f->ref = (struct container_ref){f->region, f->group_id, f->container};
	f->opts = *o;
	f->ev = *ev;
	f->arg = arg;
	f->state = -1;
	log_window_init(&f->win);
	buf_init(&f->pending);
	uv_timer_init(p->loop, &f->timer);
	f->timer.data = f;
	/* Events come from the loop, never from inside logs_open. */
	uv_timer_start(&f->timer, first_open, 0, 0);
	return f;
}

static void
feed_free(uv_handle_t *h)
{
	struct log_feed *f = h->data;

	buf_free(&f->pending);
	free(f->region);
	free(f->group_id);
	free(f->container);
	free(f);
}

void
k8s_logs_close(struct log_feed *f)
{
	if (f->closed)
		return;
	f->closed = 1;
	k8s_req_cancel(f->req);
	f->req = NULL;
	uv_timer_stop(&f->timer);
	uv_close((uv_handle_t *)&f->timer, feed_free);
}
