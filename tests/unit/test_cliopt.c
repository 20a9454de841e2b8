/* test_cliopt.c: getopt_long's table and the --help text come from one
 * option table: every option of a mode is in both, and only those. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "fleetmux/cliopt.h"

static const struct cliopt table[] = {
    {"endpoint", 'e', 0, "URL", 3, 0, "the API"},
    {"region", 'r', 0, "ID", 3, 1, "a region\n(repeatable)"},
    {"layout", 'l', 0, "NAME", 1, 0, "tiled, ..."},
    {"json", 'J', 0, NULL, 2, 0, "JSON lines"},
    {"a-very-long-option", 'x', 0, "SOMETHING", 1, 0, "long"},
    {"help", 'h', 'h', NULL, 3, 0, "this"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static void
test_getopt_table_by_mode(void **state)
{
	struct option o[8];
	struct buf shorts;

	buf_init(&shorts);
	assert_int_equal(cliopt_getopt(table, 2, o, 8, "+:", &shorts), 4);
	assert_string_equal(o[0].name, "endpoint");
	assert_int_equal(o[0].has_arg, required_argument);
	assert_int_equal(o[0].val, 'e');
	assert_string_equal(o[2].name, "json");
	assert_int_equal(o[2].has_arg, no_argument);
	assert_string_equal(o[3].name, "help");
	assert_null(o[4].name);
	assert_string_equal(shorts.data, "+:h");
	buf_free(&shorts);
}

static void
test_synopsis_wraps_under_the_first_option(void **state)
{
	struct buf b;

	buf_init(&b);
	cliopt_synopsis(table, 1, "usage: prog", "-- CMD", 50, &b);
	assert_string_equal(b.data, "usage: prog [--endpoint URL] [--region ID]...\n"
				    "            [--layout NAME]\n"
				    "            [--a-very-long-option SOMETHING]\n"
				    "            [--help] -- CMD\n");
	buf_free(&b);
}

static void
test_help_lists_each_option_of_the_mode(void **state)
{
	struct buf b;

	buf_init(&b);
	cliopt_help(table, 1, 0, &b);
	assert_string_equal(b.data, "  --endpoint URL      the API\n"
				    "  --region ID         a region\n"
				    "                      (repeatable)\n"
				    "  --layout NAME       tiled, ...\n"
				    "  --a-very-long-option SOMETHING\n"
				    "                      long\n"
				    "  -h, --help          this\n");
	buf_reset(&b);
	cliopt_help(table, 2, 1, &b); /* only the mode's own */
	assert_string_equal(b.data, "  --json              JSON lines\n");
	buf_free(&b);
}

static void
test_lookup(void **state)
{
	assert_string_equal(cliopt_by_id(table, 'J')->name, "json");
	assert_null(cliopt_by_id(table, 'z'));
	assert_string_equal(cliopt_by_name(table, "--layout=x")->name, "layout");
	assert_string_equal(cliopt_by_name(table, "region")->name, "region");
	assert_null(cliopt_by_name(table, "--lay"));
	assert_null(cliopt_by_name(table, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_getopt_table_by_mode),
	    cmocka_unit_test(test_synopsis_wraps_under_the_first_option),
	    cmocka_unit_test(test_help_lists_each_option_of_the_mode),
	    cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests_name("cliopt", tests, NULL, NULL);
}
