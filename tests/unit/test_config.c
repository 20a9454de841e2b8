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
#include "fleetmux/datadir.h"
#include "fleetmux/registry.h"
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

/* The README's own examples end lines with "   # why": not part of values. */
static void
test_trailing_comments(void **state)
{
	const char *text = "[provider \"prod\"]\ntype = eci\n"
			   "profile = prod                  # a profile of ~/.aliyun/config.json\n"
			   "sign = v3\t# or v1\n"
			   "endpoint = http://h/#frag\n"
			   "command = echo a#b\n";
	struct config c;

	assert_int_equal(config_parse(&c, text, "cfg"), 0);
	assert_int_equal(c.nerrors, 0);
	assert_string_equal(params_get(&c.provs[0].kv, "profile"), "prod");
	assert_string_equal(params_get(&c.provs[0].kv, "sign"), "v3");
	/* A '#' not after a space stays. */
	assert_string_equal(params_get(&c.provs[0].kv, "endpoint"), "http://h/#frag");
	assert_string_equal(params_get(&c.provs[0].kv, "command"), "echo a#b");
	config_free(&c);
}

static void
test_bad_lines_by_number(void **state)
{
	const char *text = "[provider \"a\"]\n"         /* 1 */
			   "type = nomad\n"             /* 2 */
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
	registry_check_config(&c);
	assert_non_null(strstr(c.errors.data, "cfg:2: type 'nomad' is not eci, docker, hyper or kubernetes"));
	assert_non_null(strstr(c.errors.data, "cfg:6: tls-verify must be true or false, not 'yes'"));
	assert_non_null(strstr(c.errors.data, "cfg:7: provider \"b\": 'profile' is not a key of this type"));
	assert_non_null(strstr(c.errors.data, "cfg:9: unknown key 'colour' in [fleetmux]"));
	/* At the section's line, once: not again at each of its keys. */
	assert_non_null(strstr(c.errors.data, "cfg:10: unknown section [nonsense]"));
	assert_null(strstr(c.errors.data, "cfg:11:"));
	assert_non_null(strstr(c.errors.data, "cfg:12: cannot parse this line"));
	config_free(&c);
}

static void
test_shipped_themes_load(void **state)
{
	DIR *d = opendir("themes");
	struct dirent *e;
	int seen = 0;

	/* This program is build/tests/test_config: no themes beside it. */
	setenv("FLEETMUX_THEMES", "themes", 1);
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
	unsetenv("FLEETMUX_THEMES");
	assert_true(seen >= 4);
}

/* Data is found beside the program, never through a path fixed when it
 * was built (make install PREFIX=... after a plain make) or the current
 * directory (build/fleetsim started elsewhere). */
static void
test_datadir(void **state)
{
	char *c[2], *p;
	struct buf tried;

	p = datadir_prefix_of("/opt/fm/bin/fleetmux");
	assert_string_equal(p, "/opt/fm");
	datadir_candidates(p, "themes/light.theme", "themes/light.theme", c);
	assert_string_equal(c[0], "/opt/fm/share/fleetmux/themes/light.theme");
	assert_string_equal(c[1], "/opt/fm/themes/light.theme");
	free(c[0]);
	free(c[1]);
	free(p);
	p = datadir_prefix_of("/bin/fleetsim");
	assert_string_equal(p, "/");
	datadir_candidates(p, "demo-fleet.json", "tests/fixtures/demo-fleet.json", c);
	assert_string_equal(c[0], "/share/fleetmux/demo-fleet.json");
	assert_string_equal(c[1], "/tests/fixtures/demo-fleet.json");
	free(c[0]);
	free(c[1]);
	free(p);
	assert_null(datadir_prefix_of("fleetmux"));
	assert_null(datadir_prefix_of("/fleetmux"));
	p = datadir_prefix_of("/work/src/build/fleetmux");
	assert_string_equal(p, "/work/src");
	free(p);
	/* This program is build/tests/test_config: its prefix is build/, where
	 * there is no demo fleet; the places are named. */
	buf_init(&tried);
	assert_null(datadir_find("demo-fleet.json", "tests/fixtures/demo-fleet.json", &tried));
	assert_non_null(strstr(tried.data, "/share/fleetmux/demo-fleet.json, "));
	buf_free(&tried);
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

/* --check-config's lines come in the file's order, whichever check found
 * them (the reader, the registry, main's checks of values), and each bad
 * line is told once: every line inih cannot read, not only the first. */
static void
test_errors_in_file_order_each_once(void **state)
{
	const char *text = "[fleetmux]\n"                /* 1 */
			   "colour = red\n"              /* 2: the reader */
			   "no equals here\n"            /* 3: inih */
			   "[provider \"a\"]\n"          /* 4 */
			   "type = docker\n"             /* 5 */
			   "tls-verify = maybe\n"        /* 6: the registry */
			   "neither here\n"              /* 7: inih again */
			   "[nope]\n"                    /* 8: once, for the section */
			   "a = 1\n"                     /* 9 */
			   "b = 2\n"                     /* 10 */
			   "[provider \"a\"]\n"          /* 11: a second section */
			   "type = eci\n"                /* 12 */
			   "[keys]\n"                    /* 13 */
			   "z = zoom\n"                  /* 14 */
			   "[broken\n";                  /* 15: inih */
	struct config c;
	const char *want = "cfg:2: unknown key 'colour' in [fleetmux]\n"
			   "cfg:3: cannot parse this line\n"
			   "cfg:6: tls-verify must be true or false, not 'maybe'\n"
			   "cfg:7: cannot parse this line\n"
			   "cfg:8: unknown section [nope]: use [fleetmux], [keys], [sidebar-keys] or "
			   "[provider \"NAME\"]\n"
			   "cfg:9: a later check\n"
			   "cfg:11: provider \"a\" is already defined at line 4; this section is left out\n"
			   "cfg:15: cannot parse this line\n"
			   "theme:1: after the config's lines\n";

	config_parse(&c, text, "cfg");
	config_note(&c, "theme:1: after the config's lines\n");
	registry_check_config(&c);
	config_error(&c, 9, "a later check%s%s", "", "");
	assert_string_equal(c.errors.data, want);
	assert_int_equal(c.nerrors, 9);
	/* The first section is the one used, as written. */
	assert_int_equal(c.nprovs, 1);
	assert_string_equal(c.provs[0].type, "docker");
	assert_int_equal(c.nbindings, 1);
	config_free(&c);
}

/* inih reads at most 199 bytes a line and would take the rest of a longer
 * one for a line of its own (here a key of its own, "host"); the whole
 * line is refused once, and the lines after it keep their numbers. */
static void
test_long_line_once(void **state)
{
	struct buf text;
	struct config c;

	buf_init(&text);
	buf_puts(&text, "[provider \"a\"]\ntype = docker\ncommand = echo ");
	for (int i = 0; i < 200; i++)
		buf_putc(&text, 'x');
	buf_puts(&text, " host = unix:///x\nbogus line\n");
	config_parse(&c, text.data, "cfg");
	assert_string_equal(c.errors.data, "cfg:3: this line is longer than 198 characters\n"
					   "cfg:4: cannot parse this line\n");
	assert_null(params_get(&c.provs[0].kv, "host"));
	assert_null(params_get(&c.provs[0].kv, "command"));
	config_free(&c);
	buf_free(&text);
}

/* A directory or a file that may not be read is a config that cannot be
 * read, said with the system's words: not "no config". */
static void
test_load_directory_and_missing(void **state)
{
	struct config c;
	struct fm_cause why;

	memset(&why, 0, sizeof why);
	assert_int_equal(config_load(&c, "tests", &why), -FM_EIO);
	assert_non_null(strstr(why.msg, "tests: Is a directory"));
	assert_int_equal(c.nprovs, 0);
	config_free(&c);
	assert_int_equal(config_load(&c, "tests/no-such-config", &why), -FM_ENOTFOUND);
	config_free(&c);
}

static void
test_plural(void **state)
{
	assert_string_equal(fm_plural(1, "provider", "providers"), "provider");
	assert_string_equal(fm_plural(0, "provider", "providers"), "providers");
	assert_string_equal(fm_plural(2, "target", "targets"), "targets");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_providers_and_bindings),
	    cmocka_unit_test(test_trailing_comments),
	    cmocka_unit_test(test_bad_lines_by_number),
	    cmocka_unit_test(test_errors_in_file_order_each_once),
	    cmocka_unit_test(test_long_line_once),
	    cmocka_unit_test(test_load_directory_and_missing),
	    cmocka_unit_test(test_plural),
	    cmocka_unit_test(test_shipped_themes_load),
	    cmocka_unit_test(test_datadir),
	    cmocka_unit_test(test_theme_fallback_and_errors),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
