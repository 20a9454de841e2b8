/* test_logview.c: a merged log view's pure parts: tags keep their colour,
 * include/exclude decide which lines are shown, a bad expression changes
 * nothing, the highlight reverses its matches, gaps read as they should,
 * and the kept lines are bounded, oldest out first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logout.h"
#include "fleetmux/logtext.h"
#include "fleetmux/logview.h"

static struct log_line
line(const char *text)
{
	return (struct log_line){FM_TIME_NONE, LOG_OUTPUT, text, strlen(text)};
}

/* The line as the view draws it, with no tag colour. */
static char *
render(const struct logview_filter *f, const char *tag, int color, const char *text)
{
	struct log_line l = line(text);
	struct buf plain, out;

	buf_init(&plain);
	buf_init(&out);
	logtext_plain(&plain, text, strlen(text));
	buf_putc(&plain, '\0');
	logview_render(&out, f, tag, color, 0, &l, plain.data);
	buf_free(&plain);
	return buf_steal(&out);
}

static int
keeps_from(const struct logview_filter *f, const char *tag, const char *text)
{
	struct buf plain;
	int k;

	buf_init(&plain);
	logtext_plain(&plain, text, strlen(text));
	buf_putc(&plain, '\0');
	k = logview_keeps(f, tag, plain.data);
	buf_free(&plain);
	return k;
}

static int
keeps(const struct logview_filter *f, const char *text)
{
	return keeps_from(f, NULL, text);
}

static void
test_tag_colour_is_stable_and_the_logs_commands(void **state)
{
	struct logview_filter f;
	char *a, *b, want[32];
	int c = logout_tag_color("alpha/tick");

	logview_filter_init(&f);
	/* The same name, the same colour, every time; the one fleetmux logs gives. */
	assert_int_equal(c, logout_tag_color("alpha/tick"));
	assert_true(c >= 0 && c < LOGOUT_COLORS);
	a = render(&f, "alpha/tick", c, "hello");
	snprintf(want, sizeof want, "\033[%s%dmalpha/tick\033[0m | hello", c >= 6 ? "1;" : "", 31 + c % 6);
	assert_memory_equal(a, want, strlen(want));
	assert_string_equal(a + strlen(want), "\033[0m\r\n");
	free(a);
	/* Names that differ mostly differ in colour: of a dozen, several colours. */
	{
		int seen[LOGOUT_COLORS] = {0}, kinds = 0;
		char name[32];

		for (int i = 0; i < 12; i++) {
			snprintf(name, sizeof name, "group%d/app", i);
			seen[logout_tag_color(name)] = 1;
		}
		for (int i = 0; i < LOGOUT_COLORS; i++)
			kinds += seen[i];
		assert_true(kinds >= 4);
	}
	/* Without colour; stderr has its own bar; the text made safe. */
	b = render(&f, "beta/side", -1, "x\033[2Jy \033[31mred\033[0m");
	assert_string_equal(b, "beta/side | x^[[2Jy \033[31mred\033[0m\033[0m\r\n");
	free(b);
	{
		struct log_line l = line("oops");
		struct buf out;

		l.stream = LOG_STDERR;
		l.time_ns = 1700000000123456789LL;
		buf_init(&out);
		logview_render(&out, &f, "t", -1, 1, &l, "oops");
		assert_string_equal(out.data, "t ! \033[2m2023-11-14T22:13:20.123456789Z\033[0m oops\033[0m\r\n");
		buf_free(&out);
	}
	logview_filter_free(&f);
}

static void
test_include_and_exclude(void **state)
{
	struct logview_filter f;
	char why[300];

	logview_filter_init(&f);
	assert_true(keeps(&f, "anything"));
	assert_int_equal(logview_filter_set(&f, LOGVIEW_INCLUDE, "tick [0-9]+", why, sizeof why), 0);
	assert_true(keeps(&f, "tick 12"));
	assert_false(keeps(&f, "tock 12"));
	assert_int_equal(logview_filter_set(&f, LOGVIEW_EXCLUDE, "(3|5)$", why, sizeof why), 0);
	assert_true(keeps(&f, "tick 12"));
	assert_false(keeps(&f, "tick 13"));
	assert_false(keeps(&f, "tick 5"));
	/* Colours are not part of what is matched. */
	assert_true(keeps(&f, "\033[32mtick\033[0m 4"));
	assert_false(keeps(&f, "tick 1\033[1m3"));
	/* Removed: every line again. */
	assert_int_equal(logview_filter_set(&f, LOGVIEW_INCLUDE, "", why, sizeof why), 0);
	assert_null(f.expr[LOGVIEW_INCLUDE]);
	assert_true(keeps(&f, "tock 12"));
	assert_int_equal(logview_filter_set(&f, LOGVIEW_EXCLUDE, NULL, why, sizeof why), 0);
	assert_true(keeps(&f, "tick 13"));
	/* The tag counts as much as the text: a group, a container. */
	assert_int_equal(logview_filter_set(&f, LOGVIEW_INCLUDE, "web/", why, sizeof why), 0);
	assert_true(keeps_from(&f, "web/nginx", "GET /"));
	assert_false(keeps_from(&f, "api/app", "GET /"));
	assert_true(keeps_from(&f, "api/app", "proxied to web/nginx")); /* or the text */
	assert_int_equal(logview_filter_set(&f, LOGVIEW_INCLUDE, NULL, why, sizeof why), 0);
	assert_int_equal(logview_filter_set(&f, LOGVIEW_EXCLUDE, "/sidecar$", why, sizeof why), 0);
	assert_false(keeps_from(&f, "web/sidecar", "tick"));
	assert_true(keeps_from(&f, "web/nginx", "tick"));
	logview_filter_free(&f);
}

static void
test_a_bad_expression_changes_nothing(void **state)
{
	struct logview_filter f;
	char why[300] = "";

	logview_filter_init(&f);
	assert_int_equal(logview_filter_set(&f, LOGVIEW_EXCLUDE, "debug", why, sizeof why), 0);
	assert_int_equal(logview_filter_set(&f, LOGVIEW_EXCLUDE, "a(b", why, sizeof why), -1);
	assert_non_null(strstr(why, "exclude: 'a(b' is not a POSIX extended regular expression: "));
	assert_string_equal(f.expr[LOGVIEW_EXCLUDE], "debug");
	assert_false(keeps(&f, "debug on"));
	assert_true(keeps(&f, "a(b"));
	assert_int_equal(logview_filter_set(&f, LOGVIEW_HIGHLIGHT, "[z-a]", why, sizeof why), -1);
	assert_null(f.expr[LOGVIEW_HIGHLIGHT]);
	assert_string_equal(logview_expr_name(LOGVIEW_HIGHLIGHT), "highlight");
	logview_filter_free(&f);
}

static void
test_highlight(void **state)
{
	struct logview_filter f;
	char why[300], *s;

	logview_filter_init(&f);
	assert_int_equal(logview_filter_set(&f, LOGVIEW_HIGHLIGHT, "o+", why, sizeof why), 0);
	s = render(&f, "t", -1, "foo boo x");
	assert_string_equal(s, "t | f\033[7moo\033[27m b\033[7moo\033[27m x\033[0m\r\n");
	free(s);
	/* No match: the line as it came, its colours kept. */
	s = render(&f, "t", -1, "\033[31mred\033[0m");
	assert_string_equal(s, "t | \033[31mred\033[0m\033[0m\r\n");
	free(s);
	/* A match: drawn from the plain text, controls still shown. */
	s = render(&f, "t", -1, "\033[31mso\033[0m\001");
	assert_string_equal(s, "t | s\033[7mo\033[27m^A\033[0m\r\n");
	free(s);
	/* An expression that matches nothing wide does not loop. */
	assert_int_equal(logview_filter_set(&f, LOGVIEW_HIGHLIGHT, "x*", why, sizeof why), 0);
	s = render(&f, "t", -1, "abxc");
	assert_string_equal(s, "t | ab\033[7mx\033[27mc\033[0m\r\n");
	free(s);
	s = render(&f, "t", -1, "");
	assert_string_equal(s, "t | \033[0m\r\n");
	free(s);
	/* ^ anchors at the line's start only. */
	assert_int_equal(logview_filter_set(&f, LOGVIEW_HIGHLIGHT, "^a", why, sizeof why), 0);
	s = render(&f, "t", -1, "aaa");
	assert_string_equal(s, "t | \033[7ma\033[27maa\033[0m\r\n");
	free(s);
	logview_filter_free(&f);
}

static void
test_gaps(void **state)
{
	char t[200];
	struct buf out;

	logview_gap_text(t, sizeof t, LOGVIEW_GAP_INTERRUPTED, "alpha/tick", "timed out");
	assert_string_equal(t, "── alpha/tick: log interrupted (timed out) ──");
	logview_gap_text(t, sizeof t, LOGVIEW_GAP_RESUMED, "alpha/tick", NULL);
	assert_string_equal(t, "── alpha/tick: resumed ──");
	logview_gap_text(t, sizeof t, LOGVIEW_GAP_FAILED, "b/c", NULL);
	assert_string_equal(t, "── b/c: log cannot be followed: unknown ──");
	logview_gap_text(t, sizeof t, LOGVIEW_GAP_ENDED, "b/c", NULL);
	assert_string_equal(t, "── b/c: end of the log ──");
	buf_init(&out);
	logview_render_note(&out, "── x\033[2J ──");
	assert_string_equal(out.data, "\033[0;2m── x^[[2J ──\033[0m\r\n");
	buf_free(&out);
}

static void
test_ring_keeps_the_newest(void **state)
{
	struct logview_ring r;
	char text[16];

	logview_ring_init(&r, 3);
	assert_null(logview_ring_get(&r, 0));
	for (int i = 1; i <= 5; i++) {
		struct log_line l;

		snprintf(text, sizeof text, "n%d", i);
		l = line(text);
		l.time_ns = i;
		logview_ring_push(&r, i == 4 ? -1 : i % 2, &l);
	}
	assert_int_equal(r.n, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct logview_entry *e = logview_ring_get(&r, i);

		snprintf(text, sizeof text, "n%zu", i + 3);
		assert_string_equal(e->text, text);
		assert_int_equal(e->len, strlen(text));
		assert_int_equal(e->time_ns, (int64_t)i + 3);
	}
	assert_int_equal(logview_ring_get(&r, 1)->source, -1);
	assert_null(logview_ring_get(&r, 3));
	logview_ring_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tag_colour_is_stable_and_the_logs_commands),
	    cmocka_unit_test(test_include_and_exclude),
	    cmocka_unit_test(test_a_bad_expression_changes_nothing),
	    cmocka_unit_test(test_highlight),
	    cmocka_unit_test(test_gaps),
	    cmocka_unit_test(test_ring_keeps_the_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
