/* test_channel.c: the exec WebSocket's channel framing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/channel.h"

static void
test_encode_decode(void **state)
{
	struct buf b;
	int chan = -1;
	const unsigned char *p;
	size_t n;

	buf_init(&b);
	channel_encode(&b, CH_STDIN, "ls\n", 3);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "\0ls\n", 4);
	assert_int_equal(channel_decode(b.data, b.len, &chan, &p, &n), 0);
	assert_int_equal(chan, CH_STDIN);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "ls\n", 3);
	/* An empty stdout frame right after the upgrade is legal and empty. */
	assert_int_equal(channel_decode("\x01", 1, &chan, &p, &n), 0);
	assert_int_equal(chan, CH_STDOUT);
	assert_int_equal(n, 0);
	assert_true(channel_decode("", 0, &chan, &p, &n) < 0);
	/* v5's end of stdin (KEP-4006): the close channel, then the stream. */
	buf_reset(&b);
	channel_close(&b, CH_STDIN);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "\xff\x00", 2);
	assert_int_equal(channel_decode(b.data, b.len, &chan, &p, &n), 0);
	assert_int_equal(chan, CH_CLOSE);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], CH_STDIN);
	buf_free(&b);
}

static void
test_resize(void **state)
{
	struct buf b;
	unsigned c = 0, r = 0;

	buf_init(&b);
	channel_resize_json(&b, 132, 43);
	assert_string_equal(b.data, "{\"Width\":132,\"Height\":43}");
	assert_int_equal(channel_parse_resize(b.data, b.len, &c, &r), 0);
	assert_int_equal(c, 132);
	assert_int_equal(r, 43);
	assert_true(channel_parse_resize("{\"Width\":0,\"Height\":5}", 22, &c, &r) < 0);
	assert_true(channel_parse_resize("{\"Width\":\"80\",\"Height\":5}", 25, &c, &r) < 0);
	assert_true(channel_parse_resize("{\"Width\":80", 11, &c, &r) < 0);
	assert_true(channel_parse_resize("\xff\xfe", 2, &c, &r) < 0);
	buf_free(&b);
}

static void
test_status(void **state)
{
	struct buf b, msg;
	int code = -1;

	buf_init(&b);
	buf_init(&msg);
	channel_status_json(&b, 0);
	assert_int_equal(channel_parse_status(b.data, b.len, &code, &msg), 0);
	assert_int_equal(code, 0);
	buf_reset(&b);
	channel_status_json(&b, 137);
	assert_int_equal(channel_parse_status(b.data, b.len, &code, &msg), 0);
	assert_int_equal(code, 137);
	/* Kubernetes' own words for a failure that is not an exit code. */
	{
		const char *k8s = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"container not "
				  "found (\\\"x\\\")\",\"reason\":\"NotFound\",\"code\":404}";

		assert_true(channel_parse_status(k8s, strlen(k8s), &code, &msg) < 0);
		assert_string_equal(msg.data, "container not found (\"x\")");
	}
	/* Plain text from a server that speaks no JSON status. */
	buf_reset(&msg);
	assert_true(channel_parse_status("exec failed: no such file", 25, &code, &msg) < 0);
	assert_string_equal(msg.data, "exec failed: no such file");
	/* An exit code that is not a number is a failure, not a crash. */
	{
		const char *odd = "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":"
				  "{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"x1\"}]}}";

		buf_reset(&msg);
		assert_true(channel_parse_status(odd, strlen(odd), &code, &msg) < 0);
	}
	buf_free(&b);
	buf_free(&msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_decode),
	    cmocka_unit_test(test_resize),
	    cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
