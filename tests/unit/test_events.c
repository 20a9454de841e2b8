/* test_events.c: which of a group's events are new since the last
 * listing (repeats counted on one event, as Kubernetes keeps them), and
 * which are worth saying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/events.h"

#define EV(t, r, m, c, last) {(char *)(t), (char *)(r), (char *)(m), (c), 0, (last)}

static void
test_new_since_last_listing(void **state)
{
	struct fm_event old[] = {
	    EV("Normal", "Pulled", "image present", 1, 100),
	    EV("Normal", "Started", "Started container app", 1, 100),
	    EV("Warning", "BackOff", "Back-off restarting app", 1, 110),
	};
	struct fm_event cur[] = {
	    EV("Normal", "Pulled", "image present", 1, 100),          /* as it was */
	    EV("Normal", "Started", "Started container app", 2, 130), /* again */
	    EV("Warning", "BackOff", "Back-off restarting app", 1, 120), /* later, same count */
	    EV("Warning", "OOMKilling", "killed app", 1, 125),         /* never seen */
	};
	size_t idx[4];

	assert_int_equal(events_new(old, 3, cur, 4, idx), 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 3);
	/* the same list again: nothing new */
	assert_int_equal(events_new(cur, 4, cur, 4, idx), 0);
	/* nothing seen before: all new; nothing now: none */
	assert_int_equal(events_new(NULL, 0, cur, 4, idx), 4);
	assert_int_equal(events_new(old, 3, NULL, 0, idx), 0);
}

static void
test_same_words_different_message(void **state)
{
	struct fm_event old[] = {EV("Normal", "Started", "Started container a", 1, 100)};
	struct fm_event cur[] = {EV("Normal", "Started", "Started container b", 1, 100),
				 EV(NULL, NULL, NULL, 1, 100)};
	size_t idx[2];

	assert_int_equal(events_new(old, 1, cur, 2, idx), 2);
	assert_int_equal(events_new(cur, 2, cur, 2, idx), 0);
}

static void
test_kind(void **state)
{
	struct fm_event warn = EV("Warning", "FailedScheduling", "no node", 1, 0);
	struct fm_event first = EV("Normal", "Started", "Started container a", 1, 0);
	struct fm_event again = EV("Normal", "Started", "Started container a", 3, 0);
	struct fm_event kill = EV("Normal", "Killing", "Stopping container a", 1, 0);
	struct fm_event pulled = EV("Normal", "Pulled", "present", 5, 0);
	struct fm_event empty = EV(NULL, NULL, NULL, 0, 0);

	assert_int_equal(events_kind(&warn), EVENT_WARNING);
	assert_int_equal(events_kind(&first), EVENT_QUIET);
	assert_int_equal(events_kind(&again), EVENT_RESTART);
	assert_int_equal(events_kind(&kill), EVENT_RESTART);
	assert_int_equal(events_kind(&pulled), EVENT_QUIET);
	assert_int_equal(events_kind(&empty), EVENT_QUIET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_since_last_listing),
	    cmocka_unit_test(test_same_words_different_message),
	    cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
