/* layout.c: tiled, even-horizontal, even-vertical and main-vertical, as
 * tmux names them. Pure: tested on numbers alone. */
#include "fleetmux/layout.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *names[LAYOUT_COUNT] = {"tiled", "even-horizontal", "even-vertical",
					  "main-vertical"};

const char *
layout_name(enum layout_kind k)
{
	return k < LAYOUT_COUNT ? names[k] : "?";
}

int
layout_from_name(const char *name)
{
	for (int i = 0; i < LAYOUT_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Split len into parts, gap cells between them; the first ones get the
 * remainder. Writes starts and sizes. */
static void
split(int start, int len, int parts, int gap, int *pos, int *size)
{
	int avail = len - gap * (parts - 1), each, extra, at = start;

	if (avail < parts)
		avail = parts;
	each = avail / parts;
	extra = avail % parts;
	for (int i = 0; i < parts; i++) {
		size[i] = each + (i < extra);
		pos[i] = at;
		at += size[i] + gap;
	}
}

static void
grid(int n, int cols, struct rect area, struct rect *out)
{
	int rows = (n + cols - 1) / cols;
	int *ry = calloc((size_t)rows, sizeof *ry), *rh = calloc((size_t)rows, sizeof *rh);
	int *cx = calloc((size_t)cols, sizeof *cx), *cw = calloc((size_t)cols, sizeof *cw);
	int i = 0;

	split(area.y, area.h, rows, 0, ry, rh);
	for (int r = 0; r < rows; r++) {
		/* The last row may be short: its panes share the full width. */
		int in_row = (r == rows - 1) ? n - r * cols : cols;

		split(area.x, area.w, in_row, 1, cx, cw);
		for (int c = 0; c < in_row; c++, i++)
			out[i] = (struct rect){cx[c], ry[r], cw[c], rh[r]};
	}
	free(ry);
	free(rh);
	free(cx);
	free(cw);
}

void
layout_compute(enum layout_kind k, int n, struct rect area, struct rect *out)
{
	if (n <= 0)
		return;
	if (n == 1) {
		out[0] = area;
		return;
	}
	switch (k) {
	case LAYOUT_EVEN_HORIZONTAL:
		grid(n, n, area, out);
		break;
	case LAYOUT_EVEN_VERTICAL:
		grid(n, 1, area, out);
		break;
	case LAYOUT_MAIN_VERTICAL: {
		int main_w = area.w / 2, side_x = area.x + main_w + 1;
		struct rect side = {side_x, area.y, area.x + area.w - side_x, area.h};

		out[0] = (struct rect){area.x, area.y, main_w, area.h};
		grid(n - 1, 1, side, out + 1);
		break;
	}
	case LAYOUT_TILED:
	default: {
		int cols = (int)ceil(sqrt((double)n));

		grid(n, cols, area, out);
		break;
	}
	}
}

static int
overlap(int a0, int a1, int b0, int b1)
{
	int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi - lo;
}

int
layout_neighbour(const struct rect *r, int n, int from, enum direction d)
{
	const struct rect *f = &r[from];
	int best = -1, best_dist = INT_MAX, best_ov = -1;

	for (int i = 0; i < n; i++) {
		const struct rect *c = &r[i];
		int dist, ov;

		if (i == from)
			continue;
		switch (d) {
		case DIR_LEFT: dist = f->x - (c->x + c->w); ov = overlap(f->y, f->y + f->h, c->y, c->y + c->h); break;
		case DIR_RIGHT: dist = c->x - (f->x + f->w); ov = overlap(f->y, f->y + f->h, c->y, c->y + c->h); break;
		case DIR_UP: dist = f->y - (c->y + c->h); ov = overlap(f->x, f->x + f->w, c->x, c->x + c->w); break;
		default: dist = c->y - (f->y + f->h); ov = overlap(f->x, f->x + f->w, c->x, c->x + c->w); break;
		}
		if (dist < 0 || ov <= 0)
			continue;
		if (dist < best_dist || (dist == best_dist && ov > best_ov)) {
			best = i;
			best_dist = dist;
			best_ov = ov;
		}
	}
	return best;
}

int
layout_hit(const struct rect *r, int n, int x, int y)
{
	for (int i = 0; i < n; i++)
		if (x >= r[i].x && x < r[i].x + r[i].w && y >= r[i].y && y < r[i].y + r[i].h)
			return i;
	return -1;
}
