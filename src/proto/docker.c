/* docker.c: Docker Engine API pieces that need no socket. */
#include "fleetmux/docker.h"
#include "fleetmux/http_head.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
docker_parse_upgrade(const char *buf, size_t len, int *status, size_t *header_len)
{
	struct http_head h;
	int rc = http_head_parse(buf, len, 64 * 1024, 0, &h);

	if (rc == 1) {
		*status = h.status;
		*header_len = h.len;
		http_head_free(&h);
	}
	return rc;
}

int
docker_demux_feed(struct docker_demux *d, const unsigned char *p, size_t len, demux_cb cb, void *arg)
{
	while (len > 0) {
		if (d->remaining == 0) {
			size_t take = 8 - d->have;

			if (take > len)
				take = len;
			memcpy(d->hdr + d->have, p, take);
			d->have += take;
			p += take;
			len -= take;
			if (d->have < 8)
				return 0;
			d->have = 0;
			if (d->hdr[0] > 2)
				return fm_error(FM_EPROTO, "stream frame for unknown stream %d", d->hdr[0]);
			d->stream = d->hdr[0];
			d->remaining = (size_t)d->hdr[4] << 24 | (size_t)d->hdr[5] << 16 |
				       (size_t)d->hdr[6] << 8 | d->hdr[7];
			continue;
		}
		{
			size_t take = d->remaining < len ? d->remaining : len;

			cb(arg, d->stream, p, take);
			d->remaining -= take;
			p += take;
			len -= take;
		}
	}
	return 0;
}

static char *
str_or(const cJSON *o, const char *k, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return xstrdup(cJSON_IsString(v) ? v->valuestring : def);
}

/* Container.State as the Engine API documents it. */
static const struct fm_state_word docker_words[] = {
    {"created", FM_STATE_PENDING}, {"restarting", FM_STATE_PENDING},
    {"running", FM_STATE_RUNNING}, {"paused", FM_STATE_PAUSED},
    {"exited", FM_STATE_EXITED},   {"dead", FM_STATE_EXITED},
    {"removing", FM_STATE_EXITED}, {NULL, FM_STATE_UNKNOWN},
};

enum fm_state
docker_state(const char *state)
{
	return fm_state_of(docker_words, state);
}

/* An exited container says how it ended: "exited 2", from the Status
 * the engine writes ("Exited (2) 5 seconds ago"). */
static void
exit_code_into_status(struct fm_group *g)
{
	int code;

	if (g->state != FM_STATE_EXITED || sscanf(g->zone, "Exited (%d)", &code) != 1)
		return;
	g->containers[0].exit_code = code;
	free(g->status);
	g->status = xasprintf("exited %d", code);
	free(g->containers[0].status);
	g->containers[0].status = xstrdup(g->status);
}

/* Ports: [{"IP", "PrivatePort", "PublicPort", "Type"}]; a port published
 * on two addresses (0.0.0.0 and ::) is listed twice: kept once. */
static void
parse_ports(const cJSON *arr, struct fm_container *c)
{
	const cJSON *p;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return;
	c->ports = xcalloc((size_t)cJSON_GetArraySize(arr), sizeof *c->ports);
	cJSON_ArrayForEach(p, arr) {
		const cJSON *priv = cJSON_GetObjectItemCaseSensitive(p, "PrivatePort");
		const cJSON *pub = cJSON_GetObjectItemCaseSensitive(p, "PublicPort");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "Type");
		struct fm_port fp = {0};
		int dup = 0;

		if (!cJSON_IsNumber(priv) || priv->valuedouble < 1 || priv->valuedouble > 65535)
			continue;
		fp.port = (int)priv->valuedouble;
		fp.public_port = cJSON_IsNumber(pub) && pub->valuedouble >= 1 && pub->valuedouble <= 65535
					 ? (int)pub->valuedouble
					 : 0;
		snprintf(fp.protocol, sizeof fp.protocol, "%s",
			 cJSON_IsString(type) && *type->valuestring ? type->valuestring : "tcp");
		for (size_t i = 0; i < c->nports; i++)
			dup |= c->ports[i].port == fp.port && c->ports[i].public_port == fp.public_port &&
			       strcmp(c->ports[i].protocol, fp.protocol) == 0;
		if (!dup)
			c->ports[c->nports++] = fp;
	}
}

/* The first network's address (NetworkSettings.Networks.*.IPAddress). */
static char *
first_ip(const cJSON *e)
{
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(e, "NetworkSettings");
	const cJSON *nets = cJSON_GetObjectItemCaseSensitive(ns, "Networks"), *n;

	if (cJSON_IsObject(nets))
		cJSON_ArrayForEach(n, nets) {
			const cJSON *ip = cJSON_GetObjectItemCaseSensitive(n, "IPAddress");

			if (cJSON_IsString(ip) && *ip->valuestring)
				return xstrdup(ip->valuestring);
		}
	return xstrdup("");
}

int
docker_parse_containers(const char *json, size_t len, const char *engine, struct fm_group **groups,
			size_t *n)
{
	cJSON *j = cJSON_ParseWithLength(json, len), *e;
	size_t k = 0;

	*groups = NULL;
	*n = 0;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "containers/json: the answer is not a JSON array");
	}
	*groups = xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof **groups);
	cJSON_ArrayForEach(e, j) {
		struct fm_group *g;
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(e, "Names"), *first, *labels, *l;
		const char *name;

		if (!cJSON_IsObject(e) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "Id")))
			continue;
		g = &(*groups)[k++];
		params_init(&g->tags);
		g->id = str_or(e, "Id", "");
		first = cJSON_IsArray(names) ? cJSON_GetArrayItem(names, 0) : NULL;
		name = cJSON_IsString(first) ? first->valuestring : g->id;
		if (*name == '/')
			name++;
		g->name = xstrdup(name);
		g->region = xstrdup(engine);
		g->zone = str_or(e, "Status", "");
		g->status = str_or(e, "State", "unknown");
		g->state = docker_state(g->status);
		g->ip = first_ip(e);
		{
			const cJSON *created = cJSON_GetObjectItemCaseSensitive(e, "Created");

			/* seconds since 1970; past 9e9 (the year 2255) is no time */
			g->created_ns = cJSON_IsNumber(created) && created->valuedouble > 0 &&
						created->valuedouble < 9e9
					    ? (int64_t)created->valuedouble * 1000000000LL
					    : 0;
		}
		labels = cJSON_GetObjectItemCaseSensitive(e, "Labels");
		/* An object of strings; in an array the entries have no names
		 * (found by fuzz_proto). */
		if (cJSON_IsObject(labels))
			cJSON_ArrayForEach(l, labels)
				if (cJSON_IsString(l) && l->string != NULL)
				params_add(&g->tags, l->string, l->valuestring);
		g->ncontainers = 1;
		g->containers = xcalloc(1, sizeof *g->containers);
		g->containers[0].name = xstrdup(g->name);
		g->containers[0].image = str_or(e, "Image", "");
		g->containers[0].status = xstrdup(g->status);
		g->containers[0].state = g->state;
		g->containers[0].ready = g->state == FM_STATE_RUNNING;
		parse_ports(cJSON_GetObjectItemCaseSensitive(e, "Ports"), &g->containers[0]);
		exit_code_into_status(g);
	}
	*n = k;
	cJSON_Delete(j);
	return 0;
}

int
docker_parse_inspect(const char *json, size_t len, int *tty, char **status, int *running,
		     int *exit_code)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(j, "Config");
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(j, "State");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(state, "ExitCode");

	*status = NULL;
	if (!cJSON_IsObject(j) || !cJSON_IsObject(state)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "containers/json: no State in the answer");
	}
	*tty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config, "Tty"));
	*status = str_or(state, "Status", "unknown");
	*running = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(state, "Running"));
	*exit_code = code != NULL && cJSON_IsNumber(code) ? code->valueint : -1;
	cJSON_Delete(j);
	return 0;
}

int
docker_parse_exec_id(const char *json, size_t len, char **id)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "Id");

	*id = NULL;
	if (!cJSON_IsString(v) || *v->valuestring == '\0') {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "exec create: no Id in the answer");
	}
	*id = xstrdup(v->valuestring);
	cJSON_Delete(j);
	return 0;
}

int
docker_parse_exec_inspect(const char *json, size_t len, int *running, int *exit_code)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "Running");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "ExitCode");

	/* ExitCode is null while the process runs. */
	if (!cJSON_IsBool(r) || !(cJSON_IsNumber(c) || cJSON_IsNull(c) || c == NULL)) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO, "exec inspect: no Running/ExitCode in the answer");
	}
	*running = cJSON_IsTrue(r);
	*exit_code = cJSON_IsNumber(c) ? c->valueint : -1;
	cJSON_Delete(j);
	return 0;
}

void
docker_parse_error(int status, const char *json, size_t len, struct buf *msg)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");

	if (cJSON_IsString(m))
		buf_printf(msg, "%s", m->valuestring);
	else if (status > 0)
		buf_printf(msg, "HTTP %d%s%.*s", status, len ? ": " : "", (int)(len > 120 ? 120 : len),
			   json);
	cJSON_Delete(j);
}

char *
docker_exec_body(char *const *argv, int tty, int attach_stdin, const char *mark)
{
	cJSON *o = cJSON_CreateObject(), *cmd, *env;
	char *s;

	cJSON_AddBoolToObject(o, "AttachStdin", attach_stdin);
	cJSON_AddBoolToObject(o, "AttachStdout", 1);
	cJSON_AddBoolToObject(o, "AttachStderr", 1);
	cJSON_AddBoolToObject(o, "Tty", tty);
	cmd = cJSON_AddArrayToObject(o, "Cmd");
	for (size_t i = 0; argv[i] != NULL; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]));
	env = cJSON_AddArrayToObject(o, "Env");
	if (tty)
		cJSON_AddItemToArray(env, cJSON_CreateString("TERM=xterm-256color"));
	if (mark != NULL)
		cJSON_AddItemToArray(env, cJSON_CreateString(mark));
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Container actions that leave the list as it was: every exec (a pane
 * opening or closing, fleetmux ending a process) and reads of a container. */
static int
changes_nothing_listed(const char *action)
{
	static const char *const quiet[] = {"exec_", "attach", "detach", "resize", "top", "export",
					    "copy", "archive-path", "extract-to-dir", "commit", NULL};

	for (size_t i = 0; quiet[i] != NULL; i++)
		if (strncmp(action, quiet[i], strlen(quiet[i])) == 0)
			return 1;
	return 0;
}

int
docker_event_changes_list(const char *line, size_t len)
{
	cJSON *j = line ? cJSON_ParseWithLength(line, len) : NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "Type");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "Action");
	int yes = cJSON_IsString(t) && strcmp(t->valuestring, "container") == 0 &&
		  !(cJSON_IsString(a) && changes_nothing_listed(a->valuestring));

	cJSON_Delete(j);
	return yes;
}

int
docker_event_parse(const char *line, size_t len, struct docker_event *e)
{
	cJSON *j = line ? cJSON_ParseWithLength(line, len) : NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "Type");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "Action");
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(j, "Actor");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(actor, "ID");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(attrs, "exitCode");
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(attrs, "signal");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(attrs, "name");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(j, "timeNano");
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(j, "time");

	if (!cJSON_IsString(t) || strcmp(t->valuestring, "container") != 0 || !cJSON_IsString(a) ||
	    !cJSON_IsString(id) || *id->valuestring == '\0') {
		cJSON_Delete(j);
		return 0;
	}
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id->valuestring);
	e->action = xstrdup(a->valuestring);
	/* the attributes are strings: "exitCode":"137", "signal":"15" */
	e->exit_code = cJSON_IsString(code) ? atoi(code->valuestring) : -1;
	e->signal = cJSON_IsString(sig) ? atoi(sig->valuestring) : 0;
	e->name = cJSON_IsString(name) ? xstrdup(name->valuestring) : NULL;
	/* a double holds timeNano to a fraction of a microsecond: enough */
	if (cJSON_IsNumber(ns) && ns->valuedouble > 0 && ns->valuedouble < 9e18)
		e->time_ns = (int64_t)ns->valuedouble;
	else if (cJSON_IsNumber(sec) && sec->valuedouble > 0 && sec->valuedouble < 9e9)
		e->time_ns = (int64_t)sec->valuedouble * 1000000000LL;
	cJSON_Delete(j);
	return 1;
}

void
docker_event_free(struct docker_event *e)
{
	free(e->id);
	free(e->action);
	free(e->name);
	memset(e, 0, sizeof *e);
}

static const char *
signal_name(int sig)
{
	static const struct {
		int n;
		const char *name;
	} names[] = {{1, "SIGHUP"},  {2, "SIGINT"},   {3, "SIGQUIT"}, {6, "SIGABRT"}, {9, "SIGKILL"},
		     {10, "SIGUSR1"}, {12, "SIGUSR2"}, {15, "SIGTERM"}, {0, NULL}};

	for (size_t i = 0; names[i].name != NULL; i++)
		if (names[i].n == sig)
			return names[i].name;
	return NULL;
}

static int
reason_is(const struct fm_event *e, const char *reason)
{
	return e->reason != NULL && strcmp(e->reason, reason) == 0;
}

/* The newest of before[] with this reason since the container last
 * started, or NULL. */
static const struct fm_event *
since_start(const struct fm_event *before, size_t n, const char *reason)
{
	for (size_t i = n; i-- > 0;) {
		if (reason_is(&before[i], "Started") || reason_is(&before[i], "Restarted") ||
		    reason_is(&before[i], "Created"))
			return NULL;
		if (reason_is(&before[i], reason))
			return &before[i];
	}
	return NULL;
}

/* The exit code a Died event's message says, or -1. */
static int
died_code(const struct fm_event *e)
{
	const char *p = e && e->message ? strstr(e->message, "exit code ") : NULL;

	return p ? atoi(p + 10) : -1;
}

int
docker_event_words(const struct docker_event *e, const struct fm_event *before, size_t n,
		   struct fm_event *out)
{
	const char *act = e->action;
	const char *type = "Normal", *reason = NULL;
	char msg[200];

	msg[0] = '\0';
	if (strcmp(act, "die") == 0) {
		const struct fm_event *kill = since_start(before, n, "Killed");
		const struct fm_event *oom = since_start(before, n, "OOMKilled");

		reason = "Died";
		if (e->exit_code < 0)
			snprintf(msg, sizeof msg, "died");
		else
			snprintf(msg, sizeof msg, "died, exit code %d", e->exit_code);
		/* a death asked for, or already said, is no new warning */
		if (oom != NULL)
			strncat(msg, " (OOM-killed)", sizeof msg - strlen(msg) - 1);
		else if (kill != NULL)
			snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " (after it was %s)",
				 kill->message);
		else if (e->exit_code != 0)
			type = "Warning";
	} else if (strcmp(act, "oom") == 0) {
		type = "Warning";
		reason = "OOMKilled";
		snprintf(msg, sizeof msg, "OOM-killed: out of memory");
	} else if (strcmp(act, "kill") == 0) {
		const char *sig = signal_name(e->signal);

		reason = "Killed";
		if (sig != NULL)
			snprintf(msg, sizeof msg, "sent %s", sig);
		else
			snprintf(msg, sizeof msg, "sent signal %d", e->signal);
	} else if (strcmp(act, "start") == 0) {
		const struct fm_event *last = NULL;

		/* a start after a death is a restart (a restart policy's
		 * says no more than that; docker restart adds "restart") */
		for (size_t i = n; i-- > 0 && last == NULL;)
			if (reason_is(&before[i], "Died") || reason_is(&before[i], "Started") ||
			    reason_is(&before[i], "Restarted") || reason_is(&before[i], "Created"))
				last = &before[i];
		if (last != NULL && reason_is(last, "Died")) {
			int code = died_code(last);

			reason = "Restarted";
			if (code >= 0)
				snprintf(msg, sizeof msg, "restarted after exit code %d", code);
			else
				snprintf(msg, sizeof msg, "restarted");
		} else {
			reason = "Started";
			snprintf(msg, sizeof msg, "started");
		}
	} else if (strcmp(act, "restart") == 0) {
		reason = "Restart";
		snprintf(msg, sizeof msg, "restart asked for (stopped and started again)");
	} else if (strcmp(act, "stop") == 0) {
		reason = "Stopped";
		snprintf(msg, sizeof msg, "stopped");
	} else if (strcmp(act, "create") == 0) {
		reason = "Created";
		snprintf(msg, sizeof msg, "created");
	} else if (strcmp(act, "pause") == 0 || strcmp(act, "unpause") == 0) {
		reason = act[0] == 'p' ? "Paused" : "Unpaused";
		snprintf(msg, sizeof msg, "%s", act[0] == 'p' ? "paused" : "unpaused");
	} else if (strcmp(act, "rename") == 0) {
		reason = "Renamed";
		snprintf(msg, sizeof msg, "renamed to %.150s", e->name ? e->name : "?");
	} else if (strncmp(act, "health_status", 13) == 0) {
		const char *word = act + 13;

		while (*word == ':' || *word == ' ')
			word++;
		if (strcmp(word, "unhealthy") == 0) {
			type = "Warning";
			reason = "Unhealthy";
			snprintf(msg, sizeof msg, "health check failing");
		} else if (strcmp(word, "healthy") == 0) {
			reason = "Healthy";
			snprintf(msg, sizeof msg, "health check passing");
		} else {
			return 0; /* starting: nothing happened yet */
		}
	}
	if (reason == NULL)
		return 0;
	memset(out, 0, sizeof *out);
	out->type = xstrdup(type);
	out->reason = xstrdup(reason);
	out->message = xstrdup(msg);
	out->count = 1;
	out->first_ns = out->last_ns = e->time_ns;
	return 1;
}
