/* sgr_pen.c: SGR parameters onto a pen, as libvterm 0.1.4's
 * vterm_state_setpen reads them after the guard's rewriting (sgr.h: faint
 * and concealed in the font), see sgr_pen.h; anything else is refused
 * rather than guessed. */
#include "fleetmux/sgr_pen.h"
#include "fleetmux/sgr.h"

#include <string.h>

#define SGR_MAX_ARGS 16

void
sgr_pen_reset(struct sgr_pen *pen)
{
	memset(pen, 0, sizeof *pen);
	pen->fg.type = VTERM_COLOR_DEFAULT_FG;
	pen->bg.type = VTERM_COLOR_DEFAULT_BG;
}

/* The parameters as numbers; an empty one is -1 (libvterm's "missing"). */
static int
split(const unsigned char *p, size_t len, long *args)
{
	int n = 0;
	long v = -1;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || p[i] == ';') {
			if (n == SGR_MAX_ARGS)
				return -1;
			args[n++] = v;
			v = -1;
		} else if (p[i] >= '0' && p[i] <= '9') {
			if (v > 9999)
				return -1;
			v = (v < 0 ? 0 : v * 10) + (p[i] - '0');
		} else {
			return -1;
		}
	}
	return n;
}

/* 38 / 48's colour from args[*i + 1] on: 5;n or 2;r;g;b. */
static int
extended_colour(const long *args, int n, int *i, VTermColor *out)
{
	if (*i + 1 >= n)
		return 0;
	if (args[*i + 1] == 5 && *i + 2 < n && args[*i + 2] >= 0 && args[*i + 2] <= 255) {
		vterm_color_indexed(out, (uint8_t)args[*i + 2]);
		*i += 2;
		return 1;
	}
	if (args[*i + 1] == 2 && *i + 4 < n) {
		for (int k = 2; k <= 4; k++)
			if (args[*i + k] < 0 || args[*i + k] > 255)
				return 0;
		vterm_color_rgb(out, (uint8_t)args[*i + 2], (uint8_t)args[*i + 3], (uint8_t)args[*i + 4]);
		*i += 4;
		return 1;
	}
	return 0;
}

int
sgr_pen_apply(struct sgr_pen *pen, const unsigned char *params, size_t len)
{
	long args[SGR_MAX_ARGS];
	int n = split(params, len, args);

	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		long a = args[i];

		if (a < 0 && n > 1)
			return 0; /* an empty one among others: let libvterm read it */
		switch (a) {
		case -1:
		case 0: sgr_pen_reset(pen); break;
		case 1: pen->attrs.bold = 1; break;
		/* faint and concealed: in the font, as the guard has libvterm
		 * keep them (sgr.h) */
		case 2: pen->attrs.font |= SGR_DIM; break;
		case 8: pen->attrs.font |= SGR_CONCEAL; break;
		case 28: pen->attrs.font &= ~(unsigned)SGR_CONCEAL; break;
		case 3: pen->attrs.italic = 1; break;
		case 4: pen->attrs.underline = 1; break;
		case 5: pen->attrs.blink = 1; break;
		case 7: pen->attrs.reverse = 1; break;
		case 9: pen->attrs.strike = 1; break;
		case 21: pen->attrs.underline = 2; break;
		case 22:
			pen->attrs.bold = 0;
			pen->attrs.font &= ~(unsigned)SGR_DIM;
			break;
		case 23: pen->attrs.italic = 0; break;
		case 24: pen->attrs.underline = 0; break;
		case 25: pen->attrs.blink = 0; break;
		case 27: pen->attrs.reverse = 0; break;
		case 29: pen->attrs.strike = 0; break;
		case 38:
			if (!extended_colour(args, n, &i, &pen->fg))
				return 0;
			break;
		case 39: pen->fg.type = VTERM_COLOR_DEFAULT_FG; break;
		case 48:
			if (!extended_colour(args, n, &i, &pen->bg))
				return 0;
			break;
		case 49: pen->bg.type = VTERM_COLOR_DEFAULT_BG; break;
		default:
			if (a >= 30 && a <= 37)
				vterm_color_indexed(&pen->fg, (uint8_t)(a - 30));
			else if (a >= 40 && a <= 47)
				vterm_color_indexed(&pen->bg, (uint8_t)(a - 40));
			else if (a >= 90 && a <= 97)
				vterm_color_indexed(&pen->fg, (uint8_t)(a - 90 + 8));
			else if (a >= 100 && a <= 107)
				vterm_color_indexed(&pen->bg, (uint8_t)(a - 100 + 8));
			else
				return 0; /* not sure how libvterm takes it: let it */
			break;
		}
	}
	return 1;
}
