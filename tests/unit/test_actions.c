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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
