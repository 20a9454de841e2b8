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
	   size_t *idx, int *times)
{
	size_t k = 0;

	for (size_t i = 0; i < ncur; i++) {
		const struct fm_event *newest = NULL;
		int seen = 0, n = 0;

		for (size_t j = 0; j < nold && !seen; j++) {
			if (!same_event(&old[j], &cur[i]))
				continue;
			seen = old[j].count == cur[i].count && old[j].last_ns == cur[i].last_ns;
			if (newest == NULL || old[j].last_ns > newest->last_ns ||
			    (old[j].last_ns == newest->last_ns && old[j].count > newest->count))
				newest = &old[j];
		}
		if (seen || cur[i].past)
			continue;
		/* The backend keeps the newest events only: one that fell off
		 * and came back is new again, which it is. */
		if (newest == NULL)
			n = cur[i].count > 1 ? cur[i].count : 1;
		else if (cur[i].count > newest->count)
			n = cur[i].count - newest->count;
		else if (cur[i].last_ns > newest->last_ns)
			n = 1;
		if (n == 0)
			continue;
		if (times != NULL)
			times[k] = n;
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
	if ((strcmp(reason, "Started") == 0 && e->count > 1) || strcmp(reason, "Restarted") == 0 ||
	    strcmp(reason, "Killing") == 0)
		return EVENT_RESTART;
	return EVENT_QUIET;
}
