/* k8s_metrics.c: metrics.k8s.io/v1beta1 PodMetrics, as metrics-server
 * serves them, from what fleetsim measured of each group's processes (the
 * newest sample, as DescribeMultiContainerGroupMetric's latest record):
 * CPU in nanocores ("123456n"), memory as the working set in KiB. A pod
 * nothing was measured of yet is left out, as metrics-server leaves it. */
#include <stdio.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/simmetric.h"
#include "k8s_int.h"

static cJSON *
pod_metrics_json(const struct fleet_group *g)
{
	const struct metric_history *h = g->metrics;
	cJSON *o = cJSON_CreateObject(), *meta, *cs;
	char ts[36];

	meta = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(meta, "name", g->name);
	cJSON_AddStringToObject(meta, "namespace", g->k8s_namespace);
	fm_time_format_nano(h->latest_ns - h->latest_ns % FM_NS_PER_SEC, ts);
	cJSON_AddStringToObject(o, "timestamp", ts);
	cJSON_AddStringToObject(o, "window", "15s");
	cs = cJSON_AddArrayToObject(o, "containers");
	for (size_t i = 0; i < g->ncontainers && i < h->nc; i++) {
		cJSON *c = cJSON_CreateObject(), *u;
		char v[64];

		cJSON_AddStringToObject(c, "name", g->containers[i].name);
		u = cJSON_AddObjectToObject(c, "usage");
		snprintf(v, sizeof v, "%lldn", (long long)h->latest[i].nano_cores);
		cJSON_AddStringToObject(u, "cpu", v);
		snprintf(v, sizeof v, "%lldKi",
		         (long long)((h->latest[i].rss + h->latest[i].cache) / 1024));
		cJSON_AddStringToObject(u, "memory", v);
		cJSON_AddItemToArray(cs, c);
	}
	return o;
}

void
k8s_pod_metrics(struct k8s_stream *st, const char *ns)
{
	struct k8s_front *k = &st->s->k8s;
	cJSON *o = cJSON_CreateObject(), *items;

	cJSON_AddStringToObject(o, "kind", "PodMetricsList");
	cJSON_AddStringToObject(o, "apiVersion", "metrics.k8s.io/v1beta1");
	cJSON_AddObjectToObject(o, "metadata");
	items = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < k->region_count[st->region]; i++) {
		const struct fleet_group *g = k->order[k->region_first[st->region] + i];

		if (g->deleted || (ns != NULL && strcmp(g->k8s_namespace, ns) != 0))
			continue;
		if (g->metrics == NULL || g->metrics->latest_ns == FM_TIME_NONE)
			continue;
		cJSON_AddItemToArray(items, pod_metrics_json(g));
	}
	k8s_reply_json(st, 200, o);
}
