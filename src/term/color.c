/* color.c: libvterm's colours and attributes to ncurses'. Default colours
 * stay -1 (the outer terminal's own, after use_default_colors); indexed ones
 * keep their index where the terminal has it; RGB goes out as packed RGB on
 * direct-colour terminals, else as the nearest xterm-256 entry. */
#include <stdlib.h>

#include "fleetmux/pane.h"

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
	vterm_screen_convert_color_to_rgb(vs, &rgb);
	if (ncolors >= (1 << 24))
		return (rgb.rgb.red << 16) | (rgb.rgb.green << 8) | rgb.rgb.blue;
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
	/* ncurses has no strike-through attribute; dim is the closest mark. */
	if (a->strike)
		at |= A_DIM;
	return at;
}
