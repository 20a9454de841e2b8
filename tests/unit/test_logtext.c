/* test_logtext.c: a log line reaches a log pane's terminal as data: its
 * colours kept, every other control shown as text, never obeyed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "fleetmux/logtext.h"

static void
check(const char *text, size_t len, int64_t ns, int timestamps, const char *want)
{
	struct log_line l = {.time_ns = ns, .text = text, .len = len};
	struct buf out;

	buf_init(&out);
	logtext_render(&out, &l, timestamps);
	assert_string_equal(out.data, want);
	buf_free(&out);
}

#define CHECK(text, want) check(text, sizeof text - 1, FM_TIME_NONE, 0, want)

static void
test_plain_and_coloured_text_pass(void **state)
{
	CHECK("GET /healthz 200", "GET /healthz 200\033[0m\r\n");
	CHECK("", "\033[0m\r\n");
	CHECK("\033[31mERROR\033[0m x", "\033[31mERROR\033[0m x\033[0m\r\n");
	CHECK("\033[38;5;208mo\033[m", "\033[38;5;208mo\033[m\033[0m\r\n");
	CHECK("tab\there ü 中", "tab\there ü 中\033[0m\r\n");
}

static void
test_other_controls_are_shown_not_obeyed(void **state)
{
	CHECK("\033[2Jclear", "^[[2Jclear\033[0m\r\n");            /* erase */
	CHECK("\033[?1049h", "^[[?1049h\033[0m\r\n");              /* alternate screen */
	CHECK("\033[6n", "^[[6n\033[0m\r\n");                      /* an answer asked */
	CHECK("\033]0;title\007", "^[]0;title^G\033[0m\r\n");      /* OSC */
	CHECK("a\rb\bc", "a^Mb^Hc\033[0m\r\n");
	CHECK("x\x7f", "x^?\033[0m\r\n");
	CHECK("\xc2\x9b" "2J", "^[[2J\033[0m\r\n");                /* C1 CSI in UTF-8 */
	CHECK("\x9b" "2J", "\xef\xbf\xbd" "2J\033[0m\r\n");        /* a raw C1 byte */
	CHECK("bad \xff\xc3", "bad \xef\xbf\xbd\xef\xbf\xbd\033[0m\r\n");
	CHECK("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\033[0m\r\n"); /* a surrogate */
	check("a\0b", 3, FM_TIME_NONE, 0, "a^@b\033[0m\r\n");
}

static void
test_a_long_sgr_is_text(void **state)
{
	char text[200], want[260];

	memset(text, 0, sizeof text);
	strcpy(text, "\033[");
	memset(text + 2, '1', 100);
	strcat(text, "m");
	snprintf(want, sizeof want, "^[%s\033[0m\r\n", text + 1);
	check(text, strlen(text), FM_TIME_NONE, 0, want);
}

static void
test_timestamps_when_asked(void **state)
{
	int64_t ns = 1793519400LL * FM_NS_PER_SEC + 5000000;

	check("up", 2, ns, 1, "\033[0;2m2026-11-01T07:50:00.005000000Z\033[0m up\033[0m\r\n");
	check("up", 2, ns, 0, "up\033[0m\r\n");
	check("up", 2, FM_TIME_NONE, 1, "up\033[0m\r\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_and_coloured_text_pass),
	    cmocka_unit_test(test_other_controls_are_shown_not_obeyed),
	    cmocka_unit_test(test_a_long_sgr_is_text),
	    cmocka_unit_test(test_timestamps_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
