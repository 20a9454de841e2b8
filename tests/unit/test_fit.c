/* test_fit.c: text measured in columns, not bytes; the status line keeps
 * its right part and cuts the counts; a pane's title cuts the name and
 * keeps its badge and marks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "fleetmux/fit.h"

static int
setup(void **state)
{
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
test_columns_not_bytes(void **state)
{
	assert_int_equal(fit_columns("abc"), 3);
	assert_int_equal(fit_columns(" │ "), 3);          /* 5 bytes */
	assert_int_equal(fit_columns("中文ok"), 6);        /* 8 bytes */
	assert_int_equal(fit_columns("listing…"), 8);
	assert_int_equal(fit_columns("\xff\x01x"), 3);    /* drawn as ?, ?, x */
	assert_int_equal(fit_prefix("a│b", 2), strlen("a│"));
	assert_int_equal(fit_prefix("中文", 3), strlen("中")); /* never half a glyph */
	assert_int_equal(fit_prefix("abc", 10), 3);
	assert_int_equal(fit_suffix_start("中文ok", 3), strlen("中文"));
	assert_int_equal(fit_suffix_start("中文ok", 4), strlen("中"));
}

static void
test_cut(void **state)
{
	char out[64];

	fit_cut("cn-hangzhou/api-server/api", 10, 1, out, sizeof out);
	assert_string_equal(out, "…erver/api");
	assert_int_equal(fit_columns(out), 10);
	fit_cut("cn-hangzhou/api-server/api", 10, 0, out, sizeof out);
	assert_string_equal(out, "cn-hangzh…");
	fit_cut("short", 10, 0, out, sizeof out);
	assert_string_equal(out, "short");
	fit_cut("中文中文", 4, 0, out, sizeof out);
	assert_string_equal(out, "中…");
	fit_cut("abc", 0, 0, out, sizeof out);
	assert_string_equal(out, "");
}

/* The right part (focused pane, clock) stays whole however long the rest. */
static void
test_status_keeps_the_right_part(void **state)
{
	struct status_fit f;

	fit_status(80, 0, 30, 10, 20, &f);
	assert_int_equal(f.counts, 30);
	assert_int_equal(f.message, 10);
	assert_int_equal(f.right, 20);
	assert_int_equal(f.right_x, 60);
	/* Long counts and broadcast on: the counts are cut, not the clock. */
	fit_status(80, 16, 90, 0, 20, &f);
	assert_int_equal(f.right, 20);
	assert_int_equal(f.right_x, 60);
	assert_int_equal(f.loud, 16);
	assert_int_equal(f.counts, 44);
	/* A message goes before the counts. */
	fit_status(80, 0, 50, 40, 20, &f);
	assert_int_equal(f.message, 40);
	assert_int_equal(f.counts, 20);
	assert_true(f.loud + f.counts + f.message <= f.right_x);
	/* A line too narrow for the right part gives it up. */
	fit_status(10, 0, 50, 0, 20, &f);
	assert_int_equal(f.right, 0);
	assert_int_equal(f.counts, 10);
}

static void
want_of(int want[TITLE_PARTS], int number, int name, int badge, int bcast, int rec, int copy)
{
	memset(want, 0, TITLE_PARTS * sizeof want[0]);
	want[TITLE_NUMBER] = number;
	want[TITLE_NAME] = name;
	want[TITLE_BADGE] = badge;
	want[TITLE_BROADCAST] = bcast;
	want[TITLE_REC] = rec;
	want[TITLE_COPY] = copy;
}

/* A 40-column pane: "─ 1 " + a long name + "[exited 2]" + " ⇶B " + " ●REC". */
static void
test_title_cuts_the_name_not_the_badges(void **state)
{
	int want[TITLE_PARTS], got[TITLE_PARTS];

	want_of(want, 4, 40, 10, 4, 5, 0);
	want[TITLE_APP] = 12;
	fit_title(40, want, got);
	assert_int_equal(got[TITLE_NUMBER], 4);
	assert_int_equal(got[TITLE_BADGE], 10);
	assert_int_equal(got[TITLE_BROADCAST], 4);
	assert_int_equal(got[TITLE_REC], 5);
	assert_int_equal(got[TITLE_APP], 0);
	assert_int_equal(got[TITLE_NAME], 40 - 4 - 10 - 4 - 5);
	/* Copy mode's position stays too. */
	want_of(want, 4, 40, 6, 0, 0, 17);
	fit_title(40, want, got);
	assert_int_equal(got[TITLE_COPY], 17);
	assert_int_equal(got[TITLE_BADGE], 6);
	assert_int_equal(got[TITLE_NAME], 40 - 4 - 6 - 17);
	/* Room for all: nothing is cut. */
	want_of(want, 4, 20, 6, 0, 0, 0);
	fit_title(80, want, got);
	assert_memory_equal(want, got, sizeof want);
	/* A failure's long reason: the name keeps a few columns, the badge
	 * is cut instead. */
	want_of(want, 4, 20, 150, 0, 0, 0);
	fit_title(120, want, got);
	assert_int_equal(got[TITLE_NAME], TITLE_NAME_FLOOR);
	assert_int_equal(got[TITLE_BADGE], 120 - 4 - TITLE_NAME_FLOOR);
	/* Too narrow even without the name: the marks at the end go first. */
	want_of(want, 4, 20, 10, 4, 5, 0);
	fit_title(16, want, got);
	assert_int_equal(got[TITLE_NAME], 0);
	assert_int_equal(got[TITLE_NUMBER], 4);
	assert_int_equal(got[TITLE_BADGE], 10);
	assert_int_equal(got[TITLE_BROADCAST], 2);
	assert_int_equal(got[TITLE_REC], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_columns_not_bytes),
	    cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_status_keeps_the_right_part),
	    cmocka_unit_test(test_title_cuts_the_name_not_the_badges),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
