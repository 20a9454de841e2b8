/* events.h: what is new among a group's events since it was last listed,
 * and which of them are worth saying (the message log, the sidebar's
 * badge). Pure: the previous listing's events and this one's in, the new
 * ones out (tests/unit/test_events.c). */
#ifndef FLEETMUX_EVENTS_H
#define FLEETMUX_EVENTS_H

#include <stddef.h>

#include "fleetmux/model.h"

/* Which of cur[0..ncur) are new since old[0..nold), and how many times
 * each happened since. An event is the same one when its type, reason and
 * message are (Kubernetes counts repeats on one event); the same one with
 * the same count and last time is the one seen, not news. Otherwise it is
 * new when old has no such event (it happened count times), or when it
 * happened again since the newest of them: as many times as its count grew
 * (BackOff ×2 → ×5 is 3), else once when its last time is later (an engine
 * that says each occurrence apart, with count 1). An event of the
 * backend's record of before fleetmux looked (past) is never new. Their
 * indexes go into idx and the times into times (each with room for ncur;
 * times may be NULL), oldest first; returns how many. */
size_t events_new(const struct fm_event *old, size_t nold, const struct fm_event *cur, size_t ncur,
		  size_t *idx, int *times);

enum event_kind {
	EVENT_QUIET,     /* routine: Pulled, Created, a first Started */
	EVENT_RESTART,   /* a container started again, or was stopped */
	EVENT_WARNING,   /* BackOff, OOMKilling, FailedScheduling, ... */
};

/* Is it worth saying: Warnings are; of the Normal ones, a container that
 * started again (Started seen more than once, or Restarted: an engine
 * that says each start apart) or was stopped (Killing). */
enum event_kind events_kind(const struct fm_event *e);

#endif
