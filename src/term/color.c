/* color.c: libvterm's colours and attributes to ncurses'. Default colours
 * stay -1 (the outer terminal's own, after use_default_colors); indexed ones
 * keep their index where the terminal has it; RGB goes out as packed RGB on
 * direct-colour terminals, else as the nearest xterm-256 entry. Attributes
 * are ncurses' bits, with two of fleetmux's own meaning (pane.h). */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/pane.h"
#include "fleetmux/sgr.h"

static const int cube[6] = {0, 95, 135, 175, 215, 255};

static int
nearest_cube(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (abs(cube[i] - v) < abs(cube[best] - v))
			best = i;
	return best;
}

static int
dist2(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

int
color_rgb_to_256(int r, int g, int b)
{
	int cr = nearest_cube(r), cg = nearest_cube(g), cb = nearest_cube(b);
	int cube_idx = 16 + 36 * cr + 6 * cg + cb;
	int cube_d = dist2(r, g, b, cube[cr], cube[cg], cube[cb]);
	int avg = (r + g + b) / 3, grey = (avg - 8 + 5) / 10, grey_v, grey_d;

	if (grey < 0)
		grey = 0;
	if (grey > 23)
		grey = 23;
	grey_v = 8 + 10 * grey;
	grey_d = dist2(r, g, b, grey_v, grey_v, grey_v);
	return grey_d < cube_d ? 232 + grey : cube_idx;
}

int
color_index(const VTermColor *c, VTermScreen *vs, int ncolors, int is_fg)
{
	VTermColor rgb = *c;

	if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return -1;
	if (VTERM_COLOR_IS_INDEXED(c) && c->indexed.idx < ncolors && ncolors < (1 << 24))
		return c->indexed.idx;
	/* A direct-colour terminal (xterm-direct) still takes 0-7 as its own
	 * palette: the user's red stays the user's red. (Its terminfo has no way
	 * to name palette entries past 7; those go out as libvterm's RGB.) */
	if (VTERM_COLOR_IS_INDEXED(c) && c->indexed.idx < 8 && ncolors >= (1 << 24))
		return c->indexed.idx;
	vterm_screen_convert_color_to_rgb(vs, &rgb);
	if (ncolors >= (1 << 24)) {
		int packed = (rgb.rgb.red << 16) | (rgb.rgb.green << 8) | rgb.rgb.blue;

		/* Below 8 it would be read as a palette index (#000005 as
		 * magenta): the nearest RGB value that is not one. */
		return packed < 8 ? 8 : packed;
	}
	if (ncolors >= 256)
		return color_rgb_to_256(rgb.rgb.red, rgb.rgb.green, rgb.rgb.blue);
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx % (ncolors > 0 ? ncolors : 8);
	{
		/* 8 or 16 colours: the nearest of the basic eight. */
		int r = rgb.rgb.red > 127, g = rgb.rgb.green > 127, b = rgb.rgb.blue > 127;

		return r | g << 1 | b << 2;
	}
}

attr_t
color_attrs(const VTermScreenCellAttrs *a)
{
	attr_t at = A_NORMAL;

	if (a->bold)
		at |= A_BOLD;
	if (a->underline)
		at |= A_UNDERLINE;
	if (a->italic)
		at |= A_ITALIC;
	if (a->blink)
		at |= A_BLINK;
	if (a->reverse)
		at |= A_REVERSE;
	/* faint and concealed come in the font number (sgr.h) */
	if (a->font & SGR_DIM)
		at |= A_DIM;
	if (a->font & SGR_CONCEAL)
		at |= A_INVIS;
	if (a->strike)
		at |= FM_A_STRIKE;
	return at;
}

void
color_attrs_to_vterm(attr_t at, VTermScreenCellAttrs *a)
{
	a->bold = !!(at & A_BOLD);
	a->underline = !!(at & A_UNDERLINE);
	a->italic = !!(at & A_ITALIC);
	a->blink = !!(at & A_BLINK);
	a->reverse = !!(at & A_REVERSE);
	a->strike = !!(at & FM_A_STRIKE);
	a->font = (at & A_DIM ? SGR_DIM : 0) | (at & A_INVIS ? SGR_CONCEAL : 0);
}

attr_t
color_drawn(attr_t at, int *blank)
{
	/* ncurses has no strikethrough: not drawn (README), and never as
	 * another attribute. */
	at &= ~FM_A_STRIKE;
	*blank = (at & A_INVIS) != 0;
	/* Concealed: blanks in the cell's colours, which reverse swaps; an
	 * underline or a terminal's own idea of invisible would show. */
	if (*blank)
		at &= A_REVERSE;
	return at;
}

void
color_cell_style(const VTermScreenCell *cell, VTermScreen *vs, int ncolors, int *fg, int *bg,
		 attr_t *at)
{
	*bg = color_index(&cell->bg, vs, ncolors, 0);
	/* An erased cell (nothing written in it) keeps only the background, as
	 * xterm and tmux fill erased cells: libvterm 0.1.4 copies the whole pen
	 * there, so ESC[4m ... ESC[K underlined the cleared rest of the line. */
	if (cell->chars[0] == 0) {
		*fg = -1;
		*at = A_NORMAL;
		return;
	}
	*fg = color_index(&cell->fg, vs, ncolors, 1);
	*at = color_attrs(&cell->attrs);
}

void
color_from_index(int idx, int is_fg, int ncolors, VTermColor *out)
{
	memset(out, 0, sizeof *out);
	if (idx < 0) {
		out->type = is_fg ? VTERM_COLOR_DEFAULT_FG : VTERM_COLOR_DEFAULT_BG;
	} else if (ncolors >= (1 << 24) && idx >= 8) {
		vterm_color_rgb(out, (uint8_t)(idx >> 16), (uint8_t)(idx >> 8), (uint8_t)idx);
	} else {
		vterm_color_indexed(out, (uint8_t)idx);
	}
}

/* One colour of a history run as SGR parameters (base 38 or 48). */
static void
sgr_colour(struct buf *out, int base, int32_t idx, int ncolors)
{
	if (idx < 0)
		return;
	if (ncolors >= (1 << 24) && idx >= 8)
		buf_printf(out, ";%d;2;%d;%d;%d", base, (idx >> 16) & 0xff, (idx >> 8) & 0xff, idx & 0xff);
	else
		buf_printf(out, ";%d;5;%d", base, idx & 0xff);
}

void
color_sgr(struct buf *out, int32_t fg, int32_t bg, uint32_t attrs, int ncolors)
{
	VTermScreenCellAttrs a;

	memset(&a, 0, sizeof a);
	color_attrs_to_vterm((attr_t)attrs, &a);
	buf_puts(out, "\x1b[0");
	if (a.bold)
		buf_puts(out, ";1");
	if (a.italic)
		buf_puts(out, ";3");
	if (a.underline)
		buf_puts(out, ";4");
	if (a.blink)
		buf_puts(out, ";5");
	if (a.reverse)
		buf_puts(out, ";7");
	if (a.strike)
		buf_puts(out, ";9");
	if (a.font) /* faint and concealed, as the guard hands them to libvterm */
		buf_printf(out, ";%d", 10 + (int)a.font);
	sgr_colour(out, 38, fg, ncolors);
	sgr_colour(out, 48, bg, ncolors);
	buf_putc(out, 'm');
}
