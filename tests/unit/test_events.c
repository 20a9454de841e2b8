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

#define EV(t, r, m, c, last) {(char *)(t), (char *)(r), (char *)(m), (c), 0, (last), 0}

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
	int times[4];

	assert_int_equal(events_new(old, 3, cur, 4, idx, times), 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 3);
	assert_int_equal(times[0], 1);
	assert_int_equal(times[1], 1);
	assert_int_equal(times[2], 1);
	/* the same list again: nothing new */
	assert_int_equal(events_new(cur, 4, cur, 4, idx, NULL), 0);
	/* nothing seen before: all new; nothing now: none */
	assert_int_equal(events_new(NULL, 0, cur, 4, idx, NULL), 4);
	assert_int_equal(events_new(old, 3, NULL, 0, idx, NULL), 0);
}

static void
test_same_words_different_message(void **state)
{
	struct fm_event old[] = {EV("Normal", "Started", "Started container a", 1, 100)};
	struct fm_event cur[] = {EV("Normal", "Started", "Started container b", 1, 100),
				 EV(NULL, NULL, NULL, 1, 100)};
	size_t idx[2];

	assert_int_equal(events_new(old, 1, cur, 2, idx, NULL), 2);
	assert_int_equal(events_new(cur, 2, cur, 2, idx, NULL), 0);
}

/* What a badge adds for one relisting: every occurrence since the last
 * listing, by kind (group_events.c sums times[] this way). */
static void
tally(const struct fm_event *old, size_t nold, const struct fm_event *cur, size_t ncur,
      int *warnings, int *restarts)
{
	size_t idx[16];
	int times[16];
	size_t k = events_new(old, nold, cur, ncur, idx, times);

	*warnings = *restarts = 0;
	for (size_t j = 0; j < k; j++) {
		enum event_kind kind = events_kind(&cur[idx[j]]);

		*warnings += kind == EVENT_WARNING ? times[j] : 0;
		*restarts += kind == EVENT_RESTART ? times[j] : 0;
	}
}

/* ECI keeps one event for its repeats and counts them: the badge counts
 * occurrences, not kinds (a new user saw !1 for BackOff ×5). */
static void
test_badge_counts_occurrences(void **state)
{
	/* DescribeContainerGroups' Events, 15 s apart, as fleetsim and ECI
	 * give them for a container in CrashLoopBackOff. */
	struct fm_event t0[] = {
	    EV("Normal", "Started", "Started container app", 1, 100),
	    EV("Warning", "BackOff", "Back-off restarting failed container", 2, 110),
	};
	struct fm_event t1[] = {
	    EV("Normal", "Started", "Started container app", 3, 140),
	    EV("Warning", "BackOff", "Back-off restarting failed container", 5, 145),
	    EV("Warning", "OOMKilling", "Memory cgroup out of memory", 1, 141),
	};
	struct fm_event fresh[] = {
	    EV("Warning", "FailedScheduling", "0/3 nodes are available", 4, 200),
	};
	int w, r;
	size_t idx[3];
	int times[3];

	/* Started 1 → 3: two restarts; BackOff 2 → 5: three; OOM new: one */
	tally(t0, 2, t1, 3, &w, &r);
	assert_int_equal(w, 3 + 1);
	assert_int_equal(r, 2);
	assert_int_equal(events_new(t0, 2, t1, 3, idx, times), 3);
	assert_int_equal(times[0], 2);
	assert_int_equal(times[1], 3);
	assert_int_equal(times[2], 1);
	/* the same answer again: nothing */
	tally(t1, 3, t1, 3, &w, &r);
	assert_int_equal(w + r, 0);
	/* an event not seen before, already counted 4 times: 4 */
	tally(NULL, 0, fresh, 1, &w, &r);
	assert_int_equal(w, 4);
	/* a count that went down (an event that fell off and came back
	 * later): once */
	{
		struct fm_event back[] = {EV("Warning", "BackOff", "Back-off restarting failed container", 1, 300)};

		tally(t1, 3, back, 1, &w, &r);
		assert_int_equal(w, 1);
	}
}

/* An engine that says each occurrence apart (Docker): the same words
 * twice are two events, told apart by their times. */
static void
test_occurrences_apart(void **state)
{
	struct fm_event old[] = {
	    EV("Warning", "Died", "died, exit code 3", 1, 100),
	    EV("Normal", "Restarted", "restarted", 1, 101),
	};
	struct fm_event cur[] = {
	    EV("Warning", "Died", "died, exit code 3", 1, 100),
	    EV("Normal", "Restarted", "restarted", 1, 101),
	    EV("Warning", "Died", "died, exit code 3", 1, 200),
	    EV("Normal", "Restarted", "restarted", 1, 201),
	    EV("Warning", "Died", "died, exit code 3", 1, 300),
	};
	size_t idx[5];
	int times[5], w, r;

	assert_int_equal(events_new(old, 2, cur, 5, idx, times), 3);
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 3);
	assert_int_equal(idx[2], 4);
	tally(old, 2, cur, 5, &w, &r);
	assert_int_equal(w, 2);
	assert_int_equal(r, 1);
	/* seen in full: nothing new */
	assert_int_equal(events_new(cur, 5, cur, 5, idx, times), 0);
	/* the oldest fell off the bounded record: still nothing new */
	assert_int_equal(events_new(cur, 5, cur + 1, 4, idx, times), 0);
}

/* What the backend kept from before fleetmux looked is shown, not news. */
static void
test_past_is_not_news(void **state)
{
	struct fm_event cur[] = {
	    {(char *)"Warning", (char *)"Died", (char *)"died, exit code 1", 1, 50, 50, 1},
	    EV("Warning", "Died", "died, exit code 2", 1, 150),
	};
	size_t idx[2];

	assert_int_equal(events_new(NULL, 0, cur, 2, idx, NULL), 1);
	assert_int_equal(idx[0], 1);
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
	{
		struct fm_event restarted = EV("Normal", "Restarted", "restarted", 1, 0);

		assert_int_equal(events_kind(&restarted), EVENT_RESTART);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_since_last_listing),
	    cmocka_unit_test(test_same_words_different_message),
	    cmocka_unit_test(test_badge_counts_occurrences),
	    cmocka_unit_test(test_occurrences_apart),
	    cmocka_unit_test(test_past_is_not_news),
	    cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
