/* layout.h: pure geometry: where n panes go in an area. Each rect includes
 * the pane's title row; side-by-side panes are one column apart (the
 * separator). */
#ifndef FLEETMUX_LAYOUT_H
#define FLEETMUX_LAYOUT_H

struct rect {
	int x, y, w, h;
};

enum layout_kind {
	LAYOUT_TILED,
	LAYOUT_EVEN_HORIZONTAL,
	LAYOUT_EVEN_VERTICAL,
	LAYOUT_MAIN_VERTICAL,
	LAYOUT_COUNT,
};

enum direction { DIR_LEFT, DIR_RIGHT, DIR_UP, DIR_DOWN };

const char *layout_name(enum layout_kind k);
/* -1 when the name is not a layout. */
int layout_from_name(const char *name);
void layout_compute(enum layout_kind k, int n, struct rect area, struct rect *out);
/* The pane next to `from` in a direction, or -1. */
int layout_neighbour(const struct rect *r, int n, int from, enum direction d);
/* The pane holding the screen cell (x, y), or -1. */
int layout_hit(const struct rect *r, int n, int x, int y);

#endif
