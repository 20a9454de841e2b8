/* simmetric.h: what fleetsim measured of a group's processes, kept as ECI
 * keeps its monitoring data: a record every 15 seconds (ECI's finest
 * Period), aggregated into 30, 60 or 600 second records when asked, and
 * the newest sample apart (DescribeMultiContainerGroupMetric's "latest
 * record"). Pure: the sampler (src/sim/metric.c) feeds it. */
#ifndef FLEETMUX_SIMMETRIC_H
#define FLEETMUX_SIMMETRIC_H

#include <stddef.h>
#include <stdint.h>

#define METRIC_STEP_NS (15 * 1000000000LL) /* one record */
#define METRIC_KEEP 1920                   /* records kept: 8 hours */

/* One container at one moment, or over one record's span. */
struct usage {
	int64_t cpu_total_ns; /* CPU time used since it started (UsageCoreNanoSeconds) */
	int64_t nano_cores;   /* billionths of a core, over the span (UsageNanoCores) */
	int64_t rss;          /* bytes of anonymous memory */
	int64_t cache;        /* bytes of file and shared pages mapped */
	int load;             /* tasks running or ready to */
};

struct metric_history {
	size_t nc; /* containers of the group */
	/* The ring of 15 s records: times[i] ends the span of recs[i*nc ..]. */
	int64_t *times;
	struct usage *recs;
	size_t start, count;
	/* The span being filled: its end, and the samples' sums. */
	int64_t span_end;
	int span_samples;
	struct usage *span;
	/* The newest sample, its rate worked out from the one before. */
	int64_t latest_ns;
	struct usage *latest;
};

struct metric_history *metric_history_new(size_t ncontainers);
void metric_history_free(struct metric_history *h);

/* A sample of every container (u[nc]: cpu_total_ns, memory and load; the
 * rate is worked out here). A sample past the open span's end closes it
 * into a record. */
void metric_history_sample(struct metric_history *h, int64_t now_ns, const struct usage *u);

/* The records that end in (from, to], aggregated by period (a multiple of
 * 15 s): CPU rates averaged, totals, memory and load as at the end. cb gets
 * each in time order with u[nc]; returns how many. */
typedef void (*metric_record_cb)(void *arg, int64_t end_ns, const struct usage *u);
size_t metric_history_query(const struct metric_history *h, int64_t from, int64_t to,
                            int64_t period_ns, metric_record_cb cb, void *arg);

#endif
