/* k8s_int.h: what the Kubernetes provider's files share (k8s.c: contexts,
 * requests and listing; k8s_auth.c: credentials and TLS files;
 * k8s_plugin.c: exec credential plugins; k8s_watch.c: the pod watch;
 * k8s_exec.c: the exec dialer; k8s_logs.c, k8s_metrics.c: logs and
 * metrics). Not a public header.
 *
 * A kubeconfig context is a region (named by the context), a namespace the
 * zone, a pod a group (id NAMESPACE/POD, name POD) and its containers the
 * containers, as k8s.h reads them. */
#ifndef FLEETMUX_K8S_INT_H
#define FLEETMUX_K8S_INT_H

#include "fleetmux/chanws.h"
#include "fleetmux/execcred.h"
#include "fleetmux/http.h"
#include "fleetmux/k8s.h"
#include "fleetmux/kubeconfig.h"
#include "fleetmux/provider.h"

struct k8s;
struct k8s_plugin;
struct k8s_execsrc;
struct k8s_cred_wait;
struct k8s_watch;

/* One context: its cluster, how to reach it and who we are there. */
struct k8s_ctx {
	struct k8s *k;
	char *name;        /* the context's name: the region */
	char *error;       /* the context cannot be used: every listing says this */
	char *server;      /* https://host:port[/path], no trailing '/' */
	char *http_server; /* the same, or named by tls-server-name, for curl */
	char *namespace;   /* only this namespace; NULL: all of them */
	char *home_ns;     /* the context's own namespace (default "default") */
	struct http *http;
	struct ws_client *ws;
	/* Credentials: a bearer token, read from token_file at each use (it
	 * may be rotated), or from an exec plugin (shared with the contexts
	 * of the same user). */
	char *token;
	char *token_file;
	struct k8s_execsrc *execsrc;
	/* A plugin's client certificate, as files, and which answer it was
	 * (0: none yet); what the lws context is remade from when it changes,
	 * and the contexts it replaced (their exec sessions may still run). */
	unsigned exec_cert_gen;
	char *exec_cert, *exec_key;
	char *tls_ca, *tls_server_name;
	int tls_insecure;
	struct ws_client **old_ws;
	size_t nold_ws;
	struct k8s_watch *watch;
};

struct k8s {
	struct provider base;
	struct kubeconfig kc;
	struct k8s_ctx *ctx;
	size_t nctx;
	char *tmpdir; /* private (0700): the kubeconfig's -data as files */
	char **default_cmd;
	int terminating;              /* processes being ended in containers */
	int insecure;                 /* --insecure: no cluster's certificate is checked */
	struct k8s_execsrc *execsrcs; /* every plugin source, for the end */
	char *selector;               /* a label selector for listing and watching, or NULL */
};

struct k8s_ctx *k8s_ctx_find(struct k8s *k, const char *name);

/* --- k8s_auth.c --- */

/* TLS material of a context as files (the -data keys written to private
 * files in k->tmpdir), and its static credentials. 0, or a negative
 * FM_E code with why. */
int k8s_auth_setup(struct k8s_ctx *c, const struct kube_cluster *cl, const struct kube_user *u,
                   struct fm_cause *why);
/* The Authorization header's value ("Bearer ..."), or NULL for none (a
 * client certificate), or an error in why. */
typedef void (*k8s_cred_cb)(void *arg, const char *authorization, const struct fm_cause *why);
/* cb now (returns NULL) when the credential is at hand, else later, once
 * the plugin has answered (returns a handle for k8s_cred_cancel). */
struct k8s_cred_wait *k8s_cred_get(struct k8s_ctx *c, k8s_cred_cb cb, void *arg);
void k8s_cred_cancel(struct k8s_ctx *c, struct k8s_cred_wait *w);
/* The server refused the credential (401): forget a plugin's, so that the
 * next k8s_cred_get runs the plugin again. Returns 1 when there was one to
 * forget (a new try may help), 0 when not. */
int k8s_cred_refused(struct k8s_ctx *c, const char *auth_used);
/* A plugin's answer gen carried this certificate: c's requests use it from
 * now on. 0, or a negative FM_E code with why. */
int k8s_auth_use_cert(struct k8s_ctx *c, unsigned gen, const struct buf *cert, const struct buf *key,
                      struct fm_cause *why);
void k8s_auth_free(struct k8s_ctx *c);
/* The private folder for the -data files (made on first use). */
const char *k8s_tmpdir(struct k8s *k, struct fm_cause *why);
void k8s_tmpdir_remove(struct k8s *k);

/* --- k8s_plugin.c --- */

/* The plugin source for this user (and cluster, with provideClusterInfo):
 * found, or made. */
struct k8s_execsrc *k8s_execsrc_get(struct k8s *k, const char *user, const struct kube_exec *e,
                                    const struct kube_cluster *cl);
/* As k8s_cred_get, from the plugin's cached answer or a run of it. */
struct k8s_cred_wait *k8s_execsrc_wait(struct k8s_execsrc *s, struct k8s_ctx *ctx, k8s_cred_cb cb,
                                       void *arg);
void k8s_execsrc_cancel(struct k8s_execsrc *s, struct k8s_cred_wait *w);
/* The server refused the cached answer: 1 when there was one to forget,
 * or a run for a new one is under way (a new try may help). */
int k8s_execsrc_refused(struct k8s_execsrc *s, const char *auth_used);
/* At the end: plugins still running are killed, their answers dropped. */
void k8s_execsrc_free_all(struct k8s *k);

/* --- k8s.c: requests --- */

/* One GET on a context, with its credentials, run again once after a 401
 * when a plugin's credential may be renewed. res: the answer (status 0 and
 * error when none came). on_chunk: a streamed answer (a watch, a log). */
struct k8s_req;
struct k8s_req *k8s_get(struct k8s_ctx *c, const char *path, http_chunk_cb on_chunk, http_cb done,
                        void *arg);
/* NULL when it was answered at once (done has run: a credential or a URL
 * that failed), so callers keep the handle only when it is not NULL. No
 * callback after k8s_req_cancel; allowed from inside on_chunk. */
void k8s_req_cancel(struct k8s_req *r);
/* "&labelSelector=..." when the provider has a selector. */
void k8s_selector_query(struct buf *q, const struct k8s *k);
/* An answer that is not 200 as a cause: the Status's words. */
void k8s_answer_cause(const struct http_response *res, const char *what, struct fm_cause *why);

/* --- k8s_watch.c --- */
int k8s_watch(struct provider *p, const char *region,
              void (*changed)(void *arg, const char *region, const char *down), void *arg);
void k8s_watch_free(struct k8s_watch *w);

/* --- k8s_logs.c --- */
struct log_feed *k8s_logs_open(struct provider *p, const struct container_ref *target,
                               const struct log_opts *o, const struct log_events *ev, void *arg,
                               struct fm_cause *why);
void k8s_logs_close(struct log_feed *f);

/* --- k8s_metrics.c --- */
struct metric_req *k8s_metrics(struct provider *p, const struct metric_query *q, metric_cb cb,
                               void *arg, struct fm_cause *why);
void k8s_metrics_cancel(struct metric_req *r);

/* --- k8s_exec.c --- */
extern const struct exec_dialer k8s_dialer;

#endif
