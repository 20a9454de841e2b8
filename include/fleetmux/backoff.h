/* backoff.h: the one backoff policy and the one random source of the whole
 * program. Every retry (API calls, exec reconnects, watches) waits
 * backoff_delay_ms; every nonce, token and jitter comes from fm_random. */
#ifndef FLEETMUX_BACKOFF_H
#define FLEETMUX_BACKOFF_H

#include <stddef.h>

/* Exponential (200 ms doubling, capped at 10 s) with jitter: the wait is
 * drawn from [half, whole] of the ceiling (rnd in [0,1)), and never less
 * than floor_ms (a server's Retry-After). */
long backoff_delay_ms(int attempt, long floor_ms, double rnd);

/* Uniform in [0,1), from OpenSSL's RAND_bytes. */
double fm_random(void);
/* n random bytes as 2n lower-case hex digits and a NUL (out holds 2n+1). */
void fm_random_hex(char *out, size_t n);
/* A random (v4) UUID, for nonces. */
void fm_uuid(char out[37]);

#endif
