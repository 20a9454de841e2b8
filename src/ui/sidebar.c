/* sidebar.c: the fleet tree. Rows are rebuilt only when data, filter or
 * expansion change, so that moving and drawing stay cheap with thousands
 * of groups. */
#include "fleetmux/sidebar.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

void
sidebar_init(struct sidebar *s)
{
	memset(s, 0, sizeof *s);
	s->dirty = 1;
}

int
sidebar_add_provider(struct sidebar *s, const char *name)
{
	s->provs = xrealloc(s->provs, (s->nprovs + 1) * sizeof *s->provs);
	s->provs[s->nprovs].name = xstrdup(name);
	s->provs[s->nprovs].error = NULL;
	s->provs[s->nprovs].expanded = 1;
	s->dirty = 1;
	return (int)s->nprovs++;
}

void
sidebar_set_provider_error(struct sidebar *s, int prov, const char *error)
{
	free(s->provs[prov].error);
	s->provs[prov].error = error ? xstrdup(error) : NULL;
	s->dirty = 1;
}

static void
free_group(struct sb_group *g)
{
	fm_group_free(&g->g);
	free(g->marked);
}

void
sidebar_free(struct sidebar *s)
{
	for (size_t i = 0; i < s->nregions; i++) {
		struct sb_region *r = &s->regions[i];

		for (size_t j = 0; j < r->n; j++)
			free_group(&r->groups[j]);
		free(r->groups);
		free(r->id);
		free(r->error);
	}
	free(s->regions);
	free(s->rows);
	for (size_t i = 0; i < s->nprovs; i++) {
		free(s->provs[i].name);
		free(s->provs[i].error);
	}
	free(s->provs);
	memset(s, 0, sizeof *s);
}

struct sb_region *
sidebar_region(struct sidebar *s, int prov, const char *id, int create)
{
	for (size_t i = 0; i < s->nregions; i++)
		if (s->regions[i].prov == prov && strcmp(s->regions[i].id, id) == 0)
			return &s->regions[i];
	if (!create)
		return NULL;
	s->regions = xrealloc(s->regions, (s->nregions + 1) * sizeof *s->regions);
	memset(&s->regions[s->nregions], 0, sizeof *s->regions);
	s->regions[s->nregions].prov = prov;
	s->regions[s->nregions].id = xstrdup(id);
	s->regions[s->nregions].expanded = 1;
	s->dirty = 1;
	return &s->regions[s->nregions++];
}

void
sidebar_add_groups(struct sidebar *s, int prov, const char *region, struct fm_group *g, size_t n)
{
	struct sb_region *r = sidebar_region(s, prov, region, 1);

	for (size_t i = 0; i < n; i++) {
		struct sb_group *dst = NULL;

		for (size_t j = 0; j < r->n; j++)
			if (strcmp(r->groups[j].g.id, g[i].id) == 0) {
				dst = &r->groups[j];
				free_group(dst);
				break;
			}
		if (dst == NULL) {
			if (r->n == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 32;
				r->groups = xrealloc(r->groups, r->cap * sizeof *r->groups);
			}
			dst = &r->groups[r->n++];
		}
		memset(dst, 0, sizeof *dst);
		dst->g = g[i];
		dst->marked = xcalloc(g[i].ncontainers + 1, 1);
	}
	free(g);
	s->dirty = 1;
}

void
sidebar_clear_region(struct sidebar *s, int prov, const char *region)
{
	struct sb_region *r = sidebar_region(s, prov, region, 0);

	if (r == NULL)
		return;
	for (size_t j = 0; j < r->n; j++)
		free_group(&r->groups[j]);
	r->n = 0;
	free(r->error);
	r->error = NULL;
	s->dirty = 1;
}

void
sidebar_set_filter(struct sidebar *s, const char *filter)
{
	snprintf(s->filter, sizeof s->filter, "%s", filter);
	s->dirty = 1;
	s->user_moved = 0;
	s->cursor = 0;
	s->scroll = 0;
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

int
sidebar_group_matches(const struct fm_group *g, const char *filter)
{
	const char *eq;

	if (filter == NULL || *filter == '\0')
		return 1;
	if (has(g->name, filter) || has(g->id, filter) || has(g->status, filter) ||
	    has(g->zone, filter) || has(g->ip, filter))
		return 1;
	eq = strchr(filter, '=');
	for (size_t i = 0; i < g->tags.n; i++) {
		if (eq != NULL) {
			size_t klen = (size_t)(eq - filter);

			if (strlen(g->tags.v[i].key) == klen &&
			    strncasecmp(g->tags.v[i].key, filter, klen) == 0 && has(g->tags.v[i].value, eq + 1))
				return 1;
		} else if (has(g->tags.v[i].value, filter) || has(g->tags.v[i].key, filter)) {
			return 1;
		}
	}
	for (size_t i = 0; i < g->ncontainers; i++)
		if (has(g->containers[i].name, filter) || has(g->containers[i].image, filter))
			return 1;
	return 0;
}

static void
push_row(struct sidebar *s, enum sb_row_kind k, int p, int r, int g, int c)
{
	if (s->nrows == s->rows_cap) {
		s->rows_cap = s->rows_cap ? s->rows_cap * 2 : 256;
		s->rows = xrealloc(s->rows, s->rows_cap * sizeof *s->rows);
	}
	s->rows[s->nrows++] = (struct sb_row){k, p, r, g, c};
}

void
sidebar_rebuild(struct sidebar *s)
{
	int filtering = s->filter[0] != '\0';

	s->nrows = 0;
	for (size_t p = 0; p < s->nprovs; p++) {
		push_row(s, ROW_PROVIDER, (int)p, -1, -1, -1);
		if (!s->provs[p].expanded)
			continue;
		for (size_t i = 0; i < s->nregions; i++) {
			struct sb_region *r = &s->regions[i];
			size_t before = s->nrows;

			if (r->prov != (int)p)
				continue;
			push_row(s, ROW_REGION, (int)p, (int)i, -1, -1);
			if (!r->expanded && !filtering)
				continue;
			for (size_t j = 0; j < r->n; j++) {
				struct sb_group *g = &r->groups[j];

				if (!sidebar_group_matches(&g->g, s->filter))
					continue;
				push_row(s, ROW_GROUP, (int)p, (int)i, (int)j, -1);
				if (g->expanded)
					for (size_t k = 0; k < g->g.ncontainers; k++)
						push_row(s, ROW_CONTAINER, (int)p, (int)i, (int)j, (int)k);
			}
			/* While filtering, regions without a match are hidden. */
			if (filtering && s->nrows == before + 1 && !r->loading)
				s->nrows = before;
		}
	}
	if (s->cursor >= (int)s->nrows)
		s->cursor = (int)s->nrows - 1;
	if (s->cursor < 0)
		s->cursor = 0;
	s->dirty = 0;
}

const struct sb_row *
sidebar_current(struct sidebar *s)
{
	if (s->dirty)
		sidebar_rebuild(s);
	return s->nrows ? &s->rows[s->cursor] : NULL;
}

void
sidebar_home(struct sidebar *s)
{
	if (s->user_moved)
		return;
	if (s->dirty)
		sidebar_rebuild(s);
	for (size_t i = 0; i < s->nrows; i++)
		if (s->rows[i].kind == ROW_GROUP) {
			s->cursor = (int)i;
			return;
		}
}

void
sidebar_move(struct sidebar *s, int delta)
{
	s->user_moved = 1;
	if (s->dirty)
		sidebar_rebuild(s);
	s->cursor += delta;
	if (s->cursor >= (int)s->nrows)
		s->cursor = (int)s->nrows - 1;
	if (s->cursor < 0)
		s->cursor = 0;
}

static struct sb_group *
row_group(struct sidebar *s, const struct sb_row *r)
{
	if (r == NULL || r->group < 0)
		return NULL;
	return &s->regions[r->region].groups[r->group];
}

void
sidebar_collapse(struct sidebar *s)
{
	const struct sb_row *r = sidebar_current(s);
	struct sb_group *g;

	if (r == NULL)
		return;
	switch (r->kind) {
	case ROW_CONTAINER:
		/* Back to the group row, then fold it. */
		g = row_group(s, r);
		g->expanded = 0;
		s->dirty = 1;
		sidebar_rebuild(s);
		for (size_t i = 0; i < s->nrows; i++)
			if (s->rows[i].kind == ROW_GROUP && row_group(s, &s->rows[i]) == g)
				s->cursor = (int)i;
		break;
	case ROW_GROUP:
		g = row_group(s, r);
		if (g->expanded) {
			g->expanded = 0;
		} else {
			int region = r->region;

			s->regions[region].expanded = 0;
			s->dirty = 1;
			sidebar_rebuild(s);
			for (size_t i = 0; i < s->nrows; i++)
				if (s->rows[i].kind == ROW_REGION && s->rows[i].region == region)
					s->cursor = (int)i;
		}
		break;
	case ROW_REGION:
		s->regions[r->region].expanded = 0;
		break;
	case ROW_PROVIDER:
		s->provs[r->prov].expanded = 0;
		break;
	default:
		break;
	}
	s->dirty = 1;
}

void
sidebar_expand(struct sidebar *s)
{
	const struct sb_row *r = sidebar_current(s);

	if (r == NULL)
		return;
	if (r->kind == ROW_GROUP)
		row_group(s, r)->expanded = 1;
	else if (r->kind == ROW_REGION)
		s->regions[r->region].expanded = 1;
	else if (r->kind == ROW_PROVIDER)
		s->provs[r->prov].expanded = 1;
	s->dirty = 1;
}

void
sidebar_toggle_mark(struct sidebar *s)
{
	const struct sb_row *r = sidebar_current(s);
	struct sb_group *g = row_group(s, r);

	if (g == NULL)
		return;
	if (r->kind == ROW_CONTAINER) {
		g->marked[r->container] ^= 1;
	} else {
		int all = 1;

		for (size_t k = 0; k < g->g.ncontainers; k++)
			all &= g->marked[k];
		for (size_t k = 0; k < g->g.ncontainers; k++)
			g->marked[k] = !all;
	}
	sidebar_move(s, 1);
}

size_t
sidebar_count_marked(const struct sidebar *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nregions; i++)
		for (size_t j = 0; j < s->regions[i].n; j++)
			for (size_t k = 0; k < s->regions[i].groups[j].g.ncontainers; k++)
				n += s->regions[i].groups[j].marked[k];
	return n;
}

void
sidebar_clear_marks(struct sidebar *s)
{
	for (size_t i = 0; i < s->nregions; i++)
		for (size_t j = 0; j < s->regions[i].n; j++)
			memset(s->regions[i].groups[j].marked, 0, s->regions[i].groups[j].g.ncontainers);
}

void
sidebar_counts(const struct sidebar *s, long *groups, long *running, long *pending, long *failed)
{
	*groups = *running = *pending = *failed = 0;
	for (size_t i = 0; i < s->nregions; i++)
		for (size_t j = 0; j < s->regions[i].n; j++) {
			const char *st = s->regions[i].groups[j].g.status;

			(*groups)++;
			if (strcasecmp(st, "Running") == 0)
				(*running)++;
			else if (strcasecmp(st, "Pending") == 0 || strcasecmp(st, "Scheduling") == 0 ||
				 strcasecmp(st, "Restarting") == 0 || strcasecmp(st, "Updating") == 0)
				(*pending)++;
			else if (strcasecmp(st, "Failed") == 0 || strcasecmp(st, "ScheduleFailed") == 0)
				(*failed)++;
		}
}

static struct sb_group *
find_in_region(struct sb_region *r, const char *key)
{
	size_t klen = strlen(key);

	for (size_t j = 0; j < r->n; j++)
		if (strcmp(r->groups[j].g.id, key) == 0)
			return &r->groups[j];
	for (size_t j = 0; j < r->n; j++)
		if (strcmp(r->groups[j].g.name, key) == 0)
			return &r->groups[j];
	/* Docker users give short ids. */
	for (size_t j = 0; klen >= 4 && j < r->n; j++)
		if (strncmp(r->groups[j].g.id, key, klen) == 0)
			return &r->groups[j];
	return NULL;
}

struct sb_group *
sidebar_find_group(struct sidebar *s, int prov, const char *region, const char *id_or_name,
		   int *prov_out)
{
	for (size_t i = 0; i < s->nregions; i++) {
		struct sb_region *r = &s->regions[i];
		struct sb_group *g;

		if ((prov >= 0 && r->prov != prov) || strcmp(r->id, region) != 0)
			continue;
		if ((g = find_in_region(r, id_or_name)) != NULL) {
			if (prov_out != NULL)
				*prov_out = r->prov;
			return g;
		}
	}
	return NULL;
}

/* --- drawing --- */

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

static int
status_pair_t(const struct theme *t, const char *st)
{
	if (strcasecmp(st, "Running") == 0)
		return alloc_pair(t->sidebar_running, -1);
	if (strcasecmp(st, "Failed") == 0 || strcasecmp(st, "ScheduleFailed") == 0 ||
	    strcasecmp(st, "Terminated") == 0 || strcasecmp(st, "Expired") == 0 ||
	    strcasecmp(st, "exited") == 0 || strcasecmp(st, "dead") == 0)
		return alloc_pair(t->sidebar_failed, -1);
	return alloc_pair(t->sidebar_pending, -1);
}

#define status_pair(st) status_pair_t(theme_of(s), (st))

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

static void
draw_row(struct sidebar *s, WINDOW *w, const struct sb_row *r, int width)
{
	char line[512];
	int used = 0;

	switch (r->kind) {
	case ROW_PROVIDER:
		snprintf(line, sizeof line, "%s %s", s->provs[r->prov].expanded ? "▾" : "▸",
			 s->provs[r->prov].name);
		used = ui_put_text(w, line, width);
		if (s->provs[r->prov].error && used + 2 < width) {
			wattron(w, COLOR_PAIR(alloc_pair(theme_of(s)->sidebar_failed, -1)));
			used += ui_put_text(w, " !", width - used);
			wattroff(w, COLOR_PAIR(alloc_pair(theme_of(s)->sidebar_failed, -1)));
		}
		break;
	case ROW_REGION: {
		struct sb_region *reg = &s->regions[r->region];

		snprintf(line, sizeof line, "  %s %s (%zu%s)", reg->expanded ? "▾" : "▸", reg->id, reg->n,
			 reg->loading ? "…" : "");
		used = ui_put_text(w, line, width);
		if (reg->error && used < width) {
			wattron(w, COLOR_PAIR(alloc_pair(theme_of(s)->sidebar_failed, -1)));
			used += ui_put_text(w, " error", width - used);
			wattroff(w, COLOR_PAIR(alloc_pair(theme_of(s)->sidebar_failed, -1)));
		}
		break;
	}
	case ROW_GROUP: {
		struct sb_group *g = &s->regions[r->region].groups[r->group];
		int marked = 0;

		for (size_t k = 0; k < g->g.ncontainers; k++)
			marked += g->marked[k];
		used = ui_put_text(w, marked ? "   *" : "    ", width);
		wattron(w, COLOR_PAIR(status_pair(g->g.status)));
		used += ui_put_text(w, "● ", width - used);
		wattroff(w, COLOR_PAIR(status_pair(g->g.status)));
		used += ui_put_text(w, g->g.name, width - used);
		snprintf(line, sizeof line, " %s %s", g->g.status, g->g.id);
		wattron(w, A_DIM);
		used += ui_put_text(w, line, width - used);
		wattroff(w, A_DIM);
		break;
	}
	case ROW_CONTAINER: {
		struct sb_group *g = &s->regions[r->region].groups[r->group];
		struct fm_container *c = &g->g.containers[r->container];

		used = ui_put_text(w, g->marked[r->container] ? "     * " : "       ", width);
		used += ui_put_text(w, c->name, width - used);
		wattron(w, COLOR_PAIR(status_pair(c->state)));
		snprintf(line, sizeof line, " %s", c->state);
		used += ui_put_text(w, line, width - used);
		wattroff(w, COLOR_PAIR(status_pair(c->state)));
		snprintf(line, sizeof line, " %s ↻%d", c->image, c->restarts);
		wattron(w, A_DIM);
		used += ui_put_text(w, line, width - used);
		wattroff(w, A_DIM);
		break;
	}
	default:
		break;
	}
	for (; used < width; used++)
		waddch(w, ' ');
}

void
sidebar_draw(struct sidebar *s, WINDOW *w, int x, int y, int width, int height, int focused,
	     int filtering)
{
	int list_h = height - 1;

	if (s->dirty)
		sidebar_rebuild(s);
	if (list_h < 1)
		return;
	if (s->cursor < s->scroll)
		s->scroll = s->cursor;
	if (s->cursor >= s->scroll + list_h)
		s->scroll = s->cursor - list_h + 1;
	for (int i = 0; i < list_h; i++) {
		int idx = s->scroll + i;

		wmove(w, y + i, x);
		if (idx >= (int)s->nrows) {
			for (int c = 0; c < width; c++)
				waddch(w, ' ');
			continue;
		}
		{
			const struct theme *t = theme_of(s);
			attr_t hl = A_BOLD;

			if (focused)
				hl = t->sidebar_cursor_fg == -2 ? A_REVERSE
								: COLOR_PAIR(alloc_pair(t->sidebar_cursor_fg,
											t->sidebar_cursor_bg));
			if (idx == s->cursor)
				wattron(w, hl);
			draw_row(s, w, &s->rows[idx], width);
			if (idx == s->cursor)
				wattroff(w, hl);
		}
	}
	/* The bottom line: the filter, or how to get one. */
	wmove(w, y + list_h, x);
	{
		char line[256];
		int used;

		size_t marked = sidebar_count_marked(s), groups = 0;
		int loading = 0;

		for (size_t k = 0; k < s->nregions; k++) {
			groups += s->regions[k].n;
			loading |= s->regions[k].loading;
		}
		/* While listing, say so; after it, how many: an operator (and the
		 * benchmark) can tell when the fleet is all there. */
		if (filtering || s->filter[0])
			snprintf(line, sizeof line, "/%s%s", s->filter, filtering ? "_" : "");
		else if (marked > 0)
			snprintf(line, sizeof line, "%zu marked  / filter", marked);
		else if (loading)
			snprintf(line, sizeof line, "listing… %zu groups", groups);
		else
			snprintf(line, sizeof line, "%zu groups  / filter", groups);
		wattron(w, filtering ? A_BOLD : A_DIM);
		used = ui_put_text(w, line, width);
		wattroff(w, filtering ? A_BOLD : A_DIM);
		for (; used < width; used++)
			waddch(w, ' ');
	}
}
