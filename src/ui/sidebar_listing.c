/* sidebar_listing.c: the TUI's listing (listing.c) into the sidebar: a
 * region shows "listing..." until it is done, and is listed again when its
 * engine says it changed or the user refreshes, keeping what it showed
 * (folds, marks, the cursor) until the answer comes; an engine that stops
 * answering is shown down; --open's containers are opened once their
 * region is listed; Enter and o open panes from it. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/registry.h"
#include "fleetmux/workspace.h"
#include "tui.h"

static void open_wanted(struct app *a);

/* r's round has ended: the status line says so at once (a "refreshing"
 * left there would look like work still going on). */
static void
say_refreshed(struct app *a)
{
	long groups, running, pending, failed;
	int bad = 0;

	if (!a->refreshing || a->listing.pending > 0)
		return;
	a->refreshing = 0;
	for (size_t i = 0; i < a->sb.nregions; i++)
		bad += a->sb.regions[i].error != NULL;
	sidebar_counts(&a->sb, &groups, &running, &pending, &failed);
	if (bad > 0)
		app_message(a, 1, "refreshed: %ld %s; %d %s failed (the sidebar marks %s)", groups,
			    fm_plural(groups, "group", "groups"), bad,
			    fm_plural(bad, "region", "regions"), fm_plural(bad, "it", "them"));
	else
		app_message(a, 0, "refreshed: %ld %s", groups, fm_plural(groups, "group", "groups"));
}

static int
region_offered(struct app *a, const char *id)
{
	for (int i = 0; i < a->nprovs; i++)
		if (sidebar_region(&a->sb, i, id, 0) != NULL)
			return 1;
	return 0;
}

/* An engine said its list changed: list that region again, once the burst
 * of events (a `docker run` sends several) has passed. */
static void
relist_fire(uv_timer_t *t)
{
	struct prov_ctx *c = t->data;
	struct app *a = c->app;

	for (size_t i = 0; i < a->sb.nregions; i++) {
		struct sb_region *r = &a->sb.regions[i];

		if (r->prov == c->idx && r->stale && !r->loading) {
			r->stale = 0;
			listing_region(&a->listing, c->idx, r->id);
		}
	}
}

/* A provider with no change stream: its regions are listed again every
 * refresh-interval, so that states, restarts and events do not wait for r.
 * A region still loading is left to finish. */
static void
periodic_fire(uv_timer_t *t)
{
	struct prov_ctx *c = t->data;
	struct app *a = c->app;

	for (size_t i = 0; i < a->sb.nregions; i++) {
		struct sb_region *r = &a->sb.regions[i];

		if (r->prov == c->idx && !r->loading && !r->down)
			listing_region(&a->listing, c->idx, r->id);
	}
}

static unsigned
periodic_ms(const struct app *a, const struct provider *p)
{
	const struct provider_type *t = registry_find(p->ops->type);

	if (p->ops->watch != NULL || a->opt.refresh_interval < 0 || t == NULL || t->relist_ms == 0)
		return 0;
	if (a->opt.refresh_interval > 0)
		return (unsigned)a->opt.refresh_interval * 1000u;
	return t->relist_ms;
}

/* down: the engine stopped answering (in words): its region says so
 * until it answers again, and is then listed again. */
static void
region_changed(void *arg, const char *region, const char *down)
{
	struct prov_ctx *c = arg;
	struct app *a = c->app;
	struct sb_region *r = sidebar_region(&a->sb, c->idx, region, 0);

	if (r == NULL)
		return;
	if (down != NULL) {
		free(r->error);
		r->error = xstrdup(down);
		r->down = 1;
		a->sb.dirty = 1;
		app_message(a, 1, "%s: %s; what it lists may be stale", a->provs[c->idx]->name, down);
		return;
	}
	if (r->down)
		app_message(a, 0, "%s: the engine answers again", a->provs[c->idx]->name);
	r->stale = 1;
	uv_timer_start(&c->relist, relist_fire, 300, 0);
}

static void
on_region(void *arg, int prov, const char *region)
{
	struct app *a = arg;

	sidebar_relist_begin(&a->sb, prov, region);
}

static void
on_groups(void *arg, int prov, const char *region, struct fm_group *g, size_t n, int done,
	  const char *error)
{
	struct app *a = arg;
	struct provider *p = a->provs[prov];
	struct sb_region *r = sidebar_region(&a->sb, prov, region, 1);

	if (g != NULL) {
		struct group_news news;

		group_events_compare(a, prov, region, g, n, &news);
		logpane_note_restarts(a, prov, region, g, n);
		sidebar_add_groups(&a->sb, prov, region, g, n);
		group_events_badge(a, prov, region, &news);
		sidebar_home(&a->sb);
	}
	if (done) {
		/* A listing in flight when the engine stopped answering ends
		 * once it answers again, and clears the mark before the watch
		 * says so: say it here, once. */
		int was_down = r->down;

		sidebar_relist_end(&a->sb, prov, region, error == NULL);
		if (error == NULL)
			panes_note_gone(a, prov, region);
		if (was_down && !r->down)
			app_message(a, 0, "%s: the engine answers again", p->name);
	}
	if (error != NULL) {
		free(r->error);
		r->error = xstrdup(error);
		app_message(a, 1, "%s: %s: %s", p->name, region, error);
	}
	if (done) {
		open_wanted(a);
		if (error == NULL)
			metrics_poll_listed(a, prov, region);
		if (p->ops->watch != NULL)
			p->ops->watch(p, region, region_changed, &a->ctx[prov]);
		else if (!uv_is_active((uv_handle_t *)&a->ctx[prov].periodic) && periodic_ms(a, p) > 0)
			uv_timer_start(&a->ctx[prov].periodic, periodic_fire, periodic_ms(a, p),
				       periodic_ms(a, p));
		say_refreshed(a);
	}
	a->sb.dirty = 1;
	frame_schedule(a);
}

static void
on_provider(void *arg, int prov, const char *error)
{
	struct app *a = arg;

	if (error != NULL) {
		sidebar_set_provider_error(&a->sb, prov, error);
		app_message(a, 1, "%s: %s", a->provs[prov]->name, error);
	}
	/* Regions (or engines) asked for by name that no provider listed. */
	for (char **r = a->opt.regions; r && *r && a->listing.providers_listed == a->nprovs; r++)
		if (!region_offered(a, *r))
			app_message(a, 1, "region %s is not offered", *r);
	a->sb.dirty = 1;
	frame_schedule(a);
	open_wanted(a);
	say_refreshed(a);
}

static const struct listing_events sidebar_events = {
    .region = on_region,
    .groups = on_groups,
    .provider = on_provider,
};

void
sidebar_listing_init(struct app *a)
{
	for (int i = 0; i < a->nprovs; i++) {
		a->ctx[i].app = a;
		a->ctx[i].idx = i;
		uv_timer_init(a->loop, &a->ctx[i].relist);
		a->ctx[i].relist.data = &a->ctx[i];
		uv_timer_init(a->loop, &a->ctx[i].periodic);
		a->ctx[i].periodic.data = &a->ctx[i];
	}
	listing_init(&a->listing, a->provs, a->nprovs, a->opt.regions, &sidebar_events, a);
}

void
sidebar_listing_start(struct app *a)
{
	listing_start(&a->listing);
}

/* What was listed stays (folds, marks, the cursor's row) while every
 * region is listed again; the status line says "(listing…)" until the
 * round ends. */
void
sidebar_listing_refresh(struct app *a)
{
	for (int i = 0; i < a->nprovs; i++)
		sidebar_set_provider_error(&a->sb, i, NULL);
	a->refreshing = 1;
	app_message(a, 0, "refreshing");
	listing_start(&a->listing);
}

void
sidebar_listing_free(struct app *a)
{
	for (int i = 0; i < a->nprovs; i++) {
		uv_close((uv_handle_t *)&a->ctx[i].relist, NULL);
		uv_close((uv_handle_t *)&a->ctx[i].periodic, NULL);
	}
}

/* Is the container in the group? --open names one that must be there. */
static int
has_container(const struct sb_group *g, const char *name)
{
	for (size_t k = 0; k < g->g.ncontainers; k++)
		if (strcmp(g->g.containers[k].name, name) == 0)
			return 1;
	return 0;
}

/* --open REGION/GROUP/CONTAINER (or ENGINE/CONTAINER), once that region is
 * listed; not found once nothing is listing any more. */
static void
open_wanted(struct app *a)
{
	for (size_t i = 0; i < a->nopen; i++) {
		struct open_spec *t = &a->open[i];
		struct sb_group *g;
		int loading = a->listing.pending > 0, prov = -1;
		const char *cname;

		const char *who = t->restored ? "workspace" : "--open";
		int want = -1;

		if (t->done)
			continue;
		if (t->provider != NULL) {
			for (int k = 0; k < a->nprovs; k++)
				if (strcmp(a->provs[k]->name, t->provider) == 0)
					want = k;
			if (want < 0) {
				t->done = 1;
				app_message(a, 1, "workspace: no provider %s (of %s/%s) any more",
					    t->provider, t->region, t->group);
				workspace_restored(a, NULL, 0);
				continue;
			}
		}
		for (size_t k = 0; k < a->sb.nregions; k++)
			if (strcmp(a->sb.regions[k].id, t->region) == 0 && a->sb.regions[k].loading)
				loading = 1;
		g = sidebar_find_group(&a->sb, want, t->region, t->group, &prov);
		if (g == NULL) {
			if (!loading) {
				t->done = 1;
				app_message(a, 1, "%s: no %s %s in %s", who,
					    t->container ? "group" : "container", t->group, t->region);
				if (t->restored)
					workspace_restored(a, NULL, 0);
			}
			continue;
		}
		t->done = 1;
		cname = t->container ? t->container : g->g.ncontainers ? g->g.containers[0].name : "";
		if (!has_container(g, cname)) {
			app_message(a, 1, "%s: group %s has no container %s", who, t->group, cname);
			if (t->restored)
				workspace_restored(a, NULL, 0);
			continue;
		}
		if (t->kind == WS_SHELL ? panes_open(a, prov, t->region, g->g.id, g->g.name, cname)
					: logpane_open(a, prov, t->region, g->g.id, g->g.name, cname,
						       t->kind == WS_PREVIOUS_LOG) < 0) {
			if (t->restored)
				workspace_restored(a, NULL, 0);
			continue;
		}
		if (t->restored)
			workspace_restored(a, a->slots[a->npanes - 1], t->marked);
	}
}

void
sidebar_listing_open_row(struct app *a)
{
	const struct sb_row *r = sidebar_current(&a->sb);
	struct sb_group *g;

	if (r == NULL)
		return;
	if (r->kind == ROW_PROVIDER || r->kind == ROW_REGION) {
		int open = r->kind == ROW_PROVIDER ? a->sb.provs[r->prov].expanded
						   : a->sb.regions[r->region].expanded;

		if (open)
			sidebar_collapse(&a->sb);
		else
			sidebar_expand(&a->sb);
		return;
	}
	g = &a->sb.regions[r->region].groups[r->group];
	if (r->kind == ROW_GROUP && g->g.ncontainers != 1) {
		g->expanded = !g->expanded;
		a->sb.dirty = 1;
		return;
	}
	panes_open(a, r->prov, a->sb.regions[r->region].id, g->g.id, g->g.name,
		   g->g.containers[r->kind == ROW_CONTAINER ? r->container : 0].name);
}

void
sidebar_listing_logs_row(struct app *a, int previous)
{
	const struct sb_row *r = sidebar_current(&a->sb);
	struct sb_group *g;

	if (r == NULL)
		return;
	g = r->kind == ROW_GROUP || r->kind == ROW_CONTAINER ? &a->sb.regions[r->region].groups[r->group]
							     : NULL;
	/* A container, or a group of one (as Enter opens it); anything else
	 * unfolds, as l did before it followed logs. */
	if (g == NULL || (r->kind == ROW_GROUP && g->g.ncontainers != 1)) {
		if (previous) {
			app_message(a, 1, "previous log: put the cursor on a container");
			return;
		}
		a->sb.user_moved = 1;
		sidebar_expand(&a->sb);
		return;
	}
	logpane_open(a, r->prov, a->sb.regions[r->region].id, g->g.id, g->g.name,
		     g->g.containers[r->kind == ROW_CONTAINER ? r->container : 0].name, previous);
}

void
sidebar_listing_logs_merged(struct app *a)
{
	const struct sb_row *r = sidebar_current(&a->sb);
	struct target_set t;
	const char *what = "marked";

	targets_init(&t);
	targets_add_marked(&t, &a->sb);
	if (t.n == 0 && r != NULL && (r->kind == ROW_GROUP || r->kind == ROW_CONTAINER)) {
		/* The group under the cursor: every container of it. */
		struct sb_region *reg = &a->sb.regions[r->region];
		struct sb_group *g = &reg->groups[r->group];

		for (size_t k = 0; k < g->g.ncontainers; k++)
			targets_add(&t, reg->prov, reg->id, &g->g, k);
		what = g->g.name;
	} else if (t.n == 0 && r != NULL && r->kind == ROW_REGION) {
		/* A region: its running containers that the filter shows. */
		struct sb_region *reg = &a->sb.regions[r->region];

		for (size_t j = 0; j < reg->n; j++)
			if (sidebar_group_matches(&reg->groups[j].g, a->sb.filter))
				targets_add_matching(&t, reg->prov, reg->id, &reg->groups[j].g, 1, NULL, 0);
		what = "all";
	} else if (t.n == 0) {
		app_message(a, 1, "L: mark containers (Space), or put the cursor on a group or a region");
		return;
	}
	mergepane_open(a, &t, what);
}

void
sidebar_listing_open_marked(struct app *a)
{
	struct target_set marked;
	size_t opened = 0;

	targets_init(&marked);
	targets_add_marked(&marked, &a->sb);
	for (size_t i = 0; i < marked.n; i++) {
		struct target *t = &marked.v[i];

		if (panes_open(a, t->prov, t->region, t->group_id, t->group_name, t->container) == 0)
			opened++;
	}
	targets_free(&marked);
	sidebar_clear_marks(&a->sb);
	if (opened == 0)
		app_message(a, 0, "nothing marked: Space marks containers, o opens them");
}
