/* test_workspace.c: a workspace's file, written and read (workspace.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/workspace.h"

static void
test_round_trip(void **state)
{
	struct ws_pane panes[2] = {
	    {"eci", "cn-hangzhou", "eci-bp1api000000000001", "api-server", "api", WS_SHELL, 1},
	    {"k8s", "kind", "default/web-0", "web-0", "nginx", WS_PREVIOUS_LOG, 0},
	};
	struct workspace w = {"even-vertical", 1, 0, panes, 2}, back;
	char why[128], *text = workspace_encode(&w);

	/* The file says it in words a person can mend. */
	assert_non_null(strstr(text, "\"version\":\t1"));
	assert_non_null(strstr(text, "\"kind\":\t\"previous-log\""));
	assert_non_null(strstr(text, "\"marked\":\ttrue"));
	assert_int_equal(workspace_decode(text, strlen(text), &back, why, sizeof why), 0);
	assert_string_equal(back.layout, "even-vertical");
	assert_int_equal(back.zoomed, 1);
	assert_int_equal(back.focus, 0);
	assert_int_equal(back.npanes, 2);
	assert_string_equal(back.panes[1].group_id, "default/web-0");
	assert_int_equal(back.panes[1].kind, WS_PREVIOUS_LOG);
	assert_int_equal(back.panes[0].marked, 1);
	assert_int_equal(back.panes[1].marked, 0);
	workspace_free(&back);
	free(text);
}

static void
test_vector(void **state)
{
	/* As a person might write it: no zoom or focus given, no marks. */
	const char *v = "{\"version\": 1, \"layout\": \"tiled\", \"panes\": [{\"provider\": \"local\","
			" \"region\": \"local\", \"group\": \"4f2a\", \"name\": \"db\", \"container\": "
			"\"db\", \"kind\": \"log\"}]}";
	struct workspace w;
	char why[128];

	assert_int_equal(workspace_decode(v, strlen(v), &w, why, sizeof why), 0);
	assert_int_equal(w.zoomed, -1);
	assert_int_equal(w.focus, -1);
	assert_int_equal(w.panes[0].kind, WS_LOG);
	assert_string_equal(w.panes[0].provider, "local");
	workspace_free(&w);
}

/* What is wrong is named by its field; nothing half read is kept. */
static void
test_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
	    {"[]", "not a JSON object"},
	    {"{\"version\":", "not a JSON object"},
	    {"{\"version\": 2, \"layout\": \"tiled\", \"panes\": []}", "version: not 1"},
	    {"{\"version\": 1, \"panes\": []}", "layout: missing"},
	    {"{\"version\": 1, \"layout\": \"tiled\"}", "panes: missing"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"panes\": {}}", "panes: not an array"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"panes\": [7]}", "panes[0]: not an object"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"panes\": [{\"provider\": \"eci\"}]}",
	     "panes[0].region: missing"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"panes\": [{\"provider\": \"e\", \"region\": "
	     "\"r\", \"group\": \"g\", \"name\": \"n\", \"container\": 5, \"kind\": \"shell\"}]}",
	     "panes[0].container: not a string"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"panes\": [{\"provider\": \"e\", \"region\": "
	     "\"r\", \"group\": \"g\", \"name\": \"n\", \"container\": \"c\", \"kind\": \"vim\"}]}",
	     "panes[0].kind: not shell, log or previous-log"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"zoomed\": 3, \"panes\": []}",
	     "zoomed: not a whole number from -1 to -1"},
	    {"{\"version\": 1, \"layout\": \"tiled\", \"focus\": 0.5, \"panes\": [{\"provider\": "
	     "\"e\", \"region\": \"r\", \"group\": \"g\", \"name\": \"n\", \"container\": \"c\", "
	     "\"kind\": \"shell\"}]}",
	     "focus: not a whole number from -1 to 0"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct workspace w;
		char why[128];

		assert_int_equal(workspace_decode(cases[i].text, strlen(cases[i].text), &w, why,
						  sizeof why), -1);
		assert_non_null(strstr(why, cases[i].why));
		assert_null(w.panes);
		assert_int_equal(w.npanes, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_vector),
	    cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("workspace", tests, NULL, NULL);
}
