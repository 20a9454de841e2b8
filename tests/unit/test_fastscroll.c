/* test_fastscroll.c: the scanner and line finder on vectors, and the proof
 * that matters: a pane fed in batches ends with the same screen, cursor and
 * scrollback as one fed line by line, over many inputs cut at random. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <uv.h>

#include "fleetmux/fastscroll.h"
#include "fleetmux/pane.h"

static void
scan(struct fastscroll *f, const char *s)
{
	fastscroll_scan(f, (const unsigned char *)s, strlen(s), NULL);
}

static void
test_scanner(void **state)
{
	struct fastscroll f;

	fastscroll_init(&f);
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[5;10r");
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[r");
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[1;24r");
	assert_true(fastscroll_ready(&f, 24));
	assert_false(fastscroll_ready(&f, 30)); /* the same region on a taller screen */
	scan(&f, "\x1b[");                        /* cut in the middle */
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "2;20r");
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "\x1b" "c");                     /* RIS */
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[?1;69h");
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[?69l");
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b]2;a;5;9r\x07");            /* an 'r' inside a title is not DECSTBM */
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b]2;x\x1b\\\x1b[3;4r");      /* ST ends the string */
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[%p");                      /* not DECSTR: another intermediate */
	assert_false(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[!p");                      /* DECSTR */
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[2;5$r");                   /* DECCARA, not DECSTBM */
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[>5;9r");                   /* not DECSTBM: a private marker */
	assert_true(fastscroll_ready(&f, 24));
	scan(&f, "\x1b[4;8\x18r");                /* CAN cancels */
	assert_true(fastscroll_ready(&f, 24));
}

static void
test_too_many_csi_args(void **state)
{
	struct fastscroll f;
	const char *in = "a\x1b[30;31;32;33;34;35;36;37;40;41;42;43;44;45;46;47;90;91;92;93m"
			 "b\x1b[;;m";
	struct buf out;

	fastscroll_init(&f);
	buf_init(&out);
	fastscroll_scan(&f, (const unsigned char *)in, strlen(in), &out);
	/* Sixteen arguments pass; the rest of the parameters are dropped. */
	assert_string_equal(out.data,
			    "a\x1b[30;31;32;33;34;35;36;37;40;41;42;43;44;45;46;47mb\x1b[;;m");
	buf_free(&out);
}

static void
test_rep_needs_a_character(void **state)
{
	struct fastscroll f;
	struct buf out;
	size_t n;

	fastscroll_init(&f);
	buf_init(&out);
	n = fastscroll_scan(&f, (const unsigned char *)"\x1b[3b", 4, &out);
	assert_int_equal(n, 4);
	assert_memory_equal(out.data, "\x1b[3\x18", 4); /* cancelled: nothing to repeat */
	buf_reset(&out);
	fastscroll_scan(&f, (const unsigned char *)"x\x1b[3b", 5, &out);
	assert_memory_equal(out.data, "x\x1b[3b", 5);
	buf_reset(&out);
	fastscroll_scan(&f, (const unsigned char *)"\x1b" "c\x1b[b", 5, &out);
	assert_memory_equal(out.data, "\x1b" "c\x1b[\x18", 5);
	buf_free(&out);
}

static void
expect_scan(struct fastscroll *f, const char *in, const char *want)
{
	struct buf out;

	buf_init(&out);
	fastscroll_scan(f, (const unsigned char *)in, strlen(in), &out);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	buf_free(&out);
}

/* libvterm 0.1.4 ends a CSI at a byte from 0x80, at a parameter after an
 * intermediate and at a marker after a parameter (and drops the byte):
 * what follows is text, not the sequence's. */
static void
test_csi_ended_by_high_byte(void **state)
{
	struct fastscroll f;

	fastscroll_init(&f);
	expect_scan(&f, "a\x1b[\xac" "4hX", "a\x1b[\xac" "4hX");
	assert_true(fastscroll_wraps(&f)); /* 4h was text: insert mode is off */
	expect_scan(&f, "\x1b[\x7f" "4h", "\x1b[\x7f" "4h"); /* DEL is ignored */
	assert_false(fastscroll_wraps(&f));
	/* a parameter after an intermediate, a marker after a parameter: the
	 * sequence ends there too, and 4l is text */
	expect_scan(&f, "\x1b[ 3" "4l", "\x1b[ 3" "4l");
	assert_false(fastscroll_wraps(&f));
	expect_scan(&f, "\x1b[1?" "4l", "\x1b[1?" "4l");
	assert_false(fastscroll_wraps(&f));
	expect_scan(&f, "\x1b[?4l", "\x1b[?4l"); /* (a private mode: not IRM) */
	assert_false(fastscroll_wraps(&f));
	expect_scan(&f, "\x1b[4l", "\x1b[4l");
	assert_true(fastscroll_wraps(&f));
}

/* C2 80..C2 9F (C1 controls in UTF-8) would reach libvterm as characters
 * of width -1: a C2 goes on only with A0..BF right after it, else it is
 * 0xFF (a broken character to libvterm), in a sequence too; one that ends
 * a write in text waits for the next. */
static void
test_c1_in_utf8_cancelled(void **state)
{
	struct fastscroll f;

	fastscroll_init(&f);
	expect_scan(&f, "x\xc2\x97y", "x\xff\x97y");
	expect_scan(&f, "\xc2\x1b[4he\r\x97m", "\xff\x1b[4he\r\x97m");
	expect_scan(&f, "\xc2\xa0\x85", "\xc2\xa0\x85"); /* U+00A0, then a lone byte */
	expect_scan(&f, "a\xc2", "a");                   /* one write ends with the lead ... */
	assert_false(fastscroll_ready(&f, 24));            /* (no batch may pass it by) */
	expect_scan(&f, "\x85", "\xff\x85"); /* ... the next begins with a C1 */
	expect_scan(&f, "\xc2", "");
	expect_scan(&f, "\xa9!", "\xc2\xa9!");          /* a copyright sign cut in two */
	expect_scan(&f, "\x1b[(3\xc2\x1b[4h\x97", "\x1b[(3\xff\x1b[4h\x97"); /* in a CSI */
}

/* CSI s and CSI u save and restore the cursor, as DECSC and DECRC (xterm);
 * CSI s with left and right margins on sets them. */
static void
test_scosc_scorc(void **state)
{
	struct fastscroll f;

	fastscroll_init(&f);
	/* (after a restore, the scanner's own DECRC says the character sets
	 * and the pen that libvterm restored, as for ESC 8) */
	expect_scan(&f, "A\x1b[s\x1b[5;10HX\x1b[uB",
		    "A\x1b[\x18\x1b" "7\x1b[5;10HX\x1b[\x18\x1b" "8\x1b(B\x1b)B\x0f\x1b[10mB");
	expect_scan(&f, "\x1b[1u\x1b[>1u\x1b[?u", "\x1b[1u\x1b[>1u\x1b[?u"); /* others pass */
	expect_scan(&f, "\x1b[?69h\x1b[s\x1b[u", "\x1b[?69h\x1b[s\x1b[\x18\x1b" "8\x1b(B\x1b)B\x0f\x1b[10m");
}

/* What libvterm is given for SGRs: faint and concealed as the font,
 * following the pen; nothing it would misread. */
static void
test_sgr_rewritten(void **state)
{
	struct fastscroll f;

	fastscroll_init(&f);
	expect_scan(&f, "\x1b[1;2m", "\x1b[1;11m");
	expect_scan(&f, "\x1b[4m", "\x1b[4m");            /* the font stays as it is */
	expect_scan(&f, "\x1b[22m", "\x1b[22;10m");       /* bold's end is kept */
	expect_scan(&f, "\x1b[2;0m", "\x1b[0m");
	expect_scan(&f, "\x1b[0;2m", "\x1b[0;11m");
	expect_scan(&f, "\x1b[8m", "\x1b[13m");
	expect_scan(&f, "\x1b[m", "\x1b[m");              /* libvterm resets the font itself */
	expect_scan(&f, "\x1b[28m", "\x1b[\x18");         /* nothing left: cancelled */
	expect_scan(&f, "\x1b[15;3m", "\x1b[3m");         /* a font selection goes */
	expect_scan(&f, "\x1b[38;5;2;48:2::8:2:1;2m", "\x1b[38;5;2;48:2::8:2:1;11m");
	expect_scan(&f, "\x1b[0;38m", "\x1b[0m");         /* a colour with no palette */
	expect_scan(&f, "\x1b[99999999999999m", "\x1b[65535m"); /* bounded */
	expect_scan(&f, "\x1b[00002m", "\x1b[11m");
	/* Sixteen parameters and the font: the font in an SGR of its own. */
	expect_scan(&f, "\x1b[22;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m",
		    "\x1b[22;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m\x1b[10m");
	/* Not SGRs: written as they came. */
	expect_scan(&f, "\x1b[>4;2m\x1b[2$m\x1b[?2m", "\x1b[>4;2m\x1b[2$m\x1b[?2m");
	/* Cut anywhere, the same. */
	expect_scan(&f, "\x1b[0", "\x1b[");
	expect_scan(&f, ";\n2", "\n");                    /* a control inside is executed */
	expect_scan(&f, "m", "0;11m");
	/* DECRC: the saved pen's font, after the character sets. */
	expect_scan(&f, "\x1b" "7\x1b[m\x1b" "8", "\x1b" "7\x1b[m\x1b" "8\x1b(B\x1b)B\x0f\x1b[11m");
	expect_scan(&f, "\x1b[?1049h\x1b[8m\x1b[?1049l",
		    "\x1b[?1049h\x1b[13m\x1b[?1049l\x1b(B\x1b)B\x0f\x1b[11m");
	expect_scan(&f, "\x1b[!p", "\x1b[!p\x1b[m");      /* DECSTR resets the pen */
	assert_int_equal(f.pen, 0);
	/* An ESC inside drops what was held. */
	expect_scan(&f, "\x1b[2\x1b[3m", "\x1b[\x1b[3m");
	assert_int_equal(f.pen, 0);
}

/* How many bytes of s a batch with SGRs takes. */
static size_t
batched(const char *s, int *lines)
{
	const unsigned char *d = (const unsigned char *)s;

	return fastscroll_plain_lines(d, strlen(s), 20, 10, FASTSCROLL_SGR, lines, NULL);
}

/* A batch takes SGRs libvterm reads as xterm does, and only lines that end
 * with the pen plain. */
static void
test_plain_lines_sgr(void **state)
{
	const char *ok = "\x1b[1;38;5;2;48;2;8;8;8mx\x1b[0m\r\n\x1b[22;28mx\x1b[m\r\n\r\n";
	int lines;

	assert_int_equal(batched(ok, &lines), strlen(ok));
	assert_int_equal(lines, 3);
	/* faint and concealed are batched (written again as the guard would:
	 * test_batch_rewrites_faint); a font selection is the guard's */
	assert_int_equal(batched("\x1b[2mx\x1b[0m\r\n\r\n", &lines), 13);
	assert_int_equal(batched("\x1b[8mx\x1b[0m\r\n\r\n", &lines), 13);
	assert_int_equal(batched("\x1b[11mx\x1b[0m\r\n\r\n", &lines), 0);
	/* a colour whose index is 0 is not a reset */
	assert_int_equal(batched("\x1b[48;5;0mx\r\n\r\n", &lines), 0);
	/* a 38 with nothing after it: for the guard */
	assert_int_equal(batched("\x1b[0;38mx\r\n\r\n", &lines), 0);
}

/* A batch hands libvterm a line's faint and concealed in the font, as the
 * guard does; an SGR left with nothing goes. */
static void
test_batch_rewrites_faint(void **state)
{
	const char *in = "\x1b[2mtime\x1b[0m \x1b[1;8mx\x1b[28;22my\x1b[0m\r\n";
	struct buf out;

	buf_init(&out);
	fastscroll_batch(&out, (const unsigned char *)in, strlen(in), 1, 5, 40, 1);
	assert_string_equal(out.data, "\x1b[1S\x1b[4;1H\x1b[11mtime\x1b[0m \x1b[1;12mx\x1b[22;10my\x1b[0m\x1b[5;1H");
	buf_free(&out);
}

static void
test_plain_lines(void **state)
{
	const char *s = "12\r\nabc\r\n\r\nlonger line\r\nx";
	int lines;
	size_t n;

	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 20, 10, 0, &lines, NULL);
	assert_int_equal(lines, 4);
	assert_int_equal(n, strlen(s) - 1);
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 20, 2, 0, &lines, NULL);
	assert_int_equal(lines, 2);
	assert_int_equal(n, 9);
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 5, 10, 0, &lines, NULL);
	assert_int_equal(lines, 3); /* "longer line" is wider than 5 */
	assert_int_equal(n, 11);
	/* Wrapping: "longer line" takes 3 rows of 5. */
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 5, 10, FASTSCROLL_WRAP, &lines, NULL);
	assert_int_equal(lines, 6);
	assert_int_equal(n, strlen(s) - 1);
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 5, 5, FASTSCROLL_WRAP, &lines, NULL);
	assert_int_equal(lines, 3); /* its rows do not all fit: it waits */
	assert_int_equal(n, 11);
	n = fastscroll_plain_lines((const unsigned char *)"a\nb\r\n", 5, 5, 10, 0, &lines, NULL);
	assert_int_equal(lines, 0); /* LF alone: the column would stay */
	assert_int_equal(n, 0);
	n = fastscroll_plain_lines((const unsigned char *)"a\tb\r\n", 5, 5, 10, 0, &lines, NULL);
	assert_int_equal(lines, 0);
	n = fastscroll_plain_lines((const unsigned char *)"ab\r", 3, 5, 10, 0, &lines, NULL);
	assert_int_equal(lines, 0); /* CR LF cut in two: not yet */
}

static void
test_batch_bytes(void **state)
{
	struct buf b;
	const char *s = "one\r\ntwo\r\n";

	buf_init(&b);
	fastscroll_batch(&b, (const unsigned char *)s, strlen(s), 2, 10, 20, 2);
	assert_string_equal(b.data, "\x1b[2S\x1b[8;1Hone\x1b[9;1Htwo\x1b[10;1H");
	/* A line wider than the screen is written row by row. */
	buf_reset(&b);
	fastscroll_batch(&b, (const unsigned char *)"abcdefg\r\nh\r\n", 12, 4, 10, 3, 4);
	assert_string_equal(b.data, "\x1b[4S\x1b[6;1Habc\x1b[7;1Hdef\x1b[8;1Hg\x1b[9;1Hh\x1b[10;1H");
	buf_free(&b);
}

/* --- equivalence ------------------------------------------------------------ */

static unsigned long rng = 12345;

static unsigned
next(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)((rng >> 33) % n);
}

static void
random_input(struct buf *b)
{
	static const char *pieces[] = {
	    "\r\n", "plain\r\n", "a somewhat longer line of text\r\n", "\x1b[31mred\x1b[0m\r\n",
	    "\x1b[44m", "\x1b[0m", "wide \xe4\xb8\xad\xe6\x96\x87\r\n", "tab\there\r\n", "lf only\n",
	    "\r", "\x1b[2;5r", "\x1b[r", "\x1b[H", "\x1b[5B", "\x1b[?1049h", "\x1b[?1049l",
	    "\x1b[2J", "\x1b[1;3H", "exactly twenty cols\r\n", "exactly twenty colsx\r\n",
	    "\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l", "e\xcc\x81\r\n", "\x1b]0;title\x07",
	    "a line of forty-five characters, which wraps\r\n",
	    "exactly forty columns: two rows of twenty\r\n", "a row and a space    \r\n",
	    "sixty-one characters wrap onto four rows: 20 + 20 + 20 + 1 !\r\n",
	    "\x1b[1;32mINFO\x1b[0m ok\r\n", "\x1b[33myellow stays\r\n", "\x1b[38;5;58mx\x1b[0m\r\n",
	    "\x1b[58;5;9mu\x1b[0m\r\n", "\x1b[4mstyled and wider than twenty\x1b[m\r\n",
	    "\x1b[44mbg\x1b[49m\x1b[0m\r\n", "\x1b[7mrev\x1b[0;1mbold on\r\n",
	    "\x1b[2m", "\x1b[22m", "\x1b[8m", "\x1b[28m", "\x1b[1;2m", "\x1b[12m", "\x1b" "7",
	    "\x1b" "8",
	    "\x1b[2mfaint\x1b[0m\r\n", "\x1b[8mhidden\x1b[28m\r\n", "\x1b[48;5;0mbg 0\r\n",
	    "\x1b[38;5;2;1mx\x1b[0m\r\n"};

	for (int i = next(60); i >= 0; i--) {
		if (next(3) == 0) {
			int lines = 1 + (int)next(40);

			for (int k = 0; k < lines; k++) {
				static const char *sgr[] = {
				    "", "", "\x1b[2m", "\x1b[32m", "\x1b[1;36m", "\x1b[38;5;208m",
				    "\x1b[48;2;1;2;3m", "\x1b[1;3;4;5;7;9m", "\x1b[21m\x1b[22;23;24m",
				    "\x1b[38;2;255;0;10m", "\x1b[48;5;200m\x1b[90m", "\x1b[107m",
				    "\x1b[12m", "\x1b[31m\x1b[39;49m", "\x1b[m", "\x1b[;1m", "\x1b[38;5;300m",
				    "\x1b[4;25;27;29m", "\x1b[7m \x1b[0m", "\x1b[41m  ", "\x1b[8m", "\x1b[1;2m",
				    "\x1b[22m", "\x1b[28m", "\x1b[38;5;2m"};
				const char *on = sgr[next(sizeof sgr / sizeof sgr[0])];

				buf_printf(b, "%s%u%s%s%s\r\n", on, next(1000000), *on ? "\x1b[0m" : "",
					   next(4) == 0 ? "   " : "",
					   next(3) == 0 ? "-wider-than-twenty-columns" : "");
			}
		} else {
			buf_puts(b, pieces[next(sizeof pieces / sizeof pieces[0])]);
		}
	}
}

/* Feeds b in pieces of the sizes in cuts (the same for both panes: libvterm
 * itself may differ on a character cut in two, batching must not). */
static void
feed_in_cuts(struct pane *p, const struct buf *b, const size_t *cuts)
{
	size_t at = 0;

	for (int i = 0; at < b->len; i++) {
		size_t n = cuts[i];

		if (n > b->len - at)
			n = b->len - at;
		pane_feed(p, (const unsigned char *)b->data + at, n);
		at += n;
	}
}

static void
dump(struct pane *p, const char *name)
{
	VTermPos pos;

	fprintf(stderr, "%s:\n", name);
	for (pos.row = 0; pos.row < p->rows; pos.row++) {
		fputc('|', stderr);
		for (pos.col = 0; pos.col < p->cols; pos.col++) {
			VTermScreenCell c;

			vterm_screen_get_cell(p->vs, pos, &c);
			fputc(c.chars[0] > 0x20 && c.chars[0] < 0x7f ? (int)c.chars[0] : c.chars[0] ? '*' : ' ', stderr);
		}
		fputs("|\n", stderr);
	}
}

static void
assert_same(struct pane *a, struct pane *b, int round)
{
	VTermPos pos, ca, cb;

	vterm_state_get_cursorpos(vterm_obtain_state(a->vt), &ca);
	vterm_state_get_cursorpos(vterm_obtain_state(b->vt), &cb);
	if (ca.row != cb.row || ca.col != cb.col)
		fail_msg("round %d: cursor %d,%d against %d,%d", round, ca.row, ca.col, cb.row, cb.col);
	for (pos.row = 0; pos.row < a->rows; pos.row++)
		for (pos.col = 0; pos.col < a->cols; pos.col++) {
			VTermScreenCell x, y;

			memset(&x, 0, sizeof x);
			memset(&y, 0, sizeof y);
			vterm_screen_get_cell(a->vs, pos, &x);
			vterm_screen_get_cell(b->vs, pos, &y);
			if (memcmp(x.chars, y.chars, sizeof x.chars) != 0 || x.width != y.width ||
			    memcmp(&x.attrs, &y.attrs, sizeof x.attrs) != 0 || !vterm_color_is_equal(&x.fg, &y.fg) ||
			    !vterm_color_is_equal(&x.bg, &y.bg))
			{
				dump(a, "batched");
				dump(b, "line by line");
				fail_msg("round %d: cell %d,%d differs", round, pos.row, pos.col);
			}
		}
	assert_int_equal(a->sb.count, b->sb.count);
	for (size_t i = 0; i < a->sb.count; i++) {
		const struct sb_line *x = scrollback_get(&a->sb, i), *y = scrollback_get(&b->sb, i);

		if (strcmp(x->text, y->text) != 0 || x->nruns != y->nruns ||
		    (x->nruns && memcmp(x->runs, y->runs, x->nruns * sizeof *x->runs) != 0))
			fail_msg("round %d: history line %zu: '%s' against '%s'", round, i, x->text, y->text);
		/* where autowrap cut (a resize rewraps there) */
		if (x->wrap_cols != y->wrap_cols)
			fail_msg("round %d: history line %zu '%s': cut at %d against %d", round, i, x->text,
				 x->wrap_cols, y->wrap_cols);
	}
	for (int r = 0; r < a->rows && !a->altscreen; r++)
		if (a->wrapped[r] != b->wrapped[r]) {
			dump(a, "batched");
			dump(b, "line by line");
			fail_msg("round %d: row %d cut %d against %d", round, r, a->wrapped[r], b->wrapped[r]);
		}
}

static void
test_batches_change_nothing(void **state)
{
	uv_loop_t loop;

	uv_loop_init(&loop);
	for (int round = 0; round < 600; round++) {
		int rows = 3 + (int)next(12), cols = 20;
		struct pane *fast = pane_new(&loop, rows, cols, 500);
		struct pane *slow = pane_new(&loop, rows, cols, 500);
		struct buf in;
		size_t *cuts;

		slow->fs.lrmm = 1; /* the reference never batches */
		buf_init(&in);
		random_input(&in);
		cuts = calloc(in.len + 1, sizeof *cuts);
		for (size_t i = 0; i <= in.len; i++)
			cuts[i] = next(4) == 0 ? 1 + next(2048) : 1 + next(64);
		feed_in_cuts(fast, &in, cuts);
		feed_in_cuts(slow, &in, cuts);
		free(cuts);
		assert_same(fast, slow, round);
		/* and the same again once rewrapped at another width */
		{
			int w = 5 + (int)next(30);

			pane_resize(fast, rows, w);
			pane_resize(slow, rows, w);
			assert_same(fast, slow, round);
		}
		buf_free(&in);
		pane_free(fast);
		pane_free(slow);
		uv_run(&loop, UV_RUN_NOWAIT);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scanner),
	    cmocka_unit_test(test_too_many_csi_args),
	    cmocka_unit_test(test_rep_needs_a_character),
	    cmocka_unit_test(test_csi_ended_by_high_byte),
	    cmocka_unit_test(test_c1_in_utf8_cancelled),
	    cmocka_unit_test(test_scosc_scorc),
	    cmocka_unit_test(test_plain_lines),
	    cmocka_unit_test(test_sgr_rewritten),
	    cmocka_unit_test(test_plain_lines_sgr),
	    cmocka_unit_test(test_batch_bytes),
	    cmocka_unit_test(test_batch_rewrites_faint),
	    cmocka_unit_test(test_batches_change_nothing),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
