/* backoff.c: retry delays and random numbers, one of each for the program. */
#include "fleetmux/backoff.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fleetmux/util.h"

long
backoff_delay_ms(int attempt, long floor_ms, double rnd)
{
	long cap = 10000, base = 200, ceiling;

	if (attempt < 0)
		attempt = 0;
	ceiling = attempt >= 6 ? cap : base << attempt;
	if (ceiling > cap)
		ceiling = cap;
	/* Jitter spreads many panes' retries apart. */
	ceiling = (long)(ceiling * (0.5 + rnd * 0.5));
	return ceiling > floor_ms ? ceiling : floor_ms;
}

static void
random_bytes(unsigned char *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1) {
		/* RAND_bytes only fails without entropy; fall back to time. */
		uint64_t x = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull | 1;

		for (size_t i = 0; i < n; i++) {
			x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
			p[i] = (unsigned char)((x * 2685821657736338717ull) >> 56);
		}
	}
}

double
fm_random(void)
{
	uint64_t r;

	random_bytes((unsigned char *)&r, sizeof r);
	return (double)(r >> 11) / (double)(1ull << 53);
}

void
fm_uuid(char out[37])
{
	unsigned char r[16];

	random_bytes(r, sizeof r);
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
		 r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
		 r[15]);
}

void
fm_random_hex(char *out, size_t n)
{
	unsigned char b[64];

	if (n > sizeof b)
		n = sizeof b;
	random_bytes(b, n);
	fm_hex_encode(b, n, out);
}
