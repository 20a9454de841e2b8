/* sidebar_draw.c: the sidebar on the screen: its rows, the cursor's row
 * highlighted from edge to edge in the theme's colours, two rows of
 * details for the row under the cursor (a group's whole id), and the
 * filter's line. The only ncurses calls of the sidebar (sidebar.c is the
 * model). */
#include "fleetmux/fit.h"
#include "fleetmux/sidebar.h"
#include "fleetmux/sidebar_usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static const struct theme *
theme_of(const struct sidebar *s)
{
	static struct theme def;
	static int init;

	if (s->theme != NULL)
		return s->theme;
	if (!init++)
		theme_default(&def);
	return &def;
}

int
ui_put_text(WINDOW *w, const char *text, int width)
{
	mbstate_t st;
	const char *p = text;
	int used = 0;

	memset(&st, 0, sizeof st);
	while (*p && used < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof st);
		}
		if (wc < 0x20 || wc == 0x7f)
			wc = L'?';
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > width)
			break;
		waddnwstr(w, &wc, 1);
		used += cw;
		p += n;
	}
	return used;
}

/* How a row is painted. On the cursor's row every part takes the row's
 * colours (a part's own colour pair would replace them, and the row would
 * be highlighted only where no part has a colour); elsewhere each part
 * has its own. */
struct painter {
	WINDOW *w;
	const struct theme *t;
	int cursor;        /* 0: a row; 1: the cursor's, sidebar focused; 2: not focused */
	int width, used;
};

static attr_t
row_attr(const struct painter *p)
{
	if (p->cursor == 1)
		return p->t->sidebar_cursor_fg == -2
			   ? A_REVERSE | A_BOLD
			   : COLOR_PAIR(alloc_pair(p->t->sidebar_cursor_fg, p->t->sidebar_cursor_bg)) |
				 A_BOLD;
	if (p->cursor == 2)
		return A_BOLD | A_UNDERLINE;
	return A_NORMAL;
}

/* text in colour fg (-1: the terminal's) with extra attributes. */
static void
paint(struct painter *p, const char *text, short fg, attr_t extra)
{
	attr_t at = row_attr(p);

	if (p->used >= p->width)
		return;
	if (p->cursor == 1)
		extra &= ~A_DIM; /* dim on a coloured row is hard to read */
	else if (fg != -1)
		at |= COLOR_PAIR(alloc_pair(fg, -1));
	wattrset(p->w, at | extra);
	p->used += ui_put_text(p->w, text, p->width - p->used);
}

static void
paint_rest(struct painter *p)
{
	wattrset(p->w, row_attr(p));
	for (; p->used < p->width; p->used++)
		waddch(p->w, ' ');
	wattrset(p->w, A_NORMAL);
}

/* " text" dimmed when it fits whole: a fragment of an id or an image
 * ("default/q", "flue") says nothing, and the footer has it whole. */
static void
paint_whole(struct painter *p, const char *text)
{
	char line[512];

	if (text == NULL || *text == '\0' || 1 + fit_columns(text) > p->width - p->used)
		return;
	snprintf(line, sizeof line, " %s", text);
	paint(p, line, -1, A_DIM);
}

static short
state_color(const struct theme *t, enum fm_state st)
{
	switch (st) {
	case FM_STATE_RUNNING: return t->sidebar_running;
	case FM_STATE_FAILED:
	case FM_STATE_EXITED: return t->sidebar_failed;
	default: return t->sidebar_pending;
	}
}

/* CPU and memory at the row's right edge (sidebar_usage.c), in the room
 * the row has after its fixed part (fixed columns: the name and the status
 * word, which stay whole): the row is drawn narrower by what they take,
 * then usage_paint puts them at the end. optional: columns of the fixed
 * part that may give way (a running group's status word) when keeping
 * them would leave CPU alone; *dropped says they did. Returns their width
 * (0: none). */
static int
usage_reserve(struct painter *p, const struct usage_ring *r, int fixed, int optional, int *dropped,
	      char *text, size_t size)
{
	int parts = r != NULL ? usage_fit(p->width - fixed - optional) : 0;

	*dropped = 0;
	if (r != NULL && optional > 0 && !(parts & USAGE_MEM) &&
	    (usage_fit(p->width - fixed) & USAGE_MEM)) {
		parts = usage_fit(p->width - fixed);
		*dropped = 1;
	}
	text[0] = '\0';
	if (parts == 0)
		return 0;
	usage_format(r, parts, text, size);
	p->width -= usage_parts_width(parts);
	return usage_parts_width(parts);
}

static void
usage_paint(struct painter *p, int width, const char *text)
{
	if (width == 0)
		return;
	paint_rest(p);
	p->width += width;
	paint(p, text, -1, 0);
}

static void
draw_row(struct sidebar *s, struct painter *p, const struct sb_row *r)
{
	const struct theme *t = p->t;
	char line[512];

	switch (r->kind) {
	case ROW_PROVIDER:
		snprintf(line, sizeof line, "%s %s", s->provs[r->prov].expanded ? "▾" : "▸",
			 s->provs[r->prov].name);
		paint(p, line, -1, 0);
		if (s->provs[r->prov].error)
			paint(p, " ✗", t->sidebar_failed, A_BOLD);
		break;
	case ROW_REGION: {
		struct sb_region *reg = &s->regions[r->region];

		/* Under a filter, how many of its groups pass it (shown: a
		 * filter unfolds every region). */
		if (s->filter[0])
			snprintf(line, sizeof line, "  %s %s (%zu/%zu%s)", "▾",
				 reg->id, reg->shown, reg->n, reg->loading ? "…" : "");
		else
			snprintf(line, sizeof line, "  %s %s (%zu%s)", reg->expanded ? "▾" : "▸", reg->id,
				 reg->n, reg->loading ? "…" : "");
		paint(p, line, -1, 0);
		if (reg->down)
			paint(p, " ✗ down", t->sidebar_failed, A_BOLD);
		else if (reg->error)
			paint(p, " ✗ error", t->sidebar_failed, A_BOLD);
		break;
	}
	case ROW_GROUP: {
		struct sb_region *reg = &s->regions[r->region];
		struct sb_group *g = &reg->groups[r->group];
		int marked = 0, uw;
		char usage[128], mark[64];

		/* A running group's status word says what its green dot says:
		 * in a narrow sidebar, memory comes before it (the id gave way
		 * first; the footer shows it whole). */
		const struct usage_ring *u = reg->down || g->g.state != FM_STATE_RUNNING
		                                 ? NULL : sb_usage_of(g, NULL);
		int status_w = 1 + fit_columns(g->g.status), dropped;
		/* The badge (↻N, !N) is news: it stays. A word other than
		 * running (CrashLoopBackOff) is more than the dot says: it stays. */
		int has_mark = sidebar_mark_text(g, time(NULL), mark, sizeof mark);
		int fixed = 6 + fit_columns(g->g.name) + (has_mark ? fit_columns(mark) : 0);
		int says_dot = strcasecmp(g->g.status, "running") == 0;

		uw = usage_reserve(p, u, says_dot ? fixed : fixed + status_w, says_dot ? status_w : 0,
				   &dropped, usage, sizeof usage);
		for (size_t k = 0; k < g->g.ncontainers; k++)
			marked += g->marked[k];
		paint(p, marked ? "   *" : "    ", -1, 0);
		/* What a down engine last said: maybe no longer so. */
		paint(p, reg->down ? "? " : "● ", reg->down ? -1 : state_color(t, g->g.state), 0);
		paint(p, g->g.name, -1, reg->down ? A_DIM : 0);
		if (has_mark)
			paint(p, mark, t->badge_wait, A_BOLD);
		if (!dropped) {
			snprintf(line, sizeof line, " %s", g->g.status);
			paint(p, line, -1, A_DIM);
			paint_whole(p, sidebar_id_column(&g->g));
		}
		usage_paint(p, uw, usage);
		break;
	}
	case ROW_CONTAINER: {
		struct sb_group *g = &s->regions[r->region].groups[r->group];
		struct fm_container *c = &g->g.containers[r->container];
		char usage[128];
		int dropped;
		/* A container that does not run (waiting, ended) uses nothing:
		 * no figures rather than a row of zeros. */
		int uw = usage_reserve(p, s->regions[r->region].down || c->state != FM_STATE_RUNNING
		                              ? NULL : sb_usage_of(g, c->name),
				       7 + fit_columns(c->name) + 1 + fit_columns(c->status), 0, &dropped,
				       usage, sizeof usage);

		paint(p, g->marked[r->container] ? "     * " : "       ", -1, 0);
		paint(p, c->name, -1, 0);
		snprintf(line, sizeof line, " %s", c->status);
		paint(p, line, state_color(t, c->state), 0);
		/* Restarts before the image, so a narrow row keeps them; none
		 * is not worth a column (the details say it). */
		if (c->restarts > 0) {
			snprintf(line, sizeof line, " ↻%d", c->restarts);
			paint(p, line, t->badge_wait, A_BOLD);
		}
		if (c->image != NULL)
			paint_whole(p, c->image);
		usage_paint(p, uw, usage);
		break;
	}
	default:
		break;
	}
	paint_rest(p);
}

/* What the row under the cursor is, in full: a group's whole id (the row
 * has room for its start only), a container's image, a region's error. */
static void
details(struct sidebar *s, char *out, size_t len)
{
	const struct sb_row *r = s->nrows ? &s->rows[s->cursor] : NULL;

	out[0] = '\0';
	if (r == NULL)
		return;
	switch (r->kind) {
	case ROW_PROVIDER: {
		struct sb_provider *pv = &s->provs[r->prov];

		snprintf(out, len, "%s%s%s", pv->name, pv->error ? ": " : "", pv->error ? pv->error : "");
		break;
	}
	case ROW_REGION: {
		struct sb_region *reg = &s->regions[r->region];

		if (reg->error)
			snprintf(out, len, "%s: %s%s", reg->id, reg->error,
				 reg->down ? " (what it lists may be stale)" : "");
		else
			snprintf(out, len, "%s: %zu groups", reg->id, reg->n);
		break;
	}
	case ROW_GROUP: {
		struct fm_group *g = &s->regions[r->region].groups[r->group].g;

		snprintf(out, len, "id %s", g->id);
		break;
	}
	case ROW_CONTAINER: {
		struct fm_group *g = &s->regions[r->region].groups[r->group].g;
		struct fm_container *c = &g->containers[r->container];

		snprintf(out, len, "%s in %s: %s, %s", c->name, g->id, c->status, c->image);
		break;
	}
	default:
		break;
	}
}

/* Rows of text cut at width columns, the last with "…" if more is left. */
static void
draw_wrapped(WINDOW *w, int x, int y, int width, int rows, const char *text, attr_t at)
{
	const char *p = text;

	wattrset(w, at);
	for (int i = 0; i < rows; i++) {
		int used = 0;

		wmove(w, y + i, x);
		if (*p) {
			size_t n = fit_prefix(p, width);

			if (i == rows - 1 && p[n] != '\0') {
				char cut[512];

				fit_cut(p, width, 0, cut, sizeof cut);
				used = ui_put_text(w, cut, width);
			} else {
				char part[512];

				snprintf(part, sizeof part, "%.*s", (int)n, p);
				used = ui_put_text(w, part, width);
			}
			p += n;
		}
		for (; used < width; used++)
			waddch(w, ' ');
	}
	wattrset(w, A_NORMAL);
}

void
sidebar_draw(struct sidebar *s, WINDOW *w, int x, int y, int width, int height, int focused,
	     int filtering)
{
	int list_h = height - SIDEBAR_FOOTER_ROWS, groups_shown = 0, loading = 0;
	char line[512];

	if (s->dirty)
		sidebar_rebuild(s);
	if (list_h < 1)
		return;
	if (s->cursor < s->scroll)
		s->scroll = s->cursor;
	if (s->cursor >= s->scroll + list_h)
		s->scroll = s->cursor - list_h + 1;
	for (size_t i = 0; i < s->nrows; i++)
		groups_shown += s->rows[i].kind == ROW_GROUP;
	for (size_t k = 0; k < s->nregions; k++)
		loading |= s->regions[k].loading;
	for (int i = 0; i < list_h; i++) {
		int idx = s->scroll + i;
		struct painter p = {w, theme_of(s), 0, width, 0};

		wmove(w, y + i, x);
		if (idx >= (int)s->nrows) {
			/* A filter that finds nothing says so, where the rows were. */
			if (idx == (int)s->nrows && s->filter[0] && groups_shown == 0 && !loading) {
				snprintf(line, sizeof line, "  no group matches \"%s\"", s->filter);
				paint(&p, line, theme_of(s)->sidebar_failed, 0);
			}
			paint_rest(&p);
			continue;
		}
		if (idx == s->cursor)
			p.cursor = focused ? 1 : 2;
		draw_row(s, &p, &s->rows[idx]);
	}
	details(s, line, sizeof line);
	draw_wrapped(w, x, y + list_h, width, SIDEBAR_FOOTER_ROWS - 1, line, A_DIM);
	/* The bottom line: the filter, or how to get one. */
	wmove(w, y + height - 1, x);
	{
		size_t marked = sidebar_count_marked(s), groups = 0;
		int used;

		for (size_t k = 0; k < s->nregions; k++)
			groups += s->regions[k].n;
		/* While listing, say so; after it, how many: an operator (and the
		 * benchmark) can tell when the fleet is all there. */
		if (filtering || s->filter[0])
			snprintf(line, sizeof line, "/%s%s%s", s->filter, filtering ? "_" : "",
				 groups_shown == 0 && !loading ? "  no match" : "");
		else if (marked > 0)
			snprintf(line, sizeof line, "%zu marked  / filter", marked);
		else if (loading)
			snprintf(line, sizeof line, "listing… %zu groups", groups);
		else
			snprintf(line, sizeof line, "%zu groups  / filter", groups);
		/* The order, when it is not the listing's (S changes it). */
		if (s->sort != SB_SORT_LISTED)
			snprintf(line + strlen(line), sizeof line - strlen(line), "  by %s",
				 sb_sort_name(s->sort));
		wattrset(w, filtering ? A_BOLD : A_DIM);
		used = ui_put_text(w, line, width);
		for (; used < width; used++)
			waddch(w, ' ');
		wattrset(w, A_NORMAL);
	}
}
