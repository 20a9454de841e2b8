/* fastscroll.h: many plain lines scrolled in one step.
 *
 * libvterm's screen moves every cell of the screen for each line feed at
 * the bottom, so a flood of output costs rows × cols cell copies a line.
 * When whole plain lines arrive (printable ASCII that fits the width, each
 * ending in CR LF) while the cursor sits at the bottom-left of a scroll
 * region that is the whole screen, the same screen and scrollback come from
 * one "scroll up N" and N lines written in place. This file decides when
 * that is exact and writes the rewritten bytes; it does no I/O. */
#ifndef FLEETMUX_FASTSCROLL_H
#define FLEETMUX_FASTSCROLL_H

#include <stddef.h>

#include "fleetmux/util.h"

#define FASTSCROLL_MAX_CSI_ARGS 16

struct fastscroll {
	int state;            /* where the scanner is in an escape sequence */
	char params[24];      /* a CSI's parameters, while reading it */
	size_t nparams;
	int nseps;            /* parameter separators seen in this CSI */
	char private_marker;  /* a CSI's leading ? > < or =, if any */
	char intermediate;    /* a CSI's intermediate byte (! for DECSTR), if any */
	int csi_other;        /* another marker or an intermediate byte was seen */
	int region_set;       /* DECSTBM gave a region other than the default */
	int region_top, region_bottom; /* 1-based, as sent */
	int lrmm;             /* left/right margin mode (DECLRMM) is on */
	int printed;          /* a character was printed (REP has one to repeat) */
	int text_pending;     /* non-ASCII came last: libvterm may hold part of it */
};

void fastscroll_init(struct fastscroll *f);
/* Follows bytes that go to the terminal the usual way, to know the scroll
 * region and the margin mode, and copies them to out (when not NULL, room
 * for len) without what libvterm 0.1.4 must not see: CSI parameters past
 * FASTSCROLL_MAX_CSI_ARGS are dropped, and a REP with no ASCII character
 * before it is cancelled (CAN). Returns how many bytes are kept. */
size_t fastscroll_scan(struct fastscroll *f, const unsigned char *data, size_t len, unsigned char *out);
/* The scanner is outside any escape sequence and any character, and the
 * region is the screen. */
int fastscroll_ready(const struct fastscroll *f, int rows);
/* How many bytes at data are whole plain lines, at most max_lines of them,
 * each at most cols wide; their count goes to *lines. */
size_t fastscroll_plain_lines(const unsigned char *data, size_t len, int cols, int max_lines,
			      int *lines);
/* The length of the first of such lines, without its CR LF. */
size_t fastscroll_line_len(const unsigned char *line, size_t len);
/* The same effect as those lines fed with the cursor at the bottom-left of
 * a rows-high screen: scroll up (by scroll, usually lines), write each line
 * in place above the bottom row, cursor back to the bottom-left. */
void fastscroll_batch(struct buf *out, const unsigned char *data, size_t len, int lines, int rows,
		      int scroll);

#endif
