/* k8s.c: the Kubernetes provider: a kubeconfig's contexts as regions,
 * each with its own TLS handles and credentials (k8s_auth.c); requests
 * that carry them and are made again once after a 401 when a plugin's
 * token may be renewed; pods listed with limit/continue. The watch is
 * k8s_watch.c, exec k8s_exec.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "fleetmux/debuglog.h"
#include "k8s_int.h"

/* Pods a page: the API server's default chunk size, as kubectl asks. */
#define K8S_PAGE_LIMIT 500

struct k8s_ctx *
k8s_ctx_find(struct k8s *k, const char *name)
{
	for (size_t i = 0; name != NULL && i < k->nctx; i++)
		if (strcmp(k->ctx[i].name, name) == 0)
			return &k->ctx[i];
	return NULL;
}

/* --- requests --- */

struct k8s_req {
	struct k8s_ctx *c;
	char *path;
	http_chunk_cb on_chunk;
	http_cb done;
	void *arg;
	struct k8s_cred_wait *wait;
	struct http_req *req;
	int renewed; /* made again after a 401 already */
	int waiting; /* for a credential */
	char *auth;  /* the Authorization sent, to tell a stale refusal */
	int in_get;  /* inside k8s_get: a failure now is answered, but k8s_get frees */
	int finished;
};

static void req_send(struct k8s_req *r);

static void
req_free(struct k8s_req *r)
{
	free(r->auth);
	free(r->path);
	free(r);
}

/* Answered: r is over (k8s_get frees it when still inside). */
static void
req_finish(struct k8s_req *r, const struct http_response *res)
{
	r->done(r->arg, res);
	if (r->in_get)
		r->finished = 1;
	else
		req_free(r);
}

static void
req_chunk(void *arg, const char *data, size_t len)
{
	struct k8s_req *r = arg;

	r->on_chunk(r->arg, data, len);
}

static void
req_answer(void *arg, const struct http_response *res)
{
	struct k8s_req *r = arg;

	r->req = NULL;
	/* A plugin's token refused: it may have been revoked early. Once. */
	if (res->status == 401 && !r->renewed && k8s_cred_refused(r->c, r->auth)) {
		r->renewed = 1;
		debuglog("k8s %s: 401, asking the credential plugin again", r->c->name);
		req_send(r);
		return;
	}
	req_finish(r, res);
}

static void
req_cred(void *arg, const char *auth, const struct fm_cause *why)
{
	struct k8s_req *r = arg;
	struct params h;
	char *url;

	r->wait = NULL;
	r->waiting = 0;
	if (why != NULL) {
		struct http_response res;

		memset(&res, 0, sizeof res);
		res.error = why->msg;
		res.permanent = 1;
		req_finish(r, &res);
		return;
	}
	params_init(&h);
	params_add(&h, "Accept", "application/json");
	free(r->auth);
	r->auth = auth != NULL ? xstrdup(auth) : NULL;
	if (auth != NULL)
		params_add(&h, "Authorization", auth);
	url = xasprintf("%s%s", r->c->http_server, r->path);
	r->req = r->on_chunk != NULL ? http_stream(r->c->http, url, &h, req_chunk, req_answer, r)
	                             : http_get(r->c->http, url, &h, req_answer, r);
	free(url);
	params_free(&h);
	if (r->req == NULL) {
		struct http_response res;

		memset(&res, 0, sizeof res);
		res.error = "the request could not be made (a bad server URL?)";
		res.permanent = 1;
		req_finish(r, &res);
	}
}

static void
req_send(struct k8s_req *r)
{
	r->waiting = 1;
	r->wait = k8s_cred_get(r->c, req_cred, r);
}

struct k8s_req *
k8s_get(struct k8s_ctx *c, const char *path, http_chunk_cb on_chunk, http_cb done, void *arg)
{
	struct k8s_req *r = xcalloc(1, sizeof *r);

	r->c = c;
	r->path = xstrdup(path);
	r->on_chunk = on_chunk;
	r->done = done;
	r->arg = arg;
	r->in_get = 1;
	req_send(r);
	r->in_get = 0;
	if (r->finished) {
		req_free(r);
		return NULL;
	}
	return r;
}

/* Callers hold a k8s_req only while it is in flight (they drop it in
 * done), so r is live here. */
void
k8s_req_cancel(struct k8s_req *r)
{
	if (r == NULL)
		return;
	if (r->waiting && r->wait != NULL)
		k8s_cred_cancel(r->c, r->wait);
	if (r->req != NULL)
		http_cancel(r->c->http, r->req);
	req_free(r);
}

void
k8s_answer_cause(const struct http_response *res, const char *what, struct fm_cause *why)
{
	if (res->status == 0) {
		fm_cause_set(why, FM_EIO, "%s: %s", what, res->error ? res->error : "no answer");
		why->permanent = res->permanent;
		return;
	}
	k8s_status_cause(res->body, res->body_len, res->status, why);
	if (res->status == 401)
		snprintf(why->msg, sizeof why->msg,
		         "%s: the cluster refused the credentials (401 Unauthorized)", what);
	else if (res->status == 403 && why->msg[0] != '\0') {
		char m[sizeof why->msg];

		snprintf(m, sizeof m, "%s", why->msg);
		snprintf(why->msg, sizeof why->msg, "%s: forbidden (403): %.400s", what, m);
	}
}

/* --- listing --- */

void
k8s_selector_query(struct buf *q, const struct k8s *k)
{
	char *e;

	if (k->selector == NULL)
		return;
	e = curl_easy_escape(NULL, k->selector, 0);
	buf_printf(q, "&labelSelector=%s", e);
	curl_free(e);
}

struct regions_job {
	struct k8s *k;
	region_list_cb cb;
	void *arg;
	uv_timer_t timer;
};

static void
regions_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
regions_now(uv_timer_t *t)
{
	struct regions_job *j = t->data;
	char **ids = xcalloc(j->k->nctx + 1, sizeof *ids);

	for (size_t i = 0; i < j->k->nctx; i++)
		ids[i] = j->k->ctx[i].name;
	j->cb(j->arg, ids, j->k->nctx, NULL);
	free(ids);
	uv_close((uv_handle_t *)&j->timer, regions_closed);
}

static int
k8s_list_regions(struct provider *p, region_list_cb cb, void *arg)
{
	struct regions_job *j = xcalloc(1, sizeof *j);

	j->k = (struct k8s *)p;
	j->cb = cb;
	j->arg = arg;
	/* Answer on the loop, as a remote listing would. */
	uv_timer_init(p->loop, &j->timer);
	j->timer.data = j;
	uv_timer_start(&j->timer, regions_now, 0, 0);
	return 0;
}

struct pods_job {
	struct k8s_ctx *c;
	group_page_cb cb;
	void *arg;
	const char *ns;   /* NULL: all namespaces */
	int fell_back;    /* all namespaces were forbidden: the context's own */
	/* The pages so far: given at the end in one piece, so that the
	 * context's namespace comes first whatever the server's order. */
	struct fm_group *all;
	size_t nall;
	uv_timer_t timer; /* a context that cannot be used says so from the loop */
};

static void pods_page(struct pods_job *j, const char *cont);

/* A listing that failed: what was gathered is dropped with it. */
static void
pods_failed(struct pods_job *j, const char *msg)
{
	fm_groups_free(j->all, j->nall);
	j->cb(j->arg, j->c->name, NULL, 0, 1, msg);
	free(j);
}

static void
pods_answer(void *arg, const struct http_response *res)
{
	struct pods_job *j = arg;
	struct fm_group *g = NULL;
	size_t n = 0;
	char *cont = NULL, *rv = NULL;
	struct fm_cause why;

	if (res->status == 403 && j->ns == NULL && !j->fell_back) {
		/* Listing every namespace needs a ClusterRole; many users have
		 * only their namespace. */
		j->fell_back = 1;
		j->ns = j->c->home_ns;
		pods_page(j, NULL);
		return;
	}
	if (res->status != 200) {
		k8s_answer_cause(res, "listing pods", &why);
		pods_failed(j, why.msg);
		return;
	}
	if (k8s_parse_pods(res->body, res->body_len, j->c->name, &g, &n, &cont, &rv, &why) < 0) {
		pods_failed(j, why.msg);
		return;
	}
	free(rv);
	j->all = xrealloc(j->all, (j->nall + n + 1) * sizeof *j->all);
	if (n > 0)
		memcpy(j->all + j->nall, g, n * sizeof *g);
	j->nall += n;
	free(g);
	if (cont != NULL) {
		pods_page(j, cont);
		free(cont);
		return;
	}
	k8s_order_pods(j->all, j->nall, j->c->home_ns);
	j->cb(j->arg, j->c->name, j->all, j->nall, 1, NULL);
	free(j);
}

static void
pods_page(struct pods_job *j, const char *cont)
{
	struct buf path, q;

	buf_init(&path);
	buf_init(&q);
	buf_printf(&q, "limit=%d", K8S_PAGE_LIMIT);
	k8s_selector_query(&q, j->c->k);
	if (cont != NULL) {
		char *e = curl_easy_escape(NULL, cont, 0);

		buf_printf(&q, "&continue=%s", e);
		curl_free(e);
	}
	k8s_pods_path(&path, j->ns, q.data);
	k8s_get(j->c, path.data, NULL, pods_answer, j);
	buf_free(&path);
	buf_free(&q);
}

static void
unusable_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
unusable_now(uv_timer_t *t)
{
	struct pods_job *j = t->data;

	j->cb(j->arg, j->c->name, NULL, 0, 1, j->c->error);
	uv_close((uv_handle_t *)&j->timer, unusable_closed);
}

static int
k8s_list_groups(struct provider *p, const char *region, group_page_cb cb, void *arg)
{
	struct k8s *k = (struct k8s *)p;
	struct k8s_ctx *c = k8s_ctx_find(k, region);
	struct pods_job *j;

	if (c == NULL)
		return fm_error(FM_ENOTFOUND, "no context %s in the kubeconfig", region);
	j = xcalloc(1, sizeof *j);
	j->c = c;
	j->cb = cb;
	j->arg = arg;
	j->ns = c->namespace;
	if (c->error != NULL) {
		uv_timer_init(p->loop, &j->timer);
		j->timer.data = j;
		uv_timer_start(&j->timer, unusable_now, 0, 0);
		return 0;
	}
	pods_page(j, NULL);
	return 0;
}

/* --- the provider --- */

static int
k8s_busy(struct provider *p)
{
	return ((struct k8s *)p)->terminating;
}

static void
k8s_free(struct provider *p)
{
	struct k8s *k = (struct k8s *)p;

	for (size_t i = 0; i < k->nctx; i++) {
		struct k8s_ctx *c = &k->ctx[i];

		k8s_watch_free(c->watch);
		k8s_auth_free(c);
		free(c->name);
		free(c->error);
		free(c->server);
		free(c->http_server);
		free(c->namespace);
		free(c->home_ns);
	}
	k8s_execsrc_free_all(k);
	k8s_tmpdir_remove(k);
	free(k->ctx);
	kubeconfig_free(&k->kc);
	free(k->selector);
	free(k->base.name);
	free(k);
}

static const struct provider_ops k8s_ops = {
    .type = "kubernetes",
    .region_noun = "context",
    .group_noun = "pod",
    .lists = PROV_LISTS_RESTARTS,
    .no_events = "fleetmux does not read Kubernetes events yet (kubectl get events shows them)",
    .list_regions = k8s_list_regions,
    .list_groups = k8s_list_groups,
    .dialer = &k8s_dialer,
    .free = k8s_free,
    .watch = k8s_watch,
    .busy = k8s_busy,
    .logs_open = k8s_logs_open,
    .logs_close = k8s_logs_close,
    .metrics = k8s_metrics,
    .metrics_cancel = k8s_metrics_cancel,
};

/* Read and merge the kubeconfig files; a file in the list that is not
 * there is passed over, as kubectl does. */
static int
load_kubeconfig(struct kubeconfig *kc, const char *list, struct fm_cause *why)
{
	char **paths = NULL;
	size_t n = kubeconfig_paths(list ? list : getenv("KUBECONFIG"), getenv("HOME"), &paths);
	int found = 0, rc = 0;

	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "r");
		struct buf text;
		char dir[4096], *slash;
		char chunk[8192];
		size_t got;

		if (f == NULL) {
			if (errno != ENOENT && rc == 0)
				rc = fm_cause_set(why, FM_EINVAL, "cannot read %s: %s", paths[i],
				                  strerror(errno));
			continue;
		}
		buf_init(&text);
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_append(&text, chunk, got);
		fclose(f);
		snprintf(dir, sizeof dir, "%s", paths[i]);
		slash = strrchr(dir, '/');
		if (slash != NULL)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		if (rc == 0 &&
		    kubeconfig_merge(kc, text.data ? text.data : "", text.len, dir, why) < 0) {
			char m[sizeof why->msg];

			snprintf(m, sizeof m, "%s", why->msg);
			snprintf(why->msg, sizeof why->msg, "%.200s: %.300s", paths[i], m);
			rc = -why->code;
		}
		found++;
		buf_free(&text);
	}
	if (rc == 0 && found == 0)
		rc = fm_cause_set(why, FM_ENOTFOUND, "no kubeconfig (%s)",
		                  list                   ? list
		                  : getenv("KUBECONFIG") ? getenv("KUBECONFIG")
		                                         : "~/.kube/config");
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* One context made usable, or its error kept for its listing. */
static void
ctx_setup(struct k8s *k, struct k8s_ctx *c, const char *name, const struct k8s_options *o)
{
	const struct kube_context *kx = kubeconfig_context(&k->kc, name);
	const struct kube_cluster *cl;
	struct fm_cause why;
	size_t len;

	c->k = k;
	c->name = xstrdup(name);
	c->home_ns = xstrdup(kx && kx->namespace ? kx->namespace : "default");
	c->namespace = o->namespace ? xstrdup(o->namespace) : NULL;
	if (kubeconfig_check(&k->kc, name, &why) < 0) {
		c->error = xstrdup(why.msg);
		return;
	}
	/* kubeconfig_check found both; said again for the reader. */
	if (kx == NULL || (cl = kubeconfig_cluster(&k->kc, kx->cluster)) == NULL) {
		c->error = xstrdup("the context or its cluster is not in the kubeconfig");
		return;
	}
	c->server = xstrdup(cl->server);
	len = strlen(c->server);
	while (len > 0 && c->server[len - 1] == '/')
		c->server[--len] = '\0';
	if (k8s_auth_setup(c, cl, kx->user ? kubeconfig_user(&k->kc, kx->user) : NULL, &why) < 0)
		c->error = xstrdup(why.msg);
}

static int
wanted(const struct k8s_options *o, const char *name)
{
	if (o->contexts == NULL)
		return 1;
	for (size_t i = 0; o->contexts[i] != NULL; i++)
		if (strcmp(o->contexts[i], name) == 0)
			return 1;
	return 0;
}

int
k8s_check_contexts(const struct k8s_options *o, struct fm_cause *why)
{
	struct kubeconfig kc;
	struct fm_cause ignored;
	int rc = 0;

	kubeconfig_init(&kc);
	if (load_kubeconfig(&kc, o->kubeconfig, &ignored) == 0)
		for (size_t i = 0; rc == 0 && o->contexts != NULL && o->contexts[i] != NULL; i++)
			if (kubeconfig_context(&kc, o->contexts[i]) == NULL)
				rc = fm_cause_set(why, FM_EINVAL,
				                  "there is no context '%s' in the kubeconfig",
				                  o->contexts[i]);
	kubeconfig_free(&kc);
	return rc;
}

static size_t
count(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

struct provider *
k8s_provider_new(uv_loop_t *loop, const struct k8s_options *o, struct fm_cause *why)
{
	struct k8s *k = xcalloc(1, sizeof *k);

	k->base.ops = &k8s_ops;
	k->base.name = xstrdup("k8s");
	k->base.loop = loop;
	k->default_cmd = o->default_command;
	k->insecure = o->insecure;
	k->selector = o->selector && *o->selector ? xstrdup(o->selector) : NULL;
	kubeconfig_init(&k->kc);
	if (load_kubeconfig(&k->kc, o->kubeconfig, why) < 0)
		goto fail;
	if (k->kc.ncontexts == 0 && o->contexts == NULL) {
		fm_cause_set(why, FM_ENOTFOUND, "the kubeconfig has no contexts");
		goto fail;
	}
	/* In the kubeconfig's order, so that the sidebar reads as the file;
	 * then each asked for that it does not have, as a region in error:
	 * one wrong name does not take the good contexts away. */
	k->ctx = xcalloc(k->kc.ncontexts + count(o->contexts), sizeof *k->ctx);
	for (size_t i = 0; i < k->kc.ncontexts; i++)
		if (wanted(o, k->kc.contexts[i].name))
			ctx_setup(k, &k->ctx[k->nctx++], k->kc.contexts[i].name, o);
	for (size_t i = 0; o->contexts != NULL && o->contexts[i] != NULL; i++)
		if (kubeconfig_context(&k->kc, o->contexts[i]) == NULL &&
		    k8s_ctx_find(k, o->contexts[i]) == NULL) {
			struct k8s_ctx *c = &k->ctx[k->nctx++];

			ctx_setup(k, c, o->contexts[i], o);
			free(c->error);
			c->error = xasprintf("there is no context '%s' in the kubeconfig", o->contexts[i]);
		}
	for (size_t i = 0; i < k->nctx; i++)
		if (k->ctx[i].error != NULL)
			debuglog("k8s %s: %s", k->ctx[i].name, k->ctx[i].error);
	return &k->base;
fail:
	k8s_free(&k->base);
	return NULL;
}
