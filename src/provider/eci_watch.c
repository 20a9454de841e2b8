/* eci_watch.c: logs and metrics of ECI containers. A log is followed by
 * polling DescribeContainerLog with Timestamps=true from the newest second
 * shown (StartTime), every half second while lines come and backing off
 * from one to ten while the log is quiet (logpoll.h); each answer goes through the log window, so that
 * a line is shown once however answers overlap. Calls ride eci_call, which
 * retries throttling and failures with the program's backoff. Metrics are
 * DescribeMultiContainerGroupMetric for up to 20 groups a call and
 * DescribeContainerGroupMetric for one group's history. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "eci_int.h"
#include "fleetmux/logpoll.h"

#define TAIL_MAX 2000     /* DescribeContainerLog's largest Tail */
#define METRIC_IDS_MAX 20 /* ContainerGroupIds a call takes */

struct log_feed {
	struct eci *e;
	char *region, *group, *container;
	struct container_ref ref;
	struct log_opts opts;
	struct log_events ev;
	void *arg;
	struct log_window win;
	uv_timer_t timer;
	struct eci_call *call;
	long interval_ms;
	int answers; /* answers taken so far */
	int skip;    /* this answer only sets the window (tail 0) */
	int state;   /* the last feed_state told, -1 none */
	int closed, final;
	size_t fresh; /* new lines in this answer */
};

static void poll_now(uv_timer_t *t);

static void
tell(struct log_feed *f, enum feed_state st, const struct fm_cause *why)
{
	/* LIVE is said once per recovery; trouble is said each time. */
	if (st == FEED_LIVE && f->state == FEED_LIVE)
		return;
	f->state = (int)st;
	if (st == FEED_DONE || st == FEED_FAILED)
		f->final = 1;
	if (f->ev.on_state != NULL)
		f->ev.on_state(f->arg, &f->ref, st, why);
}

static void
schedule(struct log_feed *f, long ms)
{
	if (!f->closed && !f->final)
		uv_timer_start(&f->timer, poll_now, (uint64_t)ms, 0);
}

/* Worth another poll: no answer, the service's trouble, throttling that
 * outlasted eci_call's retries, or a container not running yet. */
static int
worth_retrying(const struct fm_cause *why)
{
	return why->http_status == 0 || why->http_status >= 500 ||
	       strncmp(why->vendor, "Throttling", 10) == 0 ||
	       strcmp(why->vendor, "IncorrectStatus") == 0 ||
	       strcmp(why->vendor, "ServiceUnavailable") == 0;
}

/* An answer's lines, gathered to be aligned as a whole. */
struct gathered {
	struct log_line *v;
	size_t n, cap;
};

static void
gather(void *arg, const struct log_line *l)
{
	struct gathered *g = arg;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->v = xrealloc(g->v, g->cap * sizeof *g->v);
	}
	g->v[g->n++] = *l;
}

/* Show the answer's new lines (their text points into content); how many
 * lines it had. */
static size_t
show(struct log_feed *f, const char *content)
{
	struct gathered g = {NULL, 0, 0};
	unsigned char *is_new;

	/* The last piece without its '\n' is a line still being written (or
	 * cut by the 1 MB limit): the next answer brings it whole. */
	log_split_stamped(content, strlen(content), LOG_OUTPUT, gather, &g);
	is_new = xcalloc(g.n + 1, 1);
	log_window_answer(&f->win, g.v, g.n, is_new);
	for (size_t i = 0; i < g.n && !f->closed; i++) {
		if (!is_new[i])
			continue;
		f->fresh++;
		if (!f->skip && f->ev.on_line != NULL)
			f->ev.on_line(f->arg, &f->ref, &g.v[i]);
	}
	free(is_new);
	free(g.v);
	return g.n;
}

static void
answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct log_feed *f = arg;
	char *content = NULL;
	struct fm_cause why;
	int full;

	f->call = NULL;
	if (error == NULL && eci_parse_log(body, len, &content) < 0) {
		fm_cause_from_error(&why, -FM_EPROTO);
		error = &why;
	}
	if (error != NULL) {
		if (f->opts.previous || !worth_retrying(error)) {
			tell(f, FEED_FAILED, error);
		} else {
			tell(f, FEED_RETRYING, error);
			f->interval_ms = LOG_POLL_MAX_MS;
			schedule(f, f->interval_ms);
		}
		return;
	}
	tell(f, FEED_LIVE, NULL);
	f->skip = f->answers == 0 && f->opts.tail == 0 && !f->opts.previous;
	f->fresh = 0;
	full = show(f, content) >= TAIL_MAX;
	free(content);
	f->answers++;
	f->skip = 0;
	if (f->closed)
		return;
	if (f->opts.previous) {
		tell(f, FEED_DONE, NULL);
		return;
	}
	/* A full answer may have left lines behind: ask again at once. */
	f->interval_ms = log_poll_next_ms(f->interval_ms, f->fresh, full);
	schedule(f, f->interval_ms);
}

static void
poll_now(uv_timer_t *t)
{
	struct log_feed *f = t->data;
	int64_t since = log_window_since(&f->win, FM_NS_PER_SEC);
	struct params p;
	char num[32];

	params_init(&p);
	params_add(&p, "RegionId", f->region);
	params_add(&p, "ContainerGroupId", f->group);
	params_add(&p, "ContainerName", f->container);
	params_add(&p, "Timestamps", "true");
	if (f->opts.previous) {
		params_add(&p, "LastTime", "true");
		snprintf(num, sizeof num, "%d", f->opts.tail > 0 ? f->opts.tail : TAIL_MAX);
		params_add(&p, "Tail", num);
	} else if (since != FM_TIME_NONE) {
		/* From the newest second shown: the window drops the overlap. */
		char at[21];

		fm_time_format_sec(since, at);
		params_add(&p, "StartTime", at);
		params_add(&p, "Tail", "2000");
	} else {
		/* Nothing shown yet: the backlog asked for (tail 0 asks for one
		 * line, only to know where the log stands). */
		if (f->answers > 0)
			params_add(&p, "Tail", "2000");
		else if (f->opts.tail >= 0) {
			snprintf(num, sizeof num, "%d",
			         f->opts.tail == 0         ? 1
			         : f->opts.tail > TAIL_MAX ? TAIL_MAX
			                                   : f->opts.tail);
			params_add(&p, "Tail", num);
		}
		if (f->opts.since_seconds > 0) {
			snprintf(num, sizeof num, "%ld", f->opts.since_seconds);
			params_add(&p, "SinceSeconds", num);
		}
	}
	f->call = eci_call(f->e, f->region, "DescribeContainerLog", &p, answer, f);
	params_free(&p);
}

struct log_feed *
eci_logs_open(struct provider *p, const struct container_ref *target, const struct log_opts *o,
              const struct log_events *ev, void *arg, struct fm_cause *why)
{
	struct log_feed *f;

	if (target->region == NULL || target->group_id == NULL || target->container == NULL) {
		fm_cause_set(why, FM_EINVAL, "a container's log needs its region, group and name");
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->e = (struct eci *)p;
	f->region = xstrdup(target->region);
	f->group = xstrdup(target->group_id);
	f->container = xstrdup(target->container);
	f->ref = (struct container_ref){f->region, f->group, f->container};
	f->opts = *o;
	f->ev = *ev;
	f->arg = arg;
	f->state = -1;
	f->interval_ms = LOG_POLL_QUIET_MS;
	log_window_init(&f->win);
	uv_timer_init(p->loop, &f->timer);
	f->timer.data = f;
	/* The first poll runs from the loop: no event before the owner holds f. */
	uv_timer_start(&f->timer, poll_now, 0, 0);
	return f;
}

static void
feed_free(uv_handle_t *h)
{
	struct log_feed *f = h->data;

	free(f->region);
	free(f->group);
	free(f->container);
	free(f);
}

void
eci_logs_close(struct log_feed *f)
{
	if (f->closed)
		return;
	f->closed = 1;
	eci_call_cancel(f->call);
	f->call = NULL;
	uv_timer_stop(&f->timer);
	/* Freed on the loop: a callback that closed it still returns into it. */
	uv_close((uv_handle_t *)&f->timer, feed_free);
}

/* --- metrics --- */

/* One call of a request: which, so that its answer can forget it. */
struct metric_part {
	struct metric_req *r;
	size_t i;
};

struct metric_req {
	metric_cb cb;
	void *arg;
	struct eci_call **calls; /* NULL once answered */
	struct metric_part *parts;
	size_t ncalls, pending;
	struct fm_metric *got;
	size_t ngot;
	struct fm_cause why;
	int failed;
	int history;
};

static void
req_free(struct metric_req *r)
{
	fm_metrics_free(r->got, r->ngot);
	free(r->calls);
	free(r->parts);
	free(r);
}

static void
metric_answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct metric_part *part = arg;
	struct metric_req *r = part->r;
	struct fm_metric *m = NULL;
	size_t n = 0;
	int rc;

	r->calls[part->i] = NULL; /* eci_call frees it after this */
	r->pending--;
	if (error != NULL) {
		r->why = *error;
		r->failed = 1;
	} else {
		rc = r->history ? eci_parse_group_metric(body, len, &m, &n)
		                : eci_parse_multi_metric(body, len, &m, &n);
		if (rc < 0) {
			fm_cause_from_error(&r->why, rc);
			r->failed = 1;
		} else {
			r->got = xrealloc(r->got, (r->ngot + n + 1) * sizeof *r->got);
			if (n > 0)
				memcpy(r->got + r->ngot, m, n * sizeof *m);
			r->ngot += n;
			free(m);
		}
	}
	if (r->pending > 0)
		return;
	r->cb(r->arg, r->got, r->ngot, r->failed ? &r->why : NULL);
	req_free(r);
}

struct metric_req *
eci_metrics(struct provider *p, const struct metric_query *q, metric_cb cb, void *arg,
            struct fm_cause *why)
{
	struct eci *e = (struct eci *)p;
	struct metric_req *r;
	struct params ps;

	if (q->region == NULL || q->n == 0 || (q->history && q->n != 1)) {
		fm_cause_set(why, FM_EINVAL,
		             "metrics need a region and groups (one for a history)");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->cb = cb;
	r->arg = arg;
	r->history = q->history;
	r->ncalls = q->history ? 1 : (q->n + METRIC_IDS_MAX - 1) / METRIC_IDS_MAX;
	r->calls = xcalloc(r->ncalls, sizeof *r->calls);
	r->parts = xcalloc(r->ncalls, sizeof *r->parts);
	/* One more while the calls are made: an answer that came at once (a
	 * call that could not even be sent) must not end r under this loop. */
	r->pending = r->ncalls + 1;
	for (size_t c = 0; c < r->ncalls; c++) {
		r->parts[c] = (struct metric_part){r, c};
		params_init(&ps);
		params_add(&ps, "RegionId", q->region);
		if (q->history) {
			char t[21], num[16];

			params_add(&ps, "ContainerGroupId", q->group_ids[0]);
			if (q->start_ns != FM_TIME_NONE) {
				fm_time_format_sec(q->start_ns, t);
				params_add(&ps, "StartTime", t);
			}
			if (q->end_ns != FM_TIME_NONE) {
				fm_time_format_sec(q->end_ns, t);
				params_add(&ps, "EndTime", t);
			}
			if (q->period_s > 0) {
				snprintf(num, sizeof num, "%d", q->period_s);
				params_add(&ps, "Period", num);
			}
			r->calls[c] = eci_call(e, q->region, "DescribeContainerGroupMetric", &ps,
			                       metric_answer, &r->parts[c]);
		} else {
			cJSON *ids = cJSON_CreateArray();
			char *text;

			for (size_t i = c * METRIC_IDS_MAX;
			     i < q->n && i < (c + 1) * METRIC_IDS_MAX; i++)
				cJSON_AddItemToArray(ids, cJSON_CreateString(q->group_ids[i]));
			text = cJSON_PrintUnformatted(ids);
			params_add(&ps, "ContainerGroupIds", text);
			params_add(&ps, "MetricType", "summary");
			free(text);
			cJSON_Delete(ids);
			r->calls[c] = eci_call(e, q->region, "DescribeMultiContainerGroupMetric",
			                       &ps, metric_answer, &r->parts[c]);
		}
		params_free(&ps);
	}
	if (--r->pending == 0) {
		/* Every call was answered at once: none could be sent. */
		if (why != NULL)
			*why = r->why;
		req_free(r);
		return NULL;
	}
	return r;
}

void
eci_metrics_cancel(struct metric_req *r)
{
	/* Answers of cancelled calls are not delivered: r can go now. */
	for (size_t i = 0; i < r->ncalls; i++)
		eci_call_cancel(r->calls[i]);
	req_free(r);
}
