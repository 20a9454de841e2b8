/* test_config.c: the config file and theme files: good ones load, and each
 * bad line is reported with its number and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/config.h"
#include "fleetmux/theme.h"

static void
test_providers_and_bindings(void **state)
{
	const char *text = "# a comment\n"
			   "[fleetmux]\nlayout = tiled\n\n"
			   "[provider \"prod\"]\ntype = eci\nprofile = prod\nsign = v1\n"
			   "[provider \"local\"]\ntype = docker\nhost = unix:///var/run/docker.sock\n"
			   "[provider \"legacy\"]\ntype = hyper\nregion = eu-central-1\n"
			   "[keys]\nv = zoom\n[sidebar-keys]\nJ = sidebar-down\n";
	struct config c;

	assert_int_equal(config_parse(&c, text, "cfg"), 0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nprovs, 3);
	assert_string_equal(c.provs[0].name, "prod");
	assert_string_equal(c.provs[0].type, "eci");
	assert_string_equal(params_get(&c.provs[0].kv, "sign"), "v1");
	assert_string_equal(c.provs[1].type, "docker");
	assert_string_equal(params_get(&c.provs[2].kv, "region"), "eu-central-1");
	assert_int_equal(c.nbindings, 2);
	assert_string_equal(c.bindings[0].key, "v");
	assert_int_equal(c.bindings[0].line, 16);
	assert_int_equal(c.bindings[1].sidebar, 1);
	assert_int_equal(config_general_line(&c, "layout"), 3);
	config_free(&c);
}

static void
test_bad_lines_by_number(void **state)
{
	const char *text = "[provider \"a\"]\n"         /* 1 */
			   "type = kubernetes\n"        /* 2 */
			   "host = x\n"                 /* 3 */
			   "[provider \"b\"]\n"         /* 4 */
			   "type = docker\n"            /* 5 */
			   "tls-verify = yes\n"         /* 6 */
			   "profile = p\n"              /* 7: not a docker key */
			   "[fleetmux]\n"               /* 8 */
			   "colour = red\n"             /* 9 */
			   "[nonsense]\n"               /* 10 */
			   "k = v\n"                    /* 11 */
			   "this line has no equals\n"; /* 12 */
	struct config c;

	config_parse(&c, text, "cfg");
	assert_non_null(strstr(c.errors.data, "cfg:2: type 'kubernetes' is not eci, docker or hyper"));
	assert_non_null(strstr(c.errors.data, "cfg:2: provider \"a\" has no type"));
	assert_non_null(strstr(c.errors.data, "cfg:6: tls-verify must be true or false, not 'yes'"));
	assert_non_null(strstr(c.errors.data, "cfg:5: provider \"b\": 'profile' is not a key of this type"));
	assert_non_null(strstr(c.errors.data, "cfg:9: unknown key 'colour' in [fleetmux]"));
	assert_non_null(strstr(c.errors.data, "cfg:11: unknown section [nonsense]"));
	assert_non_null(strstr(c.errors.data, "cfg:12: cannot parse this line"));
	config_free(&c);
}

static void
test_shipped_themes_load(void **state)
{
	DIR *d = opendir("themes");
	struct dirent *e;
	int seen = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char name[256];
		size_t n = strlen(e->d_name);
		struct theme t;
		struct buf err;

		if (n < 7 || strcmp(e->d_name + n - 6, ".theme") != 0)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(n - 6), e->d_name);
		buf_init(&err);
		assert_int_equal(theme_load(&t, name, &err), 0);
		if (err.len > 0)
			fail_msg("%s: %s", name, err.data);
		buf_free(&err);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 4);
}

static void
test_theme_fallback_and_errors(void **state)
{
	struct theme t, def;
	struct buf err;

	theme_default(&def);
	theme_default(&t);
	buf_init(&err);
	assert_int_equal(theme_parse(&t, "[colors]\nborder.focus = bright-yellow\n", "t", &err), 0);
	assert_int_equal(t.border_focus, 11);
	assert_int_equal(t.badge_live, def.badge_live); /* a missing key keeps the default */
	assert_int_equal(theme_parse(&t, "[colors]\nbadge.live = chartreuse\nnope = 1\n", "t", &err), 2);
	assert_non_null(strstr(err.data, "t:2: 'chartreuse' is not a colour"));
	assert_non_null(strstr(err.data, "t:3: unknown key 'nope'"));
	assert_true(theme_load(&t, "no-such-theme", &err) < 0);
	assert_non_null(strstr(fm_error_message(), "no-such-theme"));
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_providers_and_bindings),
	    cmocka_unit_test(test_bad_lines_by_number),
	    cmocka_unit_test(test_shipped_themes_load),
	    cmocka_unit_test(test_theme_fallback_and_errors),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
