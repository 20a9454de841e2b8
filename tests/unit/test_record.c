/* test_record.c: asciicast v2 files, with UTF-8 cut across reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/record.h"
#include "fleetmux/util.h"

static void
test_cast_file(void **state)
{
	char path[] = "/tmp/fm-rec-XXXXXX";
	int fd = mkstemp(path);
	struct recorder *r;
	char *text;
	size_t len;

	close(fd);
	r = recorder_open(path, 80, 24, "cn-hangzhou/web/nginx", 1000, 1790000000);
	assert_non_null(r);
	recorder_output(r, "hello \xe4\xb8", 8, 1500);   /* 中 cut after two bytes */
	recorder_output(r, "\xad world\r\n", 9, 2250);
	recorder_resize(r, 100, 30, 3000);
	recorder_output(r, "bad \xff byte", 10, 3500);
	recorder_close(r);
	text = fm_read_file(path, 1 << 20, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1790000000,"
				     "\"title\":\"cn-hangzhou/web/nginx\""));
	assert_non_null(strstr(text, "\n[0.5,\"o\",\"hello \"]\n"));
	assert_non_null(strstr(text, "\n[1.25,\"o\",\"\xe4\xb8\xad world\\r\\n\"]\n"));
	assert_non_null(strstr(text, "\n[2,\"r\",\"100x30\"]\n"));
	assert_non_null(strstr(text, "\n[2.5,\"o\",\"bad \xef\xbf\xbd byte\"]\n"));
	free(text);
	unlink(path);
}

static void
test_utf8_helpers(void **state)
{
	assert_int_equal(utf8_complete("ab", 2), 2);
	assert_int_equal(utf8_complete("a\xe4\xb8", 3), 1);
	assert_int_equal(utf8_complete("a\xe4\xb8\xad", 4), 4);
	assert_int_equal(utf8_complete("\xf0\x9f\x98", 3), 0);
	assert_int_equal(utf8_complete("\xff", 1), 1);
}

/* Each event is written in one pass: every control escaped, NUL as \u0000
 * (and what follows it kept), quotes and backslashes, UTF-8 as it is, an
 * invalid byte as U+FFFD, times to the millisecond. */
static void
test_event_escapes(void **state)
{
	char path[] = "/tmp/fm-rec-XXXXXX";
	int fd = mkstemp(path);
	static const char out[] = "a\0b\"c\\d\x1b[1m\t\x7f\x01\x1f\xc3\xa9\xc0\xaf\n";
	struct recorder *r;
	char *text;
	size_t len;

	close(fd);
	r = recorder_open(path, 80, 24, NULL, 0, 1790000000);
	assert_non_null(r);
	recorder_output(r, out, sizeof out - 1, 1);
	recorder_output(r, "x", 1, 61010);
	recorder_output(r, "y", 1, 3600000);
	recorder_close(r);
	text = fm_read_file(path, 1 << 20, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n[0.001,\"o\",\"a\\u0000b\\\"c\\\\d\\u001b[1m\\t\x7f\\u0001\\u001f"
				     "\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\\n\"]\n"));
	assert_non_null(strstr(text, "\n[61.01,\"o\",\"x\"]\n"));
	assert_non_null(strstr(text, "\n[3600,\"o\",\"y\"]\n"));
	free(text);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cast_file),
	    cmocka_unit_test(test_utf8_helpers),
	    cmocka_unit_test(test_event_escapes),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
