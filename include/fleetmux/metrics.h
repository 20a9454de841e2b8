/* metrics.h: CPU and memory of container groups and their containers, in
 * one shape for every backend, and the backends' answers read into it:
 * ECI's DescribeMultiContainerGroupMetric and DescribeContainerGroupMetric,
 * Docker's GET /containers/{id}/stats. Pure. */
#ifndef FLEETMUX_METRICS_H
#define FLEETMUX_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "fleetmux/util.h"

/* What a group or a container uses. Unknown values are negative. */
struct fm_usage {
	double cpu_percent; /* of one core: 100 is a whole core busy, 250 two and a half */
	int64_t mem_used;   /* bytes (the working set: what the OOM killer counts) */
	int64_t mem_limit;  /* bytes */
};

struct fm_container_usage {
	char *name;
	struct fm_usage u;
};

/* One sample of one group: the group as a whole and each container. */
struct fm_metric {
	char *group_id;  /* ECI: the ContainerGroupId; Docker: the container's Id */
	int64_t time_ns; /* when it was measured */
	struct fm_usage u;
	struct fm_container_usage *containers;
	size_t ncontainers;
};

void fm_metric_free(struct fm_metric *m);
void fm_metrics_free(struct fm_metric *m, size_t n);

/* ECI's metric records. Both return 0, or -FM_EPROTO with fm_error set.
 * DescribeMultiContainerGroupMetric → the newest record of each group
 * (a group without records is left out). */
int eci_parse_multi_metric(const char *json, size_t len, struct fm_metric **out, size_t *n);
/* DescribeContainerGroupMetric → every record, oldest first. */
int eci_parse_group_metric(const char *json, size_t len, struct fm_metric **out, size_t *n);

/* GET /containers/{id}/stats?stream=0 → one sample, CPU as `docker stats`
 * computes it: (cpu delta / system delta) × online CPUs × 100, memory as
 * usage less the inactive file cache. A container that is not running has
 * no sample: *has_sample is 0. group_id is the Id asked for. */
int docker_parse_stats(const char *json, size_t len, const char *group_id, struct fm_metric *out,
                       int *has_sample);

#endif
