/* test_wire.c: the client–server messages (wire.h), on vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/wire.h"

static void
test_frame(void **state)
{
	struct buf b;
	int type = 0;
	const unsigned char *p;
	size_t n, used;

	buf_init(&b);
	wire_put(&b, WIRE_RESIZE, "45 160", 6);
	/* length 7 (type + payload), network order, then the type. */
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "\0\0\0\x07\x02" "45 160", 11);
	assert_int_equal(wire_take((unsigned char *)b.data, b.len, &type, &p, &n, &used), 1);
	assert_int_equal(type, WIRE_RESIZE);
	assert_int_equal(n, 6);
	assert_int_equal(used, 11);
	assert_memory_equal(p, "45 160", 6);
	/* Incomplete: wait for more, at every cut. */
	for (size_t cut = 0; cut < b.len; cut++)
		assert_int_equal(wire_take((unsigned char *)b.data, cut, &type, &p, &n, &used), 0);
	/* An empty payload is a message. */
	buf_reset(&b);
	wire_put(&b, WIRE_OUTPUT, NULL, 0);
	assert_memory_equal(b.data, "\0\0\0\x01\x04", 5);
	assert_int_equal(wire_take((unsigned char *)b.data, b.len, &type, &p, &n, &used), 1);
	assert_int_equal(n, 0);
	buf_free(&b);
}

static void
test_bad_frames(void **state)
{
	int type;
	const unsigned char *p;
	size_t n, used;

	/* Over WIRE_MAX: refused from the length alone, before it arrives. */
	assert_int_equal(wire_take((unsigned char *)"\0\x01\0\x02", 4, &type, &p, &n, &used), -1);
	assert_int_equal(wire_take((unsigned char *)"\xff\xff\xff\xff\x01", 5, &type, &p, &n, &used), -1);
	/* A length of 0 has no type. */
	assert_int_equal(wire_take((unsigned char *)"\0\0\0\0\x01", 5, &type, &p, &n, &used), -1);
	/* Unknown types. */
	assert_int_equal(wire_take((unsigned char *)"\0\0\0\x01\x00", 5, &type, &p, &n, &used), -1);
	assert_int_equal(wire_take((unsigned char *)"\0\0\0\x01\x09", 5, &type, &p, &n, &used), -1);
	/* WIRE_MAX itself is allowed (its length said, the rest to come). */
	assert_int_equal(wire_take((unsigned char *)"\0\x01\0\0\x04", 5, &type, &p, &n, &used), 0);
}

static void
test_hello(void **state)
{
	struct wire_hello h = {.protocol = WIRE_PROTOCOL, .readonly = 1, .rows = 45, .cols = 160},
			  back;
	struct buf b;
	const char *vector = "protocol=1\nversion=0.1.0\ncommand=attach\nreadonly=1\n"
			     "term=tmux-256color\nrows=45\ncols=160\n";

	strcpy(h.version, "0.1.0");
	strcpy(h.command, "attach");
	strcpy(h.term, "tmux-256color");
	buf_init(&b);
	wire_hello_encode(&b, &h);
	assert_int_equal(b.len, strlen(vector));
	assert_memory_equal(b.data, vector, b.len);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)b.data, b.len), 0);
	assert_memory_equal(&back, &h, sizeof h);
	buf_free(&b);
	/* A newer client's keys are passed over; a missing field is zero. */
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"protocol=7\ncolour=yes\n", 22), 0);
	assert_int_equal(back.protocol, 7);
	assert_string_equal(back.command, "");
	/* Not lines of key=value, numbers out of range, control bytes, too long. */
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"protocol=1", 10), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"garbage\n", 8), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"rows=-1\n", 8), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"rows=99999\n", 11), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"readonly=2\n", 11), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"term=a\033b\n", 9), -1);
	assert_int_equal(wire_hello_decode(&back, (unsigned char *)"command=abcdefghijklmnop\n", 25), -1);
}

static void
test_resize_and_exit(void **state)
{
	struct buf b;
	int rows, cols, code;
	const char *text;
	size_t n;

	buf_init(&b);
	wire_resize_encode(&b, 30, 100);
	assert_memory_equal(b.data, "30 100", 6);
	assert_int_equal(wire_resize_decode((unsigned char *)b.data, b.len, &rows, &cols), 0);
	assert_int_equal(rows, 30);
	assert_int_equal(cols, 100);
	assert_int_equal(wire_resize_decode((unsigned char *)"0 80", 4, &rows, &cols), -1);
	assert_int_equal(wire_resize_decode((unsigned char *)"24x80", 5, &rows, &cols), -1);
	assert_int_equal(wire_resize_decode((unsigned char *)"24 ", 3, &rows, &cols), -1);
	buf_reset(&b);
	wire_exit_encode(&b, 0, "[detached (from session 0)]");
	assert_memory_equal(b.data, "0\n[detached (from session 0)]", b.len);
	assert_int_equal(wire_exit_decode((unsigned char *)b.data, b.len, &code, &text, &n), 0);
	assert_int_equal(code, 0);
	assert_int_equal(n, 27);
	assert_memory_equal(text, "[detached (from session 0)]", n);
	assert_int_equal(wire_exit_decode((unsigned char *)"256\nx", 5, &code, &text, &n), -1);
	assert_int_equal(wire_exit_decode((unsigned char *)"1", 1, &code, &text, &n), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frame),
	    cmocka_unit_test(test_bad_frames),
	    cmocka_unit_test(test_hello),
	    cmocka_unit_test(test_resize_and_exit),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
