/* test_copytext.c: copy mode's text by display columns, on pure inputs:
 * slicing, widening and finding over wide characters and combining marks,
 * vi's motions, and the selected text across lines autowrap cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/copytext.h"

/* --- one line --- */

static char *
slice(const char *text, int from, int to)
{
	struct copytext_line l;
	size_t b0, b1;
	char *out;

	copytext_line_init(&l);
	copytext_line_set(&l, text, 0);
	if (!copytext_slice(&l, from, to, &b0, &b1))
		b0 = b1 = 0;
	out = strndup(text + b0, b1 - b0);
	copytext_line_free(&l);
	return out;
}

#define assert_slice(text, from, to, want)                                                         \
	do {                                                                                       \
		char *got_ = slice(text, from, to);                                                \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

/* Columns, not bytes: é is two bytes, one column. */
static void
test_accented_by_columns(void **state)
{
	assert_slice("héllo", 0, 4, "héllo");
	assert_slice("héllo", 0, 1, "hé");
	assert_slice("héllo", 1, 1, "é");
	assert_slice("héllo", 2, 99, "llo");
	assert_slice("héllo", 5, 9, "");
}

/* A wide character takes two columns; either one selects it whole. */
static void
test_wide_by_columns(void **state)
{
	struct copytext_line l;

	assert_slice("中文ab", 0, 0, "中");
	assert_slice("中文ab", 1, 1, "中");
	assert_slice("中文ab", 1, 2, "中文");
	assert_slice("中文ab", 3, 4, "文a");
	assert_slice("中文ab", 4, 5, "ab");
	copytext_line_init(&l);
	copytext_line_set(&l, "中文ab", 0);
	assert_int_equal(l.width, 6);
	assert_int_equal(l.n, 4);
	assert_int_equal(copytext_cell_at(&l, 3), 1);
	assert_int_equal(copytext_cell_at(&l, 6), -1);
	/* h and l step a character: a wide one is one step of two columns. */
	assert_int_equal(copytext_right(&l, 0), 2);
	assert_int_equal(copytext_right(&l, 1), 2);
	assert_int_equal(copytext_right(&l, 2), 4);
	assert_int_equal(copytext_right(&l, 5), 6);
	assert_int_equal(copytext_right(&l, 6), 7); /* past the text, a column a step */
	assert_int_equal(copytext_left(&l, 4), 2);
	assert_int_equal(copytext_left(&l, 3), 2);
	assert_int_equal(copytext_left(&l, 2), 0);
	assert_int_equal(copytext_left(&l, 0), 0);
	assert_int_equal(copytext_left(&l, 9), 8);
	{
		int from = 1, to = 2;

		copytext_widen(&l, &from, &to);
		assert_int_equal(from, 0);
		assert_int_equal(to, 3);
		from = 5, to = 9;
		copytext_widen(&l, &from, &to);
		assert_int_equal(from, 5);
		assert_int_equal(to, 9);
	}
	copytext_line_free(&l);
}

/* Combining marks stay with their base, and take no column. */
static void
test_combining_marks_stay(void **state)
{
	struct copytext_line l;

	assert_slice("e\xcc\x81x", 0, 0, "e\xcc\x81");
	assert_slice("e\xcc\x81x", 1, 1, "x");
	assert_slice("a\xcc\x81\xcc\xa7" "b", 0, 0, "a\xcc\x81\xcc\xa7");
	copytext_line_init(&l);
	copytext_line_set(&l, "e\xcc\x81x", 0);
	assert_int_equal(l.width, 2);
	assert_int_equal(copytext_col_of(&l, 2), 0); /* a byte of the mark */
	assert_int_equal(copytext_col_of(&l, 3), 1);
	copytext_line_free(&l);
	/* A broken byte is a '?' of one column, as it is drawn. */
	assert_slice("a\xff" "b", 1, 1, "\xff");
	assert_slice("a\xff" "b", 2, 2, "b");
}

static void
test_find_by_columns(void **state)
{
	struct copytext_line l;
	int col, end;

	copytext_line_init(&l);
	copytext_line_set(&l, "中文ab中文ab", 0);
	assert_true(copytext_find(&l, "ab", -1, 1, &col, &end));
	assert_int_equal(col, 4);
	assert_int_equal(end, 5);
	assert_true(copytext_find(&l, "ab", 4, 1, &col, &end));
	assert_int_equal(col, 10);
	assert_false(copytext_find(&l, "ab", 10, 1, &col, &end));
	assert_true(copytext_find(&l, "文", 99, -1, &col, &end));
	assert_int_equal(col, 8);
	assert_int_equal(end, 9);
	assert_true(copytext_find(&l, "文", 8, -1, &col, &end));
	assert_int_equal(col, 2);
	assert_false(copytext_find(&l, "文", 2, -1, &col, &end));
	assert_false(copytext_find(&l, "", -1, 1, &col, &end));
	copytext_line_free(&l);
}

/* --- lines from a source --- */

struct line {
	const char *text;
	int wrap;
};

static const struct line *lines;

static const char *
line_of(void *arg, long i, int *wrap)
{
	*wrap = lines[i].wrap;
	return lines[i].text;
}

static struct copytext_src
src(const struct line *v, long n)
{
	lines = v;
	return (struct copytext_src){.nlines = n, .line = line_of};
}

#define pos(l, c) ((struct copytext_pos){(l), (c)})

typedef void (*motion)(const struct copytext_src *, struct copytext_pos *);

static void
assert_moves(const struct copytext_src *s, motion m, struct copytext_pos from, long line, int col)
{
	m(s, &from);
	if (from.line != line || from.col != col)
		fail_msg("moved to %ld:%d, not %ld:%d", from.line, from.col, line, col);
}

static void
test_words(void **state)
{
	static const struct line v[] = {
	    {"foo bar-baz  中文 x", 0},
	    {"", 0},
	    {"  next", 0},
	};
	struct copytext_src s = src(v, 3);

	assert_moves(&s, copytext_word_next, pos(0, 0), 0, 4);
	assert_moves(&s, copytext_word_next, pos(0, 4), 0, 7);  /* punctuation: a word */
	assert_moves(&s, copytext_word_next, pos(0, 7), 0, 8);
	assert_moves(&s, copytext_word_next, pos(0, 8), 0, 13);
	assert_moves(&s, copytext_word_next, pos(0, 14), 0, 18); /* from a wide glyph's right half */
	assert_moves(&s, copytext_word_next, pos(0, 18), 2, 2);  /* over the line ends */
	assert_moves(&s, copytext_word_next, pos(2, 2), 2, 6);   /* the end: no further */
	assert_moves(&s, copytext_word_prev, pos(2, 2), 0, 18);
	assert_moves(&s, copytext_word_prev, pos(0, 18), 0, 13);
	assert_moves(&s, copytext_word_prev, pos(0, 16), 0, 13);
	assert_moves(&s, copytext_word_prev, pos(0, 8), 0, 7);
	assert_moves(&s, copytext_word_prev, pos(0, 6), 0, 4);
	assert_moves(&s, copytext_word_prev, pos(0, 2), 0, 0);
	assert_moves(&s, copytext_word_prev, pos(0, 0), 0, 0);
	assert_moves(&s, copytext_word_end, pos(0, 0), 0, 2);
	assert_moves(&s, copytext_word_end, pos(0, 2), 0, 6);
	assert_moves(&s, copytext_word_end, pos(0, 8), 0, 10);
	assert_moves(&s, copytext_word_end, pos(0, 10), 0, 15); /* 文 starts at 15 */
	assert_moves(&s, copytext_word_end, pos(0, 18), 2, 5);
}

/* A word autowrap cut in two is one word; a line cut with blanks before
 * the margin (history drops them) parts words there. */
static void
test_words_across_a_wrapped_line(void **state)
{
	static const struct line v[] = {
	    {"one twothr", 10},
	    {"ee four", 0},
	    {"abc", 5},
	    {"def", 0},
	};
	struct copytext_src s = src(v, 4);

	assert_moves(&s, copytext_word_next, pos(0, 4), 1, 3);
	assert_moves(&s, copytext_word_end, pos(0, 4), 1, 1);
	assert_moves(&s, copytext_word_prev, pos(1, 1), 0, 4);
	assert_moves(&s, copytext_word_next, pos(1, 3), 2, 0);
	assert_moves(&s, copytext_word_next, pos(2, 0), 3, 0); /* "abc  " then "def" */
	assert_moves(&s, copytext_word_end, pos(2, 0), 2, 2);
}

static void
test_line_motions(void **state)
{
	static const struct line v[] = {
	    {"plain", 0},
	    {"   indented and cu", 18},
	    {"t by autowrap", 0},
	    {"    ", 0},
	    {"", 0},
	};
	struct copytext_src s = src(v, 5);

	assert_moves(&s, copytext_line_end, pos(0, 0), 0, 4);
	assert_moves(&s, copytext_line_end, pos(0, 30), 0, 4);
	assert_moves(&s, copytext_line_end, pos(1, 0), 2, 12); /* the text's end, not the row's */
	assert_moves(&s, copytext_line_start, pos(2, 5), 1, 0);
	assert_moves(&s, copytext_line_start, pos(0, 3), 0, 0);
	assert_moves(&s, copytext_line_first, pos(2, 5), 1, 3);
	assert_moves(&s, copytext_line_first, pos(0, 3), 0, 0);
	assert_moves(&s, copytext_line_first, pos(3, 2), 3, 0); /* all blank */
	assert_moves(&s, copytext_line_end, pos(4, 7), 4, 0);
}

static void
assert_selection(const struct copytext_src *s, enum copytext_sel mode, struct copytext_pos a,
		 struct copytext_pos b, const char *want)
{
	char *got = copytext_selection(s, mode, a, b);

	assert_string_equal(got, want);
	free(got);
}

static void
test_selection(void **state)
{
	static const struct line v[] = {
	    {"héllo wörld", 0},
	    {"中文ab", 0},
	    {"a wrapped li", 12},
	    {"ne goes on", 0},
	    {"cut at a", 9}, /* a blank before the margin, dropped by history */
	    {"blank", 0},
	};
	struct copytext_src s = src(v, 6);

	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(0, 0), pos(0, 4), "héllo");
	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(0, 4), pos(0, 0), "héllo");
	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(0, 6), pos(1, 1), "wörld\n中");
	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(1, 3), pos(1, 4), "文a");
	/* Joined where autowrap cut, without a newline; the dropped blank is
	 * back. */
	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(2, 10), pos(3, 1), "line");
	assert_selection(&s, COPYTEXT_SEL_CHAR, pos(2, 0), pos(5, 99),
			 "a wrapped line goes on\ncut at a blank");
	assert_selection(&s, COPYTEXT_SEL_LINE, pos(1, 3), pos(0, 5), "héllo wörld\n中文ab");
	assert_selection(&s, COPYTEXT_SEL_LINE, pos(2, 3), pos(3, 1), "a wrapped line goes on");
	/* A rectangle: the same columns of each line, whole characters. */
	assert_selection(&s, COPYTEXT_SEL_RECT, pos(0, 1), pos(2, 3), "éll\n中文\n wr");
	assert_selection(&s, COPYTEXT_SEL_RECT, pos(3, 2), pos(2, 3), "wr\n g");
	assert_selection(&s, COPYTEXT_SEL_RECT, pos(4, 20), pos(5, 30), "\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accented_by_columns),
	    cmocka_unit_test(test_wide_by_columns),
	    cmocka_unit_test(test_combining_marks_stay),
	    cmocka_unit_test(test_find_by_columns),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_words_across_a_wrapped_line),
	    cmocka_unit_test(test_line_motions),
	    cmocka_unit_test(test_selection),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
