/* auth.c: fleetsim checks every request as the cloud would: the key, the
 * clock, the nonce and the v1 or v3 signature. */
#include "fleetmux/simapi.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/sign.h"

/* Nonces seen within the skew window: a chained hash set, pruned as it
 * grows, so that a long run stays bounded. */
struct nonce {
	char *value;
	long time;
	struct nonce *next;
};

struct nonce_set {
	struct nonce **slots;
	size_t nslots;
	size_t count;
	size_t prune_at;
};

static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void
nonces_prune(struct nonce_set *s, long now)
{
	for (size_t i = 0; i < s->nslots; i++) {
		struct nonce **pp = &s->slots[i];

		while (*pp != NULL) {
			struct nonce *n = *pp;

			if (n->time < now - 2 * SIM_MAX_SKEW) {
				*pp = n->next;
				free(n->value);
				free(n);
				s->count--;
			} else {
				pp = &n->next;
			}
		}
	}
}

/* 1 when the nonce was seen before; otherwise it is remembered. */
static int
nonces_seen(struct nonce_set *s, const char *value, long now)
{
	size_t h = hash_str(value) % s->nslots;
	struct nonce *n;

	for (n = s->slots[h]; n != NULL; n = n->next)
		if (strcmp(n->value, value) == 0)
			return 1;
	if (s->count >= s->prune_at) {
		nonces_prune(s, now);
		s->prune_at = s->count * 2 + 1024;
	}
	n = xmalloc(sizeof *n);
	n->value = xstrdup(value);
	n->time = now;
	n->next = s->slots[h];
	s->slots[h] = n;
	s->count++;
	return 0;
}

void
sim_auth_init(struct sim_auth *a, const char *key_id, const char *secret, const char *token)
{
	a->key_id = xstrdup(key_id);
	a->secret = xstrdup(secret);
	a->token = token ? xstrdup(token) : NULL;
	a->nonces = xcalloc(1, sizeof *a->nonces);
	a->nonces->nslots = 4096;
	a->nonces->slots = xcalloc(a->nonces->nslots, sizeof *a->nonces->slots);
	a->nonces->prune_at = 1024;
}

void
sim_auth_free(struct sim_auth *a)
{
	nonces_prune(a->nonces, 1L << 62);
	free(a->nonces->slots);
	free(a->nonces);
	free(a->key_id);
	free(a->secret);
	free(a->token);
	memset(a, 0, sizeof *a);
}

/* Parse "YYYY-MM-DDThh:mm:ssZ"; -1 when malformed. */
static long
parse_time(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (long)timegm(&tm);
}

static void
missing(struct api_result *r, const char *name)
{
	api_error(r, 400, "MissingParameter",
		  "The input parameter \"%s\" that is mandatory for processing this request is not "
		  "supplied.",
		  name);
}

/* The checks v1 and v3 share: key, token, clock, nonce. */
static int
check_common(struct sim_auth *a, const char *key_id, const char *token, const char *stamp,
	     const char *nonce, long now, struct api_result *r)
{
	long t;

	if (strcmp(key_id, a->key_id) != 0) {
		api_error(r, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
		return -FM_EAUTH;
	}
	if (a->token != NULL && (token == NULL || strcmp(token, a->token) != 0)) {
		api_error(r, 400, token ? "InvalidSecurityToken.Mismatch" : "InvalidSecurityToken.Missing",
			  "The security token you provided does not match the access key, or is absent.");
		return -FM_EAUTH;
	}
	if ((t = parse_time(stamp)) < 0) {
		api_error(r, 400, "InvalidTimeStamp.Format",
			  "Specified time stamp \"%s\" is not in the format YYYY-MM-DDThh:mm:ssZ.", stamp);
		return -FM_EAUTH;
	}
	if (t < now - SIM_MAX_SKEW || t > now + SIM_MAX_SKEW) {
		api_error(r, 400, "InvalidTimeStamp.Expired",
			  "Specified time stamp or date value is expired (more than %d minutes from "
			  "the server's clock).",
			  SIM_MAX_SKEW / 60);
		return -FM_EAUTH;
	}
	(void)nonce;
	return 0;
}

static int
check_nonce(struct sim_auth *a, const char *nonce, long now, struct api_result *r)
{
	if (nonces_seen(a->nonces, nonce, now)) {
		api_error(r, 400, "SignatureNonceUsed", "Specified signature nonce was used already.");
		return -FM_EAUTH;
	}
	return 0;
}

static int
check_v1(struct sim_auth *a, const struct api_request *req, long now, const char **action,
	 struct api_result *r)
{
	static const char *required[] = {"AccessKeyId",      "SignatureMethod", "SignatureVersion",
					 "SignatureNonce",   "Timestamp",       "Action",
					 "Version",          NULL};
	struct params all;
	struct buf sts, sig;
	const char *given;
	int rc = -FM_EAUTH;

	params_init(&all);
	for (size_t i = 0; i < req->query->n; i++)
		params_add(&all, req->query->v[i].key, req->query->v[i].value);
	for (size_t i = 0; req->form && i < req->form->n; i++)
		params_add(&all, req->form->v[i].key, req->form->v[i].value);
	buf_init(&sts);
	buf_init(&sig);
	for (size_t i = 0; required[i] != NULL; i++) {
		const char *v = params_get(&all, required[i]);

		if (v == NULL || *v == '\0') {
			missing(r, required[i]);
			goto out;
		}
	}
	if (strcmp(params_get(&all, "SignatureMethod"), "HMAC-SHA1") != 0 ||
	    strcmp(params_get(&all, "SignatureVersion"), "1.0") != 0) {
		api_error(r, 400, "InvalidParameter",
			  "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.");
		goto out;
	}
	if (strcmp(params_get(&all, "Version"), ECI_API_VERSION) != 0) {
		api_error(r, 400, "InvalidVersion", "Specified parameter Version is not valid.");
		goto out;
	}
	if (check_common(a, params_get(&all, "AccessKeyId"), params_get(&all, "SecurityToken"),
			 params_get(&all, "Timestamp"), params_get(&all, "SignatureNonce"), now, r) < 0)
		goto out;
	eci_v1_string_to_sign(req->method, &all, &sts);
	eci_v1_signature(a->secret, sts.data, &sig);
	given = params_get(&all, "Signature");
	if (strcmp(given, sig.data) != 0) {
		api_error(r, 400, "SignatureDoesNotMatch",
			  "Specified signature is not matched with our calculation. server string to "
			  "sign is:%s",
			  sts.data);
		goto out;
	}
	if (check_nonce(a, params_get(&all, "SignatureNonce"), now, r) < 0)
		goto out;
	/* The action's name lives in the caller's lists, which outlive r. */
	*action = params_get(req->query, "Action");
	if (*action == NULL)
		*action = params_get(req->form, "Action");
	rc = 0;
out:
	buf_free(&sts);
	buf_free(&sig);
	params_free(&all);
	return rc;
}

static int
check_v3(struct sim_auth *a, const struct api_request *req, const char *authorization, long now,
	 const char **action, struct api_result *r)
{
	static const char *required[] = {"x-acs-action", "x-acs-version", "x-acs-date",
					 "x-acs-signature-nonce", "x-acs-content-sha256", NULL};
	struct buf key, signed_h, given, canon, used, sts, sig;
	char body_hash[65];
	int rc = -FM_EAUTH;

	buf_init(&key);
	buf_init(&signed_h);
	buf_init(&given);
	buf_init(&canon);
	buf_init(&used);
	buf_init(&sts);
	buf_init(&sig);
	if (eci_v3_parse_authorization(authorization, &key, &signed_h, &given) < 0) {
		api_error(r, 400, "InvalidAuthorization", "%s", fm_error_message());
		goto out;
	}
	for (size_t i = 0; required[i] != NULL; i++) {
		const char *v = params_get_nocase(req->headers, required[i]);

		if (v == NULL || *v == '\0') {
			missing(r, required[i]);
			goto out;
		}
	}
	if (strcmp(params_get_nocase(req->headers, "x-acs-version"), ECI_API_VERSION) != 0) {
		api_error(r, 400, "InvalidVersion", "Specified parameter Version is not valid.");
		goto out;
	}
	if (check_common(a, key.data, params_get_nocase(req->headers, "x-acs-security-token"),
			 params_get_nocase(req->headers, "x-acs-date"),
			 params_get_nocase(req->headers, "x-acs-signature-nonce"), now, r) < 0)
		goto out;
	sha256_hex(req->body ? req->body : "", req->body_len, body_hash);
	if (strcmp(body_hash, params_get_nocase(req->headers, "x-acs-content-sha256")) != 0) {
		api_error(r, 400, "SignatureDoesNotMatch",
			  "x-acs-content-sha256 does not match the SHA-256 of the body (%s).", body_hash);
		goto out;
	}
	if (!strstr(signed_h.data, "host") || !strstr(signed_h.data, "x-acs-action")) {
		api_error(r, 400, "SignatureDoesNotMatch",
			  "SignedHeaders must include host and every x-acs-* header sent.");
		goto out;
	}
	eci_v3_canonical_request(req->method, "/", req->query, req->headers, signed_h.data, body_hash,
				 &canon, &used);
	eci_v3_signature(a->secret, canon.data, &sts, &sig);
	if (strcmp(given.data, sig.data) != 0) {
		api_error(r, 400, "SignatureDoesNotMatch",
			  "Specified signature is not matched with our calculation. server string to "
			  "sign is:%s",
			  sts.data);
		goto out;
	}
	if (check_nonce(a, params_get_nocase(req->headers, "x-acs-signature-nonce"), now, r) < 0)
		goto out;
	*action = params_get_nocase(req->headers, "x-acs-action");
	rc = 0;
out:
	buf_free(&key);
	buf_free(&signed_h);
	buf_free(&given);
	buf_free(&canon);
	buf_free(&used);
	buf_free(&sts);
	buf_free(&sig);
	return rc;
}

int
sim_auth_check(struct sim_auth *a, const struct api_request *req, long now, const char **action,
	       struct api_result *r)
{
	const char *authz = params_get_nocase(req->headers, "authorization");

	*action = NULL;
	if (authz != NULL && *authz != '\0')
		return check_v3(a, req, authz, now, action, r);
	if (params_get(req->query, "Signature") != NULL ||
	    (req->form != NULL && params_get(req->form, "Signature") != NULL))
		return check_v1(a, req, now, action, r);
	missing(r, "Signature");
	return -FM_EAUTH;
}
