/* provider.h: the seam between fleetmux and a backend. A provider lists and
 * dials; it never draws. Sessions (session.h) are the same for all. */
#ifndef FLEETMUX_PROVIDER_H
#define FLEETMUX_PROVIDER_H

#include <stddef.h>
#include <uv.h>

#include "fleetmux/logs.h"
#include "fleetmux/metrics.h"
#include "fleetmux/model.h"
#include "fleetmux/session.h"

struct provider;

/* Regions arrive once (ids), or an error in words. */
typedef void (*region_list_cb)(void *arg, char **ids, size_t n, const char *error);
/* Groups of one region, page by page; done on the last. The callee takes
 * the groups array. error: the listing stopped, in words. */
typedef void (*group_page_cb)(void *arg, const char *region, struct fm_group *groups, size_t n,
			      int done, const char *error);

/* --- Watching a fleet: logs and metrics (the UI draws them; providers
 * only fetch). --- */

/* What a log follower shows. */
struct log_opts {
	int tail;            /* lines of backlog first: -1 the backend's default (ECI: 500), 0 none */
	long since_seconds;  /* > 0: of the backlog, only the last so many seconds */
	int previous;        /* the log of the instance before the last restart, once, instead */
};

/* A follower's state. DONE and FAILED are final. */
enum feed_state {
	FEED_LIVE,       /* following (the log may be quiet) */
	FEED_RETRYING,   /* a call or the stream failed, or the container is not running: trying again */
	FEED_DONE,       /* a previous instance's log was delivered whole */
	FEED_FAILED,     /* given up: why */
};

struct log_events {
	/* One line of target's log, once, in the log's order. */
	void (*on_line)(void *arg, const struct container_ref *target, const struct log_line *l);
	/* why says the cause for RETRYING and FAILED (NULL otherwise). */
	void (*on_state)(void *arg, const struct container_ref *target, enum feed_state st,
			 const struct fm_cause *why);
};

struct log_feed; /* a follower: the provider's */

/* CPU and memory of groups: the newest sample of each of a page of groups,
 * or the history of one. */
struct metric_query {
	const char *region;
	const char *const *group_ids;  /* Docker: the containers' ids */
	size_t n;
	int history;         /* n == 1: samples between start_ns and end_ns, period_s apart */
	int64_t start_ns, end_ns;   /* FM_TIME_NONE: the backend's default (ECI: the last 5 minutes) */
	int period_s;        /* 0: the backend's default */
};

/* The samples (the callee's, for the call's length; a group without data
 * is left out), oldest first for a history; why when some or all could not
 * be had. Called once, never after metrics_cancel; the request is over
 * when it has run (do not cancel it then). */
typedef void (*metric_cb)(void *arg, const struct fm_metric *samples, size_t n,
			  const struct fm_cause *why);

struct metric_req; /* a request in flight: the provider's */

/* What a backend's listing holds, for views that say so rather than show
 * an empty field (provider_ops.lists). */
enum {
	PROV_LISTS_EVENTS = 1 << 0,   /* groups come with their recent events */
	PROV_LISTS_RESTARTS = 1 << 1, /* containers come with a restart count */
	PROV_ZONE_IS_STATE = 1 << 2,  /* fm_group.zone holds the engine's own
				       * words for the state, not a zone */
};

struct provider_ops {
	const char *type;
	/* What a region is called on this backend ("region", "engine") and
	 * what its listing holds (PROV_LISTS_*). */
	const char *region_noun;
	unsigned lists;
	/* What a group is called ("pod", "container group"), for the words
	 * of a pane whose group was deleted; NULL: "group". */
	const char *group_noun;
	/* What the details view says of a group without events: where they
	 * would come from, or why this backend has none (in words). */
	const char *no_events;
	int (*list_regions)(struct provider *, region_list_cb, void *);
	int (*list_groups)(struct provider *, const char *region, group_page_cb, void *);
	/* How this provider gets exec streams (session.h). */
	const struct exec_dialer *dialer;
	void (*free)(struct provider *);
	/* Optional: call changed whenever the region's list changes (Docker's
	 * event stream) with down NULL: list it again. When the engine stops
	 * answering, changed comes with down saying how (what was listed may
	 * be stale), and once it answers again with down NULL. One watch a
	 * region; it ends with the provider. */
	int (*watch)(struct provider *, const char *region,
		     void (*changed)(void *arg, const char *region, const char *down), void *arg);
	/* Optional: work that must finish before the provider is freed (a
	 * process being ended in a container): how many are in flight. */
	int (*busy)(struct provider *);
	/* Optional: follow a container's log. NULL with why filled when it
	 * cannot be (FM_ENOTSUP: the backend keeps no such log). Events come
	 * from the loop, never from inside logs_open. The owner closes it once,
	 * even after DONE or FAILED, and may from inside its callbacks; every
	 * follower is closed before the provider is freed. */
	struct log_feed *(*logs_open)(struct provider *, const struct container_ref *target,
				      const struct log_opts *, const struct log_events *, void *arg,
				      struct fm_cause *why);
	void (*logs_close)(struct log_feed *);
	/* Optional: CPU and memory. NULL with why filled when it cannot be
	 * asked (FM_ENOTSUP: no history on this backend). */
	struct metric_req *(*metrics)(struct provider *, const struct metric_query *, metric_cb,
				      void *arg, struct fm_cause *why);
	void (*metrics_cancel)(struct metric_req *);
};

struct provider {
	const struct provider_ops *ops;
	char *name;    /* shown in the sidebar */
	uv_loop_t *loop;
	struct buf unended;   /* processes that could not be ended, a line each */
	int nunended;
};

/* An exec session into ref, on this provider's dialer. */
static inline struct session *
provider_open_exec(struct provider *p, const struct container_ref *ref, const struct exec_req *req,
		   const struct session_events *ev, void *arg)
{
	return session_open(p->loop, p->ops->dialer, p, ref, req, ev, arg);
}

/* A container's log (provider_ops.logs_open); FM_ENOTSUP when the provider
 * has none. */
struct log_feed *provider_logs_open(struct provider *p, const struct container_ref *target,
				    const struct log_opts *o, const struct log_events *ev, void *arg,
				    struct fm_cause *why);
void provider_logs_close(struct provider *p, struct log_feed *f);
/* CPU and memory (provider_ops.metrics); FM_ENOTSUP when the provider has none. */
struct metric_req *provider_metrics(struct provider *p, const struct metric_query *q, metric_cb cb,
				    void *arg, struct fm_cause *why);
void provider_metrics_cancel(struct provider *p, struct metric_req *r);

/* A dialer's not_ended (session.h) for every provider: kept for the report. */
void provider_not_ended(void *pctx, const struct exec_spec *spec, const char *why);

/* Free providers after waiting (at most timeout_ms, running the loop) for
 * their busy work: the processes they are ending in containers. What may
 * be left running (not ended, or not answered in time) is added to report,
 * a line each, for the user; returns how many. */
int providers_free(uv_loop_t *loop, struct provider **provs, int n, unsigned timeout_ms,
		   struct buf *report);

struct eci_options {
	const char *endpoint;      /* override (fleetsim); NULL: eci.<region>.aliyuncs.com */
	const char *key_id, *secret, *token, *profile, *config_path;
	int sign_v1;
	int insecure;
	const char *ca_file;
	char **default_command;    /* NULL: bash if present, else sh */
	/* The exec WebSocket's status and resize channels (0: 3 and 4). */
	int status_channel, resize_channel;
};

struct docker_options {
	const char *name;          /* the engine's name in the sidebar ("local") */
	const char *host;          /* unix:///var/run/docker.sock, tcp://host:2376, https://... */
	int tls_verify;            /* TLS with client certificates from cert_path */
	const char *cert_path;     /* ca.pem, cert.pem, key.pem */
	int insecure;
	char **default_command;
	/* Hyper.sh-style clouds: sign every request. */
	int hyper;
	const char *access_key, *secret_key, *region;
};

struct k8s_options {
	const char *kubeconfig;   /* files as $KUBECONFIG lists them; NULL: $KUBECONFIG, else ~/.kube/config */
	char *const *contexts;    /* NULL: every context of the kubeconfig */
	const char *namespace;    /* NULL: every namespace (the context's own when listing all is forbidden) */
	const char *selector;     /* NULL: every pod; else a label selector the server applies */
	char **default_command;   /* NULL: bash if present, else sh */
	int insecure;             /* do not verify TLS certificates, whatever the kubeconfig says */
};

/* The Kubernetes provider: each context of the kubeconfig a region. NULL
 * with why filled when there is no kubeconfig or a context asked for is not
 * in it; a context that cannot be used is listed with its reason. */
struct provider *k8s_provider_new(uv_loop_t *loop, const struct k8s_options *o, struct fm_cause *why);
/* Are o's contexts all in its kubeconfig? 0 (also when the kubeconfig
 * cannot be read: making the provider says why), or -FM_EINVAL naming the
 * first missing one. Reads the files; makes nothing. */
int k8s_check_contexts(const struct k8s_options *o, struct fm_cause *why);

/* A Docker-compatible engine (Docker, Podman, Hyper.sh's 1.23 API). */
struct provider *docker_provider_new(uv_loop_t *loop, const struct docker_options *o);

/* The ECI provider. NULL with fm_error set (e.g. no credentials). */
struct provider *eci_provider_new(uv_loop_t *loop, const struct eci_options *o);
/* The default region from the credentials, or NULL. */
const char *eci_provider_default_region(struct provider *p);

#endif
