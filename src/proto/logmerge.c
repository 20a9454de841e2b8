/* logmerge.c: lines of several logs, held until they can leave in time
 * order. Few lines wait at once (a second or two of a fleet's logs), so
 * a flush sorts them all. */
#include "fleetmux/logmerge.h"

#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

void
log_merge_init(struct log_merge *m, int nsources)
{
	memset(m, 0, sizeof *m);
	m->nsources = nsources;
	m->last_ns = xcalloc(nsources > 0 ? (size_t)nsources : 1, sizeof *m->last_ns);
	for (int i = 0; i < nsources; i++)
		m->last_ns[i] = FM_TIME_NONE;
}

void
log_merge_free(struct log_merge *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].text);
	free(m->v);
	free(m->last_ns);
	memset(m, 0, sizeof *m);
}

void
log_merge_add(struct log_merge *m, int source, const struct log_line *l)
{
	struct merge_line *e;
	int64_t t = l->time_ns;

	if (source < 0 || source >= m->nsources)
		return;
	if (t == FM_TIME_NONE)
		t = m->last_ns[source];
	else
		m->last_ns[source] = t;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	e = &m->v[m->n++];
	e->time_ns = t;
	e->seq = m->seq++;
	e->source = source;
	e->stream = l->stream;
	e->text = xstrndup(l->text ? l->text : "", l->len);
	e->len = l->len;
}

static int
by_time(const void *a, const void *b)
{
	const struct merge_line *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t
log_merge_flush(struct log_merge *m, int64_t upto_ns,
		void (*cb)(void *arg, int source, const struct log_line *l), void *arg)
{
	size_t out = 0, kept;

	if (m->n == 0)
		return 0;	/* (qsort and memmove may not be given NULL) */
	qsort(m->v, m->n, sizeof *m->v, by_time);
	/* FM_TIME_NONE is INT64_MIN: a log that never had a time leaves first. */
	while (out < m->n && m->v[out].time_ns <= upto_ns) {
		struct merge_line *e = &m->v[out++];
		struct log_line l = {e->time_ns, e->stream, e->text, e->len};

		cb(arg, e->source, &l);
	}
	for (size_t i = 0; i < out; i++)
		free(m->v[i].text);
	kept = m->n - out;
	memmove(m->v, m->v + out, kept * sizeof *m->v);
	m->n = kept;
	return out;
}
