/* fleet.h: fleetsim's model of a cloud: regions → container groups →
 * containers, read from a JSON fleet file (format in README.md). Pure: the
 * parser does no I/O beyond reading the file. */
#ifndef FLEETMUX_FLEET_H
#define FLEETMUX_FLEET_H

#include <stddef.h>
#include <sys/types.h>

#include "fleetmux/params.h"

/* One line of a container's log, with the time it was written. */
struct log_line {
	long time;
	char *text;
};

struct fleet_container {
	char *name;
	char *image;
	char *state;      /* Waiting, Running, Terminated */
	char *reason;     /* for Waiting/Terminated */
	int exit_code;    /* for Terminated */
	int restart_count;
	double cpu, memory;
	char **command;   /* main process argv, NULL-terminated; NULL for none */
	struct params env;
	char *workdir;
	char *start_time;

	/* The log ring: DescribeContainerLog reads it. */
	struct log_line *log;
	size_t log_cap, log_start, log_count;
	char *log_partial;  /* a line still without its newline */

	/* Filled in by fleetsim at run time. */
	pid_t init_pid;   /* the namespace holder, 0 if none yet */
	int log_fd;
	void *log_poll;
};

struct fleet_group {
	char *id;
	char *name;
	char *region;
	char *zone;
	char *status;
	char *created;
	char *intranet_ip;
	char *internet_ip;
	char *instance_type;
	double cpu, memory;
	struct params tags;
	struct fleet_container *containers;
	size_t ncontainers;
};

struct fleet_region {
	char *id;
	char **zones;
	size_t nzones;
};

struct fleet {
	struct fleet_region *regions;
	size_t nregions;
	struct fleet_group *groups;   /* in region order, then file order */
	size_t ngroups;
};

/* Parse a fleet from JSON text; name is used in messages. 0, or a negative
 * FM_E code with fm_error_message() naming the path within the file and why. */
int fleet_parse(struct fleet *f, const char *json, size_t len, const char *name);
int fleet_load(struct fleet *f, const char *path);
void fleet_free(struct fleet *f);

struct fleet_region *fleet_region(struct fleet *f, const char *id);
struct fleet_group *fleet_group(struct fleet *f, const char *region, const char *id);
struct fleet_container *fleet_container(struct fleet_group *g, const char *name);

/* Append text to a container's log, split into lines, bounded. */
void fleet_log_append(struct fleet_container *c, long now, const char *text, size_t len);

#endif
