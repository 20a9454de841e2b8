/* test_keyhelp.c: the help's rows are the key tables as bound (a rebound
 * key, another prefix), every action is in them, copy mode's listed keys
 * are the ones copy mode takes, and README.md's and fleetmux(1)'s key
 * tables are what make keydoc writes from them. Run from the repository's
 * root (tests/run.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/keyhelp.h"
#include "fleetmux/modekeys.h"
#include "fleetmux/pane.h"

static const struct keyhelp_row *
row_named(const struct keyhelp *h, const char *name, int group)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].name, name) == 0 && (group < 0 || (int)h->v[i].group == group))
			return &h->v[i];
	return NULL;
}

static void
defaults(struct keytable *p, struct keytable *s)
{
	keytable_init(p);
	keytable_init(s);
	keytable_default_prefix(p);
	keytable_default_sidebar(s);
}

static void
test_every_action_has_a_group_and_a_row(void **state)
{
	struct keytable p, s;
	struct keyhelp h;

	defaults(&p, &s);
	keyhelp_build(&h, &p, &s, KEYMAP_CTRL('b'));
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		if (key_group_of(a) < 0)
			fail_msg("action %s is in no group: add it to keyhelp.c's action_groups",
				 action_name(a));
		if (a >= ACT_FOCUS_1 && a <= ACT_FOCUS_9)
			continue; /* one row: "C-b 1 … C-b 9" */
		if (row_named(&h, action_name(a), -1) == NULL)
			fail_msg("action %s has no row in the help", action_name(a));
	}
	assert_non_null(row_named(&h, "focus-1 … focus-9", KG_PANES));
	assert_string_equal(row_named(&h, "focus-1 … focus-9", KG_PANES)->keys, "C-b 1 … C-b 9");
	keyhelp_free(&h);
	keytable_free(&p);
	keytable_free(&s);
}

static void
test_default_rows(void **state)
{
	struct keytable p, s;
	struct keyhelp h;

	defaults(&p, &s);
	keyhelp_build(&h, &p, &s, KEYMAP_CTRL('b'));
	/* C-b ! was documented nowhere */
	assert_string_equal(row_named(&h, "run", KG_BROADCAST)->keys, "C-b !");
	assert_string_equal(row_named(&h, "focus-left", KG_PANES)->keys, "C-b Left, C-b h");
	/* Tab: C-b Tab from a pane, plain Tab in the sidebar */
	assert_string_equal(row_named(&h, "switch-side", KG_PANES)->keys, "C-b Tab");
	assert_string_equal(row_named(&h, "switch-side", KG_SIDEBAR)->keys, "Tab");
	assert_string_equal(row_named(&h, "list-keys", KG_GENERAL)->keys, "C-b ?");
	assert_string_equal(row_named(&h, "list-keys", KG_SIDEBAR)->keys, "?");
	assert_string_equal(row_named(&h, "command-prompt", KG_GENERAL)->keys, "C-b :");
	assert_string_equal(row_named(&h, "show-messages", KG_GENERAL)->keys, "C-b ~");
	assert_string_equal(row_named(&h, "send-prefix", KG_GENERAL)->keys, "C-b C-b");
	assert_string_equal(row_named(&h, "sidebar-up", KG_SIDEBAR)->help, "up");
	/* commands with words */
	assert_string_equal(row_named(&h, "layout", KG_COMMANDS)->keys, ":layout [NAME]");
	assert_true(keyhelp_row_matches(row_named(&h, "zoom", -1), "ZOOM"));
	assert_true(keyhelp_row_matches(row_named(&h, "zoom", -1), "C-b z"));
	assert_true(keyhelp_row_matches(row_named(&h, "zoom", -1), "layout")); /* its group */
	assert_false(keyhelp_row_matches(row_named(&h, "zoom", -1), "sidebar"));
	keyhelp_free(&h);
	keytable_free(&p);
	keytable_free(&s);
}

/* As app_init binds them: prefix = C-a and [keys] v = zoom, x = none. */
static void
test_rebound_keys_and_prefix(void **state)
{
	struct keytable p, s;
	struct keyhelp h;

	defaults(&p, &s);
	keytable_bind(&p, KEYMAP_CTRL('b'), ACT_NONE);
	keytable_bind(&p, KEYMAP_CTRL('a'), ACT_SEND_PREFIX);
	keytable_bind(&p, 'v', ACT_ZOOM);
	keytable_bind(&p, 'x', ACT_NONE);
	keytable_bind(&s, 'Z', ACT_ZOOM);
	keyhelp_build(&h, &p, &s, KEYMAP_CTRL('a'));
	assert_string_equal(row_named(&h, "zoom", KG_LAYOUT)->keys, "C-a z, C-a v");
	assert_string_equal(row_named(&h, "zoom", KG_SIDEBAR)->keys, "Z");
	assert_string_equal(row_named(&h, "send-prefix", KG_GENERAL)->keys, "C-a C-a");
	assert_string_equal(row_named(&h, "focus-1 … focus-9", KG_PANES)->keys, "C-a 1 … C-a 9");
	/* unbound: listed, for C-a : to run it by name */
	assert_string_equal(row_named(&h, "close-pane", KG_PANES)->keys, "");
	for (size_t i = 0; i < h.n; i++)
		if (strstr(h.v[i].keys, "C-b") != NULL)
			fail_msg("row %s still says C-b: %s", h.v[i].name, h.v[i].keys);
	keyhelp_free(&h);
	/* a digit bound elsewhere: the pane keys are listed one by one */
	keytable_bind(&p, '3', ACT_ZOOM);
	keyhelp_build(&h, &p, &s, KEYMAP_CTRL('a'));
	assert_null(row_named(&h, "focus-1 … focus-9", -1));
	assert_string_equal(row_named(&h, "focus-2", KG_PANES)->keys, "C-a 2");
	assert_string_equal(row_named(&h, "focus-3", KG_PANES)->keys, "");
	assert_string_equal(row_named(&h, "zoom", KG_LAYOUT)->keys, "C-a z, C-a 3, C-a v"); /* in the table's order */
	keyhelp_free(&h);
	keytable_free(&p);
	keytable_free(&s);
}

static char *
file(const char *path)
{
	size_t len;
	char *text = fm_read_file(path, 1 << 22, &len);

	if (text == NULL)
		fail_msg("cannot read %s (run from the repository's root): %s", path, fm_error_message());
	return text;
}

/* The documents hold what make keydoc writes from the key tables. */
static void
check_doc(const char *path, int roff)
{
	char *text = file(path), *want;
	struct buf body;

	buf_init(&body);
	keyhelp_default_doc(&body, roff);
	want = keyhelp_splice(text, roff ? KEYHELP_ROFF_BEGIN : KEYHELP_MD_BEGIN,
			      roff ? KEYHELP_ROFF_END : KEYHELP_MD_END, body.data);
	if (want == NULL)
		fail_msg("%s has lost its \"keys: begin\" or \"keys: end\" line", path);
	if (strcmp(want, text) != 0)
		fail_msg("%s's key tables are not the key tables': run make keydoc", path);
	buf_free(&body);
	free(want);
	free(text);
}

static void
test_readme_and_man_are_the_tables(void **state)
{
	struct buf md, roff;

	check_doc("README.md", 0);
	check_doc("man/fleetmux.1", 1);
	buf_init(&md);
	buf_init(&roff);
	keyhelp_default_doc(&md, 0);
	keyhelp_default_doc(&roff, 1);
	assert_non_null(strstr(md.data, "| `C-b !` | `run` |"));
	assert_non_null(strstr(md.data, "| `C-b Tab` | `switch-side` |"));
	assert_non_null(strstr(md.data, "| `:broadcast [on\\|off]` | `broadcast` |"));
	assert_non_null(strstr(roff.data, ".TP\n\\fBC\\-b !\\fR\n\\fIrun\\fR \\(em "));
	buf_free(&md);
	buf_free(&roff);
}

static void
test_splice(void **state)
{
	char *s = keyhelp_splice("a\n<!-- keys: begin x -->\nold\nold\n<!-- keys: end -->\nb\n",
				 KEYHELP_MD_BEGIN, KEYHELP_MD_END, "new\n");

	assert_string_equal(s, "a\n<!-- keys: begin x -->\nnew\n<!-- keys: end -->\nb\n");
	free(s);
	assert_null(keyhelp_splice("no markers\n", KEYHELP_MD_BEGIN, KEYHELP_MD_END, ""));
	assert_null(keyhelp_splice("<!-- keys: begin\nno end\n", KEYHELP_MD_BEGIN, KEYHELP_MD_END, ""));
}

/* --- copy mode: the keys listed are the keys it takes --- */

struct seen {
	int active, cy, cx, selecting, prompt;
	long top;
};

static struct seen
seen(const struct pane *p)
{
	return (struct seen){p->copy.active, p->copy.cy, p->copy.cx, p->copy.selecting, p->copy.prompt,
			     p->copy.top};
}

/* A pane in copy mode in the middle of 60 lines, on a column inside one,
 * with a search that finds every line either way. */
static struct pane *
copying(uv_loop_t *loop)
{
	struct pane *p = pane_new(loop, 5, 20, 100);
	char line[32];

	for (int i = 1; i <= 60; i++) {
		snprintf(line, sizeof line, "row-%d word\r\n", i);
		pane_feed(p, (const unsigned char *)line, strlen(line));
	}
	copy_enter(p);
	copy_move(p, -30, 0);
	p->copy.cx = 3;
	snprintf(p->copy.search, sizeof p->copy.search, "row");
	p->copy.dir = 1;
	return p;
}

/* Does the key change copy mode? */
static int
takes(uv_loop_t *loop, int key)
{
	struct pane *p = copying(loop);
	struct seen before = seen(p), after;
	char *copied = NULL;
	int is_key = (key & KEYMAP_FN) != 0;

	copy_key(p, is_key ? (wint_t)(key & ~KEYMAP_FN) : (wint_t)key, is_key, &copied);
	after = seen(p);
	free(copied);
	pane_free(p);
	return memcmp(&before, &after, sizeof before) != 0;
}

static void
test_copy_keys_listed_are_copy_modes(void **state)
{
	uv_loop_t loop;
	struct keytable p, s;
	struct keyhelp h;
	char listed[256] = {0};
	int fn[] = {KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END,
		    KEY_IC, KEY_DC, KEY_F(1), KEY_BACKSPACE};
	size_t nlisted = 0;

	uv_loop_init(&loop);
	defaults(&p, &s);
	keyhelp_build(&h, &p, &s, KEYMAP_CTRL('b'));
	for (size_t i = 0; i < h.n; i++) {
		char *keys, *save = NULL;

		if (h.v[i].group != KG_COPY || h.v[i].name[0] != '\0')
			continue;
		keys = xstrdup(h.v[i].keys);
		for (char *k = strtok_r(keys, " ,", &save); k; k = strtok_r(NULL, " ,", &save)) {
			int key = key_from_name(k);

			if (key < 0)
				fail_msg("copy mode's help names '%s', which is not a key", k);
			if (!takes(&loop, key))
				fail_msg("the help says copy mode takes %s, and it does nothing", k);
			if (key & KEYMAP_FN) {
				for (size_t f = 0; f < sizeof fn / sizeof fn[0]; f++)
					if (fn[f] == (key & ~KEYMAP_FN))
						fn[f] = -1;
			} else {
				listed[key & 0xff] = 1;
			}
			nlisted++;
		}
		free(keys);
	}
	assert_true(nlisted >= 20);
	/* Every other key does nothing: a key copy mode learns is listed. (C-j
	 * is Enter, from terminals that send it.) */
	for (int ch = 1; ch < 0x7f; ch++)
		if (!listed[ch] && ch != '\n' && takes(&loop, ch)) {
			char name[16];

			keymap_key_name(ch, name, sizeof name);
			fail_msg("copy mode takes %s, and its help does not list it", name);
		}
	for (size_t f = 0; f < sizeof fn / sizeof fn[0]; f++)
		if (fn[f] >= 0 && takes(&loop, KEYMAP_FN | fn[f]))
			fail_msg("copy mode takes key code %d, and its help does not list it", fn[f]);
	keyhelp_free(&h);
	keytable_free(&p);
	keytable_free(&s);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_loop_close(&loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_action_has_a_group_and_a_row),
	    cmocka_unit_test(test_default_rows),
	    cmocka_unit_test(test_rebound_keys_and_prefix),
	    cmocka_unit_test(test_readme_and_man_are_the_tables),
	    cmocka_unit_test(test_splice),
	    cmocka_unit_test(test_copy_keys_listed_are_copy_modes),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("keyhelp", tests, NULL, NULL);
}
