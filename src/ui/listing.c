/* listing.c: a round of listing over every provider: its regions, then the
 * groups of each wanted region, with a count of what has not answered. A
 * listing that cannot start ends at once, with why: never "listing..." for
 * ever. */
#include <string.h>

#include "fleetmux/frontend.h"

void
listing_init(struct listing *l, struct provider **provs, int nprovs, char **regions,
	     const struct listing_events *ev, void *arg)
{
	memset(l, 0, sizeof *l);
	l->provs = provs;
	l->nprovs = nprovs < LISTING_MAX_PROVIDERS ? nprovs : LISTING_MAX_PROVIDERS;
	l->regions = regions;
	l->ev = ev;
	l->arg = arg;
	for (int i = 0; i < l->nprovs; i++)
		l->ctx[i] = (struct listing_ctx){l, i};
}

int
listing_wants(const struct listing *l, const char *region)
{
	if (l->regions == NULL)
		return 1;
	for (char **r = l->regions; *r; r++)
		if (strcmp(*r, region) == 0)
			return 1;
	return 0;
}

static void
on_groups(void *arg, const char *region, struct fm_group *g, size_t n, int done, const char *error)
{
	struct listing_ctx *c = arg;
	struct listing *l = c->l;

	if (done)
		l->pending--;
	l->ev->groups(l->arg, c->idx, region, g, n, done, error);
}

void
listing_region(struct listing *l, int prov, const char *region)
{
	struct provider *p = l->provs[prov];

	l->pending++;
	if (l->ev->region != NULL)
		l->ev->region(l->arg, prov, region);
	if (p->ops->list_groups(p, region, on_groups, &l->ctx[prov]) < 0)
		on_groups(&l->ctx[prov], region, NULL, 0, 1, fm_error_message());
}

static void
on_regions(void *arg, char **ids, size_t n, const char *error)
{
	struct listing_ctx *c = arg;
	struct listing *l = c->l;

	for (size_t i = 0; i < n; i++) {
		if (!listing_wants(l, ids[i]))
			continue;
		l->regions_seen++;
		listing_region(l, c->idx, ids[i]);
	}
	/* Counted until its regions are asked for: the listing never looks
	 * finished between a provider's answer and its regions' requests. */
	l->pending--;
	l->providers_listed++;
	l->ev->provider(l->arg, c->idx, error);
}

void
listing_start(struct listing *l)
{
	/* Every provider counts before any is asked: one that fails at once
	 * must not make the round look finished. */
	l->pending += l->nprovs;
	for (int i = 0; i < l->nprovs; i++) {
		struct provider *p = l->provs[i];

		if (p->ops->list_regions(p, on_regions, &l->ctx[i]) < 0)
			on_regions(&l->ctx[i], NULL, 0, fm_error_message());
	}
}
