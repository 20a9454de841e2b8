/* k8s_table.c: pods as the meta.k8s.io/v1 Table kubectl asks for (its
 * columns as the API server's pod printer fills them), and AGE as Go's
 * duration.HumanDuration writes it. Pure. */
#include <stdio.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/simk8s.h"

void
k8s_human_age(int64_t s, char out[24])
{
	int64_t m = s / 60, h = s / 3600, d = h / 24, y = d / 365;

	if (s < -1)
		snprintf(out, 24, "<invalid>");
	else if (s < 0)
		snprintf(out, 24, "0s");
	else if (s < 120)
		snprintf(out, 24, "%llds", (long long)s);
	else if (m < 10)
		snprintf(out, 24, s % 60 ? "%lldm%llds" : "%lldm", (long long)m,
		         (long long)(s % 60));
	else if (m < 180)
		snprintf(out, 24, "%lldm", (long long)m);
	else if (h < 8)
		snprintf(out, 24, m % 60 ? "%lldh%lldm" : "%lldh", (long long)h,
		         (long long)(m % 60));
	else if (h < 48)
		snprintf(out, 24, "%lldh", (long long)h);
	else if (h < 192)
		snprintf(out, 24, h % 24 ? "%lldd%lldh" : "%lldd", (long long)d,
		         (long long)(h % 24));
	else if (d < 730)
		snprintf(out, 24, "%lldd", (long long)d);
	else if (y < 8)
		snprintf(out, 24, d % 365 ? "%lldy%lldd" : "%lldy", (long long)y,
		         (long long)(d % 365));
	else
		snprintf(out, 24, "%lldy", (long long)y);
}

static const char *
get_str(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v =
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void
add_column(cJSON *cols, const char *name, const char *type, const char *format, int priority)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "format", format);
	cJSON_AddStringToObject(c, "description", "");
	cJSON_AddNumberToObject(c, "priority", priority);
	cJSON_AddItemToArray(cols, c);
}

/* kubectl's STATUS: the phase, unless a container says why it is not
 * running (CrashLoopBackOff, ContainerCreating, Error, Completed). */
static const char *
pod_status_word(const cJSON *pod, int *ready, int *total, int *restarts)
{
	const char *word = get_str(pod, "status", "phase");
	const cJSON *cs;

	*ready = *total = *restarts = 0;
	cs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "status"),
	                                      "containerStatuses");
	for (const cJSON *c = cs ? cs->child : NULL; c; c = c->next) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(c, "state");
		const char *w = get_str(st, "waiting", "reason"),
		           *t = get_str(st, "terminated", "reason");

		(*total)++;
		*ready += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "ready"));
		*restarts += cJSON_GetObjectItemCaseSensitive(c, "restartCount")
		                 ? cJSON_GetObjectItemCaseSensitive(c, "restartCount")->valueint
		                 : 0;
		if (*w)
			word = w;
		else if (*t)
			word = t;
	}
	return word;
}

cJSON *
k8s_pods_table(const cJSON *pods, const char *rv, const char *cont, int64_t now_ns)
{
	cJSON *t = cJSON_CreateObject(), *md, *cols, *rows;

	cJSON_AddStringToObject(t, "kind", "Table");
	cJSON_AddStringToObject(t, "apiVersion", "meta.k8s.io/v1");
	md = cJSON_AddObjectToObject(t, "metadata");
	cJSON_AddStringToObject(md, "resourceVersion", rv);
	if (cont != NULL)
		cJSON_AddStringToObject(md, "continue", cont);
	cols = cJSON_AddArrayToObject(t, "columnDefinitions");
	add_column(cols, "Name", "string", "name", 0);
	add_column(cols, "Ready", "string", "", 0);
	add_column(cols, "Status", "string", "", 0);
	add_column(cols, "Restarts", "string", "", 0);
	add_column(cols, "Age", "string", "", 0);
	add_column(cols, "IP", "string", "", 1);
	add_column(cols, "Node", "string", "", 1);
	rows = cJSON_AddArrayToObject(t, "rows");
	for (const cJSON *p = pods ? pods->child : NULL; p; p = p->next) {
		cJSON *row = cJSON_CreateObject(), *cells = cJSON_AddArrayToObject(row, "cells");
		cJSON *obj = cJSON_CreateObject();
		int ready, total, restarts;
		const char *word = pod_status_word(p, &ready, &total, &restarts);
		const char *created = get_str(p, "metadata", "creationTimestamp");
		char buf[32], age[24];
		int64_t c = 0;

		cJSON_AddItemToArray(cells, cJSON_CreateString(get_str(p, "metadata", "name")));
		snprintf(buf, sizeof buf, "%d/%d", ready, total);
		cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
		cJSON_AddItemToArray(cells, cJSON_CreateString(word));
		snprintf(buf, sizeof buf, "%d", restarts);
		cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
		if (fm_time_parse(created, strlen(created), &c) < 0)
			c = now_ns;
		k8s_human_age((now_ns - c) / FM_NS_PER_SEC, age);
		cJSON_AddItemToArray(cells, cJSON_CreateString(age));
		cJSON_AddItemToArray(cells, cJSON_CreateString(*get_str(p, "status", "podIP")
		                                                   ? get_str(p, "status", "podIP")
		                                                   : "<none>"));
		cJSON_AddItemToArray(cells, cJSON_CreateString(get_str(p, "spec", "nodeName")));
		cJSON_AddStringToObject(obj, "kind", "PartialObjectMetadata");
		cJSON_AddStringToObject(obj, "apiVersion", "meta.k8s.io/v1");
		cJSON_AddItemToObject(
		    obj, "metadata",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "metadata"), 1));
		cJSON_AddItemToObject(row, "object", obj);
		cJSON_AddItemToArray(rows, row);
	}
	return t;
}
