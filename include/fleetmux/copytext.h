/* copytext.h: copy mode's text by display columns, not bytes. A line is
 * UTF-8 text with one character a cell, as history keeps it and as a
 * screen row reads: a wide character takes two columns, combining marks
 * stay in their base's cell. Autowrap may have cut a line (wrap: the width
 * it was cut at); it then goes on in the next line, and copying joins the
 * two without a newline, as tmux does. Pure: the columns, vi's motions over
 * lines a source hands in, the search's matches and the selected text,
 * for term/copy.c and its tests. */
#ifndef FLEETMUX_COPYTEXT_H
#define FLEETMUX_COPYTEXT_H

#include <stddef.h>

enum copytext_class {
	COPYTEXT_BLANK, /* spaces, and the end of a line */
	COPYTEXT_PUNCT, /* other printable ASCII: a word of its own to w b e */
	COPYTEXT_WORD,  /* letters, digits, '_' and the rest of Unicode */
};

struct copytext_cell {
	int col, width;   /* its first column; 1 or 2 columns */
	size_t off, len;  /* its bytes: the character and its combining marks */
	enum copytext_class cls;
};

/* A line decoded into cells (the text is the caller's, not copied). */
struct copytext_line {
	const char *text;
	struct copytext_cell *cells;
	int n, cap;
	int width;   /* the columns its characters take */
	int wrap;    /* 0, or the width autowrap cut it at */
};

void copytext_line_init(struct copytext_line *l);
void copytext_line_set(struct copytext_line *l, const char *text, int wrap);
void copytext_line_free(struct copytext_line *l);
/* The cell over column col; -1 past the text. */
int copytext_cell_at(const struct copytext_line *l, int col);
/* The column of the cell holding byte off (the width past the text). */
int copytext_col_of(const struct copytext_line *l, size_t off);
/* Columns from..to (inclusive, either may be past the text) widened to
 * whole characters: their bytes [*b0, *b1). 0 when no character is there. */
int copytext_slice(const struct copytext_line *l, int from, int to, size_t *b0, size_t *b1);
/* from..to widened to the columns of the whole characters they touch (as
 * a selection is drawn); columns past the text stay as they are. */
void copytext_widen(const struct copytext_line *l, int *from, int *to);
/* h and l: the column of the character before or after the one at col
 * (one column at a time past the text). */
int copytext_left(const struct copytext_line *l, int col);
int copytext_right(const struct copytext_line *l, int col);
/* needle in the line: the first match starting after column `after`
 * (dir > 0) or the last starting before column `before` (dir < 0), at
 * *col..*end (inclusive). 1 when there is one. */
int copytext_find(const struct copytext_line *l, const char *needle, int from, int dir, int *col,
		  int *end);

/* Lines from a source: history then the screen, or a test's array. */
struct copytext_src {
	long nlines;
	/* Line i's text and wrap; valid until the next call. */
	const char *(*line)(void *arg, long i, int *wrap);
	void *arg;
};

struct copytext_pos {
	long line;
	int col;
};

/* vi's motions: the position moves. A word is a run of letters (or of
 * other printable characters); blanks and the ends of lines part words,
 * but a line autowrap cut goes on in the next. */
void copytext_word_next(const struct copytext_src *s, struct copytext_pos *p);  /* w */
void copytext_word_end(const struct copytext_src *s, struct copytext_pos *p);   /* e */
void copytext_word_prev(const struct copytext_src *s, struct copytext_pos *p);  /* b */
/* 0, ^ and $ over the whole line, across the rows autowrap cut it into:
 * its start, its first non-blank, its last character. */
void copytext_line_start(const struct copytext_src *s, struct copytext_pos *p);
void copytext_line_first(const struct copytext_src *s, struct copytext_pos *p);
void copytext_line_end(const struct copytext_src *s, struct copytext_pos *p);

enum copytext_sel {
	COPYTEXT_SEL_CHAR = 1, /* v: from one character to another */
	COPYTEXT_SEL_LINE,     /* V: whole lines */
	COPYTEXT_SEL_RECT,     /* C-v: the same columns of each line */
};

/* The text selected between a and b (either order), joined with newlines
 * but not where autowrap cut a line (except in a rectangle); the caller
 * frees it. */
char *copytext_selection(const struct copytext_src *s, enum copytext_sel mode,
			 struct copytext_pos a, struct copytext_pos b);

#endif
