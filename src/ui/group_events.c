/* group_events.c: what a relisting says happened. Before a region's
 * answer replaces what the sidebar listed, each group's events are
 * compared with those it had (events.c, pure): the new ones worth saying
 * (warnings, restarts) go to the message log (C-b ~), and once the answer
 * is in, to a badge on the group's row (sidebar_badge.c). A region's first
 * listing says nothing: all of it is old news. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/events.h"
#include "tui.h"

/* At most this many messages for one group in one relisting. */
#define SAID_MAX 5

static const struct sb_group *
listed_group(const struct sb_region *r, const char *id)
{
	for (size_t j = 0; j < r->n; j++)
		if (strcmp(r->groups[j].g.id, id) == 0)
			return &r->groups[j];
	return NULL;
}

static void
say(struct app *a, const char *region, const struct fm_group *g, const struct fm_event *e)
{
	char times[16] = "";

	if (e->count > 1)
		snprintf(times, sizeof times, " (×%d)", e->count);
	app_message(a, events_kind(e) == EVENT_WARNING, "%s/%s: %s %s: %s%s", region, g->name,
		    e->type, e->reason, e->message, times);
}

void
group_events_compare(struct app *a, int prov, const char *region, const struct fm_group *g,
		     size_t n, struct group_news *out)
{
	const struct sb_region *r = sidebar_region(&a->sb, prov, region, 0);

	memset(out, 0, sizeof *out);
	if (r == NULL || !r->listed)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct sb_group *old = listed_group(r, g[i].id);
		size_t *idx, k;
		int *times;
		int warnings = 0, restarts = 0, said = 0;

		if (g[i].nevents == 0)
			continue;
		idx = xcalloc(g[i].nevents, sizeof *idx);
		times = xcalloc(g[i].nevents, sizeof *times);
		k = events_new(old ? old->g.events : NULL, old ? old->g.nevents : 0, g[i].events,
			       g[i].nevents, idx, times);
		for (size_t j = 0; j < k; j++) {
			const struct fm_event *e = &g[i].events[idx[j]];
			enum event_kind kind = events_kind(e);

			if (kind == EVENT_QUIET)
				continue;
			/* the badge counts what happened: BackOff ×2 → ×5 is 3 */
			warnings += kind == EVENT_WARNING ? times[j] : 0;
			restarts += kind == EVENT_RESTART ? times[j] : 0;
			if (said++ < SAID_MAX)
				say(a, region, &g[i], e);
		}
		free(times);
		if (said > SAID_MAX)
			app_message(a, 0, "%s/%s: and %d more %s (i shows them)", region, g[i].name,
				    said - SAID_MAX, fm_plural(said - SAID_MAX, "event", "events"));
		free(idx);
		if (warnings + restarts == 0)
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n].id = xstrdup(g[i].id);
		out->v[out->n].warnings = warnings;
		out->v[out->n].restarts = restarts;
		out->n++;
	}
}

void
group_events_badge(struct app *a, int prov, const char *region, struct group_news *news)
{
	struct sb_region *r = sidebar_region(&a->sb, prov, region, 0);
	time_t now = time(NULL);

	for (size_t i = 0; i < news->n; i++) {
		/* the group whose details are open shows its events there */
		int shown = a->overlay.kind == OVERLAY_DETAILS && a->details.group_id != NULL &&
			    a->details.prov == prov && strcmp(a->details.group_id, news->v[i].id) == 0;

		for (size_t j = 0; !shown && r != NULL && j < r->n; j++)
			if (strcmp(r->groups[j].g.id, news->v[i].id) == 0)
				sidebar_badge_add(&r->groups[j].badge, news->v[i].warnings,
						  news->v[i].restarts, now);
		free(news->v[i].id);
	}
	free(news->v);
	memset(news, 0, sizeof *news);
}
