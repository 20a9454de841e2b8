/* test_messages.c: the message log keeps the newest, in order, as plain
 * text, and no more than it was told. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "fleetmux/messages.h"

static void
test_order_and_time(void **state)
{
	struct messages m;

	messages_init(&m, 10);
	assert_null(messages_last(&m));
	messages_add(&m, 100, 0, "listing");
	messages_add(&m, 101, 1, "eci: throttled");
	assert_int_equal(messages_count(&m), 2);
	assert_string_equal(messages_get(&m, 0)->text, "listing");
	assert_int_equal(messages_get(&m, 0)->at, 100);
	assert_string_equal(messages_last(&m)->text, "eci: throttled");
	assert_int_equal(messages_last(&m)->error, 1);
	assert_null(messages_get(&m, 2));
	messages_free(&m);
}

/* Whatever a server put in an error reaches the screen as plain text. */
static void
test_controls_become_spaces(void **state)
{
	struct messages m;

	messages_init(&m, 4);
	messages_add(&m, 0, 1, "bad\033[2J\r\nthing\x7f");
	assert_string_equal(messages_last(&m)->text, "bad [2J  thing ");
	messages_free(&m);
}

/* Past its size the oldest go, and every one kept is still in order. */
static void
test_bounded(void **state)
{
	struct messages m;
	char text[16];

	messages_init(&m, 3);
	for (int i = 0; i < 8; i++) {
		snprintf(text, sizeof text, "m%d", i);
		messages_add(&m, i, 0, text);
	}
	assert_int_equal(messages_count(&m), 3);
	assert_string_equal(messages_get(&m, 0)->text, "m5");
	assert_string_equal(messages_get(&m, 1)->text, "m6");
	assert_string_equal(messages_get(&m, 2)->text, "m7");
	assert_int_equal(messages_last(&m)->at, 7);
	messages_free(&m);
}

/* The status line shows a message for a few seconds (an error longer),
 * then nothing: the message stays in the log. */
static void
test_shown_for_a_while(void **state)
{
	struct messages m;

	messages_init(&m, 4);
	assert_null(messages_shown(&m, 100));
	assert_int_equal(messages_expiry(&m), 0);
	messages_add(&m, 100, 0, "refreshing");
	assert_non_null(messages_shown(&m, 100));
	assert_non_null(messages_shown(&m, 100 + MESSAGES_SHOWN_S - 1));
	assert_null(messages_shown(&m, 100 + MESSAGES_SHOWN_S));
	assert_int_equal(messages_expiry(&m), 100 + MESSAGES_SHOWN_S);
	messages_add(&m, 200, 1, "cannot reach the engine");
	assert_true(MESSAGES_ERROR_SHOWN_S > MESSAGES_SHOWN_S);
	assert_non_null(messages_shown(&m, 200 + MESSAGES_SHOWN_S));
	assert_null(messages_shown(&m, 200 + MESSAGES_ERROR_SHOWN_S));
	assert_string_equal(messages_last(&m)->text, "cannot reach the engine");
	messages_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_time),
	    cmocka_unit_test(test_controls_become_spaces),
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_shown_for_a_while),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
