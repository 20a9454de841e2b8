/* workspace.c: a workspace to JSON and back (workspace.h). */
#include "fleetmux/workspace.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

static const char *const kind_names[WS_KINDS] = {"shell", "log", "previous-log"};

const char *
ws_kind_name(enum ws_kind k)
{
	return k >= 0 && k < WS_KINDS ? kind_names[k] : "shell";
}

char *
workspace_encode(const struct workspace *w)
{
	cJSON *root = cJSON_CreateObject(), *panes = cJSON_CreateArray();
	char *text, *out;

	cJSON_AddNumberToObject(root, "version", WORKSPACE_VERSION);
	cJSON_AddStringToObject(root, "layout", w->layout ? w->layout : "tiled");
	cJSON_AddNumberToObject(root, "zoomed", w->zoomed);
	cJSON_AddNumberToObject(root, "focus", w->focus);
	for (size_t i = 0; i < w->npanes; i++) {
		const struct ws_pane *p = &w->panes[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "provider", p->provider);
		cJSON_AddStringToObject(o, "region", p->region);
		cJSON_AddStringToObject(o, "group", p->group_id);
		cJSON_AddStringToObject(o, "name", p->group_name);
		cJSON_AddStringToObject(o, "container", p->container);
		cJSON_AddStringToObject(o, "kind", ws_kind_name(p->kind));
		if (p->marked)
			cJSON_AddTrueToObject(o, "marked");
		cJSON_AddItemToArray(panes, o);
	}
	cJSON_AddItemToObject(root, "panes", panes);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	out = xstrdup(text ? text : "{}");
	cJSON_free(text);
	return out;
}

/* A string field of o, copied; NULL with why when it is not one. */
static char *
string(const cJSON *o, const char *key, const char *where, char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
		snprintf(why, whylen, "%s%s: %s", where, key,
			 v == NULL ? "missing" : cJSON_IsString(v) ? "empty" : "not a string");
		return NULL;
	}
	return xstrdup(v->valuestring);
}

static int
integer(const cJSON *o, const char *key, int min, int max, int *out, char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		return 0; /* the default stays */
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble ||
	    v->valueint < min || v->valueint > max) {
		snprintf(why, whylen, "%s: not a whole number from %d to %d", key, min, max);
		return -1;
	}
	*out = v->valueint;
	return 0;
}

static int
pane(const cJSON *o, size_t i, struct ws_pane *p, char *why, size_t whylen)
{
	char where[32];
	const cJSON *kind, *marked;

	snprintf(where, sizeof where, "panes[%zu].", i);
	if (!cJSON_IsObject(o)) {
		snprintf(why, whylen, "panes[%zu]: not an object", i);
		return -1;
	}
	if ((p->provider = string(o, "provider", where, why, whylen)) == NULL ||
	    (p->region = string(o, "region", where, why, whylen)) == NULL ||
	    (p->group_id = string(o, "group", where, why, whylen)) == NULL ||
	    (p->group_name = string(o, "name", where, why, whylen)) == NULL ||
	    (p->container = string(o, "container", where, why, whylen)) == NULL)
		return -1;
	kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	p->kind = WS_KINDS;
	for (int k = 0; k < WS_KINDS && cJSON_IsString(kind); k++)
		if (strcmp(kind->valuestring, kind_names[k]) == 0)
			p->kind = (enum ws_kind)k;
	if (p->kind == WS_KINDS) {
		snprintf(why, whylen, "%skind: not shell, log or previous-log", where);
		return -1;
	}
	marked = cJSON_GetObjectItemCaseSensitive(o, "marked");
	if (marked != NULL && !cJSON_IsBool(marked)) {
		snprintf(why, whylen, "%smarked: not true or false", where);
		return -1;
	}
	p->marked = cJSON_IsTrue(marked);
	return 0;
}

int
workspace_decode(const char *text, size_t n, struct workspace *w, char *why, size_t whylen)
{
	cJSON *root = cJSON_ParseWithLength(text, n);
	const cJSON *panes, *version;
	size_t count, i = 0;

	memset(w, 0, sizeof *w);
	w->zoomed = -1;
	w->focus = -1;
	if (root == NULL || !cJSON_IsObject(root)) {
		snprintf(why, whylen, "not a JSON object");
		cJSON_Delete(root);
		return -1;
	}
	version = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(version) || version->valueint != WORKSPACE_VERSION) {
		snprintf(why, whylen, "version: not %d (a newer fleetmux's?)", WORKSPACE_VERSION);
		goto bad;
	}
	if ((w->layout = string(root, "layout", "", why, whylen)) == NULL)
		goto bad;
	panes = cJSON_GetObjectItemCaseSensitive(root, "panes");
	if (!cJSON_IsArray(panes)) {
		snprintf(why, whylen, "panes: %s", panes == NULL ? "missing" : "not an array");
		goto bad;
	}
	count = (size_t)cJSON_GetArraySize(panes);
	if (count > 256) {
		snprintf(why, whylen, "panes: %zu, more than a session holds (256)", count);
		goto bad;
	}
	if (integer(root, "zoomed", -1, (int)count - 1, &w->zoomed, why, whylen) < 0 ||
	    integer(root, "focus", -1, (int)count - 1, &w->focus, why, whylen) < 0)
		goto bad;
	w->panes = xcalloc(count + 1, sizeof *w->panes);
	for (const cJSON *o = panes->child; o != NULL; o = o->next, i++) {
		w->npanes = i + 1;
		if (pane(o, i, &w->panes[i], why, whylen) < 0)
			goto bad;
	}
	w->npanes = count;
	cJSON_Delete(root);
	return 0;
bad:
	cJSON_Delete(root);
	workspace_free(w);
	w->zoomed = w->focus = -1;
	return -1;
}

void
workspace_free(struct workspace *w)
{
	for (size_t i = 0; i < w->npanes; i++) {
		free(w->panes[i].provider);
		free(w->panes[i].region);
		free(w->panes[i].group_id);
		free(w->panes[i].group_name);
		free(w->panes[i].container);
	}
	free(w->panes);
	free(w->layout);
	memset(w, 0, sizeof *w);
}
