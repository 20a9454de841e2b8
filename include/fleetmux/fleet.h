/* fleet.h: fleetsim's model of a cloud: regions → container groups →
 * containers, read from a JSON fleet file (format in README.md). Pure: the
 * parser does no I/O beyond reading the file. */
#ifndef FLEETMUX_FLEET_H
#define FLEETMUX_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fleetmux/params.h"

/* One line of a container's log, with the time it was written. */
struct fleet_log_line {
	int64_t time_ns;
	char *text;
};

/* A container instance's log: its newest lines, bounded. */
struct fleet_log {
	struct fleet_log_line *v;
	size_t cap, start, count;
	char *partial;      /* a line still without its newline */
	uint64_t pushed;    /* lines ever kept: line i is number pushed - count + i */
};

/* How an instance of a container ended (ECI's PreviousState). */
struct fleet_ending {
	int exit_code;
	char *reason;       /* Completed, Error, OOMKilled */
	char *start_time, *finish_time;
};

/* An event of a group, as Kubernetes keeps them: repeats of one (type,
 * reason, message) are counted on one event. */
struct fleet_event {
	char *type;         /* Normal, Warning */
	char *reason;       /* Started, BackOff, OOMKilling, ... */
	char *message;
	char *name;         /* GROUPID.hex */
	int count;
	int64_t first_ns, last_ns;
};

struct sim_container;     /* fleetsim's run-time side of a container */
struct metric_history;    /* what fleetsim measured of a group (simmetric.h) */

#define FLEET_MAX_PORTS 16

struct fleet_container {
	char *name;
	char *image;
	char *state;      /* Waiting, Running, Terminated */
	char *reason;     /* for Waiting/Terminated */
	int exit_code;    /* for Terminated */
	int restart_count;
	double cpu, memory;   /* cores, GiB: its limits */
	char **command;   /* main process argv, NULL-terminated; NULL for none */
	struct params env;
	char *workdir;
	char *start_time;
	char *finish_time;    /* Terminated: when */
	int ports[FLEET_MAX_PORTS];   /* TCP ports it listens on (shown, not opened) */
	int nports;

	/* DescribeContainerLog reads log; LastTime=true reads prev_log, the
	 * log of the instance before the last restart. */
	struct fleet_log log;
	struct fleet_log prev_log;
	int has_prev;             /* there was an instance before this one */
	struct fleet_ending prev; /* how it ended */

	/* Filled in by fleetsim at run time. */
	pid_t init_pid;   /* the namespace holder, 0 if none yet */
	int log_fd;
	void *log_poll;
	struct sim_container *rt;
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
	char *restart_policy;     /* Always, OnFailure, Never */
	char *k8s_namespace;      /* the pod's namespace (fleetsim --k8s); default "default" */
	int restart_backoff;      /* seconds before the first restart (doubling, to 300) */
	double cpu, memory;
	struct params tags;
	struct fleet_container *containers;
	size_t ncontainers;
	struct fleet_event *events;   /* oldest first, at most FLEET_EVENTS */
	size_t nevents;
	struct metric_history *metrics;   /* NULL until fleetsim measures it */
	/* DeleteContainerGroup or a pod's DELETE: gone from every listing, get,
	 * exec, log and metric (groups are a fixed array: it stays, flagged). */
	int deleted;
};

/* fleetsim --k8s: a request its token may not make (as an RBAC denial). */
struct fleet_deny {
	char *verb;               /* get, list, watch, create (exec); "*" any */
	char *resource;           /* pods, pods/log, pods/exec, namespaces; "*" any */
	char *ns;                 /* "" any namespace (and the cluster's scope) */
};

struct fleet_region {
	char *id;
	char *k8s_namespace;      /* its groups' namespace unless they say */
	struct fleet_deny *k8s_deny;
	size_t nk8s_deny;
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

/* Append text to a log, split into lines (each stamped now), bounded. */
void fleet_log_append(struct fleet_log *l, int64_t now_ns, const char *text, size_t len);
/* The process is gone: a line it left without its newline is a line. */
void fleet_log_flush(struct fleet_log *l, int64_t now_ns);
/* The i-th line, oldest first (i < l->count). */
const struct fleet_log_line *fleet_log_at(const struct fleet_log *l, size_t i);
void fleet_log_free(struct fleet_log *l);

/* The events a group keeps (DescribeContainerGroupEvents: the newest 50). */
#define FLEET_EVENTS 50
/* Record an event, or count one more of the same type, reason and message. */
void fleet_event(struct fleet_group *g, int64_t now_ns, const char *type, const char *reason,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
