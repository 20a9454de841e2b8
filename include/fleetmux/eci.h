/* eci.h: building signed ECI OpenAPI requests, credentials as the Alibaba
 * Cloud CLI keeps them, and the retry policy. Pure (cred reads files). */
#ifndef FLEETMUX_ECI_H
#define FLEETMUX_ECI_H

#include "fleetmux/params.h"

struct eci_creds {
	char *key_id;
	char *secret;
	char *token;     /* STS, or NULL */
	char *region;    /* default region, or NULL */
	char *source;    /* where they came from, for messages */
};

/* The chain: explicit values (flags), then ALIBABA_CLOUD_* (or ALICLOUD_*)
 * variables, then the profile in config_path (~/.aliyun/config.json when
 * NULL): profile, else $ALIBABA_CLOUD_PROFILE, else "current". 0, or a
 * negative FM_E code with why filled: a file is named by its real path. */
int eci_creds_load_cause(struct eci_creds *c, const char *flag_id, const char *flag_secret,
			 const char *flag_token, const char *profile, const char *config_path,
			 struct fm_cause *why);
/* The same, with the reason left in fm_error (for callers not converted). */
int eci_creds_load(struct eci_creds *c, const char *flag_id, const char *flag_secret,
		   const char *flag_token, const char *profile, const char *config_path);
void eci_creds_free(struct eci_creds *c);

struct eci_request {
	struct buf url;
	struct params headers;
	const char *method;
};

/* Sign action+params for endpoint (http(s)://host[:port]); v1 puts the
 * signature in the query, v3 in the Authorization header. now and nonce are
 * given so that tests are repeatable. */
void eci_build_request(struct eci_request *r, const struct eci_creds *c, const char *endpoint,
		       const char *action, const struct params *params, int v1, long now,
		       const char *nonce);
void eci_request_free(struct eci_request *r);

/* Retry: which answers are worth another try (the wait: backoff.h). */
#define ECI_RETRY_MAX 5
int eci_retryable(int http_status, const char *code);

#endif
