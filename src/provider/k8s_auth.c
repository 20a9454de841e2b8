/* k8s_auth.c: who we are to a cluster and how we trust it. libcurl and
 * libwebsockets take certificates as files, so a kubeconfig's -data keys
 * are written to private files (0600, in a 0700 folder of our own, removed
 * when the provider goes). Bearer tokens come from the kubeconfig, from
 * tokenFile (read at each use: it may be rotated), or from an exec
 * credential plugin, run on the loop with uv_spawn (never blocking it),
 * cached until its expirationTimestamp and run again after a 401. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	k8s_cred_cb cb;
	void *arg;
};

struct k8s_plugin {
	struct k8s_ctx *c;
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
	int orphan; /* the context is gone: free, report nothing */
};

const char *
k8s_tmpdir(struct k8s *k, struct fm_cause *why)
{
	const char *base = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
	char *t;

	if (k->tmpdir != NULL)
		return k->tmpdir;
	if (base == NULL || *base == '\0' || access(base, W_OK) != 0)
		base = tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
	t = xasprintf("%s/fleetmux-k8s-XXXXXX", base);
	if (mkdtemp(t) == NULL) {
		fm_cause_set(why, FM_EIO, "cannot make a private folder in %s: %s", base,
		             strerror(errno));
		free(t);
		return NULL;
	}
	k->tmpdir = t;
	return t;
}

void
k8s_tmpdir_remove(struct k8s *k)
{
	if (k->tmpdir == NULL)
		return;
	/* Only our own files are in it (see write_private). */
	for (size_t i = 0; i < k->nctx; i++) {
		static const char *const kinds[] = {"ca", "cert", "key"};

		for (size_t j = 0; j < 3; j++) {
			char *f = xasprintf("%s/%zu-%s.pem", k->tmpdir, i, kinds[j]);

			unlink(f);
			free(f);
		}
	}
	rmdir(k->tmpdir);
	free(k->tmpdir);
	k->tmpdir = NULL;
}

/* PEM from a -data key into a file only we can read. */
static char *
write_private(struct k8s_ctx *c, const char *kind, const struct buf *pem, struct fm_cause *why)
{
	const char *dir = k8s_tmpdir(c->k, why);
	size_t idx = (size_t)(c - c->k->ctx);
	char *path;
	int fd;

	if (dir == NULL)
		return NULL;
	path = xasprintf("%s/%zu-%s.pem", dir, idx, kind);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, pem->data, pem->len) != (ssize_t)pem->len) {
		fm_cause_set(why, FM_EIO, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* A file named in the kubeconfig, or the -data written out; NULL and no
 * error when neither is given. */
static int
material(struct k8s_ctx *c, const char *kind, const char *file, const struct buf *data, char **out,
         struct fm_cause *why)
{
	*out = NULL;
	if (data != NULL && data->len > 0) {
		*out = write_private(c, kind, data, why);
		return *out != NULL ? 0 : -FM_EIO;
	}
	if (file != NULL) {
		if (access(file, R_OK) != 0)
			return fm_cause_set(why, FM_EINVAL, "cannot read %s: %s", file,
			                    strerror(errno));
		*out = xstrdup(file);
	}
	return 0;
}

/* tls-server-name for curl: the URL names the certificate's name, and
 * CONNECT_TO sends it to the real host. lws takes the name itself. */
static char *
renamed_server(const char *server, const char *name, char **connect_to)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *out = NULL;

	*connect_to = NULL;
	if (curl_url_set(u, CURLUPART_URL, server, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_HOST, name, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
		char *copy = xstrdup(out);
		size_t len = strlen(copy);

		/* curl writes the path's '/' even when there is none. */
		while (len > 0 && copy[len - 1] == '/')
			copy[--len] = '\0';
		*connect_to = xasprintf("%s:%s:%s:%s", name, port, host, port);
		curl_free(out);
		out = copy;
	} else {
		out = NULL;
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out != NULL ? out : xstrdup(server);
}

int
k8s_auth_setup(struct k8s_ctx *c, const struct kube_cluster *cl, const struct kube_user *u,
               struct fm_cause *why)
{
	char *ca = NULL, *cert = NULL, *key = NULL;
	int rc;

	char *connect_to = NULL;

	c->cluster = cl;
	if (cl->tls_server_name != NULL)
		c->http_server = renamed_server(c->server, cl->tls_server_name, &connect_to);
	else
		c->http_server = xstrdup(c->server);
	if ((rc = material(c, "ca", cl->ca_file, &cl->ca_data, &ca, why)) < 0) {
		free(connect_to);
		return rc;
	}
	if (u != NULL && ((rc = material(c, "cert", u->cert_file, &u->cert_data, &cert, why)) < 0 ||
	                  (rc = material(c, "key", u->key_file, &u->key_data, &key, why)) < 0)) {
		free(ca);
		free(cert);
		return rc;
	}
	{
		struct http_opts ho = {
		    .insecure = cl->insecure || c->k->insecure,
		    .ca_file = ca,
		    .cert_file = cert,
		    .key_file = key,
		    .connect_to = connect_to,
		};
		struct ws_tls wt = {
		    .insecure = cl->insecure || c->k->insecure,
		    .ca_file = ca,
		    .cert_file = cert,
		    .key_file = key,
		    .server_name = cl->tls_server_name,
		};

		c->http = http_new(c->k->base.loop, &ho);
		c->ws = ws_client_new_tls(c->k->base.loop, &wt);
	}
	free(ca);
	free(cert);
	free(key);
	free(connect_to);
	if (c->ws == NULL)
		return fm_cause_from_error(why, -FM_EIO);
	if (u != NULL) {
		c->token = u->token ? xstrdup(u->token) : NULL;
		c->token_file = u->token_file ? xstrdup(u->token_file) : NULL;
		c->exec = u->exec;
	}
	return 0;
}

/* tokenFile, read now: the first line. */
static char *
read_token_file(const char *path, struct fm_cause *why)
{
	FILE *f = fopen(path, "r");
	char line[16384];
	size_t n;

	if (f == NULL) {
		fm_cause_set(why, FM_EAUTH, "cannot read the token file %s: %s", path,
		             strerror(errno));
		return NULL;
	}
	n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0') {
		fm_cause_set(why, FM_EAUTH, "the token file %s is empty", path);
		return NULL;
	}
	return xstrdup(line);
}

static void
deliver(struct k8s_ctx *c, const char *auth, const struct fm_cause *why)
{
	struct k8s_cred_wait *w = c->waiters;

	c->waiters = NULL;
	while (w != NULL) {
		struct k8s_cred_wait *next = w->next;

		w->cb(w->arg, auth, why);
		free(w);
		w = next;
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
	struct k8s_ctx *c = pl->c;
	struct fm_cause why;
	char *auth = NULL;

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
				if (cr.token == NULL) {
					/* A certificate would need new TLS handles for every
					 * request in flight: not done yet. */
					fm_cause_set(&why, FM_ENOTSUP,
					             "the credential plugin %s handed out a client "
					             "certificate; "
					             "fleetmux takes tokens from plugins only",
					             cmd);
					exec_credential_free(&cr);
				} else {
					exec_credential_free(&c->cred);
					c->cred = cr;
					c->have_cred = 1;
					auth = xasprintf("Bearer %s", cr.token);
				}
			}
		}
		if (why.code != 0)
			debuglog("k8s %s: %s", c->name, why.msg);
		deliver(c, auth, auth != NULL ? NULL : &why);
		free(auth);
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
plugin_env(const struct k8s_ctx *c)
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

static void
plugin_start(struct k8s_ctx *c)
{
	struct k8s_plugin *pl = xcalloc(1, sizeof *pl);
	uv_loop_t *loop = c->k->base.loop;
	uv_process_options_t po;
	uv_stdio_container_t stdio[3];
	char **argv = xcalloc(c->exec->nargs + 2, sizeof *argv);
	char **env;
	struct fm_cause why;
	int rc;

	pl->c = c;
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
		return;
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
	debuglog("k8s %s: running the credential plugin %s", c->name, argv[0]);
	rc = uv_spawn(loop, &pl->proc, &po);
	strv_free(env);
	free(argv);
	if (rc < 0) {
		pl->spawn_error = xstrdup(uv_strerror(rc));
		pl->exited = pl->out_done = pl->err_done = 1;
		/* The pipes never opened: close them and finish. */
		uv_close((uv_handle_t *)&pl->out, plugin_handle_closed);
		uv_close((uv_handle_t *)&pl->err, plugin_handle_closed);
		/* uv_spawn closes nothing of proc on failure: it is not a handle then. */
		plugin_finish(pl);
		return;
	}
	pl->open_handles++;
	uv_read_start((uv_stream_t *)&pl->out, alloc_cb, pipe_read);
	uv_read_start((uv_stream_t *)&pl->err, alloc_cb, pipe_read);
	uv_timer_start(&pl->timer, plugin_timeout, PLUGIN_TIMEOUT_MS, 0);
}

struct k8s_cred_wait *
k8s_cred_get(struct k8s_ctx *c, k8s_cred_cb cb, void *arg)
{
	struct k8s_cred_wait *w;
	struct fm_cause why;

	if (c->exec == NULL) {
		char *tok = NULL, *auth = NULL;

		if (c->token != NULL) {
			tok = xstrdup(c->token);
		} else if (c->token_file != NULL &&
		           (tok = read_token_file(c->token_file, &why)) == NULL) {
			cb(arg, NULL, &why);
			return NULL;
		}
		if (tok != NULL)
			auth = xasprintf("Bearer %s", tok);
		cb(arg, auth, NULL);
		free(auth);
		free(tok);
		return NULL;
	}
	if (c->have_cred && execcred_fresh(&c->cred, fm_time_now())) {
		char *auth = xasprintf("Bearer %s", c->cred.token);

		cb(arg, auth, NULL);
		free(auth);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->arg = arg;
	w->next = c->waiters;
	c->waiters = w;
	if (c->plugin == NULL)
		plugin_start(c);
	/* A plugin that could not start answered at once: w is gone. */
	for (struct k8s_cred_wait *x = c->waiters; x != NULL; x = x->next)
		if (x == w)
			return w;
	return NULL;
}

void
k8s_cred_cancel(struct k8s_ctx *c, struct k8s_cred_wait *w)
{
	for (struct k8s_cred_wait **pp = &c->waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			free(w);
			return;
		}
}

int
k8s_cred_refused(struct k8s_ctx *c)
{
	if (c->exec == NULL || !c->have_cred)
		return 0;
	exec_credential_free(&c->cred);
	c->have_cred = 0;
	return 1;
}

void
k8s_auth_free(struct k8s_ctx *c)
{
	while (c->waiters != NULL) {
		struct k8s_cred_wait *w = c->waiters;

		c->waiters = w->next;
		free(w);
	}
	if (c->plugin != NULL) {
		c->plugin->orphan = 1;
		if (!c->plugin->exited)
			uv_process_kill(&c->plugin->proc, SIGKILL);
		c->plugin = NULL;
	}
	exec_credential_free(&c->cred);
	free(c->token);
	free(c->token_file);
	http_free(c->http);
	ws_client_free(c->ws);
}
