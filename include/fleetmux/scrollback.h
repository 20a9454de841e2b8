/* scrollback.h: a pane's history, kept compactly: a line is its text
 * (UTF-8, one character a cell, trailing blanks dropped) and a few style
 * runs, not a cell struct per character. A ring of at most `cap` lines. */
#ifndef FLEETMUX_SCROLLBACK_H
#define FLEETMUX_SCROLLBACK_H

#include <stddef.h>
#include <stdint.h>

struct sb_run {
	uint16_t col, len;
	int32_t fg, bg;        /* ncurses colours, -1 for the default */
	uint32_t attrs;        /* ncurses attr_t bits */
};

struct sb_line {
	char *text;
	uint16_t nruns;
	uint16_t wrap_cols;    /* 0: the line ended here; else autowrap cut it at
				* this width and it goes on in the next line */
	struct sb_run *runs;
};

struct scrollback {
	struct sb_line *lines;
	size_t cap, start, count;
	size_t bytes;          /* memory held, for the benchmarks */
};

void scrollback_init(struct scrollback *s, size_t cap);
void scrollback_free(struct scrollback *s);
/* Forget every line (ED 3, "erase saved lines", as clear(1) sends). */
void scrollback_clear(struct scrollback *s);
/* Takes text (malloc'd) and runs (malloc'd, may be NULL); wrap_cols as in
 * struct sb_line. */
void scrollback_push(struct scrollback *s, char *text, struct sb_run *runs, uint16_t nruns,
		     uint16_t wrap_cols);
/* Line i from the newest (0 = the newest), to change in place; NULL when
 * there is none. */
struct sb_line *scrollback_newest(struct scrollback *s, size_t i);
/* Every line, oldest first, out of the ring and into the caller's hands
 * (an array it frees, of lines it owns); the history is empty after. */
struct sb_line *scrollback_take(struct scrollback *s, size_t *n);
/* Line i, 0 = the oldest kept. */
const struct sb_line *scrollback_get(const struct scrollback *s, size_t i);
/* Take the newest line back (when the pane grows); 0 when empty. The caller
 * owns what it gets. */
int scrollback_pop(struct scrollback *s, struct sb_line *out);
/* Search for needle from line `from` toward older (dir < 0) or newer lines;
 * -1 when not found. */
long scrollback_find(const struct scrollback *s, const char *needle, long from, int dir);

#endif
