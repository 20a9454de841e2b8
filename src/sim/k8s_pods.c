/* k8s_pods.c: pods for fleetsim's Kubernetes API: resourceVersions, lists
 * in key order with limit/continue and label selectors, a pod, namespaces,
 * and watches from each region's bounded history.
 *
 * Groups change as their processes live (life.c); no hook tells this file.
 * Every K8S_TICK_MS each group's pod is drawn again and compared with what
 * was last seen: a difference is a MODIFIED event at the next
 * resourceVersion. A fleet's groups are fixed from its file, so ADDED only
 * opens a watch (the current pods). A deleted group (its pod's DELETE, or
 * ECI's DeleteContainerGroup) stays in the array, flagged: the next tick
 * sends DELETED with the pod's last state, and it is left out after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "k8s_int.h"

static char *
pod_text(const struct fleet_group *g, uint64_t rv)
{
	cJSON *o = k8s_pod_json(g, rv);
	char *t = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	return t;
}

static int
region_index(struct sim *s, const char *id)
{
	for (size_t i = 0; i < s->fleet.nregions; i++)
		if (strcmp(s->fleet.regions[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
key_cmp(const struct fleet_group *a, const struct fleet_group *b)
{
	int c = strcmp(a->k8s_namespace, b->k8s_namespace);

	return c ? c : strcmp(a->name, b->name);
}

static int
order_cmp(const void *pa, const void *pb)
{
	const struct fleet_group *a = *(struct fleet_group *const *)pa;
	const struct fleet_group *b = *(struct fleet_group *const *)pb;
	int c = strcmp(a->region, b->region);

	return c ? c : key_cmp(a, b);
}

void
k8s_pods_init(struct sim *s)
{
	struct k8s_front *k = &s->k8s;
	size_t n = s->fleet.ngroups, nr = s->fleet.nregions;

	k->seen = xcalloc(n ? n : 1, sizeof *k->seen);
	k->pod_rv = xcalloc(n ? n : 1, sizeof *k->pod_rv);
	k->order = xcalloc(n ? n : 1, sizeof *k->order);
	k->rings = xcalloc(nr ? nr : 1, sizeof *k->rings);
	k->region_first = xcalloc(nr ? nr : 1, sizeof *k->region_first);
	k->region_count = xcalloc(nr ? nr : 1, sizeof *k->region_count);
	for (size_t i = 0; i < n; i++) {
		k->pod_rv[i] = ++k->rv;
		k->seen[i] = pod_text(&s->fleet.groups[i], 0);
		k->order[i] = &s->fleet.groups[i];
	}
	qsort(k->order, n, sizeof *k->order, order_cmp);
	for (size_t i = 0; i < n; i++) {
		int r = region_index(s, k->order[i]->region);

		if (k->region_count[r]++ == 0)
			k->region_first[r] = i;
	}
	for (size_t r = 0; r < nr; r++)
		k8s_ring_init(&k->rings[r], K8S_HISTORY, k->rv);
}

void
k8s_pods_free(struct sim *s)
{
	struct k8s_front *k = &s->k8s;

	for (size_t i = 0; k->seen && i < s->fleet.ngroups; i++)
		free(k->seen[i]);
	for (size_t r = 0; k->rings && r < s->fleet.nregions; r++)
		k8s_ring_free(&k->rings[r]);
	free(k->seen);
	free(k->pod_rv);
	free(k->order);
	free(k->rings);
	free(k->region_first);
	free(k->region_count);
	k->seen = NULL;
	k->rings = NULL;
}

/* Compare every pod with what was seen; record what changed. */
void
k8s_pods_tick(struct sim *s)
{
	struct k8s_front *k = &s->k8s;

	for (size_t i = 0; i < s->fleet.ngroups; i++) {
		struct fleet_group *g = &s->fleet.groups[i];
		char *now;

		if (g->deleted) {
			/* Once: the state last seen, at the next resourceVersion. */
			if (k->seen[i] != NULL) {
				cJSON *o = cJSON_Parse(k->seen[i]);

				free(k->seen[i]);
				k->seen[i] = NULL;
				k->pod_rv[i] = ++k->rv;
				k8s_pod_mark_deleted(o, k->rv, fm_time_now());
				k8s_ring_push(&k->rings[region_index(s, g->region)], k->rv,
				              "DELETED", g->k8s_namespace, &g->tags,
				              cJSON_PrintUnformatted(o));
				cJSON_Delete(o);
			}
			continue;
		}
		now = pod_text(g, 0);
		if (strcmp(now, k->seen[i]) == 0) {
			free(now);
			continue;
		}
		free(k->seen[i]);
		k->seen[i] = now;
		k->pod_rv[i] = ++k->rv;
		k8s_ring_push(&k->rings[region_index(s, g->region)], k->rv, "MODIFIED",
		              g->k8s_namespace, &g->tags, pod_text(g, k->rv));
	}
}

static uint64_t
rv_of(struct sim *s, const struct fleet_group *g)
{
	return s->k8s.pod_rv[g - s->fleet.groups];
}

struct fleet_group *
k8s_find_pod(struct sim *s, int region, const char *ns, const char *name)
{
	struct k8s_front *k = &s->k8s;

	for (size_t i = 0; i < k->region_count[region]; i++) {
		struct fleet_group *g = k->order[k->region_first[region] + i];

		if (!g->deleted && strcmp(g->k8s_namespace, ns) == 0 && strcmp(g->name, name) == 0)
			return g;
	}
	return NULL;
}

static void
list_meta(cJSON *o, const char *kind, uint64_t rv)
{
	char t[24];

	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	snprintf(t, sizeof t, "%llu", (unsigned long long)rv);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "resourceVersion", t);
}

static cJSON *
namespace_json(const char *name)
{
	cJSON *o = cJSON_CreateObject(), *md;

	cJSON_AddStringToObject(o, "kind", "Namespace");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "resourceVersion", "1");
	cJSON_AddStringToObject(md, "creationTimestamp", "2026-11-01T08:00:00Z");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "status"), "phase", "Active");
	return o;
}

/* The region's namespaces (those its pods are in), or one of them. */
void
k8s_namespaces(struct k8s_stream *st, const char *one)
{
	struct k8s_front *k = &st->s->k8s;
	cJSON *list = cJSON_CreateObject(), *items;
	const char *last = NULL;

	list_meta(list, "NamespaceList", k->rv);
	items = cJSON_AddArrayToObject(list, "items");
	for (size_t i = 0; i < k->region_count[st->region]; i++) {
		const char *ns = k->order[k->region_first[st->region] + i]->k8s_namespace;

		if (last != NULL && strcmp(last, ns) == 0)
			continue; /* key order: a namespace's pods are together */
		last = ns;
		if (one != NULL && strcmp(one, ns) == 0) {
			cJSON_Delete(list);
			k8s_reply_json(st, 200, namespace_json(ns));
			return;
		}
		cJSON_AddItemToArray(items, namespace_json(ns));
	}
	if (one != NULL) {
		cJSON_Delete(list);
		k8s_reply_status(st, 404, NULL, "namespaces \"%s\" not found", one);
		return;
	}
	k8s_reply_json(st, 200, list);
}

void
k8s_pods_get(struct k8s_stream *st, const char *ns, const char *name)
{
	struct fleet_group *g = k8s_find_pod(st->s, st->region, ns, name);

	if (g == NULL) {
		k8s_reply_status(st, 404, NULL, "pods \"%s\" not found", name);
		return;
	}
	if (st->table) {
		cJSON *one = cJSON_CreateArray(), *t;
		char rv[24];

		snprintf(rv, sizeof rv, "%llu", (unsigned long long)rv_of(st->s, g));
		cJSON_AddItemToArray(one, k8s_pod_json(g, rv_of(st->s, g)));
		t = k8s_pods_table(one, rv, NULL, fm_time_now());
		cJSON_Delete(one);
		k8s_reply_json(st, 200, t);
		return;
	}
	k8s_reply_json(st, 200, k8s_pod_json(g, rv_of(st->s, g)));
}

/* DELETE .../pods/NAME: as with gracePeriodSeconds=0, the pod goes at once
 * (DeleteOptions are read and ignored). The answer is the pod as it was,
 * as the API server answers (200); watches get DELETED at the next tick. */
void
k8s_pods_delete(struct k8s_stream *st, const char *ns, const char *name)
{
	struct fleet_group *g = k8s_find_pod(st->s, st->region, ns, name);

	if (g == NULL) {
		k8s_reply_status(st, 404, NULL, "pods \"%s\" not found", name);
		return;
	}
	{
		cJSON *o = k8s_pod_json(g, 0);

		k8s_pod_mark_deleted(o, rv_of(st->s, g), fm_time_now());
		k8s_reply_json(st, 200, o);
	}
	life_group_delete(st->s, g);
}

/* fieldSelector: metadata.name= and metadata.namespace= (what kubectl
 * sends for one pod); anything else is refused as the API server does. */
static int
field_selector(struct k8s_stream *st, const char *text, char **name, char **ns)
{
	const char *p = text;

	*name = *ns = NULL;
	while (p != NULL && *p) {
		size_t n = strcspn(p, ",");
		char *req = xstrndup(p, n), *eq = strstr(req, "=");
		const char *v = eq ? eq + (eq[1] == '=' ? 2 : 1) : NULL;

		if (eq != NULL)
			*eq = '\0';
		if (v != NULL && strcmp(req, "metadata.name") == 0)
			*name = xstrdup(v);
		else if (v != NULL && strcmp(req, "metadata.namespace") == 0)
			*ns = xstrdup(v);
		else {
			k8s_reply_status(
			    st, 400, NULL,
			    "\"%s\" is not a known field selector: only \"metadata.name\", "
			    "\"metadata.namespace\"",
			    p);
			free(req);
			free(*name);
			free(*ns);
			return -1;
		}
		free(req);
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
pod_matches(const struct fleet_group *g, const char *ns, const char *name,
            const struct k8s_selector *sel)
{
	return !g->deleted && (ns == NULL || strcmp(g->k8s_namespace, ns) == 0) &&
	       (name == NULL || strcmp(g->name, name) == 0) && k8s_selector_match(sel, &g->tags);
}

static void
watch_line(struct k8s_stream *st, const char *type, const char *object)
{
	buf_printf(&st->out, "{\"type\":\"%s\",\"object\":%s}\n", type, object);
	st->last_line_ns = fm_time_now();
}

static void
watch_start(struct k8s_stream *st, const struct params *q)
{
	struct sim *s = st->s;
	struct k8s_front *k = &s->k8s;
	const char *rvs = params_get(q, "resourceVersion");
	long timeout;

	if (k8s_param_uint(st, q, "timeoutSeconds", &timeout) < 0)
		return;
	st->watch = 1;
	st->bookmarks = k8s_param_true(q, "allowWatchBookmarks");
	if (timeout > 0)
		st->deadline_ns = fm_time_now() + (int64_t)timeout * FM_NS_PER_SEC;
	st->ctype = "application/json";
	if (rvs == NULL || *rvs == '\0' || strcmp(rvs, "0") == 0) {
		/* The current pods, as ADDED, then what changes. */
		for (size_t i = 0; i < k->region_count[st->region]; i++) {
			struct fleet_group *g = k->order[k->region_first[st->region] + i];

			if (pod_matches(g, st->ns, st->name, &st->sel)) {
				char *t = pod_text(g, rv_of(s, g));

				watch_line(st, "ADDED", t);
				free(t);
			}
		}
		st->sent_rv = k->rv;
	} else {
		char *end;
		unsigned long long rv = strtoull(rvs, &end, 10);

		if (*end != '\0') {
			k8s_reply_status(st, 400, NULL, "invalid resource version \"%s\"", rvs);
			return;
		}
		if (k8s_ring_since(&k->rings[st->region], rv) < 0) {
			/* As the API server says it: a 200 stream whose one event is
			 * an ERROR with a 410 Status. */
			cJSON *o =
			    k8s_status_json(410, "Expired", "too old resource version: %llu (%llu)",
			                    rv, (unsigned long long)k->rings[st->region].floor);
			char *t = cJSON_PrintUnformatted(o);

			cJSON_Delete(o);
			st->status = 200;
			st->streaming = 1;
			watch_line(st, "ERROR", t);
			free(t);
			st->done = 1;
			return;
		}
		st->sent_rv = rv;
	}
	st->status = 200;
	k8s_stream_keep(st);
	k8s_watch_pump(st);
}

/* Called each tick: the events newer than those sent, a bookmark when
 * quiet, the end at timeoutSeconds. */
void
k8s_watch_pump(struct k8s_stream *st)
{
	struct k8s_front *k = &st->s->k8s;
	const struct k8s_ring *ring = &k->rings[st->region];
	long i = k8s_ring_since(ring, st->sent_rv);
	int64_t now = fm_time_now();

	if (st->done)
		return;
	if (i < 0 || st->out.len > K8S_MAX_BACKLOG) {
		/* Too slow: what it missed is gone. The client watches again. */
		st->done = 1;
		return;
	}
	for (; (size_t)i < ring->count; i++) {
		const struct k8s_event *e = k8s_ring_at(ring, (size_t)i);

		st->sent_rv = e->rv;
		if ((st->ns == NULL || strcmp(e->ns, st->ns) == 0) &&
		    k8s_selector_match(&st->sel, &e->labels)) {
			if (st->name != NULL) {
				cJSON *o = cJSON_Parse(e->object);
				const cJSON *n = cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(o, "metadata"), "name");
				int same =
				    cJSON_IsString(n) && strcmp(n->valuestring, st->name) == 0;

				cJSON_Delete(o);
				if (!same)
					continue;
			}
			watch_line(st, e->type, e->object);
		}
	}
	if (st->bookmarks && now - st->last_line_ns >= (int64_t)K8S_BOOKMARK_MS * 1000000) {
		char t[160];

		snprintf(
		    t, sizeof t,
		    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":"
		    "\"%llu\"}}",
		    (unsigned long long)k->rv);
		st->sent_rv = k->rv;
		watch_line(st, "BOOKMARK", t);
	}
	if (st->deadline_ns > 0 && now >= st->deadline_ns)
		st->done = 1;
}

/* GET .../pods: a list (limit, continue, labelSelector, fieldSelector) or,
 * with watch=1, a watch. */
void
k8s_pods_list(struct k8s_stream *st, const char *ns, const struct params *q)
{
	struct sim *s = st->s;
	struct k8s_front *k = &s->k8s;
	const char *cont = params_get(q, "continue");
	char *why = NULL, *start = NULL, *fns = NULL;
	uint64_t list_rv = k->rv;
	long limit, taken = 0, remaining = 0;
	struct fleet_group *last = NULL;
	cJSON *list, *items;
	int selected;

	if (k8s_selector_parse(params_get(q, "labelSelector"), &st->sel, &why) < 0) {
		k8s_reply_status(st, 400, NULL, "%s", why);
		free(why);
		return;
	}
	if (field_selector(st, params_get(q, "fieldSelector"), &st->name, &fns) < 0)
		return;
	if (fns != NULL && ns != NULL && strcmp(fns, ns) != 0)
		st->ns = xstrdup("\001none"); /* a namespace no pod is in */
	else
		st->ns = ns ? xstrdup(ns) : fns ? xstrdup(fns) : NULL;
	free(fns);
	ns = st->ns;
	if (k8s_param_true(q, "watch")) {
		watch_start(st, q);
		return;
	}
	if (k8s_param_uint(st, q, "limit", &limit) < 0)
		return;
	if (cont != NULL && *cont) {
		if (k8s_continue_decode(cont, &list_rv, &start) < 0) {
			k8s_reply_status(st, 400, NULL, "continue key is not valid: \"%s\"", cont);
			return;
		}
		if (list_rv < k->rings[st->region].floor) {
			free(start);
			k8s_reply_status(
			    st, 410, "Expired",
			    "The provided continue parameter is too old to display a consistent "
			    "list "
			    "result. You can start a new list without the continue parameter.");
			return;
		}
	}
	selected = st->sel.n > 0 || st->name != NULL;
	list = cJSON_CreateObject();
	list_meta(list, "PodList", list_rv);
	items = cJSON_AddArrayToObject(list, "items");
	for (size_t i = 0; i < k->region_count[st->region]; i++) {
		struct fleet_group *g = k->order[k->region_first[st->region] + i];

		if (start != NULL) {
			char *key = xasprintf("%s/%s", g->k8s_namespace, g->name);
			int before = strcmp(key, start) <= 0;

			free(key);
			if (before)
				continue;
		}
		if (!pod_matches(g, ns, st->name, &st->sel))
			continue;
		if (limit > 0 && taken == limit) {
			remaining++;
			continue;
		}
		cJSON_AddItemToArray(items, k8s_pod_json(g, rv_of(s, g)));
		last = g;
		taken++;
	}
	if (remaining > 0 && last != NULL) {
		char *key = xasprintf("%s/%s", last->k8s_namespace, last->name);
		char *tok = k8s_continue_encode(list_rv, key);
		cJSON *md = cJSON_GetObjectItemCaseSensitive(list, "metadata");

		cJSON_AddStringToObject(md, "continue", tok);
		/* The API server counts the rest only when no selector hides some. */
		if (!selected)
			cJSON_AddNumberToObject(md, "remainingItemCount", (double)remaining);
		free(tok);
		free(key);
	}
	free(start);
	if (st->table) {
		/* kubectl get: the same page, as rows (watches stay Pods: kubectl
		 * prints those with its own columns). */
		cJSON *md = cJSON_GetObjectItemCaseSensitive(list, "metadata");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(md, "continue");
		cJSON *t = k8s_pods_table(
		    items, cJSON_GetObjectItemCaseSensitive(md, "resourceVersion")->valuestring,
		    cJSON_IsString(c) ? c->valuestring : NULL, fm_time_now());

		cJSON_Delete(list);
		k8s_reply_json(st, 200, t);
		return;
	}
	k8s_reply_json(st, 200, list);
}
