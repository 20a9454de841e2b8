/* theme.c: theme files. Pure parsing, plus a small search for the file. */
#include "fleetmux/theme.h"
#include "fleetmux/datadir.h"
#include "fleetmux/ini.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


void
theme_default(struct theme *t)
{
	/* Dark: what the code drew before themes. 0..7 are the ANSI colours. */
	*t = (struct theme){
	    .status_fg = -2, .status_bg = -2,   /* -2: reverse video */
	    .border = -1, .border_focus = 2,
	    .badge_live = 2, .badge_wait = 3, .badge_bad = 1,
	    .sidebar_running = 2, .sidebar_pending = 3, .sidebar_failed = 1,
	    .sidebar_cursor_fg = -2, .sidebar_cursor_bg = -2,
	    .broadcast_fg = 7, .broadcast_bg = 1,
	};
}

static const char *names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

static int
parse_color(const char *v, short *out)
{
	char *end;
	long n;

	if (strcmp(v, "default") == 0) {
		*out = -1;
		return 0;
	}
	if (strcmp(v, "reverse") == 0) {
		*out = -2;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
		if (strncmp(v, "bright-", 7) == 0 && strcmp(v + 7, names[i]) == 0) {
			*out = (short)(i + 8);
			return 0;
		}
	}
	n = strtol(v, &end, 10);
	if (*v && *end == '\0' && n >= 0 && n <= 255) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

struct theme_ctx {
	struct theme *t;
	const char *name;
	struct buf *errors;
	int line, bad;
};

static int
handler(void *user, int line, const char *section, const char *key, const char *value)
{
	struct theme_ctx *c = user;
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
	    {"status.fg", offsetof(struct theme, status_fg)},
	    {"status.bg", offsetof(struct theme, status_bg)},
	    {"border", offsetof(struct theme, border)},
	    {"border.focus", offsetof(struct theme, border_focus)},
	    {"badge.live", offsetof(struct theme, badge_live)},
	    {"badge.wait", offsetof(struct theme, badge_wait)},
	    {"badge.bad", offsetof(struct theme, badge_bad)},
	    {"sidebar.running", offsetof(struct theme, sidebar_running)},
	    {"sidebar.pending", offsetof(struct theme, sidebar_pending)},
	    {"sidebar.failed", offsetof(struct theme, sidebar_failed)},
	    {"sidebar.cursor.fg", offsetof(struct theme, sidebar_cursor_fg)},
	    {"sidebar.cursor.bg", offsetof(struct theme, sidebar_cursor_bg)},
	    {"broadcast.fg", offsetof(struct theme, broadcast_fg)},
	    {"broadcast.bg", offsetof(struct theme, broadcast_bg)},
	};

	c->line = line;
	if (key == NULL)
		return 1;
	if (strcmp(section, "theme") == 0 && strcmp(key, "name") == 0)
		return 1;
	if (strcmp(section, "colors") != 0) {
		buf_printf(c->errors, "%s:%d: '%s' is outside [colors]\n", c->name, c->line, key);
		c->bad++;
		return 1;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(fields[i].key, key) == 0) {
			short *dst = (short *)((char *)c->t + fields[i].off);

			if (parse_color(value, dst) < 0) {
				buf_printf(c->errors, "%s:%d: '%s' is not a colour (a name, bright-NAME, "
						      "0..255 or default)\n", c->name, c->line, value);
				c->bad++;
			}
			return 1;
		}
	}
	buf_printf(c->errors, "%s:%d: unknown key '%s'\n", c->name, c->line, key);
	c->bad++;
	return 1;
}

int
theme_parse(struct theme *t, const char *text, const char *name, struct buf *errors)
{
	struct theme_ctx c = {t, name, errors, 0, 0};
	int rc = ini_parse_text(text, handler, &c);

	if (rc > 0) {
		buf_printf(errors, "%s:%d: cannot parse this line\n", name, rc);
		c.bad++;
	}
	return c.bad;
}

int
theme_load(struct theme *t, const char *name, struct buf *errors)
{
	char *path = NULL, *file;
	int rc = -FM_ENOTFOUND;
	const char *env = getenv("FLEETMUX_THEMES");
	struct buf tried;
	size_t len;
	char *text;

	theme_default(t);
	if (name == NULL || strcmp(name, "default") == 0)
		return 0;
	buf_init(&tried);
	/* A path is taken as it is; a name is looked for in $FLEETMUX_THEMES,
	 * then beside the program (datadir.h), never in the current directory. */
	if (strchr(name, '/') != NULL) {
		path = xstrdup(name);
	} else {
		if (env != NULL && *env) {
			path = xasprintf("%s/%s.theme", env, name);
			if (access(path, R_OK) != 0) {
				buf_puts(&tried, path);
				free(path);
				path = NULL;
			}
		}
		if (path == NULL) {
			file = xasprintf("themes/%s.theme", name);
			path = datadir_find(file, file, &tried);
			free(file);
		}
	}
	if (path != NULL && (text = fm_read_file(path, 1 << 20, &len)) != NULL) {
		theme_parse(t, text, path, errors);
		free(text);
		rc = 0;
	} else if (path != NULL) {
		buf_reset(&tried);
		buf_puts(&tried, fm_error_message());
	}
	if (rc < 0)
		fm_error(FM_ENOTFOUND, "theme '%s' not found (looked in %s)", name,
			 tried.len > 0 ? tried.data : path);
	free(path);
	buf_free(&tried);
	return rc;
}
