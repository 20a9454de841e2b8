/* k8s.h: the Kubernetes API server's answers read into the model — a
 * PodList page, a watch stream's events, a Status — pure, like eci_json.c.
 * In the model a kubeconfig context is a region, a namespace its zone, a
 * pod a group (id "NAMESPACE/POD", so that pods of two namespaces never
 * collide) and its containers the containers, init and ephemeral ones
 * marked. */
#ifndef FLEETMUX_K8S_H
#define FLEETMUX_K8S_H

#include <stddef.h>

#include "fleetmux/metrics.h"
#include "fleetmux/model.h"
#include "fleetmux/util.h"

/* GET /api/v1/pods (or /namespaces/NS/pods) ?limit=&continue=. The pods go
 * to *groups (region = context); *cont is the next page's token or NULL;
 * *rv the list's resourceVersion, to watch from. 0, or -FM_EPROTO with why. */
int k8s_parse_pods(const char *json, size_t len, const char *context, struct fm_group **groups,
		   size_t *n, char **cont, char **rv, struct fm_cause *why);

/* A context's pods in the order the sidebar lists them: the context's own
 * namespace (home_ns) first, then the others by name; pods by name within
 * their namespace. Groups are identified NAMESPACE/POD. */
void k8s_order_pods(struct fm_group *g, size_t n, const char *home_ns);

enum k8s_watch_type {
	K8S_ADDED,
	K8S_MODIFIED,
	K8S_DELETED,
	K8S_BOOKMARK,   /* only a newer resourceVersion */
	K8S_ERROR,      /* a Status: 410 Gone means list again */
};

/* One line of a watch stream: {"type": ..., "object": ...}. */
struct k8s_watch_event {
	enum k8s_watch_type type;
	struct fm_group pod;    /* ADDED, MODIFIED, DELETED */
	char *rv;               /* the object's resourceVersion */
	struct fm_cause status; /* ERROR: the Status, code and reason */
};

int k8s_parse_watch_event(const char *line, size_t len, const char *context, struct k8s_watch_event *ev,
			  struct fm_cause *why);
void k8s_watch_event_free(struct k8s_watch_event *ev);

/* An error answer's body, a metav1.Status ({"kind":"Status","status":
 * "Failure","message":...,"reason":"Forbidden","code":403}), into why:
 * its message, the reason as the vendor code, the HTTP status, and whether
 * another try could help. http_status is the answer's, used when the body
 * is no Status. Returns the negated FM_E code it chose. */
int k8s_status_cause(const char *json, size_t len, int http_status, struct fm_cause *why);

/* --- what is asked (k8s_request.c) --- */

/* /api/v1/namespaces/NS/pods (ns NULL: /api/v1/pods), then ?query when
 * given. Appended to out. */
void k8s_pods_path(struct buf *out, const char *ns, const char *query);

/* The exec WebSocket's URL on server (https:// becomes wss://) for a pod
 * (group_id NAMESPACE/POD) and container: the words of pre then argv as
 * command=, stdin as asked, stdout, stderr only without a TTY (as kubectl
 * asks). Caller frees; NULL with why when group_id is no NAMESPACE/POD. */
char *k8s_exec_url(const char *server, const char *group_id, const char *container,
		   char *const *pre, char *const *argv, int tty, int stdin_on, struct fm_cause *why);

/* A refused exec upgrade (c->http_status) in words: 401 credentials, 403
 * RBAC, 404 the pod gone, 400 the container not running. Returns 1 (and
 * marks it permanent) when it knew the status, else 0 (c untouched). */
int k8s_exec_refusal(struct fm_cause *c, const char *group_id, const char *container);

/* --- metrics-server (k8s_metrics.c) --- */

/* A Kubernetes quantity ("250m", "123456n", "64Mi", "1.5Gi", "2e3") as a
 * number of its unit (cores, bytes). 0, or -FM_EINVAL. */
int k8s_quantity(const char *s, double *out);

/* GET /apis/metrics.k8s.io/v1beta1/pods (or a namespace's): each pod's
 * newest sample (group_id NAMESPACE/POD; CPU in percent of a core, memory
 * the working set; limits unknown, -1). A pod without a name is left out.
 * 0, or -FM_EPROTO with why. */
int k8s_parse_pod_metrics(const char *json, size_t len, struct fm_metric **out, size_t *n,
                          struct fm_cause *why);

/* Pod phase and container states → the model's. */
enum fm_state k8s_pod_state(const char *phase);

#endif
