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
	const char *in = "a\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20mb\x1b[;;m";
	unsigned char out[128];
	size_t n;

	fastscroll_init(&f);
	n = fastscroll_scan(&f, (const unsigned char *)in, strlen(in), out);
	out[n] = '\0';
	/* Sixteen arguments pass; the rest of the parameters are dropped. */
	assert_string_equal((char *)out, "a\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16mb\x1b[;;m");
}

static void
test_rep_needs_a_character(void **state)
{
	struct fastscroll f;
	unsigned char out[64];
	size_t n;

	fastscroll_init(&f);
	n = fastscroll_scan(&f, (const unsigned char *)"\x1b[3b", 4, out);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "\x1b[3\x18", 4); /* cancelled: nothing to repeat */
	n = fastscroll_scan(&f, (const unsigned char *)"x\x1b[3b", 5, out);
	assert_memory_equal(out, "x\x1b[3b", 5);
	n = fastscroll_scan(&f, (const unsigned char *)"\x1b" "c\x1b[b", 5, out);
	assert_memory_equal(out, "\x1b" "c\x1b[\x18", 5);
}

static void
test_plain_lines(void **state)
{
	const char *s = "12\r\nabc\r\n\r\nlonger line\r\nx";
	int lines;
	size_t n;

	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 20, 10, &lines);
	assert_int_equal(lines, 4);
	assert_int_equal(n, strlen(s) - 1);
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 20, 2, &lines);
	assert_int_equal(lines, 2);
	assert_int_equal(n, 9);
	n = fastscroll_plain_lines((const unsigned char *)s, strlen(s), 5, 10, &lines);
	assert_int_equal(lines, 3); /* "longer line" is wider than 5 */
	assert_int_equal(n, 11);
	n = fastscroll_plain_lines((const unsigned char *)"a\nb\r\n", 5, 5, 10, &lines);
	assert_int_equal(lines, 0); /* LF alone: the column would stay */
	assert_int_equal(n, 0);
	n = fastscroll_plain_lines((const unsigned char *)"a\tb\r\n", 5, 5, 10, &lines);
	assert_int_equal(lines, 0);
	n = fastscroll_plain_lines((const unsigned char *)"ab\r", 3, 5, 10, &lines);
	assert_int_equal(lines, 0); /* CR LF cut in two: not yet */
}

static void
test_batch_bytes(void **state)
{
	struct buf b;
	const char *s = "one\r\ntwo\r\n";

	buf_init(&b);
	fastscroll_batch(&b, (const unsigned char *)s, strlen(s), 2, 10, 2);
	assert_string_equal(b.data, "\x1b[2S\x1b[8;1Hone\x1b[9;1Htwo\x1b[10;1H");
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
	    "\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l", "e\xcc\x81\r\n", "\x1b]0;title\x07"};

	for (int i = next(60); i >= 0; i--) {
		if (next(3) == 0) {
			int lines = 1 + (int)next(40);

			for (int k = 0; k < lines; k++)
				buf_printf(b, "%u%s\r\n", next(1000000), next(4) == 0 ? "   " : "");
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
	}
}

static void
test_batches_change_nothing(void **state)
{
	uv_loop_t loop;

	uv_loop_init(&loop);
	for (int round = 0; round < 300; round++) {
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
	    cmocka_unit_test(test_plain_lines),
	    cmocka_unit_test(test_batch_bytes),
	    cmocka_unit_test(test_batches_change_nothing),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
