/* logemit.c: a container that logs at a steady rate, for the merged-logs
 * benchmark (tests/bench/bench.py). Usage: logemit RATE [SECONDS]
 *
 * Writes RATE lines a second to stdout, "LE <seq> <emit-ns>", seq from 1 and
 * emit-ns the wall clock (CLOCK_REALTIME, ns since the epoch) when the line
 * was written: the reader's lag is its own time of showing the line minus
 * emit-ns. The schedule is absolute (line k is due at start + k / RATE), so
 * a late wake-up does not slow the rate: the lines that fell due meanwhile
 * go in one write, each with the time of that write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000LL

static long long
now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * NS + ts.tv_nsec;
}

static int
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long rate = argc > 1 ? atol(argv[1]) : 0;
	double seconds = argc > 2 ? atof(argv[2]) : 0;
	long long start, end, seq = 0;
	static char out[1 << 16];

	if (rate <= 0 || rate > 1000000) {
		fprintf(stderr, "usage: logemit RATE [SECONDS]\n");
		return 2;
	}
	start = now_ns(CLOCK_MONOTONIC);
	end = seconds > 0 ? start + (long long)(seconds * NS) : 0;
	for (;;) {
		long long mono = now_ns(CLOCK_MONOTONIC), wall = now_ns(CLOCK_REALTIME);
		long long due = (mono - start) * rate / NS + 1; /* lines due by now */
		size_t len = 0;
		struct timespec next;
		long long at;

		if (end != 0 && mono >= end)
			return 0;
		while (seq < due && len < sizeof out - 64)
			len += (size_t)snprintf(out + len, sizeof out - len, "LE %lld %lld\n",
			                        ++seq, wall);
		if (len > 0 && write_all(out, len) < 0)
			return 1;
		/* Asleep until the next line falls due. */
		at = start + seq * NS / rate;
		next.tv_sec = (time_t)(at / NS);
		next.tv_nsec = (long)(at % NS);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}
