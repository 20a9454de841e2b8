/* params.c: key/value lists and the percent-encoding used for signing. */
#include "fleetmux/params.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
params_init(struct params *p)
{
	p->v = NULL;
	p->n = 0;
	p->cap = 0;
}

void
params_free(struct params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	params_init(p);
}

void
params_addn(struct params *p, const char *key, size_t klen, const char *value, size_t vlen)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n].key = xstrndup(key, klen);
	p->v[p->n].value = xstrndup(value, vlen);
	p->n++;
}

void
params_add(struct params *p, const char *key, const char *value)
{
	params_addn(p, key, strlen(key), value, strlen(value));
}

void
params_set(struct params *p, const char *key, const char *value)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].key, key) == 0) {
			free(p->v[i].value);
			p->v[i].value = xstrdup(value);
			return;
		}
	}
	params_add(p, key, value);
}

const char *
params_get(const struct params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

const char *
params_get_nocase(const struct params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcasecmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

void
params_remove(struct params *p, const char *key)
{
	size_t j = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].key, key) == 0) {
			free(p->v[i].key);
			free(p->v[i].value);
			continue;
		}
		p->v[j++] = p->v[i];
	}
	p->n = j;
}

/* Insertion sort: stable, and lists are short (tens of entries). */
void
params_sort(struct params *p)
{
	for (size_t i = 1; i < p->n; i++) {
		struct param t = p->v[i];
		size_t j = i;

		while (j > 0 && strcmp(p->v[j - 1].key, t.key) > 0) {
			p->v[j] = p->v[j - 1];
			j--;
		}
		p->v[j] = t;
	}
}

/* libcurl keeps exactly what Alibaba's signing keeps literal (A-Z a-z 0-9
 * - _ . ~) and writes the rest as %XX in upper case, space as %20. */
void
pct_encode(struct buf *out, const char *s, size_t len)
{
	char *e = curl_easy_escape(NULL, s, (int)len);

	if (e == NULL) {
		fputs("fleetmux: out of memory\n", stderr);
		abort();
	}
	buf_puts(out, e);
	curl_free(e);
}

void
pct_encode_str(struct buf *out, const char *s)
{
	pct_encode(out, s, strlen(s));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
pct_decode(struct buf *out, const char *s, size_t len, int plus_is_space)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len) {
			int hi = hexval(s[i + 1]);
			int lo = hexval(s[i + 2]);

			if (hi >= 0 && lo >= 0) {
				buf_putc(out, (char)(hi << 4 | lo));
				i += 2;
				continue;
			}
		}
		if (s[i] == '+' && plus_is_space)
			buf_putc(out, ' ');
		else
			buf_putc(out, s[i]);
	}
}

void
params_parse_query(struct params *p, const char *s, size_t len)
{
	size_t i = 0;
	struct buf k, v;

	buf_init(&k);
	buf_init(&v);
	while (i < len) {
		size_t end = i, eq;

		while (end < len && s[end] != '&')
			end++;
		eq = i;
		while (eq < end && s[eq] != '=')
			eq++;
		if (end > i) {
			buf_reset(&k);
			buf_reset(&v);
			pct_decode(&k, s + i, eq - i, 1);
			if (eq < end)
				pct_decode(&v, s + eq + 1, end - eq - 1, 1);
			params_addn(p, k.data ? k.data : "", k.len, v.data ? v.data : "", v.len);
		}
		i = end + 1;
	}
	buf_free(&k);
	buf_free(&v);
}

void
params_to_query(const struct params *p, struct buf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		if (i > 0)
			buf_putc(out, '&');
		pct_encode_str(out, p->v[i].key);
		buf_putc(out, '=');
		pct_encode_str(out, p->v[i].value);
	}
}
