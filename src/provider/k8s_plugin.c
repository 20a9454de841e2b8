/* k8s_plugin.c: kubeconfig's exec credential plugins, run on the loop with
 * uv_spawn (never blocking it): args and env as the kubeconfig says,
 * KUBERNETES_EXEC_INFO, no stdin (fleetmux owns the terminal), 60 s at
 * most; stdout read by execcred.c, stderr kept for the message when it
 * fails. The answer is cached until its expirationTimestamp and forgotten
 * on a 401; requests that need it wait in a queue while it runs. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/debuglog.h"
#include "fleetmux/logs.h"
#include "k8s_int.h"

extern char **environ;

/* A plugin that says nothing for this long is ended. */
#define PLUGIN_TIMEOUT_MS 60000
/* What a plugin may print before it is refused. */
#define PLUGIN_MAX_OUTPUT (1u << 20)

struct k8s_cred_wait {
	struct k8s_cred_wait *next;
	struct k8s_ctx *ctx; /* whose TLS takes the answer's certificate */
	k8s_cred_cb cb;
	void *arg;
};

/* A credential plugin's source: one a kubeconfig user (and cluster, when
 * the plugin is told which: provideClusterInfo), shared by every context
 * that signs in as that user, so that a plugin which opens a browser runs
 * once, not once a context. */
struct k8s_execsrc {
	struct k8s_execsrc *next;
	uv_loop_t *loop;
	char *user;
	const struct kube_exec *exec;       /* borrowed from the kubeconfig */
	const struct kube_cluster *cluster; /* for KUBERNETES_EXEC_INFO */
	struct exec_credential cred;
	int have_cred;
	unsigned gen; /* counts the answers: a context's certificate is this one's or older */
	struct k8s_plugin *plugin; /* running */
	struct k8s_cred_wait *waiters;
	struct k8s_cred_wait *delivering; /* the answer's waiters, being told */
};

struct k8s_plugin {
	struct k8s_execsrc *src;
	uv_process_t proc;
	uv_pipe_t out, err;
	uv_timer_t timer;
	struct buf outb, errb;
	int open_handles;
	int exited;
	int out_done, err_done;
	int64_t status;
	int term_signal;
	char *spawn_error;
	int orphan; /* the source is gone: free, report nothing */
};

/* Tell one asker the answer: a certificate in it goes to the asker's
 * context first (files, curl, lws), then the Authorization header, if any. */
static void
answer(struct k8s_execsrc *c, struct k8s_ctx *ctx, k8s_cred_cb cb, void *arg)
{
	struct fm_cause why;
	char *auth = NULL;

	if (c->cred.cert.len > 0 &&
	    k8s_auth_use_cert(ctx, c->gen, &c->cred.cert, &c->cred.key, &why) < 0) {
		cb(arg, NULL, &why);
		return;
	}
	if (c->cred.token != NULL)
		auth = xasprintf("Bearer %s", c->cred.token);
	cb(arg, auth, NULL);
	free(auth);
}

/* why NULL: the answer is in c->cred. */
static void
deliver(struct k8s_execsrc *c, const struct fm_cause *why)
{
	struct k8s_cred_wait *w;

	/* Those who asked before the answer get it; who asks from a callback
	 * waits for the next one. A callback may cancel a waiter not told
	 * yet (k8s_execsrc_cancel looks here too). */
	c->delivering = c->waiters;
	c->waiters = NULL;
	while ((w = c->delivering) != NULL) {
		c->delivering = w->next;
		if (why != NULL)
			w->cb(w->arg, NULL, why);
		else
			answer(c, w->ctx, w->cb, w->arg);
		free(w);
	}
}

static void
plugin_handle_closed(uv_handle_t *h)
{
	struct k8s_plugin *pl = h->data;

	if (--pl->open_handles > 0)
		return;
	buf_free(&pl->outb);
	buf_free(&pl->errb);
	free(pl->spawn_error);
	free(pl);
}

/* The plugin is over: its answer, or its failure in its own words (its
 * stderr), to everyone waiting. */
static void
plugin_finish(struct k8s_plugin *pl)
{
	struct k8s_execsrc *c = pl->src;
	struct fm_cause why;

	memset(&why, 0, sizeof why);
	if (!pl->orphan) {
		const char *cmd = c->exec->command;

		c->plugin = NULL;
		if (pl->spawn_error != NULL) {
			fm_cause_set(&why, FM_EAUTH,
			             "the credential plugin %s could not be run: %s%s%s", cmd,
			             pl->spawn_error, c->exec->install_hint ? "; " : "",
			             c->exec->install_hint ? c->exec->install_hint : "");
		} else if (pl->term_signal != 0 || pl->status != 0) {
			/* Its stderr says why, in its words: the last of it. */
			const char *e = pl->errb.data ? pl->errb.data : "";
			size_t len = pl->errb.len;

			while (len > 0 && (e[len - 1] == '\n' || e[len - 1] == ' '))
				len--;
			if (len > 300)
				e += len - 300, len = 300;
			if (pl->term_signal != 0)
				fm_cause_set(
				    &why, FM_EAUTH,
				    "the credential plugin %s was ended by signal %d%s%.*s", cmd,
				    pl->term_signal, len ? ": " : "", (int)len, e);
			else
				fm_cause_set(&why, FM_EAUTH,
				             "the credential plugin %s failed (exit %d)%s%.*s", cmd,
				             (int)pl->status, len ? ": " : "", (int)len, e);
		} else {
			struct exec_credential cr;

			memset(&cr, 0, sizeof cr);
			if (execcred_parse(pl->outb.data ? pl->outb.data : "", pl->outb.len,
			                   c->exec, &cr, &why) == 0) {
				/* A token, a certificate, or both (client-go sends both). */
				exec_credential_free(&c->cred);
				c->cred = cr;
				c->have_cred = 1;
				c->gen++;
			}
		}
		if (why.code != 0)
			debuglog("k8s user %s: %s", c->user, why.msg);
		deliver(c, why.code != 0 ? &why : NULL);
	}
	uv_close((uv_handle_t *)&pl->timer, plugin_handle_closed);
}

/* The process has exited and both pipes are at their end. */
static void
plugin_maybe_done(struct k8s_plugin *pl)
{
	if (pl->exited && pl->out_done && pl->err_done)
		plugin_finish(pl);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	(void)h;
	b->base = xmalloc(suggested);
	b->len = suggested;
}

static void
pipe_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct k8s_plugin *pl = s->data;
	struct buf *into = s == (uv_stream_t *)&pl->out ? &pl->outb : &pl->errb;

	if (n > 0 && into->len + (size_t)n <= PLUGIN_MAX_OUTPUT)
		buf_append(into, b->base, (size_t)n);
	free(b->base);
	if (n < 0) {
		/* The end (or an error): this pipe is done. */
		if (s == (uv_stream_t *)&pl->out)
			pl->out_done = 1;
		else
			pl->err_done = 1;
		uv_close((uv_handle_t *)s, plugin_handle_closed);
		plugin_maybe_done(pl);
	}
}

static void
plugin_exit(uv_process_t *p, int64_t status, int term_signal)
{
	struct k8s_plugin *pl = p->data;

	pl->exited = 1;
	pl->status = status;
	pl->term_signal = term_signal;
	uv_timer_stop(&pl->timer);
	uv_close((uv_handle_t *)p, plugin_handle_closed);
	plugin_maybe_done(pl);
}

static void
plugin_timeout(uv_timer_t *t)
{
	struct k8s_plugin *pl = t->data;

	uv_process_kill(&pl->proc, SIGKILL);
}

/* The environment: ours, the kubeconfig's env for it, and what it is
 * asked (KUBERNETES_EXEC_INFO). */
static char **
plugin_env(const struct k8s_execsrc *c)
{
	size_t n = 0, i = 0;
	char **env;
	struct buf info;

	while (environ[n] != NULL)
		n++;
	env = xcalloc(n + c->exec->env.n + 2, sizeof *env);
	for (size_t j = 0; j < n; j++)
		env[i++] = xstrdup(environ[j]);
	for (size_t j = 0; j < c->exec->env.n; j++)
		env[i++] = xasprintf("%s=%s", c->exec->env.v[j].key, c->exec->env.v[j].value);
	buf_init(&info);
	execcred_info_json(&info, c->exec, c->cluster);
	env[i++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info.data ? info.data : "");
	buf_free(&info);
	env[i] = NULL;
	return env;
}

/* 0: running; -1: it could not start, and everyone waiting was told. */
static int
plugin_start(struct k8s_execsrc *c)
{
	struct k8s_plugin *pl = xcalloc(1, sizeof *pl);
	uv_loop_t *loop = c->loop;
	uv_process_options_t po;
	uv_stdio_container_t stdio[3];
	char **argv = xcalloc(c->exec->nargs + 2, sizeof *argv);
	char **env;
	struct fm_cause why;
	int rc;

	pl->src = c;
	c->plugin = pl;
	buf_init(&pl->outb);
	buf_init(&pl->errb);
	uv_timer_init(loop, &pl->timer);
	pl->timer.data = pl;
	pl->open_handles = 1;
	if (execcred_check(c->exec, &why) < 0) {
		pl->spawn_error = xstrdup(why.msg);
		pl->exited = 1;
		plugin_finish(pl);
		free(argv);
		return -1;
	}
	argv[0] = c->exec->command;
	for (size_t i = 0; i < c->exec->nargs; i++)
		argv[i + 1] = c->exec->args[i];
	env = plugin_env(c);
	uv_pipe_init(loop, &pl->out, 0);
	uv_pipe_init(loop, &pl->err, 0);
	pl->out.data = pl->err.data = pl;
	pl->open_handles += 2;
	memset(stdio, 0, sizeof stdio);
	stdio[0].flags = UV_IGNORE; /* never interactive: fleetmux owns the terminal */
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&pl->out;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&pl->err;
	memset(&po, 0, sizeof po);
	po.file = argv[0];
	po.args = argv;
	po.env = env;
	po.stdio = stdio;
	po.stdio_count = 3;
	po.exit_cb = plugin_exit;
	pl->proc.data = pl;
	debuglog("k8s user %s: running the credential plugin %s", c->user, argv[0]);
	rc = uv_spawn(loop, &pl->proc, &po);
	strv_free(env);
	free(argv);
	if (rc < 0) {
		pl->spawn_error = xstrdup(uv_strerror(rc));
		pl->exited = pl->out_done = pl->err_done = 1;
		/* Nothing runs, but libuv made the handles: close them all. */
		pl->open_handles++;
		uv_close((uv_handle_t *)&pl->proc, plugin_handle_closed);
		uv_close((uv_handle_t *)&pl->out, plugin_handle_closed);
		uv_close((uv_handle_t *)&pl->err, plugin_handle_closed);
		plugin_finish(pl);
		return -1;
	}
	pl->open_handles++;
	uv_read_start((uv_stream_t *)&pl->out, alloc_cb, pipe_read);
	uv_read_start((uv_stream_t *)&pl->err, alloc_cb, pipe_read);
	uv_timer_start(&pl->timer, plugin_timeout, PLUGIN_TIMEOUT_MS, 0);
	return 0;
}

struct k8s_execsrc *
k8s_execsrc_get(struct k8s *k, const char *user, const struct kube_exec *e,
                const struct kube_cluster *cl)
{
	struct k8s_execsrc *s;

	for (s = k->execsrcs; s != NULL; s = s->next)
		if (strcmp(s->user, user) == 0 && s->exec == e &&
		    (!e->provide_cluster_info || s->cluster == cl))
			return s;
	s = xcalloc(1, sizeof *s);
	s->loop = k->base.loop;
	s->user = xstrdup(user);
	s->exec = e;
	s->cluster = cl;
	s->next = k->execsrcs;
	k->execsrcs = s;
	return s;
}

struct k8s_cred_wait *
k8s_execsrc_wait(struct k8s_execsrc *c, struct k8s_ctx *ctx, k8s_cred_cb cb, void *arg)
{
	struct k8s_cred_wait *w;

	if (c->have_cred && execcred_fresh(&c->cred, fm_time_now())) {
		answer(c, ctx, cb, arg);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->ctx = ctx;
	w->cb = cb;
	w->arg = arg;
	w->next = c->waiters;
	c->waiters = w;
	/* A plugin that could not start answered at once: w is gone. */
	if (c->plugin == NULL && plugin_start(c) < 0)
		return NULL;
	return w;
}

void
k8s_execsrc_cancel(struct k8s_execsrc *c, struct k8s_cred_wait *w)
{
	struct k8s_cred_wait **lists[] = {&c->waiters, &c->delivering};

	for (size_t i = 0; i < 2; i++)
		for (struct k8s_cred_wait **pp = lists[i]; *pp != NULL; pp = &(*pp)->next)
			if (*pp == w) {
				*pp = w->next;
				free(w);
				return;
			}
}

int
k8s_execsrc_refused(struct k8s_execsrc *c, const char *auth_used)
{
	/* Another context of the same user was refused first: the plugin is
	 * already running for a new answer, or has given one since this
	 * request left. Either is worth a new try. */
	if (c->plugin != NULL)
		return 1;
	if (!c->have_cred)
		return 0;
	if (auth_used != NULL && c->cred.token != NULL &&
	    (strncmp(auth_used, "Bearer ", 7) != 0 || strcmp(auth_used + 7, c->cred.token) != 0))
		return 1;
	exec_credential_free(&c->cred);
	c->have_cred = 0;
	return 1;
}

void
k8s_execsrc_free_all(struct k8s *k)
{
	while (k->execsrcs != NULL) {
		struct k8s_execsrc *c = k->execsrcs;

		k->execsrcs = c->next;
		while (c->waiters != NULL) {
			struct k8s_cred_wait *w = c->waiters;

			c->waiters = w->next;
			free(w);
		}
		if (c->plugin != NULL) {
			c->plugin->orphan = 1;
			if (!c->plugin->exited)
				uv_process_kill(&c->plugin->proc, SIGKILL);
		}
		exec_credential_free(&c->cred);
		free(c->user);
		free(c);
	}
}
