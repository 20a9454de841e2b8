/* test_targets.c: what fleetmux run and C-b ! pick and how they name it,
 * and --open's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/frontend.h"

static void
container(struct fm_group *g, const char *name, const char *image, enum fm_state st)
{
	struct fm_container *c;

	g->containers = xrealloc(g->containers, (g->ncontainers + 1) * sizeof *g->containers);
	c = &g->containers[g->ncontainers++];
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->image = xstrdup(image);
	c->state = st;
}

static void
group(struct fm_group *g, const char *id, const char *name, enum fm_state st)
{
	memset(g, 0, sizeof *g);
	g->id = xstrdup(id);
	g->name = xstrdup(name);
	g->state = st;
}

/* web: nginx + log shipper (running); batch: stopped; api: one running,
 * one exited container. */
static struct fm_group *
fleet(size_t *n)
{
	struct fm_group *g = xcalloc(3, sizeof *g);

	group(&g[0], "eci-1", "web", FM_STATE_RUNNING);
	container(&g[0], "nginx", "nginx:1.25", FM_STATE_RUNNING);
	container(&g[0], "shipper", "fluent-bit", FM_STATE_RUNNING);
	group(&g[1], "eci-2", "batch", FM_STATE_EXITED);
	container(&g[1], "job", "busybox", FM_STATE_EXITED);
	group(&g[2], "eci-3", "api", FM_STATE_RUNNING);
	container(&g[2], "api", "api:2", FM_STATE_RUNNING);
	container(&g[2], "migrate", "api:2", FM_STATE_EXITED);
	*n = 3;
	return g;
}

static void
test_filter_picks_containers(void **state)
{
	struct target_set s;
	size_t n;
	struct fm_group *g = fleet(&n);

	targets_init(&s);
	/* "nginx" names a container: its neighbour is not picked. */
	targets_add_matching(&s, 0, "cn-a", g, n, "nginx", 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].container, "nginx");
	assert_string_equal(s.v[0].group_id, "eci-1");
	targets_free(&s);
	/* "web" names a group: all of its running containers. */
	targets_add_matching(&s, 0, "cn-a", g, n, "web", 0);
	assert_int_equal(s.n, 2);
	targets_free(&s);
	/* No filter: every running container of every running group. */
	targets_add_matching(&s, 0, "cn-a", g, n, NULL, 0);
	assert_int_equal(s.n, 3);
	targets_free(&s);
	/* Any state (fleetmux logs NAME): the ended ones too. */
	targets_add_matching(&s, 0, "cn-a", g, n, NULL, 1);
	assert_int_equal(s.n, 5);
	targets_free(&s);
	targets_add_matching(&s, 0, "cn-a", g, n, "batch", 1);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].container, "job");
	targets_free(&s);
	fm_groups_free(g, n);
}

/* fleetmux logs TARGET...: the words a user writes, and which named none. */
static void
test_target_words(void **state)
{
	struct target_set s;
	size_t n;
	struct fm_group *g = fleet(&n);
	char *words[] = {"web/nginx", "cn-a/api/api", "nosuch", "eci-1/shipper", NULL};
	unsigned char used[4] = {0};

	targets_init(&s);
	targets_add_matching(&s, 0, "cn-a", g, n, NULL, 0);
	assert_true(targets_word_matches(&s.v[0], "web"));
	assert_true(targets_word_matches(&s.v[0], "eci-1"));
	assert_true(targets_word_matches(&s.v[0], "web/nginx"));
	assert_true(targets_word_matches(&s.v[0], "cn-a/eci-1/nginx"));
	assert_false(targets_word_matches(&s.v[0], "we"));
	assert_false(targets_word_matches(&s.v[0], "web/nginxx"));
	assert_false(targets_word_matches(&s.v[0], "cn-b/web/nginx"));
	assert_false(targets_word_matches(&s.v[0], "web/shipper"));
	/* An engine's container: ENGINE/NAME. */
	assert_true(targets_word_matches(&s.v[0], "cn-a/nginx"));
	targets_retain_words(&s, words, used);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].container, "nginx");
	assert_string_equal(s.v[1].container, "shipper");
	assert_string_equal(s.v[2].container, "api");
	assert_true(used[0] && used[1] && !used[2] && used[3]);
	targets_free(&s);
	fm_groups_free(g, n);
}

static void
test_names_collide_long(void **state)
{
	static struct provider eci = {.name = "eci"};
	struct provider *provs[] = {&eci};
	struct target_set s;
	struct fm_group g, engine;

	group(&g, "eci-1", "web", FM_STATE_RUNNING);
	container(&g, "nginx", "nginx", FM_STATE_RUNNING);
	group(&engine, "abc123", "redis", FM_STATE_RUNNING);
	container(&engine, "redis", "redis", FM_STATE_RUNNING);
	targets_init(&s);
	targets_add(&s, 0, "cn-a", &g, 0);
	targets_add(&s, 0, "cn-b", &g, 0);
	targets_add(&s, 0, "docker", &engine, 0);
	targets_add(&s, 0, "docker2", &engine, 0);
	targets_add(&s, 0, "cn-a", &g, 0);
	targets_name(&s, provs);
	assert_string_equal(s.v[0].label, "eci/cn-a/eci-1/nginx");
	assert_string_equal(s.v[1].label, "eci/cn-b/eci-1/nginx");
	/* an engine's container is a group of one: engine/container */
	assert_string_equal(s.v[2].label, "docker/redis");
	assert_string_equal(s.v[3].label, "docker2/redis");
	targets_free(&s);
	targets_add(&s, 0, "cn-a", &g, 0);
	targets_name(&s, provs);
	assert_string_equal(s.v[0].label, "web/nginx");
	targets_free(&s);
	fm_group_free(&g);
	fm_group_free(&engine);
}

static void
test_marked_in_sidebar(void **state)
{
	struct sidebar sb;
	struct target_set s;
	size_t n;
	struct fm_group *g = fleet(&n);

	sidebar_init(&sb);
	sidebar_add_provider(&sb, "eci");
	sidebar_region(&sb, 0, "cn-a", 1);
	sidebar_add_groups(&sb, 0, "cn-a", g, n);
	sb.regions[0].groups[0].marked[1] = 1;
	sb.regions[0].groups[2].marked[0] = 1;
	targets_init(&s);
	targets_add_marked(&s, &sb);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].container, "shipper");
	assert_string_equal(s.v[1].container, "api");
	assert_string_equal(s.v[1].region, "cn-a");
	targets_free(&s);
	sidebar_free(&sb);
}

static void
test_open_words(void **state)
{
	char *good[] = {"cn-a/web/nginx", "docker/redis", "prod/kube-system/dns-1/coredns", NULL};
	char *bad[] = {"cn-a/web/nginx", "cn-a//nginx", NULL};
	char *bad2[] = {"ctx/ns/pod/", NULL};
	struct open_spec *v;
	size_t n;

	assert_int_equal(open_specs_parse(good, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].region, "cn-a");
	assert_string_equal(v[0].group, "web");
	assert_string_equal(v[0].container, "nginx");
	assert_string_equal(v[1].region, "docker");
	assert_string_equal(v[1].group, "redis");
	assert_null(v[1].container);
	/* A Kubernetes pod's id is NAMESPACE/POD: the group is all between
	 * the first '/' and the last. */
	assert_string_equal(v[2].region, "prod");
	assert_string_equal(v[2].group, "kube-system/dns-1");
	assert_string_equal(v[2].container, "coredns");
	open_specs_free(v, n);
	assert_int_equal(open_specs_parse(bad, &v, &n), -FM_EINVAL);
	assert_non_null(strstr(fm_error_message(), "cn-a//nginx"));
	open_specs_free(v, n);
	assert_int_equal(open_specs_parse(bad2, &v, &n), -FM_EINVAL);
	open_specs_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filter_picks_containers),
	    cmocka_unit_test(test_names_collide_long),
	    cmocka_unit_test(test_target_words),
	    cmocka_unit_test(test_marked_in_sidebar),
	    cmocka_unit_test(test_open_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
