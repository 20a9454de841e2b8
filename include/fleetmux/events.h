/* events.h: what is new among a group's events since it was last listed,
 * and which of them are worth saying (the message log, the sidebar's
 * badge). Pure: the previous listing's events and this one's in, the new
 * ones out (tests/unit/test_events.c). */
#ifndef FLEETMUX_EVENTS_H
#define FLEETMUX_EVENTS_H

#include <stddef.h>

#include "fleetmux/model.h"

/* Which of cur[0..ncur) are new since old[0..nold): an event is the same
 * one when its type, reason and message are (Kubernetes counts repeats on
 * one event); it is new when old has no such event, or when it happened
 * again since (a higher count, or a later last time). Their indexes go
 * into idx (room for ncur), oldest first; returns how many. */
size_t events_new(const struct fm_event *old, size_t nold, const struct fm_event *cur, size_t ncur,
		  size_t *idx);

enum event_kind {
	EVENT_QUIET,     /* routine: Pulled, Created, a first Started */
	EVENT_RESTART,   /* a container started again, or was stopped */
	EVENT_WARNING,   /* BackOff, OOMKilling, FailedScheduling, ... */
};

/* Is it worth saying: Warnings are; of the Normal ones, a container that
 * started again (Started seen more than once) or was stopped (Killing). */
enum event_kind events_kind(const struct fm_event *e);

#endif
