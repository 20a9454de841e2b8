/* config.h: ~/.config/fleetmux/config (INI, read with inih). Sections
 * `[provider "NAME"]` declare providers; every bad line is reported with its
 * number and why, and the rest of the file still counts. */
#ifndef FLEETMUX_CONFIG_H
#define FLEETMUX_CONFIG_H

#include "fleetmux/params.h"

/* A `[provider "NAME"]` section as written: the reader knows no provider
 * types; registry_check_config (registry.h) checks types, keys and values. */
struct provider_conf {
	char *name;
	char *type;        /* the type = value, or NULL */
	int type_line;
	struct params kv;  /* the other keys, in the file's order */
	int *key_lines;    /* the line of each kv entry */
	int line;          /* the section's first key */
};

/* A line of [keys] (the prefix table) or [sidebar-keys]: KEY = ACTION. */
struct config_binding {
	char *key, *action;
	int line;
	int sidebar;
};

struct config {
	struct provider_conf *provs;
	size_t nprovs;
	struct config_binding *bindings;
	size_t nbindings;
	char *path;              /* for messages about lines */
	int general_lines[16];    /* where each [fleetmux] key was set */
	struct params general;   /* [fleetmux] */
	struct buf errors;       /* "path:line: why\n" each, in the file's order */
	int nerrors;
	struct config_msg {      /* the same, one by one */
		int line;
		char *text;
	} *msgs;
	size_t nmsgs;
};

/* The path: $FLEETMUX_CONFIG, else $XDG_CONFIG_HOME/fleetmux/config, else
 * ~/.config/fleetmux/config. Caller frees. */
char *config_default_path(void);
/* 0 (errors, if any, are in c->errors), -FM_ENOTFOUND when there is no
 * file, or another negative FM_E code when it cannot be read (a
 * directory, no permission), with why. c is usable (empty) in every case. */
int config_load(struct config *c, const char *path, struct fm_cause *why);
int config_parse(struct config *c, const char *text, const char *name);
int config_general_line(const struct config *c, const char *key);
/* Report a problem found later (a key or action name) at a line; the
 * messages stay in the order of their lines. */
void config_error(struct config *c, int line, const char *fmt, const char *a, const char *b);
/* Lines about another file (the theme the config names), after the
 * config's own. */
void config_note(struct config *c, const char *text);
void config_free(struct config *c);
/* Forget entry k of a provider's keys (a bad one, once reported). */
void config_provider_drop(struct provider_conf *pc, size_t k);

#endif
