/* details_page.c: the details view's page, from state (pure reads): every
 * field the provider listed of the group and its containers, the group's
 * events, and its CPU and memory history as block-character charts
 * (chart.c). The group is found again in the sidebar at every frame, so a
 * relisting shows at once. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fleetmux/chart.h"
#include "fleetmux/events.h"
#include "fleetmux/fit.h"
#include "tui.h"

#define LABEL_COLS 15
#define CHART_ROWS 5
#define CHART_COLS_MAX 60
#define GIB (1024.0 * 1024 * 1024)

static const struct fm_group *
shown_group(const struct app *a)
{
	const struct details *d = &a->details;

	for (size_t i = 0; d->group_id != NULL && i < a->sb.nregions; i++) {
		const struct sb_region *r = &a->sb.regions[i];

		if (r->prov != d->prov || strcmp(r->id, d->region) != 0)
			continue;
		for (size_t j = 0; j < r->n; j++)
			if (strcmp(r->groups[j].g.id, d->group_id) == 0)
				return &r->groups[j].g;
	}
	return NULL;
}

/* "label          text": the label bold, in its column. */
static void
field(struct ovl_page *pg, int width, const char *label, const char *text)
{
	char lead[64];

	snprintf(lead, sizeof lead, "%-*s", LABEL_COLS, label);
	ovl_page_add(pg, lead, strlen(label), 0, text, width, OVL_TEXT);
}

static void
blank(struct ovl_page *pg, int width)
{
	ovl_page_add(pg, "", 0, 0, "", width, OVL_TEXT);
}

static void
heading(struct ovl_page *pg, int width, const char *text)
{
	blank(pg, width);
	ovl_page_add(pg, "", 0, 0, text, width, OVL_HEADING);
}

/* An RFC 3339 time (UTC), and how long ago: "2026-11-20T08:12:00Z (3 h ago)". */
static void
when(int64_t ns, char *out, size_t len)
{
	char t[21];
	int64_t ago = (fm_time_now() - ns) / FM_NS_PER_SEC;

	fm_time_format_sec(ns, t);
	if (ago < 0)
		snprintf(out, len, "%s", t);
	else if (ago < 120)
		snprintf(out, len, "%s (%lld s ago)", t, (long long)ago);
	else if (ago < 7200)
		snprintf(out, len, "%s (%lld min ago)", t, (long long)(ago / 60));
	else if (ago < 2 * 86400)
		snprintf(out, len, "%s (%lld h ago)", t, (long long)(ago / 3600));
	else
		snprintf(out, len, "%s (%lld days ago)", t, (long long)(ago / 86400));
}

/* Bytes in few characters: 512M, 1.5G, 800K. */
static void
bytes_short(double b, char *out, size_t len)
{
	if (b >= GIB)
		snprintf(out, len, "%.*fG", b >= 10 * GIB ? 0 : 1, b / GIB);
	else if (b >= 1024 * 1024)
		snprintf(out, len, "%.0fM", b / (1024 * 1024));
	else
		snprintf(out, len, "%.0fK", b / 1024);
}

/* "2 cores, 4 GiB" from what was asked; "" when neither was said. */
static void
asked(double cpu, double gib, char *out, size_t len)
{
	char c[32] = "", m[32] = "";

	if (cpu > 0)
		snprintf(c, sizeof c, "%g %s", cpu, cpu == 1 ? "core" : "cores");
	if (gib > 0)
		snprintf(m, sizeof m, "%g GiB", gib);
	snprintf(out, len, "%s%s%s", c, c[0] && m[0] ? ", " : "", m);
}

static void
group_fields(const struct app *a, const struct fm_group *g, int width, struct ovl_page *pg)
{
	char line[512];

	/* Docker's groups are containers of an engine: its zone field holds
	 * the engine's own words for the state ("Exited (2) 5 minutes ago") */
	const struct provider_ops *ops = a->provs[a->details.prov]->ops;
	int zone_is_state = (ops->lists & PROV_ZONE_IS_STATE) != 0;

	field(pg, width, "id", g->id);
	field(pg, width, "name", g->name);
	field(pg, width, "provider", a->provs[a->details.prov]->name);
	field(pg, width, ops->region_noun ? ops->region_noun : "region",
	      g->region && *g->region ? g->region : a->details.region);
	if (!zone_is_state && g->zone && *g->zone)
		field(pg, width, "zone", g->zone);
	if (zone_is_state && g->zone && *g->zone)
		snprintf(line, sizeof line, "%s (%s)", g->status, g->zone);
	else
		snprintf(line, sizeof line, "%s", g->status);
	/* a group that is not running says why in its newest warning */
	for (size_t i = g->nevents; g->state != FM_STATE_RUNNING && i-- > 0;)
		if (events_kind(&g->events[i]) == EVENT_WARNING) {
			size_t used = strlen(line);

			snprintf(line + used, sizeof line - used, " — %s: %s", g->events[i].reason,
				 g->events[i].message);
			break;
		}
	field(pg, width, "status", line);
	if (g->instance_type)
		field(pg, width, "instance type", g->instance_type);
	asked(g->cpu, g->memory_gib, line, sizeof line);
	if (line[0])
		field(pg, width, "cpu, memory", line);
	if (g->ip && *g->ip)
		field(pg, width, "intranet IP", g->ip);
	if (g->internet_ip)
		field(pg, width, "internet IP", g->internet_ip);
	if (g->created_ns > 0) {
		when(g->created_ns, line, sizeof line);
		field(pg, width, "created", line);
	}
	if (g->tags.n > 0) {
		struct buf t;

		buf_init(&t);
		for (size_t i = 0; i < g->tags.n; i++)
			buf_printf(&t, "%s%s=%s", i ? "  " : "", g->tags.v[i].key, g->tags.v[i].value);
		field(pg, width, "tags", t.data);
		buf_free(&t);
	}
}

static void
container_fields(const struct fm_container *c, int listed_restarts, int width, struct ovl_page *pg)
{
	char line[512], t[80];

	snprintf(line, sizeof line, "Container %s", c->name);
	heading(pg, width, line);
	field(pg, width, "image", c->image);
	snprintf(line, sizeof line, "%s%s%s%s", c->status, c->reason ? ": " : "", c->reason ? c->reason : "",
		 c->state == FM_STATE_RUNNING ? (c->ready ? ", ready" : ", not ready") : "");
	field(pg, width, "state", line);
	if (c->state == FM_STATE_EXITED) {
		snprintf(line, sizeof line, "%d", c->exit_code);
		field(pg, width, "exit code", line);
	}
	if (listed_restarts)
		snprintf(line, sizeof line, "%d", c->restarts);
	else
		snprintf(line, sizeof line, "not in this engine's list (docker inspect has it)");
	field(pg, width, "restarts", line);
	if (c->started_ns > 0) {
		when(c->started_ns, line, sizeof line);
		field(pg, width, "started", line);
	}
	if (c->finished_ns > 0) {
		when(c->finished_ns, line, sizeof line);
		field(pg, width, "finished", line);
	}
	if (c->last_reason != NULL) {
		t[0] = '\0';
		if (c->last_finished_ns > 0)
			when(c->last_finished_ns, t, sizeof t);
		snprintf(line, sizeof line, "Terminated: %s, exit code %d%s%s", c->last_reason,
			 c->last_exit_code, t[0] ? ", finished " : "", t);
		field(pg, width, "last state", line);
	}
	asked(c->cpu, c->memory_gib, line, sizeof line);
	if (line[0])
		field(pg, width, "cpu, memory", line);
	if (c->nports > 0) {
		struct buf p;

		buf_init(&p);
		for (size_t i = 0; i < c->nports; i++) {
			buf_printf(&p, "%s%d/%s", i ? ", " : "", c->ports[i].port, c->ports[i].protocol);
			if (c->ports[i].public_port > 0)
				buf_printf(&p, " → %d", c->ports[i].public_port);
		}
		field(pg, width, "ports", p.data);
		buf_free(&p);
	}
}

/* HH:MM:SS of a time, UTC (the day is in the full times above). */
static void
clock_of(int64_t ns, char out[16])
{
	char t[21];

	if (ns == FM_TIME_NONE || ns <= 0) {
		snprintf(out, 16, "--:--:--");
		return;
	}
	fm_time_format_sec(ns, t);
	snprintf(out, 16, "%.8s", t + 11);
}

static void
events_part(const struct app *a, const struct fm_group *g, int width, struct ovl_page *pg)
{
	char line[160];

	snprintf(line, sizeof line, "Events (%zu, oldest first; times UTC)", g->nevents);
	heading(pg, width, line);
	if (g->nevents == 0) {
		const struct provider_ops *ops = a->provs[a->details.prov]->ops;
		const char *none = ops->no_events;

		if (none == NULL)
			none = (ops->lists & PROV_LISTS_EVENTS) ? "none listed"
								: "this backend lists no events with its groups";
		ovl_page_add(pg, "", 0, 0, none, width, OVL_NOTE);
		return;
	}
	for (size_t i = 0; i < g->nevents; i++) {
		const struct fm_event *e = &g->events[i];
		char last[16], first[16], lead[160];
		size_t bold;

		clock_of(e->last_ns, last);
		clock_of(e->first_ns, first);
		snprintf(lead, sizeof lead, "%s  ", last);
		bold = strlen(lead);
		if (e->count > 1)
			snprintf(line, sizeof line, "%s %s ×%d (first %s): ", e->type, e->reason, e->count,
				 first);
		else
			snprintf(line, sizeof line, "%s %s: ", e->type, e->reason);
		strncat(lead, line, sizeof lead - strlen(lead) - 1);
		ovl_page_add(pg, lead, bold, strlen(lead) - bold, e->message, width,
			     events_kind(e) == EVENT_WARNING ? OVL_ERROR : OVL_TEXT);
	}
}

/* One chart: rows of blocks with the top and zero labelled, a line of
 * times under it. */
static void
chart(struct ovl_page *pg, int width, const double *v, size_t n, double top, const char *top_label,
      const char *zero_label, int64_t t0, int64_t t1)
{
	int cols = width - 8;
	char *rows[CHART_ROWS];
	char lead[32], a[16], b[16];

	if (cols > CHART_COLS_MAX)
		cols = CHART_COLS_MAX;
	if (cols < 4)
		return;
	chart_render(v, n, top, cols, CHART_ROWS, rows);
	for (int r = 0; r < CHART_ROWS; r++) {
		snprintf(lead, sizeof lead, "%6s ┤", r == 0 ? top_label : r == CHART_ROWS - 1 ? zero_label : "");
		ovl_page_add(pg, lead, 0, 0, rows[r], width, OVL_TEXT);
		free(rows[r]);
	}
	clock_of(t0, a);
	clock_of(t1, b);
	{
		char axis[256];
		int gap = cols - 2 * 8;

		snprintf(axis, sizeof axis, "%-8s%*s%s", a, gap > 1 ? gap : 1, "", b);
		ovl_page_add(pg, "        ", 0, 0, axis, width, OVL_NOTE);
	}
}

static void
history_part(const struct app *a, const struct fm_group *g, int width, struct ovl_page *pg)
{
	const struct details *d = &a->details;
	double cpu[64], mem[64], cpu_max = 0, mem_max = 0, limit = 0;
	size_t n = d->nhist > 64 ? 64 : d->nhist, skip = d->nhist - n;
	char top[16], line[200], used[16], lim[16];

	heading(pg, width, "CPU and memory");
	if (d->note != NULL && d->nhist == 0) {
		ovl_page_add(pg, "", 0, 0, d->note, width, OVL_NOTE);
		return;
	}
	if (!d->answered) {
		ovl_page_add(pg, "", 0, 0, "asking for the history…", width, OVL_NOTE);
		return;
	}
	if (n == 0) {
		ovl_page_add(pg, "", 0, 0,
			     "no samples yet: the provider keeps a record every 15 s (asked again "
			     "every 15 s while this is open)",
			     width, OVL_NOTE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct fm_usage *u = &d->hist[skip + i].u;

		cpu[i] = u->cpu_percent;
		mem[i] = u->mem_used >= 0 ? (double)u->mem_used : -1;
		cpu_max = fmax(cpu_max, cpu[i]);
		mem_max = fmax(mem_max, mem[i]);
		if (u->mem_limit > 0)
			limit = (double)u->mem_limit;
	}
	{
		const struct fm_usage *u = &d->hist[d->nhist - 1].u;

		bytes_short(u->mem_used >= 0 ? (double)u->mem_used : 0, used, sizeof used);
		bytes_short(limit, lim, sizeof lim);
		snprintf(line, sizeof line, "%zu %s, %s apart; newest: CPU %.1f%% of a core, memory %s%s%s",
			 n, fm_plural((long long)n, "sample", "samples"), "15 s",
			 u->cpu_percent >= 0 ? u->cpu_percent : 0, used, limit > 0 ? " of " : "",
			 limit > 0 ? lim : "");
		ovl_page_add(pg, "", 0, 0, line, width, OVL_NOTE);
	}
	/* CPU: the cores asked for are the top, or more when it used more */
	{
		double t = chart_nice_max(fmax(cpu_max, g->cpu * 100), 100);

		snprintf(top, sizeof top, "%.0f%%", t);
		ovl_page_add(pg, "", 0, 0, "CPU, % of one core", width, OVL_HEADING);
		chart(pg, width, cpu, n, t, top, "0%", d->hist[skip].time_ns, d->hist[d->nhist - 1].time_ns);
	}
	{
		double t = limit > 0 && limit >= mem_max ? limit : chart_nice_max(mem_max, 1024 * 1024);

		bytes_short(t, top, sizeof top);
		ovl_page_add(pg, "", 0, 0, limit > 0 ? "Memory (working set), the top is the limit"
						       : "Memory (working set)",
			     width, OVL_HEADING);
		chart(pg, width, mem, n, t, top, "0", d->hist[skip].time_ns, d->hist[d->nhist - 1].time_ns);
	}
}

void
details_page(const struct app *a, int width, struct ovl_page *pg)
{
	const struct fm_group *g = shown_group(a);
	char line[300];
	int listed;

	if (g == NULL) {
		snprintf(line, sizeof line, "%s is no longer listed in %s",
			 a->details.group_id ? a->details.group_id : "the group",
			 a->details.region ? a->details.region : "its region");
		ovl_page_add(pg, "", 0, 0, line, width, OVL_NOTE);
		return;
	}
	group_fields(a, g, width, pg);
	/* Docker's container list counts no restarts (ECI's does) */
	listed = (a->provs[a->details.prov]->ops->lists & PROV_LISTS_RESTARTS) != 0;
	for (size_t i = 0; i < g->ncontainers; i++)
		container_fields(&g->containers[i], listed, width, pg);
	events_part(a, g, width, pg);
	history_part(a, g, width, pg);
}
