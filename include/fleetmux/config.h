/* config.h: ~/.config/fleetmux/config (INI, read with inih). Sections
 * `[provider "NAME"]` declare providers; every bad line is reported with its
 * number and why, and the rest of the file still counts. */
#ifndef FLEETMUX_CONFIG_H
#define FLEETMUX_CONFIG_H

#include "fleetmux/params.h"

struct provider_conf {
	char *name;
	char *type;        /* eci, docker, hyper */
	struct params kv;  /* the section's keys, checked */
	int line;
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
	int general_lines[8];    /* where each [fleetmux] key was set */
	struct params general;   /* [fleetmux] */
	struct buf errors;       /* "path:line: why\n" each */
	int nerrors;
};

/* The path: $FLEETMUX_CONFIG, else $XDG_CONFIG_HOME/fleetmux/config, else
 * ~/.config/fleetmux/config. Caller frees. */
char *config_default_path(void);
/* 0 (errors, if any, are in c->errors), -FM_ENOTFOUND when there is no
 * file, or another negative FM_E code when it cannot be read. */
int config_load(struct config *c, const char *path);
int config_parse(struct config *c, const char *text, const char *name);
int config_general_line(const struct config *c, const char *key);
/* Report a problem found later (a key or action name) at a line. */
void config_error(struct config *c, int line, const char *fmt, const char *a, const char *b);
void config_free(struct config *c);

/* Hyper.sh keys as hypercli kept them: HYPER_ACCESS/HYPER_SECRET, else
 * $HYPER_CONFIG or ~/.hyper/config.json. */
int hyper_creds_load(char **access, char **secret, char **region);

#endif
