/* logmerge.h: lines of several logs interleaved by time. Each log comes in
 * its own order, in pieces and late (ECI is polled, up to ten seconds
 * apart), so lines wait here until a watermark says no older line is still
 * expected, then leave oldest first; lines of one time leave in the order
 * they came. A line without a time takes its log's previous one, so that
 * it stays after the line it followed. Pure. */
#ifndef FLEETMUX_LOGMERGE_H
#define FLEETMUX_LOGMERGE_H

#include <stddef.h>
#include <stdint.h>

#include "fleetmux/logs.h"

struct merge_line {
	int64_t time_ns;  /* FM_TIME_NONE only before a log's first time */
	uint64_t seq;     /* arrival order: ties leave in it */
	int source;       /* the caller's log index */
	int stream;
	char *text;       /* a copy, NUL-terminated */
	size_t len;
};

/* One source's waiting lines, oldest first: a ring, as lines come in at
 * the back and leave at the front. */
struct merge_queue {
	struct merge_line *v;
	size_t head, n, cap;
};

struct log_merge {
	struct merge_queue *q;  /* per source */
	int *heap;              /* the sources with lines, by their oldest */
	int *at;                /* each source's place in heap, -1 none */
	int nheap;
	size_t n;               /* lines waiting, in all */
	uint64_t seq;
	int64_t *last_ns;       /* each source's newest time */
	int nsources;
};

void log_merge_init(struct log_merge *m, int nsources);
void log_merge_free(struct log_merge *m);
/* A line of source (0..nsources-1); the text is copied. */
void log_merge_add(struct log_merge *m, int source, const struct log_line *l);
/* How far lines may leave at now_ns: up to the oldest newest line of the
 * sources that hold (holds[i]: a live follower), and at least what is
 * delay_ns old. A source whose newest line is itself older than that (a
 * quiet log, or one that never had a line) holds nothing back: waiting for
 * it could only reach the cap, and its next line, whenever it comes, is
 * polled late anyway. */
int64_t log_merge_watermark(const struct log_merge *m, const unsigned char *holds, int64_t now_ns,
			    int64_t delay_ns);
/* Every waiting line at or before upto_ns (INT64_MAX: all), oldest first,
 * to cb, which must not add; returns how many. */
size_t log_merge_flush(struct log_merge *m, int64_t upto_ns,
		       void (*cb)(void *arg, int source, const struct log_line *l), void *arg);

#endif
