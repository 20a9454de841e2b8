/* test_prompt.c: the status line's prompt. A y/n question is answered by
 * one key, only y (or Y) meaning yes; Escape on a typed prompt closes it
 * without handing anything over (C-b ! then Escape runs nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "fleetmux/prompt.h"

static char answered[64];
static int calls;

static void
done(void *arg, const char *text)
{
	snprintf(answered, sizeof answered, "%s", text);
	calls++;
}

static void
test_one_key_answers(void **state)
{
	struct prompt pr;
	const wint_t no[] = {'n', 'q', 27, ' ', '\r'};

	memset(&pr, 0, sizeof pr);
	calls = 0;
	prompt_ask(&pr, "quit? 2 live sessions will end (y/n)", done, NULL);
	assert_true(pr.active);
	assert_true(pr.one_key);
	prompt_key(&pr, 'y', 0);
	assert_false(pr.active);
	assert_int_equal(calls, 1);
	assert_string_equal(answered, "y");
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		prompt_ask(&pr, "quit?", done, NULL);
		prompt_key(&pr, no[i], 0);
		assert_false(pr.active);
	}
	prompt_ask(&pr, "quit?", done, NULL);
	prompt_key(&pr, KEY_UP, 1);
	assert_false(pr.active);
	assert_int_equal(calls, 1);
	prompt_ask(&pr, "quit?", done, NULL);
	prompt_key(&pr, 'Y', 0);
	assert_int_equal(calls, 2);
}

static void
test_typed_prompt_escape_and_enter(void **state)
{
	struct prompt pr;

	memset(&pr, 0, sizeof pr);
	calls = 0;
	prompt_open(&pr, "run on 2 marked containers: ", done, NULL);
	assert_false(pr.one_key);
	prompt_key(&pr, 'e', 0);
	prompt_key(&pr, 'y', 0); /* typed, not an answer */
	assert_true(pr.active);
	assert_string_equal(pr.text, "ey");
	prompt_key(&pr, 27, 0);
	assert_false(pr.active);
	assert_int_equal(calls, 0);
	prompt_open(&pr, "run: ", done, NULL);
	prompt_key(&pr, 'l', 0);
	prompt_key(&pr, 's', 0);
	prompt_key(&pr, '\r', 0);
	assert_false(pr.active);
	assert_int_equal(calls, 1);
	assert_string_equal(answered, "ls");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_key_answers),
	    cmocka_unit_test(test_typed_prompt_escape_and_enter),
	};

	return cmocka_run_group_tests_name("prompt", tests, NULL, NULL);
}
