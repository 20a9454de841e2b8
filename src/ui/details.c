/* details.c: the details view's state (i in the sidebar, C-b i on a
 * pane): which group it shows, and that group's CPU and memory history,
 * asked of the provider (provider_metrics with history) when it opens and
 * every DETAILS_REFRESH_MS while it is open, with the group's region
 * listed again at the same pace, so its fields and events stay current
 * and what happens meanwhile reaches the message log. The page itself is
 * details_page.c's; the overlay's keys are overlay.c's. */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* How far back the chart looks: 48 records of 15 s (ECI answers at most
 * 50 a call). */
#define HISTORY_SECONDS (12 * 60)
#define HISTORY_PERIOD 15

static void
forget_history(struct details *d)
{
	free(d->hist);
	d->hist = NULL;
	d->nhist = 0;
	free(d->note);
	d->note = NULL;
	d->answered = 0;
	d->never = 0;
}

static void
cancel(struct app *a)
{
	struct details *d = &a->details;

	if (d->req != NULL)
		provider_metrics_cancel(a->provs[d->prov], d->req);
	d->req = NULL;
	d->asking = 0;
}

static void
on_history(void *arg, const struct fm_metric *m, size_t n, const struct fm_cause *why)
{
	struct app *a = arg;
	struct details *d = &a->details;

	d->req = NULL;
	d->asking = 0;
	if (why != NULL && n == 0) {
		/* keep what was shown; say why there is no newer */
		free(d->note);
		d->note = xstrdup(why->msg);
	} else {
		free(d->note);
		d->note = NULL;
		free(d->hist);
		d->hist = n > 0 ? xcalloc(n, sizeof *d->hist) : NULL;
		for (size_t i = 0; i < n; i++)
			d->hist[i] = (struct details_sample){m[i].time_ns, m[i].u};
		d->nhist = n;
	}
	d->answered = 1;
	frame_schedule(a);
}

static void
ask_history(struct app *a)
{
	struct details *d = &a->details;
	const char *ids[1] = {d->group_id};
	struct metric_query q = {
	    .region = d->region,
	    .group_ids = ids,
	    .n = 1,
	    .history = 1,
	    .end_ns = fm_time_now(),
	    .period_s = HISTORY_PERIOD,
	};
	struct fm_cause why = {0};
	struct metric_req *r;

	if (d->asking)
		return;
	q.start_ns = q.end_ns - (int64_t)HISTORY_SECONDS * FM_NS_PER_SEC;
	d->asking = 1;
	r = provider_metrics(a->provs[d->prov], &q, on_history, a, &why);
	if (r == NULL) {
		/* not asked: no history on this backend (Docker), or a bad query */
		d->asking = 0;
		d->never = why.code == FM_ENOTSUP;
		free(d->note);
		d->note = xstrdup(why.msg[0] ? why.msg : "no history of this group's usage");
		d->answered = 1;
		return;
	}
	d->req = d->asking ? r : NULL;
}

/* A backend with no change stream is asked again, at open and while the
 * view stays: what it shows (states, restarts, events) is now, not as of
 * the last listing. */
static void
relist_unwatched(struct app *a)
{
	struct details *d = &a->details;
	struct sb_region *r = sidebar_region(&a->sb, d->prov, d->region, 0);

	if (r != NULL && !r->loading && a->provs[d->prov]->ops->watch == NULL)
		listing_region(&a->listing, d->prov, d->region);
}

static void
details_tick(uv_timer_t *t)
{
	struct app *a = t->data;
	struct details *d = &a->details;

	if (a->overlay.kind != OVERLAY_DETAILS || d->group_id == NULL)
		return;
	/* a backend that keeps no history will not keep one in 15 s */
	if (!d->never)
		ask_history(a);
	relist_unwatched(a);
}

void
details_init(struct app *a)
{
	uv_timer_init(a->loop, &a->details.timer);
	a->details.timer.data = a;
}

int
details_open(struct app *a, int prov, const char *region, const char *group_id)
{
	struct details *d = &a->details;
	struct sb_region *r = sidebar_region(&a->sb, prov, region, 0);

	details_stop(a);
	d->prov = prov;
	d->region = xstrdup(region);
	d->group_id = xstrdup(group_id);
	/* seen: its badge has done its work */
	for (size_t j = 0; r != NULL && j < r->n; j++)
		if (strcmp(r->groups[j].g.id, group_id) == 0)
			r->groups[j].badge = (struct sb_badge){0};
	ask_history(a);
	relist_unwatched(a);
	uv_timer_start(&d->timer, details_tick, DETAILS_REFRESH_MS, DETAILS_REFRESH_MS);
	return 0;
}

void
details_stop(struct app *a)
{
	struct details *d = &a->details;

	cancel(a);
	if (d->timer.data != NULL)
		uv_timer_stop(&d->timer);
	forget_history(d);
	free(d->region);
	free(d->group_id);
	d->region = d->group_id = NULL;
}

void
details_free(struct app *a)
{
	details_stop(a);
	if (a->details.timer.data != NULL)
		uv_close((uv_handle_t *)&a->details.timer, NULL);
}
