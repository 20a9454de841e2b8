/* metrics.c: ECI's metric records and Docker's stats into one shape.
 * Every field is checked for its type; a missing one is unknown (-1), never
 * a crash. */
#include "fleetmux/metrics.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"

void
fm_metric_free(struct fm_metric *m)
{
	for (size_t i = 0; i < m->ncontainers; i++)
		free(m->containers[i].name);
	free(m->containers);
	free(m->group_id);
	memset(m, 0, sizeof *m);
}

void
fm_metrics_free(struct fm_metric *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fm_metric_free(&m[i]);
	free(m);
}

/* A number field, or def when absent or not a number (or beyond int64). */
static double
num(const cJSON *o, const char *k, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble || v->valuedouble > 9.2e18 ||
	    v->valuedouble < -9.2e18)
		return def;
	return v->valuedouble;
}

static const cJSON *
obj(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsObject(v) ? v : NULL;
}

/* --- ECI --- */

/* CPU {UsageNanoCores, ...} and Memory {WorkingSet, AvailableBytes, ...}.
 * UsageNanoCores is billionths of a core over the sampling window; the
 * limit is what is used plus what is still available. */
static void
eci_usage(const cJSON *rec, struct fm_usage *u)
{
	const cJSON *cpu = obj(rec, "CPU"), *mem = obj(rec, "Memory");
	double nc = num(cpu, "UsageNanoCores", -1);
	double ws = num(mem, "WorkingSet", -1), avail = num(mem, "AvailableBytes", -1);

	if (ws < 0)
		ws = num(mem, "UsageBytes", -1);
	u->cpu_percent = nc < 0 ? -1 : nc / 1e7;
	u->mem_used = ws < 0 ? -1 : (int64_t)ws;
	u->mem_limit = ws < 0 || avail < 0 || ws + avail > 9.2e18 ? -1 : (int64_t)(ws + avail);
}

static int
eci_record(const cJSON *rec, const char *group_id, struct fm_metric *m)
{
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(rec, "Timestamp");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(rec, "Containers"), *c;
	size_t k = 0;

	if (!cJSON_IsObject(rec))
		return -1;
	memset(m, 0, sizeof *m);
	m->group_id = xstrdup(group_id);
	if (!cJSON_IsString(ts) ||
	    fm_time_parse(ts->valuestring, strlen(ts->valuestring), &m->time_ns) < 0)
		m->time_ns = FM_TIME_NONE;
	eci_usage(rec, &m->u);
	if (cJSON_IsArray(cs)) {
		m->containers = xcalloc((size_t)cJSON_GetArraySize(cs) + 1, sizeof *m->containers);
		cJSON_ArrayForEach(c, cs)
		{
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "Name");

			if (!cJSON_IsObject(c) || !cJSON_IsString(name))
				continue;
			m->containers[k].name = xstrdup(name->valuestring);
			eci_usage(c, &m->containers[k].u);
			k++;
		}
	}
	m->ncontainers = k;
	return 0;
}

/* Records of one group into out (grown), oldest first. */
static void
eci_records(const cJSON *records, const char *group_id, int newest_only, struct fm_metric **out,
            size_t *n)
{
	const cJSON *r, *pick = NULL;
	int64_t best = FM_TIME_NONE;

	if (!cJSON_IsArray(records))
		return;
	if (newest_only) {
		/* The newest by its Timestamp (the answer's order is not promised). */
		cJSON_ArrayForEach(r, records)
		{
			const cJSON *ts = cJSON_GetObjectItemCaseSensitive(r, "Timestamp");
			int64_t t = FM_TIME_NONE;

			if (cJSON_IsString(ts))
				fm_time_parse(ts->valuestring, strlen(ts->valuestring), &t);
			if (pick == NULL || t >= best) {
				pick = r;
				best = t;
			}
		}
		if (pick == NULL)
			return;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		if (eci_record(pick, group_id, &(*out)[*n]) == 0)
			(*n)++;
		return;
	}
	cJSON_ArrayForEach(r, records)
	{
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		if (eci_record(r, group_id, &(*out)[*n]) == 0)
			(*n)++;
	}
}

static cJSON *
parse_object(const char *json, size_t len, const char *what)
{
	cJSON *j = cJSON_ParseWithLength(json, len);

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		fm_error(FM_EPROTO, "%s: the answer is not a JSON object", what);
		return NULL;
	}
	return j;
}

int
eci_parse_multi_metric(const char *json, size_t len, struct fm_metric **out, size_t *n)
{
	cJSON *j = parse_object(json, len, "DescribeMultiContainerGroupMetric");
	const cJSON *datas, *d;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -FM_EPROTO;
	datas = cJSON_GetObjectItemCaseSensitive(j, "MonitorDatas");
	if (!cJSON_IsArray(datas)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO,
		                "DescribeMultiContainerGroupMetric: no MonitorDatas array");
	}
	cJSON_ArrayForEach(d, datas)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(d, "ContainerGroupId");

		if (cJSON_IsString(id))
			eci_records(cJSON_GetObjectItemCaseSensitive(d, "Records"), id->valuestring,
			            1, out, n);
	}
	cJSON_Delete(j);
	return 0;
}

int
eci_parse_group_metric(const char *json, size_t len, struct fm_metric **out, size_t *n)
{
	cJSON *j = parse_object(json, len, "DescribeContainerGroupMetric");
	const cJSON *id, *records;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -FM_EPROTO;
	id = cJSON_GetObjectItemCaseSensitive(j, "ContainerGroupId");
	records = cJSON_GetObjectItemCaseSensitive(j, "Records");
	if (!cJSON_IsArray(records)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "DescribeContainerGroupMetric: no Records array");
	}
	eci_records(records, cJSON_IsString(id) ? id->valuestring : "", 0, out, n);
	cJSON_Delete(j);
	return 0;
}

/* --- Docker --- */

/* docker/cli cli/command/container/stats_helpers.go, calculateCPUPercentUnix. */
static double
docker_cpu_percent(const cJSON *st)
{
	const cJSON *cpu = obj(st, "cpu_stats"), *pre = obj(st, "precpu_stats");
	const cJSON *percpu =
	    cJSON_GetObjectItemCaseSensitive(obj(cpu, "cpu_usage"), "percpu_usage");
	double cpu_delta = num(obj(cpu, "cpu_usage"), "total_usage", 0) -
	                   num(obj(pre, "cpu_usage"), "total_usage", 0);
	double sys_delta = num(cpu, "system_cpu_usage", 0) - num(pre, "system_cpu_usage", 0);
	double online = num(cpu, "online_cpus", 0);

	if (online == 0 && cJSON_IsArray(percpu))
		online = cJSON_GetArraySize(percpu);
	if (sys_delta > 0 && cpu_delta > 0)
		return cpu_delta / sys_delta * online * 100.0;
	return 0;
}

/* calculateMemUsageUnixNoCache: usage less the inactive file cache
 * (total_inactive_file on cgroup v1, inactive_file on v2). */
static double
docker_mem_used(const cJSON *mem)
{
	const cJSON *stats = obj(mem, "stats");
	double usage = num(mem, "usage", -1), v1 = num(stats, "total_inactive_file", -1);
	double v2 = num(stats, "inactive_file", 0);

	if (usage < 0)
		return -1;
	if (v1 >= 0 && v1 < usage)
		return usage - v1;
	if (v2 < usage)
		return usage - v2;
	return usage;
}

int
docker_parse_stats(const char *json, size_t len, const char *group_id, struct fm_metric *out,
                   int *has_sample)
{
	cJSON *j = parse_object(json, len, "container stats");
	const cJSON *read, *mem, *name;
	double used, limit;

	memset(out, 0, sizeof *out);
	*has_sample = 0;
	if (j == NULL)
		return -FM_EPROTO;
	read = cJSON_GetObjectItemCaseSensitive(j, "read");
	/* A container that is not running answers with the zero time
	 * ("0001-01-01T00:00:00Z", out of range here) and no figures. */
	if (!cJSON_IsString(read) ||
	    fm_time_parse(read->valuestring, strlen(read->valuestring), &out->time_ns) < 0 ||
	    out->time_ns <= 0) {
		cJSON_Delete(j);
		out->time_ns = FM_TIME_NONE;
		out->group_id = xstrdup(group_id);
		return 0;
	}
	mem = obj(j, "memory_stats");
	used = docker_mem_used(mem);
	limit = num(mem, "limit", -1);
	out->group_id = xstrdup(group_id);
	out->u.cpu_percent = docker_cpu_percent(j);
	out->u.mem_used = used < 0 ? -1 : (int64_t)used;
	out->u.mem_limit = limit <= 0 ? -1 : (int64_t)limit;
	/* A group of one: the container is the group. */
	name = cJSON_GetObjectItemCaseSensitive(j, "name");
	out->containers = xcalloc(1, sizeof *out->containers);
	out->containers[0].name = xstrdup(
	    cJSON_IsString(name) ? name->valuestring + (name->valuestring[0] == '/') : group_id);
	out->containers[0].u = out->u;
	out->ncontainers = 1;
	*has_sample = 1;
	cJSON_Delete(j);
	return 0;
}
