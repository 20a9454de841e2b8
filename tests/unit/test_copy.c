/* test_copy.c: copy mode on a real pane, through its keys (modekeys.h):
 * what is copied from screen rows and from history (by columns, rows
 * autowrap cut joined), the motions, and the search's matches as drawn
 * into an off-screen ncurses window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/keymap.h"
#include "fleetmux/modekeys.h"
#include "fleetmux/pane.h"

static uv_loop_t loop;
static WINDOW *win;

static int
setup(void **state)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");

	setlocale(LC_ALL, "C.UTF-8");
	uv_loop_init(&loop);
	if (newterm("xterm-256color", out, in) == NULL)
		return -1;
	start_color();
	use_default_colors();
	win = newwin(10, 40, 0, 0);
	return 0;
}

static int
teardown(void **state)
{
	delwin(win);
	endwin();
	return 0;
}

static struct pane *
pane_with(int rows, int cols, const char *s)
{
	struct pane *p = pane_new(&loop, rows, cols, 100);

	pane_feed(p, (const unsigned char *)s, strlen(s));
	pane_draw(p, win, 1);
	return p;
}

static void
done(struct pane *p)
{
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* Keys typed in copy mode ("\x16" is C-v); the last copy, or NULL. */
static char *
keys(struct pane *p, const char *k)
{
	char *copied = NULL;

	for (; *k; k++) {
		free(copied);
		copied = NULL;
		copy_key(p, (wint_t)(unsigned char)*k, 0, &copied);
	}
	return copied;
}

static void
at(struct pane *p, long line, int col)
{
	p->copy.top = 0;
	p->copy.cy = (int)line;
	p->copy.cx = col;
}

#define assert_copies(p, k, want)                                                                  \
	do {                                                                                       \
		char *got_ = keys(p, k);                                                           \
		assert_non_null(got_);                                                             \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
		assert_false((p)->copy.active);                                                    \
	} while (0)

/* é is one column: columns 0-4 of "héllo" are all of it, 0-1 are "hé". */
static void
test_copies_columns_not_bytes(void **state)
{
	struct pane *p = pane_with(5, 20, "h\xc3\xa9llo\r\n\xe4\xb8\xad\xe6\x96\x87" "ab e\xcc\x81x");

	copy_enter(p);
	at(p, 0, 0);
	assert_copies(p, "vllllly", "héllo");
	copy_enter(p);
	at(p, 0, 0);
	assert_copies(p, "vly", "hé");
	/* A wide glyph is one step of two columns, and copied whole. */
	copy_enter(p);
	at(p, 1, 0);
	assert_copies(p, "vly", "中文");
	copy_enter(p);
	at(p, 1, 1); /* its right half */
	assert_copies(p, "vy", "中");
	copy_enter(p);
	at(p, 1, 0);
	keys(p, "$");
	assert_int_equal(p->copy.cx, 8);
	assert_copies(p, "vhy", "e\xcc\x81x"); /* the mark with its e */
	done(p);
}

/* A row autowrap cut is joined to the next without a newline, on the
 * screen and again once both are history. */
static void
test_copies_wrapped_rows_joined(void **state)
{
	struct pane *p = pane_with(4, 10, "first\r\nabcdefghijKLMNO\r\nlast");

	copy_enter(p);
	at(p, 1, 5);
	assert_copies(p, "vjhhhy", "fghijKLM");
	copy_enter(p);
	at(p, 0, 0);
	assert_copies(p, "Vjjjy", "first\nabcdefghijKLMNO\nlast");
	/* $ goes to the end of the text, over the cut. */
	copy_enter(p);
	at(p, 1, 2);
	keys(p, "$");
	assert_int_equal(p->copy.top + p->copy.cy, 2);
	assert_int_equal(p->copy.cx, 4);
	keys(p, "q");
	pane_feed(p, (const unsigned char *)"\r\n1\r\n2\r\n3\r\n4", 12);
	assert_true(p->sb.count >= 4);
	copy_enter(p);
	at(p, 1, 5);
	assert_copies(p, "vjhhhy", "fghijKLM");
	done(p);
}

static void
test_rectangle(void **state)
{
	struct pane *p = pane_with(5, 20, "abcdef\r\n\xe4\xb8\xad\xe6\x96\x87xy\r\n12");

	copy_enter(p);
	at(p, 0, 1);
	assert_copies(p, "rjjlly", "bcd\n中文\n2");
	copy_enter(p);
	at(p, 0, 1);
	assert_copies(p, "\x16jly", "bc\n中文");
	/* v then C-v turns the selection into a rectangle, C-v again ends it. */
	copy_enter(p);
	at(p, 0, 4);
	keys(p, "vj\x16");
	assert_int_equal(p->copy.selecting, COPYTEXT_SEL_RECT);
	keys(p, "\x16");
	assert_int_equal(p->copy.selecting, 0);
	keys(p, "q");
	done(p);
}

static void
test_word_motions(void **state)
{
	struct pane *p = pane_with(5, 30, "ls -la /tmp\r\n  next-line\r\n");

	copy_enter(p);
	at(p, 0, 0);
	keys(p, "w");
	assert_int_equal(p->copy.cx, 3);
	keys(p, "ww");
	assert_int_equal(p->copy.cx, 7);
	keys(p, "w");
	assert_int_equal(p->copy.cx, 8);
	keys(p, "w");
	assert_int_equal(p->copy.cy, 1);
	assert_int_equal(p->copy.cx, 2);
	keys(p, "e");
	assert_int_equal(p->copy.cx, 5);
	keys(p, "b");
	assert_int_equal(p->copy.cx, 2);
	keys(p, "b");
	assert_int_equal(p->copy.cy, 0);
	assert_int_equal(p->copy.cx, 8);
	keys(p, "0");
	assert_int_equal(p->copy.cx, 0);
	keys(p, "j$");
	assert_int_equal(p->copy.cx, 10);
	keys(p, "^");
	assert_int_equal(p->copy.cx, 2);
	assert_copies(p, "vey", "next");
	done(p);
}

/* History full: the oldest lines go as new ones come, and the view and
 * the selection stay on their text. */
static void
test_selection_stays_on_its_text(void **state)
{
	struct pane *p = pane_new(&loop, 3, 20, 5);
	const char *more = "b1\r\nb2\r\n";

	for (int i = 1; i <= 9; i++) {
		char line[16];

		snprintf(line, sizeof line, "a%d\r\n", i);
		pane_feed(p, (const unsigned char *)line, strlen(line));
	}
	assert_int_equal(p->sb.count, 5);
	copy_enter(p);
	p->copy.top = 3; /* "a6": history is a3..a7 */
	p->copy.cy = 0;
	p->copy.cx = 0;
	keys(p, "vj$");
	pane_feed(p, (const unsigned char *)more, strlen(more));
	assert_int_equal(p->copy.top, 1);
	assert_copies(p, "y", "a6\na7");
	done(p);
}

static void
cell_at(int y, int x, attr_t *attrs, short *fg, short *bg)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	short pair;

	assert_int_not_equal(mvwin_wch(win, y, x, &cc), ERR);
	getcchar(&cc, wch, attrs, &pair, NULL);
	pair_content(pair, fg, bg);
}

/* Every match in view is highlighted, the one under the cursor apart; n
 * moves along one line too. */
static void
test_search_matches_drawn(void **state)
{
	struct pane *p = pane_with(5, 30, "foo bar foo\r\n\xe4\xb8\xad" "foo\r\nnone\r\n");
	attr_t a;
	short fg, bg;

	copy_enter(p);
	snprintf(p->copy.search, sizeof p->copy.search, "foo");
	assert_true(copy_search(p, 1)); /* up from the cursor, below them all */
	assert_int_equal(p->copy.cy, 1);
	assert_int_equal(p->copy.cx, 2); /* a column, not the byte 3 */
	pane_draw(p, win, 1);
	cell_at(1, 2, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_MAGENTA);
	cell_at(1, 4, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_MAGENTA);
	cell_at(1, 5, &a, &fg, &bg);
	assert_int_equal(bg, -1);
	cell_at(0, 0, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_CYAN);
	cell_at(0, 8, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_CYAN);
	cell_at(0, 4, &a, &fg, &bg);
	assert_int_equal(bg, -1);
	keys(p, "n");
	assert_int_equal(p->copy.cy, 0);
	assert_int_equal(p->copy.cx, 8);
	keys(p, "n");
	assert_int_equal(p->copy.cx, 0);
	keys(p, "N");
	assert_int_equal(p->copy.cx, 8);
	pane_draw(p, win, 1);
	cell_at(0, 8, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_MAGENTA);
	cell_at(1, 2, &a, &fg, &bg);
	assert_int_equal(bg, COLOR_CYAN);
	/* A new search being typed shows no old matches. */
	keys(p, "/");
	pane_draw(p, win, 1);
	cell_at(0, 0, &a, &fg, &bg);
	assert_int_equal(bg, -1);
	copy_key(p, 27, 0, &(char *){NULL});
	keys(p, "q");
	done(p);
}

/* Searching goes round past either end, as tmux's does: down from the
 * bottom finds the first match from the top, up from the top the last. */
static void
test_search_goes_round(void **state)
{
	struct pane *p = pane_with(5, 30, "foo one\r\ntwo\r\nthree foo\r\n");

	copy_enter(p);
	snprintf(p->copy.search, sizeof p->copy.search, "foo");
	assert_true(copy_search(p, -1)); /* down from below them: round to the top */
	assert_int_equal(p->copy.top + p->copy.cy, 0);
	assert_int_equal(p->copy.cx, 0);
	assert_true(copy_search(p, -1));
	assert_int_equal(p->copy.top + p->copy.cy, 2);
	assert_int_equal(p->copy.cx, 6);
	assert_true(copy_search(p, -1)); /* and round again */
	assert_int_equal(p->copy.top + p->copy.cy, 0);
	assert_true(copy_search(p, 1));   /* up from the first: round to the last */
	assert_int_equal(p->copy.top + p->copy.cy, 2);
	assert_int_equal(p->copy.cx, 6);
	snprintf(p->copy.search, sizeof p->copy.search, "absent");
	assert_false(copy_search(p, 1));
	keys(p, "q");
	done(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copies_columns_not_bytes),
	    cmocka_unit_test(test_copies_wrapped_rows_joined),
	    cmocka_unit_test(test_rectangle),
	    cmocka_unit_test(test_search_goes_round),
	    cmocka_unit_test(test_word_motions),
	    cmocka_unit_test(test_search_matches_drawn),
	    cmocka_unit_test(test_selection_stays_on_its_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
