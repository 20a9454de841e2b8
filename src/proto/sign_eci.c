/* sign_eci.c: Alibaba Cloud OpenAPI signatures, v1 (RPC, HMAC-SHA1) and v3
 * (ACS3-HMAC-SHA256). The rules are in PROTOCOLS.md §1. */
#include "fleetmux/sign.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>


void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	fm_hex_encode(md, sizeof md, out);
}

void
fm_iso8601(long t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
eci_v1_string_to_sign(const char *method, const struct params *params, struct buf *out)
{
	struct params sorted;
	struct buf canon;

	params_init(&sorted);
	for (size_t i = 0; i < params->n; i++)
		if (strcmp(params->v[i].key, "Signature") != 0)
			params_add(&sorted, params->v[i].key, params->v[i].value);
	params_sort(&sorted);
	buf_init(&canon);
	params_to_query(&sorted, &canon);
	buf_puts(out, method);
	buf_puts(out, "&%2F&");
	pct_encode(out, canon.data ? canon.data : "", canon.len);
	buf_free(&canon);
	params_free(&sorted);
}

void
eci_v1_signature(const char *secret, const char *string_to_sign, struct buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *key = xasprintf("%s&", secret);
	unsigned char b64[64];

	HMAC(EVP_sha1(), key, (int)strlen(key), (const unsigned char *)string_to_sign,
	     strlen(string_to_sign), md, &mdlen);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	buf_puts(out, (const char *)b64);
	free(key);
}

/* Is this header signed by default? host, content-type, x-acs-*. */
static int
v3_default_signed(const char *name)
{
	return strcasecmp(name, "host") == 0 || strcasecmp(name, "content-type") == 0 ||
	       strncasecmp(name, "x-acs-", 6) == 0;
}

static int
in_name_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p != '\0') {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncasecmp(p, name, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

static void
lower_trim(struct buf *out, const char *s, int lower)
{
	size_t len = strlen(s);

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	for (size_t i = 0; i < len; i++)
		buf_putc(out, lower ? (char)tolower((unsigned char)s[i]) : s[i]);
}

void
eci_v3_canonical_request(const char *method, const char *path, const struct params *query,
			 const struct params *headers, const char *signed_names,
			 const char *payload_hash, struct buf *canon, struct buf *signed_out)
{
	struct params q, h;
	struct buf name;

	buf_puts(canon, method);
	buf_putc(canon, '\n');
	buf_puts(canon, path);
	buf_putc(canon, '\n');

	params_init(&q);
	for (size_t i = 0; query != NULL && i < query->n; i++) {
		struct buf k, v;

		buf_init(&k);
		buf_init(&v);
		pct_encode_str(&k, query->v[i].key);
		pct_encode_str(&v, query->v[i].value);
		params_addn(&q, k.data ? k.data : "", k.len, v.data ? v.data : "", v.len);
		buf_free(&k);
		buf_free(&v);
	}
	params_sort(&q);
	for (size_t i = 0; i < q.n; i++) {
		if (i > 0)
			buf_putc(canon, '&');
		buf_printf(canon, "%s=%s", q.v[i].key, q.v[i].value);
	}
	buf_putc(canon, '\n');
	params_free(&q);

	/* Lower-case names and trimmed values; several values of one name are
	 * sorted and joined by ",". */
	params_init(&h);
	buf_init(&name);
	for (size_t i = 0; i < headers->n; i++) {
		const char *n = headers->v[i].key;

		if (signed_names ? !in_name_list(signed_names, n) : !v3_default_signed(n))
			continue;
		buf_reset(&name);
		lower_trim(&name, n, 1);
		{
			struct buf val;

			buf_init(&val);
			lower_trim(&val, headers->v[i].value, 0);
			params_addn(&h, name.data, name.len, val.data ? val.data : "", val.len);
			buf_free(&val);
		}
	}
	buf_free(&name);
	/* Sort by name, then by value within one name. */
	for (size_t i = 1; i < h.n; i++) {
		struct param t = h.v[i];
		size_t j = i;

		while (j > 0) {
			int c = strcmp(h.v[j - 1].key, t.key);

			if (c < 0 || (c == 0 && strcmp(h.v[j - 1].value, t.value) <= 0))
				break;
			h.v[j] = h.v[j - 1];
			j--;
		}
		h.v[j] = t;
	}
	for (size_t i = 0; i < h.n; i++) {
		if (i > 0 && strcmp(h.v[i - 1].key, h.v[i].key) == 0) {
			/* Continue the previous line: drop its "\n", add ",value". */
			canon->len--;
			buf_printf(canon, ",%s\n", h.v[i].value);
			continue;
		}
		buf_printf(canon, "%s:%s\n", h.v[i].key, h.v[i].value);
		if (signed_out->len > 0)
			buf_putc(signed_out, ';');
		buf_puts(signed_out, h.v[i].key);
	}
	params_free(&h);

	buf_putc(canon, '\n');
	buf_puts(canon, signed_out->data ? signed_out->data : "");
	buf_putc(canon, '\n');
	buf_puts(canon, payload_hash);
}

void
eci_v3_signature(const char *secret, const char *canonical_request, struct buf *string_to_sign,
		 struct buf *signature_hex)
{
	char hash[65];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	sha256_hex(canonical_request, strlen(canonical_request), hash);
	buf_reset(string_to_sign);
	buf_printf(string_to_sign, "ACS3-HMAC-SHA256\n%s", hash);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)string_to_sign->data,
	     string_to_sign->len, md, &mdlen);
	fm_hex_encode(md, mdlen, hex);
	buf_puts(signature_hex, hex);
}

int
eci_v3_parse_authorization(const char *value, struct buf *key_id, struct buf *signed_headers,
			   struct buf *signature)
{
	static const char scheme[] = "ACS3-HMAC-SHA256";
	const char *p = value;
	int seen = 0;

	if (strncmp(p, scheme, sizeof scheme - 1) != 0)
		return fm_error(FM_EAUTH, "Authorization scheme is not ACS3-HMAC-SHA256");
	p += sizeof scheme - 1;
	while (*p != '\0') {
		const char *end, *eq;
		struct buf *dst = NULL;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			return fm_error(FM_EAUTH, "Authorization part without '='");
		if ((size_t)(eq - p) == 10 && strncmp(p, "Credential", 10) == 0)
			dst = key_id, seen |= 1;
		else if ((size_t)(eq - p) == 13 && strncmp(p, "SignedHeaders", 13) == 0)
			dst = signed_headers, seen |= 2;
		else if ((size_t)(eq - p) == 9 && strncmp(p, "Signature", 9) == 0)
			dst = signature, seen |= 4;
		if (dst != NULL)
			buf_append(dst, eq + 1, (size_t)(end - eq - 1));
		p = end;
	}
	if (seen != 7)
		return fm_error(FM_EAUTH, "Authorization lacks Credential, SignedHeaders or Signature");
	return 0;
}
