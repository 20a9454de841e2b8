/* sgr_pen.h: an SGR's parameters applied to a pen the way libvterm 0.1.4
 * applies them, for lines that go to history without passing through
 * libvterm (a flood of coloured output). Pure. */
#ifndef FLEETMUX_SGR_PEN_H
#define FLEETMUX_SGR_PEN_H

#include <stddef.h>
#include <vterm.h>

struct sgr_pen {
	VTermColor fg, bg;
	VTermScreenCellAttrs attrs;
};

/* The pen after a reset (SGR 0): default colours, no attribute. */
void sgr_pen_reset(struct sgr_pen *pen);
/* Applies the parameters between CSI and m (digits and ';' only). Returns
 * 0, the pen left as it may be, for anything this reading does not follow
 * exactly (a colour out of range, a sub-parameter): libvterm must read
 * that SGR itself. */
int sgr_pen_apply(struct sgr_pen *pen, const unsigned char *params, size_t len);

#endif
