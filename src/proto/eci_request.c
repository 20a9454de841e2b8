/* eci_request.c: one signed ECI OpenAPI call, as the official SDKs build it
 * (v3 by default, v1 on request), and the retry policy for its answers. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/eci.h"
#include "fleetmux/sign.h"
#include "fleetmux/url.h"

#define ECI_VERSION "2018-08-08"

/* What the Host header will say: v3 signs it. */
static const char *
host_of(const char *endpoint, struct buf *out)
{
	struct url_parts u;

	if (url_split(endpoint, &u, NULL) == 0) {
		char *hp = url_host_port(&u);

		buf_puts(out, hp);
		free(hp);
		url_parts_free(&u);
	}
	return out->data ? out->data : "";
}

void
eci_build_request(struct eci_request *r, const struct eci_creds *c, const char *endpoint,
		  const char *action, const struct params *params_in, int v1, long now, const char *nonce)
{
	static const struct params none;
	const struct params *params = params_in ? params_in : &none;
	char stamp[21];
	size_t elen = strlen(endpoint);

	buf_init(&r->url);
	params_init(&r->headers);
	r->method = "POST";
	fm_iso8601(now, stamp);
	while (elen > 0 && endpoint[elen - 1] == '/')
		elen--;
	buf_append(&r->url, endpoint, elen);
	buf_puts(&r->url, "/");
	if (v1 || params->n > 0)
		buf_putc(&r->url, '?');
	if (v1) {
		struct params q;
		struct buf sts, sig;

		params_init(&q);
		for (size_t i = 0; i < params->n; i++)
			params_add(&q, params->v[i].key, params->v[i].value);
		params_add(&q, "Action", action);
		params_add(&q, "Format", "JSON");
		params_add(&q, "Version", ECI_VERSION);
		params_add(&q, "AccessKeyId", c->key_id);
		params_add(&q, "SignatureMethod", "HMAC-SHA1");
		params_add(&q, "SignatureVersion", "1.0");
		params_add(&q, "SignatureNonce", nonce);
		params_add(&q, "Timestamp", stamp);
		if (c->token != NULL)
			params_add(&q, "SecurityToken", c->token);
		buf_init(&sts);
		buf_init(&sig);
		eci_v1_string_to_sign(r->method, &q, &sts);
		eci_v1_signature(c->secret, sts.data, &sig);
		params_add(&q, "Signature", sig.data);
		params_to_query(&q, &r->url);
		buf_free(&sts);
		buf_free(&sig);
		params_free(&q);
		return;
	}
	{
		struct buf host, canon, signed_h, sts, sig;

		buf_init(&host);
		buf_init(&canon);
		buf_init(&signed_h);
		buf_init(&sts);
		buf_init(&sig);
		params_to_query(params, &r->url);
		params_add(&r->headers, "host", host_of(endpoint, &host));
		params_add(&r->headers, "x-acs-action", action);
		params_add(&r->headers, "x-acs-version", ECI_VERSION);
		params_add(&r->headers, "x-acs-date", stamp);
		params_add(&r->headers, "x-acs-signature-nonce", nonce);
		params_add(&r->headers, "x-acs-content-sha256", FM_EMPTY_SHA256);
		if (c->token != NULL)
			params_add(&r->headers, "x-acs-security-token", c->token);
		eci_v3_canonical_request(r->method, "/", params, &r->headers, NULL, FM_EMPTY_SHA256,
					 &canon, &signed_h);
		eci_v3_signature(c->secret, canon.data, &sts, &sig);
		{
			char *auth = xasprintf("ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s",
					       c->key_id, signed_h.data, sig.data);

			params_add(&r->headers, "Authorization", auth);
			free(auth);
		}
		/* curl sends Host itself, from the URL. */
		params_remove(&r->headers, "host");
		buf_free(&host);
		buf_free(&canon);
		buf_free(&signed_h);
		buf_free(&sts);
		buf_free(&sig);
	}
}

void
eci_request_free(struct eci_request *r)
{
	buf_free(&r->url);
	params_free(&r->headers);
}

int
eci_retryable(int http_status, const char *code)
{
	if (http_status == 0 || http_status >= 500)
		return 1; /* no answer, or the service's own failure */
	if (code != NULL && strncmp(code, "Throttling", 10) == 0)
		return 1;
	if (code != NULL && strcmp(code, "ServiceUnavailable") == 0)
		return 1;
	return 0;
}
