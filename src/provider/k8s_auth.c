/* k8s_auth.c: who we are to a cluster and how we trust it. libcurl and
 * libwebsockets take certificates as files, so a kubeconfig's -data keys
 * are written to private files (0600, in a 0700 folder of our own, removed
 * when the provider goes). Bearer tokens come from the kubeconfig, from
 * tokenFile (read at each use: it may be rotated), or from an exec
 * credential plugin (k8s_plugin.c), which may answer with a client
 * certificate instead or as well (k8s_auth_use_cert). */
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
	/* Kept to remake the lws context with a plugin's certificate. */
	c->tls_ca = ca;
	c->tls_server_name = cl->tls_server_name ? xstrdup(cl->tls_server_name) : NULL;
	c->tls_insecure = cl->insecure || c->k->insecure;
	free(cert);
	free(key);
	free(connect_to);
	if (c->ws == NULL)
		return fm_cause_from_error(why, -FM_EIO);
	if (u != NULL) {
		c->token = u->token ? xstrdup(u->token) : NULL;
		c->token_file = u->token_file ? xstrdup(u->token_file) : NULL;
		if (u->exec != NULL)
			c->execsrc = k8s_execsrc_get(c->k, u->name, u->exec, cl);
	}
	return 0;
}

int
k8s_auth_use_cert(struct k8s_ctx *c, unsigned gen, const struct buf *cert, const struct buf *key,
                  struct fm_cause *why)
{
	char *kc = xasprintf("exec%u-cert", gen), *kk = xasprintf("exec%u-key", gen);
	char *certf = NULL, *keyf = NULL;
	struct ws_client *ws;
	struct ws_tls wt = {
	    .insecure = c->tls_insecure,
	    .ca_file = c->tls_ca,
	    .server_name = c->tls_server_name,
	};

	if (gen == c->exec_cert_gen) {
		free(kc);
		free(kk);
		return 0;
	}
	/* A new name for each answer: curl then never reuses a connection
	 * made with the old certificate. */
	if ((certf = write_private(c, kc, cert, why)) == NULL ||
	    (keyf = write_private(c, kk, key, why)) == NULL) {
		if (certf != NULL)
			unlink(certf);
		free(certf);
		free(kc);
		free(kk);
		return -FM_EIO;
	}
	free(kc);
	free(kk);
	/* lws reads its certificate once, when its context is made: a new
	 * one, the old kept for the exec sessions it still carries. */
	wt.cert_file = certf;
	wt.key_file = keyf;
	if ((ws = ws_client_new_tls(c->k->base.loop, &wt)) == NULL) {
		unlink(certf);
		unlink(keyf);
		free(certf);
		free(keyf);
		return fm_cause_set(why, FM_EIO, "cannot start libwebsockets with the plugin's certificate");
	}
	c->old_ws = xrealloc(c->old_ws, (c->nold_ws + 1) * sizeof *c->old_ws);
	c->old_ws[c->nold_ws++] = c->ws;
	c->ws = ws;
	http_set_client_cert(c->http, certf, keyf);
	/* Both have read (lws) or will not need (new curl connections take
	 * the new names) the old files. */
	if (c->exec_cert != NULL) {
		unlink(c->exec_cert);
		unlink(c->exec_key);
	}
	free(c->exec_cert);
	free(c->exec_key);
	c->exec_cert = certf;
	c->exec_key = keyf;
	c->exec_cert_gen = gen;
	debuglog("k8s context %s: the credential plugin's client certificate (answer %u)", c->name, gen);
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

struct k8s_cred_wait *
k8s_cred_get(struct k8s_ctx *c, k8s_cred_cb cb, void *arg)
{
	struct fm_cause why;

	if (c->execsrc == NULL) {
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
	return k8s_execsrc_wait(c->execsrc, c, cb, arg);
}

void
k8s_cred_cancel(struct k8s_ctx *c, struct k8s_cred_wait *w)
{
	if (c->execsrc != NULL)
		k8s_execsrc_cancel(c->execsrc, w);
}

int
k8s_cred_refused(struct k8s_ctx *c, const char *auth_used)
{
	return c->execsrc != NULL && k8s_execsrc_refused(c->execsrc, auth_used);
}

void
k8s_auth_free(struct k8s_ctx *c)
{
	free(c->token);
	free(c->token_file);
	http_free(c->http);
	ws_client_free(c->ws);
	for (size_t i = 0; i < c->nold_ws; i++)
		ws_client_free(c->old_ws[i]);
	free(c->old_ws);
	if (c->exec_cert != NULL) {
		unlink(c->exec_cert);
		unlink(c->exec_key);
	}
	free(c->exec_cert);
	free(c->exec_key);
	free(c->tls_ca);
	free(c->tls_server_name);
}
