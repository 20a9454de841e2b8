/* config.c: the INI config file, with every key checked. */
#include "fleetmux/config.h"

#include <cjson/cJSON.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *eci_keys[] = {"type", "endpoint", "profile", "region", "sign", "command",
				 "insecure", "ca-file", NULL};
static const char *docker_keys[] = {"type", "host", "tls-verify", "cert-path", "command", "insecure",
				    NULL};
static const char *hyper_keys[] = {"type", "region", "endpoint", "command", "insecure", NULL};
static const char *general_keys[] = {"layout", "prefix", "theme", "scrollback", "osc52", "broadcast",
				     NULL};
#define NGENERAL (sizeof general_keys / sizeof general_keys[0] - 1)
_Static_assert(NGENERAL <= sizeof ((struct config *)0)->general_lines /
				   sizeof ((struct config *)0)->general_lines[0],
	       "general_lines holds a line for every [fleetmux] key");

/* Debian's inih gives the handler no line number: the reader counts the
 * lines it hands over, one per call. */
struct parse_ctx {
	struct config *c;
	const char *name;
	const char *next;   /* the text not yet read */
	int line;
};

static char *
read_line(char *str, int num, void *stream)
{
	struct parse_ctx *p = stream;
	int n = 0;

	if (*p->next == '\0')
		return NULL;
	while (n < num - 1 && p->next[n] != '\0' && p->next[n] != '\n')
		n++;
	if (n < num - 1 && p->next[n] == '\n')
		n++;
	memcpy(str, p->next, (size_t)n);
	str[n] = '\0';
	p->next += n;
	p->line++;
	return str;
}

static void
error_at(struct parse_ctx *p, int line, const char *fmt, const char *a, const char *b)
{
	buf_printf(&p->c->errors, "%s:%d: ", p->name, line);
	buf_printf(&p->c->errors, fmt, a, b);
	buf_putc(&p->c->errors, '\n');
	p->c->nerrors++;
}

static int
known(const char **keys, const char *k)
{
	for (; *keys; keys++)
		if (strcmp(*keys, k) == 0)
			return 1;
	return 0;
}

/* `provider "name"` → name; NULL when the section is not a provider. */
static char *
provider_name(const char *section)
{
	size_t n;

	if (strncmp(section, "provider", 8) != 0)
		return NULL;
	section += 8;
	while (*section == ' ')
		section++;
	n = strlen(section);
	if (n >= 2 && section[0] == '"' && section[n - 1] == '"')
		return xstrndup(section + 1, n - 2);
	return n > 0 ? xstrdup(section) : NULL;
}

static struct provider_conf *
find_prov(struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nprovs; i++)
		if (strcmp(c->provs[i].name, name) == 0)
			return &c->provs[i];
	return NULL;
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse_ctx *p = user;
	struct config *c = p->c;
	int line = p->line;
	char *name;

	if (key == NULL) /* a section line on its own */
		return 1;
	if (strcmp(section, "keys") == 0 || strcmp(section, "sidebar-keys") == 0) {
		struct config_binding *b;

		c->bindings = xrealloc(c->bindings, (c->nbindings + 1) * sizeof *c->bindings);
		b = &c->bindings[c->nbindings++];
		b->key = xstrdup(key);
		b->action = xstrdup(value);
		b->line = line;
		b->sidebar = strcmp(section, "sidebar-keys") == 0;
		return 1;
	}
	if (strcmp(section, "fleetmux") == 0 || section[0] == '\0') {
		if (!known(general_keys, key))
			error_at(p, line, "unknown key '%s'%s in [fleetmux]", key, "");
		else
		{
			params_set(&c->general, key, value);
			for (size_t k = 0; k < NGENERAL; k++)
				if (strcmp(general_keys[k], key) == 0)
					c->general_lines[k] = line;
		}
		return 1;
	}
	name = provider_name(section);
	if (name == NULL) {
		error_at(p, line, "unknown section [%s]%s: use [fleetmux], [keys], [sidebar-keys] or "
				  "[provider \"NAME\"]",
			 section, "");
		return 1;
	}
	{
		struct provider_conf *pc = find_prov(c, name);

		if (pc == NULL) {
			c->provs = xrealloc(c->provs, (c->nprovs + 1) * sizeof *c->provs);
			pc = &c->provs[c->nprovs++];
			memset(pc, 0, sizeof *pc);
			pc->name = xstrdup(name);
			pc->line = line;
			params_init(&pc->kv);
		}
		if (strcmp(key, "type") == 0) {
			if (strcmp(value, "eci") != 0 && strcmp(value, "docker") != 0 &&
			    strcmp(value, "hyper") != 0)
				error_at(p, line, "type '%s' is not eci, docker or hyper%s", value, "");
			else {
				free(pc->type);
				pc->type = xstrdup(value);
			}
		} else if (!known(eci_keys, key) && !known(docker_keys, key) && !known(hyper_keys, key)) {
			error_at(p, line, "unknown key '%s' in provider \"%s\"", key, name);
		} else if ((strcmp(key, "tls-verify") == 0 || strcmp(key, "insecure") == 0) &&
			   strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
			error_at(p, line, "%s must be true or false, not '%s'", key, value);
		} else if (strcmp(key, "sign") == 0 && strcmp(value, "v1") != 0 && strcmp(value, "v3") != 0) {
			error_at(p, line, "sign must be v1 or v3, not '%s'%s", value, "");
		} else {
			params_set(&pc->kv, key, value);
		}
	}
	free(name);
	return 1;
}

/* After the whole file: each provider has a type, and only its own keys. */
static void
check_providers(struct parse_ctx *p)
{
	struct config *c = p->c;

	for (size_t i = 0; i < c->nprovs; i++) {
		struct provider_conf *pc = &c->provs[i];
		const char **keys;

		if (pc->type == NULL) {
			error_at(p, pc->line, "provider \"%s\" has no type (eci, docker or hyper)%s",
				 pc->name, "");
			continue;
		}
		keys = strcmp(pc->type, "eci") == 0 ? eci_keys : strcmp(pc->type, "docker") == 0 ? docker_keys
												: hyper_keys;
		for (size_t k = 0; k < pc->kv.n; k++)
			if (!known(keys, pc->kv.v[k].key))
				error_at(p, pc->line, "provider \"%s\": '%s' is not a key of this type",
					 pc->name, pc->kv.v[k].key);
	}
}

int
config_parse(struct config *c, const char *text, const char *name)
{
	struct parse_ctx p = {c, name, text, 0};
	int rc;

	memset(c, 0, sizeof *c);
	params_init(&c->general);
	buf_init(&c->errors);
	c->path = xstrdup(name);
	rc = ini_parse_stream(read_line, &p, handler, &p);
	if (rc > 0)
		error_at(&p, rc, "cannot parse this line%s%s", "", "");
	check_providers(&p);
	return 0;
}

int
config_load(struct config *c, const char *path)
{
	size_t len;
	char *text;
	int rc;
	struct stat st;

	memset(c, 0, sizeof *c);
	params_init(&c->general);
	buf_init(&c->errors);
	if (stat(path, &st) < 0)
		return -FM_ENOTFOUND;
	/* It chooses endpoints, certificates and the commands run in every
	 * container: nobody else may change it. (It holds no secrets; those stay
	 * in the credential files, which must not be readable by others.) */
	if (st.st_mode & 022)
		fprintf(stderr, "fleetmux: warning: %s is writable by others (chmod go-w it)\n", path);
	text = fm_read_file(path, 1 << 20, &len);
	if (text == NULL)
		return -FM_EIO;
	rc = config_parse(c, text, path);
	free(text);
	return rc;
}

void
config_free(struct config *c)
{
	for (size_t i = 0; i < c->nprovs; i++) {
		free(c->provs[i].name);
		free(c->provs[i].type);
		params_free(&c->provs[i].kv);
	}
	free(c->provs);
	for (size_t i = 0; i < c->nbindings; i++) {
		free(c->bindings[i].key);
		free(c->bindings[i].action);
	}
	free(c->bindings);
	free(c->path);
	params_free(&c->general);
	buf_free(&c->errors);
	memset(c, 0, sizeof *c);
}

void
config_error(struct config *c, int line, const char *fmt, const char *a, const char *b)
{
	struct parse_ctx p = {c, c->path ? c->path : "config", NULL, 0};

	error_at(&p, line, fmt, a, b);
}

/* The line a [fleetmux] key was set on, 0 if not set. */
int
config_general_line(const struct config *c, const char *key)
{
	for (size_t k = 0; k < NGENERAL; k++)
		if (strcmp(general_keys[k], key) == 0)
			return c->general_lines[k];
	return 0;
}

char *
config_default_path(void)
{
	const char *v = getenv("FLEETMUX_CONFIG"), *home = getenv("HOME");

	if (v != NULL && *v)
		return xstrdup(v);
	v = getenv("XDG_CONFIG_HOME");
	if (v != NULL && *v)
		return xasprintf("%s/fleetmux/config", v);
	return xasprintf("%s/.config/fleetmux/config", home ? home : "");
}

int
hyper_creds_load(char **access, char **secret, char **region)
{
	const char *a = getenv("HYPER_ACCESS"), *s = getenv("HYPER_SECRET");
	const char *r = getenv("HYPER_DEFAULT_REGION");
	char *path;
	size_t len;
	char *text;
	cJSON *j, *cloud;

	*access = *secret = *region = NULL;
	if (r != NULL && *r)
		*region = xstrdup(r);
	if (a != NULL && *a && s != NULL && *s) {
		*access = xstrdup(a);
		*secret = xstrdup(s);
		return 0;
	}
	if (getenv("HYPER_CONFIG") != NULL)
		path = xasprintf("%s/config.json", getenv("HYPER_CONFIG"));
	else
		path = xasprintf("%s/.hyper/config.json", getenv("HOME") ? getenv("HOME") : "");
	text = fm_read_file(path, 1 << 20, &len);
	if (text == NULL) {
		free(path);
		return fm_error(FM_EAUTH, "no Hyper keys: set HYPER_ACCESS and HYPER_SECRET, or "
					  "~/.hyper/config.json");
	}
	j = cJSON_ParseWithLength(text, len);
	free(text);
	{
		struct stat st;

		/* It holds a secret key: others must not read it. */
		if (stat(path, &st) == 0 && (st.st_mode & 077))
			fprintf(stderr, "fleetmux: warning: %s is readable by others (chmod 600 it)\n", path);
	}
	cJSON_ArrayForEach(cloud, cJSON_GetObjectItemCaseSensitive(j, "clouds")) {
		const cJSON *ak = cJSON_GetObjectItemCaseSensitive(cloud, "accesskey");
		const cJSON *sk = cJSON_GetObjectItemCaseSensitive(cloud, "secretkey");
		const cJSON *rg = cJSON_GetObjectItemCaseSensitive(cloud, "region");

		if (cJSON_IsString(ak) && cJSON_IsString(sk)) {
			*access = xstrdup(ak->valuestring);
			*secret = xstrdup(sk->valuestring);
			if (*region == NULL && cJSON_IsString(rg) && *rg->valuestring)
				*region = xstrdup(rg->valuestring);
			break;
		}
	}
	cJSON_Delete(j);
	if (*access == NULL) {
		int rc = fm_error(FM_EAUTH, "%s: no cloud with accesskey and secretkey", path);

		free(path);
		return rc;
	}
	free(path);
	return 0;
}
