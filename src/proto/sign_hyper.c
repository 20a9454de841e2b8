/* sign_hyper.c: HYPER-HMAC-SHA256, Hyper.sh's AWS SigV4 derivative
 * (PROTOCOLS.md §5). The path is signed without its leading slash. */
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fleetmux/docker.h"
#include "fleetmux/sign.h"

static void
hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n);
}

static void
canonical_path(const char *path, struct buf *out)
{
	const char *p = path;
	int first = 1;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (!first)
			buf_putc(out, '/');
		pct_encode(out, p, n);
		first = 0;
		p += n;
	}
}

static void
canonical_query(const char *query, struct buf *out)
{
	struct params q;

	params_init(&q);
	if (query != NULL)
		params_parse_query(&q, query, strlen(query));
	params_sort(&q);
	params_to_query(&q, out);
	params_free(&q);
}

void
hyper_sign(struct params *headers, const char *method, const char *path, const char *query,
	   const void *body, size_t body_len, const char *host, const char *access_key,
	   const char *secret_key, const char *region, const char *date)
{
	char now[20], hash[65], day[9];
	struct buf canon, signed_h, sts, scope, hostv;
	struct params h;
	unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
	char sighex[65];
	char *key;

	if (date == NULL) {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(now, sizeof now, "%Y%m%dT%H%M%SZ", &tm);
		date = now;
	}
	memcpy(day, date, 8);
	day[8] = '\0';
	if (params_get_nocase(headers, "Content-Type") == NULL)
		params_add(headers, "Content-Type", "application/json");
	params_set(headers, "X-Hyper-Date", date);
	sha256_hex(body ? body : "", body_len, hash);
	params_set(headers, "X-Hyper-Content-Sha256", hash);

	/* Signed: content-type, content-md5, host and every x-hyper-*, by
	 * lower-case name; the host without a default port. */
	params_init(&h);
	buf_init(&hostv);
	buf_puts(&hostv, host);
	if (hostv.len > 4 && strcmp(hostv.data + hostv.len - 4, ":443") == 0)
		hostv.data[hostv.len -= 4] = '\0';
	else if (hostv.len > 3 && strcmp(hostv.data + hostv.len - 3, ":80") == 0)
		hostv.data[hostv.len -= 3] = '\0';
	params_add(&h, "host", hostv.data);
	for (size_t i = 0; i < headers->n; i++) {
		char lower[128];
		size_t k;

		for (k = 0; k < sizeof lower - 1 && headers->v[i].key[k]; k++)
			lower[k] = (char)tolower((unsigned char)headers->v[i].key[k]);
		lower[k] = '\0';
		if (strcmp(lower, "content-type") == 0 || strcmp(lower, "content-md5") == 0 ||
		    strncmp(lower, "x-hyper-", 8) == 0)
			params_add(&h, lower, headers->v[i].value);
	}
	params_sort(&h);
	buf_init(&canon);
	buf_init(&signed_h);
	buf_printf(&canon, "%s\n", method);
	canonical_path(path, &canon);
	buf_putc(&canon, '\n');
	canonical_query(query, &canon);
	buf_putc(&canon, '\n');
	for (size_t i = 0; i < h.n; i++) {
		buf_printf(&canon, "%s:%s\n", h.v[i].key, h.v[i].value);
		buf_printf(&signed_h, "%s%s", i ? ";" : "", h.v[i].key);
	}
	buf_printf(&canon, "\n%s\n%s", signed_h.data, hash);

	buf_init(&scope);
	buf_printf(&scope, "%s/%s/hyper/hyper_request", day, region);
	sha256_hex(canon.data, canon.len, hash);
	buf_init(&sts);
	buf_printf(&sts, "HYPER-HMAC-SHA256\n%s\n%s\n%s", date, scope.data, hash);

	key = xasprintf("HYPER%s", secret_key);
	hmac(key, strlen(key), day, k1);
	hmac(k1, 32, region, k2);
	hmac(k2, 32, "hyper", k3);
	hmac(k3, 32, "hyper_request", k4);
	hmac(k4, 32, sts.data, sig);
	fm_hex_encode(sig, 32, sighex);
	{
		char *auth = xasprintf("HYPER-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
				       access_key, scope.data, signed_h.data, sighex);

		params_set(headers, "Authorization", auth);
		free(auth);
	}
	free(key);
	params_free(&h);
	buf_free(&hostv);
	buf_free(&canon);
	buf_free(&signed_h);
	buf_free(&scope);
	buf_free(&sts);
}
