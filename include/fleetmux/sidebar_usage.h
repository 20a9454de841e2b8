/* sidebar_usage.h: CPU and memory in the sidebar: each group's (and each
 * of its containers') last samples in a small ring that a relisting keeps
 * (sidebar.c hands it to the group listed again by id), the columns a row
 * shows (CPU %, a sparkline, memory used/limit) fitted to the room the row
 * has, the orders the groups can be sorted in, and a region's totals for
 * the status line. Pure: no screen, no loop. */
#ifndef FLEETMUX_SIDEBAR_USAGE_H
#define FLEETMUX_SIDEBAR_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fleetmux/metrics.h"
#include "fleetmux/sidebar.h"

/* Samples kept: a sparkline shows the newest USAGE_SPARK_W of them. */
#define USAGE_RING 16

struct usage_ring {
	struct fm_usage v[USAGE_RING];
	int64_t t[USAGE_RING]; /* when each was measured */
	unsigned n, next;      /* how many are kept; where the next goes */
};

/* A sample. One measured at the newest one's time again (ECI's record of
 * the same 15 s, asked for twice) replaces it: the ring holds distinct
 * times. */
void usage_ring_push(struct usage_ring *r, int64_t time_ns, const struct fm_usage *u);
/* The newest sample, or NULL when there is none. */
const struct fm_usage *usage_ring_last(const struct usage_ring *r);
/* The newest width samples' CPU as ▁▂▃▄▅▆▇█ (oldest left), scaled to a
 * core or to the highest of them when higher; shorter when fewer are
 * kept. Returns the columns written. */
int usage_sparkline(const struct usage_ring *r, int width, char *out, size_t size);

/* A group's usage and its containers', by name. */
struct sb_usage_ctr {
	char *name;
	struct usage_ring r;
};
struct sb_usage {
	struct usage_ring group;
	struct sb_usage_ctr *c;
	size_t nc;
};

void sb_usage_free(struct sb_usage *u);
/* A sample of the group into *u (allocated when NULL). A limit the sample
 * does not say (Kubernetes' metrics do not) is taken from spec's, the
 * group's containers' memory limits, when it has them (spec may be NULL). */
void sb_usage_add(struct sb_usage **u, const struct fm_metric *m, const struct fm_group *spec);
/* What a sidebar row shows: the group's ring (container NULL) or the
 * container's; a group of one container with no sample of its own (Docker
 * measures the container as the group) shows the group's. NULL: nothing
 * to show (no sample, or the group is not running: an old figure of a
 * stopped group would be a lie). */
const struct usage_ring *sb_usage_of(const struct sb_group *g, const char *container);

/* "87%", "250%", "0%"; "-" when unknown. */
void usage_cpu_text(double percent, char *out, size_t size);
/* "512B", "120K", "1.5G", "12G": at most 4 columns up to 999T. */
void usage_bytes_text(int64_t bytes, char *out, size_t size);
/* "120M/1G", or "120M" without a limit; "-" when unknown. */
void usage_mem_text(const struct fm_usage *u, char *out, size_t size);

/* The columns a row shows, right of its name and status: " CPU% SPARK
 * MEM", each in a fixed width so that rows line up. When the room is
 * short the sparkline goes first, then memory, then CPU. */
#define USAGE_CPU_W 4
#define USAGE_SPARK_W 6
#define USAGE_MEM_W 9
enum { USAGE_CPU = 1, USAGE_SPARK = 2, USAGE_MEM = 4 };
/* Which parts fit in room columns (0: none). */
int usage_fit(int room);
/* Columns those parts take. */
int usage_parts_width(int parts);
/* The parts of r's newest sample as text (their width, padded). */
void usage_format(const struct usage_ring *r, int parts, char *out, size_t size);

/* Orders of the groups in a region (S cycles them). LISTED is the order
 * the backend gave. The busiest, the biggest, the most restarted, the
 * worst off first; by name A to Z. Groups with no sample go after those
 * with one. */
enum sb_sort {
	SB_SORT_LISTED,
	SB_SORT_CPU,
	SB_SORT_MEM,
	SB_SORT_RESTARTS,
	SB_SORT_STATUS,
	SB_SORT_NAME,
	SB_SORT_COUNT,
};
/* "listed", "cpu", "memory", "restarts", "status", "name". */
const char *sb_sort_name(int sort);
/* <0 when a goes before b; 0 when the order does not tell them apart
 * (the caller keeps the listed order). */
int sb_sort_compare(int sort, const struct sb_group *a, const struct sb_group *b);
/* The groups at idx (n indices into groups) in the order sort says,
 * listed order among equals. */
void sb_sort_groups(int sort, const struct sb_group *groups, int *idx, size_t n);

/* An unfolded group's containers (n indices) in the order sort says:
 * by their own CPU or memory, restarts, state or name; listed order among
 * equals. */
void sb_sort_containers(int sort, const struct sb_group *g, int *idx, size_t n);

/* A region's totals: the CPU and memory of its running groups with a
 * sample. Returns how many groups were counted. */
size_t sb_usage_totals(const struct sb_region *r, struct fm_usage *sum);
/* "Σ 187% 1.2G/4G" for the status line; "" when nothing was counted. */
void sb_usage_totals_text(const struct sb_region *r, char *out, size_t size);

#endif
