/* test_reflow.c: lines rewrapped on a resize, as tmux and xterm rewrap
 * them: reflow_lines on vectors, then whole panes fed bytes and resized
 * (every path that writes rows: line by line, the batch, the flood). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/pane.h"
#include "fleetmux/reflow.h"

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
	win = newwin(30, 80, 0, 0);
	return 0;
}

static int
teardown(void **state)
{
	delwin(win);
	endwin();
	return 0;
}

static struct sb_line
line(const char *text, int wrap_cols)
{
	struct sb_line l;

	memset(&l, 0, sizeof l);
	l.text = xstrdup(text);
	l.wrap_cols = (uint16_t)wrap_cols;
	return l;
}

static void
free_lines(struct sb_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].runs);
	}
	free(v);
}

/* Rows cut at 10 join and are cut again at 5 and at 20. */
static void
test_rewrap_narrower_and_wider(void **state)
{
	struct sb_line *in = xcalloc(2, sizeof *in), *out;
	struct reflow_pos cur = {1, 3};
	size_t n;

	in[0] = line("abcdefghij", 10);
	in[1] = line("klm", 0);
	out = reflow_lines(in, 2, 5, &cur, &n);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].text, "abcde");
	assert_int_equal(out[0].wrap_cols, 5);
	assert_string_equal(out[1].text, "fghij");
	assert_int_equal(out[1].wrap_cols, 5);
	assert_string_equal(out[2].text, "klm");
	assert_int_equal(out[2].wrap_cols, 0);
	/* the cursor after "klm" (column 13 of the line) */
	assert_int_equal(cur.line, 2);
	assert_int_equal(cur.col, 3);

	out = reflow_lines(out, n, 20, &cur, &n);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].text, "abcdefghijklm");
	assert_int_equal(out[0].wrap_cols, 0);
	assert_int_equal(cur.line, 0);
	assert_int_equal(cur.col, 13);
	free_lines(out, n);
}

/* Blanks at the end of a cut row are part of the line (history keeps rows
 * without their trailing blanks: the cut width gives them back). */
static void
test_blanks_at_a_cut_are_kept(void **state)
{
	struct sb_line *in = xcalloc(2, sizeof *in), *out;
	struct reflow_pos cur = {0, 0};
	size_t n;

	in[0] = line("hello", 8);
	in[1] = line("world", 0);
	out = reflow_lines(in, 2, 20, &cur, &n);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].text, "hello   world");
	free_lines(out, n);
}

/* A wide character that does not fit at the end of a row starts the next,
 * as autowrap puts it; lines that ended are never joined. */
static void
test_wide_characters_and_ended_lines(void **state)
{
	struct sb_line *in = xcalloc(2, sizeof *in), *out;
	struct reflow_pos cur = {1, 0};
	size_t n;

	in[0] = line("ab\xe4\xb8\xad\xe6\x96\x87", 0); /* ab中文: 6 columns */
	in[1] = line("next", 0);
	out = reflow_lines(in, 2, 3, &cur, &n);
	assert_int_equal(n, 5);
	assert_string_equal(out[0].text, "ab");
	assert_int_equal(out[0].wrap_cols, 3);
	assert_string_equal(out[1].text, "\xe4\xb8\xad");
	assert_string_equal(out[2].text, "\xe6\x96\x87");
	assert_int_equal(out[2].wrap_cols, 0);
	assert_string_equal(out[3].text, "nex");
	assert_string_equal(out[4].text, "t");
	assert_int_equal(cur.line, 3);
	assert_int_equal(cur.col, 0);
	free_lines(out, n);
}

/* Style runs follow their characters across the cut. */
static void
test_runs_follow_their_characters(void **state)
{
	struct sb_line *in = xcalloc(1, sizeof *in), *out;
	struct reflow_pos cur = {0, 0};
	size_t n;

	in[0] = line("abcdefgh", 0);
	in[0].runs = xcalloc(1, sizeof *in[0].runs);
	in[0].runs[0] = (struct sb_run){3, 3, 1, -1, 0}; /* def in red */
	in[0].nruns = 1;
	out = reflow_lines(in, 1, 4, &cur, &n);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].nruns, 1);
	assert_int_equal(out[0].runs[0].col, 3);
	assert_int_equal(out[0].runs[0].len, 1);
	assert_int_equal(out[0].runs[0].fg, 1);
	assert_int_equal(out[1].nruns, 1);
	assert_int_equal(out[1].runs[0].col, 0);
	assert_int_equal(out[1].runs[0].len, 2);
	free_lines(out, n);
}

static void
feed(struct pane *p, const char *s)
{
	pane_feed(p, (const unsigned char *)s, strlen(s));
}

/* Every line of the pane, history then screen, trailing empty rows left
 * out, joined with '|'. */
static char *
all_text(struct pane *p)
{
	struct buf b, l;
	long n = pane_total_lines(p);

	buf_init(&b);
	buf_init(&l);
	while (n > 0) {
		pane_line_text(p, n - 1, &l);
		if (l.len > 0)
			break;
		n--;
	}
	for (long i = 0; i < n; i++) {
		pane_line_text(p, i, &l);
		buf_append(&b, l.data, l.len);
		if (i + 1 < n)
			buf_putc(&b, '|');
	}
	buf_free(&l);
	return b.data != NULL ? b.data : xstrdup("");
}

static void
assert_text(struct pane *p, const char *want)
{
	char *got = all_text(p);

	assert_string_equal(got, want);
	free(got);
}

static void
assert_cursor(struct pane *p, int row, int col)
{
	VTermPos cur;

	vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &cur);
	assert_int_equal(cur.row, row);
	assert_int_equal(cur.col, col);
}

static char *
repeat(char c, int n)
{
	char *s = xmalloc((size_t)n + 1);

	memset(s, c, (size_t)n);
	s[n] = '\0';
	return s;
}

/* A line that autowrapped is cut again when the pane narrows and joined
 * again when it widens; the prompt and cursor stay with their text. */
static void
test_pane_rewraps_a_wrapped_line(void **state)
{
	struct pane *p = pane_new(&loop, 6, 20, 100);
	char *a = repeat('A', 30), *want;

	feed(p, a);
	feed(p, "\r\n$ ");
	assert_text(p, "AAAAAAAAAAAAAAAAAAAA|AAAAAAAAAA|$");
	pane_resize(p, 6, 10);
	assert_text(p, "AAAAAAAAAA|AAAAAAAAAA|AAAAAAAAAA|$");
	assert_cursor(p, 2, 2); /* on its row: the first ten A went to history */
	pane_resize(p, 6, 40);
	want = xmalloc(64);
	snprintf(want, 64, "%s|$", a);
	assert_text(p, want);
	assert_cursor(p, 1, 2);
	/* what is typed after goes on from there */
	feed(p, "ok");
	assert_text(p, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|$ ok");
	free(want);
	free(a);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* A line exactly as wide as the pane, then a new line, is two lines: xterm
 * does not join them (the cursor never wrapped), and neither does tmux. */
static void
test_pane_keeps_full_lines_apart(void **state)
{
	struct pane *p = pane_new(&loop, 6, 20, 100);
	char *b = repeat('B', 20), *want = xmalloc(64);

	feed(p, b);
	feed(p, "\r\nC\r\n");
	pane_resize(p, 6, 40);
	snprintf(want, 64, "%s|C", b);
	assert_text(p, want);
	pane_resize(p, 6, 10);
	assert_text(p, "BBBBBBBBBB|BBBBBBBBBB|C");
	free(want);
	free(b);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* Text split by an SGR at the margin: the cut comes with the next run. */
static void
test_pane_wrap_after_a_style_change(void **state)
{
	struct pane *p = pane_new(&loop, 6, 10, 100);

	feed(p, "0123456789\x1b[1mabc\x1b[0m\r\n");
	assert_text(p, "0123456789|abc");
	pane_resize(p, 6, 20);
	assert_text(p, "0123456789abc");
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* Output in bulk at the bottom goes through the batch and, past a
 * screenful, straight to history: its cuts are noted there too, and lines
 * in history are rewrapped with the screen. */
static void
test_pane_rewraps_batched_output_and_history(void **state)
{
	struct pane *p = pane_new(&loop, 5, 10, 100);
	struct buf in;
	char *got;

	buf_init(&in);
	for (int i = 0; i < 5; i++)
		feed(p, "\r\n");
	for (int i = 0; i < 12; i++)
		buf_printf(&in, "%02d-abcdefghijklmno\r\n", i); /* 18 columns: two rows */
	pane_feed(p, (const unsigned char *)in.data, in.len);
	pane_resize(p, 5, 20);
	got = all_text(p);
	for (int i = 0; i < 12; i++) {
		char want[32];

		snprintf(want, sizeof want, "%02d-abcdefghijklmno", i);
		assert_non_null(strstr(got, want));
	}
	free(got);
	/* 5 rows of 20 now: the last 4 lines and the cursor's row on screen */
	assert_cursor(p, 4, 0);
	buf_free(&in);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* Colours and attributes stay on their characters through the rewrap. */
static void
test_pane_rewrap_keeps_colours(void **state)
{
	struct pane *p = pane_new(&loop, 5, 10, 100);
	short pair;
	int fg, bg;
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t at;

	feed(p, "\x1b[31;1;2mRRRRRRRRRRRRRRR\x1b[0m\r\n");
	pane_resize(p, 5, 20);
	p->top = 0;
	p->left = 0;
	pane_draw(p, win, 1);
	for (int x = 0; x < 15; x++) {
		assert_int_not_equal(mvwin_wch(win, 0, x, &cc), ERR);
		getcchar(&cc, wch, &at, &pair, NULL);
		assert_int_equal(wch[0], L'R');
		assert_true(at & A_BOLD);
		assert_true(at & A_DIM); /* faint too, which libvterm keeps in the font */
		pair_content(pair, (short *)&fg, (short *)&bg);
		extended_pair_content(pair, &fg, &bg);
		assert_int_equal(fg, 1);
	}
	/* the pen after is the application's: plain */
	feed(p, "x");
	pane_draw(p, win, 1);
	mvwin_wch(win, 1, 0, &cc);
	getcchar(&cc, wch, &at, &pair, NULL);
	assert_int_equal(wch[0], L'x');
	assert_int_equal(pair, 0);
	assert_false(at & A_BOLD);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* The alternate screen is not rewrapped (the application redraws it); the
 * primary one keeps its lines for when it comes back. */
static void
test_pane_alternate_screen_is_left_alone(void **state)
{
	struct pane *p = pane_new(&loop, 5, 10, 100);

	feed(p, "0123456789abc\r\n\x1b[?1049h\x1b[Hfull");
	pane_resize(p, 5, 20);
	assert_text(p, "full");
	feed(p, "\x1b[?1049l");
	assert_text(p, "0123456789|abc");
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* Blanks where autowrap cut: the cut holds through a narrower and a wider
 * size, and back (a row ending in blanks, which history drops and a
 * rewrap writes back as nothing, is still cut). */
static void
test_pane_cut_in_blanks_holds(void **state)
{
	struct pane *p = pane_new(&loop, 8, 20, 100);
	char *want = xmalloc(128);

	feed(p, "exactly:                         |\r\n"); /* 34 columns */
	feed(p, "ab\tc\r\n"); /* a tab's gap is empty cells, not blanks */
	pane_resize(p, 8, 12);
	pane_resize(p, 8, 40);
	snprintf(want, 128, "exactly:                         |%s", "|ab      c");
	assert_text(p, want);
	pane_resize(p, 8, 20);
	pane_resize(p, 8, 40);
	assert_text(p, want);
	free(want);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* An erased row no longer goes on in the next: clear(1), then short lines
 * where a wrapped one was, stay apart when the pane widens. */
static void
test_pane_erase_ends_a_cut(void **state)
{
	struct pane *p = pane_new(&loop, 6, 20, 100);
	char *a = repeat('A', 30);

	feed(p, a);
	feed(p, "\r\n\x1b[H\x1b[2Jshort\r\nnext\r\n");
	pane_resize(p, 6, 40);
	assert_text(p, "short|next");
	/* and EL on the row's end alike */
	pane_resize(p, 6, 20);
	feed(p, "\x1b[H\x1b[2J");
	feed(p, a);
	feed(p, "\x1b[1;6H\x1b[Kx\r\n");
	pane_resize(p, 6, 20);
	pane_resize(p, 6, 30);
	assert_text(p, "AAAAAx|AAAAAAAAAA");
	free(a);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* A line erased to its end in a background colour stays one row when the
 * pane narrows (its coloured blanks fill the row, as in tmux). */
static void
test_pane_coloured_erase_makes_no_row(void **state)
{
	struct pane *p = pane_new(&loop, 6, 20, 100);

	feed(p, "\x1b[41mred-EL\x1b[K\x1b[0m\r\nnext\r\n");
	pane_resize(p, 6, 10);
	assert_text(p, "red-EL|next");
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* A wide character autowrap moved on for want of room leaves no blank
 * in the line when it is joined again. */
static void
test_pane_wide_character_gap_is_not_a_blank(void **state)
{
	struct pane *p = pane_new(&loop, 6, 5, 100);

	feed(p, "ab\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\r\n"); /* ab中文字: 中 fits, 文 does not */
	pane_resize(p, 6, 20);
	assert_text(p, "ab\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97");
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rewrap_narrower_and_wider),
	    cmocka_unit_test(test_blanks_at_a_cut_are_kept),
	    cmocka_unit_test(test_wide_characters_and_ended_lines),
	    cmocka_unit_test(test_runs_follow_their_characters),
	    cmocka_unit_test(test_pane_rewraps_a_wrapped_line),
	    cmocka_unit_test(test_pane_keeps_full_lines_apart),
	    cmocka_unit_test(test_pane_wrap_after_a_style_change),
	    cmocka_unit_test(test_pane_rewraps_batched_output_and_history),
	    cmocka_unit_test(test_pane_rewrap_keeps_colours),
	    cmocka_unit_test(test_pane_alternate_screen_is_left_alone),
	    cmocka_unit_test(test_pane_cut_in_blanks_holds),
	    cmocka_unit_test(test_pane_erase_ends_a_cut),
	    cmocka_unit_test(test_pane_coloured_erase_makes_no_row),
	    cmocka_unit_test(test_pane_wide_character_gap_is_not_a_blank),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
