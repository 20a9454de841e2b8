/* sgr.h: an SGR (select graphic rendition) written again so that libvterm
 * 0.1.4 reads it as xterm does.
 *
 * libvterm 0.1.4 keeps no faint (SGR 2) and no concealed (SGR 8)
 * attribute, and misreads the underline colour (58, 59) as others. Its
 * cells do keep a font number (SGR 10-19), which fleetmux never draws: the
 * pane's guard (fastscroll.c) keeps the pen's faint and concealed bits
 * itself and has libvterm carry them in the font, so every cell written
 * keeps them, and DECSC/DECRC save and restore them with the pen. Pure: no
 * I/O. */
#ifndef FLEETMUX_SGR_H
#define FLEETMUX_SGR_H

#include "fleetmux/util.h"

/* The bits of a cell's font number (VTermScreenCellAttrs.font). */
#define SGR_DIM 1
#define SGR_CONCEAL 2

/* A parameter's largest value: larger ones are read as this (xterm's and
 * VTE's bound). libvterm 0.1.4 keeps only the low 31 bits of a parameter
 * and reads the 32nd as "more follows", so 4294967301 would be blink. */
#define SGR_ARG_MAX 65535

/* Writes to out the parameters of an SGR (n of them: v[i], -1 when
 * missing; more[i] when a ':' joins it to the next) as libvterm must see
 * them: without faint, concealed and their ends (2, 8, 28; 22 stays, for
 * bold), font selections, the underline colour (58 with its colour, 59) and
 * a 38/48 with no colour after it (libvterm would read past the
 * parameters). *pen (SGR_DIM | SGR_CONCEAL) is updated; when libvterm's
 * font would then differ from it, *font is the parameter (10 + *pen) that
 * must follow, else -1. Returns how many parameters were written; with
 * none and no font, the SGR must not reach libvterm (an empty one resets). */
int sgr_rewrite(const int *v, const unsigned char *more, int n, int *pen, struct buf *out,
		int *font);

/* A parameter (0..SGR_ARG_MAX) in decimal, without printf's cost: every
 * CSI's parameters are written again. */
void sgr_put_arg(struct buf *out, int v);

/* Whether a parameter (not a colour's) can be batched: what sgr_rewrite
 * does with it depends on nothing but the pen's bits, which a batched line
 * starts and ends without (font selections and the underline colour are
 * left to the guard). */
int sgr_code_batchable(int v);

#endif
