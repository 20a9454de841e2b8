/* api.c: fleetsim's ECI actions, shaped as PROTOCOLS.md §1 documents them. */
#include "fleetmux/simapi.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/sign.h"
#include "api_int.h"

#define DESCRIBE_LIMIT_MAX 20
#define EXEC_MAX_ARGS 20
#define EXEC_MAX_ARG_LEN 256

void
api_result_free(struct api_result *r)
{
	free(r->body);
	strv_free(r->argv);
	memset(r, 0, sizeof *r);
}

static void
request_id(char out[37])
{
	fm_uuid(out);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

void
api_error(struct api_result *r, int status, const char *code, const char *fmt, ...)
{
	char rid[37], msg[2048];
	va_list ap;
	cJSON *o = cJSON_CreateObject();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	request_id(rid);
	cJSON_AddStringToObject(o, "RequestId", rid);
	cJSON_AddStringToObject(o, "HostId", "eci.aliyuncs.com");
	cJSON_AddStringToObject(o, "Code", code);
	cJSON_AddStringToObject(o, "Message", msg);
	cJSON_AddStringToObject(o, "Recommend",
				"https://api.aliyun.com/troubleshoot?q=" ECI_API_VERSION);
	free(r->body);
	r->body = cJSON_PrintUnformatted(o);
	r->status = status;
	cJSON_Delete(o);
}

void
api_reply(struct api_result *r, cJSON *o)
{
	char rid[37];

	request_id(rid);
	cJSON_AddStringToObject(o, "RequestId", rid);
	free(r->body);
	r->body = cJSON_PrintUnformatted(o);
	r->status = 200;
	cJSON_Delete(o);
}

const char *
api_need(struct api_result *r, const struct params *p, const char *name)
{
	const char *v = params_get(p, name);

	if (v == NULL || *v == '\0') {
		api_error(r, 400, "MissingParameter",
			  "The input parameter \"%s\" that is mandatory for processing this "
			  "request is not supplied.",
			  name);
		return NULL;
	}
	return v;
}

int
api_need_region(struct fleet *f, struct api_result *r, const struct params *p, const char **region)
{
	if ((*region = api_need(r, p, "RegionId")) == NULL)
		return -1;
	if (fleet_region(f, *region) == NULL) {
		api_error(r, 400, "InvalidRegionId.NotFound", "The specified RegionId \"%s\" does not exist.",
			  *region);
		return -1;
	}
	return 0;
}

static void
describe_regions(struct fleet *f, struct api_result *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *regions = cJSON_AddArrayToObject(o, "Regions");

	for (size_t i = 0; i < f->nregions; i++) {
		const struct fleet_region *reg = &f->regions[i];
		cJSON *e = cJSON_CreateObject();
		cJSON *zones = cJSON_AddArrayToObject(e, "Zones");
		cJSON *rec = cJSON_AddArrayToObject(e, "RecommendZones");
		char endpoint[128];

		snprintf(endpoint, sizeof endpoint, "eci.%s.aliyuncs.com", reg->id);
		cJSON_AddStringToObject(e, "RegionId", reg->id);
		cJSON_AddStringToObject(e, "RegionEndpoint", endpoint);
		for (size_t z = 0; z < reg->nzones; z++) {
			cJSON_AddItemToArray(zones, cJSON_CreateString(reg->zones[z]));
			cJSON_AddItemToArray(rec, cJSON_CreateString(reg->zones[z]));
		}
		cJSON_AddArrayToObject(e, "UnavailableZones");
		cJSON_AddItemToArray(regions, e);
	}
	api_reply(r, o);
}

/* CurrentState: Running since start_time, Waiting for reason, or
 * Terminated with exit_code at finish_time. */
static cJSON *
state_json(const struct fleet_container *k)
{
	cJSON *s = cJSON_CreateObject();
	int running = strcmp(k->state, "Running") == 0;
	int terminated = strcmp(k->state, "Terminated") == 0;

	cJSON_AddStringToObject(s, "State", k->state);
	cJSON_AddStringToObject(s, "DetailStatus", k->reason[0] ? k->reason : running ? "" : k->state);
	cJSON_AddNumberToObject(s, "ExitCode", terminated ? k->exit_code : 0);
	cJSON_AddStringToObject(s, "StartTime", running || terminated ? k->start_time : "");
	cJSON_AddStringToObject(s, "FinishTime", terminated ? k->finish_time : "");
	cJSON_AddStringToObject(s, "Reason", k->reason);
	cJSON_AddStringToObject(s, "Message", "");
	cJSON_AddNumberToObject(s, "Signal", 0);
	return s;
}

/* PreviousState: how the instance before this one ended (empty when
 * there was none). */
static cJSON *
previous_json(const struct fleet_container *k)
{
	cJSON *s = cJSON_CreateObject();
	const struct fleet_ending *e = &k->prev;

	cJSON_AddStringToObject(s, "State", k->has_prev ? "Terminated" : "");
	cJSON_AddStringToObject(s, "DetailStatus", k->has_prev ? e->reason : "");
	cJSON_AddNumberToObject(s, "ExitCode", k->has_prev ? e->exit_code : 0);
	cJSON_AddStringToObject(s, "StartTime", k->has_prev ? e->start_time : "");
	cJSON_AddStringToObject(s, "FinishTime", k->has_prev ? e->finish_time : "");
	cJSON_AddStringToObject(s, "Reason", k->has_prev ? e->reason : "");
	cJSON_AddStringToObject(s, "Message", "");
	cJSON_AddNumberToObject(s, "Signal", k->has_prev && e->exit_code > 128 ? e->exit_code - 128 : 0);
	return s;
}

static cJSON *
events_json(const struct fleet_group *g)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < g->nevents; i++) {
		const struct fleet_event *e = &g->events[i];
		cJSON *o = cJSON_CreateObject();
		char first[36], last[36];

		fm_time_format_sec(e->first_ns, first);
		fm_time_format_sec(e->last_ns, last);
		cJSON_AddNumberToObject(o, "Count", e->count);
		cJSON_AddStringToObject(o, "Type", e->type);
		cJSON_AddStringToObject(o, "Name", e->name);
		cJSON_AddStringToObject(o, "Message", e->message);
		cJSON_AddStringToObject(o, "FirstTimestamp", first);
		cJSON_AddStringToObject(o, "LastTimestamp", last);
		cJSON_AddStringToObject(o, "Reason", e->reason);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
group_json(const struct fleet_group *g)
{
	cJSON *o = cJSON_CreateObject(), *tags, *cs;

	cJSON_AddStringToObject(o, "ContainerGroupId", g->id);
	cJSON_AddStringToObject(o, "ContainerGroupName", g->name);
	cJSON_AddStringToObject(o, "RegionId", g->region);
	cJSON_AddStringToObject(o, "ZoneId", g->zone);
	cJSON_AddStringToObject(o, "Status", g->status);
	cJSON_AddNumberToObject(o, "Cpu", g->cpu);
	cJSON_AddNumberToObject(o, "Memory", g->memory);
	cJSON_AddStringToObject(o, "InstanceType", g->instance_type);
	cJSON_AddStringToObject(o, "IntranetIp", g->intranet_ip);
	cJSON_AddStringToObject(o, "InternetIp", g->internet_ip);
	cJSON_AddStringToObject(o, "CreationTime", g->created);
	cJSON_AddStringToObject(o, "RestartPolicy", g->restart_policy);
	tags = cJSON_AddArrayToObject(o, "Tags");
	for (size_t i = 0; i < g->tags.n; i++) {
		cJSON *t = cJSON_CreateObject();

		cJSON_AddStringToObject(t, "Key", g->tags.v[i].key);
		cJSON_AddStringToObject(t, "Value", g->tags.v[i].value);
		cJSON_AddItemToArray(tags, t);
	}
	cJSON_AddItemToObject(o, "Events", events_json(g));
	cs = cJSON_AddArrayToObject(o, "Containers");
	for (size_t i = 0; i < g->ncontainers; i++) {
		const struct fleet_container *k = &g->containers[i];
		cJSON *c = cJSON_CreateObject(), *cmd, *env, *ports;

		cJSON_AddStringToObject(c, "Name", k->name);
		cJSON_AddStringToObject(c, "Image", k->image);
		cJSON_AddBoolToObject(c, "Ready", strcmp(k->state, "Running") == 0);
		cJSON_AddNumberToObject(c, "RestartCount", k->restart_count);
		cJSON_AddItemToObject(c, "CurrentState", state_json(k));
		cJSON_AddItemToObject(c, "PreviousState", previous_json(k));
		cmd = cJSON_AddArrayToObject(c, "Commands");
		for (size_t j = 0; k->command != NULL && k->command[j] != NULL; j++)
			cJSON_AddItemToArray(cmd, cJSON_CreateString(k->command[j]));
		cJSON_AddArrayToObject(c, "Args");
		cJSON_AddStringToObject(c, "WorkingDir", k->workdir);
		cJSON_AddNumberToObject(c, "Cpu", k->cpu);
		cJSON_AddNumberToObject(c, "Memory", k->memory);
		ports = cJSON_AddArrayToObject(c, "Ports");
		for (int j = 0; j < k->nports; j++) {
			cJSON *pt = cJSON_CreateObject();

			cJSON_AddNumberToObject(pt, "Port", k->ports[j]);
			cJSON_AddStringToObject(pt, "Protocol", "TCP");
			cJSON_AddItemToArray(ports, pt);
		}
		cJSON_AddBoolToObject(c, "Tty", 0);
		cJSON_AddBoolToObject(c, "Stdin", 0);
		env = cJSON_AddArrayToObject(c, "EnvironmentVars");
		for (size_t j = 0; j < k->env.n; j++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "Key", k->env.v[j].key);
			cJSON_AddStringToObject(e, "Value", k->env.v[j].value);
			cJSON_AddItemToArray(env, e);
		}
		cJSON_AddItemToArray(cs, c);
	}
	return o;
}

/* Parse a JSON array of strings with count and length limits. Returns the
 * argv (NULL-terminated) or NULL with r filled. */
char **
api_json_strings(struct api_result *r, const char *name, const char *text, int max_items,
		  int max_len)
{
	cJSON *j = cJSON_Parse(text), *e;
	char **v;
	int n, i = 0;

	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		api_error(r, 400, "InvalidParameter", "The parameter \"%s\" must be a JSON array of strings.",
			  name);
		return NULL;
	}
	n = cJSON_GetArraySize(j);
	if (n > max_items) {
		cJSON_Delete(j);
		api_error(r, 400, "InvalidParameter.ValueExceeded",
			  "The parameter \"%s\" has %d items; at most %d are allowed.", name, n, max_items);
		return NULL;
	}
	cJSON_ArrayForEach(e, j) {
		if (!cJSON_IsString(e)) {
			cJSON_Delete(j);
			api_error(r, 400, "InvalidParameter",
				  "The parameter \"%s\" must be a JSON array of strings.", name);
			return NULL;
		}
		if (max_len > 0 && (int)strlen(e->valuestring) > max_len) {
			cJSON_Delete(j);
			api_error(r, 400, "InvalidParameter.ValueExceeded",
				  "An item of \"%s\" is longer than %d characters.", name, max_len);
			return NULL;
		}
	}
	v = xcalloc((size_t)n + 1, sizeof *v);
	cJSON_ArrayForEach(e, j) v[i++] = xstrdup(e->valuestring);
	cJSON_Delete(j);
	return v;
}

static int
strv_has(char **v, const char *s)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Does group g pass every filter of the request? */
static int
group_matches(const struct fleet_group *g, const struct params *p, char **ids)
{
	const char *name = params_get(p, "ContainerGroupName");
	const char *status = params_get(p, "Status");
	const char *zone = params_get(p, "ZoneId");

	if (ids != NULL && !strv_has(ids, g->id))
		return 0;
	if (name != NULL && *name && strcmp(name, g->name) != 0)
		return 0;
	if (status != NULL && *status && strcmp(status, g->status) != 0)
		return 0;
	if (zone != NULL && *zone && strcmp(zone, g->zone) != 0)
		return 0;
	for (int i = 1; i <= 20; i++) {
		char kname[32], vname[32];
		const char *k, *v, *have;

		snprintf(kname, sizeof kname, "Tag.%d.Key", i);
		snprintf(vname, sizeof vname, "Tag.%d.Value", i);
		k = params_get(p, kname);
		if (k == NULL)
			continue;
		v = params_get(p, vname);
		have = params_get(&g->tags, k);
		if (have == NULL || (v != NULL && strcmp(v, have) != 0))
			return 0;
	}
	return 1;
}

/* NextToken is opaque to callers; here it is the index of the next match. */
static int
parse_next_token(const char *t, long *index)
{
	char *end;

	if (t == NULL || *t == '\0') {
		*index = 0;
		return 0;
	}
	if (strncmp(t, "fsim", 4) != 0)
		return -1;
	*index = strtol(t + 4, &end, 16);
	return (*end != '\0' || *index < 0) ? -1 : 0;
}

static void
describe_container_groups(struct fleet *f, const struct params *p, struct api_result *r)
{
	const char *region, *limit_s = params_get(p, "Limit"), *ids_s = params_get(p, "ContainerGroupIds");
	char **ids = NULL;
	long limit = DESCRIBE_LIMIT_MAX, start, seen = 0, total = 0;
	cJSON *o, *groups;

	if (api_need_region(f, r, p, &region) < 0)
		return;
	if (limit_s != NULL && *limit_s) {
		char *end;

		limit = strtol(limit_s, &end, 10);
		if (*end != '\0' || limit < 1 || limit > DESCRIBE_LIMIT_MAX) {
			api_error(r, 400, "InvalidParameter.Limit",
				  "The parameter \"Limit\" must be an integer from 1 to %d.", DESCRIBE_LIMIT_MAX);
			return;
		}
	}
	if (parse_next_token(params_get(p, "NextToken"), &start) < 0) {
		api_error(r, 400, "InvalidParameter.NextToken", "The specified NextToken is not valid.");
		return;
	}
	if (ids_s != NULL && *ids_s &&
	    (ids = api_json_strings(r, "ContainerGroupIds", ids_s, 20, 0)) == NULL)
		return;
	o = cJSON_CreateObject();
	groups = cJSON_AddArrayToObject(o, "ContainerGroups");
	for (size_t i = 0; i < f->ngroups; i++) {
		const struct fleet_group *g = &f->groups[i];

		if (g->deleted || strcmp(g->region, region) != 0 || !group_matches(g, p, ids))
			continue;
		if (total >= start && seen < limit) {
			cJSON_AddItemToArray(groups, group_json(g));
			seen++;
		}
		total++;
	}
	strv_free(ids);
	if (start + seen < total) {
		char tok[32];

		snprintf(tok, sizeof tok, "fsim%lx", (unsigned long)(start + seen));
		cJSON_AddStringToObject(o, "NextToken", tok);
	} else {
		cJSON_AddStringToObject(o, "NextToken", "");
	}
	cJSON_AddNumberToObject(o, "TotalCount", (double)total);
	api_reply(r, o);
}

/* Common to exec and logs: the group and container, with errors. */
int
api_find_target(struct fleet *f, const struct params *p, struct api_result *r, struct fleet_group **g,
	    struct fleet_container **k)
{
	const char *region, *gid, *cname;

	if (api_need_region(f, r, p, &region) < 0 || (gid = api_need(r, p, "ContainerGroupId")) == NULL ||
	    (cname = api_need(r, p, "ContainerName")) == NULL)
		return -1;
	if ((*g = fleet_group(f, region, gid)) == NULL) {
		api_error(r, 400, "InvalidParameter.ContainerGroupId",
			  "The container group \"%s\" does not exist in region %s.", gid, region);
		return -1;
	}
	if ((*k = fleet_container(*g, cname)) == NULL) {
		api_error(r, 400, "InvalidParameter.ContainerName",
			  "The container \"%s\" does not exist in group %s.", cname, gid);
		return -1;
	}
	return 0;
}

int
api_get_bool(struct api_result *r, const struct params *p, const char *name, int def, int *out)
{
	const char *v = params_get(p, name);

	if (v == NULL || *v == '\0')
		*out = def;
	else if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else {
		api_error(r, 400, "InvalidParameter", "The parameter \"%s\" must be true or false.", name);
		return -1;
	}
	return 0;
}

static void
exec_container_command(struct fleet *f, const struct params *p, struct api_result *r)
{
	struct fleet_group *g;
	struct fleet_container *k;
	const char *cmd;
	int tty, stdin_open, sync;

	if (api_find_target(f, p, r, &g, &k) < 0 || (cmd = api_need(r, p, "Command")) == NULL ||
	    api_get_bool(r, p, "TTY", 0, &tty) < 0 || api_get_bool(r, p, "Stdin", 1, &stdin_open) < 0 ||
	    api_get_bool(r, p, "Sync", 0, &sync) < 0)
		return;
	if (sync && tty) {
		api_error(r, 400, "InvalidParameter", "Sync=true requires TTY=false.");
		return;
	}
	if (strcmp(g->status, "Running") != 0) {
		api_error(r, 400, "IncorrectStatus",
			  "The container group %s is %s; commands run only while it is Running.", g->id,
			  g->status);
		return;
	}
	if (strcmp(k->state, "Running") != 0) {
		api_error(r, 400, "IncorrectStatus", "The container %s is %s, not Running.", k->name,
			  k->state);
		return;
	}
	if ((r->argv = api_json_strings(r, "Command", cmd, EXEC_MAX_ARGS, EXEC_MAX_ARG_LEN)) == NULL)
		return;
	if (r->argv[0] == NULL) {
		api_error(r, 400, "InvalidParameter", "The parameter \"Command\" must not be empty.");
		free(r->argv);
		r->argv = NULL;
		return;
	}
	r->exec = 1;
	r->group = g;
	r->container = k;
	r->tty = tty;
	r->stdin_open = stdin_open;
	r->sync = sync;
}

/* As ECI: the group goes at once (its containers are killed, not waited
 * for); an unknown or already deleted id is the not-found of exec's. */
static void
delete_container_group(struct fleet *f, const struct params *p, struct api_result *r)
{
	const char *region, *gid;
	struct fleet_group *g;

	if (api_need_region(f, r, p, &region) < 0 ||
	    (gid = api_need(r, p, "ContainerGroupId")) == NULL)
		return;
	if ((g = fleet_group(f, region, gid)) == NULL) {
		api_error(r, 400, "InvalidParameter.ContainerGroupId",
		          "The container group \"%s\" does not exist in region %s.", gid, region);
		return;
	}
	g->deleted = 1;
	r->deleted = g;
	api_reply(r, cJSON_CreateObject());
}

void
api_exec_reply(struct api_result *r, const char *ws_uri, const char *http_url,
	       const char *sync_response)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "WebSocketUri", ws_uri ? ws_uri : "");
	cJSON_AddStringToObject(o, "HttpUrl", http_url ? http_url : "");
	if (sync_response != NULL)
		cJSON_AddStringToObject(o, "SyncResponse", sync_response);
	api_reply(r, o);
}

int
api_get_uint(struct api_result *r, const struct params *p, const char *name, long max, long *out)
{
	const char *v = params_get(p, name);
	char *end;

	*out = -1;
	if (v == NULL || *v == '\0')
		return 0;
	*out = strtol(v, &end, 10);
	if (*end != '\0' || *out < 0 || (max > 0 && *out > max)) {
		api_error(r, 400, "InvalidParameter", "The parameter \"%s\" must be an integer from 0 to %ld.",
			  name, max > 0 ? max : 2147483647L);
		return -1;
	}
	return 0;
}

void
api_dispatch(struct fleet *f, const char *action, const struct params *params, long now,
	     struct api_result *r)
{
	if (action == NULL || *action == '\0')
		api_error(r, 400, "MissingParameter",
			  "The input parameter \"Action\" that is mandatory for processing this request "
			  "is not supplied.");
	else if (strcmp(action, "DescribeRegions") == 0)
		describe_regions(f, r);
	else if (strcmp(action, "DescribeContainerGroups") == 0)
		describe_container_groups(f, params, r);
	else if (strcmp(action, "ExecContainerCommand") == 0)
		exec_container_command(f, params, r);
	else if (strcmp(action, "DeleteContainerGroup") == 0)
		delete_container_group(f, params, r);
	else if (strcmp(action, "DescribeContainerLog") == 0)
		api_describe_container_log(f, params, now, r);
	else if (strcmp(action, "DescribeContainerGroupMetric") == 0)
		api_describe_group_metric(f, params, now, r);
	else if (strcmp(action, "DescribeMultiContainerGroupMetric") == 0)
		api_describe_multi_metric(f, params, now, r);
	else
		api_error(r, 404, "InvalidAction.NotFound",
			  "Specified api \"%s\" is not found, please check your url and method.", action);
}
