/* event_store.c: events kept per thing, bounded. A chained hash table of
 * keys; each key's events are an array, oldest first, the oldest dropped
 * when it is full. Forgetting a key for room scans for the one told least
 * recently: that happens only past max_keys, when things come and go. */
#include "fleetmux/event_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

#define BUCKETS 1024

struct entry {
	struct entry *next;
	char *key;
	struct fm_event *ev; /* per_key of room */
	size_t n;
	uint64_t told;       /* when last added to, in adds */
};

struct event_store {
	struct entry *bucket[BUCKETS];
	size_t per_key, max_keys, keys;
	uint64_t clock;
};

static unsigned
hash(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % BUCKETS;
}

static void
event_clear(struct fm_event *e)
{
	free(e->type);
	free(e->reason);
	free(e->message);
	memset(e, 0, sizeof *e);
}

static void
event_copy(struct fm_event *dst, const struct fm_event *src)
{
	*dst = *src;
	dst->type = src->type ? xstrdup(src->type) : NULL;
	dst->reason = src->reason ? xstrdup(src->reason) : NULL;
	dst->message = src->message ? xstrdup(src->message) : NULL;
}

static struct entry **
find(const struct event_store *s, const char *key)
{
	struct entry *const *p = &s->bucket[hash(key)];

	while (*p != NULL && strcmp((*p)->key, key) != 0)
		p = &(*p)->next;
	return (struct entry **)p;
}

static void
entry_free(struct entry *e, size_t per_key)
{
	for (size_t i = 0; i < e->n; i++)
		event_clear(&e->ev[i]);
	(void)per_key;
	free(e->ev);
	free(e->key);
	free(e);
}

struct event_store *
event_store_new(size_t per_key, size_t max_keys)
{
	struct event_store *s = xcalloc(1, sizeof *s);

	s->per_key = per_key > 0 ? per_key : 1;
	s->max_keys = max_keys > 0 ? max_keys : 1;
	return s;
}

void
event_store_free(struct event_store *s)
{
	if (s == NULL)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		while (s->bucket[b] != NULL) {
			struct entry *e = s->bucket[b];

			s->bucket[b] = e->next;
			entry_free(e, s->per_key);
		}
	free(s);
}

static void
forget_least_told(struct event_store *s)
{
	struct entry *least = NULL;

	for (size_t b = 0; b < BUCKETS; b++)
		for (struct entry *e = s->bucket[b]; e != NULL; e = e->next)
			if (least == NULL || e->told < least->told)
				least = e;
	if (least != NULL)
		event_store_drop(s, least->key);
}

int
event_store_add(struct event_store *s, const char *key, const struct fm_event *ev)
{
	struct entry **p = find(s, key), *e = *p;

	if (e == NULL) {
		if (s->keys >= s->max_keys) {
			forget_least_told(s);
			p = find(s, key);
		}
		e = xcalloc(1, sizeof *e);
		e->key = xstrdup(key);
		e->ev = xcalloc(s->per_key, sizeof *e->ev);
		*p = e;
		s->keys++;
	}
	/* Each occurrence has its own time: one at a time kept is the one
	 * kept, though its words may differ (they depend on what came
	 * before it, which is now more). */
	for (size_t i = 0; i < e->n; i++)
		if (e->ev[i].last_ns == ev->last_ns)
			return 0;
	if (e->n == s->per_key) {
		event_clear(&e->ev[0]);
		memmove(&e->ev[0], &e->ev[1], (e->n - 1) * sizeof *e->ev);
		e->n--;
	}
	event_copy(&e->ev[e->n++], ev);
	e->told = ++s->clock;
	return 1;
}

const struct fm_event *
event_store_get(const struct event_store *s, const char *key, size_t *n)
{
	struct entry *e = *find(s, key);

	*n = e != NULL ? e->n : 0;
	return e != NULL && e->n > 0 ? e->ev : NULL;
}

void
event_store_copy(const struct event_store *s, const char *key, struct fm_event **out, size_t *n)
{
	size_t k;
	const struct fm_event *ev = event_store_get(s, key, &k);

	*out = NULL;
	*n = 0;
	if (ev == NULL)
		return;
	*out = xcalloc(k, sizeof **out);
	for (size_t i = 0; i < k; i++)
		event_copy(&(*out)[i], &ev[i]);
	*n = k;
}

void
event_store_drop(struct event_store *s, const char *key)
{
	struct entry **p = find(s, key), *e = *p;

	if (e == NULL)
		return;
	*p = e->next;
	entry_free(e, s->per_key);
	s->keys--;
}

size_t
event_store_keys(const struct event_store *s)
{
	return s->keys;
}
