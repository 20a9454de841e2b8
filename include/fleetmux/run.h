/* run.h: `fleetmux run`: one command on every matching container, no UI;
 * what each container said, line by line, then how each ended. */
#ifndef FLEETMUX_RUN_H
#define FLEETMUX_RUN_H

#include <uv.h>

#include "fleetmux/provider.h"

struct run_options {
	char **regions;        /* ECI regions to look in; NULL: all */
	const char *filter;    /* as the sidebar's filter; NULL: every container */
	int parallel;          /* sessions at once */
	int timeout;           /* seconds per target; 0: none */
	int json;              /* JSON lines instead of prefixed text */
	int dry_run;           /* list the targets, run nothing */
	int failed_providers;  /* providers that could not start: the run is partial */
	char **argv;           /* the command */
};

/* Lists, runs, prints; returns the exit status: 0 when every target
 * exited 0, 1 when any failed, 3 when nothing matched, 130/143 when
 * interrupted by SIGINT/SIGTERM, 141 when stdout closed. A provider that
 * could not start makes it 1 (the fleet was not all there). */
int run_main(uv_loop_t *loop, struct provider **provs, int nprovs, const struct run_options *o);

#endif
