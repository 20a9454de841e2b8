/* k8s_pod.c: the pure half of fleetsim's Kubernetes API: a container group
 * as a v1 Pod (its containers' ECI states as containerStatuses), label
 * selectors, continue tokens as the API server makes them, the bounded
 * watch history and Status objects. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/simk8s.h"

/* --- pods --- */

const char *
k8s_pod_phase(const char *s)
{
	static const struct {
		const char *eci, *phase;
	} map[] = {
	    {"Pending", "Pending"},     {"Scheduling", "Pending"},  {"ScheduleFailed", "Pending"},
	    {"Running", "Running"},     {"Restarting", "Running"},  {"Updating", "Running"},
	    {"Terminating", "Running"}, {"Succeeded", "Succeeded"}, {"Failed", "Failed"},
	    {"Expired", "Failed"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i].eci) == 0)
			return map[i].phase;
	return "Unknown";
}

/* A uid that stays the same for a group: its id's hash, in the UUID shape. */
static void
pod_uid(const struct fleet_group *g, char out[37])
{
	unsigned char md[32];
	unsigned int n = 0;
	char hex[65];

	EVP_Digest(g->id, strlen(g->id), md, &n, EVP_sha256(), NULL);
	fm_hex_encode(md, 16, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static cJSON *
labels_json(const struct params *p)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < p->n; i++)
		cJSON_AddStringToObject(o, p->v[i].key, p->v[i].value);
	return o;
}

static void
add_time(cJSON *o, const char *name, const char *t)
{
	cJSON_AddStringToObject(o, name, t && *t ? t : "2026-11-01T08:00:00Z");
}

/* ECI's CurrentState as a ContainerState: running, waiting or terminated. */
static cJSON *
state_json(const struct fleet_container *k)
{
	cJSON *st = cJSON_CreateObject(), *o;

	if (strcmp(k->state, "Running") == 0) {
		o = cJSON_AddObjectToObject(st, "running");
		add_time(o, "startedAt", k->start_time);
	} else if (strcmp(k->state, "Terminated") == 0) {
		o = cJSON_AddObjectToObject(st, "terminated");
		cJSON_AddNumberToObject(o, "exitCode", k->exit_code);
		cJSON_AddStringToObject(
		    o, "reason", *k->reason ? k->reason : (k->exit_code ? "Error" : "Completed"));
		add_time(o, "startedAt", k->start_time);
		add_time(o, "finishedAt", k->finish_time);
	} else {
		o = cJSON_AddObjectToObject(st, "waiting");
		cJSON_AddStringToObject(o, "reason", *k->reason ? k->reason : "ContainerCreating");
	}
	return st;
}

static cJSON *
last_state_json(const struct fleet_container *k)
{
	cJSON *st = cJSON_CreateObject(), *o;

	if (!k->has_prev)
		return st;
	o = cJSON_AddObjectToObject(st, "terminated");
	cJSON_AddNumberToObject(o, "exitCode", k->prev.exit_code);
	cJSON_AddStringToObject(o, "reason", k->prev.reason ? k->prev.reason : "Error");
	add_time(o, "startedAt", k->prev.start_time);
	add_time(o, "finishedAt", k->prev.finish_time);
	return st;
}

static cJSON *
spec_json(const struct fleet_group *g)
{
	cJSON *spec = cJSON_CreateObject(), *cs = cJSON_AddArrayToObject(spec, "containers");

	for (size_t i = 0; i < g->ncontainers; i++) {
		const struct fleet_container *k = &g->containers[i];
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "name", k->name);
		cJSON_AddStringToObject(c, "image", k->image);
		/* As a real pod has them: the fleet's figures are its limits
		 * (Mi, the unit kubectl prints; a limit of 0 is not set). */
		if (k->cpu > 0 || k->memory > 0) {
			cJSON *lim = cJSON_AddObjectToObject(cJSON_AddObjectToObject(c, "resources"), "limits");
			char q[32];

			if (k->cpu > 0) {
				snprintf(q, sizeof q, "%.0fm", k->cpu * 1000);
				cJSON_AddStringToObject(lim, "cpu", q);
			}
			if (k->memory > 0) {
				snprintf(q, sizeof q, "%.0fMi", k->memory * 1024);
				cJSON_AddStringToObject(lim, "memory", q);
			}
		}
		if (k->command != NULL) {
			cJSON *cmd = cJSON_AddArrayToObject(c, "command");

			for (char **a = k->command; *a; a++)
				cJSON_AddItemToArray(cmd, cJSON_CreateString(*a));
		}
		if (k->nports > 0) {
			cJSON *ports = cJSON_AddArrayToObject(c, "ports");

			for (int j = 0; j < k->nports; j++) {
				cJSON *p = cJSON_CreateObject();

				cJSON_AddNumberToObject(p, "containerPort", k->ports[j]);
				cJSON_AddStringToObject(p, "protocol", "TCP");
				cJSON_AddItemToArray(ports, p);
			}
		}
		cJSON_AddItemToArray(cs, c);
	}
	cJSON_AddStringToObject(spec, "restartPolicy", g->restart_policy);
	cJSON_AddStringToObject(spec, "nodeName", "virtual-kubelet-eci");
	return spec;
}

cJSON *
k8s_pod_json(const struct fleet_group *g, uint64_t rv)
{
	cJSON *pod = cJSON_CreateObject(), *md, *st, *css, *conds;
	char uid[37], rvs[24];
	const char *phase = k8s_pod_phase(g->status);
	int ready = strcmp(phase, "Running") == 0;

	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	md = cJSON_AddObjectToObject(pod, "metadata");
	cJSON_AddStringToObject(md, "name", g->name);
	cJSON_AddStringToObject(md, "namespace", g->k8s_namespace ? g->k8s_namespace : "default");
	pod_uid(g, uid);
	cJSON_AddStringToObject(md, "uid", uid);
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
	cJSON_AddStringToObject(md, "resourceVersion", rvs);
	add_time(md, "creationTimestamp", g->created);
	cJSON_AddItemToObject(md, "labels", labels_json(&g->tags));
	{
		cJSON *ann = cJSON_AddObjectToObject(md, "annotations");

		cJSON_AddStringToObject(ann, "k8s.aliyun.com/eci-instance-id", g->id);
		cJSON_AddStringToObject(ann, "topology.kubernetes.io/zone", g->zone);
	}
	cJSON_AddItemToObject(pod, "spec", spec_json(g));
	st = cJSON_AddObjectToObject(pod, "status");
	cJSON_AddStringToObject(st, "phase", phase);
	if (*g->intranet_ip) {
		cJSON *ip = cJSON_CreateObject();

		cJSON_AddStringToObject(st, "podIP", g->intranet_ip);
		cJSON_AddStringToObject(ip, "ip", g->intranet_ip);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "podIPs"), ip);
	}
	add_time(st, "startTime", g->created);
	css = cJSON_AddArrayToObject(st, "containerStatuses");
	for (size_t i = 0; i < g->ncontainers; i++) {
		const struct fleet_container *k = &g->containers[i];
		cJSON *c = cJSON_CreateObject();
		int running = strcmp(k->state, "Running") == 0;

		ready &= running;
		cJSON_AddStringToObject(c, "name", k->name);
		cJSON_AddItemToObject(c, "state", state_json(k));
		cJSON_AddItemToObject(c, "lastState", last_state_json(k));
		cJSON_AddBoolToObject(c, "ready", running);
		cJSON_AddNumberToObject(c, "restartCount", k->restart_count);
		cJSON_AddStringToObject(c, "image", k->image);
		cJSON_AddStringToObject(c, "imageID", "");
		cJSON_AddBoolToObject(c, "started", running);
		cJSON_AddItemToArray(css, c);
	}
	conds = cJSON_AddArrayToObject(st, "conditions");
	{
		static const char *types[] = {"PodScheduled", "Initialized", "ContainersReady",
		                              "Ready"};

		for (size_t i = 0; i < 4; i++) {
			cJSON *c = cJSON_CreateObject();
			int ok = i < 2 ? strcmp(phase, "Pending") != 0 : ready;

			cJSON_AddStringToObject(c, "type", types[i]);
			cJSON_AddStringToObject(c, "status", ok ? "True" : "False");
			cJSON_AddItemToArray(conds, c);
		}
	}
	return pod;
}

/* --- label selectors --- */

static int
label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '/';
}

static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

static int
valid_word(const char *s, int may_be_empty)
{
	if (*s == '\0')
		return may_be_empty;
	for (; *s; s++)
		if (!label_char(*s))
			return 0;
	return 1;
}

static int
parse_req(const char *s, size_t n, struct k8s_req *q, char **why)
{
	char *text = trimmed(s, n), *op;
	int rc = 0;

	memset(q, 0, sizeof *q);
	if ((op = strstr(text, "!=")) != NULL) {
		q->negate = 1;
		q->key = trimmed(text, (size_t)(op - text));
		q->value = trimmed(op + 2, strlen(op + 2));
	} else if ((op = strstr(text, "==")) != NULL) {
		q->key = trimmed(text, (size_t)(op - text));
		q->value = trimmed(op + 2, strlen(op + 2));
	} else if ((op = strchr(text, '=')) != NULL) {
		q->key = trimmed(text, (size_t)(op - text));
		q->value = trimmed(op + 1, strlen(op + 1));
	} else if (text[0] == '!') {
		q->negate = 1;
		q->key = trimmed(text + 1, strlen(text + 1));
	} else {
		q->key = xstrdup(text);
	}
	if (strstr(text, " in ") != NULL || strstr(text, " notin ") != NULL || strchr(text, '(') ||
	    strchr(text, '<') || strchr(text, '>')) {
		*why =
		    xasprintf("unable to parse requirement: \"%s\": fleetsim serves equality-based "
		              "selectors only (a=b, a!=b, a, !a)",
		              text);
		rc = -FM_EINVAL;
	} else if (!valid_word(q->key, 0) || (q->value != NULL && !valid_word(q->value, 1))) {
		*why =
		    xasprintf("unable to parse requirement: \"%s\": keys and values are letters, "
		              "digits, '-', '_', '.' and '/'",
		              text);
		rc = -FM_EINVAL;
	}
	free(text);
	return rc;
}

int
k8s_selector_parse(const char *text, struct k8s_selector *sel, char **why)
{
	const char *p = text;

	memset(sel, 0, sizeof *sel);
	*why = NULL;
	if (text == NULL || *text == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");

		sel->v = xrealloc(sel->v, (sel->n + 1) * sizeof *sel->v);
		if (parse_req(p, n, &sel->v[sel->n], why) < 0) {
			sel->n++;
			k8s_selector_free(sel);
			return -FM_EINVAL;
		}
		sel->n++;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return 0;
}

int
k8s_selector_match(const struct k8s_selector *sel, const struct params *labels)
{
	for (size_t i = 0; i < sel->n; i++) {
		const struct k8s_req *q = &sel->v[i];
		const char *v = params_get(labels, q->key);
		int has = q->value == NULL ? v != NULL : v != NULL && strcmp(v, q->value) == 0;

		/* "a!=b" also matches objects without a (as the API server reads it). */
		if (has == q->negate)
			return 0;
	}
	return 1;
}

void
k8s_selector_free(struct k8s_selector *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->v[i].key);
		free(sel->v[i].value);
	}
	free(sel->v);
	memset(sel, 0, sizeof *sel);
}

/* --- continue tokens --- */

char *
k8s_continue_encode(uint64_t rv, const char *last_key)
{
	cJSON *o = cJSON_CreateObject();
	char *json, *out;
	size_t n;

	cJSON_AddStringToObject(o, "v", "meta.k8s.io/v1");
	cJSON_AddNumberToObject(o, "rv", (double)rv);
	/* The next key after last_key is itself with a NUL after it: the NUL
	 * is added below. */
	cJSON_AddStringToObject(o, "start", last_key);
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	/* cJSON cannot hold the NUL in a string: write it as \u0000 by hand. */
	{
		struct buf b;
		char *end = json + strlen(json) - 2; /* the closing quote of start */

		buf_init(&b);
		buf_append(&b, json, (size_t)(end - json));
		buf_puts(&b, "\\u0000\"}");
		free(json);
		json = buf_steal(&b);
	}
	n = strlen(json);
	out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)json, (int)n);
	free(json);
	/* base64url without padding, as Go's RawURLEncoding writes it. */
	for (char *p = out; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=') {
			*p = '\0';
			break;
		}
	}
	return out;
}

int
k8s_continue_decode(const char *token, uint64_t *rv, char **start)
{
	size_t n = strlen(token), padded = (n + 3) / 4 * 4;
	char *b64 = xmalloc(padded + 1);
	unsigned char *raw = xmalloc(padded + 1);
	int len, rc = -FM_EINVAL;
	cJSON *o = NULL, *jrv, *js, *jv;

	*start = NULL;
	for (size_t i = 0; i < padded; i++) {
		char c = i < n ? token[i] : '=';

		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		b64[i] = c;
	}
	b64[padded] = '\0';
	len = n ? EVP_DecodeBlock(raw, (unsigned char *)b64, (int)padded) : -1;
	if (len > 0) {
		while (len > 0 && raw[len - 1] == '\0')
			len--; /* EVP_DecodeBlock counts the padding's zero bytes */
		o = cJSON_ParseWithLength((const char *)raw, (size_t)len);
	}
	jv = cJSON_GetObjectItemCaseSensitive(o, "v");
	jrv = cJSON_GetObjectItemCaseSensitive(o, "rv");
	js = cJSON_GetObjectItemCaseSensitive(o, "start");
	if (cJSON_IsString(jv) && strcmp(jv->valuestring, "meta.k8s.io/v1") == 0 &&
	    cJSON_IsNumber(jrv) && jrv->valuedouble >= 0 && cJSON_IsString(js)) {
		*rv = (uint64_t)jrv->valuedouble;
		*start = xstrdup(js->valuestring); /* cJSON stops at the \u0000 */
		rc = 0;
	}
	cJSON_Delete(o);
	free(b64);
	free(raw);
	return rc;
}

/* --- the watch history --- */

void
k8s_ring_init(struct k8s_ring *r, size_t cap, uint64_t floor)
{
	memset(r, 0, sizeof *r);
	r->cap = cap ? cap : 1;
	r->v = xcalloc(r->cap, sizeof *r->v);
	r->floor = floor;
}

static void
event_free(struct k8s_event *e)
{
	free(e->ns);
	free(e->object);
	params_free(&e->labels);
}

void
k8s_ring_push(struct k8s_ring *r, uint64_t rv, const char *type, const char *ns,
              const struct params *labels, char *object)
{
	struct k8s_event *e;

	if (r->count == r->cap) {
		e = &r->v[r->start];
		r->floor = e->rv;
		event_free(e);
		r->start = (r->start + 1) % r->cap;
		r->count--;
	}
	e = &r->v[(r->start + r->count) % r->cap];
	memset(e, 0, sizeof *e);
	e->rv = rv;
	snprintf(e->type, sizeof e->type, "%s", type);
	e->ns = xstrdup(ns);
	params_init(&e->labels);
	for (size_t i = 0; labels != NULL && i < labels->n; i++)
		params_add(&e->labels, labels->v[i].key, labels->v[i].value);
	e->object = object;
	r->count++;
}

long
k8s_ring_since(const struct k8s_ring *r, uint64_t rv)
{
	if (rv < r->floor)
		return -1;
	for (size_t i = 0; i < r->count; i++)
		if (k8s_ring_at(r, i)->rv > rv)
			return (long)i;
	return (long)r->count;
}

const struct k8s_event *
k8s_ring_at(const struct k8s_ring *r, size_t i)
{
	return &r->v[(r->start + i) % r->cap];
}

void
k8s_ring_free(struct k8s_ring *r)
{
	for (size_t i = 0; i < r->count; i++)
		event_free(&r->v[(r->start + i) % r->cap]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* --- RBAC-like denials --- */

static int
word_matches(const char *rule, const char *v)
{
	return strcmp(rule, "*") == 0 || strcmp(rule, v) == 0;
}

int
k8s_denied(const struct fleet_region *r, const char *verb, const char *resource, const char *ns)
{
	for (size_t i = 0; i < r->nk8s_deny; i++) {
		const struct fleet_deny *d = &r->k8s_deny[i];

		if (word_matches(d->verb, verb) && word_matches(d->resource, resource) &&
		    (*d->ns == '\0' || (ns != NULL && strcmp(d->ns, ns) == 0)))
			return 1;
	}
	return 0;
}

/* --- Status --- */

const char *
k8s_reason_for(int code)
{
	switch (code) {
	case 400:
		return "BadRequest";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "NotFound";
	case 405:
		return "MethodNotAllowed";
	case 406:
		return "NotAcceptable";
	case 409:
		return "Conflict";
	case 410:
		return "Expired";
	case 422:
		return "Invalid";
	case 429:
		return "TooManyRequests";
	default:
		return "InternalError";
	}
}

cJSON *
k8s_status_json(int code, const char *reason, const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject();
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "kind", "Status");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(o, "status", "Failure");
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddStringToObject(o, "reason", reason ? reason : k8s_reason_for(code));
	cJSON_AddNumberToObject(o, "code", code);
	return o;
}

void
k8s_pod_mark_deleted(cJSON *pod, uint64_t rv, int64_t now_ns)
{
	cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	char t[36], rvs[24];

	if (!cJSON_IsObject(md))
		return;
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
	fm_time_format_sec(now_ns, t);
	cJSON_DeleteItemFromObjectCaseSensitive(md, "resourceVersion");
	cJSON_DeleteItemFromObjectCaseSensitive(md, "deletionTimestamp");
	cJSON_DeleteItemFromObjectCaseSensitive(md, "deletionGracePeriodSeconds");
	cJSON_AddStringToObject(md, "resourceVersion", rvs);
	cJSON_AddStringToObject(md, "deletionTimestamp", t);
	cJSON_AddNumberToObject(md, "deletionGracePeriodSeconds", 0);
}
