/* k8s_metrics.c: metrics-server's PodMetrics (metrics.k8s.io/v1beta1) read
 * into fm_metric, and Kubernetes quantities ("250m", "123456n", "64Mi",
 * "1.5Gi", "2e3") read as numbers. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fleetmux/k8s.h"
#include "fleetmux/logs.h"

/* Suffixes as resource.Quantity takes them: decimal SI and binary. */
static const struct {
	const char *suffix;
	double factor;
} suffixes[] = {
    {"Ki", 1024.0},
    {"Mi", 1024.0 * 1024},
    {"Gi", 1024.0 * 1024 * 1024},
    {"Ti", 1024.0 * 1024 * 1024 * 1024},
    {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024},
    {"Ei", 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024},
    {"n", 1e-9},
    {"u", 1e-6},
    {"m", 1e-3},
    {"k", 1e3},
    {"M", 1e6},
    {"G", 1e9},
    {"T", 1e12},
    {"P", 1e15},
    {"E", 1e18},
    {"", 1.0},
};

int
k8s_quantity(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || strchr("+-.0123456789", *s) == NULL)
		return -FM_EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return -FM_EINVAL;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (strcmp(end, suffixes[i].suffix) == 0) {
			*out = v * suffixes[i].factor;
			return 0;
		}
	return -FM_EINVAL;
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One PodMetrics: 0, or -1 when it names no pod. */
static int
one_pod(const cJSON *item, struct fm_metric *m)
{
	const cJSON *meta = get(item, "metadata"), *c;
	const char *name = str(meta, "name"), *ns = str(meta, "namespace"),
	           *ts = str(item, "timestamp");
	int n = cJSON_GetArraySize(get(item, "containers"));

	memset(m, 0, sizeof *m);
	if (name == NULL || ns == NULL || *name == '\0' || *ns == '\0')
		return -1;
	m->group_id = xasprintf("%s/%s", ns, name);
	if (ts == NULL || fm_time_parse(ts, strlen(ts), &m->time_ns) < 0)
		m->time_ns = fm_time_now();
	m->u.mem_limit = -1; /* metrics-server says what is used, not the limits */
	m->containers = xcalloc((size_t)n + 1, sizeof *m->containers);
	cJSON_ArrayForEach(c, get(item, "containers"))
	{
		const cJSON *usage = get(c, "usage");
		struct fm_container_usage *cu;
		double cores, bytes;

		if (str(c, "name") == NULL)
			continue;
		cu = &m->containers[m->ncontainers++];
		cu->name = xstrdup(str(c, "name"));
		cu->u.cpu_percent = k8s_quantity(str(usage, "cpu"), &cores) == 0 ? cores * 100 : -1;
		cu->u.mem_used =
		    k8s_quantity(str(usage, "memory"), &bytes) == 0 ? (int64_t)bytes : -1;
		cu->u.mem_limit = -1;
		if (cu->u.cpu_percent >= 0)
			m->u.cpu_percent += cu->u.cpu_percent;
		if (cu->u.mem_used >= 0)
			m->u.mem_used += cu->u.mem_used;
	}
	return 0;
}

int
k8s_parse_pod_metrics(const char *json, size_t len, struct fm_metric **out, size_t *n,
                      struct fm_cause *why)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *items = get(j, "items"), *item;

	*out = NULL;
	*n = 0;
	if (j == NULL || !cJSON_IsObject(j) || !(cJSON_IsArray(items) || cJSON_IsNull(items))) {
		cJSON_Delete(j);
		return fm_cause_set(why, FM_EPROTO, "the pod metrics are not a PodMetricsList");
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof **out);
	cJSON_ArrayForEach(item, items)
	{
		if (one_pod(item, &(*out)[*n]) == 0)
			(*n)++;
		else
			fm_metric_free(&(*out)[*n]);
	}
	cJSON_Delete(j);
	return 0;
}
