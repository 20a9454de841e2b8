/* kubeconfig.c: kubectl's config files, parsed with libyaml (a kubeconfig
 * may be YAML or JSON, which is YAML too) and merged as client-go merges
 * them (clientcmd/loader.go): the first file to define a name keeps it. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <yaml.h>

#include "fleetmux/kubeconfig.h"

void
kubeconfig_init(struct kubeconfig *kc)
{
	memset(kc, 0, sizeof *kc);
}

static void
exec_free(struct kube_exec *e)
{
	if (e == NULL)
		return;
	free(e->api_version);
	free(e->command);
	for (size_t i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	params_free(&e->env);
	free(e->interactive_mode);
	free(e->install_hint);
	free(e);
}

static void
cluster_free(struct kube_cluster *c)
{
	free(c->name);
	free(c->server);
	free(c->ca_file);
	buf_free(&c->ca_data);
	free(c->tls_server_name);
}

static void
user_free(struct kube_user *u)
{
	free(u->name);
	free(u->token);
	free(u->token_file);
	free(u->cert_file);
	free(u->key_file);
	buf_free(&u->cert_data);
	buf_free(&u->key_data);
	free(u->username);
	free(u->password);
	exec_free(u->exec);
	free(u->auth_provider);
}

static void
context_free(struct kube_context *c)
{
	free(c->name);
	free(c->cluster);
	free(c->user);
	free(c->namespace);
}

void
kubeconfig_free(struct kubeconfig *kc)
{
	for (size_t i = 0; i < kc->nclusters; i++)
		cluster_free(&kc->clusters[i]);
	for (size_t i = 0; i < kc->nusers; i++)
		user_free(&kc->users[i]);
	for (size_t i = 0; i < kc->ncontexts; i++)
		context_free(&kc->contexts[i]);
	free(kc->clusters);
	free(kc->users);
	free(kc->contexts);
	free(kc->current_context);
	kubeconfig_init(kc);
}

size_t
kubeconfig_paths(const char *kubeconfig, const char *home, char ***paths)
{
	size_t n = 0;
	const char *p = kubeconfig;

	*paths = NULL;
	if (kubeconfig == NULL || *kubeconfig == '\0') {
		*paths = xmalloc(sizeof **paths);
		(*paths)[0] = xasprintf("%s/.kube/config", home != NULL ? home : "");
		return 1;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, ":");
		int seen = 0;

		for (size_t i = 0; i < n && len > 0; i++)
			if (strlen((*paths)[i]) == len && memcmp((*paths)[i], p, len) == 0)
				seen = 1;
		if (len > 0 && !seen) {
			*paths = xrealloc(*paths, (n + 1) * sizeof **paths);
			(*paths)[n++] = xstrndup(p, len);
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return n;
}

/* --- Walking libyaml's document tree --- */

struct walk {
	yaml_document_t *doc;
	const char *dir;
	struct fm_cause *why;
};

static int
bad(struct walk *w, const yaml_node_t *n, const char *what)
{
	return fm_cause_set(w->why, FM_EINVAL, "line %lu: %s", (unsigned long)n->start_mark.line + 1,
			    what);
}

static int
is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

static const char *
scalar(const yaml_node_t *n)
{
	return is_scalar(n) ? (const char *)n->data.scalar.value : NULL;
}

/* A mapping's value for key, or NULL. */
static yaml_node_t *
lookup(struct walk *w, const yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(w->doc, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(w->doc, p->value);
	}
	return NULL;
}

/* A text field: absent and null ("~", "null", empty) are NULL. */
static char *
text(struct walk *w, const yaml_node_t *map, const char *key)
{
	const char *s = scalar(lookup(w, map, key));

	if (s == NULL || *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
		return NULL;
	return xstrdup(s);
}

static int
truth(struct walk *w, const yaml_node_t *map, const char *key)
{
	const char *s = scalar(lookup(w, map, key));
	static const char *const yes[] = {"true", "yes", "on", "1", NULL};

	for (int i = 0; s != NULL && yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	return 0;
}

/* A path: relative ones are relative to the file that holds them. */
static char *
path(struct walk *w, const yaml_node_t *map, const char *key)
{
	char *p = text(w, map, key);
	char *abs;

	if (p == NULL || p[0] == '/' || w->dir == NULL || *w->dir == '\0')
		return p;
	abs = xasprintf("%s/%s", w->dir, p);
	free(p);
	return abs;
}

/* certificate-authority-data and friends: base64 (line breaks allowed). */
static int
data(struct walk *w, const yaml_node_t *map, const char *key, struct buf *out)
{
	yaml_node_t *n = lookup(w, map, key);
	const char *s = scalar(n);
	EVP_ENCODE_CTX *ctx;
	int len = 0, fin = 0, ok;
	size_t slen;

	if (s == NULL || *s == '\0')
		return 0;
	slen = strlen(s);
	buf_reset(out);
	buf_reserve(out, slen);
	ctx = EVP_ENCODE_CTX_new();
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, (unsigned char *)out->data, &len, (const unsigned char *)s,
			      (int)slen) >= 0 &&
	     EVP_DecodeFinal(ctx, (unsigned char *)out->data + len, &fin) == 1;
	EVP_ENCODE_CTX_free(ctx);
	if (!ok) {
		buf_reset(out);
		return fm_cause_set(w->why, FM_EINVAL, "line %lu: %s is not base64",
				    (unsigned long)n->start_mark.line + 1, key);
	}
	out->len = (size_t)len + (size_t)fin;
	out->data[out->len] = '\0';
	return 0;
}

static int
read_exec(struct walk *w, const yaml_node_t *n, struct kube_exec **out)
{
	struct kube_exec *e = xcalloc(1, sizeof *e);
	yaml_node_t *args = lookup(w, n, "args"), *env = lookup(w, n, "env");

	params_init(&e->env);
	*out = e;
	e->api_version = text(w, n, "apiVersion");
	e->command = text(w, n, "command");
	/* As client-go: a command with a '/' is a path, relative to the file;
	 * a bare name is looked up in PATH. */
	if (e->command != NULL && e->command[0] != '/' && strchr(e->command, '/') != NULL &&
	    w->dir != NULL && *w->dir != '\0') {
		const char *rel = e->command;
		char *abs;

		while (rel[0] == '.' && rel[1] == '/')
			rel += 2;
		abs = xasprintf("%s/%s", w->dir, rel);
		free(e->command);
		e->command = abs;
	}
	e->provide_cluster_info = truth(w, n, "provideClusterInfo");
	e->interactive_mode = text(w, n, "interactiveMode");
	e->install_hint = text(w, n, "installHint");
	if (e->command == NULL)
		return bad(w, n, "exec: a credential plugin needs a command");
	if (args != NULL && args->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = args->data.sequence.items.start;
		     i < args->data.sequence.items.top; i++) {
			const char *a = scalar(yaml_document_get_node(w->doc, *i));

			e->args = xrealloc(e->args, (e->nargs + 1) * sizeof *e->args);
			e->args[e->nargs++] = xstrdup(a != NULL ? a : "");
		}
	}
	if (env != NULL && env->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = env->data.sequence.items.start;
		     i < env->data.sequence.items.top; i++) {
			yaml_node_t *v = yaml_document_get_node(w->doc, *i);
			const char *name = scalar(lookup(w, v, "name"));
			const char *value = scalar(lookup(w, v, "value"));

			if (name == NULL || *name == '\0')
				return bad(w, v, "exec: an env entry needs a name");
			params_add(&e->env, name, value != NULL ? value : "");
		}
	}
	return 0;
}

static int
read_cluster(struct walk *w, const yaml_node_t *n, struct kube_cluster *c)
{
	c->server = text(w, n, "server");
	c->ca_file = path(w, n, "certificate-authority");
	c->insecure = truth(w, n, "insecure-skip-tls-verify");
	c->tls_server_name = text(w, n, "tls-server-name");
	return data(w, n, "certificate-authority-data", &c->ca_data);
}

static int
read_user(struct walk *w, const yaml_node_t *n, struct kube_user *u)
{
	yaml_node_t *exec = lookup(w, n, "exec"), *ap = lookup(w, n, "auth-provider");
	int rc;

	u->token = text(w, n, "token");
	u->token_file = path(w, n, "tokenFile");
	u->cert_file = path(w, n, "client-certificate");
	u->key_file = path(w, n, "client-key");
	u->username = text(w, n, "username");
	u->password = text(w, n, "password");
	if (ap != NULL)
		u->auth_provider = text(w, ap, "name");
	if ((rc = data(w, n, "client-certificate-data", &u->cert_data)) < 0 ||
	    (rc = data(w, n, "client-key-data", &u->key_data)) < 0)
		return rc;
	if (exec != NULL && exec->type == YAML_MAPPING_NODE)
		return read_exec(w, exec, &u->exec);
	return 0;
}

/* Each entry of clusters:, users: or contexts: is {name: N, KIND: {...}}. */
typedef int (*entry_fn)(struct walk *, const yaml_node_t *body, void *entry);

static int
read_list(struct walk *w, const yaml_node_t *root, const char *list, const char *kind,
	  void **v, size_t *n, size_t size, size_t name_offset, void (*entry_free)(void *),
	  entry_fn read)
{
	yaml_node_t *seq = lookup(w, root, list);

	if (seq == NULL)
		return 0;
	if (is_scalar(seq) && (scalar(seq)[0] == '\0' || strcmp(scalar(seq), "null") == 0 ||
			       strcmp(scalar(seq), "~") == 0))
		return 0;	/* clusters: null, as kubectl writes an empty list */
	if (seq->type != YAML_SEQUENCE_NODE) {
		char what[64];

		snprintf(what, sizeof what, "%s must be a list", list);
		return bad(w, seq, what);
	}
	for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top; i++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *i);
		const char *name = scalar(lookup(w, item, "name"));
		yaml_node_t *body = lookup(w, item, kind);
		int taken = 0, rc;
		char *entry;

		if (name == NULL || *name == '\0') {
			char what[64];

			snprintf(what, sizeof what, "an entry of %s has no name", list);
			return bad(w, item, what);
		}
		for (size_t k = 0; k < *n; k++)
			if (strcmp(*(char **)((char *)*v + k * size + name_offset), name) == 0)
				taken = 1;
		if (taken)	/* an earlier file (or entry) named it first */
			continue;
		entry = xcalloc(1, size);
		*(char **)(entry + name_offset) = xstrdup(name);
		if ((rc = read(w, body, entry)) < 0) {
			entry_free(entry);
			free(entry);
			return rc;
		}
		*v = xrealloc(*v, (*n + 1) * size);
		memcpy((char *)*v + *n * size, entry, size);
		(*n)++;
		free(entry);
	}
	return 0;
}

static int
read_cluster_entry(struct walk *w, const yaml_node_t *body, void *entry)
{
	return read_cluster(w, body, entry);
}

static int
read_user_entry(struct walk *w, const yaml_node_t *body, void *entry)
{
	return read_user(w, body, entry);
}

static int
read_context_entry(struct walk *w, const yaml_node_t *body, void *entry)
{
	struct kube_context *c = entry;

	c->cluster = text(w, body, "cluster");
	c->user = text(w, body, "user");
	c->namespace = text(w, body, "namespace");
	return 0;
}

static void
cluster_free_v(void *p)
{
	cluster_free(p);
}

static void
user_free_v(void *p)
{
	user_free(p);
}

static void
context_free_v(void *p)
{
	context_free(p);
}

int
kubeconfig_merge(struct kubeconfig *kc, const char *yaml, size_t len, const char *dir,
		 struct fm_cause *why)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct walk w = {&doc, dir, why};
	int rc;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = fm_cause_set(why, FM_EINVAL, "line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
				  parser.problem != NULL ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || (is_scalar(root) && scalar(root)[0] == '\0')) {
		/* An empty file is an empty config, as for kubectl. */
		yaml_document_delete(&doc);
		return 0;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rc = bad(&w, root, "a kubeconfig is a mapping (apiVersion, clusters, users, contexts)");
		yaml_document_delete(&doc);
		return rc;
	}
	if ((rc = read_list(&w, root, "clusters", "cluster", (void **)&kc->clusters, &kc->nclusters,
			    sizeof *kc->clusters, offsetof(struct kube_cluster, name), cluster_free_v,
			    read_cluster_entry)) < 0 ||
	    (rc = read_list(&w, root, "users", "user", (void **)&kc->users, &kc->nusers,
			    sizeof *kc->users, offsetof(struct kube_user, name), user_free_v,
			    read_user_entry)) < 0 ||
	    (rc = read_list(&w, root, "contexts", "context", (void **)&kc->contexts, &kc->ncontexts,
			    sizeof *kc->contexts, offsetof(struct kube_context, name), context_free_v,
			    read_context_entry)) < 0) {
		yaml_document_delete(&doc);
		return rc;
	}
	if (kc->current_context == NULL)
		kc->current_context = text(&w, root, "current-context");
	yaml_document_delete(&doc);
	return 0;
}

const struct kube_context *
kubeconfig_context(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; name != NULL && i < kc->ncontexts; i++)
		if (strcmp(kc->contexts[i].name, name) == 0)
			return &kc->contexts[i];
	return NULL;
}

const struct kube_cluster *
kubeconfig_cluster(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; name != NULL && i < kc->nclusters; i++)
		if (strcmp(kc->clusters[i].name, name) == 0)
			return &kc->clusters[i];
	return NULL;
}

const struct kube_user *
kubeconfig_user(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; name != NULL && i < kc->nusers; i++)
		if (strcmp(kc->users[i].name, name) == 0)
			return &kc->users[i];
	return NULL;
}

int
kubeconfig_check(const struct kubeconfig *kc, const char *context, struct fm_cause *why)
{
	const struct kube_context *c = kubeconfig_context(kc, context);
	const struct kube_cluster *cl;
	const struct kube_user *u;
	int has_cert, has_key;

	if (c == NULL)
		return fm_cause_set(why, FM_EINVAL, "no context named '%s' in the kubeconfig",
				    context != NULL ? context : "");
	if (c->cluster == NULL || (cl = kubeconfig_cluster(kc, c->cluster)) == NULL)
		return fm_cause_set(why, FM_EINVAL, "context '%s': no cluster named '%s'", c->name,
				    c->cluster != NULL ? c->cluster : "");
	if (cl->server == NULL)
		return fm_cause_set(why, FM_EINVAL, "cluster '%s' has no server", cl->name);
	if (c->user == NULL)
		return 0;	/* anonymous */
	if ((u = kubeconfig_user(kc, c->user)) == NULL)
		return fm_cause_set(why, FM_EINVAL, "context '%s': no user named '%s'", c->name, c->user);
	has_cert = u->cert_file != NULL || u->cert_data.len > 0;
	has_key = u->key_file != NULL || u->key_data.len > 0;
	if (has_cert != has_key)
		return fm_cause_set(why, FM_EINVAL, "user '%s': a client certificate needs its key, and a key its certificate",
				    u->name);
	if (u->auth_provider != NULL && u->exec == NULL && u->token == NULL && u->token_file == NULL &&
	    !has_cert)
		return fm_cause_set(why, FM_EINVAL,
				    "user '%s': the '%s' auth-provider was removed from Kubernetes; "
				    "use its exec credential plugin instead", u->name, u->auth_provider);
	return 0;
}
