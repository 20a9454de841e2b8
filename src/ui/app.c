/* app.c: the TUI's wiring: one libuv loop for stdin, signals, the provider's
 * network, the frame timer; keys go through the key tables to actions. */
#include "fleetmux/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void open_targets(struct app *a);
static struct app *the_app; /* for session events, which carry the pane */

void
app_message(struct app *a, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	/* Whatever a server said, it reaches the screen as plain text. */
	for (char *p = a->message; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	a->message_error = error;
	app_schedule_frame(a);
}

static void
frame_fire(uv_timer_t *t)
{
	struct app *a = t->data;

	a->frame_scheduled = 0;
	app_draw(a);
	a->last_frame = uv_now(a->loop);
}

/* At most one frame each APP_FRAME_MS; an idle screen draws at once, so
 * that an echo is never held back by the frame timer. */
void
app_schedule_frame(struct app *a)
{
	uint64_t now, due;

	if (a->frame_scheduled)
		return;
	a->frame_scheduled = 1;
	uv_update_time(a->loop);
	now = uv_now(a->loop);
	due = a->last_frame + APP_FRAME_MS;
	uv_timer_start(&a->frame_timer, frame_fire, due > now ? due - now : 0, 0);
}

static void
pane_dirty(void *arg, struct pane *p)
{
	app_schedule_frame(arg);
}

/* --- panes --- */

static struct rect
pane_area(struct app *a)
{
	int x = a->sidebar_visible ? APP_SIDEBAR_WIDTH + 1 : 0;

	return (struct rect){x, 0, a->cols - x, a->rows - 1};
}

void
app_relayout(struct app *a)
{
	struct rect area = pane_area(a);

	if (area.w < 2)
		area.w = 2;
	if (area.h < 2)
		area.h = 2;
	if (a->npanes > 0)
		layout_compute(a->layout, a->npanes, area, a->rects);
	for (int i = 0; i < a->npanes; i++) {
		struct rect r = a->zoomed == i ? area : a->rects[i];
		struct pane *p = a->panes[i];

		if (a->zoomed >= 0 && a->zoomed != i)
			continue; /* hidden behind the zoomed pane: its size stays */
		if (a->zoomed == i)
			a->rects[i] = area;
		p->top = r.y + 1;
		p->left = r.x;
		pane_resize(p, r.h - 1, r.w);
	}
	a->full_redraw = 1;
	app_schedule_frame(a);
}

static void
session_output(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct pane *p = arg;

	pane_feed(p, data, len);
	if (p->rec != NULL)
		recorder_output(p->rec, data, len, uv_now(the_app->loop));
}

/* Record pane p into dir (the default directory when NULL). */
static int
record_pane(struct app *a, struct pane *p, const char *dir)
{
	char *d = dir ? xstrdup(dir) : recorder_default_dir(), *path, stamp[32], *title;
	time_t now = time(NULL);
	struct tm tm;

	if (d == NULL || recorder_make_dir(d) < 0) {
		if (d != NULL)
			fm_error(FM_EIO, "%s: cannot make the directory", d);
		free(d);
		return -FM_EIO;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
	path = xasprintf("%s/%s-%d-%s-%s.cast", d, stamp, p->number, p->group_name, p->container);
	/* A container's name is not a path. */
	for (char *s = path + strlen(d) + 1; *s; s++)
		if (*s == '/' || *s == ' ')
			*s = '_';
	title = xasprintf("%s/%s/%s", p->region, p->group_name, p->container);
	p->rec = recorder_open(path, p->cols, p->rows, title, uv_now(a->loop), (long)now);
	free(title);
	free(d);
	if (p->rec == NULL) {
		free(path);
		return -FM_EIO;
	}
	app_message(a, 0, "recording pane %d to %s", p->number, path);
	free(path);
	return 0;
}


static void
session_state(void *arg, enum session_state st, int code, const char *msg)
{
	struct pane *p = arg;
	struct app *a = the_app;

	/* Mark the gap in the pane itself: what happened while the link was
	 * down is not there. */
	if (st == SESSION_RECONNECTING && p->state != SESSION_RECONNECTING) {
		static const char lost[] = "\r\n\033[0;2m[fleetmux: connection lost (%s); reconnecting…]\033[0m\r\n";
		char line[400];

		snprintf(line, sizeof line, lost, msg ? msg : "dropped");
		pane_feed(p, (const unsigned char *)line, strlen(line));
		app_message(a, 1, "pane %d: connection lost; reconnecting", p->number);
	}
	if (st == SESSION_OPEN && p->state == SESSION_RECONNECTING) {
		static const char back[] = "\033[0;2m[fleetmux: reconnected: a new session; output while "
					   "disconnected was not captured]\033[0m\r\n";

		pane_feed(p, (const unsigned char *)back, sizeof back - 1);
		app_message(a, 0, "pane %d: reconnected", p->number);
	}
	p->state = st;
	p->exit_code = code;
	if (st == SESSION_FAILED) {
		snprintf(p->reason, sizeof p->reason, "%s", msg ? msg : "unknown");
		app_message(a, 1, "pane %d (%s/%s/%s): %s", p->number, p->region, p->group_name,
			    p->container, p->reason);
	}
	if (st == SESSION_EXITED || st == SESSION_FAILED)
		p->session = NULL; /* the session is over; it frees itself */
	a->full_redraw = 1;
	app_schedule_frame(a);
}

static const struct session_events pane_events = {session_output, session_state};

static void
renumber(struct app *a)
{
	for (int i = 0; i < a->npanes; i++)
		a->panes[i]->number = i + 1;
}

/* A new pane at the end of the layout for a container, without a session
 * yet; every pane is laid out again. */
static struct pane *
add_pane(struct app *a, const char *region, const char *group_id, const char *group_name,
	 const char *container)
{
	struct pane *p = pane_new(a->loop, 24, 80, a->opt.scrollback ? (size_t)a->opt.scrollback : 10000);

	p->region = xstrdup(region);
	p->group_id = xstrdup(group_id);
	p->group_name = xstrdup(group_name);
	p->container = xstrdup(container);
	p->on_dirty = pane_dirty;
	p->arg = a;
	a->panes[a->npanes++] = p;
	a->zoomed = -1;
	renumber(a);
	app_relayout(a);
	return p;
}

static int
open_pane(struct app *a, int prov, const char *region, const char *group_id, const char *group_name,
	  const char *container)
{
	struct pane *p;
	struct container_ref ref = {region, group_id, container};
	struct exec_req req = {.argv = NULL, .tty = 1};
	struct session *s;

	if (a->npanes >= APP_MAX_PANES) {
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		return -1;
	}
	p = add_pane(a, region, group_id, group_name, container);
	p->prov = prov;
	req.cols = (unsigned)p->cols;
	req.rows = (unsigned)p->rows;
	s = a->provs[prov]->ops->open_exec(a->provs[prov], &ref, &req, &pane_events, p);
	if (s != NULL)
		pane_attach(p, s);
	a->focus = a->npanes - 1;
	a->sidebar_focus = 0;
	if (a->opt.record_dir != NULL && record_pane(a, p, a->opt.record_dir) < 0)
		app_message(a, 1, "cannot record: %s", fm_error_message());
	return 0;
}

/* A pane with no session: C-b ! writes its results there. */
int
app_open_pane_local(struct app *a, const char *title)
{
	struct pane *p;

	if (a->npanes >= APP_MAX_PANES)
		return -1;
	p = add_pane(a, "run", title, title, "results");
	p->state = SESSION_OPEN;
	a->focus = a->npanes - 1;
	a->sidebar_focus = 0;
	return a->npanes - 1;
}

/* C-b R: the same container, a new session, in the same pane. */
static void
reopen_pane(struct app *a, struct pane *p)
{
	struct container_ref ref = {p->region, p->group_id, p->container};
	struct exec_req req = {.argv = NULL, .tty = 1, .cols = (unsigned)p->cols, .rows = (unsigned)p->rows};
	static const char line[] = "\r\n\033[0;2m[fleetmux: retrying]\033[0m\r\n";
	struct session *s;

	pane_feed(p, (const unsigned char *)line, sizeof line - 1);
	p->state = SESSION_CONNECTING;
	p->reason[0] = '\0';
	s = a->provs[p->prov]->ops->open_exec(a->provs[p->prov], &ref, &req, &pane_events, p);
	if (s != NULL)
		pane_attach(p, s);
	a->full_redraw = 1;
}

static void
close_pane(struct app *a, int i)
{
	if (i < 0 || i >= a->npanes)
		return;
	if (a->panes[i]->job != NULL)
		tui_run_stop(a->panes[i]);
	pane_free(a->panes[i]);
	memmove(&a->panes[i], &a->panes[i + 1], (size_t)(a->npanes - i - 1) * sizeof a->panes[0]);
	a->npanes--;
	a->zoomed = -1;
	if (a->focus >= a->npanes)
		a->focus = a->npanes - 1;
	if (a->npanes == 0) {
		a->focus = 0;
		a->sidebar_focus = 1;
	}
	renumber(a);
	app_relayout(a);
}

/* --- listing --- */

static int
region_wanted(struct app *a, const char *id)
{
	if (a->opt.regions == NULL)
		return 1;
	for (char **r = a->opt.regions; *r; r++)
		if (strcmp(*r, id) == 0)
			return 1;
	return 0;
}

static void list_region(struct app *a, int prov, const char *id);

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
			sidebar_clear_region(&a->sb, c->idx, r->id);
			list_region(a, c->idx, r->id);
		}
	}
}

static void
region_changed(void *arg, const char *region)
{
	struct prov_ctx *c = arg;
	struct sb_region *r = sidebar_region(&c->app->sb, c->idx, region, 0);

	if (r == NULL)
		return;
	r->stale = 1;
	uv_timer_start(&c->relist, relist_fire, 300, 0);
}

static void
on_groups(void *arg, const char *region, struct fm_group *g, size_t n, int done, const char *error)
{
	struct prov_ctx *c = arg;
	struct app *a = c->app;
	struct sb_region *r = sidebar_region(&a->sb, c->idx, region, 1);

	if (g != NULL) {
		sidebar_add_groups(&a->sb, c->idx, region, g, n);
		sidebar_home(&a->sb);
	}
	if (error != NULL) {
		free(r->error);
		r->error = xstrdup(error);
		app_message(a, 1, "%s: %s: %s", a->provs[c->idx]->name, region, error);
	}
	if (done) {
		r->loading = 0;
		a->regions_pending--;
		open_targets(a);
		if (a->provs[c->idx]->ops->watch != NULL)
			a->provs[c->idx]->ops->watch(a->provs[c->idx], region, region_changed, c);
	}
	a->sb.dirty = 1;
	app_schedule_frame(a);
}

static void
list_region(struct app *a, int prov, const char *id)
{
	struct sb_region *r = sidebar_region(&a->sb, prov, id, 1);

	r->loading = 1;
	a->regions_pending++;
	a->provs[prov]->ops->list_groups(a->provs[prov], id, on_groups, &a->ctx[prov]);
}

static void
on_regions(void *arg, char **ids, size_t n, const char *error)
{
	struct prov_ctx *c = arg;
	struct app *a = c->app;
	struct provider *p = a->provs[c->idx];

	a->regions_pending--;
	if (error != NULL) {
		sidebar_set_provider_error(&a->sb, c->idx, error);
		app_message(a, 1, "%s: %s", p->name, error);
		open_targets(a);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(p->ops->type, "eci") != 0 || region_wanted(a, ids[i]))
			list_region(a, c->idx, ids[i]);
	/* Regions asked for by name that the service did not list. */
	for (char **r = a->opt.regions; r && *r && strcmp(p->ops->type, "eci") == 0; r++)
		if (sidebar_region(&a->sb, c->idx, *r, 0) == NULL) {
			app_message(a, 1, "%s: region %s is not offered", p->name, *r);
		}
	a->sb.dirty = 1;
	app_schedule_frame(a);
	open_targets(a);
}

static void
list_provider(struct app *a, int i)
{
	a->regions_pending++;
	a->provs[i]->ops->list_regions(a->provs[i], on_regions, &a->ctx[i]);
}

static void
refresh_listing(struct app *a)
{
	for (size_t i = 0; i < a->sb.nregions; i++)
		sidebar_clear_region(&a->sb, a->sb.regions[i].prov, a->sb.regions[i].id);
	for (int i = 0; i < a->nprovs; i++) {
		sidebar_set_provider_error(&a->sb, i, NULL);
		list_provider(a, i);
	}
	app_message(a, 0, "refreshing");
}

/* --open REGION/GROUP/CONTAINER (or ENGINE/CONTAINER), once that region is
 * listed. */
static void
open_targets(struct app *a)
{
	for (size_t i = 0; i < a->ntargets; i++) {
		struct open_target *t = &a->targets[i];
		struct sb_group *g;
		int loading = a->regions_pending > 0, prov = -1;
		const char *cname;

		if (t->done)
			continue;
		for (size_t k = 0; k < a->sb.nregions; k++)
			if (strcmp(a->sb.regions[k].id, t->region) == 0 && a->sb.regions[k].loading)
				loading = 1;
		g = sidebar_find_group(&a->sb, -1, t->region, t->group, &prov);
		if (g == NULL) {
			if (!loading) {
				t->done = 1;
				app_message(a, 1, "--open: no %s %s in %s", t->container ? "group" : "container",
					    t->group, t->region);
			}
			continue;
		}
		t->done = 1;
		cname = t->container ? t->container : g->g.ncontainers ? g->g.containers[0].name : "";
		{
			int found = 0;

			for (size_t k = 0; k < g->g.ncontainers; k++)
				if (strcmp(g->g.containers[k].name, cname) == 0)
					found = 1;
			if (!found) {
				app_message(a, 1, "--open: group %s has no container %s", t->group, cname);
				continue;
			}
		}
		open_pane(a, prov, t->region, g->g.id, g->g.name, cname);
	}
}

/* --- actions --- */

static void
open_row(struct app *a)
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
	open_pane(a, r->prov, a->sb.regions[r->region].id, g->g.id, g->g.name,
		  g->g.containers[r->kind == ROW_CONTAINER ? r->container : 0].name);
}

static void
open_marked(struct app *a)
{
	size_t opened = 0;

	for (size_t i = 0; i < a->sb.nregions; i++)
		for (size_t j = 0; j < a->sb.regions[i].n; j++) {
			struct sb_group *g = &a->sb.regions[i].groups[j];

			for (size_t k = 0; k < g->g.ncontainers; k++)
				if (g->marked[k] && open_pane(a, a->sb.regions[i].prov, a->sb.regions[i].id,
							       g->g.id, g->g.name, g->g.containers[k].name) == 0)
					opened++;
		}
	sidebar_clear_marks(&a->sb);
	if (opened == 0)
		app_message(a, 0, "nothing marked: Space marks containers, o opens them");
}

static void
focus_pane(struct app *a, int i)
{
	if (i < 0 || i >= a->npanes)
		return;
	if (a->zoomed >= 0 && a->zoomed != i) {
		a->zoomed = -1;
		app_relayout(a);
	}
	a->focus = i;
	a->sidebar_focus = 0;
	a->panes[i]->bell = 0; /* seen */
	a->full_redraw = 1;
}

static void
numbers_off(uv_timer_t *t)
{
	struct app *a = t->data;

	a->numbers_shown = 0;
	a->full_redraw = 1;
	app_schedule_frame(a);
}

static void
do_action(struct app *a, enum action act)
{
	switch (act) {
	case ACT_FOCUS_LEFT:
	case ACT_FOCUS_RIGHT:
	case ACT_FOCUS_UP:
	case ACT_FOCUS_DOWN: {
		static const enum direction dirs[] = {DIR_LEFT, DIR_RIGHT, DIR_UP, DIR_DOWN};
		int n;

		if (a->npanes == 0 || a->zoomed >= 0)
			break;
		if (a->sidebar_focus) {
			if (act == ACT_FOCUS_RIGHT)
				a->sidebar_focus = 0;
			break;
		}
		n = layout_neighbour(a->rects, a->npanes, a->focus, dirs[act - ACT_FOCUS_LEFT]);
		if (n >= 0)
			focus_pane(a, n);
		else if (act == ACT_FOCUS_LEFT && a->sidebar_visible)
			a->sidebar_focus = 1;
		break;
	}
	case ACT_FOCUS_NEXT:
		if (a->npanes > 0)
			focus_pane(a, (a->focus + 1) % a->npanes);
		break;
	case ACT_FOCUS_1: case ACT_FOCUS_2: case ACT_FOCUS_3: case ACT_FOCUS_4: case ACT_FOCUS_5:
	case ACT_FOCUS_6: case ACT_FOCUS_7: case ACT_FOCUS_8: case ACT_FOCUS_9:
		focus_pane(a, act - ACT_FOCUS_1);
		break;
	case ACT_ZOOM:
		if (a->npanes > 0) {
			a->zoomed = a->zoomed >= 0 ? -1 : a->focus;
			a->sidebar_focus = 0;
			app_relayout(a);
		}
		break;
	case ACT_CLOSE_PANE:
		if (a->npanes > 0 && !a->sidebar_focus)
			close_pane(a, a->focus);
		break;
	case ACT_NEXT_LAYOUT:
		a->layout = (a->layout + 1) % LAYOUT_COUNT;
		a->zoomed = -1;
		app_relayout(a);
		app_message(a, 0, "layout %s", layout_name(a->layout));
		break;
	case ACT_SWITCH_SIDE:
		if (a->npanes > 0 && a->sidebar_focus)
			a->sidebar_focus = 0;
		else if (a->sidebar_visible)
			a->sidebar_focus = 1;
		a->full_redraw = 1;
		break;
	case ACT_TOGGLE_SIDEBAR:
		a->sidebar_visible = !a->sidebar_visible;
		if (!a->sidebar_visible)
			a->sidebar_focus = 0;
		app_relayout(a);
		break;
	case ACT_BROADCAST:
		a->broadcast = !a->broadcast;
		a->full_redraw = 1;
		app_message(a, 0, "broadcast %s", a->broadcast ? "on: typing goes to every highlighted pane"
							       : "off");
		break;
	case ACT_MARK_PANE:
		if (a->npanes > 0 && !a->sidebar_focus) {
			a->panes[a->focus]->marked = !a->panes[a->focus]->marked;
			a->full_redraw = 1;
		}
		break;
	case ACT_RECORD:
		if (a->npanes > 0 && !a->sidebar_focus) {
			struct pane *p = a->panes[a->focus];

			if (p->rec != NULL) {
				app_message(a, 0, "pane %d: recording saved to %s", p->number,
					    recorder_path(p->rec));
				recorder_close(p->rec);
				p->rec = NULL;
			} else if (record_pane(a, p, a->opt.record_dir) < 0) {
				app_message(a, 1, "cannot record: %s", fm_error_message());
			}
			a->full_redraw = 1;
		}
		break;
	case ACT_RETRY:
		if (a->npanes > 0 && !a->sidebar_focus) {
			struct pane *p = a->panes[a->focus];

			if (p->session == NULL)
				reopen_pane(a, p);
			else
				app_message(a, 0, "pane %d is %s; C-b R retries failed or exited panes",
					    p->number, p->state == SESSION_OPEN ? "live" : "connecting");
		}
		break;
	case ACT_RUN:
		if (sidebar_count_marked(&a->sb) == 0) {
			app_message(a, 1, "C-b !: mark containers in the sidebar first (Space)");
			break;
		}
		a->run_prompt = 1;
		a->run_cmd[0] = '\0';
		break;
	case ACT_COPY_MODE:
		if (a->npanes > 0 && !a->sidebar_focus) {
			copy_enter(a->panes[a->focus]);
			app_message(a, 0, "copy mode: / search up, ? down, n N, Space select, Enter copy, q quit");
		}
		break;
	case ACT_PASTE:
		if (a->npanes > 0 && !a->sidebar_focus && a->paste.len > 0)
			pane_paste(a->panes[a->focus], a->paste.data, a->paste.len);
		break;
	case ACT_SHOW_NUMBERS:
		a->numbers_shown = 1;
		a->full_redraw = 1;
		uv_timer_start(&a->numbers_timer, numbers_off, 2000, 0);
		break;
	case ACT_QUIT:
		a->quit = 1;
		uv_stop(a->loop);
		break;
	case ACT_SEND_PREFIX:
		if (a->npanes > 0 && !a->sidebar_focus)
			pane_key(a->panes[a->focus], (wint_t)a->opt.prefix, 0);
		break;
	case ACT_SWAP_NEXT:
	case ACT_SWAP_PREV:
		if (a->npanes > 1) {
			int j = (a->focus + (act == ACT_SWAP_NEXT ? 1 : a->npanes - 1)) % a->npanes;
			struct pane *t = a->panes[a->focus];

			a->panes[a->focus] = a->panes[j];
			a->panes[j] = t;
			a->focus = j;
			renumber(a);
			app_relayout(a);
		}
		break;
	case ACT_SB_UP: sidebar_move(&a->sb, -1); break;
	case ACT_SB_DOWN: sidebar_move(&a->sb, 1); break;
	case ACT_SB_TOP: sidebar_move(&a->sb, -(1 << 30)); break;
	case ACT_SB_BOTTOM: sidebar_move(&a->sb, 1 << 30); break;
	case ACT_SB_PAGE_UP: sidebar_move(&a->sb, -(a->rows - 3)); break;
	case ACT_SB_PAGE_DOWN: sidebar_move(&a->sb, a->rows - 3); break;
	case ACT_SB_OPEN: open_row(a); break;
	case ACT_SB_MARK: sidebar_toggle_mark(&a->sb); break;
	case ACT_SB_OPEN_MARKED: open_marked(a); break;
	case ACT_SB_FILTER:
		a->filtering = 1;
		snprintf(a->filter_edit, sizeof a->filter_edit, "%s", a->sb.filter);
		break;
	case ACT_SB_REFRESH: refresh_listing(a); break;
	case ACT_SB_COLLAPSE: a->sb.user_moved = 1; sidebar_collapse(&a->sb); break;
	case ACT_SB_EXPAND: a->sb.user_moved = 1; sidebar_expand(&a->sb); break;
	default: break;
	}
	app_schedule_frame(a);
}

int
app_receives_input(const struct app *a, int i)
{
	int any_marked = 0;

	if (!a->broadcast)
		return !a->sidebar_focus && i == a->focus;
	for (int k = 0; k < a->npanes; k++)
		any_marked |= a->panes[k]->marked;
	if (any_marked)
		return a->panes[i]->marked;
	/* Every pane in view: behind a zoom, only the zoomed one is. */
	return a->zoomed < 0 || a->zoomed == i;
}

static void
filter_key(struct app *a, wint_t ch, int is_key)
{
	int r = line_edit(a->filter_edit, sizeof a->filter_edit, ch, is_key);

	if (r != LINE_EDITING)
		a->filtering = 0;
	if (r == LINE_CANCEL) /* Escape drops the filter */
		a->filter_edit[0] = '\0';
	sidebar_set_filter(&a->sb, a->filter_edit);
	sidebar_home(&a->sb);
	app_schedule_frame(a);
}

/* A mouse event inside a pane whose application turned mouse mode on goes
 * to that application; the wheel elsewhere scrolls history. */
static int
mouse_to_pane(struct app *a, MEVENT *ev)
{
	int i = a->zoomed >= 0 ? a->zoomed : layout_hit(a->rects, a->npanes, ev->x, ev->y);
	struct pane *p;
	int row, col;

	if (i < 0)
		return 0;
	p = a->panes[i];
	row = ev->y - p->top;
	col = ev->x - p->left;
	if (row < 0 || row >= p->rows || col < 0 || col >= p->cols)
		return 0;
	if (p->mouse_mode && !p->copy.active) {
		vterm_mouse_move(p->vt, row, col, VTERM_MOD_NONE);
		if (ev->bstate & BUTTON4_PRESSED)
			vterm_mouse_button(p->vt, 4, 1, VTERM_MOD_NONE);
		else if (ev->bstate & BUTTON5_PRESSED)
			vterm_mouse_button(p->vt, 5, 1, VTERM_MOD_NONE);
		else if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			vterm_mouse_button(p->vt, 1, 1, VTERM_MOD_NONE);
		if (ev->bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED))
			vterm_mouse_button(p->vt, 1, 0, VTERM_MOD_NONE);
		if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			focus_pane(a, i);
		return 1;
	}
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		copy_scroll(p, ev->bstate & BUTTON4_PRESSED ? -3 : 3);
		return 1;
	}
	return 0;
}

static void
mouse_event(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (!(a->sidebar_visible && ev.x < APP_SIDEBAR_WIDTH) && mouse_to_pane(a, &ev)) {
		app_schedule_frame(a);
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (a->sidebar_visible && ev.x < APP_SIDEBAR_WIDTH) {
		a->sidebar_focus = 1;
		if (a->sb.dirty)
			sidebar_rebuild(&a->sb);
		if (a->sb.scroll + ev.y < (int)a->sb.nrows && ev.y < a->rows - 2) {
			a->sb.cursor = a->sb.scroll + ev.y;
			a->sb.user_moved = 1;
		}
	} else {
		int i = a->zoomed >= 0 ? a->zoomed : layout_hit(a->rects, a->npanes, ev.x, ev.y);

		if (i >= 0)
			focus_pane(a, i);
	}
	a->full_redraw = 1;
	app_schedule_frame(a);
}

static void
handle_key(struct app *a, wint_t ch, int is_key)
{
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch;
	enum action act;

	if (is_key && ch == KEY_MOUSE) {
		mouse_event(a);
		return;
	}
	if (is_key && ch == KEY_RESIZE)
		return; /* handled through SIGWINCH */
	if (a->filtering) {
		filter_key(a, ch, is_key);
		return;
	}
	if (a->run_prompt) {
		int r = line_edit(a->run_cmd, sizeof a->run_cmd, ch, is_key);

		if (r != LINE_EDITING)
			a->run_prompt = 0;
		if (r == LINE_DONE && a->run_cmd[0])
			tui_run_start(a, a->run_cmd);
		app_schedule_frame(a);
		return;
	}
	if (a->prefix_pending) {
		a->prefix_pending = 0;
		act = keytable_lookup(&a->prefix_keys, key);
		if (act == ACT_NONE && key == a->opt.prefix)
			act = ACT_SEND_PREFIX;
		do_action(a, act);
		return;
	}
	if (key == a->opt.prefix) {
		a->prefix_pending = 1;
		app_schedule_frame(a);
		return;
	}
	if (a->numbers_shown && !is_key && ch >= '1' && ch <= '9') {
		a->numbers_shown = 0;
		focus_pane(a, (int)(ch - '1'));
		app_schedule_frame(a);
		return;
	}
	if (a->sidebar_focus || a->npanes == 0) {
		do_action(a, keytable_lookup(&a->sidebar_keys, key));
		return;
	}
	if (a->panes[a->focus]->copy.active) {
		char *copied = NULL;

		if (copy_key(a->panes[a->focus], ch, is_key, &copied) && copied != NULL) {
			buf_reset(&a->paste);
			buf_puts(&a->paste, copied);
			app_message(a, 0, "copied %zu bytes (C-b ] pastes)", strlen(copied));
			if (a->opt.osc52) {
				free(a->osc52_pending);
				a->osc52_pending = copied;
				copied = NULL;
			}
			free(copied);
		}
		app_schedule_frame(a);
		return;
	}
	if (a->broadcast) {
		/* Each pane encodes the key for its own modes (cursor keys, keypad). */
		for (int i = 0; i < a->npanes; i++)
			if (app_receives_input(a, i))
				pane_key(a->panes[i], ch, is_key);
		return;
	}
	pane_key(a->panes[a->focus], ch, is_key);
}

static void
stdin_ready(uv_poll_t *h, int status, int events)
{
	struct app *a = h->data;
	wint_t ch;
	int r, n = 0;

	if (status < 0 || (events & UV_DISCONNECT)) {
		a->quit = 1;
		uv_stop(a->loop);
		return;
	}
	while ((r = wget_wch(stdscr, &ch)) != ERR && n++ < 4096)
		handle_key(a, ch, r == KEY_CODE_YES);
	if (n == 0 && !isatty(0)) {
		/* Readable yet nothing to read: the input has gone. */
		a->quit = 1;
		uv_stop(a->loop);
	}
}

static void
on_winch(uv_signal_t *h, int sig)
{
	struct app *a = h->data;
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		resize_term(ws.ws_row, ws.ws_col);
		a->rows = ws.ws_row;
		a->cols = ws.ws_col;
	}
	clearok(curscr, TRUE);
	app_relayout(a);
}

static void
on_quit_signal(uv_signal_t *h, int sig)
{
	struct app *a = h->data;

	a->quit = 1;
	uv_stop(a->loop);
}

static void
clock_tick(uv_timer_t *t)
{
	app_schedule_frame(t->data);
}

static int
parse_targets(struct app *a)
{
	size_t n = 0;

	for (char **o = a->opt.open; o && *o; o++)
		n++;
	a->targets = xcalloc(n + 1, sizeof *a->targets);
	for (size_t i = 0; i < n; i++) {
		char *s = a->opt.open[i], *p1 = strchr(s, '/'), *p2 = p1 ? strchr(p1 + 1, '/') : NULL;

		if (p1 != NULL && p2 == NULL && p1 != s && p1[1] != '\0') {
			/* ENGINE/CONTAINER: a Docker engine's container by name or id. */
			a->targets[i].region = xstrndup(s, (size_t)(p1 - s));
			a->targets[i].group = xstrdup(p1 + 1);
			continue;
		}
		if (p1 == NULL || p2 == NULL || p1 == s || p2 == p1 + 1 || p2[1] == '\0')
			return fm_error(FM_EINVAL, "--open wants REGION/GROUP/CONTAINER or ENGINE/CONTAINER, "
						   "not '%s'", s);
		a->targets[i].region = xstrndup(s, (size_t)(p1 - s));
		a->targets[i].group = xstrndup(p1 + 1, (size_t)(p2 - p1 - 1));
		a->targets[i].container = xstrdup(p2 + 1);
	}
	a->ntargets = n;
	return 0;
}

int
app_init(struct app *a, uv_loop_t *loop, struct provider **provs, int nprovs,
	 const struct app_options *o)
{
	memset(a, 0, sizeof *a);
	the_app = a;
	a->loop = loop;
	a->opt = *o;
	if (a->opt.prefix == 0)
		a->opt.prefix = KEYMAP_CTRL('b');
	a->layout = o->layout;
	a->zoomed = -1;
	a->sidebar_visible = 1;
	a->sidebar_focus = 1;
	a->broadcast = o->broadcast;
	sidebar_init(&a->sb);
	buf_init(&a->paste);
	if (o->colors != NULL)
		a->theme = *o->colors;
	else
		theme_default(&a->theme);
	a->sb.theme = &a->theme;
	for (int i = 0; i < nprovs && i < APP_MAX_PROVIDERS; i++) {
		a->provs[i] = provs[i];
		a->ctx[i].app = a;
		a->ctx[i].idx = i;
		uv_timer_init(loop, &a->ctx[i].relist);
		a->ctx[i].relist.data = &a->ctx[i];
		sidebar_add_provider(&a->sb, provs[i]->name);
		a->nprovs++;
	}
	if (parse_targets(a) < 0)
		return -FM_EINVAL;
	keytable_init(&a->prefix_keys);
	keytable_init(&a->sidebar_keys);
	keytable_default_prefix(&a->prefix_keys);
	keytable_default_sidebar(&a->sidebar_keys);
	for (int i = 0; i < o->nbindings; i++)
		keytable_bind(o->bindings[i].sidebar ? &a->sidebar_keys : &a->prefix_keys,
			      o->bindings[i].key, o->bindings[i].action);

	if (initscr() == NULL)
		return fm_error(FM_EIO, "cannot start the terminal (TERM=%s)", getenv("TERM"));
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED |
		      BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	getmaxyx(stdscr, a->rows, a->cols);

	uv_poll_init(loop, &a->stdin_poll, 0);
	a->stdin_poll.data = a;
	uv_poll_start(&a->stdin_poll, UV_READABLE | UV_DISCONNECT, stdin_ready);
	uv_signal_init(loop, &a->sigwinch);
	uv_signal_init(loop, &a->sigterm);
	uv_signal_init(loop, &a->sigint);
	uv_signal_init(loop, &a->sighup);
	a->sigwinch.data = a->sigterm.data = a->sigint.data = a->sighup.data = a;
	uv_signal_start(&a->sigwinch, on_winch, SIGWINCH);
	uv_signal_start(&a->sigterm, on_quit_signal, SIGTERM);
	uv_signal_start(&a->sigint, on_quit_signal, SIGINT);
	uv_signal_start(&a->sighup, on_quit_signal, SIGHUP);
	uv_timer_init(loop, &a->frame_timer);
	uv_timer_init(loop, &a->clock_timer);
	uv_timer_init(loop, &a->numbers_timer);
	a->frame_timer.data = a->clock_timer.data = a->numbers_timer.data = a;
	uv_timer_start(&a->clock_timer, clock_tick, 30000, 30000);

	for (int i = 0; i < a->nprovs; i++)
		list_provider(a, i);
	app_message(a, 0, "listing…  Enter opens, Space marks, / filters, C-b d quits");
	a->full_redraw = 1;
	app_schedule_frame(a);
	return 0;
}

int
app_run(struct app *a)
{
	uv_run(a->loop, UV_RUN_DEFAULT);
	return 0;
}

static void
close_walk(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void
app_free(struct app *a)
{
	while (a->npanes > 0)
		close_pane(a, a->npanes - 1);
	app_reset_cursor_style(a);
	endwin();
	uv_close((uv_handle_t *)&a->stdin_poll, NULL);
	uv_close((uv_handle_t *)&a->sigwinch, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_close((uv_handle_t *)&a->sigint, NULL);
	uv_close((uv_handle_t *)&a->sighup, NULL);
	uv_close((uv_handle_t *)&a->frame_timer, NULL);
	uv_close((uv_handle_t *)&a->clock_timer, NULL);
	uv_close((uv_handle_t *)&a->numbers_timer, NULL);
	for (int i = 0; i < a->nprovs; i++)
		uv_close((uv_handle_t *)&a->ctx[i].relist, NULL);
	/* Let closed sessions finish closing while their providers still live. */
	for (int i = 0; i < 10; i++)
		uv_run(a->loop, UV_RUN_NOWAIT);
	for (int i = 0; i < a->nprovs; i++)
		a->provs[i]->ops->free(a->provs[i]);
	for (int i = 0; i < 10; i++)
		uv_run(a->loop, UV_RUN_NOWAIT);
	uv_walk(a->loop, close_walk, NULL);
	uv_run(a->loop, UV_RUN_DEFAULT);
	sidebar_free(&a->sb);
	keytable_free(&a->prefix_keys);
	keytable_free(&a->sidebar_keys);
	for (size_t i = 0; i < a->ntargets; i++) {
		free(a->targets[i].region);
		free(a->targets[i].group);
		free(a->targets[i].container);
	}
	free(a->targets);
	buf_free(&a->paste);
	free(a->osc52_pending);
}
