/* test_chart.c: a series drawn as block characters: heights in eighths of
 * a row, the newest value at the right, gaps, clipping, a tiny value still
 * seen, and the chart's top rounded to a readable number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/chart.h"

static void
render(const double *v, size_t n, double max, int w, int h, char **rows)
{
	chart_render(v, n, max, w, h, rows);
}

static void
free_rows(char **rows, int h)
{
	for (int i = 0; i < h; i++)
		free(rows[i]);
}

static void
test_heights_in_eighths(void **state)
{
	/* 0, a quarter, a half, full, over the top; two rows = 16 eighths */
	double v[] = {0, 25, 50, 100, 300};
	char *rows[2];

	render(v, 5, 100, 5, 2, rows);
	assert_string_equal(rows[0], "   ██");
	assert_string_equal(rows[1], " ▄███");
	free_rows(rows, 2);
	/* one row: 12.5 % is one eighth, 62.5 % five */
	double w[] = {12.5, 62.5, 100};
	render(w, 3, 100, 3, 1, rows);
	assert_string_equal(rows[0], "▁▅█");
	free_rows(rows, 1);
}

static void
test_newest_at_the_right_and_gaps(void **state)
{
	double v[] = {100, 100, -1, 50, 100};
	char *rows[1];

	/* fewer values than columns: blank on the left */
	render(v, 2, 100, 4, 1, rows);
	assert_string_equal(rows[0], "  ██");
	free_rows(rows, 1);
	/* more than columns: the oldest drop off; -1 is a gap */
	render(v, 5, 100, 3, 1, rows);
	assert_string_equal(rows[0], " ▄█");
	free_rows(rows, 1);
	/* nothing at all, and no top */
	render(NULL, 0, 100, 3, 1, rows);
	assert_string_equal(rows[0], "   ");
	free_rows(rows, 1);
	render(v, 5, 0, 2, 1, rows);
	assert_string_equal(rows[0], "  ");
	free_rows(rows, 1);
}

static void
test_a_little_is_seen(void **state)
{
	double v[] = {0.01, 0};
	char *rows[3];

	render(v, 2, 1000, 2, 3, rows);
	assert_string_equal(rows[0], "  ");
	assert_string_equal(rows[1], "  ");
	assert_string_equal(rows[2], "▁ ");
	free_rows(rows, 3);
}

static void
test_nice_max(void **state)
{
	assert_true(chart_nice_max(0, 100) == 100);
	assert_true(chart_nice_max(37, 100) == 100);
	assert_true(chart_nice_max(101, 100) == 200);
	assert_true(chart_nice_max(250, 100) == 500);
	assert_true(chart_nice_max(501, 100) == 1000);
	assert_true(chart_nice_max(3e9, 1) == 5e9);
	assert_true(chart_nice_max(0.3, 0.1) == 0.5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_heights_in_eighths),
	    cmocka_unit_test(test_newest_at_the_right_and_gaps),
	    cmocka_unit_test(test_a_little_is_seen),
	    cmocka_unit_test(test_nice_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
