/* sidebar.c: the fleet tree. Rows are rebuilt only when data, filter or
 * expansion change, so that moving and drawing stay cheap with thousands
 * of groups. */
#include "fleetmux/sidebar.h"
#include "fleetmux/sidebar_usage.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static void remember_cursor(struct sidebar *s);

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
	remember_cursor(s);
	free(s->provs[prov].error);
	s->provs[prov].error = error ? xstrdup(error) : NULL;
	s->dirty = 1;
}

static void
free_group(struct sb_group *g)
{
	fm_group_free(&g->g);
	free(g->marked);
	sb_usage_free(g->usage);
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
	free(s->order);
	for (size_t i = 0; i < s->nprovs; i++) {
		free(s->provs[i].name);
		free(s->provs[i].error);
	}
	free(s->provs);
	free(s->at.region);
	free(s->at.group);
	free(s->at.container);
	memset(s, 0, sizeof *s);
}

/* --- the cursor's row, kept across changes of data --- */

static void
forget_cursor(struct sidebar *s)
{
	free(s->at.region);
	free(s->at.group);
	free(s->at.container);
	s->at.region = s->at.group = s->at.container = NULL;
	s->at.valid = 0;
}

/* Before the data changes under the rows: what the cursor is on, by name
 * (indices move when groups come and go). */
static void
remember_cursor(struct sidebar *s)
{
	const struct sb_row *r;

	if (s->at.valid || s->dirty || s->nrows == 0 || !s->user_moved)
		return;
	r = &s->rows[s->cursor];
	s->at.valid = 1;
	s->at.kind = r->kind;
	s->at.prov = r->prov;
	if (r->region >= 0)
		s->at.region = xstrdup(s->regions[r->region].id);
	if (r->group >= 0)
		s->at.group = xstrdup(s->regions[r->region].groups[r->group].g.id);
	if (r->container >= 0)
		s->at.container =
		    xstrdup(s->regions[r->region].groups[r->group].g.containers[r->container].name);
}

/* How close row r is to the remembered one: 4 the same, 3 its group, 2
 * its region, 1 its provider, 0 none. */
static int
closeness(const struct sidebar *s, const struct sb_row *r)
{
	const struct sb_region *reg;
	const struct sb_group *g;

	if (r->prov != s->at.prov)
		return 0;
	if (r->kind == ROW_PROVIDER)
		return s->at.kind == ROW_PROVIDER ? 4 : 1;
	reg = &s->regions[r->region];
	if (s->at.region == NULL || strcmp(reg->id, s->at.region) != 0 || r->kind == ROW_NOTE)
		return 0;
	if (r->kind == ROW_REGION)
		return s->at.kind == ROW_REGION ? 4 : 2;
	g = &reg->groups[r->group];
	if (s->at.group == NULL || strcmp(g->g.id, s->at.group) != 0)
		return 0;
	if (r->kind == ROW_GROUP)
		return s->at.kind == ROW_GROUP ? 4 : 3;
	return s->at.container != NULL &&
			   strcmp(g->g.containers[r->container].name, s->at.container) == 0
		   ? 4
		   : 0;
}

static void
restore_cursor(struct sidebar *s)
{
	int best = 0;

	for (size_t i = 0; i < s->nrows && best < 4; i++) {
		int c = closeness(s, &s->rows[i]);

		if (c > best) {
			best = c;
			s->cursor = (int)i;
		}
	}
	forget_cursor(s);
}

struct sb_region *
sidebar_region(struct sidebar *s, int prov, const char *id, int create)
{
	for (size_t i = 0; i < s->nregions; i++)
		if (s->regions[i].prov == prov && strcmp(s->regions[i].id, id) == 0)
			return &s->regions[i];
	if (!create)
		return NULL;
	remember_cursor(s);
	s->regions = xrealloc(s->regions, (s->nregions + 1) * sizeof *s->regions);
	memset(&s->regions[s->nregions], 0, sizeof *s->regions);
	s->regions[s->nregions].prov = prov;
	s->regions[s->nregions].id = xstrdup(id);
	s->regions[s->nregions].expanded = 1;
	s->dirty = 1;
	return &s->regions[s->nregions++];
}

/* A group listed again keeps its fold and the marks of the containers it
 * still has. */
static unsigned char *
marks_again(const struct sb_group *old, const struct fm_group *g)
{
	unsigned char *m = xcalloc(g->ncontainers + 1, 1);

	for (size_t k = 0; k < g->ncontainers; k++)
		for (size_t o = 0; o < old->g.ncontainers; o++)
			if (strcmp(old->g.containers[o].name, g->containers[k].name) == 0)
				m[k] = old->marked[o];
	return m;
}

void
sidebar_add_groups(struct sidebar *s, int prov, const char *region, struct fm_group *g, size_t n)
{
	struct sb_region *r = sidebar_region(s, prov, region, 1);

	remember_cursor(s);
	for (size_t i = 0; i < n; i++) {
		struct sb_group *dst = NULL;
		unsigned char *marks = NULL;
		struct sb_usage *usage = NULL;
		int expanded = 0;
		struct sb_badge badge = {0};

		for (size_t j = 0; j < r->n; j++)
			if (strcmp(r->groups[j].g.id, g[i].id) == 0) {
				dst = &r->groups[j];
				expanded = dst->expanded;
				badge = dst->badge;
				marks = marks_again(dst, &g[i]);
				usage = dst->usage;
				dst->usage = NULL;
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
		dst->marked = marks != NULL ? marks : xcalloc(g[i].ncontainers + 1, 1);
		dst->expanded = expanded;
		dst->usage = usage;
		dst->badge = badge;
		dst->seen = 1;
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
	remember_cursor(s);
	for (size_t j = 0; j < r->n; j++)
		free_group(&r->groups[j]);
	r->n = 0;
	free(r->error);
	r->error = NULL;
	r->down = 0;
	s->dirty = 1;
}

void
sidebar_relist_begin(struct sidebar *s, int prov, const char *region)
{
	struct sb_region *r;

	remember_cursor(s);
	r = sidebar_region(s, prov, region, 1);
	for (size_t j = 0; j < r->n; j++)
		r->groups[j].seen = 0;
	r->loading = 1;
	s->dirty = 1;
}

void
sidebar_relist_end(struct sidebar *s, int prov, const char *region, int ok)
{
	struct sb_region *r = sidebar_region(s, prov, region, 1);
	size_t keep = 0;

	r->loading = 0;
	s->dirty = 1;
	if (!ok)
		return; /* what was listed stays, under the region's error */
	remember_cursor(s);
	for (size_t j = 0; j < r->n; j++) {
		if (!r->groups[j].seen) {
			free_group(&r->groups[j]);
			continue;
		}
		r->groups[keep++] = r->groups[j];
	}
	r->n = keep;
	r->listed = 1;
	free(r->error);
	r->error = NULL;
	r->down = 0;
}

void
sidebar_set_filter(struct sidebar *s, const char *filter)
{
	snprintf(s->filter, sizeof s->filter, "%s", filter);
	forget_cursor(s);
	s->dirty = 1;
	s->user_moved = 0;
	s->cursor = 0;
	s->scroll = 0;
}

void
sidebar_set_sort(struct sidebar *s, int sort)
{
	remember_cursor(s);
	s->sort = sort;
	s->dirty = 1;
}

void
sidebar_resort(struct sidebar *s)
{
	if (s->sort == SB_SORT_LISTED)
		return;
	remember_cursor(s);
	s->dirty = 1;
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

/* An unfolded group's containers, in the sidebar's order (more than 64 in
 * a group: the rest as listed). */
static void
push_containers(struct sidebar *s, const struct sb_group *g, int p, int i, int j)
{
	int ks[64];
	size_t nk = g->g.ncontainers < 64 ? g->g.ncontainers : 64;

	for (size_t k = 0; k < nk; k++)
		ks[k] = (int)k;
	sb_sort_containers(s->sort, g, ks, nk);
	for (size_t k = 0; k < g->g.ncontainers; k++)
		push_row(s, ROW_CONTAINER, p, i, j, k < nk ? ks[k] : (int)k);
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
			/* The groups the filter shows, in the sidebar's order. */
			if (r->n > s->order_cap) {
				s->order_cap = r->n;
				s->order = xrealloc(s->order, s->order_cap * sizeof *s->order);
			}
			r->shown = 0;
			for (size_t j = 0; j < r->n; j++)
				if (sidebar_group_matches(&r->groups[j].g, s->filter))
					s->order[r->shown++] = (int)j;
			if (!r->expanded && !filtering)
				continue;
			sb_sort_groups(s->sort, r->groups, s->order, r->shown);
			for (size_t o = 0; o < r->shown; o++) {
				int j = s->order[o];
				struct sb_group *g = &r->groups[j];

				push_row(s, ROW_GROUP, (int)p, (int)i, j, -1);
				if (g->expanded)
					push_containers(s, g, (int)p, (int)i, j);
			}
			/* While filtering, regions without a match are hidden. */
			if (filtering && s->nrows == before + 1 && !r->loading)
				s->nrows = before;
		}
	}
	if (s->at.valid)
		restore_cursor(s);
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

/* The groups under row r (a provider's, a region's, or one) that the
 * filter shows, all marked or not: are they all marked already (for
 * mark), or mark them (mark 1) or unmark them (mark 0)? Returns how many
 * containers it went over. */
static size_t
mark_under(struct sidebar *s, const struct sb_row *r, int mark, int *all)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nregions; i++) {
		struct sb_region *reg = &s->regions[i];

		if (r != NULL && (reg->prov != r->prov || (r->kind != ROW_PROVIDER && (int)i != r->region)))
			continue;
		for (size_t j = 0; j < reg->n; j++) {
			struct sb_group *g = &reg->groups[j];

			if (r != NULL && r->group >= 0 && (int)j != r->group)
				continue;
			if (!sidebar_group_matches(&g->g, s->filter))
				continue;
			for (size_t k = 0; k < g->g.ncontainers; k++, n++) {
				if (mark < 0)
					*all &= g->marked[k];
				else
					g->marked[k] = (unsigned char)mark;
			}
		}
	}
	return n;
}

void
sidebar_toggle_mark(struct sidebar *s)
{
	const struct sb_row *r = sidebar_current(s);
	int all = 1;

	if (r == NULL || r->kind == ROW_NOTE)
		return;
	if (r->kind == ROW_CONTAINER) {
		s->regions[r->region].groups[r->group].marked[r->container] ^= 1;
	} else {
		mark_under(s, r, -1, &all);
		mark_under(s, r, !all, &all);
	}
	sidebar_move(s, 1);
}

size_t
sidebar_mark_shown(struct sidebar *s)
{
	int all = 1;
	size_t n = mark_under(s, NULL, -1, &all);

	mark_under(s, NULL, !all, &all);
	return all ? 0 : n;
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
			(*groups)++;
			switch (s->regions[i].groups[j].g.state) {
			case FM_STATE_RUNNING: (*running)++; break;
			case FM_STATE_PENDING: (*pending)++; break;
			case FM_STATE_FAILED: (*failed)++; break;
			default: break;
			}
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
