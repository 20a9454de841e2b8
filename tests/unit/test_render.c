/* test_render.c: bytes into a pane, cells out of the ncurses window it is
 * drawn into (an off-screen terminal), against what xterm draws. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/modekeys.h"
#include "fleetmux/pane.h"
#include "fleetmux/sgr.h"

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

/* A 5x20 pane fed s, drawn. */
static struct pane *
pane_with(const char *s)
{
	struct pane *p = pane_new(&loop, 5, 20, 100);

	pane_feed(p, (const unsigned char *)s, strlen(s));
	pane_draw(p, win, 1);
	return p;
}

static attr_t
attrs_at(int y, int x, short *pair)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t at;

	assert_int_not_equal(mvwin_wch(win, y, x, &cc), ERR);
	getcchar(&cc, wch, &at, pair, NULL);
	return at & ~(A_CHARTEXT | A_COLOR);
}

static void
done(struct pane *p)
{
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* ESC[K after bold underlined magenta text: the erased cells are plain
 * (xterm and tmux keep only the background there). */
static void
test_erase_keeps_only_the_background(void **state)
{
	struct pane *p = pane_with("\x1b[1;4;35mtext\x1b[K\r\n\x1b[4;44mab\x1b[K");
	short pair, fg, bg;

	assert_true(attrs_at(0, 0, &pair) & A_UNDERLINE);
	assert_true(attrs_at(0, 0, &pair) & A_BOLD);
	assert_int_equal(attrs_at(0, 10, &pair) & (A_UNDERLINE | A_BOLD), 0);
	assert_int_equal(pair, 0); /* default colours: nothing of the magenta */
	/* The background is kept, and only it. */
	assert_int_equal(attrs_at(1, 10, &pair) & A_UNDERLINE, 0);
	pair_content(pair, &fg, &bg);
	assert_int_equal(fg, -1);
	assert_int_equal(bg, 4);
	/* A written space keeps the pen: that underline is the program's. */
	done(p);
	p = pane_with("\x1b[4mx x\x1b[0m");
	assert_true(attrs_at(0, 1, &pair) & A_UNDERLINE);
	done(p);
}

/* DECSCNM (ESC[?5h, vttest's "light background") shows the whole screen in
 * reverse video: blank and erased cells too, not only those with text;
 * "negative" text (SGR 7) is reversed back. An erased cell with a colour
 * of its own keeps it, as in xterm. ESC[?5l puts it all back. */
static void
test_screen_reverse_covers_blank_cells(void **state)
{
	struct pane *p = pane_with("\x1b[?5hab\x1b[7mneg\x1b[0m\x1b[3;1H\x1b[44m\x1b[K\x1b[0m");
	short pair, fg, bg;

	assert_true(attrs_at(0, 0, &pair) & A_REVERSE);  /* text */
	assert_int_equal(attrs_at(0, 2, &pair) & A_REVERSE, 0); /* negative text */
	assert_true(attrs_at(0, 10, &pair) & A_REVERSE); /* never written */
	assert_true(attrs_at(4, 19, &pair) & A_REVERSE); /* the last cell */
	/* Erased with a blue background: blue, not reversed. */
	assert_int_equal(attrs_at(2, 5, &pair) & A_REVERSE, 0);
	pair_content(pair, &fg, &bg);
	assert_int_equal(bg, 4);
	pane_feed(p, (const unsigned char *)"\x1b[?5l", 5);
	pane_draw(p, win, 0); /* the rows it marked, as a frame draws them */
	assert_int_equal(attrs_at(0, 0, &pair) & A_REVERSE, 0);
	assert_int_equal(attrs_at(0, 10, &pair) & A_REVERSE, 0);
	assert_int_equal(attrs_at(4, 19, &pair) & A_REVERSE, 0);
	assert_true(attrs_at(0, 2, &pair) & A_REVERSE);
	done(p);
}

/* History keeps erased cells as erased: no style run for them. */
static void
test_history_of_erased_cells(void **state)
{
	struct pane *p = pane_with("\x1b[4;35mhi\x1b[K\x1b[0m\r\n\n\n\n\n\n");
	const struct sb_line *l;

	assert_true(p->sb.count >= 1);
	l = scrollback_get(&p->sb, 0);
	assert_string_equal(l->text, "hi");
	assert_int_equal(l->nruns, 1);
	assert_int_equal(l->runs[0].col, 0);
	assert_int_equal(l->runs[0].len, 2);
	done(p);
}

static uint32_t
char_at(struct pane *p, int row, int col)
{
	VTermScreenCell c;
	VTermPos pos = {row, col};

	memset(&c, 0, sizeof c);
	vterm_screen_get_cell(p->vs, pos, &c);
	return c.chars[0];
}

/* DECSC keeps the character sets, DECRC brings them back, as xterm does. */
static void
test_save_restore_keeps_line_drawing(void **state)
{
	/* Saved in line drawing at column 2; ASCII written; restored; written
	 * again at column 3 (DECRC moved the cursor back, CHA moves it on). */
	struct pane *p = pane_with("A\x1b(0\x1b" "7\x1b(Bq\x1b" "8\x1b[3Gq");

	assert_int_equal(char_at(p, 0, 1), 'q');
	assert_int_equal(char_at(p, 0, 2), 0x2500); /* ─ */
	done(p);
	/* G1 shifted in with SO is saved too. */
	p = pane_with("A\x1b)0\x0e\x1b" "7\x0fx\x1b" "8\x1b[3Gx");
	assert_int_equal(char_at(p, 0, 1), 'x');
	assert_int_equal(char_at(p, 0, 2), 0x2502); /* │ */
	done(p);
	/* Nothing saved: DECRC comes back to ASCII. */
	p = pane_with("\x1b(0\x1b" "8q");
	assert_int_equal(char_at(p, 0, 0), 'q');
	done(p);
}

static void
feed_str(struct pane *p, const char *s)
{
	pane_feed(p, (const unsigned char *)s, strlen(s));
}

/* CSI s and CSI u save and restore the cursor as xterm and tmux do (a
 * prompt or a progress bar drawn elsewhere, then back); split across two
 * reads too. */
static void
test_csi_s_u_save_and_restore(void **state)
{
	struct pane *p = pane_with("A\x1b[s\x1b[4;10HX\x1b[uB");

	assert_int_equal(char_at(p, 0, 1), 'B');
	assert_int_equal(char_at(p, 3, 9), 'X');
	assert_int_equal(char_at(p, 3, 10), 0);
	done(p);
	p = pane_new(&loop, 5, 20, 100);
	feed_str(p, "C\x1b[");
	feed_str(p, "s\x1b[3;3HY\x1b[");
	feed_str(p, "uD");
	assert_int_equal(char_at(p, 0, 1), 'D');
	assert_int_equal(char_at(p, 2, 2), 'Y');
	done(p);
}

/* DECCOLM clears the screen, homes the cursor and resets the region. */
static void
test_deccolm_clears_and_homes(void **state)
{
	struct pane *p = pane_with("old text\r\nmore\x1b[2;4r\x1b[?3hX");
	VTermPos cur;

	assert_int_equal(char_at(p, 0, 0), 'X');
	assert_int_equal(char_at(p, 0, 1), 0);
	assert_int_equal(char_at(p, 1, 0), 0);
	vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &cur);
	assert_int_equal(cur.row, 0);
	assert_int_equal(cur.col, 1);
	assert_true(fastscroll_ready(&p->fs, p->rows)); /* the region is the screen again */
	done(p);
	p = pane_with("old\x1b[?3lY");
	assert_int_equal(char_at(p, 0, 0), 'Y');
	assert_int_equal(char_at(p, 0, 1), 0);
	done(p);
}

static VTermScreenCell
cell_of(struct pane *p, int row, int col)
{
	VTermScreenCell c;
	VTermPos pos = {row, col};

	memset(&c, 0, sizeof c);
	vterm_screen_get_cell(p->vs, pos, &c);
	return c;
}

/* SGR 58/59 (underline colour) change no other attribute; 38/48 keep their
 * arguments, a 58 among them too. */
static void
test_underline_colour_changes_nothing_else(void **state)
{
	struct pane *p = pane_with("\x1b[4m\x1b[58;5;196mA\x1b[4;58;2;0;255;0mB\x1b[0;1;59mC"
				   "\x1b[0;38;5;58mD\x1b[0;58:2::1:2:3;3mE\x1b[0m\x1b[58;5;9mF");
	VTermScreenCell c;

	c = cell_of(p, 0, 0);
	assert_true(c.attrs.underline);
	assert_false(c.attrs.blink);
	c = cell_of(p, 0, 1);
	assert_true(c.attrs.underline); /* 58;2;0;... did not turn it off */
	c = cell_of(p, 0, 2);
	assert_true(c.attrs.bold);
	assert_false(c.attrs.underline);
	c = cell_of(p, 0, 3);
	assert_true(VTERM_COLOR_IS_INDEXED(&c.fg));
	assert_int_equal(c.fg.indexed.idx, 58);
	c = cell_of(p, 0, 4);
	assert_true(c.attrs.italic);
	assert_false(c.attrs.bold);
	/* Nothing left of an SGR that named only the underline colour: it does
	 * not become ESC[m (which would reset everything). */
	c = cell_of(p, 0, 5);
	assert_false(c.attrs.blink);
	assert_true(VTERM_COLOR_IS_DEFAULT_FG(&c.fg));
	done(p);
	p = pane_with("\x1b[1m\x1b[58;5;196mG");
	assert_true(cell_of(p, 0, 0).attrs.bold);
	done(p);
}

static wchar_t
drawn_at(int y, int x)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t at;
	short pair;

	assert_int_not_equal(mvwin_wch(win, y, x, &cc), ERR);
	getcchar(&cc, wch, &at, &pair, NULL);
	return wch[0];
}

/* Writing over the right half of a wide glyph erases its left half (xterm),
 * and what follows stays in its column. */
static void
test_overwriting_half_a_wide_glyph(void **state)
{
	struct pane *p = pane_with("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\x1b[3D*"); /* 中文字 */

	assert_int_equal(drawn_at(0, 0), 0x4e2d);
	assert_int_equal(drawn_at(0, 2), L' ');
	assert_int_equal(drawn_at(0, 3), L'*');
	assert_int_equal(drawn_at(0, 4), 0x5b57);
	done(p);
}

/* clear(1) sends ED 3: history goes, and old lines do not come back above
 * the screen when the pane grows. */
static void
test_erase_saved_lines(void **state)
{
	struct pane *p = pane_with("l0\r\nl1\r\nl2\r\nl3\r\nl4\r\nl5\r\nl6\r\nl7");

	assert_true(p->sb.count >= 3);
	pane_feed(p, (const unsigned char *)"\x1b[H\x1b[2J\x1b[3Jtop", 15);
	assert_int_equal(p->sb.count, 0);
	pane_resize(p, 8, 20);
	assert_int_equal(char_at(p, 0, 0), 't');
	done(p);
}

/* Lines handed back from history on a grow keep their colours. */
static void
test_grow_keeps_history_colours(void **state)
{
	struct pane *p = pane_with("\x1b[31;44mred\x1b[0m\r\n\x1b[1;38;5;100mx\x1b[0m\r\n1\r\n2\r\n3\r\n4\r\n5");
	VTermScreenCell c;

	assert_true(p->sb.count >= 2);
	pane_resize(p, 7, 20);
	c = cell_of(p, 0, 0);
	assert_int_equal(c.chars[0], 'r');
	assert_true(VTERM_COLOR_IS_INDEXED(&c.fg));
	assert_int_equal(c.fg.indexed.idx, 1);
	assert_int_equal(c.bg.indexed.idx, 4);
	c = cell_of(p, 1, 0);
	assert_int_equal(c.chars[0], 'x');
	assert_int_equal(c.fg.indexed.idx, 100);
	assert_true(c.attrs.bold);
	c = cell_of(p, 0, 5);
	assert_true(VTERM_COLOR_IS_DEFAULT_FG(&c.fg));
	done(p);
}

/* A 5x20 pane fed s in two calls, cut at `at`, drawn. */
static struct pane *
pane_cut(const char *s, size_t at)
{
	struct pane *p = pane_new(&loop, 5, 20, 100);

	pane_feed(p, (const unsigned char *)s, at);
	pane_feed(p, (const unsigned char *)s + at, strlen(s) - at);
	pane_draw(p, win, 1);
	return p;
}

/* SGR 2 is faint until 22 (normal intensity), which ends bold too. */
static void
test_dim(void **state)
{
	struct pane *p = pane_with("\x1b[2mdim\x1b[22mx\x1b[1;2mab\x1b[22mc\x1b[2;1m\x1b[0me");
	short pair;

	assert_int_equal(attrs_at(0, 0, &pair) & (A_DIM | A_BOLD), A_DIM);
	assert_int_equal(attrs_at(0, 3, &pair) & (A_DIM | A_BOLD), 0);
	assert_int_equal(attrs_at(0, 4, &pair) & (A_DIM | A_BOLD), A_DIM | A_BOLD);
	assert_int_equal(attrs_at(0, 6, &pair) & (A_DIM | A_BOLD), 0); /* 22 ends both */
	assert_int_equal(attrs_at(0, 7, &pair), A_NORMAL);
	done(p);
	/* Faint stays through other attributes and colours. */
	p = pane_with("\x1b[2m\x1b[4;31;24mx");
	assert_int_equal(attrs_at(0, 0, &pair) & (A_DIM | A_UNDERLINE), A_DIM);
	done(p);
}

/* SGR 8 hides the text until 28: blanks, in the cell's background. */
static void
test_conceal(void **state)
{
	struct pane *p = pane_with("\x1b[8mhid\x1b[28mx\x1b[8;4;44my\x1b[0m "
				   "\x1b[8m\xe4\xb8\xad\x1b[0mz");
	short pair, fg, bg;

	assert_int_equal(drawn_at(0, 0), L' ');
	assert_int_equal(drawn_at(0, 2), L' ');
	assert_int_equal(char_at(p, 0, 0), 'h'); /* kept: copy mode still has it */
	assert_int_equal(drawn_at(0, 3), L'x');
	assert_int_equal(drawn_at(0, 4), L' ');
	/* no line under the blank */
	assert_int_equal(attrs_at(0, 4, &pair) & (A_UNDERLINE | A_INVIS), 0);
	pair_content(pair, &fg, &bg);
	assert_int_equal(bg, 4);
	/* A wide glyph concealed: both its columns blank. */
	assert_int_equal(drawn_at(0, 6), L' ');
	assert_int_equal(drawn_at(0, 7), L' ');
	assert_int_equal(drawn_at(0, 8), L'z');
	done(p);
}

/* DECSC saves faint and concealed with the pen; DECRC, mode 1049 and
 * their resets treat them as xterm does. */
static void
test_save_restore_keeps_dim(void **state)
{
	struct pane *p = pane_with("\x1b[2m\x1b" "7\x1b[0m\x1b[5Ga\x1b" "8b");
	short pair;

	assert_int_equal(attrs_at(0, 4, &pair), A_NORMAL);
	assert_int_equal(drawn_at(0, 0), L'b');
	assert_int_equal(attrs_at(0, 0, &pair), A_DIM);
	done(p);
	p = pane_with("\x1b[8m\x1b[?1049h\x1b[0mz\x1b[?1049lq\x1b[28mr");
	assert_int_equal(drawn_at(0, 0), L' '); /* q, concealed again */
	assert_int_equal(drawn_at(0, 1), L'r');
	done(p);
	/* DECSTR resets the pen (xterm), RIS too; DECRC after either restores
	 * a plain one. */
	p = pane_with("\x1b[1;2m\x1b[!pa");
	assert_int_equal(attrs_at(0, 0, &pair), A_NORMAL);
	done(p);
	p = pane_with("\x1b[2m\x1b" "cb");
	assert_int_equal(attrs_at(0, 0, &pair), A_NORMAL);
	done(p);
	p = pane_with("\x1b[2m\x1b" "7\x1b[!p\x1b" "8c");
	assert_int_equal(attrs_at(0, 0, &pair), A_NORMAL);
	done(p);
	p = pane_with("\x1b[8m\x1b" "7\x1b" "c\x1b" "8c");
	assert_int_equal(drawn_at(0, 0), L'c');
	done(p);
}

/* An SGR cut between two reads is read as a whole. */
static void
test_sgr_cut_in_two(void **state)
{
	const char *s = "\x1b[1;2;4mab\x1b[22mc\x1b[58;5;196md";

	for (size_t at = 0; at <= strlen(s); at++) {
		struct pane *p = pane_cut(s, at);
		short pair;

		assert_int_equal(attrs_at(0, 0, &pair), A_BOLD | A_DIM | A_UNDERLINE);
		assert_int_equal(attrs_at(0, 2, &pair), A_UNDERLINE);
		assert_int_equal(attrs_at(0, 3, &pair), A_UNDERLINE); /* no blink from 58;5 */
		done(p);
	}
}

/* Strikethrough cannot be drawn through ncurses: it is not drawn as dim. */
static void
test_strike_is_not_dim(void **state)
{
	struct pane *p = pane_with("\x1b[9mx\x1b[2;9my");
	short pair;

	assert_true(cell_of(p, 0, 0).attrs.strike);
	assert_int_equal(attrs_at(0, 0, &pair), A_NORMAL);
	assert_int_equal(attrs_at(0, 1, &pair), A_DIM);
	done(p);
}

/* Unknown SGRs, font selections and parameters too large for libvterm
 * 0.1.4 (which keeps 31 bits) change no other attribute. */
static void
test_unknown_sgr_changes_nothing(void **state)
{
	struct pane *p = pane_with("\x1b[1m\x1b[73ma\x1b[74;4mb\x1b[58:2::1:2:3mc"
				   "\x1b[4294967301md\x1b[2147483653;3me\x1b[0;12mf"
				   "\x1b[11;38;5;2mg\x1b[38;2;1;2;8;2mh");
	short pair;

	assert_int_equal(attrs_at(0, 0, &pair), A_BOLD);
	assert_int_equal(attrs_at(0, 1, &pair), A_BOLD | A_UNDERLINE);
	assert_int_equal(attrs_at(0, 2, &pair), A_BOLD | A_UNDERLINE);
	assert_int_equal(attrs_at(0, 3, &pair), A_BOLD | A_UNDERLINE); /* not blink */
	assert_int_equal(attrs_at(0, 4, &pair), A_BOLD | A_UNDERLINE | A_ITALIC);
	assert_int_equal(drawn_at(0, 5), L'f'); /* font 2 is not concealed */
	assert_int_equal(attrs_at(0, 5, &pair), A_NORMAL);
	assert_int_equal(attrs_at(0, 6, &pair), A_NORMAL); /* a colour's 2 is not faint */
	assert_int_equal(cell_of(p, 0, 6).fg.indexed.idx, 2);
	assert_int_equal(drawn_at(0, 7), L'h'); /* a colour's 8 does not conceal */
	assert_int_equal(attrs_at(0, 7, &pair), A_DIM); /* the 2 after it is faint */
	done(p);
}

/* Faint, concealed and struck text go to history apart and come back the
 * same when the pane grows. */
static void
test_history_keeps_dim_conceal_strike(void **state)
{
	struct pane *p = pane_with("\x1b[2mdim\x1b[0m \x1b[8mhid\x1b[0m \x1b[9mst\x1b[0m "
				   "\x1b[2;8;9mall\x1b[0m\r\n1\r\n2\r\n3\r\n4\r\n5");
	const struct sb_line *l;
	VTermScreenCell c;
	short pair;
	char *copied;

	assert_int_equal(p->sb.count, 1);
	l = scrollback_get(&p->sb, 0);
	assert_string_equal(l->text, "dim hid st all");
	assert_int_equal(l->nruns, 4);
	assert_int_equal(l->runs[0].attrs, A_DIM);
	assert_int_equal(l->runs[1].attrs, A_INVIS);
	assert_int_equal(l->runs[2].attrs, FM_A_STRIKE);
	assert_int_equal(l->runs[3].attrs, A_DIM | A_INVIS | FM_A_STRIKE);
	/* drawn from history (copy mode) as from the screen */
	copy_scroll(p, -1);
	pane_draw(p, win, 1);
	assert_int_equal(drawn_at(0, 4), L' ');
	assert_int_equal(drawn_at(0, 8), L's');
	assert_int_equal(attrs_at(0, 0, &pair) & (A_DIM | A_HORIZONTAL), A_DIM);
	assert_int_equal(attrs_at(0, 8, &pair), A_NORMAL);
	copy_key(p, 'q', 0, &copied);
	pane_resize(p, 6, 20);
	c = cell_of(p, 0, 0);
	assert_int_equal(c.chars[0], 'd');
	assert_int_equal(c.attrs.font, SGR_DIM);
	assert_false(c.attrs.strike);
	c = cell_of(p, 0, 4);
	assert_int_equal(c.chars[0], 'h');
	assert_int_equal(c.attrs.font, SGR_CONCEAL);
	c = cell_of(p, 0, 8);
	assert_int_equal(c.attrs.font, 0);
	assert_true(c.attrs.strike);
	c = cell_of(p, 0, 11);
	assert_int_equal(c.attrs.font, SGR_DIM | SGR_CONCEAL);
	assert_true(c.attrs.strike);
	done(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_erase_keeps_only_the_background),
	    cmocka_unit_test(test_screen_reverse_covers_blank_cells),
	    cmocka_unit_test(test_history_of_erased_cells),
	    cmocka_unit_test(test_save_restore_keeps_line_drawing),
	    cmocka_unit_test(test_deccolm_clears_and_homes),
	    cmocka_unit_test(test_underline_colour_changes_nothing_else),
	    cmocka_unit_test(test_overwriting_half_a_wide_glyph),
	    cmocka_unit_test(test_erase_saved_lines),
	    cmocka_unit_test(test_grow_keeps_history_colours),
	    cmocka_unit_test(test_dim),
	    cmocka_unit_test(test_conceal),
	    cmocka_unit_test(test_save_restore_keeps_dim),
	    cmocka_unit_test(test_sgr_cut_in_two),
	    cmocka_unit_test(test_strike_is_not_dim),
	    cmocka_unit_test(test_unknown_sgr_changes_nothing),
	    cmocka_unit_test(test_history_keeps_dim_conceal_strike),
	    cmocka_unit_test(test_csi_s_u_save_and_restore),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
