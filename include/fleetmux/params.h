/* params.h: ordered key/value lists (query parameters, headers) and the
 * percent-encoding rules the cloud APIs sign with. Pure: no I/O. */
#ifndef FLEETMUX_PARAMS_H
#define FLEETMUX_PARAMS_H

#include <stddef.h>

#include "fleetmux/util.h"

struct param {
	char *key;
	char *value;
};

struct params {
	struct param *v;
	size_t n;
	size_t cap;
};

void params_init(struct params *p);
void params_free(struct params *p);
void params_add(struct params *p, const char *key, const char *value);
void params_addn(struct params *p, const char *key, size_t klen, const char *value, size_t vlen);
/* Replace the value of key, or add it. */
void params_set(struct params *p, const char *key, const char *value);
/* The first value for key (exact match), or NULL. */
const char *params_get(const struct params *p, const char *key);
/* The first value for key, ignoring case (HTTP header names). */
const char *params_get_nocase(const struct params *p, const char *key);
void params_remove(struct params *p, const char *key);
/* Sort by key, byte order, stable for equal keys. */
void params_sort(struct params *p);

/* RFC 3986 percent-encoding as Alibaba Cloud signs it: only A-Z a-z 0-9 - _ . ~
 * stay literal; hex digits are upper case; space is %20. */
void pct_encode(struct buf *out, const char *s, size_t len);
void pct_encode_str(struct buf *out, const char *s);
/* Decode %XX (and '+' as space when plus_is_space) into out. Invalid escapes
 * are kept literally. */
void pct_decode(struct buf *out, const char *s, size_t len, int plus_is_space);
/* Parse "a=1&b=2" (form or query encoding) and append to p. */
void params_parse_query(struct params *p, const char *s, size_t len);
/* Build "k=v&k=v" with pct_encode on both sides, in the list's order. */
void params_to_query(const struct params *p, struct buf *out);

#endif
