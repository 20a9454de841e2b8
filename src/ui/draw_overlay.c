/* draw_overlay.c: the open overlay, drawn over the panes after them in
 * every frame (so the panes may go on changing beneath): a title bar, the
 * page's lines from where it is scrolled, and a bar that shows the filter
 * being typed or the keys. */
#include <stdio.h>
#include <string.h>

#include "fleetmux/fit.h"
#include "tui.h"

static attr_t
bar_attr(const struct app *a)
{
	return a->theme.status_fg == -2 ? A_REVERSE
					: COLOR_PAIR(alloc_pair(a->theme.status_fg, a->theme.status_bg));
}

/* A bar across the overlay: left text, and right text at its end. */
static void
bar(const struct app *a, int y, const struct rect *r, const char *left, const char *right)
{
	int rw = fit_columns(right);

	attron(bar_attr(a));
	mvhline(y, r->x, ' ', r->w);
	move(y, r->x);
	ui_put_text(stdscr, left, r->w);
	if (rw + fit_columns(left) < r->w) {
		move(y, r->x + r->w - rw);
		ui_put_text(stdscr, right, rw);
	}
	attroff(bar_attr(a));
}

/* bytes [from, to) of s in width columns at the cursor; the columns used */
static int
part(const char *s, size_t from, size_t to, int width, attr_t at)
{
	char piece[1024];
	size_t n = to > from ? to - from : 0;
	int used;

	if (n >= sizeof piece)
		n = sizeof piece - 1;
	memcpy(piece, s + from, n);
	piece[n] = '\0';
	attron(at);
	used = ui_put_text(stdscr, piece, width);
	attroff(at);
	return used;
}

static void
line(const struct app *a, const struct ovl_line *l, int width)
{
	size_t len = strlen(l->text), bold = l->bold < len ? l->bold : len;
	size_t accent = bold + l->accent < len ? bold + l->accent : len;
	attr_t at = A_NORMAL;

	switch (l->style) {
	case OVL_HEADING: at = A_BOLD | A_UNDERLINE; break;
	case OVL_ERROR: at = COLOR_PAIR(alloc_pair(a->theme.badge_bad, -1)); break;
	case OVL_NOTE: at = A_DIM; break;
	default: break;
	}
	width -= part(l->text, 0, bold, width, at | A_BOLD);
	width -= part(l->text, bold, accent, width, at | COLOR_PAIR(alloc_pair(a->theme.border_focus, -1)));
	part(l->text, accent, len, width, at);
}

void
draw_overlay(struct app *a)
{
	struct rect r = overlay_area(a);
	int rows = overlay_text_rows(a), width = overlay_text_width(a);
	struct ovl_page pg;
	char title[160], where[64], foot[256], lead[32];
	long first;

	if (r.w < 4 || r.h < 3)
		return;
	overlay_page(a, &pg);
	first = ovl_first_line(a->overlay.scroll, pg.n, rows);
	keymap_key_name(a->opt.prefix, lead, sizeof lead);
	if (a->overlay.kind == OVERLAY_HELP)
		snprintf(title, sizeof title, " Keys, as bound (prefix %s)", lead);
	else if (a->overlay.kind == OVERLAY_DETAILS)
		snprintf(title, sizeof title, " Details of %s/%s",
			 a->details.region ? a->details.region : "", a->details.group_id ? a->details.group_id : "");
	else
		snprintf(title, sizeof title, " Messages (%zu kept)", messages_count(&a->messages));
	where[0] = '\0';
	if (pg.n > (size_t)rows)
		snprintf(where, sizeof where, "%ld-%ld of %zu ", first + 1,
			 first + rows < (long)pg.n ? first + rows : (long)pg.n, pg.n);
	bar(a, r.y, &r, title, where);
	for (int i = 0; i < rows; i++) {
		mvhline(r.y + 1 + i, r.x, ' ', r.w);
		if (first + i < (long)pg.n) {
			move(r.y + 1 + i, r.x + 1);
			line(a, &pg.v[first + i], width);
		}
	}
	if (a->overlay.filtering)
		snprintf(foot, sizeof foot, " /%s_", a->overlay.filter);
	else
		snprintf(foot, sizeof foot, " %s%s%s/ filter  j k Space PageUp PageDown scroll  %sq close",
			 a->overlay.filter[0] ? "only '" : "", a->overlay.filter,
			 a->overlay.filter[0] ? "'  " : "",
			 a->overlay.kind != OVERLAY_HELP ? "y copy  " : "");
	bar(a, r.y + r.h - 1, &r, foot, "");
	ovl_page_free(&pg);
}
