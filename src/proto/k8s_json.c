/* k8s_json.c: the API server's pods, watch events and Status, with cJSON.
 * Field names as core/v1 serialises them (k8s.io/api/core/v1/types.go). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fleetmux/k8s.h"
#include "fleetmux/logs.h"

/* Pod.status.phase. */
static const struct fm_state_word k8s_phase_words[] = {
    {"Pending", FM_STATE_PENDING},   {"Running", FM_STATE_RUNNING},
    {"Succeeded", FM_STATE_EXITED},  {"Failed", FM_STATE_FAILED},
    {NULL, FM_STATE_UNKNOWN},
};

enum fm_state
k8s_pod_state(const char *phase)
{
	return fm_state_of(k8s_phase_words, phase);
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int64_t
when(const cJSON *o, const char *key)
{
	const char *s = str(o, key);
	int64_t ns;

	return s != NULL && fm_time_parse(s, strlen(s), &ns) == 0 ? ns : FM_TIME_NONE;
}

/* A container's status (ContainerStatus) into c: state, restarts, how the
 * instance before this one ended. No status yet: waiting. */
static void
container_status(const cJSON *st, struct fm_container *c)
{
	const cJSON *state = get(st, "state"), *last = get(get(st, "lastState"), "terminated");
	const cJSON *run = get(state, "running"), *wait = get(state, "waiting"),
		    *term = get(state, "terminated");
	const cJSON *restarts = get(st, "restartCount");

	c->last_finished_ns = FM_TIME_NONE;
	if (cJSON_IsObject(run)) {
		c->status = xstrdup("Running");
		c->state = FM_STATE_RUNNING;
	} else if (cJSON_IsObject(term)) {
		const cJSON *code = get(term, "exitCode");

		c->status = xstrdup("Terminated");
		c->state = FM_STATE_EXITED;
		c->reason = dup_or_null(str(term, "reason"));
		c->exit_code = cJSON_IsNumber(code) ? code->valueint : 0;
	} else {
		c->status = xstrdup("Waiting");
		c->state = FM_STATE_PENDING;
		c->reason = dup_or_null(str(wait, "reason"));
	}
	c->ready = cJSON_IsTrue(get(st, "ready"));
	c->restarts = cJSON_IsNumber(restarts) ? restarts->valueint : 0;
	if (cJSON_IsObject(last)) {
		const cJSON *code = get(last, "exitCode");

		c->last_reason = xstrdup(str(last, "reason") != NULL ? str(last, "reason") : "Terminated");
		c->last_exit_code = cJSON_IsNumber(code) ? code->valueint : 0;
		c->last_finished_ns = when(last, "finishedAt");
	}
}

/* As kubectl's STATUS column: the first app container that waits or ended
 * with a reason names the pod (CrashLoopBackOff, ImagePullBackOff,
 * OOMKilled, Completed), unless the pod has a word of its own (Terminating,
 * Evicted). So a crash loop is not shown, or filtered, as Running. */
static void
pod_word_from_containers(struct fm_group *g)
{
	if (strcmp(g->status, "Terminating") == 0)
		return;
	for (size_t i = 0; i < g->ncontainers; i++) {
		const struct fm_container *c = &g->containers[i];

		if (c->kind != FM_CONTAINER_APP || c->state == FM_STATE_RUNNING || c->reason == NULL ||
		    c->reason[0] == '\0')
			continue;
		free(g->status);
		g->status = xstrdup(c->reason);
		return;
	}
}

static const cJSON *
status_of(const cJSON *statuses, const char *name)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, statuses) {
		const char *n = str(s, "name");

		if (n != NULL && strcmp(n, name) == 0)
			return s;
	}
	return NULL;
}

/* A container's limits (resources.limits) as its cores and GiB; what is
 * not set, or is not a quantity, stays 0 (not said). */
static void
limits(const cJSON *lim, struct fm_container *c)
{
	double v;

	if (k8s_quantity(str(lim, "cpu"), &v) == 0 && v > 0)
		c->cpu = v;
	if (k8s_quantity(str(lim, "memory"), &v) == 0 && v > 0)
		c->memory_gib = v / (1024.0 * 1024 * 1024);
}

static void
add_containers(struct fm_group *g, const cJSON *specs, const cJSON *statuses, enum fm_container_kind kind)
{
	const cJSON *spec;

	cJSON_ArrayForEach(spec, specs) {
		const char *name = str(spec, "name");
		struct fm_container *c;

		if (name == NULL)
			continue;
		g->containers = xrealloc(g->containers, (g->ncontainers + 1) * sizeof *g->containers);
		c = &g->containers[g->ncontainers++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(name);
		c->image = dup_or_null(str(spec, "image"));
		c->kind = kind;
		limits(get(get(spec, "resources"), "limits"), c);
		container_status(status_of(statuses, name), c);
	}
}

/* One Pod object. 0, or -FM_EPROTO when it has no name or namespace. */
static int
pod_to_group(const cJSON *pod, const char *context, struct fm_group *g, char **rv, struct fm_cause *why)
{
	const cJSON *meta = get(pod, "metadata"), *spec = get(pod, "spec"), *st = get(pod, "status");
	const cJSON *label;
	const char *name = str(meta, "name"), *ns = str(meta, "namespace"), *phase = str(st, "phase");

	memset(g, 0, sizeof *g);
	params_init(&g->tags);
	if (name == NULL || ns == NULL)
		return fm_cause_set(why, FM_EPROTO, "a pod without a name or a namespace in the answer");
	g->id = xasprintf("%s/%s", ns, name);
	g->name = xstrdup(name);
	g->region = xstrdup(context);
	g->zone = xstrdup(ns);
	/* As kubectl's STATUS column: a pod being deleted is Terminating;
	 * an evicted one says Evicted rather than Failed. */
	if (get(meta, "deletionTimestamp") != NULL && !cJSON_IsNull(get(meta, "deletionTimestamp")))
		g->status = xstrdup("Terminating");
	else
		g->status = xstrdup(str(st, "reason") != NULL ? str(st, "reason")
				    : phase != NULL		  ? phase
								  : "Unknown");
	g->state = k8s_pod_state(phase);
	g->ip = dup_or_null(str(st, "podIP"));
	cJSON_ArrayForEach(label, get(meta, "labels")) {
		if (cJSON_IsString(label))
			params_add(&g->tags, label->string, label->valuestring);
	}
	add_containers(g, get(spec, "initContainers"), get(st, "initContainerStatuses"), FM_CONTAINER_INIT);
	add_containers(g, get(spec, "containers"), get(st, "containerStatuses"), FM_CONTAINER_APP);
	add_containers(g, get(spec, "ephemeralContainers"), get(st, "ephemeralContainerStatuses"),
		       FM_CONTAINER_EPHEMERAL);
	if (str(st, "reason") == NULL)
		pod_word_from_containers(g);
	if (rv != NULL)
		*rv = dup_or_null(str(meta, "resourceVersion"));
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct fm_group *)a)->id, ((const struct fm_group *)b)->id);
}

static int
in_ns(const struct fm_group *g, const char *ns, size_t nslen)
{
	return strncmp(g->id, ns, nslen) == 0 && g->id[nslen] == '/';
}

void
k8s_order_pods(struct fm_group *g, size_t n, const char *home_ns)
{
	struct fm_group *tmp;
	size_t nslen = home_ns != NULL ? strlen(home_ns) : 0, k = 0;

	if (n < 2)
		return;
	/* "ns/pod" sorts by namespace, then pod; then the home namespace's
	 * run moves to the front, the rest keeping their order. */
	qsort(g, n, sizeof *g, by_id);
	if (home_ns == NULL)
		return;
	tmp = xmalloc(n * sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		if (in_ns(&g[i], home_ns, nslen))
			tmp[k++] = g[i];
	for (size_t i = 0; i < n; i++)
		if (!in_ns(&g[i], home_ns, nslen))
			tmp[k++] = g[i];
	memcpy(g, tmp, n * sizeof *g);
	free(tmp);
}

int
k8s_parse_pods(const char *json, size_t len, const char *context, struct fm_group **groups, size_t *n,
	       char **cont, char **rv, struct fm_cause *why)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *items, *pod, *meta;
	const char *kind;
	int rc = 0;

	*groups = NULL;
	*n = 0;
	*cont = NULL;
	*rv = NULL;
	kind = str(j, "kind");
	items = get(j, "items");
	if (j == NULL || !cJSON_IsObject(j) || (kind != NULL && strcmp(kind, "PodList") != 0) ||
	    !(cJSON_IsArray(items) || cJSON_IsNull(items))) {
		cJSON_Delete(j);
		return fm_cause_set(why, FM_EPROTO, "the pod list is not a PodList");
	}
	*groups = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof **groups);
	cJSON_ArrayForEach(pod, items) {
		if ((rc = pod_to_group(pod, context, &(*groups)[*n], NULL, why)) < 0) {
			fm_group_free(&(*groups)[*n]);
			fm_groups_free(*groups, *n);
			*groups = NULL;
			*n = 0;
			cJSON_Delete(j);
			return rc;
		}
		(*n)++;
	}
	meta = get(j, "metadata");
	*cont = dup_or_null(str(meta, "continue"));
	*rv = dup_or_null(str(meta, "resourceVersion"));
	cJSON_Delete(j);
	return 0;
}

static const char *const watch_words[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", NULL};

int
k8s_parse_watch_event(const char *line, size_t len, const char *context, struct k8s_watch_event *ev,
		      struct fm_cause *why)
{
	cJSON *j = cJSON_ParseWithLength(line, len);
	const char *type = str(j, "type");
	const cJSON *obj = get(j, "object");
	int t = -1, rc = 0;

	memset(ev, 0, sizeof *ev);
	params_init(&ev->pod.tags);
	for (int i = 0; type != NULL && watch_words[i] != NULL; i++)
		if (strcmp(type, watch_words[i]) == 0)
			t = i;
	if (j == NULL || t < 0 || !cJSON_IsObject(obj)) {
		cJSON_Delete(j);
		return fm_cause_set(why, FM_EPROTO, "a watch event that is not {\"type\", \"object\"}");
	}
	ev->type = (enum k8s_watch_type)t;
	if (ev->type == K8S_ERROR) {
		char *s = cJSON_PrintUnformatted(obj);

		k8s_status_cause(s, strlen(s), 0, &ev->status);
		free(s);
	} else if (ev->type == K8S_BOOKMARK) {
		ev->rv = dup_or_null(str(get(obj, "metadata"), "resourceVersion"));
	} else {
		rc = pod_to_group(obj, context, &ev->pod, &ev->rv, why);
	}
	cJSON_Delete(j);
	return rc;
}

void
k8s_watch_event_free(struct k8s_watch_event *ev)
{
	fm_group_free(&ev->pod);
	free(ev->rv);
	memset(ev, 0, sizeof *ev);
}

int
k8s_status_cause(const char *json, size_t len, int http_status, struct fm_cause *why)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *code = get(j, "code");
	const char *reason = str(j, "reason"), *message = str(j, "message");
	int status = cJSON_IsNumber(code) ? code->valueint : http_status;
	int fm, rc;

	switch (status) {
	case 401:
	case 403:
		fm = FM_EAUTH;
		break;
	case 404:
		fm = FM_ENOTFOUND;
		break;
	case 409:
	case 410:
		fm = FM_ESTATE;
		break;
	case 0:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		fm = FM_EIO;
		break;
	default:
		fm = status >= 400 && status < 500 ? FM_EINVAL : FM_EIO;
	}
	if (message == NULL && status == 401)
		message = "Unauthorized: the cluster refused the credentials";
	rc = fm_cause_http(why, fm, status, reason != NULL ? reason : "",
			   "%s", message != NULL ? message : (json != NULL && len > 0 && j == NULL) ?
			   "the API server answered with something that is not a Status" : "the API server refused");
	/* Throttling and the server's own failures are worth another try;
	 * 410 means list again, which the watcher does, not a retry. */
	if (why != NULL)
		why->permanent = fm != FM_EIO;
	cJSON_Delete(j);
	return rc;
}
