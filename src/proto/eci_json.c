/* eci_json.c: ECI's JSON answers into fleetmux's model. Every field is
 * checked for its type: a wrong or missing one is a clear error, never a
 * crash. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fleetmux/logs.h"
#include "fleetmux/model.h"

enum fm_state
fm_state_of(const struct fm_state_word *table, const char *word)
{
	for (; word != NULL && table->word != NULL; table++)
		if (strcasecmp(table->word, word) == 0)
			return table->state;
	return FM_STATE_UNKNOWN;
}

/* ContainerGroup.Status as DescribeContainerGroups documents it. */
static const struct fm_state_word eci_group_words[] = {
    {"Pending", FM_STATE_PENDING},      {"Scheduling", FM_STATE_PENDING},
    {"Restarting", FM_STATE_PENDING},   {"Updating", FM_STATE_PENDING},
    {"Running", FM_STATE_RUNNING},      {"Succeeded", FM_STATE_EXITED},
    {"Terminated", FM_STATE_EXITED},    {"Expired", FM_STATE_EXITED},
    {"Failed", FM_STATE_FAILED},        {"ScheduleFailed", FM_STATE_FAILED},
    {NULL, FM_STATE_UNKNOWN},
};

/* Container.CurrentState.State. */
static const struct fm_state_word eci_container_words[] = {
    {"Waiting", FM_STATE_PENDING},
    {"Running", FM_STATE_RUNNING},
    {"Terminated", FM_STATE_EXITED},
    {NULL, FM_STATE_UNKNOWN},
};

enum fm_state
eci_group_state(const char *status)
{
	return fm_state_of(eci_group_words, status);
}

enum fm_state
eci_container_state(const char *state)
{
	return fm_state_of(eci_container_words, state);
}

void
fm_group_free(struct fm_group *g)
{
	for (size_t i = 0; i < g->ncontainers; i++) {
		free(g->containers[i].name);
		free(g->containers[i].image);
		free(g->containers[i].status);
		free(g->containers[i].reason);
		free(g->containers[i].last_reason);
		free(g->containers[i].ports);
	}
	free(g->containers);
	for (size_t i = 0; i < g->nevents; i++) {
		free(g->events[i].type);
		free(g->events[i].reason);
		free(g->events[i].message);
	}
	free(g->events);
	free(g->id);
	free(g->name);
	free(g->region);
	free(g->zone);
	free(g->status);
	free(g->ip);
	free(g->internet_ip);
	free(g->instance_type);
	params_free(&g->tags);
	memset(g, 0, sizeof *g);
}

void
fm_groups_free(struct fm_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fm_group_free(&g[i]);
	free(g);
}

static cJSON *
parse(const char *json, size_t len, const char *what)
{
	cJSON *j = cJSON_ParseWithLength(json, len);

	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		fm_error(FM_EPROTO, "%s: the answer is not a JSON object", what);
		return NULL;
	}
	return j;
}

static char *
str_or(const cJSON *o, const char *k, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return xstrdup(cJSON_IsString(v) ? v->valuestring : def);
}

int
eci_parse_regions(const char *json, size_t len, char ***ids, size_t *n)
{
	cJSON *j = parse(json, len, "DescribeRegions"), *e;
	const cJSON *regions;
	size_t k = 0;

	*ids = NULL;
	*n = 0;
	if (j == NULL)
		return -FM_EPROTO;
	regions = cJSON_GetObjectItemCaseSensitive(j, "Regions");
	if (!cJSON_IsArray(regions)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "DescribeRegions: no Regions array in the answer");
	}
	*ids = xcalloc((size_t)cJSON_GetArraySize(regions) + 1, sizeof **ids);
	cJSON_ArrayForEach(e, regions) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "RegionId");

		if (cJSON_IsString(id) && *id->valuestring)
			(*ids)[k++] = xstrdup(id->valuestring);
	}
	*n = k;
	cJSON_Delete(j);
	return 0;
}

/* An RFC 3339 field, or FM_TIME_NONE. */
static int64_t
time_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	int64_t t;

	if (!cJSON_IsString(v) || fm_time_parse(v->valuestring, strlen(v->valuestring), &t) < 0)
		return FM_TIME_NONE;
	return t;
}

/* A non-empty string field, or NULL. */
static char *
str_or_null(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) && *v->valuestring ? xstrdup(v->valuestring) : NULL;
}

/* A number field within [lo, hi], or def (NaN and huge values are no
 * number: found by fuzz_proto for other fields). */
static double
num_or(const cJSON *o, const char *k, double lo, double hi, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi ? v->valuedouble : def;
}

/* Container.Ports: [{"Port": 80, "Protocol": "TCP"}]. */
static void
parse_ports(const cJSON *arr, struct fm_container *fc)
{
	const cJSON *p;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return;
	fc->ports = xcalloc((size_t)cJSON_GetArraySize(arr), sizeof *fc->ports);
	cJSON_ArrayForEach(p, arr) {
		struct fm_port *fp;
		const cJSON *proto = cJSON_GetObjectItemCaseSensitive(p, "Protocol");
		double port = num_or(p, "Port", 1, 65535, 0);

		if (!cJSON_IsObject(p) || port == 0)
			continue;
		fp = &fc->ports[fc->nports++];
		fp->port = (int)port;
		snprintf(fp->protocol, sizeof fp->protocol, "%s",
			 cJSON_IsString(proto) && *proto->valuestring ? proto->valuestring : "TCP");
	}
}

static void
parse_events(const cJSON *arr, struct fm_group *g)
{
	const cJSON *e;
	size_t k = 0;

	if (!cJSON_IsArray(arr))
		return;
	g->events = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *g->events);
	cJSON_ArrayForEach(e, arr) {
		struct fm_event *ev;
		const cJSON *count = cJSON_GetObjectItemCaseSensitive(e, "Count");

		if (!cJSON_IsObject(e))
			continue;
		ev = &g->events[k++];
		ev->type = str_or(e, "Type", "");
		ev->reason = str_or(e, "Reason", "");
		ev->message = str_or(e, "Message", "");
		ev->count = cJSON_IsNumber(count) && count->valuedouble >= 0 && count->valuedouble < 1e9
				    ? (int)count->valuedouble
				    : 1;
		ev->first_ns = time_of(e, "FirstTimestamp");
		ev->last_ns = time_of(e, "LastTimestamp");
	}
	g->nevents = k;
}

static void
parse_containers(const cJSON *arr, struct fm_group *g)
{
	const cJSON *c;
	size_t k = 0;

	if (!cJSON_IsArray(arr))
		return;
	g->containers = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *g->containers);
	cJSON_ArrayForEach(c, arr) {
		struct fm_container *fc;
		const cJSON *state, *rc, *ready, *prev;

		if (!cJSON_IsObject(c) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "Name")))
			continue;
		fc = &g->containers[k++];
		fc->name = str_or(c, "Name", "");
		fc->image = str_or(c, "Image", "");
		state = cJSON_GetObjectItemCaseSensitive(c, "CurrentState");
		fc->status = str_or(state, "State", "Unknown");
		fc->state = eci_container_state(fc->status);
		rc = cJSON_GetObjectItemCaseSensitive(c, "RestartCount");
		fc->restarts = cJSON_IsNumber(rc) ? rc->valueint : 0;
		ready = cJSON_GetObjectItemCaseSensitive(c, "Ready");
		fc->ready = cJSON_IsTrue(ready);
		fc->reason = str_or_null(state, "Reason");
		if (fc->state == FM_STATE_EXITED)
			fc->exit_code = (int)num_or(state, "ExitCode", -1e9, 1e9, -1);
		fc->started_ns = time_of(state, "StartTime");
		fc->finished_ns = time_of(state, "FinishTime");
		fc->cpu = num_or(c, "Cpu", 0, 1e6, 0);
		fc->memory_gib = num_or(c, "Memory", 0, 1e9, 0);
		parse_ports(cJSON_GetObjectItemCaseSensitive(c, "Ports"), fc);
		prev = cJSON_GetObjectItemCaseSensitive(c, "PreviousState");
		if (cJSON_IsObject(prev) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(prev, "State")) &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(prev, "State")->valuestring, "Terminated") == 0) {
			const cJSON *code = cJSON_GetObjectItemCaseSensitive(prev, "ExitCode");

			fc->last_reason = str_or(prev, "Reason", "Terminated");
			fc->last_exit_code = code != NULL && cJSON_IsNumber(code) ? code->valueint : -1;
			fc->last_finished_ns = time_of(prev, "FinishTime");
		}
	}
	g->ncontainers = k;
}

int
eci_parse_groups(const char *json, size_t len, struct fm_group **groups, size_t *n, char **next_token,
		 long *total)
{
	cJSON *j = parse(json, len, "DescribeContainerGroups"), *e;
	const cJSON *arr, *tc;
	size_t k = 0;

	*groups = NULL;
	*n = 0;
	*next_token = NULL;
	if (j == NULL)
		return -FM_EPROTO;
	arr = cJSON_GetObjectItemCaseSensitive(j, "ContainerGroups");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "DescribeContainerGroups: no ContainerGroups array");
	}
	*groups = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **groups);
	cJSON_ArrayForEach(e, arr) {
		struct fm_group *g;
		const cJSON *tags, *t;

		if (!cJSON_IsObject(e) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "ContainerGroupId")))
			continue;
		g = &(*groups)[k++];
		params_init(&g->tags);
		g->id = str_or(e, "ContainerGroupId", "");
		g->name = str_or(e, "ContainerGroupName", g->id);
		g->region = str_or(e, "RegionId", "");
		g->zone = str_or(e, "ZoneId", "");
		g->status = str_or(e, "Status", "Unknown");
		g->state = eci_group_state(g->status);
		g->ip = str_or(e, "IntranetIp", "");
		g->internet_ip = str_or_null(e, "InternetIp");
		g->instance_type = str_or_null(e, "InstanceType");
		g->cpu = num_or(e, "Cpu", 0, 1e6, 0);
		g->memory_gib = num_or(e, "Memory", 0, 1e9, 0);
		g->created_ns = time_of(e, "CreationTime");
		tags = cJSON_GetObjectItemCaseSensitive(e, "Tags");
		cJSON_ArrayForEach(t, tags) {
			const cJSON *tk = cJSON_GetObjectItemCaseSensitive(t, "Key");
			const cJSON *tv = cJSON_GetObjectItemCaseSensitive(t, "Value");

			if (cJSON_IsString(tk))
				params_add(&g->tags, tk->valuestring, cJSON_IsString(tv) ? tv->valuestring : "");
		}
		parse_containers(cJSON_GetObjectItemCaseSensitive(e, "Containers"), g);
		parse_events(cJSON_GetObjectItemCaseSensitive(e, "Events"), g);
	}
	*n = k;
	tc = cJSON_GetObjectItemCaseSensitive(j, "TotalCount");
	if (total != NULL)
		/* a count past what a long holds (or NaN) is no count (found by fuzz_proto) */
		*total = cJSON_IsNumber(tc) && tc->valuedouble >= 0 && tc->valuedouble < 1e15
				 ? (long)tc->valuedouble
				 : -1;
	{
		const cJSON *nt = cJSON_GetObjectItemCaseSensitive(j, "NextToken");

		if (cJSON_IsString(nt) && *nt->valuestring)
			*next_token = xstrdup(nt->valuestring);
	}
	cJSON_Delete(j);
	return 0;
}

/* One string of an ExecContainerCommand answer; required: absent or empty
 * is an error. */
static int
exec_field(const char *json, size_t len, const char *name, int required, char **out)
{
	cJSON *j = parse(json, len, "ExecContainerCommand");
	const cJSON *v;

	*out = NULL;
	if (j == NULL)
		return -FM_EPROTO;
	v = cJSON_GetObjectItemCaseSensitive(j, name);
	if (required && (!cJSON_IsString(v) || *v->valuestring == '\0')) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "ExecContainerCommand: the answer has no %s", name);
	}
	*out = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	cJSON_Delete(j);
	return 0;
}

int
eci_parse_exec(const char *json, size_t len, char **ws_uri)
{
	return exec_field(json, len, "WebSocketUri", 1, ws_uri);
}

int
eci_parse_sync(const char *json, size_t len, char **output)
{
	return exec_field(json, len, "SyncResponse", 0, output);
}

void
eci_parse_error(int status, const char *json, size_t len, struct buf *msg, struct buf *code_out)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "Code");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "Message");

	if (cJSON_IsString(code)) {
		buf_printf(msg, "%s: %s", code->valuestring, cJSON_IsString(m) ? m->valuestring : "");
		if (code_out != NULL)
			buf_puts(code_out, code->valuestring);
	} else {
		buf_printf(msg, "HTTP %d", status);
		/* The body need not end in NUL: print by length. */
		if (len > 0)
			buf_printf(msg, ": %.*s", (int)(len > 120 ? 120 : len), json);
	}
	cJSON_Delete(j);
}
