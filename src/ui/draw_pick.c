/* draw_pick.c: what pick.c shows, drawn over the panes: C-b q's large
 * numbers, one in the middle of each pane (the focused one red, the others
 * blue, as tmux's display-panes), and C-b w's list of panes. Drawing only:
 * state in, nothing changed. */
#include <stdio.h>
#include <string.h>

#include "fleetmux/fit.h"
#include "tui.h"

/* Digits three cells wide and five high; a cell is two columns. */
static const char *const font[10][5] = {
    {"###", "# #", "# #", "# #", "###"}, {" # ", "## ", " # ", " # ", "###"},
    {"###", "  #", "###", "#  ", "###"}, {"###", "  #", "###", "  #", "###"},
    {"# #", "# #", "###", "  #", "  #"}, {"###", "#  ", "###", "  #", "###"},
    {"###", "#  ", "###", "# #", "###"}, {"###", "  #", "  #", "  #", "  #"},
    {"###", "# #", "###", "# #", "###"}, {"###", "# #", "###", "  #", "###"},
};
#define DIGIT_W 6   /* columns a digit takes */
#define DIGIT_GAP 2
#define DIGIT_H 5

static void
draw_number(struct app *a, int i)
{
	const struct rect *r = &a->rects[i];
	char num[16];
	int n = snprintf(num, sizeof num, "%d", a->slots[i]->number);
	int w = n * (DIGIT_W + DIGIT_GAP) - DIGIT_GAP, h = r->h - 1; /* under the title */
	int pair = alloc_pair(i == a->focus && !a->sidebar_focus ? COLOR_RED : COLOR_BLUE, -1);
	int x0 = r->x + (r->w - w) / 2, y0 = r->y + 1 + (h - DIGIT_H) / 2;

	if (pair < 0)
		pair = 0;
	attron(COLOR_PAIR(pair) | A_BOLD);
	if (w > r->w || DIGIT_H > h) { /* too small: the number as text */
		move(r->y + 1 + h / 2, r->x + (r->w - n - 2 > 0 ? (r->w - n - 2) / 2 : 0));
		attron(A_REVERSE);
		ui_put_text(stdscr, " ", r->w);
		ui_put_text(stdscr, num, r->w - 1);
		ui_put_text(stdscr, " ", r->w - 1 - n);
		attroff(A_REVERSE);
	} else {
		/* On a blank ground a little wider than the number, so that the
		 * pane's text does not run into its shape. */
		attroff(COLOR_PAIR(pair) | A_BOLD);
		for (int y = y0 - 1; y <= y0 + DIGIT_H; y++)
			for (int x = x0 - 2; x < x0 + w + 2; x++)
				if (y > r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w)
					mvaddch(y, x, ' ');
		attron(COLOR_PAIR(pair) | A_BOLD);
		for (int d = 0; d < n; d++)
			for (int y = 0; y < DIGIT_H; y++)
				for (int x = 0; x < 3; x++)
					if (font[num[d] - '0'][y][x] == '#')
						mvaddstr(y0 + y, x0 + d * (DIGIT_W + DIGIT_GAP) + 2 * x, "██");
	}
	attroff(COLOR_PAIR(pair) | A_BOLD);
}

/* One pane's row of the list: number, target, badge; a long target is cut
 * from its start (its end names the container), the badge stays whole. */
static void
chooser_row(struct app *a, int i, int y, int x, int w)
{
	struct slot *s = a->slots[i];
	char text[1024], name[512], cut[512], badge[200], tail[220];
	int used, room;

	slot_badge(s, badge, sizeof badge);
	snprintf(tail, sizeof tail, "  %s[%s]", s->log ? "[log] " : "", badge);
	snprintf(name, sizeof name, "%s/%s/%s", s->region, s->group_name, s->container);
	room = w - 6 - fit_columns(tail);
	fit_cut(name, room > 1 ? room : 1, 1, cut, sizeof cut);
	snprintf(text, sizeof text, " %3d%s %s%s", s->number, s->marked ? "*" : " ", cut, tail);
	if (i == a->choose_row)
		attron(A_REVERSE);
	move(y, x);
	used = ui_put_text(stdscr, text, w);
	for (; used < w; used++)
		addch(' ');
	if (i == a->choose_row)
		attroff(A_REVERSE);
}

static void
draw_chooser(struct app *a)
{
	int left = a->sidebar_visible ? a->sidebar_width + 1 : 0;
	int area_w = a->cols - left, area_h = a->rows - 1;
	int w = area_w - 4 < 76 ? area_w - 4 : 76, shown = a->npanes, first, x, y, row;
	char label[64];

	if (shown > area_h - 4)
		shown = area_h - 4;
	if (w < 12 || shown < 1)
		return;
	row = a->choose_row < a->npanes ? a->choose_row : a->npanes - 1;
	/* The highlighted row in view, in the middle when the list is long. */
	first = row - shown / 2;
	if (first > a->npanes - shown)
		first = a->npanes - shown;
	if (first < 0)
		first = 0;
	x = left + (area_w - w - 2) / 2;
	y = (area_h - shown - 2) / 2;
	attron(A_BOLD);
	mvadd_wch(y, x, WACS_ULCORNER);
	mvadd_wch(y, x + w + 1, WACS_URCORNER);
	mvadd_wch(y + shown + 1, x, WACS_LLCORNER);
	mvadd_wch(y + shown + 1, x + w + 1, WACS_LRCORNER);
	for (int k = 1; k <= w; k++) {
		mvadd_wch(y, x + k, WACS_HLINE);
		mvadd_wch(y + shown + 1, x + k, WACS_HLINE);
	}
	for (int k = 1; k <= shown; k++) {
		mvadd_wch(y + k, x, WACS_VLINE);
		mvadd_wch(y + k, x + w + 1, WACS_VLINE);
	}
	move(y, x + 2);
	ui_put_text(stdscr, " choose a pane: ↑↓ Enter, or its number; Esc ", w - 2);
	if (a->pick_typed > 0) {
		snprintf(label, sizeof label, " pane %d… ", a->pick_typed);
		move(y + shown + 1, x + 2);
		ui_put_text(stdscr, label, w - 2);
	}
	attroff(A_BOLD);
	for (int k = 0; k < shown; k++)
		chooser_row(a, first + k, y + 1 + k, x + 1, w);
}

void
draw_pick(struct app *a)
{
	if (a->numbers_shown)
		for (int i = 0; i < a->npanes; i++)
			if (a->zoomed < 0 || a->zoomed == i)
				draw_number(a, i);
	if (a->choosing && a->npanes > 0)
		draw_chooser(a);
}
