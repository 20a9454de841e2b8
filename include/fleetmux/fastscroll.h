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
#define FASTSCROLL_MAX_WRAP 64    /* a batched line takes at most this many rows */
#define FASTSCROLL_MAX_RUNS 32    /* text runs noted by one scan */

struct fastscroll {
	int state;            /* where the scanner is in an escape sequence */
	/* A CSI's parameters, read as libvterm reads them (-1 when missing,
	 * more[i] when ':' joins the next), held back until the sequence ends
	 * (then written again, bounded by SGR_ARG_MAX), so that a sequence cut
	 * between two reads can still be rewritten. */
	int args[FASTSCROLL_MAX_CSI_ARGS];
	unsigned char more[FASTSCROLL_MAX_CSI_ARGS];
	int nargs;
	size_t nparams;       /* parameter bytes seen in this CSI */
	int args_out;         /* its parameters went out (after a marker or intermediate) */
	int nseps;            /* parameter separators seen in this CSI */
	char private_marker;  /* a CSI's leading ? > < or =, if any */
	char intermediate;    /* a CSI's intermediate byte (! for DECSTR), if any */
	int csi_other;        /* another marker or an intermediate byte was seen */
	int region_set;       /* DECSTBM gave a region other than the default */
	int region_top, region_bottom; /* 1-based, as sent */
	int lrmm;             /* left/right margin mode (DECLRMM) is on */
	int printed;          /* a character was printed (REP has one to repeat) */
	int held_c2;          /* a write ended with 0xc2: it waits for the next */
	int text_pending;     /* non-ASCII came last: libvterm may hold part of it */
	char esc_inter;       /* an ESC sequence's intermediate byte (SCS: ( or )) */
	char g0, g1;          /* designated character sets ('B' ASCII, '0' lines) */
	int gl;               /* 1 after SO (G1 in use), 0 after SI */
	char saved_g0, saved_g1;
	int saved_gl, saved;  /* what DECSC kept */
	int pen, saved_pen;   /* the pen's faint and concealed bits (sgr.h); DECSC's copy */
	long erase_history_at; /* after a scan: the end of its last ED 3 in out, or -1 */
	int nowrap;           /* autowrap (DECAWM) is off */
	int insert;           /* insert mode (IRM) is on */
	/* After a scan with out: where runs of printed text begin and end in
	 * out (the first FASTSCROLL_MAX_RUNS), for the caller, who must know
	 * where autowrap may cut a row. */
	size_t text_runs[FASTSCROLL_MAX_RUNS][2];
	int ntext_runs;
	int in_text;
	/* And where erases (ED, EL) end in out, with their kind ('J' or 'K')
	 * and parameter: an erased row no longer goes on in the next. */
	struct {
		size_t at;
		char kind;
		int param;
	} erases[FASTSCROLL_MAX_RUNS];
	int nerases;
};

void fastscroll_init(struct fastscroll *f);
/* Follows bytes that go to the terminal the usual way, to know the scroll
 * region and the margin mode, and appends them to out (when not NULL)
 * without what libvterm 0.1.4 must not see: CSI parameters past
 * FASTSCROLL_MAX_CSI_ARGS are dropped, and a REP with no ASCII character
 * before it is cancelled (CAN). After what libvterm does only in part, the
 * rest follows in out: after DECRC (ESC 8) the saved character sets
 * are designated again; after DECCOLM (CSI ? 3 h/l) the region is reset,
 * the cursor homed and the screen cleared; after DECSTR the pen is reset.
 * An SGR is written again as sgr_rewrite has it: faint and concealed go to
 * libvterm as the font, and the underline colour (58, 59), which libvterm
 * 0.1.4 misreads as other attributes, is dropped; the font follows the pen
 * across DECSC/DECRC (and the save and restore of modes 1048 and 1049).
 * A CSI's parameters are held back until its final byte, across calls.
 * ED 3 (erase saved lines) is noted in erase_history_at for the caller, who
 * keeps the history. Returns how many input bytes are kept. */
size_t fastscroll_scan(struct fastscroll *f, const unsigned char *data, size_t len, struct buf *out);
/* The scanner is outside any escape sequence and any character, and the
 * region is the screen. */
int fastscroll_ready(const struct fastscroll *f, int rows);
/* Lines wider than the screen wrap the plain way (autowrap on, insert off). */
int fastscroll_wraps(const struct fastscroll *f);
/* What fastscroll_plain_lines may take: lines wider than the screen (they
 * wrap the plain way), and lines with SGRs (the pen is plain before them,
 * and each ends with the pen plain again). */
#define FASTSCROLL_WRAP 1
#define FASTSCROLL_SGR 2
/* How many bytes at data are whole plain lines taking at most max_rows
 * screen rows (a line wider than cols takes several with FASTSCROLL_WRAP,
 * else it ends the run; a styled one must fit); the rows they take go to
 * *rows, and whether any had SGRs to *styled_any (when not NULL). */
size_t fastscroll_plain_lines(const unsigned char *data, size_t len, int cols, int max_rows, int flags,
			      int *rows, int *styled_any);
/* The length of the first of such lines, without its CR LF. */
size_t fastscroll_line_len(const unsigned char *line, size_t len);
/* The first screen row of such lines: its length; *next is where the next
 * row starts (past the CR LF when the line ends here). */
size_t fastscroll_segment(const unsigned char *data, size_t len, int cols, size_t *next);
/* The same effect as those lines, taking rows_used rows, fed with the
 * cursor at the bottom-left of a rows-high, cols-wide screen: scroll up (by
 * scroll, usually rows_used), write each row in place above the bottom row,
 * cursor back to the bottom-left. data may start at any row of a line. */
void fastscroll_batch(struct buf *out, const unsigned char *data, size_t len, int rows_used, int rows,
		      int cols, int scroll);

#endif
