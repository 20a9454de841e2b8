/* k8s_metrics.c: CPU and memory of pods from metrics-server
 * (metrics.k8s.io/v1beta1 PodMetrics), one request for a page of pods: the
 * namespace's when they share one (what a namespaced user may read), else
 * the cluster's. metrics-server keeps only the newest sample: there is no
 * history to ask for. */
#include <stdlib.h>
#include <string.h>

#include "k8s_int.h"

struct metric_req {
	struct k8s_ctx *c;
	metric_cb cb;
	void *arg;
	char **ids;
	size_t n;
	struct k8s_req *req;
	int in_call; /* inside k8s_metrics: an answer now is returned, not called back */
	int answered_now;
	struct fm_cause why_now;
};

static void
req_free(struct metric_req *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	free(r);
}

static int
asked(const struct metric_req *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->ids[i], id) == 0)
			return 1;
	return 0;
}

static void
answered(void *arg, const struct http_response *res)
{
	struct metric_req *r = arg;
	struct fm_metric *all = NULL;
	size_t n = 0, kept = 0;
	struct fm_cause why;
	int failed = 0;

	r->req = NULL;
	memset(&why, 0, sizeof why);
	if (res->status == 404) {
		fm_cause_http(
		    &why, FM_ENOTSUP, 404, "NotFound",
		    "%s: metrics-server does not answer (metrics.k8s.io is not served: is "
		    "it installed?)",
		    r->c->name);
		failed = 1;
	} else if (res->status != 200) {
		k8s_answer_cause(res, "pod metrics", &why);
		failed = 1;
	} else if (k8s_parse_pod_metrics(res->body, res->body_len, &all, &n, &why) < 0) {
		failed = 1;
	}
	if (r->in_call) {
		r->answered_now = 1;
		r->why_now = why;
		fm_metrics_free(all, n);
		return;
	}
	/* Only the pods asked for, the others dropped. */
	for (size_t i = 0; i < n; i++) {
		if (asked(r, all[i].group_id)) {
			if (kept != i) {
				all[kept] = all[i];
				memset(&all[i], 0, sizeof all[i]);
			}
			kept++;
		} else {
			fm_metric_free(&all[i]);
		}
	}
	r->cb(r->arg, all, kept, failed ? &why : NULL);
	fm_metrics_free(all, kept);
	req_free(r);
}

struct metric_req *
k8s_metrics(struct provider *p, const struct metric_query *q, metric_cb cb, void *arg,
            struct fm_cause *why)
{
	struct k8s_ctx *c = k8s_ctx_find((struct k8s *)p, q->region);
	struct metric_req *r;
	struct k8s_req *kr;
	size_t nslen = 0;
	int one_ns = 1;
	struct buf path;

	if (q->history) {
		fm_cause_set(
		    why, FM_ENOTSUP,
		    "%s: metrics-server keeps only the newest sample of a pod: there is no "
		    "history to show",
		    p->name);
		return NULL;
	}
	if (c == NULL || c->error != NULL) {
		fm_cause_set(why, FM_EINVAL, "%s",
		             c ? c->error : "no such context in the kubeconfig");
		return NULL;
	}
	if (q->n == 0) {
		fm_cause_set(why, FM_EINVAL, "metrics of no pod");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->c = c;
	r->cb = cb;
	r->arg = arg;
	r->n = q->n;
	r->ids = xcalloc(q->n, sizeof *r->ids);
	for (size_t i = 0; i < q->n; i++) {
		size_t len = strcspn(q->group_ids[i], "/");

		r->ids[i] = xstrdup(q->group_ids[i]);
		if (i == 0)
			nslen = len;
		else if (len != nslen || strncmp(q->group_ids[i], q->group_ids[0], len) != 0)
			one_ns = 0;
	}
	buf_init(&path);
	if (one_ns && nslen > 0 && q->group_ids[0][nslen] == '/')
		buf_printf(&path, "/apis/metrics.k8s.io/v1beta1/namespaces/%.*s/pods", (int)nslen,
		           q->group_ids[0]);
	else
		buf_puts(&path, "/apis/metrics.k8s.io/v1beta1/pods");
	r->in_call = 1;
	kr = k8s_get(c, path.data, NULL, answered, r);
	r->in_call = 0;
	buf_free(&path);
	if (r->answered_now) {
		*why = r->why_now;
		req_free(r);
		return NULL;
	}
	r->req = kr;
	return r;
}

void
k8s_metrics_cancel(struct metric_req *r)
{
	k8s_req_cancel(r->req);
	req_free(r);
}
