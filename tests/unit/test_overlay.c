/* test_overlay.c: an overlay's lines: a long message wrapped to the width
 * in screen columns and kept whole, under its lead; scrolling kept within
 * the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/fit.h"
#include "fleetmux/overlay.h"
#include "fleetmux/util.h"

/* The page's text again, from its lines, without the leads and blanks. */
static char *
joined(const struct ovl_page *pg, size_t lead_bytes)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < pg->n; i++) {
		const char *t = pg->v[i].text + (i == 0 ? lead_bytes : 0);

		while (*t == ' ')
			t++;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, t);
	}
	return buf_steal(&b);
}

static void
test_long_error_wrapped_whole(void **state)
{
	const char *err = "eci: cn-hangzhou: SignatureDoesNotMatch: Specified signature is not "
			  "matched with our calculation. server string to sign is:POST&%2F&"
			  "AccessKeyId%3Dfleetsim%26Action%3DDescribeContainerGroups (request 7F3A-11)";
	struct ovl_page pg = {0};
	char *all;

	ovl_page_add(&pg, "12:03:04  ", 0, 0, err, 40, OVL_ERROR);
	assert_true(pg.n > 4);
	for (size_t i = 0; i < pg.n; i++) {
		assert_true(fit_columns(pg.v[i].text) <= 40);
		assert_int_equal(pg.v[i].style, OVL_ERROR);
		if (i > 0)
			assert_memory_equal(pg.v[i].text, "          ", 10); /* under the text */
	}
	assert_memory_equal(pg.v[0].text, "12:03:04  eci: cn-hangzhou:", 27);
	/* cut at blanks; the word wider than the room is cut inside */
	all = joined(&pg, 10);
	assert_non_null(strstr(all, "calculation."));
	assert_non_null(strstr(all, "(request 7F3A-11)"));
	free(all);
	ovl_page_free(&pg);
}

static void
test_wide_glyphs_and_narrow_widths(void **state)
{
	struct ovl_page pg = {0};

	assert_int_equal(fit_columns("中文ok"), 6);
	ovl_page_add(&pg, "", 0, 0, "中文中文中文", 5, OVL_TEXT);
	assert_int_equal(pg.n, 3);
	assert_string_equal(pg.v[0].text, "中文");
	ovl_page_free(&pg);
	/* a lead too wide for the text beside it: the text goes below, by 4 */
	ovl_page_add(&pg, "C-b Left, C-b h  focus-left  ", 17, 12, "focus the pane to the left", 36,
		     OVL_TEXT);
	assert_int_equal(pg.n, 2);
	assert_string_equal(pg.v[0].text, "C-b Left, C-b h  focus-left  ");
	assert_int_equal(pg.v[0].bold, 17);
	assert_string_equal(pg.v[1].text, "    focus the pane to the left");
	ovl_page_free(&pg);
	/* nothing fits: still a character a line, never stuck */
	ovl_page_add(&pg, "", 0, 0, "abc", 0, OVL_TEXT);
	assert_int_equal(pg.n, 3);
	ovl_page_free(&pg);
	ovl_page_add(&pg, "lead", 0, 0, "", 20, OVL_HEADING);
	assert_int_equal(pg.n, 1);
	ovl_page_free(&pg);
}

static void
test_first_line(void **state)
{
	assert_int_equal(ovl_first_line(0, 100, 10), 0);
	assert_int_equal(ovl_first_line(50, 100, 10), 50);
	assert_int_equal(ovl_first_line(95, 100, 10), 90);
	assert_int_equal(ovl_first_line(OVERLAY_END, 100, 10), 90);
	assert_int_equal(ovl_first_line(OVERLAY_END, 5, 10), 0);
	assert_int_equal(ovl_first_line(-3, 100, 10), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_long_error_wrapped_whole),
	    cmocka_unit_test(test_wide_glyphs_and_narrow_widths),
	    cmocka_unit_test(test_first_line),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("overlay", tests, NULL, NULL);
}
