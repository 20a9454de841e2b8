/* registry.c: the provider types, their config keys, and how each is built
 * from a config section and the command line, or found on this machine.
 * This is the one file outside the providers themselves that names them. */
#include "fleetmux/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fleetmux/cred.h"

/* --- helpers every type uses --- */

static const char *
kv_get(const struct params *kv, const char *key)
{
	return kv != NULL ? params_get(kv, key) : NULL;
}

/* A checked true/false key: only "true" is true. */
static int
kv_true(const struct params *kv, const char *key)
{
	const char *v = kv_get(kv, key);

	return v != NULL && strcmp(v, "true") == 0;
}

static int
env_true(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

/* The config's name for a provider that names itself after its type. */
static struct provider *
named(struct provider *p, const char *name)
{
	if (p != NULL && name != NULL) {
		free(p->name);
		p->name = xstrdup(name);
	}
	return p;
}

/* A constructor that left its reason in fm_error (not converted yet). */
static struct provider *
made(struct provider *p, struct fm_cause *why)
{
	if (p == NULL)
		fm_cause_from_error(why, -FM_EINVAL);
	return p;
}

/* --- ECI --- */

static struct provider *
eci_create(uv_loop_t *loop, const char *name, const struct params *kv,
           const struct provider_overrides *c, char **command, struct fm_cause *why)
{
	struct eci_options o;
	const char *sign = kv_get(kv, "sign");

	memset(&o, 0, sizeof o);
	o.endpoint = c->endpoint ? c->endpoint : kv_get(kv, "endpoint");
	if (o.endpoint == NULL)
		o.endpoint = getenv("FLEETMUX_ECI_ENDPOINT");
	o.key_id = c->key_id;
	o.secret = c->secret;
	o.token = c->token;
	o.profile = c->profile ? c->profile : kv_get(kv, "profile");
	o.sign_v1 = c->sign_v1 || (sign && strcmp(sign, "v1") == 0);
	o.insecure = c->insecure || kv_true(kv, "insecure");
	o.ca_file = c->ca_file ? c->ca_file : kv_get(kv, "ca-file");
	if (kv_get(kv, "status-channel") != NULL)
		o.status_channel = atoi(kv_get(kv, "status-channel"));
	if (kv_get(kv, "resize-channel") != NULL)
		o.resize_channel = atoi(kv_get(kv, "resize-channel"));
	o.default_command = command;
	return named(made(eci_provider_new(loop, &o), why), name);
}

/* Credentials found: ECI is there. */
static struct provider *
eci_autodetect(uv_loop_t *loop, const struct provider_overrides *c, struct fm_cause *why)
{
	return eci_create(loop, NULL, NULL, c, NULL, why);
}

/* --- Docker-compatible engines --- */

static struct provider *
docker_create(uv_loop_t *loop, const char *name, const struct params *kv,
              const struct provider_overrides *c, char **command, struct fm_cause *why)
{
	struct docker_options o;
	const char *tls = kv_get(kv, "tls-verify");
	char *certs = NULL;
	struct provider *p;

	memset(&o, 0, sizeof o);
	o.name = name;
	o.default_command = command;
	o.insecure = c->insecure || kv_true(kv, "insecure");
	o.host = c->endpoint ? c->endpoint : kv_get(kv, "host");
	if (o.host == NULL)
		o.host = getenv("DOCKER_HOST");
	o.tls_verify = tls ? strcmp(tls, "true") == 0 : env_true("DOCKER_TLS_VERIFY");
	o.cert_path =
	    kv_get(kv, "cert-path") ? kv_get(kv, "cert-path") : getenv("DOCKER_CERT_PATH");
	if (o.tls_verify && o.cert_path == NULL)
		o.cert_path = certs = xasprintf("%s/.docker", getenv("HOME") ? getenv("HOME") : "");
	p = made(docker_provider_new(loop, &o), why);
	free(certs);
	return p;
}

/* Does the local engine's socket answer? */
static int
docker_socket_answers(const char *host)
{
	struct sockaddr_un sa;
	int fd, ok;

	if (host != NULL && strncmp(host, "unix://", 7) != 0)
		return 1; /* a remote engine named by DOCKER_HOST: try it */
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", host ? host + 7 : "/var/run/docker.sock");
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return ok;
}

static struct provider *
docker_autodetect(uv_loop_t *loop, const struct provider_overrides *c, struct fm_cause *why)
{
	const char *host = getenv("DOCKER_HOST");

	if (!docker_socket_answers(host)) {
		fm_cause_set(why, FM_ENOTFOUND, "no Docker engine at %s",
		             host ? host : "/var/run/docker.sock");
		return NULL;
	}
	return docker_create(loop, NULL, NULL, c, NULL, why);
}

/* --- Hyper.sh-style clouds: the Docker API, signed --- */

static struct provider *
hyper_create(uv_loop_t *loop, const char *name, const struct params *kv,
             const struct provider_overrides *c, char **command, struct fm_cause *why)
{
	struct docker_options o;
	char *ak, *sk, *region, *url = NULL;
	struct provider *p;

	if (hyper_creds_load(&ak, &sk, &region, why) < 0)
		return NULL;
	memset(&o, 0, sizeof o);
	o.name = name ? name : "hyper";
	o.default_command = command;
	o.insecure = c->insecure || kv_true(kv, "insecure");
	o.hyper = 1;
	o.access_key = ak;
	o.secret_key = sk;
	o.region = kv_get(kv, "region") ? kv_get(kv, "region") : region ? region : "us-west-1";
	o.host = c->endpoint ? c->endpoint : kv_get(kv, "endpoint");
	if (o.host == NULL)
		o.host = url = xasprintf("https://%s.hyper.sh", o.region);
	p = made(docker_provider_new(loop, &o), why);
	free(ak);
	free(sk);
	free(region);
	free(url);
	return p;
}

/* --- Kubernetes: every context of a kubeconfig --- */

/* "a, b" → {"a", "b", NULL}; NULL for none. */
static char **
comma_list(const char *v)
{
	char **out = NULL;
	size_t n = 0;

	while (v != NULL && *v != '\0') {
		size_t len = strcspn(v, ",");
		const char *s = v, *e = v + len;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			out = xrealloc(out, (n + 2) * sizeof *out);
			out[n++] = xstrndup(s, (size_t)(e - s));
			out[n] = NULL;
		}
		v += len + (v[len] == ',');
	}
	return out;
}

static struct provider *
k8s_create(uv_loop_t *loop, const char *name, const struct params *kv,
           const struct provider_overrides *c, char **command, struct fm_cause *why)
{
	struct k8s_options o;
	char **contexts = comma_list(kv_get(kv, "contexts"));
	struct provider *p;

	memset(&o, 0, sizeof o);
	o.kubeconfig = kv_get(kv, "kubeconfig");
	o.contexts = c->contexts != NULL ? c->contexts : contexts;
	o.namespace = c->namespace ? c->namespace : kv_get(kv, "namespace");
	o.selector = c->selector ? c->selector : kv_get(kv, "selector");
	o.default_command = command;
	o.insecure = c->insecure || kv_true(kv, "insecure");
	p = named(k8s_provider_new(loop, &o, why), name);
	strv_free(contexts);
	return p;
}

static int
k8s_check(const struct params *kv, const char **key, struct fm_cause *why)
{
	struct k8s_options o;
	char **contexts = comma_list(kv_get(kv, "contexts"));
	int rc = 0;

	memset(&o, 0, sizeof o);
	o.kubeconfig = kv_get(kv, "kubeconfig");
	o.contexts = contexts;
	*key = "contexts";
	if (contexts != NULL)
		rc = k8s_check_contexts(&o, why);
	strv_free(contexts);
	return rc;
}

/* A kubeconfig with contexts: Kubernetes is there. */
static struct provider *
k8s_autodetect(uv_loop_t *loop, const struct provider_overrides *c, struct fm_cause *why)
{
	return k8s_create(loop, NULL, NULL, c, NULL, why);
}

/* --- the table --- */

/* Every type has command and insecure; each table says so itself. */
static const struct provider_key eci_keys[] = {
    {"endpoint", PROVIDER_KEY_TEXT,
     "the OpenAPI endpoint (default https://eci.<region>.aliyuncs.com)"},
    {"profile", PROVIDER_KEY_TEXT, "a profile of the aliyun CLI's ~/.aliyun/config.json"},
    {"region", PROVIDER_KEY_TEXT, "a region id"},
    {"sign", PROVIDER_KEY_SIGN, "the request signature, v1 or v3 (default v3)"},
    {"command", PROVIDER_KEY_TEXT, "the command a new pane runs (by /bin/sh -c)"},
    {"insecure", PROVIDER_KEY_BOOL, "true: do not verify TLS certificates"},
    {"ca-file", PROVIDER_KEY_TEXT, "trust this CA bundle"},
    {"status-channel", PROVIDER_KEY_CHANNEL,
     "the exec WebSocket's channel for the exit status (default 3; ECI documents none)"},
    {"resize-channel", PROVIDER_KEY_CHANNEL,
     "the exec WebSocket's channel for terminal sizes (default 4; ECI documents none)"},
    {NULL, PROVIDER_KEY_TEXT, NULL},
};

static const struct provider_key docker_keys[] = {
    {"host", PROVIDER_KEY_TEXT, "unix:///PATH or tcp://HOST:PORT (default $DOCKER_HOST)"},
    {"tls-verify", PROVIDER_KEY_BOOL, "TLS with client certificates (default $DOCKER_TLS_VERIFY)"},
    {"cert-path", PROVIDER_KEY_TEXT,
     "where ca.pem, cert.pem and key.pem are (default $DOCKER_CERT_PATH)"},
    {"command", PROVIDER_KEY_TEXT, "the command a new pane runs (by /bin/sh -c)"},
    {"insecure", PROVIDER_KEY_BOOL, "true: do not verify TLS certificates"},
    {NULL, PROVIDER_KEY_TEXT, NULL},
};

static const struct provider_key hyper_keys[] = {
    {"region", PROVIDER_KEY_TEXT,
     "the cloud's region (default from ~/.hyper/config.json, else us-west-1)"},
    {"endpoint", PROVIDER_KEY_TEXT, "the API host (default https://<region>.hyper.sh)"},
    {"command", PROVIDER_KEY_TEXT, "the command a new pane runs (by /bin/sh -c)"},
    {"insecure", PROVIDER_KEY_BOOL, "true: do not verify TLS certificates"},
    {NULL, PROVIDER_KEY_TEXT, NULL},
};

static const struct provider_key k8s_keys[] = {
    {"kubeconfig", PROVIDER_KEY_TEXT,
     "kubeconfig files, ':' between them (default $KUBECONFIG, else ~/.kube/config)"},
    {"contexts", PROVIDER_KEY_TEXT, "the contexts to show, \"a, b\" (default: every one)"},
    {"namespace", PROVIDER_KEY_TEXT, "only this namespace (default: every one)"},
    {"selector", PROVIDER_KEY_TEXT, "only the pods of this label selector (app=web,tier!=db)"},
    {"command", PROVIDER_KEY_TEXT, "the command a new pane runs (by /bin/sh -c)"},
    {"insecure", PROVIDER_KEY_BOOL, "true: do not verify TLS certificates"},
    {NULL, PROVIDER_KEY_TEXT, NULL},
};

static const struct provider_type types[] = {
    {
        .name = "eci",
        .help = "  eci     Alibaba Cloud Elastic Container Instance. --endpoint: the OpenAPI\n"
                "          endpoint (default https://eci.<region>.aliyuncs.com; also\n"
                "          $FLEETMUX_ECI_ENDPOINT). Credentials: --access-key-id/-secret, else\n"
                "          ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET\n"
                "          (/ ALIBABA_CLOUD_SECURITY_TOKEN), else the aliyun CLI's\n"
                "          ~/.aliyun/config.json (--profile NAME).\n",
        .keys = eci_keys,
        .create = eci_create,
        .autodetect = eci_autodetect,
        .owns_endpoint = 1,
        .watch = PROVIDER_LOGS | PROVIDER_PREVIOUS_LOG | PROVIDER_METRICS | PROVIDER_METRIC_HISTORY,
        .metrics_ms = 15000,
        .relist_ms = 30000,
    },
    {
        .name = "docker",
        .help = "  docker  a Docker engine, named local. --endpoint: unix:///PATH or\n"
                "          tcp://HOST:PORT (default $DOCKER_HOST, $DOCKER_TLS_VERIFY,\n"
                "          $DOCKER_CERT_PATH, else unix:///var/run/docker.sock).\n",
        .keys = docker_keys,
        .create = docker_create,
        .autodetect = docker_autodetect,
        .watch = PROVIDER_LOGS | PROVIDER_METRICS,
        .metrics_ms = 3000,
    },
    {
        .name = "hyper",
        .help = "  hyper   a Hyper.sh-style cloud. --endpoint: https://HOST. Keys: HYPER_ACCESS /\n"
                "          HYPER_SECRET, else ~/.hyper/config.json.\n",
        .keys = hyper_keys,
        .create = hyper_create,
        .watch = PROVIDER_LOGS | PROVIDER_METRICS,
        .metrics_ms = 3000,
        .relist_ms = 30000, /* its events were a WebSocket, not followed here */
    },
    {
        .name = "kubernetes",
        .help = "  kubernetes\n"
                "          every context of a kubeconfig side by side, a context a region\n"
                "          (--context NAME... for some; --namespace NS for one namespace;\n"
                "          --selector app=web for some pods).\n"
                "          Files: $KUBECONFIG, else ~/.kube/config; credentials as kubectl's\n"
                "          (tokens, token files, client certificates, exec plugins).\n",
        .keys = k8s_keys,
        .create = k8s_create,
        .autodetect = k8s_autodetect,
        .check = k8s_check,
        .watch = PROVIDER_LOGS | PROVIDER_PREVIOUS_LOG | PROVIDER_METRICS,
        .metrics_ms = 15000, /* metrics-server's resolution is 15 s at its finest */
        .relist_ms = 0, /* the pod watch keeps the sidebar live */
    },
};

#define NTYPES (sizeof types / sizeof types[0])

const struct provider_type *
registry_type(size_t i)
{
	return i < NTYPES ? &types[i] : NULL;
}

const struct provider_type *
registry_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < NTYPES; i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

void
registry_names(struct buf *out, const char *sep, const char *last_sep)
{
	for (size_t i = 0; i < NTYPES; i++) {
		if (i > 0)
			buf_puts(out, i + 1 == NTYPES ? last_sep : sep);
		buf_puts(out, types[i].name);
	}
}

const struct provider_key *
registry_key(const struct provider_type *t, const char *name)
{
	for (const struct provider_key *k = t->keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

int
registry_check_value(const struct provider_key *k, const char *value, struct fm_cause *why)
{
	switch (k->kind) {
	case PROVIDER_KEY_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
			return fm_cause_set(why, FM_EINVAL, "%s must be true or false, not '%s'",
			                    k->name, value);
		break;
	case PROVIDER_KEY_SIGN:
		if (strcmp(value, "v1") != 0 && strcmp(value, "v3") != 0)
			return fm_cause_set(why, FM_EINVAL, "%s must be v1 or v3, not '%s'",
			                    k->name, value);
		break;
	case PROVIDER_KEY_CHANNEL: {
		char *end;
		long n = strtol(value, &end, 10);

		/* 0-2 are stdin, stdout and stderr. */
		if (*value == '\0' || *end != '\0' || n < 3 || n > 255)
			return fm_cause_set(why, FM_EINVAL, "%s must be a channel from 3 to 255, not '%s'",
					    k->name, value);
		break;
	}
	case PROVIDER_KEY_TEXT:
		break;
	}
	return 0;
}

/* Is the key one of any type's? (To tell a misplaced key from a typo.) */
static int
key_of_any_type(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (registry_key(&types[i], name) != NULL)
			return 1;
	return 0;
}

/* One key of a section of type t (NULL: a type we do not know): 0 when
 * good, else reported at its line. */
static int
check_key(struct config *c, const struct provider_conf *pc, const struct provider_type *t, size_t k)
{
	const char *key = pc->kv.v[k].key;
	const struct provider_key *pk = t != NULL ? registry_key(t, key) : NULL;
	struct fm_cause why;

	if (!key_of_any_type(key)) {
		config_error(c, pc->key_lines[k], "unknown key '%s' in provider \"%s\"", key,
		             pc->name);
		return -1;
	}
	if (t == NULL)
		return 0; /* the type line has been reported */
	if (pk == NULL) {
		config_error(c, pc->key_lines[k], "provider \"%s\": '%s' is not a key of this type",
		             pc->name, key);
		return -1;
	}
	if (registry_check_value(pk, pc->kv.v[k].value, &why) < 0) {
		config_error(c, pc->key_lines[k], "%s%s", why.msg, "");
		return -1;
	}
	return 0;
}

/* What the section names outside the config, reported at its key's line
 * (kept: the provider shows what is wrong where it would be). 1 when bad. */
static int
check_outside(struct config *c, const struct provider_conf *pc, const struct provider_type *t)
{
	const char *key = NULL;
	struct fm_cause why;
	int line = pc->line;

	if (t->check(&pc->kv, &key, &why) == 0)
		return 0;
	for (size_t k = 0; key != NULL && k < pc->kv.n; k++)
		if (strcmp(pc->kv.v[k].key, key) == 0)
			line = pc->key_lines[k];
	config_error(c, line, "provider \"%s\": %s", pc->name, why.msg);
	return 1;
}

int
registry_check_config(struct config *c)
{
	struct buf names;
	int bad = 0;

	buf_init(&names);
	registry_names(&names, ", ", " or ");
	for (size_t i = 0; i < c->nprovs; i++) {
		struct provider_conf *pc = &c->provs[i];
		const struct provider_type *t = registry_find(pc->type);

		if (pc->type == NULL) {
			config_error(c, pc->line, "provider \"%s\" has no type (%s)", pc->name,
			             names.data);
			bad++;
		} else if (t == NULL) {
			config_error(c, pc->type_line, "type '%s' is not %s", pc->type, names.data);
			free(pc->type);
			pc->type = NULL;
			bad++;
		}
		for (size_t k = 0; k < pc->kv.n;) {
			if (check_key(c, pc, t, k) == 0) {
				k++;
				continue;
			}
			config_provider_drop(pc, k);
			bad++;
		}
		if (t != NULL && t->check != NULL)
			bad += check_outside(c, pc, t);
	}
	buf_free(&names);
	return bad;
}

/* A command from the config runs through the container's shell. */
static char **
shell_command(const char *cmd)
{
	char *v[] = {"/bin/sh", "-c", (char *)cmd, NULL};

	return cmd != NULL && *cmd ? strv_dup(v) : NULL;
}

/* The config's providers; each that fails is kept with its reason. */
static void
build_configured(struct provider_set *set, uv_loop_t *loop, const struct config *cfg,
                 const struct provider_overrides *cli, const struct provider_overrides *others)
{
	for (size_t i = 0; i < cfg->nprovs && set->n + set->nfailed < REGISTRY_MAX_PROVIDERS; i++) {
		const struct provider_conf *pc = &cfg->provs[i];
		const struct provider_type *t = registry_find(pc->type);
		char **cmd;
		struct provider *p;
		struct fm_cause why;

		if (t == NULL)
			continue; /* reported by registry_check_config */
		cmd = shell_command(params_get(&pc->kv, "command"));
		p = t->create(loop, pc->name, &pc->kv, t->owns_endpoint ? cli : others, cmd, &why);
		if (p == NULL) {
			set->failed[set->nfailed].name = xstrdup(pc->name);
			set->failed[set->nfailed++].cause = why;
			strv_free(cmd);
			continue;
		}
		set->commands[set->n] = cmd;
		set->provs[set->n++] = p;
	}
}

int
registry_build(struct provider_set *set, uv_loop_t *loop, const char *only,
               const struct config *cfg, const struct provider_overrides *cli, struct fm_cause *why)
{
	/* Without --provider, --endpoint belongs to one type: engines keep
	 * their own hosts. */
	struct provider_overrides others = *cli;
	struct fm_cause local;
	struct buf reasons;

	memset(set, 0, sizeof *set);
	others.endpoint = NULL;
	if (why == NULL)
		why = &local;
	memset(why, 0, sizeof *why);
	if (only != NULL) {
		const struct provider_type *t = registry_find(only);

		if (t == NULL) {
			buf_init(&reasons);
			registry_names(&reasons, ", ", " or ");
			fm_cause_set(why, FM_EINVAL, "--provider: '%s' is not %s", only,
			             reasons.data);
			buf_free(&reasons);
			return -why->code;
		}
		if ((set->provs[0] = t->create(loop, NULL, NULL, cli, NULL, why)) == NULL)
			return -why->code;
		return set->n = 1;
	}
	if (cfg != NULL && cfg->nprovs > 0) {
		build_configured(set, loop, cfg, cli, &others);
		if (set->n == 0)
			return fm_cause_set(why, FM_EINVAL,
			                    "none of the config's providers could be made");
		return set->n;
	}
	/* No config: what this machine has. */
	buf_init(&reasons);
	for (size_t i = 0; i < NTYPES && set->n < REGISTRY_MAX_PROVIDERS; i++) {
		struct provider *p;

		if (types[i].autodetect == NULL)
			continue;
		p = types[i].autodetect(loop, types[i].owns_endpoint ? cli : &others, why);
		if (p != NULL)
			set->provs[set->n++] = p;
		else
			buf_printf(&reasons, "%s%s", reasons.len ? "\nand " : "", why->msg);
	}
	if (set->n == 0)
		fm_cause_set(why, FM_EAUTH, "no providers: %s", reasons.data ? reasons.data : "");
	buf_free(&reasons);
	return set->n > 0 ? set->n : -why->code;
}

void
provider_set_free(struct provider_set *set)
{
	for (int i = 0; i < set->nfailed; i++)
		free(set->failed[i].name);
	for (int i = 0; i < set->n; i++)
		strv_free(set->commands[i]);
	memset(set, 0, sizeof *set);
}
