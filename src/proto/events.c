/* events.c: a group's new events, and which ones to say. Pure. */
#include "fleetmux/events.h"

#include <string.h>

static int
same_event(const struct fm_event *a, const struct fm_event *b)
{
	return strcmp(a->type ? a->type : "", b->type ? b->type : "") == 0 &&
	       strcmp(a->reason ? a->reason : "", b->reason ? b->reason : "") == 0 &&
	       strcmp(a->message ? a->message : "", b->message ? b->message : "") == 0;
}

size_t
events_new(const struct fm_event *old, size_t nold, const struct fm_event *cur, size_t ncur,
	   size_t *idx)
{
	size_t k = 0;

	for (size_t i = 0; i < ncur; i++) {
		const struct fm_event *seen = NULL;

		for (size_t j = 0; j < nold && seen == NULL; j++)
			if (same_event(&old[j], &cur[i]))
				seen = &old[j];
		/* The backend keeps the newest events only: one that fell off
		 * and came back is new again, which it is. */
		if (seen == NULL || cur[i].count > seen->count || cur[i].last_ns > seen->last_ns)
			idx[k++] = i;
	}
	return k;
}

enum event_kind
events_kind(const struct fm_event *e)
{
	const char *reason = e->reason ? e->reason : "";

	if (e->type != NULL && strcmp(e->type, "Warning") == 0)
		return EVENT_WARNING;
	if ((strcmp(reason, "Started") == 0 && e->count > 1) || strcmp(reason, "Killing") == 0)
		return EVENT_RESTART;
	return EVENT_QUIET;
}
