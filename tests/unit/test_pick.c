/* test_pick.c: a pane number typed a digit at a time (C-b q, C-b w): it
 * is chosen as soon as no longer number could start with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/ui/tui.h"

static void
test_one_digit_when_nine_or_fewer(void **state)
{
	int typed = 0;

	assert_int_equal(pick_digit(&typed, 1, 9), 1);
	assert_int_equal(typed, 0);
	assert_int_equal(pick_digit(&typed, 9, 9), 9);
	assert_int_equal(pick_digit(&typed, 0, 9), -1);
	assert_int_equal(pick_digit(&typed, 5, 4), -1);
	assert_int_equal(typed, 0);
}

static void
test_two_digits_past_nine(void **state)
{
	int typed = 0;

	/* 1 of 12 panes may be 1, 10, 11 or 12: it waits. */
	assert_int_equal(pick_digit(&typed, 1, 12), 0);
	assert_int_equal(typed, 1);
	assert_int_equal(pick_digit(&typed, 2, 12), 12);
	assert_int_equal(typed, 0);
	assert_int_equal(pick_digit(&typed, 2, 12), 2); /* no 20 */
	assert_int_equal(pick_digit(&typed, 1, 12), 0);
	assert_int_equal(pick_digit(&typed, 3, 12), -1); /* no 13 */
	assert_int_equal(typed, 0);
	assert_int_equal(pick_digit(&typed, 1, 10), 0);
	assert_int_equal(pick_digit(&typed, 0, 10), 10);
}

static void
test_three_digits(void **state)
{
	int typed = 0;

	assert_int_equal(pick_digit(&typed, 1, 120), 0);
	assert_int_equal(pick_digit(&typed, 0, 120), 0); /* 10, or 100..109 */
	assert_int_equal(pick_digit(&typed, 7, 120), 107);
	assert_int_equal(pick_digit(&typed, 1, 120), 0);
	assert_int_equal(pick_digit(&typed, 2, 120), 0); /* 12, or 120 */
	assert_int_equal(pick_digit(&typed, 0, 120), 120);
	assert_int_equal(pick_digit(&typed, 9, 120), 0); /* 9, or 90..99 */
	assert_int_equal(pick_digit(&typed, 9, 120), 99);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_digit_when_nine_or_fewer),
	    cmocka_unit_test(test_two_digits_past_nine),
	    cmocka_unit_test(test_three_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
