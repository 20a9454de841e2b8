/* docker_int.h: what the Docker provider's files share (docker.c: requests,
 * listing and events; docker_exec.c: the exec dialer and stream). Not a
 * public header. */
#ifndef FLEETMUX_DOCKER_INT_H
#define FLEETMUX_DOCKER_INT_H

#include "fleetmux/docker.h"
#include "fleetmux/event_store.h"
#include "fleetmux/http.h"
#include "fleetmux/provider.h"

struct docker_watch;

struct docker {
	struct provider base;
	struct docker_watch *watch;
	/* Each container's recent events, from the event stream (NULL when
	 * there is none: Hyper); a listing carries copies. */
	struct event_store *events;
	struct http *http;
	char *base_url;     /* http://localhost, https://host:port */
	char *host_header;  /* what Host says on the raw start request */
	const char *api;    /* "/v1.41" */
	char **default_cmd;
	int hyper;
	char *access_key, *secret_key, *region;
	int terminating;    /* kill execs in flight */
};

/* One API request (signed for Hyper); path without the version prefix. */
int docker_call(struct docker *d, const char *method, const char *path, const char *query,
		const char *body, http_cb cb, void *arg);
/* Content-Type and, for Hyper, the signature, for a request we write
 * ourselves (exec start on a raw connection). full_path has the version. */
void docker_sign_headers(struct docker *d, struct params *h, const char *method,
			 const char *full_path, const char *query, const char *body, size_t len);
/* An error answer as a cause: the engine's message, the status kept. */
void docker_cause(struct fm_cause *c, const struct http_response *res, const char *what);

/* A GET that can be cancelled (http_cancel on d->http); path without the
 * version prefix, query already encoded (or NULL). stream: the answer's
 * body goes to on_chunk as it comes (logs), else to cb whole. */
struct http_req *docker_get(struct docker *d, const char *path, const char *query, int stream,
			    http_chunk_cb on_chunk, http_cb cb, void *arg);

extern const struct exec_dialer docker_dialer;

/* docker_watch.c: logs and stats (provider_ops). */
struct log_feed *docker_logs_open(struct provider *p, const struct container_ref *target,
				  const struct log_opts *o, const struct log_events *ev, void *arg,
				  struct fm_cause *why);
void docker_logs_close(struct log_feed *f);
struct metric_req *docker_metrics(struct provider *p, const struct metric_query *q, metric_cb cb,
				  void *arg, struct fm_cause *why);
void docker_metrics_cancel(struct metric_req *r);

#endif
