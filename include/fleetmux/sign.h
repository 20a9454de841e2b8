/* sign.h: request signing for Alibaba Cloud's OpenAPI (v1 HMAC-SHA1 and v3
 * ACS3-HMAC-SHA256). Pure functions over parameter lists; both fleetmux (to
 * sign) and fleetsim (to verify) use them. */
#ifndef FLEETMUX_SIGN_H
#define FLEETMUX_SIGN_H

#include "fleetmux/backoff.h"
#include "fleetmux/params.h"

#define FM_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Lower-case hex SHA-256 of data. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* "YYYY-MM-DDThh:mm:ssZ" for the given time. */
void fm_iso8601(long t, char out[21]);

/* v1: METHOD&%2F&pct(sorted canonical query). Signature is excluded. */
void eci_v1_string_to_sign(const char *method, const struct params *params, struct buf *out);
/* v1: base64(HMAC-SHA1(secret + "&", string_to_sign)). */
void eci_v1_signature(const char *secret, const char *string_to_sign, struct buf *out);

/* v3 canonical request. signed_names, when not NULL, is the ";"-joined list
 * of header names to sign (a verifier takes it from the Authorization
 * header); otherwise host, content-type and every x-acs-* header are signed.
 * The names actually signed are written to signed_out. */
void eci_v3_canonical_request(const char *method, const char *path, const struct params *query,
			      const struct params *headers, const char *signed_names,
			      const char *payload_hash, struct buf *canon, struct buf *signed_out);
/* v3: string to sign and hex(HMAC-SHA256(secret, string_to_sign)). */
void eci_v3_signature(const char *secret, const char *canonical_request, struct buf *string_to_sign,
		      struct buf *signature_hex);
/* Parse "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex".
 * Returns 0 and fills the three buffers, or a negative FM_E code. */
int eci_v3_parse_authorization(const char *value, struct buf *key_id, struct buf *signed_headers,
			       struct buf *signature);

#endif
