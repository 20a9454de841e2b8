/* reflow.h: lines rewrapped at a new width, as tmux and xterm do when a
 * terminal is resized: rows that autowrap cut (sb_line.wrap_cols) join into
 * the line they came from, and every line is cut again at the new width.
 * Pure: text and style runs in, text and style runs out. */
#ifndef FLEETMUX_REFLOW_H
#define FLEETMUX_REFLOW_H

#include <stddef.h>

#include "fleetmux/scrollback.h"

/* A position among lines: the line (0 = the first given) and its column. */
struct reflow_pos {
	size_t line;
	int col;
};

/* Rewraps the n lines at in (oldest first) at cols columns. The lines are
 * taken: each is reused or freed, and the array is freed. Returns the new
 * lines (*nout of them, at least one when n > 0); *cursor, a position among
 * the given lines, becomes the same character's position among the new
 * ones. */
struct sb_line *reflow_lines(struct sb_line *in, size_t n, int cols, struct reflow_pos *cursor,
			     size_t *nout);

#endif
