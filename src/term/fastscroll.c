/* fastscroll.c: many plain lines scrolled in one step (see fastscroll.h).
 * The scanner follows just enough of ECMA-48, the way libvterm 0.1.4 reads
 * it, to know where escape sequences begin and end, the two that change
 * where scrolling happens (DECSTBM, the region; DECLRMM, left/right
 * margins), and the sequences libvterm must not see. */
#include "fleetmux/fastscroll.h"

#include <stdlib.h>
#include <string.h>

enum { GROUND, ESC, ESC_INTER, CSI, STR, STR_ESC };

void
fastscroll_init(struct fastscroll *f)
{
	memset(f, 0, sizeof *f);
	f->state = GROUND;
}

static void
reset_modes(struct fastscroll *f)
{
	f->region_set = 0;
	f->lrmm = 0;
}

/* The n-th (0-based) parameter, or def when it is missing or empty. */
static int
param(const struct fastscroll *f, int n, int def)
{
	const char *p = f->params, *end = f->params + f->nparams;

	for (; n > 0 && p < end; p++)
		if (*p == ';')
			n--;
	if (n > 0 || p >= end || *p == ';')
		return def;
	return atoi(p);
}

static int
has_param(const struct fastscroll *f, int want)
{
	for (int n = 0; n < 16; n++) {
		int v = param(f, n, -1);

		if (v == want)
			return 1;
	}
	return 0;
}

static void
csi_final(struct fastscroll *f, unsigned char c, char private)
{
	if (c == 'r' && private == 0 && !f->csi_other && f->intermediate == 0) {
		int top = param(f, 0, 1), bottom = param(f, 1, 0);

		f->region_set = !(top <= 1 && bottom == 0);
		f->region_top = top;
		f->region_bottom = bottom;
	} else if ((c == 'h' || c == 'l') && private == '?' && !f->csi_other && f->intermediate == 0 &&
		   has_param(f, 69)) {
		f->lrmm = c == 'h';
	} else if (c == 'p' && private == 0 && f->intermediate == '!') {
		reset_modes(f); /* DECSTR (CSI ! p), a soft reset */
	}
}

size_t
fastscroll_scan(struct fastscroll *f, const unsigned char *data, size_t len, unsigned char *out)
{
	size_t kept = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];

		/* libvterm 0.1.4 writes past its argument array for a CSI with
		 * about twenty parameters (found by fuzz_pane): past the limit,
		 * parameter bytes are dropped, as xterm ignores extra ones. */
		if (f->state == CSI && ((c >= '0' && c <= '9') || c == ';' || c == ':')) {
			if (c == ';' || c == ':')
				f->nseps++;
			if (f->nseps >= FASTSCROLL_MAX_CSI_ARGS)
				continue;
		}
		/* libvterm 0.1.4 loops for ever on REP (CSI b) when no character
		 * came before it (found by fuzz_pane): such a REP is cancelled. */
		if (f->state == CSI && c == 'b' && f->private_marker == 0 && f->intermediate == 0 &&
		    !f->printed)
			c = 0x18; /* CAN */
		/* REP is kept only after an ASCII character: after anything else
		 * (invalid UTF-8, a lone combining mark) libvterm may have nothing
		 * to repeat. ncurses uses REP for single-byte characters only. */
		if (f->state == GROUND && c >= 0x20)
			f->printed = c < 0x7f;
		if (out != NULL)
			out[kept] = c;
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
				f->state = ESC_INTER;
			} else if (c == '[') { /* libvterm starts a CSI after intermediates too */
				f->state = CSI;
				f->nparams = 0;
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
				}
				f->state = GROUND;
			}
			break;
		case CSI:
			if (c == 0x7f || c >= 0x80)
				break;
			if (c == 0x1b) {
				f->state = ESC;
			} else if (c < 0x20) {
				/* executed, the sequence goes on */
			} else if ((c >= '0' && c <= '9') || c == ';' || c == ':') {
				if (f->nparams < sizeof f->params - 1)
					f->params[f->nparams++] = (char)c;
				else
					f->csi_other = 1;
			} else if (c >= 0x3c && c <= 0x3f) {
				if (f->nparams == 0 && f->private_marker == 0)
					f->private_marker = (char)c;
				else
					f->csi_other = 1;
			} else if (c >= 0x20 && c <= 0x2f) {
				if (f->intermediate != 0)
					f->csi_other = 1;
				f->intermediate = (char)c;
			} else {
				f->params[f->nparams] = '\0';
				if (c >= 0x40 && c <= 0x7e)
					csi_final(f, c, f->private_marker);
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
	return kept;
}

int
fastscroll_ready(const struct fastscroll *f, int rows)
{
	if (f->state != GROUND || f->lrmm || f->text_pending)
		return 0;
	return !f->region_set || (f->region_top <= 1 && (f->region_bottom == 0 || f->region_bottom >= rows));
}

size_t
fastscroll_line_len(const unsigned char *line, size_t len)
{
	const unsigned char *cr = memchr(line, '\r', len);

	return cr ? (size_t)(cr - line) : len;
}

size_t
fastscroll_plain_lines(const unsigned char *data, size_t len, int cols, int max_lines, int *lines)
{
	size_t used = 0, i = 0;
	int n = 0;

	while (n < max_lines && i < len) {
		size_t start = i;

		while (i < len && data[i] >= 0x20 && data[i] < 0x7f)
			i++;
		if (i - start > (size_t)cols || i + 1 >= len || data[i] != '\r' || data[i + 1] != '\n')
			break;
		i += 2;
		used = i;
		n++;
	}
	*lines = n;
	return used;
}

void
fastscroll_batch(struct buf *out, const unsigned char *data, size_t len, int lines, int rows, int scroll)
{
	size_t i = 0;

	if (scroll > 0)
		buf_printf(out, "\x1b[%dS", scroll);
	for (int k = 0; k < lines; k++) {
		size_t n = fastscroll_line_len(data + i, len - i);

		buf_printf(out, "\x1b[%d;1H", rows - lines + k);
		buf_append(out, data + i, n);
		i += n + 2;
	}
	buf_printf(out, "\x1b[%d;1H", rows);
}
