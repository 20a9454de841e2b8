/* logmerge.c: lines of several logs, held until they can leave in time
 * order. A fleet's merged view holds a second or so of 64 busy logs (tens
 * of thousands of lines) and flushes whenever a follower answers, so a
 * flush must not sort what waits: each source keeps its lines in order (a
 * log comes in its own order; a rare older line is inserted from the
 * back), and a binary heap of the sources by their oldest line picks the
 * next to leave, O(log sources) a line. */
#include "fleetmux/logmerge.h"

#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

void
log_merge_init(struct log_merge *m, int nsources)
{
	size_t n = nsources > 0 ? (size_t)nsources : 1;

	memset(m, 0, sizeof *m);
	m->nsources = nsources;
	m->q = xcalloc(n, sizeof *m->q);
	m->heap = xcalloc(n, sizeof *m->heap);
	m->at = xcalloc(n, sizeof *m->at);
	m->last_ns = xcalloc(n, sizeof *m->last_ns);
	for (int i = 0; i < nsources; i++) {
		m->last_ns[i] = FM_TIME_NONE;
		m->at[i] = -1;
	}
}

static struct merge_line *
q_get(const struct merge_queue *q, size_t i)
{
	return &q->v[(q->head + i) % q->cap];
}

void
log_merge_free(struct log_merge *m)
{
	for (int s = 0; s < m->nsources; s++) {
		for (size_t i = 0; i < m->q[s].n; i++)
			free(q_get(&m->q[s], i)->text);
		free(m->q[s].v);
	}
	free(m->q);
	free(m->heap);
	free(m->at);
	free(m->last_ns);
	memset(m, 0, sizeof *m);
}

/* Does a leave before b? Time, then arrival. */
static int
before(const struct merge_line *a, const struct merge_line *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns;
	return a->seq < b->seq;
}

static int
src_before(const struct log_merge *m, int a, int b)
{
	return before(q_get(&m->q[a], 0), q_get(&m->q[b], 0));
}

static void
heap_set(struct log_merge *m, int i, int source)
{
	m->heap[i] = source;
	m->at[source] = i;
}

static void
heap_up(struct log_merge *m, int i)
{
	int s = m->heap[i];

	while (i > 0 && src_before(m, s, m->heap[(i - 1) / 2])) {
		heap_set(m, i, m->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(m, i, s);
}

static void
heap_down(struct log_merge *m, int i)
{
	int s = m->heap[i];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= m->nheap)
			break;
		if (c + 1 < m->nheap && src_before(m, m->heap[c + 1], m->heap[c]))
			c++;
		if (!src_before(m, m->heap[c], s))
			break;
		heap_set(m, i, m->heap[c]);
		i = c;
	}
	heap_set(m, i, s);
}

/* e goes into q in order; returns whether it became the oldest. */
static int
q_insert(struct merge_queue *q, const struct merge_line *e)
{
	size_t i;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct merge_line *v = xcalloc(cap, sizeof *v);

		for (size_t k = 0; k < q->n; k++)
			v[k] = *q_get(q, k);
		free(q->v);
		q->v = v;
		q->head = 0;
		q->cap = cap;
	}
	/* Almost always at the back; an older line walks forward. */
	for (i = q->n; i > 0 && before(e, q_get(q, i - 1)); i--)
		*q_get(q, i) = *q_get(q, i - 1);
	*q_get(q, i) = *e;
	q->n++;
	return i == 0;
}

void
log_merge_add(struct log_merge *m, int source, const struct log_line *l)
{
	struct merge_line e;
	int64_t t = l->time_ns;

	if (source < 0 || source >= m->nsources)
		return;
	if (t == FM_TIME_NONE)
		t = m->last_ns[source];
	else
		m->last_ns[source] = t;
	e = (struct merge_line){
	    t, m->seq++, source, l->stream, xstrndup(l->text ? l->text : "", l->len), l->len};
	m->n++;
	if (!q_insert(&m->q[source], &e))
		return;
	/* A new oldest line: the source enters the heap, or moves up in it. */
	if (m->at[source] < 0) {
		m->at[source] = m->nheap;
		m->heap[m->nheap++] = source;
	}
	heap_up(m, m->at[source]);
}

size_t
log_merge_flush(struct log_merge *m, int64_t upto_ns,
                void (*cb)(void *arg, int source, const struct log_line *l), void *arg)
{
	size_t out = 0;

	/* FM_TIME_NONE is INT64_MIN: a log that never had a time leaves first. */
	while (m->nheap > 0) {
		int s = m->heap[0];
		struct merge_queue *q = &m->q[s];
		struct merge_line e = *q_get(q, 0);
		struct log_line l = {e.time_ns, e.stream, e.text, e.len};

		if (e.time_ns > upto_ns)
			break;
		q->head = (q->head + 1) % q->cap;
		q->n--;
		m->n--;
		if (q->n == 0) {
			m->at[s] = -1;
			if (--m->nheap > 0) {
				heap_set(m, 0, m->heap[m->nheap]);
				heap_down(m, 0);
			}
		} else {
			heap_down(m, 0);
		}
		cb(arg, s, &l);
		free(e.text);
		out++;
	}
	return out;
}

int64_t
log_merge_watermark(const struct log_merge *m, const unsigned char *holds, int64_t now_ns,
                    int64_t delay_ns)
{
	int64_t late = now_ns - delay_ns, low = INT64_MAX;

	for (int i = 0; i < m->nsources; i++)
		if (holds[i] && m->last_ns[i] > late && m->last_ns[i] < low)
			low = m->last_ns[i];
	return low != INT64_MAX ? low : late;
}
