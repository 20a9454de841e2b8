/* k8s_exec.c: the Kubernetes exec dialer. Each try is one
 * GET .../pods/POD/exec upgraded to a WebSocket offering v5.channel.k8s.io
 * then v4, carried by the shared chanws transport (stdin 0, stdout 1,
 * stderr 2, the Status on 3, sizes on 4).
 *
 * The API server starts the process when the upgrade is answered, so the
 * command counts as started once the socket opens. Closing the socket does
 * not end the process (the container runtime keeps it), so each command is
 * marked with FLEETMUX_EXEC=token by a tiny sh wrapper, as on ECI, and
 * terminate is a second exec running the kill script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/channel.h"
#include "fleetmux/debuglog.h"
#include "k8s_int.h"

/* Starts bash where the image has it, else sh. */
static char *default_shell[] = {
    "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi", NULL};

/* Marks the command (and what it starts) with the token; $1 is the token,
 * the rest the command. */
static const char mark_script[] = "FLEETMUX_EXEC=$1; export FLEETMUX_EXEC; shift; exec \"$@\"";

struct k8s_dial {
	struct k8s *k;
	struct k8s_ctx *c;
	struct session *s;
	char *url;
	char *group_id, *container;
	struct k8s_cred_wait *wait;
	struct chanws *cw;
	int renewed;
	char *auth; /* the Authorization sent, to tell a stale refusal */
	int asking; /* inside k8s_cred_get: a failure now leaves d for the asker */
	int failed;
};

static void
dial_free(struct k8s_dial *d)
{
	free(d->auth);
	free(d->url);
	free(d->group_id);
	free(d->container);
	free(d);
}

static void
dial_opened(void *arg, struct chanws *cw)
{
	struct k8s_dial *d = arg;
	struct session *s = d->s;

	debuglog("k8s exec %s/%s: open (%s)", d->group_id, d->container, chanws_subprotocol(cw));
	dial_free(d);
	session_dial_started(s);
	session_transport_open(s, &chanws_ops, cw);
}

static void dial_cred(void *arg, const char *auth, const struct fm_cause *why);

/* Ask for the credential; 0, or -1 when the try failed at once (d is
 * gone and the session told). */
static int
dial_ask(struct k8s_dial *d)
{
	struct k8s_cred_wait *w;

	d->asking = 1;
	w = k8s_cred_get(d->c, dial_cred, d);
	d->asking = 0;
	if (d->failed) {
		dial_free(d);
		return -1;
	}
	d->wait = w;
	return 0;
}

/* The try failed: the session hears why. */
static void
dial_give_up(struct k8s_dial *d, const struct fm_cause *c)
{
	struct session *s = d->s;

	if (d->asking)
		d->failed = 1;
	else
		dial_free(d);
	session_dial_failed(s, c);
}

static void
dial_failed(void *arg, const struct fm_cause *cause)
{
	struct k8s_dial *d = arg;
	struct fm_cause c = *cause;

	d->cw = NULL;
	/* A plugin's token refused: ask the plugin again, once. */
	if (c.http_status == 401 && !d->renewed && k8s_cred_refused(d->c, d->auth)) {
		d->renewed = 1;
		dial_ask(d);
		return;
	}
	k8s_exec_refusal(&c, d->group_id, d->container);
	dial_give_up(d, &c);
}

static const struct chanws_dial_cb dial_cb = {dial_opened, dial_failed};

static void
dial_cred(void *arg, const char *auth, const struct fm_cause *why)
{
	struct k8s_dial *d = arg;
	struct chanws_opts o;
	struct params h;
	struct fm_cause c;

	d->wait = NULL;
	if (why != NULL) {
		c = *why;
		c.permanent = 1;
		dial_give_up(d, &c);
		return;
	}
	params_init(&h);
	free(d->auth);
	d->auth = auth != NULL ? xstrdup(auth) : NULL;
	if (auth != NULL)
		params_add(&h, "Authorization", auth);
	memset(&o, 0, sizeof o);
	o.status_channel = CH_STATUS;
	o.resize_channel = CH_RESIZE;
	o.subprotocol = CHANNEL_K8S_SUBPROTOCOLS;
	o.headers = &h;
	d->cw = chanws_open(d->c->ws, d->url, &o, d->s, &dial_cb, d, &c);
	params_free(&h);
	if (d->cw == NULL) {
		c.permanent = 1;
		dial_give_up(d, &c);
	}
}

static void *
k8s_dial(void *pctx, struct session *s, const struct exec_spec *spec)
{
	struct k8s *k = pctx;
	struct k8s_ctx *c = k8s_ctx_find(k, spec->region);
	char *const *cmd = spec->argv       ? spec->argv
	                   : k->default_cmd ? k->default_cmd
	                                    : default_shell;
	char *pre[] = {"/bin/sh", "-c", (char *)mark_script, "sh", (char *)spec->token, NULL};
	struct k8s_dial *d;
	struct fm_cause why;
	char *url;

	if (c == NULL || c->error != NULL) {
		if (c == NULL)
			fm_cause_set(&why, FM_ENOTFOUND, "no context %s in the kubeconfig",
			             spec->region);
		else
			fm_cause_set(&why, FM_EINVAL, "%s", c->error);
		why.permanent = 1;
		session_dial_failed(s, &why);
		return NULL;
	}
	url = k8s_exec_url(c->server, spec->group_id, spec->container, pre, cmd, spec->tty,
	                   !spec->no_stdin, &why);
	if (url == NULL) {
		why.permanent = 1;
		session_dial_failed(s, &why);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->k = k;
	d->c = c;
	d->s = s;
	d->url = url;
	d->group_id = xstrdup(spec->group_id);
	d->container = xstrdup(spec->container);
	/* The credential may come at once (a token) or from a plugin. */
	return dial_ask(d) < 0 ? NULL : d;
}

static void
k8s_cancel(void *pctx, void *attempt)
{
	struct k8s_dial *d = attempt;

	(void)pctx;
	if (d->wait != NULL)
		k8s_cred_cancel(d->c, d->wait);
	if (d->cw != NULL)
		chanws_close(d->cw);
	dial_free(d);
}

static int
k8s_dial_retryable(void *pctx, const struct fm_cause *c)
{
	(void)pctx;
	if (c == NULL)
		return 1;
	if (c->permanent)
		return 0; /* a CA, a certificate, RBAC, a pod gone: the same again */
	if (c->http_status == 0 || c->http_status == 429 || c->http_status >= 500)
		return 1;
	return 0;
}

/* --- ending a process: a second exec running the kill script --- */

struct k8s_kill {
	struct k8s *k;
	struct k8s_ctx *c;
	char *url;
	struct ws_conn *ws;
	struct buf out;
	terminate_cb done;
	void *arg;
};

static void
kill_finish(struct k8s_kill *kl, int gone, const char *msg)
{
	kl->k->terminating--;
	if (kl->done != NULL)
		kl->done(kl->arg, gone, msg);
	buf_free(&kl->out);
	free(kl->url);
	free(kl);
}

static void
kill_open(void *arg)
{
	(void)arg;
}

static void
kill_message(void *arg, const unsigned char *data, size_t len, int binary)
{
	struct k8s_kill *kl = arg;

	if (binary && len > 1 && data[0] == CH_STDOUT && kl->out.len < 4096)
		buf_append(&kl->out, data + 1, len - 1);
}

static void
kill_close(void *arg, int code, int http_status, const char *why)
{
	struct k8s_kill *kl = arg;
	char msg[600];
	int gone = 0;

	(void)code;
	if (kl->out.data != NULL && strstr(kl->out.data, "gone") != NULL)
		gone = 1, snprintf(msg, sizeof msg, "ended in the container");
	else if (http_status >= 400)
		snprintf(msg, sizeof msg, "could not end it: the cluster refused (HTTP %d)",
		         http_status);
	else if (kl->out.len > 0)
		snprintf(msg, sizeof msg, "still running after SIGKILL: %.200s", kl->out.data);
	else
		snprintf(msg, sizeof msg, "could not end it: %s", why && *why ? why : "no answer");
	kill_finish(kl, gone, msg);
}

static const struct ws_callbacks kill_cb = {kill_open, kill_message, kill_close};

static void
kill_cred(void *arg, const char *auth, const struct fm_cause *why)
{
	struct k8s_kill *kl = arg;
	struct params h;
	char msg[600];

	if (why != NULL) {
		snprintf(msg, sizeof msg, "could not end it: %s", why->msg);
		kill_finish(kl, 0, msg);
		return;
	}
	params_init(&h);
	if (auth != NULL)
		params_add(&h, "Authorization", auth);
	kl->ws = ws_open_headers(kl->c->ws, kl->url, CHANNEL_K8S_SUBPROTOCOLS, &h, &kill_cb, kl);
	params_free(&h);
	if (kl->ws == NULL) {
		snprintf(msg, sizeof msg, "could not end it: %s", fm_error_message());
		kill_finish(kl, 0, msg);
	}
}

static void
k8s_terminate(void *pctx, const struct exec_spec *spec, terminate_cb done, void *arg)
{
	struct k8s *k = pctx;
	struct k8s_ctx *c = k8s_ctx_find(k, spec->region);
	struct k8s_kill *kl;
	char **words;
	struct fm_cause why;
	char *url;

	if (c == NULL || c->error != NULL) {
		if (done != NULL)
			done(arg, 0, "could not end it: the context cannot be used");
		return;
	}
	words = session_kill_argv(spec->token);
	url = k8s_exec_url(c->server, spec->group_id, spec->container, NULL, words, 0, 0, &why);
	strv_free(words);
	if (url == NULL) {
		if (done != NULL)
			done(arg, 0, why.msg);
		return;
	}
	debuglog("k8s exec %s/%s: ending the process marked with its token", spec->group_id,
	         spec->container);
	kl = xcalloc(1, sizeof *kl);
	kl->k = k;
	kl->c = c;
	kl->url = url;
	kl->done = done;
	kl->arg = arg;
	buf_init(&kl->out);
	k->terminating++;
	k8s_cred_get(c, kill_cred, kl);
}

const struct exec_dialer k8s_dialer = {
    .dial = k8s_dial,
    .cancel = k8s_cancel,
    .retryable = k8s_dial_retryable,
    .terminate = k8s_terminate,
    .not_ended = provider_not_ended,
};
