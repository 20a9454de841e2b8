/* registry.h: the provider types fleetmux knows, in one table (registry.c,
 * the one place that names a vendor). Each type has its name, its config
 * keys, a check of their values, a constructor, and a way to find itself
 * on this machine when there is no config. main.c, the config reader, the
 * UI and `fleetmux run` ask the registry and never name a type. */
#ifndef FLEETMUX_REGISTRY_H
#define FLEETMUX_REGISTRY_H

#include <stddef.h>
#include <uv.h>

#include "fleetmux/config.h"
#include "fleetmux/params.h"
#include "fleetmux/provider.h"

/* What the command line says about providers (NULL or 0: not given). */
struct provider_overrides {
	const char *endpoint;
	const char *profile;
	const char *key_id, *secret, *token;
	const char *ca_file;
	int insecure;
	int sign_v1;
	char *const *contexts;    /* --context (Kubernetes), NULL-terminated */
	const char *namespace;    /* --namespace (Kubernetes) */
	const char *selector;     /* --selector (Kubernetes): a label selector */
};

enum provider_key_kind {
	PROVIDER_KEY_TEXT,
	PROVIDER_KEY_BOOL, /* true or false */
	PROVIDER_KEY_SIGN, /* v1 or v3 */
	PROVIDER_KEY_CHANNEL, /* an exec WebSocket channel, 3..255 */
};

/* A key of a `[provider "NAME"]` section. */
struct provider_key {
	const char *name;
	enum provider_key_kind kind;
	const char *about; /* one line, for messages and help */
};

/* What watching a fleet can show of a type's containers (provider_type.watch),
 * for the UI to offer only what there is. */
enum {
	PROVIDER_LOGS = 1,           /* a container's log, followed */
	PROVIDER_PREVIOUS_LOG = 2,   /* the log of the instance before a restart */
	PROVIDER_METRICS = 4,        /* CPU and memory now, for a page of groups */
	PROVIDER_METRIC_HISTORY = 8, /* a group's CPU and memory over the last hours */
};

struct provider_type {
	const char *name; /* the config's `type =` and --provider */
	/* For --help: what --endpoint and --profile mean for this type and
	 * where its credentials come from; lines indented by two spaces. */
	const char *help;
	const struct provider_key *keys; /* ends with {NULL} */
	/* Build a provider called name (shown in the sidebar; NULL: the type's
	 * own default, "eci", "local", "hyper") from its config
	 * section kv (NULL: none) and the command line. command is the
	 * config's command as an argv (NULL: the default shell); the provider
	 * borrows it. NULL with why filled when it cannot be made. */
	struct provider *(*create)(uv_loop_t *loop, const char *name, const struct params *kv,
	                           const struct provider_overrides *cli, char **command,
	                           struct fm_cause *why);
	/* Without a config: the provider this machine offers (credentials
	 * found, a socket that answers), or NULL with why filled. NULL
	 * function: the type is used only when asked for. */
	struct provider *(*autodetect)(uv_loop_t *loop, const struct provider_overrides *cli,
	                               struct fm_cause *why);
	/* Without --provider, --endpoint is this type's (the others keep
	 * their own hosts). */
	int owns_endpoint;
	/* PROVIDER_LOGS | ...: what its providers' logs_open and metrics give. */
	unsigned watch;
	/* How often the backend has new CPU and memory figures: the default
	 * metrics-interval, in ms (ECI aggregates at 15 s; engines are live). */
	unsigned metrics_ms;
	/* A type whose providers have no change stream (no ops->watch) is
	 * listed again this often so that the sidebar and the details view do
	 * not go stale: the default refresh-interval, in ms. 0: its watch keeps
	 * the list live. */
	unsigned relist_ms;
	/* For --check-config, what a section's values name outside the config
	 * (a kubeconfig's contexts): 0, or -FM_E... with why and *key, the key
	 * whose line it is about. NULL: nothing to look at. */
	int (*check)(const struct params *kv, const char **key, struct fm_cause *why);
};

/* The table, in order; NULL past the end. */
const struct provider_type *registry_type(size_t i);
/* The type called name, or NULL. */
const struct provider_type *registry_find(const char *name);
/* The names joined: (", ", " or ") gives "eci, docker or hyper" for
 * messages, ("|", "|") gives "eci|docker|hyper" for usage lines. */
void registry_names(struct buf *out, const char *sep, const char *last_sep);
/* The key of a type called name, or NULL. */
const struct provider_key *registry_key(const struct provider_type *t, const char *name);
/* Is value good for the key? 0, or -FM_EINVAL with why saying what is
 * ("insecure must be true or false, not 'yes'"). */
int registry_check_value(const struct provider_key *k, const char *value, struct fm_cause *why);

/* Check every provider section of c: a known type, only its keys, good
 * values. Each problem is reported with config_error at its line and the
 * bad part is dropped (an unknown type clears pc->type, so the provider
 * is skipped; a bad key is removed). Returns the number of problems. */
int registry_check_config(struct config *c);

/* A provider that could not be made, and why. */
struct provider_failure {
	char *name;
	struct fm_cause cause;
};

/* What registry_build made. The providers go to their owner (the app or
 * run); the rest stays here until provider_set_free, which must come
 * after the providers are freed (they borrow the commands). */
#define REGISTRY_MAX_PROVIDERS 16
struct provider_set {
	struct provider *provs[REGISTRY_MAX_PROVIDERS];
	int n;
	struct provider_failure failed[REGISTRY_MAX_PROVIDERS];
	int nfailed;
	char **commands[REGISTRY_MAX_PROVIDERS]; /* argv the providers borrow */
};

/* The providers to use: the one named (--provider), else the config's
 * (checked by registry_check_config), else each type's autodetect. A
 * provider that fails does not stop the others: it goes into set->failed.
 * Returns the number made, or a negative FM_E code with why filled when
 * there are none (why then says every reason). */
int registry_build(struct provider_set *set, uv_loop_t *loop, const char *only,
                   const struct config *cfg, const struct provider_overrides *cli,
                   struct fm_cause *why);
void provider_set_free(struct provider_set *set);

#endif
