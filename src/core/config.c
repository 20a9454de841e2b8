/* config.c: the INI config file. [fleetmux] keys are checked here; provider
 * sections are kept as written, with the line of each key, for the provider
 * registry to check (this file knows no provider types). */
#include "fleetmux/config.h"
#include "fleetmux/ini.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *general_keys[] = {"layout", "prefix", "theme", "scrollback", "osc52", "broadcast",
				     "sidebar-width", "metrics-interval", "refresh-interval", NULL};
#define NGENERAL (sizeof general_keys / sizeof general_keys[0] - 1)
_Static_assert(NGENERAL <= sizeof ((struct config *)0)->general_lines /
				   sizeof ((struct config *)0)->general_lines[0],
	       "general_lines holds a line for every [fleetmux] key");

struct parse_ctx {
	struct config *c;
	const char *name;
	int skip;          /* in a section reported whole: its keys are not */
};

/* The messages are kept in the file's order, whatever found them (the
 * reader, the registry, main's checks): errors is rebuilt at each. */
static void
add_message(struct config *c, int line, char *text)
{
	size_t at = c->nmsgs;

	while (at > 0 && c->msgs[at - 1].line > line)
		at--;
	c->msgs = xrealloc(c->msgs, (c->nmsgs + 1) * sizeof *c->msgs);
	memmove(&c->msgs[at + 1], &c->msgs[at], (c->nmsgs - at) * sizeof *c->msgs);
	c->msgs[at].line = line;
	c->msgs[at].text = text;
	c->nmsgs++;
	c->nerrors++;
	buf_reset(&c->errors);
	for (size_t i = 0; i < c->nmsgs; i++)
		buf_puts(&c->errors, c->msgs[i].text);
}

static void
error_at(struct parse_ctx *p, int line, const char *fmt, const char *a, const char *b)
{
	struct buf m;

	buf_init(&m);
	buf_printf(&m, "%s:%d: ", p->name, line);
	buf_printf(&m, fmt, a, b);
	buf_putc(&m, '\n');
	add_message(p->c, line, buf_steal(&m));
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

/* A key set twice keeps its last value and line. */
static void
set_provider_key(struct provider_conf *pc, const char *key, const char *value, int line)
{
	for (size_t k = 0; k < pc->kv.n; k++)
		if (strcmp(pc->kv.v[k].key, key) == 0) {
			free(pc->kv.v[k].value);
			pc->kv.v[k].value = xstrdup(value);
			pc->key_lines[k] = line;
			return;
		}
	params_add(&pc->kv, key, value);
	pc->key_lines = xrealloc(pc->key_lines, pc->kv.n * sizeof *pc->key_lines);
	pc->key_lines[pc->kv.n - 1] = line;
}

void
config_provider_drop(struct provider_conf *pc, size_t k)
{
	if (k >= pc->kv.n)
		return;
	free(pc->kv.v[k].key);
	free(pc->kv.v[k].value);
	memmove(&pc->kv.v[k], &pc->kv.v[k + 1], (pc->kv.n - k - 1) * sizeof *pc->kv.v);
	memmove(&pc->key_lines[k], &pc->key_lines[k + 1], (pc->kv.n - k - 1) * sizeof *pc->key_lines);
	pc->kv.n--;
}

static struct provider_conf *
new_prov(struct config *c, const char *name, int line)
{
	struct provider_conf *pc;

	c->provs = xrealloc(c->provs, (c->nprovs + 1) * sizeof *c->provs);
	pc = &c->provs[c->nprovs++];
	memset(pc, 0, sizeof *pc);
	pc->name = xstrdup(name);
	pc->line = line;
	params_init(&pc->kv);
	return pc;
}

static int
is_general(const char *section)
{
	return strcmp(section, "fleetmux") == 0 || section[0] == '\0';
}

static int
is_keys(const char *section)
{
	return strcmp(section, "keys") == 0 || strcmp(section, "sidebar-keys") == 0;
}

/* A section line: a provider is declared here, once; a section fleetmux
 * does not know is reported here, not at each of its keys. */
static void
section_start(struct parse_ctx *p, int line, const char *section)
{
	struct config *c = p->c;
	struct provider_conf *pc;
	char *name;

	p->skip = 0;
	if (is_general(section) || is_keys(section))
		return;
	name = provider_name(section);
	if (name == NULL) {
		p->skip = 1;
		if (strncmp(section, "provider", 8) == 0)
			error_at(p, line, "[%s]%s needs a name: [provider \"NAME\"]", section, "");
		else
			error_at(p, line, "unknown section [%s]%s: use [fleetmux], [keys], [sidebar-keys] "
					  "or [provider \"NAME\"]", section, "");
		return;
	}
	if ((pc = find_prov(c, name)) != NULL) {
		char first[32];

		/* Merging the two would hide which one the user meant. */
		snprintf(first, sizeof first, "%d", pc->line);
		p->skip = 1;
		error_at(p, line, "provider \"%s\" is already defined at line %s; this section is left out",
			 name, first);
	} else {
		new_prov(c, name, line);
	}
	free(name);
}

static int
handler(void *user, int line, const char *section, const char *key, const char *value)
{
	struct parse_ctx *p = user;
	struct config *c = p->c;
	struct provider_conf *pc;
	char *name;

	if (key == NULL) {
		section_start(p, line, section);
		return 1;
	}
	if (p->skip)
		return 1;
	if (is_keys(section)) {
		struct config_binding *b;

		c->bindings = xrealloc(c->bindings, (c->nbindings + 1) * sizeof *c->bindings);
		b = &c->bindings[c->nbindings++];
		b->key = xstrdup(key);
		b->action = xstrdup(value);
		b->line = line;
		b->sidebar = strcmp(section, "sidebar-keys") == 0;
		return 1;
	}
	if (is_general(section)) {
		if (!known(general_keys, key)) {
			error_at(p, line, "unknown key '%s'%s in [fleetmux]", key, "");
			return 1;
		}
		params_set(&c->general, key, value);
		for (size_t k = 0; k < NGENERAL; k++)
			if (strcmp(general_keys[k], key) == 0)
				c->general_lines[k] = line;
		return 1;
	}
	if ((name = provider_name(section)) == NULL)
		return 1; /* reported at its section line */
	if ((pc = find_prov(c, name)) == NULL)
		pc = new_prov(c, name, line);
	if (strcmp(key, "type") == 0) {
		free(pc->type);
		pc->type = xstrdup(value);
		pc->type_line = line;
	} else {
		set_provider_key(pc, key, value, line);
	}
	free(name);
	return 1;
}

static void
bad_line(void *user, int line, const char *why)
{
	error_at(user, line, "%s%s", why, "");
}

static void
config_init(struct config *c, const char *name)
{
	memset(c, 0, sizeof *c);
	params_init(&c->general);
	buf_init(&c->errors);
	c->path = xstrdup(name);
}

int
config_parse(struct config *c, const char *text, const char *name)
{
	struct parse_ctx p = {c, name, 0};

	config_init(c, name);
	ini_parse_lines(text, handler, bad_line, &p);
	return 0;
}

int
config_load(struct config *c, const char *path, struct fm_cause *why)
{
	size_t len;
	char *text;
	int rc;
	struct stat st;

	config_init(c, path);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return -FM_ENOTFOUND;
		return fm_cause_set(why, FM_EIO, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return fm_cause_set(why, FM_EIO, "%s: %s, not a config file", path, strerror(EISDIR));
	/* It chooses endpoints, certificates and the commands run in every
	 * container: nobody else may change it. (It holds no secrets; those stay
	 * in the credential files, which must not be readable by others.) */
	if (st.st_mode & 022)
		fprintf(stderr, "fleetmux: warning: %s is writable by others (chmod go-w it)\n", path);
	text = fm_read_file(path, 1 << 20, &len);
	if (text == NULL)
		return fm_cause_from_error(why, -FM_EIO);
	config_free(c);
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
		free(c->provs[i].key_lines);
		params_free(&c->provs[i].kv);
	}
	free(c->provs);
	for (size_t i = 0; i < c->nbindings; i++) {
		free(c->bindings[i].key);
		free(c->bindings[i].action);
	}
	free(c->bindings);
	for (size_t i = 0; i < c->nmsgs; i++)
		free(c->msgs[i].text);
	free(c->msgs);
	free(c->path);
	params_free(&c->general);
	buf_free(&c->errors);
	memset(c, 0, sizeof *c);
}

void
config_error(struct config *c, int line, const char *fmt, const char *a, const char *b)
{
	struct parse_ctx p = {c, c->path ? c->path : "config", 0};

	error_at(&p, line, fmt, a, b);
}

void
config_note(struct config *c, const char *text)
{
	add_message(c, INT_MAX, xstrdup(text));
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
