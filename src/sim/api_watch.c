/* api_watch.c: fleetsim's actions for watching a fleet, shaped as Alibaba's
 * API reference documents them: DescribeContainerLog (read as kubelet reads
 * a container's log, which ECI serves), DescribeContainerGroupMetric and
 * DescribeMultiContainerGroupMetric (from what fleetsim measured of each
 * group's processes, simmetric.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "fleetmux/logs.h"
#include "fleetmux/simmetric.h"

#define LOG_TAIL_DEFAULT 500 /* "默认 500 行" */
#define LOG_TAIL_MAX 2000
#define LOG_BYTES_MAX 1048576 /* LimitBytes 1..1048576; at most 1 MB returned */
#define METRIC_MAX_RECORDS 50 /* more is an error */
#define METRIC_MAX_AGE_S (30L * 86400)
#define METRIC_DEFAULT_SPAN_S 300
#define METRIC_TZ_MIN 480 /* the reference's Timestamps are in UTC+8 */
#define GIB (1024.0 * 1024.0 * 1024.0)

/* A time parameter (RFC 3339); 0 absent, 1 given, -1 bad with r filled. */
static int
get_time(struct api_result *r, const struct params *p, const char *name, int64_t *out)
{
	const char *v = params_get(p, name);

	if (v == NULL || *v == '\0')
		return 0;
	if (fm_time_parse(v, strlen(v), out) < 0) {
		api_error(r, 400, "InvalidParameter",
		          "The parameter \"%s\" must be a time in RFC 3339 (2019-03-12T01:00:00Z).",
		          name);
		return -1;
	}
	return 1;
}

/* --- DescribeContainerLog --- */

/* kubelet's order: the last Tail lines, of those the ones not before the
 * since time, then LimitBytes from the front (the last line may be cut). */
void
api_describe_container_log(struct fleet *f, const struct params *p, long now, struct api_result *r)
{
	struct fleet_group *g;
	struct fleet_container *k;
	const struct fleet_log *log;
	long tail, limit, since_s;
	int stamps, last, has_start;
	int64_t start = 0, since = FM_TIME_NONE;
	size_t first;
	struct buf out;
	char *content;
	cJSON *o;

	if (api_find_target(f, p, r, &g, &k) < 0 ||
	    api_get_uint(r, p, "Tail", LOG_TAIL_MAX, &tail) < 0 ||
	    api_get_uint(r, p, "LimitBytes", LOG_BYTES_MAX, &limit) < 0 ||
	    api_get_uint(r, p, "SinceSeconds", 0, &since_s) < 0 ||
	    (has_start = get_time(r, p, "StartTime", &start)) < 0 ||
	    api_get_bool(r, p, "Timestamps", 0, &stamps) < 0 ||
	    api_get_bool(r, p, "LastTime", 0, &last) < 0)
		return;
	if (limit == 0) {
		api_error(r, 400, "InvalidParameter",
		          "The parameter \"LimitBytes\" must be from 1 to %d.", LOG_BYTES_MAX);
		return;
	}
	if (since_s >= 0 && has_start) {
		api_error(r, 400, "InvalidParameter",
		          "Only one of \"SinceSeconds\" and \"StartTime\" may be given.");
		return;
	}
	if (last && !k->has_prev) {
		api_error(
		    r, 400, "IncorrectStatus",
		    "The container \"%s\" in %s has not restarted: there is no previous instance "
		    "to read the log of.",
		    k->name, g->id);
		return;
	}
	if (!last && strcmp(k->state, "Waiting") == 0 && !k->has_prev && k->log.count == 0) {
		api_error(r, 400, "IncorrectStatus",
		          "The container \"%s\" in %s is waiting to start: %s.", k->name, g->id,
		          *k->reason ? k->reason : "Waiting");
		return;
	}
	if (tail < 0)
		tail = LOG_TAIL_DEFAULT;
	if (limit < 0)
		limit = LOG_BYTES_MAX;
	if (since_s >= 0)
		since = ((int64_t)now - since_s) * FM_NS_PER_SEC;
	else if (has_start)
		since = start;
	log = last ? &k->prev_log : &k->log;
	first = (size_t)tail < log->count ? log->count - (size_t)tail : 0;
	buf_init(&out);
	for (size_t i = first; i < log->count && out.len < (size_t)limit; i++) {
		const struct fleet_log_line *l = fleet_log_at(log, i);

		if (since != FM_TIME_NONE && l->time_ns < since)
			continue;
		if (stamps) {
			char ts[36];

			fm_time_format_nano(l->time_ns, ts);
			buf_printf(&out, "%s ", ts);
		}
		buf_puts(&out, l->text);
		buf_putc(&out, '\n');
	}
	if (out.len > (size_t)limit)
		out.len = (size_t)limit;
	content = utf8_clean(out.data ? out.data : "", out.len);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ContainerName", k->name);
	cJSON_AddStringToObject(o, "Content", content);
	free(content);
	buf_free(&out);
	api_reply(r, o);
}

/* --- metrics --- */

/* CPU and Memory of one container (cores, GiB: its limits) or the group. */
static void
usage_json(cJSON *o, const struct usage *u, double cores, double gib)
{
	cJSON *cpu = cJSON_AddObjectToObject(o, "CPU"), *mem = cJSON_AddObjectToObject(o, "Memory");
	double ws = (double)(u->rss + u->cache), limit = gib * GIB;

	/* Limit as cgroup CPU shares: 1024 a core (the reference's example is 1024). */
	cJSON_AddNumberToObject(cpu, "Limit", (double)(int64_t)(cores * 1024));
	cJSON_AddNumberToObject(cpu, "Load", u->load);
	cJSON_AddNumberToObject(cpu, "UsageCoreNanoSeconds", (double)u->cpu_total_ns);
	cJSON_AddNumberToObject(cpu, "UsageNanoCores", (double)u->nano_cores);
	cJSON_AddNumberToObject(mem, "AvailableBytes",
	                        limit > ws ? (double)(int64_t)(limit - ws) : 0);
	cJSON_AddNumberToObject(mem, "UsageBytes", ws);
	cJSON_AddNumberToObject(mem, "Rss", (double)u->rss);
	cJSON_AddNumberToObject(mem, "WorkingSet", ws);
	cJSON_AddNumberToObject(mem, "Cache", (double)u->cache);
}

/* One record: the group (its containers summed), its network (fleetsim's
 * containers share the host's: eth0 counts nothing), each container. u is
 * NULL for a group nothing was measured of: zeros. */
static cJSON *
record_json(const struct fleet_group *g, int64_t t, const struct usage *u)
{
	cJSON *o = cJSON_CreateObject(), *ifs, *eth, *cs;
	struct usage sum = {0}, zero = {0};
	char ts[30];
	static const char *const counters[] = {"RxBytes",  "RxPackets", "RxErrors",
	                                       "RxDrops",  "TxBytes",   "TxPackets",
	                                       "TxErrors", "TxDrops",   NULL};

	fm_time_format_ms(t, METRIC_TZ_MIN, ts);
	cJSON_AddStringToObject(o, "Timestamp", ts);
	for (size_t i = 0; u != NULL && i < g->ncontainers; i++) {
		sum.cpu_total_ns += u[i].cpu_total_ns;
		sum.nano_cores += u[i].nano_cores;
		sum.rss += u[i].rss;
		sum.cache += u[i].cache;
		sum.load += u[i].load;
	}
	usage_json(o, &sum, g->cpu, g->memory);
	ifs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "Network"), "Interfaces");
	eth = cJSON_CreateObject();
	cJSON_AddStringToObject(eth, "Name", "eth0");
	for (size_t i = 0; counters[i] != NULL; i++)
		cJSON_AddNumberToObject(eth, counters[i], 0);
	cJSON_AddItemToArray(ifs, eth);
	cs = cJSON_AddArrayToObject(o, "Containers");
	for (size_t i = 0; i < g->ncontainers; i++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "Name", g->containers[i].name);
		usage_json(c, u != NULL ? &u[i] : &zero, g->containers[i].cpu,
		           g->containers[i].memory);
		cJSON_AddItemToArray(cs, c);
	}
	return o;
}

struct records {
	const struct fleet_group *g;
	cJSON *arr;
};

static void
add_record(void *arg, int64_t end_ns, const struct usage *u)
{
	struct records *rs = arg;

	cJSON_AddItemToArray(rs->arr, record_json(rs->g, end_ns, u));
}

static int64_t
ceil_to(int64_t t, int64_t step)
{
	int64_t rem = ((t % step) + step) % step;

	return rem == 0 ? t : t - rem + step;
}

void
api_describe_group_metric(struct fleet *f, const struct params *p, long now, struct api_result *r)
{
	const char *region, *gid, *period_s = params_get(p, "Period");
	struct fleet_group *g;
	int64_t start = 0, end = 0, now_ns = (int64_t)now * FM_NS_PER_SEC,
	        period = 60 * FM_NS_PER_SEC;
	int has_start, has_end;
	struct records rs;
	cJSON *o;

	if (api_need_region(f, r, p, &region) < 0 ||
	    (gid = api_need(r, p, "ContainerGroupId")) == NULL ||
	    (has_start = get_time(r, p, "StartTime", &start)) < 0 ||
	    (has_end = get_time(r, p, "EndTime", &end)) < 0)
		return;
	if ((g = fleet_group(f, region, gid)) == NULL) {
		api_error(r, 400, "InvalidParameter.ContainerGroupId",
		          "The container group \"%s\" does not exist in region %s.", gid, region);
		return;
	}
	if (period_s != NULL && *period_s) {
		if (strcmp(period_s, "15") != 0 && strcmp(period_s, "30") != 0 &&
		    strcmp(period_s, "60") != 0 && strcmp(period_s, "600") != 0) {
			api_error(r, 400, "InvalidParameter",
			          "The parameter \"Period\" must be 15, 30, 60 or 600 (seconds).");
			return;
		}
		period = atol(period_s) * FM_NS_PER_SEC;
	}
	if (!has_start && !has_end) {
		/* The last 5 minutes at 15 s; Period is ignored. */
		end = now_ns;
		start = end - METRIC_DEFAULT_SPAN_S * FM_NS_PER_SEC;
		period = 15 * FM_NS_PER_SEC;
	} else {
		if (!has_end)
			end = now_ns;
		if (!has_start)
			start = end - METRIC_DEFAULT_SPAN_S * FM_NS_PER_SEC;
	}
	if (start >= end) {
		api_error(r, 400, "InvalidParameter", "\"StartTime\" must be before \"EndTime\".");
		return;
	}
	if (start < now_ns - METRIC_MAX_AGE_S * FM_NS_PER_SEC) {
		api_error(r, 400, "InvalidParameter",
		          "\"StartTime\" must be within the last 30 days.");
		return;
	}
	if ((end - start + period - 1) / period > METRIC_MAX_RECORDS) {
		api_error(
		    r, 400, "InvalidParameter",
		    "The time range holds %lld records of %lld s; at most %d may be asked for.",
		    (long long)((end - start + period - 1) / period),
		    (long long)(period / FM_NS_PER_SEC), METRIC_MAX_RECORDS);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ContainerGroupId", g->id);
	rs.g = g;
	rs.arr = cJSON_AddArrayToObject(o, "Records");
	if (strcmp(g->status, "Running") == 0) {
		if (g->metrics != NULL) {
			metric_history_query(g->metrics, start, end, period, add_record, &rs);
		} else {
			/* Nothing runs in it to measure: zeros, a record a period. */
			for (int64_t t = ceil_to(start + 1, period); t <= end && t <= now_ns;
			     t += period)
				add_record(&rs, t, NULL);
		}
	}
	api_reply(r, o);
}

void
api_describe_multi_metric(struct fleet *f, const struct params *p, long now, struct api_result *r)
{
	const char *region, *ids_s, *type = params_get(p, "MetricType");
	char **ids;
	cJSON *o, *datas;

	if (api_need_region(f, r, p, &region) < 0 ||
	    (ids_s = api_need(r, p, "ContainerGroupIds")) == NULL)
		return;
	if (type != NULL && *type && strcmp(type, "summary") != 0) {
		api_error(r, 400, "InvalidParameter",
		          "The parameter \"MetricType\" must be summary (or not given).");
		return;
	}
	if ((ids = api_json_strings(r, "ContainerGroupIds", ids_s, 20, 0)) == NULL)
		return;
	o = cJSON_CreateObject();
	datas = cJSON_AddArrayToObject(o, "MonitorDatas");
	for (size_t i = 0; ids[i] != NULL; i++) {
		const struct fleet_group *g = fleet_group(f, region, ids[i]);
		cJSON *d, *recs;

		if (g == NULL)
			continue; /* a group of another region, or none: left out */
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "ContainerGroupId", g->id);
		recs = cJSON_AddArrayToObject(d, "Records");
		if (strcmp(g->status, "Running") == 0) {
			/* The newest record only. */
			if (g->metrics != NULL && g->metrics->latest_ns != FM_TIME_NONE)
				cJSON_AddItemToArray(recs, record_json(g, g->metrics->latest_ns,
				                                       g->metrics->latest));
			else
				cJSON_AddItemToArray(
				    recs, record_json(g, (int64_t)now * FM_NS_PER_SEC, NULL));
		}
		cJSON_AddItemToArray(datas, d);
	}
	strv_free(ids);
	api_reply(r, o);
}
