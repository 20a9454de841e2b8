/* logpoll.c: the polling schedule of a log without a stream. A busy log is
 * asked again soon: every line waits for the next poll, and in a merged
 * view for the slowest of its followers, so the interval is most of the
 * lag. A quiet one backs off (1 s, 2 s, ... 10 s) to spare the API. */
#include "fleetmux/logpoll.h"

long
log_poll_next_ms(long prev_ms, size_t fresh, int full)
{
	long next;

	if (full)
		return LOG_POLL_FULL_MS;
	if (fresh > 0)
		return LOG_POLL_BUSY_MS;
	next = prev_ms * 2;
	if (next < LOG_POLL_QUIET_MS)
		next = LOG_POLL_QUIET_MS;
	return next > LOG_POLL_MAX_MS ? LOG_POLL_MAX_MS : next;
}
