/* metrics_poll.c: CPU and memory for the sidebar. Every provider whose type
 * has metrics (registry: PROVIDER_METRICS) is asked, for each region it
 * listed, for the newest sample of the region's running groups: at once
 * when the region's listing ends, then every interval (metrics-interval in
 * the config; by default 15 s for ECI, which aggregates its records at
 * 15 s, and 3 s for Docker and Hyper, which measure live). A region has at
 * most one request in flight: a tick that finds one waits for it, and a
 * relisting cancels it and asks again. The samples go into the groups'
 * rings (sidebar_usage.c) by group id. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/registry.h"
#include "fleetmux/sidebar_usage.h"
#include "tui.h"

#define METRICS_DEFAULT_MS 15000

/* A region's request in flight (req NULL: none). Allocated one by one:
 * the request's callback carries it. */
struct mp_region {
	struct metrics_poll *mp;
	int prov;
	char *region;
	struct metric_req *req;
};

struct mp_prov {
	struct metrics_poll *mp;
	int idx;
	int on; /* its type has metrics and the timer runs */
	uv_timer_t timer;
	char *said; /* the last failure said, so that a tick does not repeat it */
};

struct metrics_poll {
	struct app *a;
	struct mp_prov provs[APP_MAX_PROVIDERS];
	struct mp_region **regions;
	size_t n;
	int closing; /* handles being closed: freed when the last is */
};

static void fetch(struct mp_region *r);

static unsigned
interval_ms(const struct app *a, const struct provider *p)
{
	const struct provider_type *t = registry_find(p->ops->type);

	if (a->opt.metrics_interval > 0)
		return (unsigned)a->opt.metrics_interval * 1000u;
	return t != NULL && t->metrics_ms > 0 ? t->metrics_ms : METRICS_DEFAULT_MS;
}

static int
has_metrics(const struct provider *p)
{
	const struct provider_type *t = registry_find(p->ops->type);

	return p->ops->metrics != NULL && t != NULL && (t->watch & PROVIDER_METRICS);
}

static struct mp_region *
region_of(struct metrics_poll *mp, int prov, const char *region, int create)
{
	struct mp_region *r;

	for (size_t i = 0; i < mp->n; i++)
		if (mp->regions[i]->prov == prov && strcmp(mp->regions[i]->region, region) == 0)
			return mp->regions[i];
	if (!create)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->mp = mp;
	r->prov = prov;
	r->region = xstrdup(region);
	mp->regions = xrealloc(mp->regions, (mp->n + 1) * sizeof *mp->regions);
	mp->regions[mp->n++] = r;
	return r;
}

static void
cancel(struct mp_region *r)
{
	if (r->req != NULL)
		provider_metrics_cancel(r->mp->a->provs[r->prov], r->req);
	r->req = NULL;
}

/* A failure is said once, until the provider answers again. */
static void
say_failure(struct mp_prov *pv, const char *region, const struct fm_cause *why)
{
	struct app *a = pv->mp->a;

	if (why == NULL) {
		free(pv->said);
		pv->said = NULL;
		return;
	}
	if (pv->said != NULL && strcmp(pv->said, why->msg) == 0)
		return;
	free(pv->said);
	pv->said = xstrdup(why->msg);
	app_message(a, 1, "%s: %s: metrics: %s", a->provs[pv->idx]->name, region, why->msg);
}

struct by_id {
	const char *id;
	struct sb_group *g;
};

static int
cmp_id(const void *x, const void *y)
{
	return strcmp(((const struct by_id *)x)->id, ((const struct by_id *)y)->id);
}

static void
on_samples(void *arg, const struct fm_metric *samples, size_t n, const struct fm_cause *why)
{
	struct mp_region *mr = arg;
	struct app *a = mr->mp->a;
	struct sb_region *reg = sidebar_region(&a->sb, mr->prov, mr->region, 0);
	struct by_id *index;

	mr->req = NULL;
	say_failure(&mr->mp->provs[mr->prov], mr->region, why);
	if (reg == NULL || reg->n == 0 || n == 0)
		return;
	/* Samples come by group id; the groups are found through an index,
	 * not a scan each (a region may hold thousands). */
	index = xcalloc(reg->n, sizeof *index);
	for (size_t j = 0; j < reg->n; j++)
		index[j] = (struct by_id){reg->groups[j].g.id, &reg->groups[j]};
	qsort(index, reg->n, sizeof *index, cmp_id);
	for (size_t i = 0; i < n; i++) {
		struct by_id key = {samples[i].group_id, NULL}, *hit;

		if (key.id == NULL)
			continue;
		hit = bsearch(&key, index, reg->n, sizeof *index, cmp_id);
		if (hit != NULL)
			sb_usage_add(&hit->g->usage, &samples[i], &hit->g->g);
	}
	free(index);
	sidebar_resort(&a->sb);
	frame_schedule(a);
}

/* The region's running groups, asked for now. */
static void
fetch(struct mp_region *r)
{
	struct app *a = r->mp->a;
	struct sb_region *reg = sidebar_region(&a->sb, r->prov, r->region, 0);
	struct metric_query q;
	struct fm_cause why;
	const char **ids;
	size_t n = 0;

	if (reg == NULL || reg->n == 0 || r->req != NULL)
		return;
	ids = xcalloc(reg->n, sizeof *ids);
	for (size_t j = 0; j < reg->n; j++)
		if (reg->groups[j].g.state == FM_STATE_RUNNING)
			ids[n++] = reg->groups[j].g.id;
	if (n > 0) {
		memset(&q, 0, sizeof q);
		memset(&why, 0, sizeof why);
		q.region = r->region;
		q.group_ids = ids;
		q.n = n;
		q.start_ns = q.end_ns = FM_TIME_NONE;
		/* The provider copies what it keeps of the query. */
		r->req = provider_metrics(a->provs[r->prov], &q, on_samples, r, &why);
		if (r->req == NULL)
			say_failure(&r->mp->provs[r->prov], r->region, &why);
	}
	free(ids);
}

static void
tick(uv_timer_t *t)
{
	struct mp_prov *pv = t->data;
	struct metrics_poll *mp = pv->mp;

	/* Nobody attached, nobody looks: a detached session costs its
	 * provider nothing for figures; they are asked again on attach. */
	if (clients_attached(mp->a) == 0)
		return;
	for (size_t i = 0; i < mp->n; i++) {
		struct sb_region *reg;

		if (mp->regions[i]->prov != pv->idx)
			continue;
		reg = sidebar_region(&mp->a->sb, pv->idx, mp->regions[i]->region, 0);
		if (reg != NULL && !reg->loading && !reg->down)
			fetch(mp->regions[i]);
	}
}

void
metrics_poll_init(struct app *a)
{
	struct metrics_poll *mp = xcalloc(1, sizeof *mp);

	mp->a = a;
	a->metrics = mp;
	for (int i = 0; i < a->nprovs; i++) {
		struct mp_prov *pv = &mp->provs[i];
		unsigned ms = interval_ms(a, a->provs[i]);

		pv->mp = mp;
		pv->idx = i;
		if (a->opt.metrics_interval < 0 || !has_metrics(a->provs[i]))
			continue;
		uv_timer_init(a->loop, &pv->timer);
		pv->timer.data = pv;
		uv_timer_start(&pv->timer, tick, ms, ms);
		pv->on = 1;
	}
}

void
metrics_poll_wake(struct app *a)
{
	if (a->metrics == NULL)
		return;
	for (int i = 0; i < a->nprovs; i++)
		if (a->metrics->provs[i].on)
			tick(&a->metrics->provs[i].timer);
}

void
metrics_poll_listed(struct app *a, int prov, const char *region)
{
	struct mp_region *r;

	if (a->metrics == NULL || !a->metrics->provs[prov].on)
		return;
	/* Asked before this listing: its groups may be gone or new ones come. */
	r = region_of(a->metrics, prov, region, 1);
	cancel(r);
	if (clients_attached(a) > 0)
		fetch(r);
}

static void
closed(uv_handle_t *h)
{
	struct mp_prov *pv = h->data;
	struct metrics_poll *mp = pv->mp;

	if (--mp->closing == 0)
		free(mp);
}

void
metrics_poll_free(struct app *a)
{
	struct metrics_poll *mp = a->metrics;

	if (mp == NULL)
		return;
	a->metrics = NULL;
	for (size_t i = 0; i < mp->n; i++) {
		cancel(mp->regions[i]);
		free(mp->regions[i]->region);
		free(mp->regions[i]);
	}
	free(mp->regions);
	for (int i = 0; i < a->nprovs; i++) {
		free(mp->provs[i].said);
		if (mp->provs[i].on) {
			mp->closing++;
			uv_close((uv_handle_t *)&mp->provs[i].timer, closed);
		}
	}
	if (mp->closing == 0)
		free(mp);
}
