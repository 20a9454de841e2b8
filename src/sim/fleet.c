/* fleet.c: read a fleet file into fleetsim's model. Every error names the
 * file, the place in it (regions[1].groups[3].status) and what is wrong. */
#include "fleetmux/fleet.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/simmetric.h"

#define FLEET_MAX_FILE (64u << 20)

static const char *group_statuses[] = {
    "Pending",    "Running",  "Succeeded",   "Failed",  "Scheduling",
    "ScheduleFailed", "Restarting", "Updating", "Terminating", "Expired", NULL};
static const char *container_states[] = {"Waiting", "Running", "Terminated", NULL};
static const char *restart_policies[] = {"Always", "OnFailure", "Never", NULL};
/* When the fleet file's log lines were written: 2026-11-01T00:00:00Z. */
#define FLEET_LOG_TIME (1793520000LL * FM_NS_PER_SEC)

static int
one_of(const char *s, const char **set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* The parse context: the file's name and the path to the current value. */
struct ctx {
	const char *file;
	char path[256];
};

static int
bad(const struct ctx *c, const char *field, const char *why)
{
	return fm_error(FM_EINVAL, "%s: %s%s%s: %s", c->file, c->path, *c->path && field ? "." : "",
			field ? field : "", why);
}

/* Optional string field; def when absent. */
static int
get_str(const struct ctx *c, const cJSON *o, const char *field, const char *def, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (v == NULL || cJSON_IsNull(v)) {
		if (def == NULL)
			return bad(c, field, "is required");
		*out = xstrdup(def);
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(c, field, "must be a string");
	*out = xstrdup(v->valuestring);
	return 0;
}

static int
get_num(const struct ctx *c, const cJSON *o, const char *field, double def, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return bad(c, field, "must be a number");
	*out = v->valuedouble;
	return 0;
}

static int
get_argv(const struct ctx *c, const cJSON *o, const char *field, char ***out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field), *e;
	size_t n = 0, i = 0;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return bad(c, field, "must be a non-empty array of strings");
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return bad(c, field, "must be a non-empty array of strings");
		n++;
	}
	*out = xcalloc(n + 1, sizeof **out);
	cJSON_ArrayForEach(e, v)(*out)[i++] = xstrdup(e->valuestring);
	return 0;
}

/* "ports": [80, 443]: TCP ports, at most FLEET_MAX_PORTS. */
static int
get_ports(const struct ctx *c, const cJSON *o, struct fleet_container *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "ports"), *e;

	if (v == NULL)
		return 0;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > FLEET_MAX_PORTS)
		return bad(c, "ports", "must be an array of at most 16 port numbers");
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 65535 ||
		    e->valuedouble != (int)e->valuedouble)
			return bad(c, "ports", "must hold port numbers, 1 to 65535");
		k->ports[k->nports++] = (int)e->valuedouble;
	}
	return 0;
}

static int
get_map(const struct ctx *c, const cJSON *o, const char *field, struct params *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field), *e;

	if (v == NULL)
		return 0;
	if (!cJSON_IsObject(v))
		return bad(c, field, "must be an object of strings");
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return bad(c, field, "must be an object of strings");
		params_add(out, e->string, e->valuestring);
	}
	return 0;
}

/* Extend the path with ".name[index]" (no brackets when index < 0). */
static void
push_path(struct ctx *c, size_t *saved, const char *name, int index)
{
	size_t len = strlen(c->path);

	*saved = len;
	if (index >= 0)
		snprintf(c->path + len, sizeof c->path - len, "%s%s[%d]", len ? "." : "", name, index);
	else
		snprintf(c->path + len, sizeof c->path - len, "%s%s", len ? "." : "", name);
}

/* "log": ["line", ...] into a log, every line written at FLEET_LOG_TIME. */
static int
get_log(const struct ctx *c, const cJSON *o, const char *field, struct fleet_log *out)
{
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(o, field), *e;

	if (log == NULL)
		return 0;
	if (!cJSON_IsArray(log))
		return bad(c, field, "must be an array of strings");
	cJSON_ArrayForEach(e, log) {
		if (!cJSON_IsString(e))
			return bad(c, field, "must be an array of strings");
		fleet_log_append(out, FLEET_LOG_TIME, e->valuestring, strlen(e->valuestring));
		fleet_log_append(out, FLEET_LOG_TIME, "\n", 1);
	}
	return 0;
}

static int64_t
time_or(const char *rfc3339, int64_t def)
{
	int64_t t;

	return fm_time_parse(rfc3339, strlen(rfc3339), &t) == 0 ? t : def;
}

/* The events a container in the file's state would have left. One whose
 * main process fleetsim starts gets its own as it starts (life.c). */
static void
initial_events(struct fleet_group *g, const struct fleet_container *k)
{
	int64_t at = time_or(k->start_time, time_or(g->created, FLEET_LOG_TIME));

	if (k->command != NULL && strcmp(k->state, "Running") == 0 && strcmp(g->status, "Running") == 0)
		return;
	if (strcmp(k->state, "Waiting") == 0) {
		if (strcmp(k->reason, "ImagePulling") == 0)
			fleet_event(g, at, "Normal", "Pulling", "Pulling image \"%s\"", k->image);
		else if (*k->reason)
			fleet_event(g, at, "Normal", k->reason, "Container %s is waiting: %s", k->name,
				    k->reason);
		return;
	}
	fleet_event(g, at, "Normal", "Pulled", "Container image \"%s\" already present on machine",
		    k->image);
	fleet_event(g, at, "Normal", "Created", "Created container %s", k->name);
	fleet_event(g, at, "Normal", "Started", "Started container %s", k->name);
	if (strcmp(k->state, "Terminated") == 0) {
		if (strcmp(k->reason, "OOMKilled") == 0)
			fleet_event(g, at, "Warning", "OOMKilling",
				    "Memory cgroup out of memory: killed the main process of container %s",
				    k->name);
		else
			fleet_event(g, at, "Warning", "Failed", "Container %s exited with code %d%s%s%s",
				    k->name, k->exit_code, *k->reason ? " (" : "", k->reason,
				    *k->reason ? ")" : "");
	}
}

static int
parse_container(struct ctx *c, const cJSON *o, struct fleet_container *k, const char *group_status)
{
	double rc;
	int r;

	if (!cJSON_IsObject(o))
		return bad(c, NULL, "must be an object");
	params_init(&k->env);
	k->log_fd = -1;
	if ((r = get_str(c, o, "name", NULL, &k->name)) < 0 ||
	    (r = get_str(c, o, "image", "busybox:latest", &k->image)) < 0 ||
	    (r = get_str(c, o, "state",
			 strcmp(group_status, "Running") == 0  ? "Running"
			 : strcmp(group_status, "Failed") == 0 ? "Terminated"
							       : "Waiting",
			 &k->state)) < 0 ||
	    (r = get_str(c, o, "reason", "", &k->reason)) < 0 ||
	    (r = get_str(c, o, "workdir", "/", &k->workdir)) < 0 ||
	    (r = get_str(c, o, "start_time", "2026-11-01T08:00:00Z", &k->start_time)) < 0 ||
	    (r = get_num(c, o, "restart_count", 0, &rc)) < 0 ||
	    (r = get_num(c, o, "cpu", 1, &k->cpu)) < 0 || (r = get_num(c, o, "memory", 2, &k->memory)) < 0 ||
	    (r = get_argv(c, o, "command", &k->command)) < 0 || (r = get_map(c, o, "env", &k->env)) < 0 ||
	    (r = get_ports(c, o, k)) < 0)
		return r;
	if (k->name[0] == '\0')
		return bad(c, "name", "must not be empty");
	if (!one_of(k->state, container_states))
		return bad(c, "state", "must be Waiting, Running or Terminated");
	if (rc < 0)
		return bad(c, "restart_count", "must be 0 or more");
	k->restart_count = (int)rc;
	if (!(k->cpu >= 0 && k->cpu <= 1024) || !(k->memory >= 0 && k->memory <= 65536))
		return bad(c, NULL, "cpu must be 0 to 1024 cores and memory 0 to 65536 GiB");
	{
		double ec;

		if ((r = get_num(c, o, "exit_code", strcmp(k->state, "Terminated") == 0 ? 1 : 0, &ec)) < 0)
			return r;
		k->exit_code = (int)ec;
	}
	k->finish_time = xstrdup(strcmp(k->state, "Terminated") == 0 ? k->start_time : "");
	if ((r = get_log(c, o, "log", &k->log)) < 0 || (r = get_log(c, o, "previous_log", &k->prev_log)) < 0)
		return r;
	/* A container that has restarted had an instance before: it ended
	 * in error, as far as the file says. */
	if (k->restart_count > 0 || k->prev_log.count > 0) {
		k->has_prev = 1;
		k->prev.exit_code = 1;
		k->prev.reason = xstrdup("Error");
		k->prev.start_time = xstrdup(k->start_time);
		k->prev.finish_time = xstrdup(k->start_time);
	}
	return 0;
}

static int
parse_group(struct ctx *c, const cJSON *o, struct fleet_group *g, const struct fleet_region *reg)
{
	const cJSON *cs, *e;
	int r;
	size_t i = 0, saved;
	double backoff;

	if (!cJSON_IsObject(o))
		return bad(c, NULL, "must be an object");
	params_init(&g->tags);
	g->region = xstrdup(reg->id);
	if ((r = get_str(c, o, "id", NULL, &g->id)) < 0 || (r = get_str(c, o, "name", NULL, &g->name)) < 0 ||
	    (r = get_str(c, o, "zone", reg->nzones ? reg->zones[0] : reg->id, &g->zone)) < 0 ||
	    (r = get_str(c, o, "status", "Running", &g->status)) < 0 ||
	    (r = get_str(c, o, "created", "2026-11-01T08:00:00Z", &g->created)) < 0 ||
	    (r = get_str(c, o, "intranet_ip", "", &g->intranet_ip)) < 0 ||
	    (r = get_str(c, o, "internet_ip", "", &g->internet_ip)) < 0 ||
	    (r = get_str(c, o, "instance_type", "", &g->instance_type)) < 0 ||
	    (r = get_str(c, o, "restart_policy", "Always", &g->restart_policy)) < 0 ||
	    (r = get_str(c, o, "namespace", reg->k8s_namespace, &g->k8s_namespace)) < 0 ||
	    (r = get_num(c, o, "restart_backoff", 10, &backoff)) < 0 ||
	    (r = get_num(c, o, "cpu", 2, &g->cpu)) < 0 || (r = get_num(c, o, "memory", 4, &g->memory)) < 0 ||
	    (r = get_map(c, o, "tags", &g->tags)) < 0)
		return r;
	if (!one_of(g->status, group_statuses))
		return bad(c, "status", "is not an ECI status (Pending, Running, Succeeded, Failed, ...)");
	if (!one_of(g->restart_policy, restart_policies))
		return bad(c, "restart_policy", "must be Always, OnFailure or Never");
	if (backoff < 1 || backoff > 300)
		return bad(c, "restart_backoff", "must be 1 to 300 seconds");
	g->restart_backoff = (int)backoff;
	if (!(g->cpu >= 0 && g->cpu <= 1024) || !(g->memory >= 0 && g->memory <= 65536))
		return bad(c, NULL, "cpu must be 0 to 1024 cores and memory 0 to 65536 GiB");
	cs = cJSON_GetObjectItemCaseSensitive(o, "containers");
	if (!cJSON_IsArray(cs) || cJSON_GetArraySize(cs) == 0)
		return bad(c, "containers", "must be a non-empty array");
	g->ncontainers = (size_t)cJSON_GetArraySize(cs);
	g->containers = xcalloc(g->ncontainers, sizeof *g->containers);
	cJSON_ArrayForEach(e, cs) {
		push_path(c, &saved, "containers", (int)i);
		r = parse_container(c, e, &g->containers[i], g->status);
		c->path[saved] = '\0';
		if (r < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (strcmp(g->containers[j].name, g->containers[i].name) == 0)
				return bad(c, "containers", "has two containers of one name");
		initial_events(g, &g->containers[i]);
		i++;
	}
	return 0;
}

static struct fleet_group *
new_group(struct fleet *f)
{
	f->groups = xrealloc(f->groups, (f->ngroups + 1) * sizeof *f->groups);
	memset(&f->groups[f->ngroups], 0, sizeof *f->groups);
	return &f->groups[f->ngroups++];
}

/* "generate": {"count": N, "name_prefix": "...", "status": "..."} makes N
 * plain groups, for paging tests and benchmarks. */
static int
generate_groups(struct ctx *c, const cJSON *o, struct fleet *f, const struct fleet_region *reg)
{
	double count = 0;
	char *prefix = NULL, *status = NULL;
	int r;

	if (!cJSON_IsObject(o))
		return bad(c, NULL, "must be an object");
	if ((r = get_num(c, o, "count", 0, &count)) < 0 ||
	    (r = get_str(c, o, "name_prefix", "gen", &prefix)) < 0 ||
	    (r = get_str(c, o, "status", "Running", &status)) < 0)
		goto out;
	if (count < 0 || count > 1000000) {
		r = bad(c, "count", "must be 0..1000000");
		goto out;
	}
	if (!one_of(status, group_statuses)) {
		r = bad(c, "status", "is not an ECI status");
		goto out;
	}
	for (int i = 0; i < (int)count; i++) {
		struct fleet_group *g = new_group(f);
		struct fleet_container *k;

		params_init(&g->tags);
		g->id = xasprintf("eci-%.8s-%s-%05d", reg->id, prefix, i + 1);
		g->name = xasprintf("%s-%05d", prefix, i + 1);
		g->region = xstrdup(reg->id);
		g->zone = xstrdup(reg->nzones ? reg->zones[i % reg->nzones] : reg->id);
		g->status = xstrdup(status);
		g->created = xstrdup("2026-11-01T08:00:00Z");
		g->intranet_ip = xasprintf("10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		g->internet_ip = xstrdup("");
		g->instance_type = xstrdup("");
		g->restart_policy = xstrdup("Always");
		g->k8s_namespace = xstrdup(reg->k8s_namespace);
		g->restart_backoff = 10;
		g->cpu = 1;
		g->memory = 2;
		params_add(&g->tags, "generated", prefix);
		g->ncontainers = 1;
		g->containers = k = xcalloc(1, sizeof *k);
		params_init(&k->env);
		k->log_fd = -1;
		k->name = xstrdup("main");
		k->image = xstrdup("busybox:latest");
		k->state = xstrdup(strcmp(status, "Running") == 0 ? "Running" : "Waiting");
		k->reason = xstrdup("");
		k->workdir = xstrdup("/");
		k->start_time = xstrdup("2026-11-01T08:00:00Z");
		k->finish_time = xstrdup("");
		k->cpu = 1;
		k->memory = 2;
	}
	r = 0;
out:
	free(prefix);
	free(status);
	return r;
}

/* "k8s_deny": [{"verb": "create", "resource": "pods/exec", "namespace": "data"}] */
static int
parse_deny(struct ctx *c, const cJSON *o, struct fleet_region *reg)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "k8s_deny"), *e;
	int r;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a))
		return bad(c, "k8s_deny", "must be an array of {verb, resource, namespace}");
	reg->k8s_deny = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *reg->k8s_deny);
	cJSON_ArrayForEach(e, a) {
		struct fleet_deny *d = &reg->k8s_deny[reg->nk8s_deny];

		if (!cJSON_IsObject(e))
			return bad(c, "k8s_deny", "must be an array of {verb, resource, namespace}");
		reg->nk8s_deny++;
		if ((r = get_str(c, e, "verb", "*", &d->verb)) < 0 ||
		    (r = get_str(c, e, "resource", "*", &d->resource)) < 0 ||
		    (r = get_str(c, e, "namespace", "", &d->ns)) < 0)
			return r;
	}
	return 0;
}

static int
parse_region(struct ctx *c, const cJSON *o, struct fleet *f, struct fleet_region *reg)
{
	const cJSON *zones, *groups, *gen, *e;
	size_t i = 0, saved;
	int r;

	if (!cJSON_IsObject(o))
		return bad(c, NULL, "must be an object");
	if ((r = get_str(c, o, "id", NULL, &reg->id)) < 0 ||
	    (r = get_str(c, o, "namespace", "default", &reg->k8s_namespace)) < 0 ||
	    (r = parse_deny(c, o, reg)) < 0)
		return r;
	zones = cJSON_GetObjectItemCaseSensitive(o, "zones");
	if (zones != NULL) {
		if (!cJSON_IsArray(zones))
			return bad(c, "zones", "must be an array of strings");
		reg->zones = xcalloc((size_t)cJSON_GetArraySize(zones) + 1, sizeof *reg->zones);
		cJSON_ArrayForEach(e, zones) {
			if (!cJSON_IsString(e))
				return bad(c, "zones", "must be an array of strings");
			reg->zones[reg->nzones++] = xstrdup(e->valuestring);
		}
	}
	groups = cJSON_GetObjectItemCaseSensitive(o, "groups");
	if (groups != NULL && !cJSON_IsArray(groups))
		return bad(c, "groups", "must be an array");
	cJSON_ArrayForEach(e, groups) {
		struct fleet_group *g = new_group(f);

		push_path(c, &saved, "groups", (int)i++);
		r = parse_group(c, e, g, reg);
		if (r == 0)
			for (size_t j = 0; j + 1 < f->ngroups; j++)
				if (strcmp(f->groups[j].id, g->id) == 0)
					r = bad(c, "id", "is used by another group");
		c->path[saved] = '\0';
		if (r < 0)
			return r;
	}
	gen = cJSON_GetObjectItemCaseSensitive(o, "generate");
	if (gen != NULL) {
		push_path(c, &saved, "generate", -1);
		r = generate_groups(c, gen, f, reg);
		c->path[saved] = '\0';
		if (r < 0)
			return r;
	}
	return 0;
}

int
fleet_parse(struct fleet *f, const char *json, size_t len, const char *name)
{
	struct ctx c = {.file = name, .path = ""};
	cJSON *root;
	const cJSON *regions, *e;
	size_t i = 0, saved;
	int r = 0;

	memset(f, 0, sizeof *f);
	root = cJSON_ParseWithLength(json, len);
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : len;
		int line = 1;

		for (size_t k = 0; k < off; k++)
			line += json[k] == '\n';
		return fm_error(FM_EINVAL, "%s: line %d: not valid JSON", name, line);
	}
	regions = cJSON_GetObjectItemCaseSensitive(root, "regions");
	if (!cJSON_IsArray(regions) || cJSON_GetArraySize(regions) == 0) {
		r = bad(&c, "regions", "must be a non-empty array");
		goto out;
	}
	f->regions = xcalloc((size_t)cJSON_GetArraySize(regions), sizeof *f->regions);
	cJSON_ArrayForEach(e, regions) {
		push_path(&c, &saved, "regions", (int)i);
		r = parse_region(&c, e, f, &f->regions[i]);
		f->nregions = ++i;
		c.path[saved] = '\0';
		if (r < 0)
			goto out;
		for (size_t j = 0; j + 1 < i; j++)
			if (strcmp(f->regions[j].id, f->regions[i - 1].id) == 0) {
				r = bad(&c, "regions", "lists one region twice");
				goto out;
			}
	}
out:
	cJSON_Delete(root);
	if (r < 0)
		fleet_free(f);
	return r;
}

int
fleet_load(struct fleet *f, const char *path)
{
	size_t len;
	char *text = fm_read_file(path, FLEET_MAX_FILE, &len);
	int r;

	memset(f, 0, sizeof *f);
	if (text == NULL)
		return -FM_EIO;
	r = fleet_parse(f, text, len, path);
	free(text);
	return r;
}

void
fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->ngroups; i++) {
		struct fleet_group *g = &f->groups[i];

		for (size_t j = 0; j < g->ncontainers; j++) {
			struct fleet_container *k = &g->containers[j];

			free(k->name);
			free(k->image);
			free(k->state);
			free(k->reason);
			free(k->workdir);
			free(k->start_time);
			free(k->finish_time);
			strv_free(k->command);
			params_free(&k->env);
			fleet_log_free(&k->log);
			fleet_log_free(&k->prev_log);
			free(k->prev.reason);
			free(k->prev.start_time);
			free(k->prev.finish_time);
		}
		for (size_t j = 0; j < g->nevents; j++) {
			free(g->events[j].type);
			free(g->events[j].reason);
			free(g->events[j].message);
			free(g->events[j].name);
		}
		free(g->events);
		free(g->restart_policy);
		metric_history_free(g->metrics);
		free(g->containers);
		free(g->id);
		free(g->name);
		free(g->region);
		free(g->zone);
		free(g->status);
		free(g->created);
		free(g->intranet_ip);
		free(g->internet_ip);
		free(g->instance_type);
		free(g->k8s_namespace);
		params_free(&g->tags);
	}
	free(f->groups);
	for (size_t i = 0; i < f->nregions; i++) {
		free(f->regions[i].id);
		free(f->regions[i].k8s_namespace);
		for (size_t j = 0; j < f->regions[i].nk8s_deny; j++) {
			free(f->regions[i].k8s_deny[j].verb);
			free(f->regions[i].k8s_deny[j].resource);
			free(f->regions[i].k8s_deny[j].ns);
		}
		free(f->regions[i].k8s_deny);
		strv_free(f->regions[i].zones);
	}
	free(f->regions);
	memset(f, 0, sizeof *f);
}

struct fleet_region *
fleet_region(struct fleet *f, const char *id)
{
	for (size_t i = 0; i < f->nregions; i++)
		if (strcmp(f->regions[i].id, id) == 0)
			return &f->regions[i];
	return NULL;
}

struct fleet_group *
fleet_group(struct fleet *f, const char *region, const char *id)
{
	for (size_t i = 0; i < f->ngroups; i++)
		if (!f->groups[i].deleted && strcmp(f->groups[i].id, id) == 0 &&
		    (region == NULL || strcmp(f->groups[i].region, region) == 0))
			return &f->groups[i];
	return NULL;
}

struct fleet_container *
fleet_container(struct fleet_group *g, const char *name)
{
	for (size_t i = 0; i < g->ncontainers; i++)
		if (strcmp(g->containers[i].name, name) == 0)
			return &g->containers[i];
	return NULL;
}
