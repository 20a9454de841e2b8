/* provider.h: the seam between fleetmux and a backend. A provider lists and
 * opens; it never draws. A session is a byte pipe with a size; the pane owns
 * one and knows nothing of the wire. */
#ifndef FLEETMUX_PROVIDER_H
#define FLEETMUX_PROVIDER_H

#include <stddef.h>
#include <uv.h>

#include "fleetmux/model.h"

enum session_state {
	SESSION_CONNECTING,
	SESSION_OPEN,
	SESSION_RECONNECTING,
	SESSION_EXITED,
	SESSION_FAILED,
};

struct session_events {
	/* stream: 1 stdout, 2 stderr (a TTY has only 1) */
	void (*on_output)(void *arg, int stream, const unsigned char *data, size_t len);
	/* message: the reason for FAILED; exit_code for EXITED (-1 unknown).
	 * EXITED and FAILED are final: the session frees itself after this
	 * call, and its owner must drop its pointer. */
	void (*on_state)(void *arg, enum session_state st, int exit_code, const char *message);
};

struct session;
struct session_ops {
	int (*write)(struct session *, const void *, size_t);
	/* The pane's size; the session sends it when it can, and once per
	 * settled size (the caller coalesces bursts). */
	int (*resize)(struct session *, unsigned cols, unsigned rows);
	/* Ends the session; no event is delivered after this. */
	void (*close)(struct session *);
};

struct session {
	const struct session_ops *ops;
};

struct container_ref {
	const char *region;
	const char *group_id;
	const char *container;
};

struct exec_req {
	char **argv;   /* NULL: the provider's default shell */
	int tty;
	int no_stdin;  /* the command reads nothing (fleetmux run) */
	unsigned cols, rows;
};

struct provider;

/* Regions arrive once (ids), or an error in words. */
typedef void (*region_list_cb)(void *arg, char **ids, size_t n, const char *error);
/* Groups of one region, page by page; done on the last. The callee takes
 * the groups array. error: the listing stopped, in words. */
typedef void (*group_page_cb)(void *arg, const char *region, struct fm_group *groups, size_t n,
			      int done, const char *error);

struct provider_ops {
	const char *type;
	int (*list_regions)(struct provider *, region_list_cb, void *);
	int (*list_groups)(struct provider *, const char *region, group_page_cb, void *);
	struct session *(*open_exec)(struct provider *, const struct container_ref *,
				     const struct exec_req *, const struct session_events *, void *);
	void (*free)(struct provider *);
	/* Optional: call changed whenever the region's list changes (Docker's
	 * event stream). One watch a region; it ends with the provider. */
	int (*watch)(struct provider *, const char *region, void (*changed)(void *arg, const char *region),
		     void *arg);
};

struct provider {
	const struct provider_ops *ops;
	char *name;    /* shown in the sidebar */
};

struct eci_options {
	const char *endpoint;      /* override (fleetsim); NULL: eci.<region>.aliyuncs.com */
	const char *key_id, *secret, *token, *profile, *config_path;
	int sign_v1;
	int insecure;
	const char *ca_file;
	char **default_command;    /* NULL: bash if present, else sh */
};

struct docker_options {
	const char *name;          /* the engine's name in the sidebar ("local") */
	const char *host;          /* unix:///var/run/docker.sock, tcp://host:2376, https://... */
	int tls_verify;            /* TLS with client certificates from cert_path */
	const char *cert_path;     /* ca.pem, cert.pem, key.pem */
	int insecure;
	char **default_command;
	/* Hyper.sh-style clouds: sign every request. */
	int hyper;
	const char *access_key, *secret_key, *region;
};

/* A Docker-compatible engine (Docker, Podman, Hyper.sh's 1.23 API). */
struct provider *docker_provider_new(uv_loop_t *loop, const struct docker_options *o);

/* The ECI provider. NULL with fm_error set (e.g. no credentials). */
struct provider *eci_provider_new(uv_loop_t *loop, const struct eci_options *o);
/* The default region from the credentials, or NULL. */
const char *eci_provider_default_region(struct provider *p);

#endif
