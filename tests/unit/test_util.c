/* test_util.c: streamed bytes cut into lines (buf_take_line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/util.h"

/* Feeds s in pieces of `cut` bytes; the whole lines, joined with '|'. */
static void
lines_of(const char *s, size_t cut, size_t max, struct buf *out)
{
	struct buf line;
	size_t at = 0, total = strlen(s);

	buf_init(&line);
	while (at < total) {
		const unsigned char *p = (const unsigned char *)s + at;
		size_t len = total - at < cut ? total - at : cut;

		at += len;
		while (buf_take_line(&line, &p, &len, max)) {
			buf_append(out, line.data, line.len);
			buf_putc(out, '|');
			buf_reset(&line);
		}
		assert_int_equal(len, 0);
	}
	buf_puts(out, "rest=");
	buf_append(out, line.data ? line.data : "", line.len);
	buf_free(&line);
}

static void
test_take_line(void **state)
{
	static const size_t cuts[] = {1, 2, 3, 7, 100};

	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct buf out;

		buf_init(&out);
		lines_of("one\ntwo\r\n\nthree", cuts[i], 100, &out);
		assert_string_equal(out.data, "one|two\r||rest=three");
		buf_reset(&out);
		/* At most max bytes of a line are kept; the line still ends. */
		lines_of("abcdefgh\nxy\n", cuts[i], 4, &out);
		assert_string_equal(out.data, "abcd|xy|rest=");
		buf_free(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_take_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
