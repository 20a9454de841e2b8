/* simapi.h: fleetsim's OpenAPI — request authentication and the actions —
 * as pure functions from parameters to an HTTP status and a JSON body, so
 * that they are tested without a socket. */
#ifndef FLEETMUX_SIMAPI_H
#define FLEETMUX_SIMAPI_H

#include "fleetmux/fleet.h"
#include "fleetmux/params.h"

#define ECI_API_VERSION "2018-08-08"
#define SIM_MAX_SKEW 900   /* seconds: InvalidTimeStamp.Expired past this */

struct api_result {
	int status;          /* HTTP status */
	char *body;          /* JSON, owned */
	long retry_after_ms; /* > 0: send x-acs-retry-after */

	/* ExecContainerCommand, once validated: the server makes the ticket
	 * (and, for Sync, runs the command) and then calls api_exec_reply. */
	int exec;
	struct fleet_group *group;
	struct fleet_container *container;
	char **argv;         /* owned, NULL-terminated */
	int tty, stdin_open, sync;

	/* DeleteContainerGroup: the group now flagged deleted, whose processes
	 * the server kills (api_dispatch has no processes to reach). */
	struct fleet_group *deleted;
};

void api_result_free(struct api_result *r);
/* Fill r with the documented error shape. */
void api_error(struct api_result *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Dispatch one action. params holds query and form parameters together. */
void api_dispatch(struct fleet *f, const char *action, const struct params *params, long now,
		  struct api_result *r);
/* The ExecContainerCommand answer. sync_response may be NULL. */
void api_exec_reply(struct api_result *r, const char *ws_uri, const char *http_url,
		    const char *sync_response);

/* Who may call, and the nonces already seen. */
struct nonce_set;
struct sim_auth {
	char *key_id;
	char *secret;
	char *token;          /* STS security token the key needs, or NULL */
	struct nonce_set *nonces;
};

void sim_auth_init(struct sim_auth *a, const char *key_id, const char *secret, const char *token);
void sim_auth_free(struct sim_auth *a);

/* What a request brings for authentication. */
struct api_request {
	const char *method;
	const struct params *query;    /* from the URL */
	const struct params *form;     /* from a form-encoded body */
	const struct params *headers;  /* names as sent; authorization, host, x-acs-*, ... */
	const char *body;
	size_t body_len;
};

/* 0 when the request is signed by the known key, else fills r with the
 * error (SignatureDoesNotMatch carries the server's StringToSign) and
 * returns -FM_EAUTH. On success *action is the action asked for (from the
 * parameters for v1, from x-acs-action for v3). */
int sim_auth_check(struct sim_auth *a, const struct api_request *req, long now,
		   const char **action, struct api_result *r);

#endif
