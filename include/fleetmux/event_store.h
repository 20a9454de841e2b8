/* event_store.h: the recent events of many things (an engine's containers,
 * whose event stream says each occurrence apart), each thing's kept apart
 * and bounded: the newest per_key events of each, for at most max_keys
 * things (the one told least recently is forgotten first). Pure
 * (tests/unit/test_events.c). */
#ifndef FLEETMUX_EVENT_STORE_H
#define FLEETMUX_EVENT_STORE_H

#include <stddef.h>

#include "fleetmux/model.h"

struct event_store;

struct event_store *event_store_new(size_t per_key, size_t max_keys);
void event_store_free(struct event_store *s);

/* Keep a copy of e for key, after the others. Returns 1 when kept, 0 when
 * key already has an event at e's last_ns: each occurrence has its own
 * time (an engine's timeNano), and a stream asked again from a time it
 * had reached says it again. */
int event_store_add(struct event_store *s, const char *key, const struct fm_event *e);
/* key's events, oldest first (the store's, until it changes), or NULL
 * with *n 0. */
const struct fm_event *event_store_get(const struct event_store *s, const char *key, size_t *n);
/* A copy of key's events for a listing (fm_group.events: fm_group_free
 * frees them), or NULL with *n 0. */
void event_store_copy(const struct event_store *s, const char *key, struct fm_event **out,
		      size_t *n);
/* Forget key (the thing is gone). */
void event_store_drop(struct event_store *s, const char *key);
/* How many things have events kept. */
size_t event_store_keys(const struct event_store *s);

#endif
