/* eci_exec.c: the ECI exec dialer. Each try is one ExecContainerCommand
 * (every WebSocketUri is single-use) and one channel-framed WebSocket.
 *
 * ECI has no call to end an exec's process, and a real ECI (containerd
 * underneath) keeps the process running when the socket closes. So each
 * command runs under a tiny sh wrapper that marks it with FLEETMUX_EXEC=token
 * in its environment, which every process it starts inherits; terminate is
 * a second, synchronous ExecContainerCommand that signals the processes so
 * marked and says whether any is left. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eci_int.h"
#include "fleetmux/debuglog.h"

/* Starts bash where the image has it, else sh. */
static char *default_shell[] = {
    "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi", NULL};

/* Marks the command (and what it starts) with the token; $1 is the token,
 * the rest the command. */
static const char mark_script[] = "FLEETMUX_EXEC=$1; export FLEETMUX_EXEC; shift; exec \"$@\"";

/* ExecContainerCommand's Command: at most this many words. */
#define ECI_MAX_COMMAND_WORDS 20

struct eci_dial {
	struct eci *e;
	struct session *s;
	struct eci_call *call;
	struct chanws *cw;
};

static char *
json_words(char *const *pre, char *const *argv)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	for (size_t i = 0; pre != NULL && pre[i] != NULL; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(pre[i]));
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

static void
dial_opened(void *arg, struct chanws *cw)
{
	struct eci_dial *d = arg;
	struct session *s = d->s;

	free(d);
	session_transport_open(s, &chanws_ops, cw);
}

static void
dial_failed(void *arg, const struct fm_cause *cause)
{
	struct eci_dial *d = arg;
	struct session *s = d->s;

	free(d);
	session_dial_failed(s, cause);
}

/* The exec WebSocket did not open. A refusal of the upgrade is what ECI
 * answers to a WebSocketUri that has expired or was used: say so. */
static void
ws_failed(void *arg, const struct fm_cause *cause)
{
	struct fm_cause c = *cause;

	if (c.http_status >= 400 && c.http_status < 500) {
		snprintf(c.msg, sizeof c.msg, "the exec WebSocket was refused (HTTP %d): its URI may have "
					      "expired or been used already (each is good once, for a "
					      "short time after ExecContainerCommand)",
			 cause->http_status);
		/* Not the API's status: a new try asks for a new URI, and is
		 * worth making where one may be made. */
		c.http_status = 0;
	}
	dial_failed(arg, &c);
}

static const struct chanws_dial_cb dial_cb = {dial_opened, ws_failed};

static void
exec_answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct eci_dial *d = arg;
	struct fm_cause cause;
	char *uri = NULL;

	d->call = NULL;
	if (error != NULL) {
		dial_failed(d, error);
		return;
	}
	if (eci_parse_exec(body, len, &uri) < 0) {
		fm_cause_from_error(&cause, -FM_EPROTO);
		dial_failed(d, &cause);
		return;
	}
	/* From here the command may run (on a real ECI perhaps already). */
	session_dial_started(d->s);
	d->cw = chanws_open(d->e->ws, uri, &d->e->chan, d->s, &dial_cb, d, &cause);
	free(uri);
	if (d->cw == NULL)
		dial_failed(d, &cause);
}

static void
exec_params(struct params *p, const struct exec_spec *spec, const char *command, int tty,
	    int stdin_on, int sync)
{
	params_init(p);
	params_add(p, "RegionId", spec->region);
	params_add(p, "ContainerGroupId", spec->group_id);
	params_add(p, "ContainerName", spec->container);
	params_add(p, "Command", command);
	params_add(p, "TTY", tty ? "true" : "false");
	params_add(p, "Stdin", stdin_on ? "true" : "false");
	if (sync)
		params_add(p, "Sync", "true");
}

static void *
eci_dial(void *pctx, struct session *s, const struct exec_spec *spec)
{
	struct eci *e = pctx;
	struct eci_dial *d = xcalloc(1, sizeof *d);
	char *const *cmd = spec->argv ? spec->argv : e->default_cmd ? e->default_cmd : default_shell;
	char *pre[] = {"/bin/sh", "-c", (char *)mark_script, "sh", (char *)spec->token, NULL};
	size_t words = 0;
	char *argv;
	struct params p;

	/* ExecContainerCommand takes 20 words; the mark takes 5 of them. Say
	 * so here rather than pass on the service's count of 21+. */
	while (cmd[words] != NULL)
		words++;
	if (words > ECI_MAX_COMMAND_WORDS - 5) {
		struct fm_cause c;

		fm_cause_http(&c, FM_ELIMIT, 400, "InvalidParameter.ValueExceeded",
			      "ECI runs at most %d command words, and fleetmux needs 5 of them to mark "
			      "the process; this command has %zu (wrap it in sh -c '...')",
			      ECI_MAX_COMMAND_WORDS, words);
		free(d);
		session_dial_failed(s, &c);
		return NULL;
	}
	argv = json_words(pre, cmd);
	d->e = e;
	d->s = s;
	exec_params(&p, spec, argv, spec->tty, !spec->no_stdin, 0);
	d->call = eci_call(e, spec->region, "ExecContainerCommand", &p, exec_answer, d);
	params_free(&p);
	free(argv);
	return d;
}

static void
eci_cancel(void *pctx, void *attempt)
{
	struct eci_dial *d = attempt;

	if (d->call != NULL)
		eci_call_cancel(d->call);
	if (d->cw != NULL)
		chanws_close(d->cw);
	free(d);
}

static int
eci_dial_retryable(void *pctx, const struct fm_cause *c)
{
	if (c == NULL)
		return 1;
	if (c->permanent)
		return 0; /* a CA file, a certificate: the same again */
	/* The socket failed (http_status 0 and no vendor code), or the API
	 * said to come back later. */
	return eci_retryable(c->http_status, c->vendor[0] ? c->vendor : NULL);
}

struct eci_kill {
	struct eci *e;
	terminate_cb done;
	void *arg;
};

static void
kill_answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct eci_kill *k = arg;
	char *out = NULL;
	char msg[600];
	int gone = 0;

	if (error != NULL)
		snprintf(msg, sizeof msg, "could not end it: %s", error->msg);
	else if (eci_parse_sync(body, len, &out) < 0)
		snprintf(msg, sizeof msg, "could not end it: %s", fm_error_message());
	else if (strstr(out, "gone") != NULL)
		gone = 1, snprintf(msg, sizeof msg, "ended in the container");
	else
		snprintf(msg, sizeof msg, "still running after SIGKILL: %.200s", out);
	free(out);
	k->e->terminating--;
	if (k->done != NULL)
		k->done(k->arg, gone, msg);
	free(k);
}

static void
eci_terminate(void *pctx, const struct exec_spec *spec, terminate_cb done, void *arg)
{
	struct eci *e = pctx;
	struct eci_kill *k = xcalloc(1, sizeof *k);
	char **words = session_kill_argv(spec->token);
	char *cmd = json_words(words, NULL);
	struct params p;

	debuglog("exec %s/%s: ending the process marked %s", spec->group_id, spec->container, words[3]);
	k->e = e;
	k->done = done;
	k->arg = arg;
	e->terminating++;
	/* Sync runs it to the end and returns what it printed (TTY off). */
	exec_params(&p, spec, cmd, 0, 0, 1);
	eci_call(e, spec->region, "ExecContainerCommand", &p, kill_answer, k);
	params_free(&p);
	free(cmd);
	strv_free(words);
}

const struct exec_dialer eci_dialer = {
    .dial = eci_dial,
    .cancel = eci_cancel,
    .retryable = eci_dial_retryable,
    .terminate = eci_terminate,
    .not_ended = provider_not_ended,
};
