/* fastscroll.c: many plain lines scrolled in one step (see fastscroll.h).
 * The scanner follows just enough of ECMA-48, the way libvterm 0.1.4 reads
 * it, to know where escape sequences begin and end, the two that change
 * where scrolling happens (DECSTBM, the region; DECLRMM, left/right
 * margins), the sequences libvterm must not see, what libvterm leaves out
 * of some it does see (DECSC/DECRC's character sets, DECCOLM's clear,
 * DECSTR's pen reset) and what it reads otherwise than xterm (SGR: sgr.h). */
#include "fleetmux/fastscroll.h"
#include "fleetmux/sgr.h"

#include <string.h>

enum { GROUND, ESC, ESC_INTER, CSI, STR, STR_ESC };

static void reset_modes(struct fastscroll *f);

void
fastscroll_init(struct fastscroll *f)
{
	memset(f, 0, sizeof *f);
	f->state = GROUND;
	reset_modes(f);
}

static void
reset_modes(struct fastscroll *f)
{
	f->region_set = 0;
	f->lrmm = 0;
	f->g0 = f->g1 = 'B';
	f->gl = 0;
	f->saved = 0;
	f->nowrap = 0;
	f->insert = 0;
	f->pen = f->saved_pen = 0;
}

/* The n-th (0-based) parameter, or def when it is missing. */
static int
param(const struct fastscroll *f, int n, int def)
{
	return n < f->nargs && f->args[n] >= 0 ? f->args[n] : def;
}

static int
has_param(const struct fastscroll *f, int want)
{
	for (int n = 0; n < f->nargs; n++)
		if (f->args[n] == want)
			return 1;
	return 0;
}

/* DECSC keeps the character sets too (xterm); libvterm 0.1.4 does not. */
static void
save_cursor(struct fastscroll *f)
{
	f->saved_g0 = f->g0;
	f->saved_g1 = f->g1;
	f->saved_gl = f->gl;
	f->saved = 1;
	f->saved_pen = f->pen;
}

/* After DECRC: designate what was saved (ASCII when nothing was), so that
 * line drawing saved is line drawing restored; and set the font to the pen
 * saved (libvterm keeps its own copy of the pen, which RIS and DECSTR do
 * not clear). */
static void
restore_cursor(struct fastscroll *f, struct buf *out)
{
	char g0 = f->saved ? f->saved_g0 : 'B', g1 = f->saved ? f->saved_g1 : 'B';
	int gl = f->saved ? f->saved_gl : 0;

	f->g0 = g0;
	f->g1 = g1;
	f->gl = gl;
	f->pen = f->saved ? f->saved_pen : 0;
	if (out != NULL)
		buf_printf(out, "\x1b(%c\x1b)%c%c\x1b[%dm", g0, g1, gl ? 0x0e : 0x0f, 10 + f->pen);
}

/* A parameter byte of a CSI (a digit, ';' or ':'), held back. */
static void
csi_arg_byte(struct fastscroll *f, unsigned char c)
{
	int *a = &f->args[f->nargs - 1];

	if (c == ';' || c == ':') {
		f->more[f->nargs - 1] = c == ':';
		f->args[f->nargs] = -1;
		f->more[f->nargs++] = 0;
	} else if (*a < 0) {
		*a = c - '0';
	} else {
		/* bounded: never more than SGR_ARG_MAX, never an overflow */
		*a = *a > (SGR_ARG_MAX - (c - '0')) / 10 ? SGR_ARG_MAX : *a * 10 + (c - '0');
	}
}

/* The parameters held back, written out as read. */
static void
csi_args_write(struct fastscroll *f, struct buf *out)
{
	if (f->nparams == 0 || f->args_out)
		return;
	f->args_out = 1;
	for (int i = 0; out != NULL && i < f->nargs; i++) {
		if (i > 0)
			buf_putc(out, f->more[i - 1] ? ':' : ';');
		if (f->args[i] >= 0)
			sgr_put_arg(out, f->args[i]);
	}
}

/* Before the CSI's byte c (an intermediate, a marker or the final) goes
 * out: its parameters, an SGR's as sgr_rewrite has them. Returns the byte
 * to write instead of c: CAN for an SGR left with nothing. */
static unsigned char
csi_params_end(struct fastscroll *f, unsigned char c, struct buf *out)
{
	struct buf *sink = out, none;
	int n, font;

	if (c != 'm' || f->private_marker != 0 || f->csi_other || f->intermediate != 0 ||
	    f->args_out) {
		csi_args_write(f, out);
		return c;
	}
	f->args_out = 1;
	if (sink == NULL) {
		buf_init(&none);
		sink = &none;
	}
	n = sgr_rewrite(f->args, f->more, f->nargs, &f->pen, sink, &font);
	if (font >= 0) {
		/* libvterm 0.1.4 has room for FASTSCROLL_MAX_CSI_ARGS only */
		if (n >= FASTSCROLL_MAX_CSI_ARGS)
			buf_puts(sink, "m\x1b[");
		else if (n > 0)
			buf_putc(sink, ';');
		sgr_put_arg(sink, font);
		n++;
	}
	if (sink != out)
		buf_free(&none);
	return n > 0 ? c : 0x18; /* CAN: an empty SGR would reset every attribute */
}

static void
csi_final(struct fastscroll *f, unsigned char c, char private, struct buf *out)
{
	if ((c == 'J' || c == 'K') && private == 0 && !f->csi_other && f->intermediate == 0 && out != NULL &&
	    f->nerases < FASTSCROLL_MAX_RUNS) {
		f->erases[f->nerases].at = out->len;
		f->erases[f->nerases].kind = (char)c;
		f->erases[f->nerases].param = param(f, 0, 0);
		f->nerases++;
	}
	if (c == 'J' && private == 0 && !f->csi_other && f->intermediate == 0 && param(f, 0, 0) == 3 &&
	    out != NULL) {
		/* ED 3 (erase saved lines): libvterm 0.1.4 has no saved lines to
		 * erase; the pane does, up to here in out. */
		f->erase_history_at = (long)out->len;
	} else if ((c == 'h' || c == 'l') && private == '?' && !f->csi_other &&
		   f->intermediate == 0 && has_param(f, 3)) {
		/* DECCOLM: xterm and tmux clear the screen, home the cursor and
		 * reset the margins; libvterm 0.1.4 does nothing. (The pane keeps
		 * its width: it is not the outer terminal's to change.) */
		f->region_set = 0;
		if (out != NULL)
			buf_puts(out, "\x1b[r\x1b[H\x1b[2J");
	}
	if (c == 'r' && private == 0 && !f->csi_other && f->intermediate == 0) {
		int top = param(f, 0, 1), bottom = param(f, 1, 0);

		f->region_set = !(top <= 1 && bottom == 0);
		f->region_top = top;
		f->region_bottom = bottom;
	} else if ((c == 'h' || c == 'l') && private == '?' && !f->csi_other && f->intermediate == 0 &&
		   has_param(f, 69)) {
		f->lrmm = c == 'h';
	} else if (c == 'p' && private == 0 && !f->csi_other && f->intermediate == '!') {
		/* DECSTR (CSI ! p), a soft reset: xterm's resets the pen too,
		 * libvterm 0.1.4's keeps it. */
		reset_modes(f);
		if (out != NULL)
			buf_puts(out, "\x1b[m");
	}
	/* Modes 1048 and 1049 save the cursor as DECSC does, and restore it. */
	if ((c == 'h' || c == 'l') && private == '?' && !f->csi_other && f->intermediate == 0 &&
	    (has_param(f, 1048) || has_param(f, 1049))) {
		if (c == 'h')
			save_cursor(f);
		else
			restore_cursor(f, out);
	}
	/* Lines longer than the width are batched only while they wrap the
	 * plain way: autowrap (DECAWM) on, insert mode (IRM) off. */
	if ((c == 'h' || c == 'l') && !f->csi_other && f->intermediate == 0) {
		if (private == '?' && has_param(f, 7))
			f->nowrap = c == 'l';
		if (private == 0 && has_param(f, 4))
			f->insert = c == 'h';
	}
}

/* A byte into out; runs of printed text are noted (text: c is one). */
static void
put_out(struct fastscroll *f, struct buf *out, unsigned char c, int text)
{
	buf_putc(out, (char)c);
	if (text && !f->in_text && f->ntext_runs < FASTSCROLL_MAX_RUNS)
		f->text_runs[f->ntext_runs][0] = f->text_runs[f->ntext_runs][1] = out->len - 1;
	if (text && f->ntext_runs < FASTSCROLL_MAX_RUNS)
		f->text_runs[f->ntext_runs][1] = out->len;
	if (!text && f->in_text && f->ntext_runs < FASTSCROLL_MAX_RUNS)
		f->ntext_runs++;
	f->in_text = text;
}

/* A byte of text the scanner puts in itself (in the ground state). */
static void
put_text(struct fastscroll *f, struct buf *out, unsigned char c)
{
	put_out(f, out, c, 1);
	f->printed = 0;
	f->text_pending = 1;
}

size_t
fastscroll_scan(struct fastscroll *f, const unsigned char *data, size_t len, struct buf *out)
{
	size_t kept = 0;

	f->erase_history_at = -1;
	f->ntext_runs = 0;
	f->in_text = 0;
	f->nerases = 0;
	if (out != NULL)
		buf_reserve(out, len + 1);
	if (f->held_c2 && out != NULL) {
		/* the C2 that ended the last write, whole now or broken */
		f->held_c2 = 0;
		put_text(f, out, len > 0 && data[0] >= 0xa0 && data[0] <= 0xbf ? 0xc2 : 0xff);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];

		if (f->state == CSI && ((c >= '0' && c <= '9') || c == ';' || c == ':')) {
			/* libvterm 0.1.4 writes past its argument array for a CSI
			 * with about twenty parameters (found by fuzz_pane): past
			 * the limit, parameter bytes are dropped, as xterm ignores
			 * extra ones. */
			if (c == ';' || c == ':')
				f->nseps++;
			if (f->nseps >= FASTSCROLL_MAX_CSI_ARGS)
				continue;
			kept++;
			if (f->intermediate != 0) {
				/* libvterm 0.1.4 drops a parameter byte after an
				 * intermediate and ends the sequence: what follows
				 * is text (found by fuzz_pane) */
				if (out != NULL)
					buf_putc(out, (char)c);
				f->state = GROUND;
				continue;
			}
			if (f->args_out) {
				/* after an intermediate or a late marker libvterm has
				 * given the sequence up: no longer ours to read */
				f->csi_other = 1;
				if (out != NULL)
					buf_putc(out, (char)c);
			} else {
				f->nparams++;
				csi_arg_byte(f, c);
			}
			continue;
		}
		if (f->state == CSI && c >= 0x20 && c <= 0x7e)
			c = csi_params_end(f, c, out);
		/* SCOSC and SCORC (CSI s, CSI u), which shells' prompts and
		 * progress bars use: libvterm 0.1.4 has neither, xterm takes them
		 * for DECSC and DECRC. The CSI is cancelled and ESC 7 or ESC 8
		 * goes instead. (With left and right margins on, CSI s sets
		 * them: DECSLRM.) */
		if (f->state == CSI && (c == 's' || c == 'u') && f->nparams == 0 && f->private_marker == 0 &&
		    f->intermediate == 0 && !f->csi_other && !(c == 's' && f->lrmm)) {
			if (out != NULL) {
				buf_putc(out, 0x18);
				buf_putc(out, 0x1b);
			}
			c = c == 's' ? '7' : '8';
			f->state = ESC;
		}
		/* libvterm 0.1.4 loops for ever on REP (CSI b) when no character
		 * came before it (found by fuzz_pane): such a REP is cancelled. */
		if (f->state == CSI && c == 'b' && f->private_marker == 0 && f->intermediate == 0 &&
		    !f->printed)
			c = 0x18; /* CAN */
		/* libvterm 0.1.4 decodes C2 80..C2 9F (the C1 controls written in
		 * UTF-8) to characters of width -1, and a glyph of width -1 in
		 * insert mode scrolls the row through a missing cell (found by
		 * fuzz_pane). Its decoder keeps a lead across controls, sequences
		 * and ASCII, in ways hard to follow, and where a sequence ends is
		 * not always where this scanner thinks; so, whatever the state, a
		 * C2 goes to libvterm only with the byte that ends it (A0..BF)
		 * right after. Any other becomes 0xFF, which libvterm takes for a
		 * broken character (U+FFFD) and keeps nothing of; one that ends
		 * this write in text waits for the next. */
		if (c == 0xc2 && out != NULL) {
			if (i + 1 == len && f->state == GROUND) {
				f->held_c2 = 1;
				f->text_pending = 1;
				kept++;
				continue;
			}
			if (i + 1 == len || data[i + 1] < 0xa0 || data[i + 1] > 0xbf)
				c = 0xff;
		}
		/* REP is kept only after an ASCII character: after anything else
		 * (invalid UTF-8, a lone combining mark) libvterm may have nothing
		 * to repeat. ncurses uses REP for single-byte characters only. */
		if (f->state == GROUND && c >= 0x20)
			f->printed = c < 0x7f;
		if (out != NULL)
			put_out(f, out, c, f->state == GROUND && c >= 0x20 && c != 0x7f);
		kept++;
		/* After any non-ASCII byte, libvterm's decoder and combining state
		 * (a character cut in two, a combining mark) can still change the
		 * next printed character: it goes through libvterm too. */
		if (c >= 0x80)
			f->text_pending = 1;
		else if (f->state == GROUND && c >= 0x20 && c < 0x7f)
			f->text_pending = 0;

		if (c == 0x18 || c == 0x1a) { /* CAN, SUB: any sequence ends */
			f->state = GROUND;
			continue;
		}
		/* SO and SI shift between G1 and G0 wherever they come (as C0
		 * controls, executed inside sequences too). */
		if ((c == 0x0e || c == 0x0f) && f->state != STR && f->state != STR_ESC)
			f->gl = c == 0x0e;
		switch (f->state) {
		case GROUND:
			if (c == 0x1b)
				f->state = ESC;
			break;
		case STR_ESC:
			if (c == '\\') { /* ST */
				f->state = GROUND;
				break;
			}
			/* Any other ESC ends the string and starts a sequence, as
			 * libvterm has it (found by fuzz_pane: a CSI inside an OSC). */
			f->state = ESC;
			/* fall through */
		case ESC:
		case ESC_INTER:
			/* Inside a sequence, DEL and bytes from 0x80 are ignored, as
			 * libvterm ignores them (found by fuzz_pane: ESC, 0xac, CSI). */
			if (c == 0x7f || c >= 0x80)
				break;
			if (c == 0x1b) {
				f->state = ESC;
			} else if (c < 0x20) {
				/* a control inside: executed, the sequence goes on */
			} else if (c < 0x30) {
				f->esc_inter = f->state == ESC ? (char)c : 0;
				f->state = ESC_INTER;
			} else if (c == '[') { /* libvterm starts a CSI after intermediates too */
				f->state = CSI;
				f->nargs = 1;
				f->args[0] = -1;
				f->more[0] = 0;
				f->nparams = 0;
				f->args_out = 0;
				f->csi_other = 0;
				f->nseps = 0;
				f->intermediate = 0;
				f->private_marker = 0;
			} else if (f->state == ESC && (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')) {
				f->state = STR;
			} else {
				if (f->state == ESC && c == 'c') {
					reset_modes(f); /* RIS */
					f->printed = 0;
				} else if (f->state == ESC && c == '7') {
					save_cursor(f); /* DECSC */
				} else if (f->state == ESC && c == '8') {
					restore_cursor(f, out); /* DECRC */
				} else if (f->state == ESC_INTER && f->esc_inter == '(') {
					f->g0 = (char)c; /* SCS: G0 */
				} else if (f->state == ESC_INTER && f->esc_inter == ')') {
					f->g1 = (char)c; /* SCS: G1 */
				}
				f->state = GROUND;
			}
			break;
		case CSI:
			/* DEL is ignored; a byte from 0x80 is dropped and ends the
			 * sequence, as libvterm 0.1.4 has it (found by fuzz_pane:
			 * CSI, 0xc2, 0xc2 left a UTF-8 lead in its decoder). */
			if (c == 0x7f)
				break;
			if (c >= 0x80) {
				f->state = GROUND;
				break;
			}
			if (c == 0x1b) {
				f->state = ESC;
			} else if (c < 0x20) {
				/* executed, the sequence goes on */
			} else if (c >= 0x3c && c <= 0x3f) {
				/* a marker: before any parameter; after one, or after
				 * an intermediate, libvterm drops it and the sequence
				 * ends there */
				if (f->nparams > 0 || f->intermediate != 0)
					f->state = GROUND;
				else if (f->private_marker == 0)
					f->private_marker = (char)c;
				else
					f->csi_other = 1;
			} else if (c >= 0x20 && c <= 0x2f) {
				if (f->intermediate != 0)
					f->csi_other = 1;
				f->intermediate = (char)c;
			} else {
				if (c >= 0x40 && c <= 0x7e)
					csi_final(f, c, f->private_marker, out);
				f->state = GROUND;
			}
			break;
		case STR:
			if (c == 0x07)
				f->state = GROUND;
			else if (c == 0x1b)
				f->state = STR_ESC;
			break;
		}
	}
	if (f->in_text && f->ntext_runs < FASTSCROLL_MAX_RUNS)
		f->ntext_runs++;
	f->in_text = 0;
	return kept;
}

int
fastscroll_ready(const struct fastscroll *f, int rows)
{
	if (f->state != GROUND || f->lrmm || f->text_pending)
		return 0;
	/* Lines that go straight to history must read as ASCII. */
	if ((f->gl ? f->g1 : f->g0) != 'B')
		return 0;
	return !f->region_set || (f->region_top <= 1 && (f->region_bottom == 0 || f->region_bottom >= rows));
}

size_t
fastscroll_line_len(const unsigned char *line, size_t len)
{
	const unsigned char *cr = memchr(line, '\r', len);

	return cr ? (size_t)(cr - line) : len;
}

int
fastscroll_wraps(const struct fastscroll *f)
{
	return !f->nowrap && !f->insert;
}

/* The screen rows a plain line of n characters takes. */
static int
rows_of(size_t n, int cols)
{
	return n == 0 ? 1 : (int)((n + (size_t)cols - 1) / (size_t)cols);
}

/* One SGR at d (ESC [ digits and ; m) that libvterm reads as xterm does:
 * at most 16 parameters, none the guard would have rewritten (sgr.h). Its
 * length, or 0; *plain: whether it leaves the pen plain (its last attribute
 * parameter is a reset, no colour's argument counted), else unchanged. */
static size_t
simple_sgr(const unsigned char *d, size_t len, int *plain)
{
	size_t i = 2;
	int seps = 0, tok = 0, val = 0, palette = 0, colour = 0;

	if (len < 3 || d[0] != 0x1b || d[1] != '[')
		return 0;
	for (; i < len && i < 48; i++) {
		if (d[i] >= '0' && d[i] <= '9') {
			if (tok < 4) /* longer is refused below; never overflow */
				val = val * 10 + (d[i] - '0');
			tok++;
			continue;
		}
		if ((d[i] != ';' && d[i] != 'm') || tok > 3)
			return 0;
		if (colour > 0) {
			colour--; /* a colour's argument, not an attribute */
		} else if (palette) {
			colour = tok > 0 && val == 2 ? 3 : tok > 0 && val == 5 ? 1 : 0;
			palette = 0;
		} else if (tok == 0 || val == 0) {
			*plain = 1;
		} else if (!sgr_code_batchable(val)) {
			return 0;
		} else {
			*plain = 0;
			palette = val == 38 || val == 48;
		}
		if (d[i] == 'm') /* (a 38 with nothing after it the guard drops) */
			return palette || seps >= FASTSCROLL_MAX_CSI_ARGS ? 0 : i + 1;
		seps++;
		tok = val = 0;
	}
	return 0;
}

/* A whole line at d: printable ASCII, and SGRs when sgr is set, then CR LF.
 * Its bytes before the CR LF and its width; 0 when it is not such a line,
 * or a styled one whose pen does not end plain. */
static int
plain_line(const unsigned char *d, size_t len, int sgr, size_t *bytes, size_t *width, int *styled)
{
	size_t i = 0;
	int plain = 1;

	*width = 0;
	*styled = 0;
	while (i < len) {
		size_t n;

		if (d[i] >= 0x20 && d[i] < 0x7f) {
			i++;
			(*width)++;
		} else if (sgr && (n = simple_sgr(d + i, len - i, &plain)) > 0) {
			i += n;
			*styled = 1;
		} else {
			break;
		}
	}
	if (i + 1 >= len || d[i] != '\r' || d[i + 1] != '\n' || !plain)
		return 0;
	*bytes = i;
	return 1;
}

size_t
fastscroll_plain_lines(const unsigned char *data, size_t len, int cols, int max_rows, int flags,
		       int *rows, int *styled_any)
{
	size_t used = 0, i = 0;
	int n = 0, any = 0;

	while (i < len) {
		size_t bytes, width;
		int r, styled;

		if (!plain_line(data + i, len - i, flags & FASTSCROLL_SGR, &bytes, &width, &styled))
			break;
		/* A styled line is batched only when it fits: its rows would
		 * have to be cut between SGRs. */
		if ((!(flags & FASTSCROLL_WRAP) || styled) && width > (size_t)cols)
			break;
		if (width > (size_t)cols * FASTSCROLL_MAX_WRAP)
			break;
		r = rows_of(width, cols);
		if (n + r > max_rows)
			break;
		i += bytes + 2;
		used = i;
		n += r;
		any |= styled;
	}
	*rows = n;
	if (styled_any != NULL)
		*styled_any = any;
	return used;
}

size_t
fastscroll_segment(const unsigned char *data, size_t len, int cols, size_t *next)
{
	size_t n = fastscroll_line_len(data, len);

	/* (a styled line is batched only when it fits: never cut) */
	if (n > (size_t)cols && memchr(data, 0x1b, n) == NULL) {
		*next = (size_t)cols;
		return (size_t)cols;
	}
	*next = n + 2; /* and its CR LF */
	return n;
}

/* A batched row as libvterm must see it: its SGRs (simple_sgr's kind)
 * written again as the guard writes them (faint and concealed in the font),
 * the pen's bits starting plain, as every batched line does. */
static void
batch_row(struct buf *out, const unsigned char *d, size_t n)
{
	int pen = 0;
	size_t i = 0;

	while (i < n) {
		const unsigned char *esc = memchr(d + i, 0x1b, n - i);
		int v[FASTSCROLL_MAX_CSI_ARGS], nv = 0, font, kept;
		unsigned char more[FASTSCROLL_MAX_CSI_ARGS] = {0};
		size_t j, mark;

		if (esc == NULL) {
			buf_append(out, d + i, n - i);
			return;
		}
		buf_append(out, d + i, (size_t)(esc - (d + i)));
		i = (size_t)(esc - d) + 2;
		for (j = i, v[0] = -1; j < n && d[j] != 'm'; j++) {
			if (d[j] == ';') {
				if (nv + 1 < FASTSCROLL_MAX_CSI_ARGS)
					v[++nv] = -1;
			} else {
				v[nv] = (v[nv] < 0 ? 0 : v[nv] * 10) + (d[j] - '0'); /* at most 3 digits */
			}
		}
		nv++;
		buf_puts(out, "\x1b[");
		mark = out->len;
		kept = sgr_rewrite(v, more, nv, &pen, out, &font);
		if (kept == 0 && font < 0) {
			out->len = mark - 2; /* nothing left: an empty SGR would reset */
			out->data[out->len] = '\0';
		} else {
			if (font >= 0) {
				/* libvterm 0.1.4 has room for FASTSCROLL_MAX_CSI_ARGS */
				if (kept >= FASTSCROLL_MAX_CSI_ARGS)
					buf_puts(out, "m\x1b[");
				else if (kept > 0)
					buf_putc(out, ';');
				sgr_put_arg(out, font);
			}
			buf_putc(out, 'm');
		}
		i = j + 1;
	}
}

void
fastscroll_batch(struct buf *out, const unsigned char *data, size_t len, int rows_used, int rows,
		 int cols, int scroll)
{
	size_t i = 0;

	if (scroll > 0)
		buf_printf(out, "\x1b[%dS", scroll);
	/* A line wider than the screen is its rows, one after the other, as
	 * autowrap would have put them. */
	for (int k = 0; k < rows_used && i < len; k++) {
		size_t next, n = fastscroll_segment(data + i, len - i, cols, &next);

		buf_printf(out, "\x1b[%d;1H", rows - rows_used + k);
		batch_row(out, data + i, n);
		i += next;
	}
	buf_printf(out, "\x1b[%d;1H", rows);
}
