/* sidebar_badge.c: a group row's mark for what happened to it lately —
 * warnings (!N) and restarts (↻N) from its events — kept apart from the
 * row's other columns, and pure (test_sidebar). */
#include <stdio.h>

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
