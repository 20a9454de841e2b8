/* docker_watch.c: logs and stats of Docker (and Hyper) containers. A log is
 * one long answer, GET /containers/{id}/logs?follow=1&timestamps=1,
 * demultiplexed unless the container has a TTY; when it ends (the
 * container stopped, the engine restarted, the connection dropped) the
 * follower asks again with since= the newest time shown, and the log window
 * drops what it had shown. Docker keeps one log a container across its
 * restarts, so there is no previous instance's log to ask for. Stats are
 * GET /containers/{id}/stats?stream=0, a call a container, all at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_int.h"
#include "fleetmux/backoff.h"

#define TAIL_DEFAULT 500          /* as ECI's, so that both show alike */
#define LINE_MAX_BYTES (1u << 20) /* a line longer than this is shown in pieces */
#define WAIT_STOPPED_MS 10000     /* how often a container is looked at after a bad answer */

struct log_feed {
	struct docker *d;
	char *region, *id, *name;
	struct container_ref ref;
	struct log_opts opts;
	struct log_events ev;
	void *arg;
	struct log_window win;
	struct http_req *req; /* the inspect, or the stream */
	uv_timer_t timer;
	int tty;
	struct docker_demux demux;
	struct buf pending[3]; /* each stream's line still without its '\n' */
	int streams;           /* streams opened so far */
	int64_t first_open_ns; /* when the first stream was asked for */
	int attempt;           /* failures since lines last came */
	int state;
	int closed, final;
};

static void inspect(struct log_feed *f);

static void
tell(struct log_feed *f, enum feed_state st, const struct fm_cause *why)
{
	if (st == FEED_LIVE && f->state == FEED_LIVE)
		return;
	f->state = (int)st;
	if (st == FEED_FAILED)
		f->final = 1;
	if (f->ev.on_state != NULL)
		f->ev.on_state(f->arg, &f->ref, st, why);
}

static void
retry_fire(uv_timer_t *t)
{
	inspect(t->data);
}

static void
retry_in(struct log_feed *f, long ms)
{
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

/* Bytes of one stream: whole lines out, the rest kept. */
static void
stream_bytes(struct log_feed *f, int stream, const unsigned char *p, size_t len)
{
	struct buf *b = &f->pending[stream];
	size_t used;

	buf_append(b, p, len);
	used = log_split_stamped(b->data, b->len, f->tty ? LOG_STDOUT : stream, take_line, f);
	if (f->closed)
		return;
	buf_consume(b, used);
	if (b->len > LINE_MAX_BYTES) {
		/* No end in sight: show what there is as a line. */
		buf_putc(b, '\n');
		used =
		    log_split_stamped(b->data, b->len, f->tty ? LOG_STDOUT : stream, take_line, f);
		if (!f->closed)
			buf_consume(b, used);
	}
}

static void
demuxed(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct log_feed *f = arg;

	if (!f->closed)
		stream_bytes(f, stream == 2 ? 2 : 1, data, len);
}

static void
chunk(void *arg, const char *data, size_t len)
{
	struct log_feed *f = arg;

	tell(f, FEED_LIVE, NULL);
	if (f->closed)
		return;
	if (f->tty) {
		stream_bytes(f, 1, (const unsigned char *)data, len);
	} else if (docker_demux_feed(&f->demux, (const unsigned char *)data, len, demuxed, f) < 0) {
		/* Not the framing we know: drop this stream, ask again. */
		http_cancel(f->d->http, f->req);
		f->req = NULL;
		retry_in(f, backoff_delay_ms(f->attempt++, 0, fm_random()));
	}
}

static void
stream_done(void *arg, const struct http_response *res)
{
	struct log_feed *f = arg;
	struct fm_cause why;

	f->req = NULL;
	if (f->closed)
		return;
	if (res->status == 404) {
		docker_cause(&why, res, "no such container (removed?)");
		tell(f, FEED_FAILED, &why);
		return;
	}
	if (res->status != 200) {
		docker_cause(&why, res, "the log stream");
		tell(f, FEED_RETRYING, &why);
	}
	/* The stream ended: the container stopped, or the connection went.
	 * Look again, then follow from the newest line shown. */
	retry_in(f, backoff_delay_ms(f->attempt++, 0, fm_random()));
}

static void
open_stream(struct log_feed *f)
{
	char *path = xasprintf("/containers/%s/logs", f->id);
	struct buf q;
	int64_t since = log_window_since(&f->win, 1);

	buf_init(&q);
	buf_puts(&q, "follow=1&stdout=1&stderr=1&timestamps=1");
	if (f->streams == 0) {
		f->first_open_ns = fm_time_now();
		buf_printf(&q, "&tail=%d", f->opts.tail < 0 ? TAIL_DEFAULT : f->opts.tail);
		if (f->opts.since_seconds > 0)
			buf_printf(
			    &q, "&since=%lld",
			    (long long)(f->first_open_ns / FM_NS_PER_SEC - f->opts.since_seconds));
	} else {
		/* since= is inclusive, to the nanosecond: the window drops the
		 * lines of that very time already shown. Nothing shown yet: from
		 * when the first stream was asked for. */
		if (since == FM_TIME_NONE)
			since = f->first_open_ns;
		buf_printf(&q, "&since=%lld.%09lld", (long long)(since / FM_NS_PER_SEC),
		           (long long)(since % FM_NS_PER_SEC));
	}
	f->streams++;
	memset(&f->demux, 0, sizeof f->demux);
	for (int i = 0; i < 3; i++)
		buf_reset(&f->pending[i]);
	log_window_begin(&f->win);
	f->req = docker_get(f->d, path, q.data, 1, chunk, stream_done, f);
	buf_free(&q);
	free(path);
	if (f->req == NULL)
		retry_in(f, backoff_delay_ms(f->attempt++, 0, fm_random()));
	else
		tell(f, FEED_LIVE, NULL);
}

static void
inspected(void *arg, const struct http_response *res)
{
	struct log_feed *f = arg;
	struct fm_cause why;
	char *status = NULL;
	int running = 0, code = -1;

	f->req = NULL;
	if (f->closed)
		return;
	if (res->status == 404) {
		docker_cause(&why, res, "no such container (removed?)");
		tell(f, FEED_FAILED, &why);
		return;
	}
	if (res->status != 200) {
		docker_cause(&why, res, "looking at the container");
		tell(f, FEED_RETRYING, &why);
		retry_in(f, backoff_delay_ms(f->attempt++, 0, fm_random()));
		return;
	}
	if (docker_parse_inspect(res->body, res->body_len, &f->tty, &status, &running, &code) < 0) {
		fm_cause_from_error(&why, -FM_EPROTO);
		tell(f, FEED_RETRYING, &why);
		retry_in(f, WAIT_STOPPED_MS);
		return;
	}
	if (!running && f->streams > 0) {
		/* Its log is whole: wait for the container to run again. */
		fm_cause_set(&why, FM_ESTATE,
		             "the container is %s (exit code %d): waiting for it to run", status,
		             code);
		tell(f, FEED_RETRYING, &why);
		/* Soon at first (a restart takes a moment), then every 10 s. */
		retry_in(f, backoff_delay_ms(f->attempt++, 0, fm_random()));
	} else {
		/* A stopped container's log is read whole the first time. */
		open_stream(f);
	}
	free(status);
}

static void
inspect(struct log_feed *f)
{
	char *path = xasprintf("/containers/%s/json", f->id);

	f->req = docker_get(f->d, path, NULL, 0, NULL, inspected, f);
	free(path);
	if (f->req == NULL)
		retry_in(f, WAIT_STOPPED_MS);
}

static void
first_inspect(uv_timer_t *t)
{
	inspect(t->data);
}

struct log_feed *
docker_logs_open(struct provider *p, const struct container_ref *target, const struct log_opts *o,
                 const struct log_events *ev, void *arg, struct fm_cause *why)
{
	struct log_feed *f;

	if (o->previous) {
		fm_cause_set(
		    why, FM_ENOTSUP,
		    "%s: Docker keeps one log a container, across its restarts: there is no "
		    "separate log of a previous instance (the container's log holds it)",
		    p->name);
		return NULL;
	}
	if (target->group_id == NULL) {
		fm_cause_set(why, FM_EINVAL, "a container's log needs its id");
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->d = (struct docker *)p;
	f->region = xstrdup(target->region ? target->region : p->name);
	f->id = xstrdup(target->group_id);
	f->name = xstrdup(target->container ? target->container : target->group_id);
	f->ref = (struct container_ref){f->region, f->id, f->name};
	f->opts = *o;
	f->ev = *ev;
	f->arg = arg;
	f->state = -1;
	log_window_init(&f->win);
	for (int i = 0; i < 3; i++)
		buf_init(&f->pending[i]);
	uv_timer_init(p->loop, &f->timer);
	f->timer.data = f;
	uv_timer_start(&f->timer, first_inspect, 0, 0);
	return f;
}

static void
feed_free(uv_handle_t *h)
{
	struct log_feed *f = h->data;

	for (int i = 0; i < 3; i++)
		buf_free(&f->pending[i]);
	free(f->region);
	free(f->id);
	free(f->name);
	free(f);
}

void
docker_logs_close(struct log_feed *f)
{
	if (f->closed)
		return;
	f->closed = 1;
	if (f->req != NULL)
		http_cancel(f->d->http, f->req);
	f->req = NULL;
	uv_timer_stop(&f->timer);
	uv_close((uv_handle_t *)&f->timer, feed_free);
}

/* --- stats --- */

struct metric_part {
	struct metric_req *r;
	size_t i;
};

struct metric_req {
	struct docker *d;
	metric_cb cb;
	void *arg;
	size_t n, pending;
	char **ids;
	struct http_req **reqs; /* NULL once answered */
	struct metric_part *parts;
	struct fm_metric *got; /* in the order asked */
	int *have;
	struct fm_cause why;
	int failed;
};

static void
req_free(struct metric_req *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->have[i])
			fm_metric_free(&r->got[i]);
		free(r->ids[i]);
	}
	free(r->ids);
	free(r->reqs);
	free(r->parts);
	free(r->got);
	free(r->have);
	free(r);
}

static void
finish(struct metric_req *r)
{
	struct fm_metric *out = xcalloc(r->n + 1, sizeof *out);
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->have[i])
			out[k++] = r->got[i];
	r->cb(r->arg, out, k, r->failed ? &r->why : NULL);
	free(out);
	req_free(r);
}

static void
stats_answer(void *arg, const struct http_response *res)
{
	struct metric_part *part = arg;
	struct metric_req *r = part->r;

	r->reqs[part->i] = NULL;
	r->pending--;
	if (res->status != 200) {
		char what[160];

		snprintf(what, sizeof what, "stats of %.64s", r->ids[part->i]);
		docker_cause(&r->why, res, what);
		r->failed = 1;
	} else if (docker_parse_stats(res->body, res->body_len, r->ids[part->i], &r->got[part->i],
	                              &r->have[part->i]) < 0) {
		fm_cause_from_error(&r->why, -FM_EPROTO);
		r->failed = 1;
	} else if (!r->have[part->i]) {
		fm_metric_free(&r->got[part->i]); /* not running: no sample */
	}
	if (r->pending == 0)
		finish(r);
}

struct metric_req *
docker_metrics(struct provider *p, const struct metric_query *q, metric_cb cb, void *arg,
               struct fm_cause *why)
{
	struct metric_req *r;

	if (q->history) {
		fm_cause_set(why, FM_ENOTSUP,
		             "%s: Docker keeps no history of a container's usage, only the present "
		             "(ask for samples over time instead)",
		             p->name);
		return NULL;
	}
	if (q->n == 0) {
		fm_cause_set(why, FM_EINVAL, "metrics of no container");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->d = (struct docker *)p;
	r->cb = cb;
	r->arg = arg;
	r->n = q->n;
	r->ids = xcalloc(q->n, sizeof *r->ids);
	r->reqs = xcalloc(q->n, sizeof *r->reqs);
	r->parts = xcalloc(q->n, sizeof *r->parts);
	r->got = xcalloc(q->n, sizeof *r->got);
	r->have = xcalloc(q->n, sizeof *r->have);
	for (size_t i = 0; i < q->n; i++) {
		char *path = xasprintf("/containers/%s/stats", q->group_ids[i]);

		r->ids[i] = xstrdup(q->group_ids[i]);
		r->parts[i] = (struct metric_part){r, i};
		/* stream=0: one answer, with precpu_stats filled (the engine
		 * reads twice, a second apart). */
		r->reqs[i] =
		    docker_get(r->d, path, "stream=0", 0, NULL, stats_answer, &r->parts[i]);
		free(path);
		if (r->reqs[i] == NULL) {
			for (size_t j = 0; j < i; j++)
				http_cancel(r->d->http, r->reqs[j]);
			fm_cause_set(why, FM_EIO, "cannot ask the engine for stats");
			req_free(r);
			return NULL;
		}
		r->pending++;
	}
	return r;
}

void
docker_metrics_cancel(struct metric_req *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->reqs[i] != NULL)
			http_cancel(r->d->http, r->reqs[i]);
	req_free(r);
}
