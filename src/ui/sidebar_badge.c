/* sidebar_badge.c: a group row's mark for what happened to it lately —
 * warnings (!N) and restarts (↻N) from its events — kept apart from the
 * row's other columns, and pure (test_sidebar). */
#include <stdio.h>
#include <string.h>

#include "fleetmux/sidebar.h"

void
sidebar_badge_add(struct sb_badge *b, int warnings, int restarts, time_t now)
{
	if (warnings <= 0 && restarts <= 0)
		return;
	/* an old badge gone from the row starts again */
	if (b->since != 0 && now - b->since >= SB_BADGE_SECONDS)
		*b = (struct sb_badge){0};
	if (b->since == 0)
		b->since = now;
	b->warnings += warnings > 0 ? warnings : 0;
	b->restarts += restarts > 0 ? restarts : 0;
}

int
sidebar_badge_text(const struct sb_badge *b, time_t now, char *out, size_t len)
{
	char w[16] = "", r[24] = "";

	out[0] = '\0';
	if (b->since == 0 || now - b->since >= SB_BADGE_SECONDS || (b->warnings == 0 && b->restarts == 0))
		return 0;
	if (b->warnings > 0)
		snprintf(w, sizeof w, "!%d", b->warnings);
	if (b->restarts > 0)
		snprintf(r, sizeof r, "↻%d", b->restarts);
	snprintf(out, len, " %s%s", w, r);
	return 1;
}

int
sidebar_mark_text(const struct sb_group *g, time_t now, char *out, size_t len)
{
	struct sb_badge b = {0};
	int restarts = 0;

	if (g->badge.since != 0 && now - g->badge.since < SB_BADGE_SECONDS)
		b = g->badge;
	/* A group with events has its restarts as news in the badge (cleared
	 * by reading its details); one without (a pod) has only its count. */
	for (size_t k = 0; g->g.nevents == 0 && k < g->g.ncontainers; k++)
		if (g->g.containers[k].restarts > 0)
			restarts += g->g.containers[k].restarts;
	if (restarts > b.restarts)
		b.restarts = restarts;
	if (b.warnings == 0 && b.restarts == 0) {
		out[0] = '\0';
		return 0;
	}
	b.since = now; /* young: sidebar_badge_text says it */
	return sidebar_badge_text(&b, now, out, len);
}

const char *
sidebar_id_column(const struct fm_group *g)
{
	size_t zl = g->zone != NULL ? strlen(g->zone) : 0;

	if (g->id == NULL)
		return "";
	if (zl > 0 && g->name != NULL && strncmp(g->id, g->zone, zl) == 0 && g->id[zl] == '/' &&
	    strcmp(g->id + zl + 1, g->name) == 0)
		return g->zone;
	return g->id;
}
