/* k8s_int.h: what fleetsim's Kubernetes files share (k8s_front.c: the
 * port, routing, auth, writing and exec; k8s_pods.c: pods, lists and
 * watches; k8s_logs.c: pods/log). Not a public header. */
#ifndef FLEETSIM_K8S_INT_H
#define FLEETSIM_K8S_INT_H

#include "sim.h"

#define K8S_MAX_BACKLOG (4u << 20) /* a slow watcher is ended past this */

/* One answer: whole (a length) or streamed (until the connection closes). */
struct k8s_stream {
	struct sim *s;
	struct lws *wsi;
	int status;
	const char *ctype;
	int streaming;
	int done; /* nothing more will be added to out */
	int hdr_sent;
	struct buf out;
	int region; /* the cluster: an index into fleet.regions */
	int listed; /* in the front's streams */
	int table;  /* Accept asked for as=Table (kubectl get) */
	struct k8s_stream *next;

	/* a watch */
	int watch;
	char *ns;   /* NULL: every namespace */
	char *name; /* fieldSelector metadata.name=, or NULL */
	struct k8s_selector sel;
	uint64_t sent_rv; /* events up to this one are sent */
	int bookmarks;
	int64_t deadline_ns; /* timeoutSeconds; 0 none */
	int64_t last_line_ns;

	/* a followed log */
	int follow;
	struct fleet_group *g;
	struct fleet_container *k;
	uint64_t next_line; /* the number of the next line to send (fleet_log.pushed) */
	int instance;       /* the restart count it follows */
	int stamps;
};

/* Answer with a JSON object (taken) or a Status. */
void k8s_reply_json(struct k8s_stream *st, int status, cJSON *o);
void k8s_reply_status(struct k8s_stream *st, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Keep a streamed answer going: the tick will add to it. */
void k8s_stream_keep(struct k8s_stream *st);
/* A query parameter that is true (true, 1). */
int k8s_param_true(const struct params *q, const char *name);
/* A whole number >= 0; 0 absent (*out -1), -1 bad with a 400 answered. */
int k8s_param_uint(struct k8s_stream *st, const struct params *q, const char *name, long *out);

/* k8s_pods.c */
struct fleet_group *k8s_find_pod(struct sim *s, int region, const char *ns, const char *name);
void k8s_namespaces(struct k8s_stream *st, const char *one);
void k8s_pods_get(struct k8s_stream *st, const char *ns, const char *name);
void k8s_pods_list(struct k8s_stream *st, const char *ns, const struct params *q);
void k8s_pods_delete(struct k8s_stream *st, const char *ns, const char *name);
void k8s_watch_pump(struct k8s_stream *st);

/* k8s_metrics.c: metrics.k8s.io PodMetrics of a region (ns NULL: all) */
void k8s_pod_metrics(struct k8s_stream *st, const char *ns);

/* k8s_logs.c */
void k8s_logs(struct k8s_stream *st, const char *ns, const char *name, const struct params *q);
void k8s_logs_pump(struct k8s_stream *st);

#endif
