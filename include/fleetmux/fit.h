/* fit.h: text into terminal columns. UTF-8 measured as a terminal shows it
 * (wcwidth: a CJK glyph takes two columns, "│" and "…" one, though they are
 * three bytes), cut at a column, and the parts of the status line and of a
 * pane's title laid out so that what matters stays whole. Pure: no screen. */
#ifndef FLEETMUX_FIT_H
#define FLEETMUX_FIT_H

#include <stddef.h>

/* The character at s: its bytes, and its columns in *cols, as the drawing
 * shows it (a byte that is not UTF-8 is one '?', one column and byte). */
size_t fit_char(const char *s, int *cols);
/* Columns s takes; a byte that is not UTF-8 and a control take one (the
 * drawing shows them as '?'). */
int fit_columns(const char *s);
/* Bytes of the longest start of s within cols columns (never half a
 * character, never half a wide glyph). */
size_t fit_prefix(const char *s, int cols);
/* Bytes from which the shortest end of s that takes at most cols columns
 * starts. */
size_t fit_suffix_start(const char *s, int cols);
/* s cut to cols columns into out (size bytes): its start and "…" when
 * keep_end is 0, "…" and its end when 1. Whole when it fits. */
void fit_cut(const char *s, int cols, int keep_end, char *out, size_t size);

/* The status line, left to right: the loud part (broadcast, recording,
 * the pending prefix), the counts, the message, then the right part
 * (focused pane, clock) at the right edge. The right part stays whole when
 * the line can hold it; then the loud part, then the message; the counts
 * take what is left. Widths in columns, in and out. */
struct status_fit {
	int loud, counts, message, right;
	int right_x;   /* the column the right part starts at */
};
void fit_status(int cols, int loud, int counts, int message, int right, struct status_fit *out);

/* A pane's title: "─ 1* region/group/container [log] [badge] ⇶B ●REC ♪ title
 * [copy N/M] (zoomed)". When it is too wide the application's title goes
 * first, then the name is cut to TITLE_NAME_FLOOR columns, then a long
 * badge (a failure's reason) to TITLE_BADGE_FLOOR, then the rest of the
 * name; the marks after the badge stay whole while the number, the badge
 * and they fit. want[i] the part's width (0: absent), got[i] the width it
 * gets. */
#define TITLE_NAME_FLOOR 12
#define TITLE_BADGE_FLOOR 16
enum title_part {
	TITLE_NUMBER,
	TITLE_NAME,
	TITLE_KIND,      /* "[log] ": what feeds the pane, when not a shell */
	TITLE_BADGE,
	TITLE_BROADCAST,
	TITLE_REC,
	TITLE_BELL,
	TITLE_APP,
	TITLE_COPY,
	TITLE_ZOOM,
	TITLE_PARTS,
};
void fit_title(int width, const int want[TITLE_PARTS], int got[TITLE_PARTS]);

#endif
