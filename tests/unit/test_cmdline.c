/* test_cmdline.c: the command prompt's lines: words, names and their
 * words resolved (or why not), Tab's completion, the history; and every
 * command has its function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/cmdline.h"
#include "fleetmux/layout.h"
#include "../../src/ui/tui.h"

static void
test_split(void **state)
{
	struct cmdline c;
	char why[100];
	char many[200] = "";

	assert_int_equal(cmdline_split("  open  a/b/c 'two words' \"q\\\"x\" back\\ slash ", &c, why,
				       sizeof why), 0);
	assert_int_equal(c.argc, 5);
	assert_string_equal(c.argv[0], "open");
	assert_string_equal(c.argv[1], "a/b/c");
	assert_string_equal(c.argv[2], "two words");
	assert_string_equal(c.argv[3], "q\"x");
	assert_string_equal(c.argv[4], "back slash");
	assert_int_equal(c.at[1], 8);
	assert_null(c.rest);
	/* after --, the line as typed */
	assert_int_equal(cmdline_split("run --   uptime; echo 'a  b' --x", &c, why, sizeof why), 0);
	assert_int_equal(c.argc, 1);
	assert_string_equal(c.rest, "uptime; echo 'a  b' --x");
	/* --x is a word */
	assert_int_equal(cmdline_split("x --y", &c, why, sizeof why), 0);
	assert_int_equal(c.argc, 2);
	assert_int_equal(cmdline_split("", &c, why, sizeof why), 0);
	assert_int_equal(c.argc, 0);
	assert_int_equal(cmdline_split("open 'a/b", &c, why, sizeof why), -1);
	assert_string_equal(why, "a ' is not closed");
	for (int i = 0; i < CMDLINE_MAX_WORDS + 1; i++)
		strcat(many, "w ");
	assert_int_equal(cmdline_split(many, &c, why, sizeof why), -1);
	assert_non_null(strstr(why, "more than"));
}

/* Resolve line; returns 0 or -1, why in why. */
static int
resolve(const char *line, struct cmdline *c, struct command_call *call, char *why)
{
	if (cmdline_split(line, c, why, 200) < 0)
		return -1;
	return command_resolve(c, call, why, 200);
}

static void
test_resolve(void **state)
{
	struct cmdline c;
	struct command_call k;
	char why[200];

	assert_int_equal(resolve("layout main-vertical", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_LAYOUT);
	assert_int_equal(k.layout, LAYOUT_MAIN_VERTICAL);
	/* without words, the action */
	assert_int_equal(resolve("layout", &c, &k, why), 0);
	assert_int_equal(k.cmd, -1);
	assert_int_equal(k.act, ACT_NEXT_LAYOUT);
	assert_int_equal(resolve("zoom", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_ZOOM);
	/* a unique beginning */
	assert_int_equal(resolve("zo", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_ZOOM);
	assert_int_equal(resolve("lay even-vertical", &c, &k, why), 0);
	assert_int_equal(k.layout, LAYOUT_EVEN_VERTICAL);
	assert_int_equal(resolve("broadcast on", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_BROADCAST);
	assert_int_equal(k.on, 1);
	assert_int_equal(resolve("record off", &c, &k, why), 0);
	assert_int_equal(k.on, 0);
	assert_int_equal(resolve("run -- uptime -p", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_RUN);
	assert_string_equal(k.rest, "uptime -p");
	assert_int_equal(resolve("run  uname -a", &c, &k, why), 0);
	assert_string_equal(k.rest, "uname -a");
	assert_int_equal(resolve("run", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_RUN);
	/* A regular expression as typed: backslashes and blanks kept. */
	assert_int_equal(resolve("log-exclude ^a\\.b  [0-9]+$", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_LOG_EXCLUDE);
	assert_string_equal(k.rest, "^a\\.b  [0-9]+$");
	assert_int_equal(resolve("log-highlight", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_LOG_HIGHLIGHT);
	assert_null(k.rest);
	assert_int_equal(resolve("log-inc x", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_LOG_INCLUDE);
	assert_int_equal(resolve("open cn-hangzhou/web/nginx local/db", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_OPEN);
	assert_int_equal(k.argc, 2);
	assert_string_equal(k.argv[1], "local/db");
	assert_int_equal(resolve("kill-pane 2", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_KILL_PANE);
	assert_int_equal(k.pane, 2);
	assert_int_equal(resolve("kill-pane", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_CLOSE_PANE);
	assert_int_equal(resolve("filter app=web", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_FILTER);
	assert_int_equal(resolve("filter", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_FILTER);
	assert_int_equal(resolve("theme light", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_THEME);
	assert_int_equal(resolve("help zoom", &c, &k, why), 0);
	assert_int_equal(k.cmd, CMD_HELP);
	assert_int_equal(resolve("   ", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_NONE);
	assert_int_equal(k.cmd, -1);
	assert_int_equal(resolve("sidebar-refresh", &c, &k, why), 0);
	assert_int_equal(k.act, ACT_SB_REFRESH);

	/* what is wrong, in words */
	assert_int_equal(resolve("frobnicate", &c, &k, why), -FM_ENOTFOUND);
	assert_string_equal(why, "unknown command 'frobnicate'");
	assert_int_equal(resolve("foc", &c, &k, why), -FM_ENOTFOUND);
	assert_non_null(strstr(why, "'foc' could be focus-"));
	assert_int_equal(resolve("layout spiral", &c, &k, why), -1);
	assert_string_equal(why, "no layout 'spiral': tiled, even-horizontal, even-vertical or "
				 "main-vertical");
	assert_int_equal(resolve("layout tiled tiled", &c, &k, why), -1);
	assert_string_equal(why, "layout takes [NAME], not 'tiled'");
	assert_int_equal(resolve("zoom 3", &c, &k, why), -1);
	assert_string_equal(why, "zoom takes no words");
	assert_int_equal(resolve("broadcast maybe", &c, &k, why), -1);
	assert_string_equal(why, "broadcast wants on or off, not 'maybe'");
	assert_int_equal(resolve("open", &c, &k, why), -1);
	assert_string_equal(why, "open wants REGION/GROUP/CONTAINER...");
	assert_int_equal(resolve("theme", &c, &k, why), -1);
	assert_int_equal(resolve("kill-pane two", &c, &k, why), -1);
	assert_string_equal(why, "kill-pane wants a pane's number, not 'two'");
	assert_int_equal(resolve("layout -- x", &c, &k, why), -1);
	assert_int_equal(resolve("-- uptime", &c, &k, why), -1);
	assert_int_equal(resolve("none", &c, &k, why), -FM_ENOTFOUND); /* not a thing to run */
}

/* Every command runs; one named as an action runs that action alone. */
static void
test_commands_table(void **state)
{
	const char *names[CMDLINE_NAMES_MAX];
	size_t n = command_names(names, CMDLINE_NAMES_MAX);

	for (int c = 0; c < CMD_COUNT; c++) {
		const struct command_spec *s = command_spec(c);
		enum action same = action_from_name(s->name);

		if (!commands_runs(c))
			fail_msg("command %s has no function in commands.c", s->name);
		if (same != ACT_NONE && s->act != same)
			fail_msg("command %s is an action's name, and runs another alone", s->name);
		assert_int_equal(command_from_name(s->name), c);
		assert_non_null(s->help);
		assert_non_null(s->args);
	}
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0); /* sorted, each once */
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		int found = 0;

		for (size_t i = 0; i < n; i++)
			found |= strcmp(names[i], action_name(a)) == 0;
		assert_true(found);
	}
}

static void
test_complete(void **state)
{
	const char *names[CMDLINE_NAMES_MAX], *layouts[8];
	size_t n = command_names(names, CMDLINE_NAMES_MAX);
	size_t nl = command_choices(COMPLETE_LAYOUT, layouts, 8);
	const char *targets[] = {"cn-hangzhou/web/nginx", "cn-hangzhou/web/sidecar", "cn-shanghai/db",
				 "cn-hangzhou/api/api"};
	char line[256], hint[256], first[32];

	strcpy(line, "lay");
	assert_int_equal(cmdline_complete_word(line, sizeof line, names, n, hint, sizeof hint), 1);
	assert_string_equal(line, "layout ");
	assert_string_equal(hint, "");
	assert_int_equal(cmdline_word_index(line, first, sizeof first), 1);
	assert_string_equal(first, "layout");
	assert_int_equal(nl, LAYOUT_COUNT);
	strcpy(line, "layout e");
	assert_int_equal(cmdline_complete_word(line, sizeof line, layouts, nl, hint, sizeof hint), 2);
	assert_string_equal(line, "layout even-");
	assert_string_equal(hint, "even-horizontal even-vertical");
	strcpy(line, "layout even-v");
	cmdline_complete_word(line, sizeof line, layouts, nl, hint, sizeof hint);
	assert_string_equal(line, "layout even-vertical ");
	/* names: the common beginning, and what could follow */
	strcpy(line, "sidebar-p");
	assert_int_equal(cmdline_complete_word(line, sizeof line, names, n, hint, sizeof hint), 2);
	assert_string_equal(line, "sidebar-page-");
	assert_string_equal(hint, "sidebar-page-down sidebar-page-up");
	strcpy(line, "xyz");
	assert_int_equal(cmdline_complete_word(line, sizeof line, names, n, hint, sizeof hint), 0);
	assert_string_equal(line, "xyz");
	assert_string_equal(hint, "nothing fits 'xyz'");
	/* targets, a part at a time: no blank after a '/' */
	strcpy(line, "open cn-h");
	assert_int_equal(cmdline_complete_word(line, sizeof line, targets, 4, hint, sizeof hint), 3);
	assert_string_equal(line, "open cn-hangzhou/");
	assert_string_equal(hint, "api/ web/");
	strcpy(line, "open cn-hangzhou/");
	cmdline_complete_word(line, sizeof line, targets, 4, hint, sizeof hint);
	assert_string_equal(hint, "api/ web/");
	strcpy(line, "open cn-hangzhou/w");
	cmdline_complete_word(line, sizeof line, targets, 4, hint, sizeof hint);
	assert_string_equal(line, "open cn-hangzhou/web/");
	assert_string_equal(hint, "nginx sidecar");
	strcpy(line, "open cn-s");
	cmdline_complete_word(line, sizeof line, targets, 4, hint, sizeof hint);
	assert_string_equal(line, "open cn-shanghai/db ");
	/* an empty word after a blank: every candidate */
	strcpy(line, "layout ");
	assert_int_equal(cmdline_word_index(line, first, sizeof first), 1);
	assert_int_equal(cmdline_complete_word(line, sizeof line, layouts, nl, hint, sizeof hint),
			 LAYOUT_COUNT);
	assert_string_equal(hint, "even-horizontal even-vertical main-vertical tiled");
	assert_int_equal(cmdline_word_index("", first, sizeof first), 0);
	assert_int_equal(cmdline_word_index("zo", first, sizeof first), 0);
	assert_int_equal(cmdline_word_index("run -- up", first, sizeof first), -1);
	/* a line that has no room keeps what it has */
	strcpy(line, "lay");
	cmdline_complete_word(line, 5, names, n, hint, sizeof hint);
	assert_string_equal(line, "lay");
}

static void
test_history(void **state)
{
	struct history h = {0};
	char line[16];

	history_reset(&h);
	assert_null(history_move(&h, -1, "typed"));
	history_add(&h, "layout tiled");
	history_add(&h, "zoom");
	history_add(&h, "zoom"); /* the same again is kept once */
	history_add(&h, "");
	assert_int_equal(h.n, 2);
	history_reset(&h);
	assert_string_equal(history_move(&h, -1, "half"), "zoom");
	assert_string_equal(history_move(&h, -1, "zoom"), "layout tiled");
	assert_null(history_move(&h, -1, "layout tiled"));
	assert_string_equal(history_move(&h, 1, "layout tiled"), "zoom");
	assert_string_equal(history_move(&h, 1, "zoom"), "half"); /* what was being typed */
	assert_null(history_move(&h, 1, "half"));
	for (int i = 0; i < HISTORY_KEPT + 5; i++) {
		snprintf(line, sizeof line, "l%d", i);
		history_add(&h, line);
	}
	assert_int_equal(h.n, HISTORY_KEPT);
	assert_string_equal(h.v[0], "l5");
	history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_commands_table),
	    cmocka_unit_test(test_complete),
	    cmocka_unit_test(test_history),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
