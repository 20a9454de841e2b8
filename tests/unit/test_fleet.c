/* test_fleet.c: fleet files, good and bad. Bad ones must name the file, the
 * place in it and the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/fleet.h"

static void
test_demo_fleet(void **state)
{
	struct fleet f;
	size_t running = 0, pending = 0, failed = 0, two = 0, utf8 = 0;

	assert_int_equal(fleet_load(&f, "tests/fixtures/demo-fleet.json"), 0);
	assert_true(f.nregions >= 3);
	for (size_t i = 0; i < f.ngroups; i++) {
		const struct fleet_group *g = &f.groups[i];

		running += strcmp(g->status, "Running") == 0;
		pending += strcmp(g->status, "Pending") == 0;
		failed += strcmp(g->status, "Failed") == 0;
		two += g->ncontainers == 2;
		for (const char *p = g->name; *p; p++)
			if ((unsigned char)*p >= 0x80)
				utf8 = 1;
	}
	assert_true(f.ngroups >= 12);
	assert_true(running > 0 && pending > 0 && failed > 0);
	assert_true(two > 0);
	assert_true(utf8);
	assert_non_null(fleet_group(&f, "cn-hangzhou", "eci-bp1web000000000001"));
	/* the demo's web server says what it listens on */
	assert_int_equal(fleet_group(&f, "cn-hangzhou", "eci-bp1web000000000001")->containers[0].nports, 2);
	assert_int_equal(fleet_group(&f, "cn-hangzhou", "eci-bp1web000000000001")->containers[0].ports[0], 80);
	assert_null(fleet_group(&f, "cn-shanghai", "eci-bp1web000000000001"));
	fleet_free(&f);
}

static void
expect_error(const char *json, const char *needle)
{
	struct fleet f;

	assert_true(fleet_parse(&f, json, strlen(json), "bad.json") < 0);
	if (strstr(fm_error_message(), needle) == NULL)
		fail_msg("error '%s' lacks '%s'", fm_error_message(), needle);
	assert_non_null(strstr(fm_error_message(), "bad.json"));
}

static void
test_bad_files(void **state)
{
	expect_error("{\"regions\": [", "line 1: not valid JSON");
	expect_error("{\n\"regions\":\n[}\n", "line 3");
	expect_error("{}", "regions: must be a non-empty array");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"status\":\"Sleeping\",\"containers\":[{\"name\":\"c\"}]}]}]}",
		     "regions[0].groups[0].status: is not an ECI status");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[]}]}]}",
		     "regions[0].groups[0].containers: must be a non-empty array");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\",\"command\":\"ls\"}]}]}]}",
		     "regions[0].groups[0].containers[0].command: must be a non-empty array");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\"}]}]}]}",
		     "regions[0].groups[0].id: is required");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\"}]},{\"id\":\"g\",\"name\":\"m\","
		     "\"containers\":[{\"name\":\"c\"}]}]}]}",
		     "regions[0].groups[1].id: is used by another group");
	expect_error("{\"regions\":[{\"id\":\"r\",\"generate\":{\"count\":-1}}]}",
		     "regions[0].generate.count");
	expect_error("{\"regions\":[{\"id\":\"r\"},{\"id\":\"r\"}]}", "lists one region twice");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"restart_policy\":\"Sometimes\",\"containers\":[{\"name\":\"c\"}]}]}]}",
		     "regions[0].groups[0].restart_policy: must be Always, OnFailure or Never");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"restart_backoff\":0,\"containers\":[{\"name\":\"c\"}]}]}]}",
		     "regions[0].groups[0].restart_backoff: must be 1 to 300 seconds");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\",\"memory\":1e300}]}]}]}",
		     "regions[0].groups[0].containers[0]: cpu must be 0 to 1024 cores and memory");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\",\"previous_log\":[1]}]}]}]}",
		     "regions[0].groups[0].containers[0].previous_log: must be an array of strings");
	expect_error("{\"regions\":[{\"id\":\"r\",\"groups\":[{\"id\":\"g\",\"name\":\"n\","
		     "\"containers\":[{\"name\":\"c\",\"ports\":[80,0]}]}]}]}",
		     "regions[0].groups[0].containers[0].ports: must hold port numbers, 1 to 65535");
}

/* Events the file's states imply, and a restarted container's previous
 * instance. */
static void
test_events_and_previous(void **state)
{
	struct fleet f;
	const struct fleet_group *g;
	const struct fleet_container *c;

	assert_int_equal(fleet_load(&f, "tests/fixtures/demo-fleet.json"), 0);
	g = fleet_group(&f, "cn-hangzhou", "eci-bp1job000000000001");
	assert_non_null(g);
	assert_int_equal(g->nevents, 4);
	assert_string_equal(g->events[3].type, "Warning");
	assert_string_equal(g->events[3].reason, "OOMKilling");
	assert_int_equal(g->events[3].count, 1);
	g = fleet_group(&f, "cn-hangzhou", "eci-bp1api000000000001");
	assert_string_equal(g->events[2].message, "Started container api");
	assert_string_equal(g->restart_policy, "Always");
	/* Containers fleetsim starts get their events when they start. */
	g = fleet_group(&f, "cn-hangzhou", "eci-bp1web000000000001");
	assert_int_equal(g->nevents, 0);
	c = fleet_container((struct fleet_group *)g, "log-shipper");
	assert_true(c->has_prev);
	assert_int_equal(c->prev.exit_code, 1);
	assert_true(c->prev_log.count > 0);
	fleet_free(&f);
}

static void
test_missing_file(void **state)
{
	struct fleet f;

	assert_true(fleet_load(&f, "/nonexistent/fleet.json") < 0);
	assert_non_null(strstr(fm_error_message(), "/nonexistent/fleet.json"));
	assert_non_null(strstr(fm_error_message(), "No such file"));
}

static void
test_generate_and_log(void **state)
{
	const char *json = "{\"regions\":[{\"id\":\"us-west-1\",\"zones\":[\"a\",\"b\"],"
			   "\"generate\":{\"count\":47,\"name_prefix\":\"batch\"}}]}";
	struct fleet f;
	struct fleet_container *c;

	assert_int_equal(fleet_parse(&f, json, strlen(json), "gen.json"), 0);
	assert_int_equal(f.ngroups, 47);
	assert_string_equal(f.groups[46].name, "batch-00047");
	assert_string_equal(f.groups[1].zone, "b");
	c = &f.groups[0].containers[0];
	fleet_log_append(&c->log, 100, "one\ntw", 6);
	fleet_log_append(&c->log, 101, "o\nthree\n", 8);
	assert_int_equal(c->log.count, 3);
	assert_string_equal(fleet_log_at(&c->log, 1)->text, "two");
	assert_int_equal(fleet_log_at(&c->log, 1)->time_ns, 101);
	for (int i = 0; i < 6000; i++)
		fleet_log_append(&c->log, 102, "x\n", 2);
	assert_int_equal(c->log.count, 5000); /* bounded */
	fleet_log_append(&c->log, 103, "no newline", 10);
	assert_int_equal(c->log.count, 5000);
	fleet_log_flush(&c->log, 104);
	assert_string_equal(fleet_log_at(&c->log, 4999)->text, "no newline");
	assert_int_equal(fleet_log_at(&c->log, 4999)->time_ns, 104);
	fleet_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_fleet),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_generate_and_log),
	    cmocka_unit_test(test_events_and_previous),
	};

	return cmocka_run_group_tests_name("fleet", tests, NULL, NULL);
}
