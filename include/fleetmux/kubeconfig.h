/* kubeconfig.h: kubectl's configuration files read into one merged view,
 * and a context resolved to what a client needs to reach its cluster: the
 * server, how to trust it, and how to prove who we are. Pure: the caller
 * reads the files (their text and the folder each was in) and later the
 * files named inside (tokenFile, certificate files), so that every rule
 * here is tested on fixtures without a disk. */
#ifndef FLEETMUX_KUBECONFIG_H
#define FLEETMUX_KUBECONFIG_H

#include <stddef.h>

#include "fleetmux/params.h"
#include "fleetmux/util.h"

/* users[].user.exec: a credential plugin (client.authentication.k8s.io). */
struct kube_exec {
	char *api_version;      /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;
	char **args;
	size_t nargs;
	struct params env;      /* added to the plugin's environment */
	int provide_cluster_info;
	char *interactive_mode; /* Never, IfAvailable, Always; NULL: not said */
	char *install_hint;     /* shown when the command cannot be run */
};

struct kube_cluster {
	char *name;
	char *server;
	char *ca_file;          /* a path, made absolute against its file's folder */
	struct buf ca_data;     /* PEM, decoded from certificate-authority-data */
	int insecure;           /* insecure-skip-tls-verify */
	char *tls_server_name;
};

struct kube_user {
	char *name;
	char *token;
	char *token_file;
	char *cert_file, *key_file;
	struct buf cert_data, key_data; /* PEM, decoded from the -data keys */
	char *username, *password;      /* basic auth (old clusters) */
	struct kube_exec *exec;         /* NULL: no plugin */
	char *auth_provider;            /* the name of a legacy auth-provider, which we do not run */
};

struct kube_context {
	char *name;
	char *cluster;
	char *user;
	char *namespace;        /* NULL: not said ("default") */
};

/* Several files merged the way kubectl merges them: the first file to name
 * a cluster, user or context keeps it, and the first current-context set
 * wins. */
struct kubeconfig {
	struct kube_cluster *clusters;
	size_t nclusters;
	struct kube_user *users;
	size_t nusers;
	struct kube_context *contexts;
	size_t ncontexts;
	char *current_context;
};

void kubeconfig_init(struct kubeconfig *kc);
void kubeconfig_free(struct kubeconfig *kc);

/* The files to read, in order: $KUBECONFIG split at ':' (empty entries and
 * repeats dropped), else HOME/.kube/config. kubeconfig==NULL: unset. The
 * caller frees each path and the array. Returns how many. */
size_t kubeconfig_paths(const char *kubeconfig, const char *home, char ***paths);

/* Merge one file's text into kc. dir is the folder of the file, against
 * which relative paths inside it are made absolute. Returns 0, or -FM_EINVAL
 * with why saying what is wrong and where ("line 7: ..."); kc keeps what
 * earlier files gave. */
int kubeconfig_merge(struct kubeconfig *kc, const char *yaml, size_t len, const char *dir,
		     struct fm_cause *why);

const struct kube_context *kubeconfig_context(const struct kubeconfig *kc, const char *name);
const struct kube_cluster *kubeconfig_cluster(const struct kubeconfig *kc, const char *name);
const struct kube_user *kubeconfig_user(const struct kubeconfig *kc, const char *name);

/* Is the context usable: its cluster and user exist (a context may name no
 * user), the cluster has a server, the user has a way of signing in that
 * fleetmux knows? 0, or -FM_EINVAL with why in words. */
int kubeconfig_check(const struct kubeconfig *kc, const char *context, struct fm_cause *why);

#endif
