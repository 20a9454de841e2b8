/* test_sidebar_usage.c: the sidebar's CPU and memory: the ring keeps the
 * newest samples (one time once), the sparkline and the compact figures,
 * the columns fitted to the room (the sparkline goes first, then memory),
 * the sort orders (the busiest first, listed order among equals, groups
 * without samples last), a region's totals, and the samples kept across a
 * relisting, found again by group id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/fit.h"
#include "fleetmux/sidebar_usage.h"

static struct fm_usage
u_of(double cpu, int64_t used, int64_t limit)
{
	return (struct fm_usage){cpu, used, limit};
}

static void
test_ring_keeps_newest_and_one_time_once(void **state)
{
	struct usage_ring r;
	struct fm_usage u;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_null(usage_ring_last(&r));
	for (int i = 0; i < USAGE_RING + 5; i++) {
		u = u_of(i, i, 100);
		usage_ring_push(&r, (int64_t)i * 1000, &u);
	}
	assert_int_equal(r.n, USAGE_RING);
	assert_true(usage_ring_last(&r)->cpu_percent == USAGE_RING + 4);
	/* The same time again (ECI's record asked twice) replaces it. */
	u = u_of(7, 7, 7);
	usage_ring_push(&r, (int64_t)(USAGE_RING + 4) * 1000, &u);
	assert_int_equal(r.n, USAGE_RING);
	assert_true(usage_ring_last(&r)->cpu_percent == 7);
}

static void
test_sparkline(void **state)
{
	struct usage_ring r;
	struct fm_usage u;
	char out[64];
	static const double cpu[] = {0, 50, 100, 25, 100, 0, 100};

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(usage_sparkline(&r, 6, out, sizeof out), 0);
	assert_string_equal(out, "");
	for (size_t i = 0; i < 3; i++) {
		u = u_of(cpu[i], 1, 1);
		usage_ring_push(&r, (int64_t)i, &u);
	}
	/* Fewer than the width: as many as there are; scaled to one core. */
	assert_int_equal(usage_sparkline(&r, 6, out, sizeof out), 3);
	assert_string_equal(out, "▁▅█");
	for (size_t i = 3; i < 7; i++) {
		u = u_of(cpu[i], 1, 1);
		usage_ring_push(&r, (int64_t)i, &u);
	}
	/* The newest six, oldest left. */
	assert_int_equal(usage_sparkline(&r, 6, out, sizeof out), 6);
	assert_string_equal(out, "▅█▃█▁█");
	/* Several cores: scaled to the highest. */
	u = u_of(400, 1, 1);
	usage_ring_push(&r, 10, &u);
	usage_sparkline(&r, 2, out, sizeof out);
	assert_string_equal(out, "▃█");
	/* Too small a buffer: what fits, whole characters only. */
	assert_int_equal(usage_sparkline(&r, 6, out, 8), 2);
	assert_int_equal(fit_columns(out), 2);
}

static void
test_figures(void **state)
{
	char out[32];
	struct fm_usage u;

	(void)state;
	usage_cpu_text(87.4, out, sizeof out);
	assert_string_equal(out, "87%");
	usage_cpu_text(250, out, sizeof out);
	assert_string_equal(out, "250%");
	usage_cpu_text(-1, out, sizeof out);
	assert_string_equal(out, "-");
	usage_bytes_text(512, out, sizeof out);
	assert_string_equal(out, "512B");
	usage_bytes_text(120 * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "120M");
	usage_bytes_text(1024LL * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "1G");
	usage_bytes_text(1536LL * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "1.5G");
	usage_bytes_text(1000 * 1024, out, sizeof out); /* 1000K is 1M's column count */
	assert_string_equal(out, "1.0M");
	usage_bytes_text(999LL * 1024 * 1024 * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "999T");
	u = u_of(87, 120 * 1024 * 1024, 1024LL * 1024 * 1024);
	usage_mem_text(&u, out, sizeof out);
	assert_string_equal(out, "120M/1G");
	u.mem_limit = -1;
	usage_mem_text(&u, out, sizeof out);
	assert_string_equal(out, "120M");
	u.mem_used = -1;
	usage_mem_text(&u, out, sizeof out);
	assert_string_equal(out, "-");
}

static void
test_columns_fit_the_room(void **state)
{
	struct usage_ring r;
	struct fm_usage u = u_of(87, 120 * 1024 * 1024, 1024LL * 1024 * 1024);
	char out[128];
	int full = usage_parts_width(USAGE_CPU | USAGE_SPARK | USAGE_MEM);

	(void)state;
	memset(&r, 0, sizeof r);
	usage_ring_push(&r, 1, &u);
	assert_int_equal(usage_fit(100), USAGE_CPU | USAGE_SPARK | USAGE_MEM);
	assert_int_equal(usage_fit(full), USAGE_CPU | USAGE_SPARK | USAGE_MEM);
	/* The sparkline goes first, then memory, then everything. */
	assert_int_equal(usage_fit(full - 1), USAGE_CPU | USAGE_MEM);
	assert_int_equal(usage_fit(usage_parts_width(USAGE_CPU | USAGE_MEM) - 1), USAGE_CPU);
	assert_int_equal(usage_fit(usage_parts_width(USAGE_CPU) - 1), 0);
	assert_int_equal(usage_fit(-5), 0);
	/* The text takes exactly the parts' width, so rows line up. */
	for (int parts = 1; parts <= 7; parts++) {
		usage_format(&r, parts, out, sizeof out);
		assert_int_equal(fit_columns(out), usage_parts_width(parts));
	}
	usage_format(&r, USAGE_CPU | USAGE_SPARK | USAGE_MEM, out, sizeof out);
	assert_string_equal(out, "  87%      ▇   120M/1G");
	usage_format(&r, USAGE_CPU | USAGE_MEM, out, sizeof out);
	assert_string_equal(out, "  87%   120M/1G");
	/* No sample: nothing. */
	memset(&r, 0, sizeof r);
	usage_format(&r, USAGE_CPU, out, sizeof out);
	assert_string_equal(out, "");
}

/* A group called name in state st, with one container and its restarts,
 * and a sample when cpu >= 0. */
static void
group_at(struct sb_group *g, const char *name, enum fm_state st, int restarts, double cpu,
         int64_t mem)
{
	struct fm_metric m;

	memset(g, 0, sizeof *g);
	g->g.id = xstrdup(name);
	g->g.name = xstrdup(name);
	g->g.status = xstrdup("x");
	g->g.state = st;
	g->g.containers = xcalloc(1, sizeof *g->g.containers);
	g->g.containers[0].name = xstrdup("c");
	g->g.containers[0].restarts = restarts;
	g->g.ncontainers = 1;
	if (cpu >= 0) {
		memset(&m, 0, sizeof m);
		m.group_id = g->g.id;
		m.time_ns = 1;
		m.u = u_of(cpu, mem, 1000);
		sb_usage_add(&g->usage, &m, NULL);
	}
}

static void
groups_free(struct sb_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fm_group_free(&g[i].g);
		sb_usage_free(g[i].usage);
	}
}

static void
order_is(int sort, struct sb_group *g, size_t n, const char *want)
{
	int idx[16];
	char got[64] = "";

	for (size_t i = 0; i < n; i++)
		idx[i] = (int)i;
	sb_sort_groups(sort, g, idx, n);
	for (size_t i = 0; i < n; i++) {
		strcat(got, g[idx[i]].g.name);
		if (i + 1 < n)
			strcat(got, " ");
	}
	assert_string_equal(got, want);
}

static void
test_sort_orders(void **state)
{
	struct sb_group g[6];

	(void)state;
	group_at(&g[0], "delta", FM_STATE_RUNNING, 0, 5, 300);
	group_at(&g[1], "alpha", FM_STATE_RUNNING, 3, 95, 100);
	group_at(&g[2], "echo", FM_STATE_FAILED, 9, -1, 0);
	group_at(&g[3], "bravo", FM_STATE_RUNNING, 0, 5, 200);
	group_at(&g[4], "charlie", FM_STATE_PENDING, 1, -1, 0);
	/* A sample of a group that stopped since counts as none. */
	group_at(&g[5], "foxtrot", FM_STATE_EXITED, 0, 99, 999);
	order_is(SB_SORT_LISTED, g, 6, "delta alpha echo bravo charlie foxtrot");
	/* The busiest first; equals (delta, bravo) as listed; no sample last. */
	order_is(SB_SORT_CPU, g, 6, "alpha delta bravo echo charlie foxtrot");
	order_is(SB_SORT_MEM, g, 6, "delta bravo alpha echo charlie foxtrot");
	order_is(SB_SORT_RESTARTS, g, 6, "echo alpha charlie delta bravo foxtrot");
	order_is(SB_SORT_STATUS, g, 6, "echo foxtrot charlie delta alpha bravo");
	order_is(SB_SORT_NAME, g, 6, "alpha bravo charlie delta echo foxtrot");
	assert_string_equal(sb_sort_name(SB_SORT_CPU), "cpu");
	assert_string_equal(sb_sort_name(99), "listed");
	/* Nothing to sort: no work, no crash. */
	sb_sort_groups(SB_SORT_CPU, g, NULL, 0);
	groups_free(g, 6);
}

static void
test_totals_and_containers(void **state)
{
	struct sb_group g[3];
	struct sb_region r;
	struct fm_usage sum;
	struct fm_metric m;
	struct fm_container_usage cu[1];
	char out[96];

	(void)state;
	group_at(&g[0], "a", FM_STATE_RUNNING, 0, 150, 300);
	group_at(&g[1], "b", FM_STATE_RUNNING, 0, 50, 200);
	group_at(&g[2], "c", FM_STATE_EXITED, 0, 99, 999);
	memset(&r, 0, sizeof r);
	r.id = "r1";
	r.groups = g;
	r.n = 3;
	assert_int_equal(sb_usage_totals(&r, &sum), 2);
	assert_true(sum.cpu_percent == 200);
	assert_int_equal(sum.mem_used, 500);
	assert_int_equal(sum.mem_limit, 2000);
	sb_usage_totals_text(&r, out, sizeof out);
	assert_string_equal(out, "r1 Σ 200% 500B/2.0K");
	r.n = 0;
	sb_usage_totals_text(&r, out, sizeof out);
	assert_string_equal(out, "");

	/* A group of one container without its own sample shows the group's;
	 * with its own, its own. */
	assert_ptr_equal(sb_usage_of(&g[0], "c"), &g[0].usage->group);
	memset(&m, 0, sizeof m);
	m.group_id = "a";
	m.time_ns = 2;
	m.u = u_of(150, 300, 1000);
	cu[0] = (struct fm_container_usage){"c", u_of(42, 10, 100)};
	m.containers = cu;
	m.ncontainers = 1;
	sb_usage_add(&g[0].usage, &m, NULL);
	assert_true(usage_ring_last(sb_usage_of(&g[0], "c"))->cpu_percent == 42);
	assert_ptr_equal(sb_usage_of(&g[0], "other"), &g[0].usage->group);
	assert_null(sb_usage_of(&g[2], NULL)); /* not running */
	groups_free(g, 3);
}

/* An unfolded group's containers follow the same order, by their own
 * figures. */
static void
test_container_order(void **state)
{
	struct sb_group g;
	struct fm_metric m;
	struct fm_container_usage cu[3];
	int idx[3] = {0, 1, 2};

	(void)state;
	memset(&g, 0, sizeof g);
	g.g.state = FM_STATE_RUNNING;
	g.g.containers = xcalloc(3, sizeof *g.g.containers);
	g.g.ncontainers = 3;
	g.g.containers[0] =
	    (struct fm_container){.name = xstrdup("web"), .restarts = 0, .state = FM_STATE_RUNNING};
	g.g.containers[1] = (struct fm_container){
	    .name = xstrdup("cache"), .restarts = 4, .state = FM_STATE_FAILED};
	g.g.containers[2] = (struct fm_container){
	    .name = xstrdup("sidecar"), .restarts = 1, .state = FM_STATE_RUNNING};
	memset(&m, 0, sizeof m);
	m.group_id = "g";
	m.time_ns = 1;
	cu[0] = (struct fm_container_usage){"web", u_of(20, 500, 1000)};
	cu[1] = (struct fm_container_usage){"cache", u_of(-1, -1, -1)};
	cu[2] = (struct fm_container_usage){"sidecar", u_of(70, 100, 1000)};
	m.containers = cu;
	m.ncontainers = 3;
	sb_usage_add(&g.usage, &m, NULL);
	sb_sort_containers(SB_SORT_CPU, &g, idx, 3);
	assert_int_equal(idx[0], 2); /* sidecar, web, then cache (unknown) */
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], 1);
	sb_sort_containers(SB_SORT_MEM, &g, idx, 3);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 2);
	sb_sort_containers(SB_SORT_RESTARTS, &g, idx, 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	sb_sort_containers(SB_SORT_NAME, &g, idx, 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 0);
	sb_sort_containers(SB_SORT_STATUS, &g, idx, 3);
	assert_int_equal(idx[0], 1); /* the failed one first; the rest as they were */
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 0);
	fm_group_free(&g.g);
	sb_usage_free(g.usage);
}

/* A relisting hands a group's samples to the group listed again (by id);
 * a group that goes takes them along; the sort holds. */
static void
test_relisting_keeps_samples(void **state)
{
	struct sidebar s;
	struct fm_group *g;
	struct sb_region *r;
	struct fm_metric m;

	(void)state;
	sidebar_init(&s);
	sidebar_add_provider(&s, "p");
	for (int round = 0; round < 2; round++) {
		g = xcalloc(3, sizeof *g);
		for (int i = 0; i < (round == 0 ? 3 : 2); i++) {
			char id[8];

			snprintf(id, sizeof id, "g%d", i);
			g[i].id = xstrdup(id);
			g[i].name = xstrdup(id);
			g[i].status = xstrdup("Running");
			g[i].state = FM_STATE_RUNNING;
			g[i].containers = xcalloc(1, sizeof *g[i].containers);
			g[i].containers[0].name = xstrdup("c");
			g[i].ncontainers = 1;
		}
		sidebar_relist_begin(&s, 0, "r");
		sidebar_add_groups(&s, 0, "r", g, round == 0 ? 3 : 2);
		sidebar_relist_end(&s, 0, "r", 1);
		r = sidebar_region(&s, 0, "r", 0);
		if (round == 0) {
			for (size_t j = 0; j < r->n; j++) {
				memset(&m, 0, sizeof m);
				m.group_id = r->groups[j].g.id;
				m.time_ns = 1;
				m.u = u_of(10.0 * (double)j, 1, 2);
				sb_usage_add(&r->groups[j].usage, &m, NULL);
			}
			sidebar_set_sort(&s, SB_SORT_CPU);
			sidebar_rebuild(&s);
			/* provider, region, then g2 g1 g0 */
			assert_string_equal(s.regions[0].groups[s.rows[2].group].g.id, "g2");
			assert_string_equal(s.regions[0].groups[s.rows[4].group].g.id, "g0");
		}
	}
	sidebar_rebuild(&s);
	r = sidebar_region(&s, 0, "r", 0);
	assert_int_equal(r->n, 2);
	assert_true(usage_ring_last(sb_usage_of(&r->groups[1], NULL))->cpu_percent == 10);
	assert_int_equal(s.sort, SB_SORT_CPU);
	assert_string_equal(r->groups[s.rows[2].group].g.id, "g1");
	assert_string_equal(r->groups[s.rows[3].group].g.id, "g0");
	sidebar_free(&s);
}

/* Kubernetes' metrics say what is used, not the limits: the pod's
 * memory limit is its app containers' limits added up (none when one has
 * none), a container's its own; a sample's own limit (ECI) wins. */
static void
test_limit_from_the_spec(void **state)
{
	struct sb_group g;
	struct fm_metric m;
	struct fm_container_usage cu[2];
	struct fm_container c[3];
	char out[64];

	memset(&g, 0, sizeof g);
	c[0] = (struct fm_container){.name = "app", .kind = FM_CONTAINER_APP, .memory_gib = 4};
	c[1] = (struct fm_container){.name = "log", .kind = FM_CONTAINER_APP, .memory_gib = 0.5};
	c[2] = (struct fm_container){.name = "init", .kind = FM_CONTAINER_INIT};
	g.g.containers = c;
	g.g.ncontainers = 3;
	g.g.state = FM_STATE_RUNNING;
	memset(&m, 0, sizeof m);
	m.group_id = "ns/p";
	m.time_ns = 1;
	m.u = u_of(0, 7130316, -1);
	cu[0] = (struct fm_container_usage){"app", u_of(0, 7130316, -1)};
	cu[1] = (struct fm_container_usage){"log", u_of(0, 0, -1)};
	m.containers = cu;
	m.ncontainers = 2;
	sb_usage_add(&g.usage, &m, &g.g);
	usage_mem_text(usage_ring_last(sb_usage_of(&g, NULL)), out, sizeof out);
	assert_string_equal(out, "6.8M/4.5G");
	usage_mem_text(usage_ring_last(sb_usage_of(&g, "log")), out, sizeof out);
	assert_string_equal(out, "0B/512M");
	/* one container without a limit: the pod has none */
	c[1].memory_gib = 0;
	m.time_ns = 2;
	sb_usage_add(&g.usage, &m, &g.g);
	usage_mem_text(usage_ring_last(sb_usage_of(&g, NULL)), out, sizeof out);
	assert_string_equal(out, "6.8M");
	usage_mem_text(usage_ring_last(sb_usage_of(&g, "app")), out, sizeof out);
	assert_string_equal(out, "6.8M/4G");
	/* the sample's own limit is kept */
	m.time_ns = 3;
	m.u = u_of(0, 1024, 2048);
	sb_usage_add(&g.usage, &m, &g.g);
	usage_mem_text(usage_ring_last(sb_usage_of(&g, NULL)), out, sizeof out);
	assert_string_equal(out, "1K/2K");
	sb_usage_free(g.usage);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring_keeps_newest_and_one_time_once),
	    cmocka_unit_test(test_sparkline),
	    cmocka_unit_test(test_figures),
	    cmocka_unit_test(test_columns_fit_the_room),
	    cmocka_unit_test(test_sort_orders),
	    cmocka_unit_test(test_totals_and_containers),
	    cmocka_unit_test(test_container_order),
	    cmocka_unit_test(test_relisting_keeps_samples),
	    cmocka_unit_test(test_limit_from_the_spec),
	};

	setlocale(LC_ALL, "C.UTF-8"); /* columns of "▇" as a terminal counts them */
	return cmocka_run_group_tests_name("sidebar_usage", tests, NULL, NULL);
}
