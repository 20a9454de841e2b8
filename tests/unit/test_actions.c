/* test_actions.c: every action a key table can name can also be run by
 * that name, and has a line of help (what a help overlay or a command
 * prompt lists). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/ui/tui.h"

static void
test_every_action_has_help(void **state)
{
	for (int act = ACT_NONE + 1; act < ACT_COUNT; act++) {
		const char *help = actions_help((enum action)act);

		if (help == NULL || *help == '\0')
			fail_msg("action %s has no help (and maybe no function)", action_name(act));
		assert_int_equal(action_from_name(action_name(act)), act);
	}
}

/* A read-only client looks and never changes: what sends to a container,
 * opens, closes, rearranges, records or ends is not a view. */
static void
test_read_only_actions(void **state)
{
	static const enum action change[] = {
	    ACT_SEND_PREFIX, ACT_PASTE, ACT_CLOSE_PANE, ACT_QUIT, ACT_RUN, ACT_RECORD,
	    ACT_RETRY, ACT_BROADCAST, ACT_MARK_PANE, ACT_ZOOM, ACT_NEXT_LAYOUT, ACT_SWAP_NEXT,
	    ACT_SB_OPEN, ACT_SB_OPEN_MARKED, ACT_SB_MARK, ACT_SB_LOGS, ACT_LOG_PANE,
	    ACT_COMMAND_PROMPT, ACT_SB_REFRESH, ACT_TOGGLE_SIDEBAR,
	    /* The writers' view is theirs: focus, the sidebar's cursor and filter. */
	    ACT_FOCUS_NEXT, ACT_FOCUS_3, ACT_SWITCH_SIDE, ACT_CHOOSE_PANE, ACT_SHOW_NUMBERS,
	    ACT_DETAILS, ACT_SB_DOWN, ACT_SB_FILTER,
	};
	static const enum action view[] = {
	    ACT_DETACH, ACT_COPY_MODE, ACT_LIST_KEYS, ACT_SHOW_MESSAGES, ACT_NONE,
	};

	for (size_t i = 0; i < sizeof change / sizeof change[0]; i++)
		assert_false(action_is_view(change[i]));
	for (size_t i = 0; i < sizeof view / sizeof view[0]; i++)
		assert_true(action_is_view(view[i]));
}

static void
test_unknown_name(void **state)
{
	assert_int_equal(actions_run_named(NULL, "no-such-action"), -FM_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_action_has_help),
	    cmocka_unit_test(test_unknown_name),
	    cmocka_unit_test(test_read_only_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
