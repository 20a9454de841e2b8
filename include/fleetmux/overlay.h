/* overlay.h: a page drawn over the panes while it is open: the help (the
 * key tables, C-b ?), the message log (C-b ~) or a group's details (i). It takes the keys; the
 * panes go on updating beneath. Its state is which page, where it is
 * scrolled to and its filter. The page's lines are laid out here, pure:
 * text wrapped to a width, in columns, as the screen shows it. */
#ifndef FLEETMUX_OVERLAY_H
#define FLEETMUX_OVERLAY_H

#include <stddef.h>

enum overlay_kind { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_LOG, OVERLAY_DETAILS };

/* scroll: the first line shown; OVERLAY_END keeps the last lines in view
 * (the log follows what is said while it is open). */
#define OVERLAY_END (1L << 40)

struct overlay {
	enum overlay_kind kind;
	long scroll;
	int filtering;           /* the filter is being typed */
	char filter[128];
};

enum ovl_style { OVL_TEXT, OVL_HEADING, OVL_ERROR, OVL_NOTE };

/* A line as drawn: its first bold bytes (keys), then accent bytes (an
 * action's name), then the rest; style for the whole. */
struct ovl_line {
	char *text;
	size_t bold, accent;
	enum ovl_style style;
};

struct ovl_page {
	struct ovl_line *v;
	size_t n, cap;
};

void ovl_page_free(struct ovl_page *pg);
/* lead (as wide as it is; bold bytes of it, then accent bytes), then text
 * wrapped to width columns: at blanks where it can, inside a word where a
 * word is wider than the room. Lines after the first start with as many
 * blanks as lead is wide, or 4 when lead leaves less than 16 columns. */
void ovl_page_add(struct ovl_page *pg, const char *lead, size_t bold, size_t accent,
		  const char *text, int width, enum ovl_style style);
/* The first line shown: scroll, kept within the page for a view of rows. */
long ovl_first_line(long scroll, size_t lines, int rows);

#endif
