/* test_keymap.c: key names and the default tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ncurses.h>
#include <string.h>

#include "fleetmux/keymap.h"

static void
test_names(void **state)
{
	char n[16];

	assert_int_equal(key_from_name("C-b"), 2);
	assert_int_equal(key_from_name("C-a"), 1);
	assert_int_equal(key_from_name("z"), 'z');
	assert_int_equal(key_from_name("Space"), ' ');
	assert_int_equal(key_from_name("Left"), KEYMAP_FN | KEY_LEFT);
	assert_int_equal(key_from_name("F5"), KEYMAP_FN | KEY_F(5));
	assert_int_equal(key_from_name("C-1"), -1);
	assert_int_equal(key_from_name(""), -1);
	assert_int_equal(key_from_name("Bogus"), -1);
	keymap_key_name(2, n, sizeof n);
	assert_string_equal(n, "C-b");
	keymap_key_name(KEYMAP_FN | KEY_LEFT, n, sizeof n);
	assert_string_equal(n, "Left");
	assert_int_equal(action_from_name("zoom"), ACT_ZOOM);
	assert_string_equal(action_name(ACT_NEXT_LAYOUT), "next-layout");
	assert_int_equal(action_from_name("no-such-action"), ACT_NONE);
}

static void
test_default_tables(void **state)
{
	struct keytable p, s;

	keytable_init(&p);
	keytable_init(&s);
	keytable_default_prefix(&p);
	keytable_default_sidebar(&s);
	assert_int_equal(keytable_lookup(&p, 'z'), ACT_ZOOM);
	assert_int_equal(keytable_lookup(&p, 'x'), ACT_CLOSE_PANE);
	assert_int_equal(keytable_lookup(&p, ' '), ACT_NEXT_LAYOUT);
	assert_int_equal(keytable_lookup(&p, '\t'), ACT_SWITCH_SIDE);
	assert_int_equal(keytable_lookup(&p, 'q'), ACT_SHOW_NUMBERS);
	assert_int_equal(keytable_lookup(&p, 'd'), ACT_DETACH);
	assert_int_equal(keytable_lookup(&p, 'Q'), ACT_QUIT);
	assert_int_equal(keytable_lookup(&p, 2), ACT_SEND_PREFIX);
	assert_int_equal(keytable_lookup(&p, 'h'), ACT_FOCUS_LEFT);
	assert_int_equal(keytable_lookup(&p, KEYMAP_FN | KEY_DOWN), ACT_FOCUS_DOWN);
	assert_int_equal(keytable_lookup(&p, '3'), ACT_FOCUS_3);
	assert_int_equal(keytable_lookup(&s, '\r'), ACT_SB_OPEN);
	assert_int_equal(keytable_lookup(&s, ' '), ACT_SB_MARK);
	assert_int_equal(keytable_lookup(&s, 'o'), ACT_SB_OPEN_MARKED);
	assert_int_equal(keytable_lookup(&s, '/'), ACT_SB_FILTER);
	assert_int_equal(keytable_lookup(&s, 'Q'), ACT_NONE);
	/* Rebinding replaces, as a config file will. */
	keytable_bind(&p, 'z', ACT_CLOSE_PANE);
	assert_int_equal(keytable_lookup(&p, 'z'), ACT_CLOSE_PANE);
	keytable_free(&p);
	keytable_free(&s);
}

/* What the status line and messages tell the user to type follows the
 * prefix and the bindings the config chose. */
static void
test_hints_follow_the_config(void **state)
{
	struct keytable p, s;
	char hint[32];

	keytable_init(&p);
	keytable_init(&s);
	keytable_default_prefix(&p);
	keytable_default_sidebar(&s);
	keytable_hint(&p, KEYMAP_CTRL('b'), ACT_DETACH, hint, sizeof hint);
	assert_string_equal(hint, "C-b d");
	keytable_hint(&p, KEYMAP_CTRL('a'), ACT_QUIT, hint, sizeof hint);
	assert_string_equal(hint, "C-a Q");
	keytable_bind(&p, 'Q', ACT_NONE);
	keytable_bind(&p, 'X', ACT_QUIT);
	keytable_hint(&p, KEYMAP_CTRL('a'), ACT_QUIT, hint, sizeof hint);
	assert_string_equal(hint, "C-a X");
	keytable_hint(&p, KEYMAP_CTRL('a'), ACT_SB_MARK, hint, sizeof hint);
	assert_string_equal(hint, "");
	keytable_hint(&s, -1, ACT_SB_MARK_ALL, hint, sizeof hint);
	assert_string_equal(hint, "a");
	keytable_hint(&p, KEYMAP_CTRL('b'), ACT_SIDEBAR_WIDER, hint, sizeof hint);
	assert_string_equal(hint, "C-b >");
	keytable_free(&p);
	keytable_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_default_tables),
	    cmocka_unit_test(test_hints_follow_the_config),
	};

	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
