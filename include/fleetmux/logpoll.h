/* logpoll.h: when to ask again for a log that has no stream (ECI's
 * DescribeContainerLog is polled). Pure. */
#ifndef FLEETMUX_LOGPOLL_H
#define FLEETMUX_LOGPOLL_H

#include <stddef.h>

#define LOG_POLL_FULL_MS 100   /* the answer was cut at its limit: more is waiting */
#define LOG_POLL_BUSY_MS 500   /* the last answer had new lines */
#define LOG_POLL_QUIET_MS 1000 /* the first wait once it is quiet ... */
#define LOG_POLL_MAX_MS 10000  /* ... doubling up to this */

/* Milliseconds until the next poll, after one that waited prev_ms and
 * brought fresh new lines (full: as many as one answer holds). */
long log_poll_next_ms(long prev_ms, size_t fresh, int full);

#endif
