/* logcmd.h: `fleetmux logs`: the logs of every matching container, merged
 * by time, as tagged lines or JSON lines; the backlog, then (--follow) what
 * comes until SIGINT or SIGTERM. */
#ifndef FLEETMUX_LOGCMD_H
#define FLEETMUX_LOGCMD_H

#include <uv.h>

#include "fleetmux/provider.h"

struct logs_options {
	char **regions;        /* regions (engines) to look in; NULL: all */
	const char *filter;    /* as fleetmux run's --filter; NULL: every container */
	char **targets;        /* TARGET words (frontend.h); NULL or empty: every one */
	long since_seconds;    /* > 0: only the last so many seconds of the backlog */
	int tail;              /* lines of backlog per container; -1: the backend's default */
	int follow;            /* keep following after the backlog */
	int json;
	int timestamps;        /* the time on each text line */
	const char *grep;      /* only lines this POSIX ERE matches; NULL: all */
	int failed_providers;  /* providers that could not start */
};

/* Lists, follows, prints; returns the exit status: 0 when every target's
 * log was read (and after SIGINT/SIGTERM with --follow), 1 when a target,
 * a word, a listing or a provider failed (each said on stderr, the other
 * targets' lines printed all the same), 2 for a bad --grep, 3 when nothing
 * matched, 130/143 when a backlog was interrupted, 141 when stdout closed. */
int logs_main(uv_loop_t *loop, struct provider **provs, int nprovs, const struct logs_options *o);

#endif
