/* test_sidebar.c: the sidebar's model: a relisting keeps folds, marks and
 * the cursor's row (found again by name, though the groups' places move),
 * and drops what the answer no longer has; Space marks a group's, a
 * region's or a provider's containers, a marks what the filter shows; a
 * filter's counts per region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/sidebar.h"

/* Groups "id:name:containers" (containers split by ','), as a listing
 * hands them over (the sidebar takes the array). */
static struct fm_group *
groups_of(const char **spec, size_t n)
{
	struct fm_group *g = xcalloc(n + 1, sizeof *g);

	for (size_t i = 0; i < n; i++) {
		char *s = xstrdup(spec[i]), *id = strtok(s, ":"), *name = strtok(NULL, ":"),
		     *cs = strtok(NULL, ":"), *c;

		g[i].id = xstrdup(id);
		g[i].name = xstrdup(name);
		g[i].region = xstrdup("r");
		g[i].zone = xstrdup("");
		g[i].status = xstrdup("Running");
		g[i].ip = xstrdup("");
		g[i].state = FM_STATE_RUNNING;
		params_init(&g[i].tags);
		g[i].containers = xcalloc(8, sizeof *g[i].containers);
		for (c = strtok(cs, ","); c != NULL; c = strtok(NULL, ",")) {
			struct fm_container *k = &g[i].containers[g[i].ncontainers++];

			k->name = xstrdup(c);
			k->image = xstrdup("img");
			k->status = xstrdup("Running");
			k->state = FM_STATE_RUNNING;
		}
		free(s);
	}
	return g;
}

static void
list(struct sidebar *s, int prov, const char *region, const char **spec, size_t n)
{
	sidebar_relist_begin(s, prov, region);
	sidebar_add_groups(s, prov, region, groups_of(spec, n), n);
	sidebar_relist_end(s, prov, region, 1);
}

/* The cursor's row as "kind name". */
static const char *
cursor_name(struct sidebar *s)
{
	const struct sb_row *r = sidebar_current(s);

	if (r == NULL)
		return "";
	switch (r->kind) {
	case ROW_PROVIDER: return s->provs[r->prov].name;
	case ROW_REGION: return s->regions[r->region].id;
	case ROW_GROUP: return s->regions[r->region].groups[r->group].g.name;
	case ROW_CONTAINER:
		return s->regions[r->region].groups[r->group].g.containers[r->container].name;
	default: return "";
	}
}

static void
move_to(struct sidebar *s, const char *name)
{
	sidebar_move(s, -1000);
	for (int i = 0; i < 1000 && strcmp(cursor_name(s), name) != 0; i++)
		sidebar_move(s, 1);
	assert_string_equal(cursor_name(s), name);
}

static void
test_relisting_keeps_cursor_folds_and_marks(void **state)
{
	struct sidebar s;
	const char *first[] = {"g1:alpha:a1,a2", "g2:beta:b1", "g3:gamma:c1,c2", "g4:delta:d1"};
	/* alpha is gone; a new group comes first: every place moves. */
	const char *again[] = {"g0:zero:z1", "g2:beta:b1", "g3:gamma:c1,c2", "g4:delta:d1"};

	sidebar_init(&s);
	sidebar_add_provider(&s, "eci");
	list(&s, 0, "r", first, 4);
	move_to(&s, "gamma");
	sidebar_expand(&s);
	sidebar_rebuild(&s);
	move_to(&s, "c2");
	sidebar_toggle_mark(&s); /* marks c2, moves on to delta */
	move_to(&s, "c2");
	assert_int_equal(sidebar_count_marked(&s), 1);
	list(&s, 0, "r", again, 4);
	sidebar_rebuild(&s);
	assert_string_equal(cursor_name(&s), "c2");           /* the same row */
	assert_int_equal(sidebar_count_marked(&s), 1);        /* c2's mark */
	assert_int_equal(s.regions[0].n, 4);                  /* alpha went */
	assert_null(sidebar_find_group(&s, 0, "r", "g1", NULL));
	/* A listing that failed keeps what was there. */
	sidebar_relist_begin(&s, 0, "r");
	sidebar_relist_end(&s, 0, "r", 0);
	assert_int_equal(s.regions[0].n, 4);
	/* The row gone: its group's row, else its region's. */
	{
		const char *fewer[] = {"g0:zero:z1", "g3:gamma:c1"};

		list(&s, 0, "r", fewer, 2);
		sidebar_rebuild(&s);
		assert_string_equal(cursor_name(&s), "gamma");
	}
	sidebar_free(&s);
}

/* A group's badge: warnings and restarts shown while young, gone after
 * SB_BADGE_SECONDS, started again by news after that; kept across a
 * relisting like the marks; the region says it was listed once. */
static void
test_badge(void **state)
{
	struct sidebar s;
	struct sb_badge b = {0};
	const char *one[] = {"g1:alpha:a1", "g2:beta:b1"};
	char out[32];
	time_t t0 = 1000000;

	assert_int_equal(sidebar_badge_text(&b, t0, out, sizeof out), 0);
	assert_string_equal(out, "");
	sidebar_badge_add(&b, 0, 0, t0); /* nothing happened: no badge */
	assert_int_equal(sidebar_badge_text(&b, t0, out, sizeof out), 0);
	sidebar_badge_add(&b, 1, 0, t0);
	assert_int_equal(sidebar_badge_text(&b, t0 + 1, out, sizeof out), 1);
	assert_string_equal(out, " !1");
	sidebar_badge_add(&b, 1, 2, t0 + 5);
	sidebar_badge_text(&b, t0 + 5, out, sizeof out);
	assert_string_equal(out, " !2↻2");
	/* its age is its first news' */
	assert_int_equal(sidebar_badge_text(&b, t0 + SB_BADGE_SECONDS, out, sizeof out), 0);
	sidebar_badge_add(&b, 0, 1, t0 + SB_BADGE_SECONDS + 1);
	sidebar_badge_text(&b, t0 + SB_BADGE_SECONDS + 1, out, sizeof out);
	assert_string_equal(out, " ↻1");

	sidebar_init(&s);
	sidebar_add_provider(&s, "eci");
	sidebar_relist_begin(&s, 0, "r");
	assert_int_equal(s.regions[0].listed, 0);
	list(&s, 0, "r", one, 2);
	assert_int_equal(s.regions[0].listed, 1);
	sidebar_badge_add(&sidebar_find_group(&s, 0, "r", "g2", NULL)->badge, 1, 0, t0);
	list(&s, 0, "r", one, 2);
	assert_int_equal(sidebar_find_group(&s, 0, "r", "g2", NULL)->badge.warnings, 1);
	assert_int_equal(sidebar_find_group(&s, 0, "r", "g1", NULL)->badge.since, 0);
	sidebar_free(&s);
}

static void
test_marks_and_filter_counts(void **state)
{
	struct sidebar s;
	const char *r1[] = {"g1:web-1:nginx,shipper", "g2:web-2:nginx,shipper", "g3:db:postgres"};
	const char *r2[] = {"g4:db-2:postgres", "g5:cache:redis"};

	sidebar_init(&s);
	sidebar_add_provider(&s, "eci");
	list(&s, 0, "east", r1, 3);
	list(&s, 0, "west", r2, 2);
	/* A region's row: all its containers; again: none. */
	move_to(&s, "east");
	sidebar_toggle_mark(&s);
	assert_int_equal(sidebar_count_marked(&s), 5);
	move_to(&s, "east");
	sidebar_toggle_mark(&s);
	assert_int_equal(sidebar_count_marked(&s), 0);
	/* The provider's row: all of them. */
	move_to(&s, "eci");
	sidebar_toggle_mark(&s);
	assert_int_equal(sidebar_count_marked(&s), 7);
	sidebar_clear_marks(&s);
	/* Under a filter: what passes it only, and the regions count it. */
	sidebar_set_filter(&s, "db");
	sidebar_rebuild(&s);
	assert_int_equal(s.regions[0].shown, 1);
	assert_int_equal(s.regions[1].shown, 1);
	move_to(&s, "east");
	sidebar_toggle_mark(&s);
	assert_int_equal(sidebar_count_marked(&s), 1);
	sidebar_clear_marks(&s);
	assert_int_equal(sidebar_mark_shown(&s), 2);
	assert_int_equal(sidebar_count_marked(&s), 2);
	assert_int_equal(sidebar_mark_shown(&s), 0); /* all were: none */
	assert_int_equal(sidebar_count_marked(&s), 0);
	sidebar_set_filter(&s, "");
	assert_int_equal(sidebar_mark_shown(&s), 7);
	sidebar_free(&s);
}

/* A group row's mark counts its containers' restarts when it has no
 * events (a pod: restartCount is all it says), the more of those and the
 * badge's; its id column is a pod's namespace, not namespace/name. */
static void
test_group_row_columns(void **state)
{
	struct sb_group g;
	struct fm_container c[2];
	char out[32];
	time_t t0 = 1000000;

	memset(&g, 0, sizeof g);
	c[0] = (struct fm_container){.name = "worker", .restarts = 5};
	c[1] = (struct fm_container){.name = "side", .restarts = 0};
	g.g.containers = c;
	g.g.ncontainers = 2;
	assert_int_equal(sidebar_mark_text(&g, t0, out, sizeof out), 1);
	assert_string_equal(out, " ↻5");
	sidebar_badge_add(&g.badge, 6, 5, t0);
	sidebar_mark_text(&g, t0 + 1, out, sizeof out);
	assert_string_equal(out, " !6↻5"); /* as ECI's, not ↻10 */
	sidebar_badge_add(&g.badge, 0, 2, t0 + 2);
	sidebar_mark_text(&g, t0 + 2, out, sizeof out);
	assert_string_equal(out, " !6↻7");
	sidebar_mark_text(&g, t0 + SB_BADGE_SECONDS, out, sizeof out);
	assert_string_equal(out, " ↻5");
	/* with events (ECI), restarts are news: the badge's only */
	g.g.nevents = 1;
	assert_int_equal(sidebar_mark_text(&g, t0 + SB_BADGE_SECONDS, out, sizeof out), 0);
	sidebar_mark_text(&g, t0 + 2, out, sizeof out);
	assert_string_equal(out, " !6↻7");
	g.g.nevents = 0;
	c[0].restarts = 0;
	assert_int_equal(sidebar_mark_text(&g, t0 + SB_BADGE_SECONDS, out, sizeof out), 0);
	assert_string_equal(out, "");

	g.g.id = "default/queue-worker";
	g.g.name = "queue-worker";
	g.g.zone = "default";
	assert_string_equal(sidebar_id_column(&g.g), "default");
	g.g.id = "eci-2ze8f0";
	g.g.zone = "cn-hangzhou-b";
	assert_string_equal(sidebar_id_column(&g.g), "eci-2ze8f0");
	g.g.id = NULL;
	assert_string_equal(sidebar_id_column(&g.g), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relisting_keeps_cursor_folds_and_marks),
	    cmocka_unit_test(test_marks_and_filter_counts),
	    cmocka_unit_test(test_badge),
	    cmocka_unit_test(test_group_row_columns),
	};

	return cmocka_run_group_tests_name("sidebar", tests, NULL, NULL);
}
