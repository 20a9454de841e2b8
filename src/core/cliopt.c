/* cliopt.c: getopt_long tables and --help text made from one option table
 * (cliopt.h), so that what a program accepts and what it says it accepts
 * are the same list. */
#include "fleetmux/cliopt.h"

#include <string.h>

size_t
cliopt_getopt(const struct cliopt *t, unsigned mode, struct option *out, size_t max,
	      const char *prefix, struct buf *shorts)
{
	size_t n = 0;

	buf_puts(shorts, prefix ? prefix : "");
	for (; t->name != NULL; t++) {
		if (!(t->modes & mode) || n + 1 >= max)
			continue;
		out[n++] = (struct option){t->name, t->arg ? required_argument : no_argument, NULL, t->id};
		if (t->letter) {
			buf_putc(shorts, t->letter);
			if (t->arg)
				buf_putc(shorts, ':');
		}
	}
	out[n] = (struct option){NULL, 0, NULL, 0};
	return n;
}

/* "[--name ARG]..." */
static void
synopsis_item(const struct cliopt *o, struct buf *out)
{
	buf_printf(out, "[--%s%s%s]%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
		   o->repeat ? "..." : "");
}

void
cliopt_synopsis(const struct cliopt *t, unsigned mode, const char *lead, const char *tail,
		int width, struct buf *out)
{
	size_t indent = strlen(lead) + 1, col = strlen(lead);
	struct buf item;

	buf_init(&item);
	buf_puts(out, lead);
	for (;; t++) {
		buf_reset(&item);
		if (t->name != NULL) {
			if (!(t->modes & mode))
				continue;
			synopsis_item(t, &item);
		} else if (tail != NULL) {
			buf_puts(&item, tail);
		} else {
			break;
		}
		/* Wrap before the item that would reach width (never before the
		 * first one on a line). */
		if (col > indent && col + 1 + item.len > (size_t)width) {
			buf_printf(out, "\n%*s", (int)indent - 1, "");
			col = indent - 1;
		}
		buf_putc(out, ' ');
		buf_append(out, item.data, item.len);
		col += 1 + item.len;
		if (t->name == NULL)
			break;
	}
	buf_putc(out, '\n');
	buf_free(&item);
}

void
cliopt_help(const struct cliopt *t, unsigned mode, int only, struct buf *out)
{
	for (; t->name != NULL; t++) {
		size_t start = out->len, len;
		const char *h = t->help ? t->help : "";

		if (only ? t->modes != mode : !(t->modes & mode))
			continue;
		if (t->letter)
			buf_printf(out, "  -%c, --%s", t->letter, t->name);
		else
			buf_printf(out, "  --%s", t->name);
		if (t->arg)
			buf_printf(out, " %s", t->arg);
		len = out->len - start;
		if (len + 2 > CLIOPT_HELP_COLUMN)
			buf_printf(out, "\n%*s", CLIOPT_HELP_COLUMN, "");
		else
			buf_printf(out, "%*s", (int)(CLIOPT_HELP_COLUMN - len), "");
		/* Each further line of help goes under the first. */
		for (const char *nl; (nl = strchr(h, '\n')) != NULL; h = nl + 1)
			buf_printf(out, "%.*s\n%*s", (int)(nl - h), h, CLIOPT_HELP_COLUMN, "");
		buf_printf(out, "%s\n", h);
	}
}

const struct cliopt *
cliopt_by_id(const struct cliopt *t, int id)
{
	for (; t->name != NULL; t++)
		if (t->id == id)
			return t;
	return NULL;
}

const struct cliopt *
cliopt_by_name(const struct cliopt *t, const char *name)
{
	size_t n;

	if (name == NULL)
		return NULL;
	while (*name == '-')
		name++;
	n = strcspn(name, "=");
	for (; t->name != NULL; t++)
		if (strlen(t->name) == n && strncmp(t->name, name, n) == 0)
			return t;
	return NULL;
}
