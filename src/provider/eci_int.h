/* eci_int.h: what the ECI provider's files share (eci.c: calls and
 * listing; eci_exec.c: the exec dialer). Not a public header. */
#ifndef FLEETMUX_ECI_INT_H
#define FLEETMUX_ECI_INT_H

#include "fleetmux/chanws.h"
#include "fleetmux/eci.h"
#include "fleetmux/http.h"
#include "fleetmux/provider.h"

struct eci_call;

struct eci {
	struct provider base;
	struct http *http;
	struct ws_client *ws;
	struct eci_creds creds;
	char *endpoint;
	int v1;
	char **default_cmd;
	struct chanws_opts chan;
	int inflight;
	struct eci_call *queue_head, *queue_tail;
	struct eci_call *live;    /* every call not finished: eci_free frees those left */
	int terminating;          /* kill execs in flight */
};

/* One API call's answer: the body on success, else why (cause->vendor is
 * the ECI Code, cause->http_status the status; 0 when none came). */
typedef void (*eci_call_cb)(void *arg, const char *body, size_t len, const struct fm_cause *error);

/* Queue one signed call; retried with backoff on throttling and failures. */
struct eci_call *eci_call(struct eci *e, const char *region, const char *action,
			  const struct params *params, eci_call_cb cb, void *arg);
/* The answer will not be delivered. */
void eci_call_cancel(struct eci_call *c);

extern const struct exec_dialer eci_dialer;

/* eci_watch.c: logs and metrics (provider_ops). */
struct log_feed *eci_logs_open(struct provider *p, const struct container_ref *target,
			       const struct log_opts *o, const struct log_events *ev, void *arg,
			       struct fm_cause *why);
void eci_logs_close(struct log_feed *f);
struct metric_req *eci_metrics(struct provider *p, const struct metric_query *q, metric_cb cb,
			       void *arg, struct fm_cause *why);
void eci_metrics_cancel(struct metric_req *r);

#endif
