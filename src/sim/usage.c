/* usage.c: a group's measured usage over time, kept as ECI keeps it (see
 * simmetric.h). */
#include "fleetmux/simmetric.h"

#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

#define NO_TIME INT64_MIN

struct metric_history *
metric_history_new(size_t ncontainers)
{
	struct metric_history *h = xcalloc(1, sizeof *h);

	h->nc = ncontainers;
	h->times = xcalloc(METRIC_KEEP, sizeof *h->times);
	h->recs = xcalloc(METRIC_KEEP * (ncontainers ? ncontainers : 1), sizeof *h->recs);
	h->span = xcalloc(ncontainers + 1, sizeof *h->span);
	h->latest = xcalloc(ncontainers + 1, sizeof *h->latest);
	h->latest_ns = NO_TIME;
	h->span_end = NO_TIME;
	return h;
}

void
metric_history_free(struct metric_history *h)
{
	if (h == NULL)
		return;
	free(h->times);
	free(h->recs);
	free(h->span);
	free(h->latest);
	free(h);
}

static int64_t
ceil_to(int64_t t, int64_t step)
{
	int64_t r = t % step;

	if (r < 0)
		r += step;
	return r == 0 ? t : t - r + step;
}

/* The open span becomes a record: CPU rate averaged over its samples, the
 * rest as last seen. */
static void
close_span(struct metric_history *h)
{
	size_t slot;

	if (h->count == METRIC_KEEP) {
		h->start = (h->start + 1) % METRIC_KEEP;
		h->count--;
	}
	slot = (h->start + h->count) % METRIC_KEEP;
	h->times[slot] = h->span_end;
	for (size_t c = 0; c < h->nc; c++) {
		struct usage *r = &h->recs[slot * h->nc + c];

		*r = h->span[c];
		r->nano_cores = h->span_samples > 0 ? h->span[c].nano_cores / h->span_samples : 0;
	}
	h->count++;
	memset(h->span, 0, h->nc * sizeof *h->span);
	h->span_samples = 0;
}

void
metric_history_sample(struct metric_history *h, int64_t now_ns, const struct usage *u)
{
	int has_rate = h->latest_ns != NO_TIME && now_ns > h->latest_ns;

	for (size_t c = 0; c < h->nc; c++) {
		int64_t rate = 0;

		if (has_rate) {
			double d = (double)(u[c].cpu_total_ns - h->latest[c].cpu_total_ns) * 1e9 /
			           (double)(now_ns - h->latest_ns);

			rate = d > 0 && d < 9e18 ? (int64_t)d : 0;
		}
		h->latest[c] = u[c];
		h->latest[c].nano_cores = rate;
	}
	if (h->latest_ns != NO_TIME && now_ns <= h->latest_ns)
		return; /* the clock went back: keep the newest, record nothing */
	h->latest_ns = now_ns;
	if (h->span_end != NO_TIME && now_ns > h->span_end) {
		close_span(h);
		h->span_end = NO_TIME;
	}
	if (h->span_end == NO_TIME)
		h->span_end = ceil_to(now_ns, METRIC_STEP_NS);
	for (size_t c = 0; c < h->nc; c++) {
		int64_t sum = h->span[c].nano_cores;

		h->span[c] = h->latest[c];
		h->span[c].nano_cores = sum + (has_rate ? h->latest[c].nano_cores : 0);
	}
	if (has_rate)
		h->span_samples++;
}

size_t
metric_history_query(const struct metric_history *h, int64_t from, int64_t to, int64_t period_ns,
                     metric_record_cb cb, void *arg)
{
	struct usage *acc = xcalloc(h->nc + 1, sizeof *acc);
	int64_t bucket = NO_TIME, last_t = NO_TIME;
	size_t emitted = 0, in_bucket = 0;

	for (size_t i = 0; i <= h->count; i++) {
		size_t slot = (h->start + i) % METRIC_KEEP;
		int64_t t = i < h->count ? h->times[slot] : NO_TIME;
		int64_t b = i < h->count ? ceil_to(t, period_ns) : NO_TIME;

		if (i < h->count && (t <= from || t > to))
			continue;
		if (in_bucket > 0 && (i == h->count || b != bucket)) {
			for (size_t c = 0; c < h->nc; c++)
				acc[c].nano_cores /= (int64_t)in_bucket;
			/* A bucket the range cuts short ends at its last record. */
			cb(arg, bucket <= to ? bucket : last_t, acc);
			emitted++;
			in_bucket = 0;
			memset(acc, 0, h->nc * sizeof *acc);
		}
		if (i == h->count)
			break;
		bucket = b;
		last_t = t;
		for (size_t c = 0; c < h->nc; c++) {
			const struct usage *r = &h->recs[slot * h->nc + c];
			int64_t sum = acc[c].nano_cores + r->nano_cores;

			acc[c] = *r;
			acc[c].nano_cores = sum;
		}
		in_bucket++;
	}
	free(acc);
	return emitted;
}
