/* cliopt.h: a program's command-line options as one table, from which both
 * getopt_long's table and the --help text (usage line and option list) are
 * made: an option cannot be accepted without being listed, or listed
 * without being accepted. Pure: it formats into buffers. */
#ifndef FLEETMUX_CLIOPT_H
#define FLEETMUX_CLIOPT_H

#include <getopt.h>
#include <stddef.h>

#include "fleetmux/util.h"

struct cliopt {
	const char *name;  /* "endpoint", without the dashes; NULL ends the table */
	int id;            /* what getopt_long returns for it */
	char letter;       /* a short form ('h' for -h), or 0 */
	const char *arg;   /* its argument's placeholder ("URL"), or NULL: none */
	unsigned modes;    /* the subcommands (bits) that take it */
	int repeat;        /* may be given again: "[--region ID]..." */
	const char *help;  /* for the option list; '\n' goes on in the next line */
};

/* The column where the option list's help text starts. */
#define CLIOPT_HELP_COLUMN 22

/* getopt_long's table for the options of mode (ending with a zero entry;
 * out holds at most max entries, the zero one included) and its short
 * options after prefix (e.g. "+:"). Returns the number of options. */
size_t cliopt_getopt(const struct cliopt *t, unsigned mode, struct option *out, size_t max,
		     const char *prefix, struct buf *shorts);
/* "usage: fleetmux [--provider P] ... TAIL": every option of mode, wrapped
 * before width columns, the following lines indented under the first
 * option. lead is "usage: fleetmux"; tail (or NULL) ends the synopsis. */
void cliopt_synopsis(const struct cliopt *t, unsigned mode, const char *lead, const char *tail,
		     int width, struct buf *out);
/* One entry an option of mode: "  --name ARG" then its help at
 * CLIOPT_HELP_COLUMN (on the next line when the name is too long). When
 * only is nonzero, only options whose modes are exactly mode. */
void cliopt_help(const struct cliopt *t, unsigned mode, int only, struct buf *out);
/* The option with this id, or NULL. */
const struct cliopt *cliopt_by_id(const struct cliopt *t, int id);
/* The option called name (with or without leading dashes, and without any
 * "=value"), or NULL: to say whose option a refused one is. */
const struct cliopt *cliopt_by_name(const struct cliopt *t, const char *name);

#endif
