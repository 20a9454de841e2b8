/* sidebar_usage.c: the sidebar's CPU and memory: rings of samples, their
 * text and sparkline, the columns fitted to a row, sort orders and a
 * region's totals. Pure (sidebar_usage.h). */
#include "fleetmux/sidebar_usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
usage_ring_push(struct usage_ring *r, int64_t time_ns, const struct fm_usage *u)
{
	unsigned last = (r->next + USAGE_RING - 1) % USAGE_RING;

	if (r->n > 0 && r->t[last] == time_ns) {
		r->v[last] = *u;
		return;
	}
	r->v[r->next] = *u;
	r->t[r->next] = time_ns;
	r->next = (r->next + 1) % USAGE_RING;
	if (r->n < USAGE_RING)
		r->n++;
}

const struct fm_usage *
usage_ring_last(const struct usage_ring *r)
{
	if (r == NULL || r->n == 0)
		return NULL;
	return &r->v[(r->next + USAGE_RING - 1) % USAGE_RING];
}

int
usage_sparkline(const struct usage_ring *r, int width, char *out, size_t size)
{
	static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	unsigned w = width > 0 ? (unsigned)width : 0, k = r->n < w ? r->n : w;
	double top = 100.0;
	size_t o = 0;

	if (size > 0)
		out[0] = '\0';
	/* A group of several cores scales to its own peak, not to one core. */
	for (unsigned i = 0; i < k; i++) {
		double c = r->v[(r->next + USAGE_RING - k + i) % USAGE_RING].cpu_percent;

		if (c > top)
			top = c;
	}
	for (unsigned i = 0; i < k; i++) {
		double c = r->v[(r->next + USAGE_RING - k + i) % USAGE_RING].cpu_percent;
		int level = c <= 0 ? 0 : (int)(c / top * 7.0 + 0.5);

		if (level > 7)
			level = 7;
		if (o + 4 > size)
			return (int)i;
		memcpy(out + o, blocks[level], 3);
		o += 3;
		out[o] = '\0';
	}
	return (int)k;
}

void
sb_usage_free(struct sb_usage *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->nc; i++)
		free(u->c[i].name);
	free(u->c);
	free(u);
}

static struct usage_ring *
container_ring(struct sb_usage *u, const char *name)
{
	for (size_t i = 0; i < u->nc; i++)
		if (strcmp(u->c[i].name, name) == 0)
			return &u->c[i].r;
	u->c = xrealloc(u->c, (u->nc + 1) * sizeof *u->c);
	memset(&u->c[u->nc], 0, sizeof *u->c);
	u->c[u->nc].name = xstrdup(name);
	return &u->c[u->nc++].r;
}

/* The memory limit of a container of spec (name NULL: of them all,
 * added up), in bytes; -1 when one of them has none (no limit: the
 * pod's is not known either). */
static int64_t
spec_limit(const struct fm_group *spec, const char *name)
{
	double sum = 0;
	int seen = 0;

	if (spec == NULL)
		return -1;
	for (size_t k = 0; k < spec->ncontainers; k++) {
		const struct fm_container *c = &spec->containers[k];

		if (c->kind != FM_CONTAINER_APP || (name != NULL && (c->name == NULL ||
		                                                       strcmp(c->name, name) != 0)))
			continue;
		if (c->memory_gib <= 0)
			return -1;
		sum += c->memory_gib * 1024.0 * 1024 * 1024;
		seen = 1;
	}
	return seen ? (int64_t)sum : -1;
}

static void
push(struct usage_ring *r, int64_t time_ns, const struct fm_usage *u, int64_t limit)
{
	struct fm_usage v = *u;

	if (v.mem_limit <= 0 && limit > 0)
		v.mem_limit = limit;
	usage_ring_push(r, time_ns, &v);
}

void
sb_usage_add(struct sb_usage **up, const struct fm_metric *m, const struct fm_group *spec)
{
	struct sb_usage *u = *up;

	if (u == NULL)
		u = *up = xcalloc(1, sizeof *u);
	push(&u->group, m->time_ns, &m->u, spec_limit(spec, NULL));
	for (size_t i = 0; i < m->ncontainers; i++)
		if (m->containers[i].name != NULL)
			push(container_ring(u, m->containers[i].name), m->time_ns, &m->containers[i].u,
			     spec_limit(spec, m->containers[i].name));
}

const struct usage_ring *
sb_usage_of(const struct sb_group *g, const char *container)
{
	const struct sb_usage *u = g->usage;

	if (u == NULL || g->g.state != FM_STATE_RUNNING)
		return NULL;
	if (container == NULL)
		return u->group.n > 0 ? &u->group : NULL;
	for (size_t i = 0; i < u->nc; i++)
		if (strcmp(u->c[i].name, container) == 0)
			return u->c[i].r.n > 0 ? &u->c[i].r : NULL;
	if (g->g.ncontainers == 1 && u->group.n > 0)
		return &u->group;
	return NULL;
}

/* --- text --- */

void
usage_cpu_text(double percent, char *out, size_t size)
{
	if (percent < 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.0f%%", percent);
}

void
usage_bytes_text(int64_t bytes, char *out, size_t size)
{
	static const char units[] = "BKMGTP";
	double v = (double)bytes;
	int u = 0;

	if (bytes < 0) {
		snprintf(out, size, "-");
		return;
	}
	/* 1000 and more of a unit is the next one: four columns at most. */
	while (v >= 999.5 && u < 5) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%dB", (int)bytes);
	else if (v < 9.95 && v != (double)(int64_t)v)
		snprintf(out, size, "%.1f%c", v, units[u]);
	else
		snprintf(out, size, "%.0f%c", v, units[u]);
}

void
usage_mem_text(const struct fm_usage *u, char *out, size_t size)
{
	char used[16], limit[16];

	if (u->mem_used < 0) {
		snprintf(out, size, "-");
		return;
	}
	usage_bytes_text(u->mem_used, used, sizeof used);
	if (u->mem_limit <= 0) {
		snprintf(out, size, "%s", used);
		return;
	}
	usage_bytes_text(u->mem_limit, limit, sizeof limit);
	snprintf(out, size, "%s/%s", used, limit);
}

/* --- columns --- */

int
usage_parts_width(int parts)
{
	return (parts & USAGE_CPU ? 1 + USAGE_CPU_W : 0) +
	       (parts & USAGE_SPARK ? 1 + USAGE_SPARK_W : 0) +
	       (parts & USAGE_MEM ? 1 + USAGE_MEM_W : 0);
}

int
usage_fit(int room)
{
	static const int tries[] = {USAGE_CPU | USAGE_SPARK | USAGE_MEM, USAGE_CPU | USAGE_MEM,
	                            USAGE_CPU};

	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
		if (usage_parts_width(tries[i]) <= room)
			return tries[i];
	return 0;
}

void
usage_format(const struct usage_ring *r, int parts, char *out, size_t size)
{
	const struct fm_usage *u = usage_ring_last(r);
	char cpu[16], mem[32], spark[USAGE_SPARK_W * 3 + 1];
	size_t o = 0;

	if (size > 0)
		out[0] = '\0';
	if (u == NULL)
		return;
	if (parts & USAGE_CPU) {
		usage_cpu_text(u->cpu_percent, cpu, sizeof cpu);
		o += (size_t)snprintf(out + o, o < size ? size - o : 0, " %*s", USAGE_CPU_W, cpu);
	}
	if ((parts & USAGE_SPARK) && o < size) {
		int w = usage_sparkline(r, USAGE_SPARK_W, spark, sizeof spark);

		/* Right-aligned: the newest sample is always at the same column. */
		o += (size_t)snprintf(out + o, size - o, " %*s%s", USAGE_SPARK_W - w, "", spark);
	}
	if ((parts & USAGE_MEM) && o < size) {
		usage_mem_text(u, mem, sizeof mem);
		o += (size_t)snprintf(out + o, size - o, " %*s", USAGE_MEM_W, mem);
	}
}

/* --- sorting --- */

const char *
sb_sort_name(int sort)
{
	static const char *const names[SB_SORT_COUNT] = {
	    [SB_SORT_LISTED] = "listed",     [SB_SORT_CPU] = "cpu",       [SB_SORT_MEM] = "memory",
	    [SB_SORT_RESTARTS] = "restarts", [SB_SORT_STATUS] = "status", [SB_SORT_NAME] = "name",
	};

	return sort >= 0 && sort < SB_SORT_COUNT ? names[sort] : "listed";
}

static int
restarts_of(const struct sb_group *g)
{
	int n = 0;

	for (size_t k = 0; k < g->g.ncontainers; k++)
		n += g->g.containers[k].restarts;
	return n;
}

/* The worst off first: what failed, then what ended, waits, is paused,
 * is not known, and last what runs. */
static int
trouble(enum fm_state st)
{
	switch (st) {
	case FM_STATE_FAILED:
		return 0;
	case FM_STATE_EXITED:
		return 1;
	case FM_STATE_PENDING:
		return 2;
	case FM_STATE_PAUSED:
		return 3;
	case FM_STATE_UNKNOWN:
		return 4;
	default:
		return 5;
	}
}

/* Bigger first; a value that is not there (negative) after every one that is. */
static int
bigger_first(double a, double b)
{
	if (a < 0 || b < 0)
		return (a < 0) - (b < 0);
	return (a < b) - (a > b);
}

int
sb_sort_compare(int sort, const struct sb_group *a, const struct sb_group *b)
{
	const struct fm_usage *ua = usage_ring_last(sb_usage_of(a, NULL));
	const struct fm_usage *ub = usage_ring_last(sb_usage_of(b, NULL));
	int c;

	switch (sort) {
	case SB_SORT_CPU:
		return bigger_first(ua ? ua->cpu_percent : -1, ub ? ub->cpu_percent : -1);
	case SB_SORT_MEM:
		return bigger_first(ua ? (double)ua->mem_used : -1, ub ? (double)ub->mem_used : -1);
	case SB_SORT_RESTARTS:
		return bigger_first(restarts_of(a), restarts_of(b));
	case SB_SORT_STATUS:
		return trouble(a->g.state) - trouble(b->g.state);
	case SB_SORT_NAME:
		if ((c = strcmp(a->g.name ? a->g.name : "", b->g.name ? b->g.name : "")) != 0)
			return c;
		return strcmp(a->g.id ? a->g.id : "", b->g.id ? b->g.id : "");
	default:
		return 0;
	}
}

/* A merge sort: stable (equals keep the listed order) and it needs no
 * context in a global, as qsort's comparator would. */
static void
merge_sort(int sort, const struct sb_group *groups, int *idx, int *tmp, size_t n)
{
	size_t half = n / 2, i = 0, j = half, o = 0;

	if (n < 2)
		return;
	merge_sort(sort, groups, idx, tmp, half);
	merge_sort(sort, groups, idx + half, tmp, n - half);
	while (i < half && j < n)
		tmp[o++] = sb_sort_compare(sort, &groups[idx[j]], &groups[idx[i]]) < 0 ? idx[j++]
		                                                                       : idx[i++];
	while (i < half)
		tmp[o++] = idx[i++];
	while (j < n)
		tmp[o++] = idx[j++];
	memcpy(idx, tmp, n * sizeof *idx);
}

void
sb_sort_groups(int sort, const struct sb_group *groups, int *idx, size_t n)
{
	int *tmp;

	if (sort == SB_SORT_LISTED || n < 2)
		return;
	tmp = xcalloc(n, sizeof *tmp);
	merge_sort(sort, groups, idx, tmp, n);
	free(tmp);
}

static int
container_compare(int sort, const struct sb_group *g, int a, int b)
{
	const struct fm_container *ca = &g->g.containers[a], *cb = &g->g.containers[b];
	const struct fm_usage *ua = usage_ring_last(sb_usage_of(g, ca->name));
	const struct fm_usage *ub = usage_ring_last(sb_usage_of(g, cb->name));

	switch (sort) {
	case SB_SORT_CPU:
		return bigger_first(ua ? ua->cpu_percent : -1, ub ? ub->cpu_percent : -1);
	case SB_SORT_MEM:
		return bigger_first(ua ? (double)ua->mem_used : -1, ub ? (double)ub->mem_used : -1);
	case SB_SORT_RESTARTS:
		return bigger_first(ca->restarts, cb->restarts);
	case SB_SORT_STATUS:
		return trouble(ca->state) - trouble(cb->state);
	case SB_SORT_NAME:
		return strcmp(ca->name ? ca->name : "", cb->name ? cb->name : "");
	default:
		return 0;
	}
}

void
sb_sort_containers(int sort, const struct sb_group *g, int *idx, size_t n)
{
	/* A group has a few containers: an insertion sort, stable. */
	if (sort == SB_SORT_LISTED)
		return;
	for (size_t i = 1; i < n; i++) {
		int v = idx[i];
		size_t j = i;

		for (; j > 0 && container_compare(sort, g, v, idx[j - 1]) < 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = v;
	}
}

/* --- totals --- */

size_t
sb_usage_totals(const struct sb_region *r, struct fm_usage *sum)
{
	size_t counted = 0;

	sum->cpu_percent = 0;
	sum->mem_used = sum->mem_limit = 0;
	for (size_t j = 0; j < r->n; j++) {
		const struct fm_usage *u = usage_ring_last(sb_usage_of(&r->groups[j], NULL));

		if (u == NULL)
			continue;
		counted++;
		if (u->cpu_percent > 0)
			sum->cpu_percent += u->cpu_percent;
		if (u->mem_used > 0)
			sum->mem_used += u->mem_used;
		if (u->mem_limit > 0)
			sum->mem_limit += u->mem_limit;
	}
	return counted;
}

void
sb_usage_totals_text(const struct sb_region *r, char *out, size_t size)
{
	struct fm_usage sum;
	char cpu[16], mem[32];

	if (sb_usage_totals(r, &sum) == 0) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	usage_cpu_text(sum.cpu_percent, cpu, sizeof cpu);
	usage_mem_text(&sum, mem, sizeof mem);
	snprintf(out, size, "%s Σ %s %s", r->id, cpu, mem);
}
