/* sim.h: fleetsim's internals, shared by its files (not by fleetmux). */
#ifndef FLEETSIM_SIM_H
#define FLEETSIM_SIM_H

#include <libwebsockets.h>
#include <stdint.h>
#include <uv.h>

#include "fleetmux/fleet.h"
#include "fleetmux/simapi.h"
#include "fleetmux/simk8s.h"

#define SIM_CHUNK 65536            /* bytes read from a process at a time */
#define SIM_MAX_MESSAGE (1u << 20) /* largest WebSocket message accepted */
#define SIM_MAX_STDIN_QUEUE (1u << 20)
#define SIM_MAX_BODY (1u << 20)
#define SIM_SYNC_TIMEOUT_MS 30000
#define SIM_SYNC_MAX_OUTPUT (1u << 20)
/* After a process exits, its last bytes may still be crossing the pty (the
 * kernel moves them in a worker that load can delay); EIO says when they
 * are all in. This bounds the wait when a background child keeps the pty
 * open instead. */
#define SIM_LINGER_MS 2000
/* Periods the wait goes on while output keeps moving (a slow client, a
 * background child still writing): 30 s at most. */
#define SIM_LINGER_MAX 15
/* Reads per wakeup from a detached exec (its socket gone), whose output is
 * thrown away. */
#define SIM_DRAIN_READS 16

struct sim_options {
	const char *listen_host;
	int port;
	const char *fleet_path;
	const char *key_id;
	const char *secret;
	const char *token;
	int latency_ms;
	double throttle_rate;
	double fail_rate;
	int drop_after;    /* seconds; 0 = never */
	int token_ttl;     /* seconds */
	uint64_t seed;
	int verbose;
	const char *hyper_front;   /* unix:///path of the engine behind the Hyper front */
	int hyper_port;
	const char *tls_cert;      /* PEM files: serve HTTPS and WSS */
	const char *tls_key;
	int k8s;                   /* serve the Kubernetes API too (k8s_front.c) */
	int k8s_port;
	const char *k8s_token;
	const char *kubeconfig;    /* write a kubeconfig here */
};

typedef void (*child_exit_cb)(void *arg, pid_t pid, int status);

struct child {
	pid_t pid;
	child_exit_cb cb;
	void *arg;
	struct child *next;
};

struct exec_ticket {
	char token[33];
	struct fleet_group *group;
	struct fleet_container *container;
	char **argv;
	int tty, stdin_open;
	int v5;                    /* Kubernetes v5.channel.k8s.io: [255, 0] closes stdin */
	long expires;
	struct exec_ticket *next;
};

struct exec_session;

/* What the sampler remembers of one process, to add up CPU time. */
struct pid_cpu {
	pid_t pid;
	unsigned long long start;   /* its start time (ticks since boot): pids are reused */
	int64_t cpu_ns;             /* user and system time at the last sample */
};

/* A container's run-time side (fleet_container.rt): its main process and
 * what fleetsim measures of it. */
struct sim_container {
	struct sim *s;
	struct fleet_group *g;
	struct fleet_container *c;
	int ctl_fd;                 /* to the holder: 's' start main, 'k' kill all */
	int status_fd;              /* from the holder: main started, main exited */
	uv_poll_t *status_poll;
	uv_timer_t *restart;        /* the back-off before the next start */
	int started;                /* its holder (or plain main process) was started */
	int log_wfd;                /* without namespaces: the log pipe's write end */
	pid_t main_pid;             /* 0 when none runs */
	int oom;                    /* killed for its memory: the end is OOMKilled */
	unsigned long long ns_ino;  /* its PID namespace, 0 unknown */
	struct pid_cpu *pids;       /* processes seen at the last sample, by pid */
	size_t npids;
	int64_t cpu_ns;             /* CPU time of every process it had, added up */
};

/* What the holder tells fleetsim on the status pipe. */
struct holder_msg {
	int type;                   /* HOLDER_STARTED, HOLDER_EXITED */
	int pid;
	int status;                 /* waitpid's */
};
#define HOLDER_STARTED 1
#define HOLDER_EXITED 2

/* hyper_front.c: Hyper.sh's signed API in front of a real Docker engine. */
struct hyper_front {
	uv_loop_t *loop;
	uv_tcp_t server;
	int port;
	const char *engine_path;   /* the engine's unix socket */
	const char *access_key, *secret_key, *region;
	struct sim *sim;           /* for --drop-after and its random numbers */
	struct front_conn *conns;  /* every open connection, to close at exit */
};

int hyper_front_start(struct hyper_front *f, uv_loop_t *loop, const char *host, int port);
void hyper_front_stop(struct hyper_front *f);

/* k8s_front.c: the Kubernetes API server's subset, on its own TLS port;
 * a region is a cluster (/clusters/REGION/..., or the first region bare),
 * a group a pod. */
#define K8S_TICK_MS 250          /* how often pods are compared for watches */
#define K8S_BOOKMARK_MS 1000     /* a BOOKMARK after this long without a line */
#define K8S_HISTORY 1024         /* watch events kept a region */

struct k8s_stream;

struct k8s_front {
	int port;
	const char *token;
	char *ca_pem, *cert_pem, *key_pem;
	/* A client certificate the CA signed, for a kubeconfig user that signs
	 * in with it instead of the token. */
	char *client_cert_pem, *client_key_pem;
	uint64_t rv;                /* the newest resourceVersion */
	struct k8s_ring *rings;     /* a region's watch history, by region index */
	char **seen;                /* a group's pod JSON (at rv 0) as last compared */
	uint64_t *pod_rv;           /* a group's resourceVersion */
	struct fleet_group **order; /* a region's pods in key order (namespace/name) */
	size_t *region_first, *region_count;  /* where each region's are in order */
	uv_timer_t tick;
	struct k8s_stream *streams; /* watches and followed logs */
};

int k8s_tls_make(struct k8s_front *k);
/* Trust k's CA in an OpenSSL SSL_CTX (for client certificates). */
int k8s_tls_trust_ca(struct k8s_front *k, void *ssl_ctx);
struct sim;
int k8s_kubeconfig_write(struct sim *s, const char *path);

struct sim {
	struct sim_options opt;
	uv_loop_t *loop;
	struct lws_context *lws;
	struct fleet fleet;
	struct sim_auth auth;
	int port;                 /* the port actually bound */
	int use_namespaces;       /* -1 unknown, 0 no, 1 yes */
	uint64_t rng;
	struct child *children;
	struct exec_ticket *tickets;
	struct exec_session *sessions;
	size_t nsessions;
	uv_signal_t sigchld, sigint, sigterm;
	int stopping;
	struct hyper_front hyper;
	int hyper_on;
	struct k8s_front k8s;
	int k8s_on;
	char home[64];            /* a clean HOME for containers, removed at exit */
	uv_timer_t metric_timer;  /* the sampler's tick */
	int metric_on;
	long clock_ticks;         /* sysconf(_SC_CLK_TCK) */
	long page_size;
};

/* proc.c: fleetsim's children, and execs in containers' namespaces. */
void proc_watch(struct sim *s, pid_t pid, child_exit_cb cb, void *arg);
void proc_forget(struct sim *s, pid_t pid);
void proc_reap(struct sim *s);
/* A forked child: default signals, nothing blocked, dying with its parent
 * when asked. */
void proc_child_reset(int die_with_parent);
/* Run argv in the container's environment and working directory (no return). */
void proc_child_exec(struct fleet_group *g, struct fleet_container *c, char **argv, int tty);
/* Start argv in the container. tty: fds[0] is the pty master (all three
 * the same); else fds are stdin (write end, or -1), stdout, stderr. */
pid_t proc_exec(struct sim *s, struct fleet_group *g, struct fleet_container *c, char **argv,
		int tty, int stdin_open, int fds[3]);
/* The HOME containers' processes get. */
void proc_set_home(const char *dir);
/* Stop every container's processes and wait for them. */
void proc_stop_all(struct sim *s);

/* holder.c: each container's init, and its main process. */
/* Make sure the container has its namespace holder (and main process). */
int proc_container_start(struct sim *s, struct fleet_group *g, struct fleet_container *c);
/* proc_watch's callback for a holder (proc_stop_all kills holders first). */
void holder_exited(void *arg, pid_t pid, int status);
/* Where fleetsim's argv lives, so that a container's init can show its own. */
void proc_set_argv(int argc, char **argv);
/* Start the container's main process again (after a restart's back-off). */
int proc_main_start(struct sim *s, struct sim_container *rt);
/* Kill every process of the container (the OOM killer's verdict). */
void proc_kill_container(struct sim *s, struct sim_container *rt);
/* Read what the main process wrote and is still in the log pipe. */
void proc_drain_log(struct fleet_container *c);
/* The container's run-time side, made on first use. */
struct sim_container *proc_rt(struct sim *s, struct fleet_group *g, struct fleet_container *c);

/* life.c: a container's life: its main process ends, it is restarted after
 * a back-off (or not: RestartPolicy), and events say so. */
void life_main_started(struct sim_container *rt, pid_t pid);
void life_main_exited(struct sim_container *rt, int status);
/* Delete a group: flag it, kill its containers' processes and execs. */
void life_group_delete(struct sim *s, struct fleet_group *g);
/* Free the run-time sides and their timers (at exit). */
void life_free_all(struct sim *s);

/* metric.c: the sampler: every second, the CPU time and memory of each
 * container's processes from /proc, into its group's history; a container
 * over its memory limit is killed as the OOM killer would. */
void metric_start(struct sim *s);
void metric_stop(struct sim *s);

/* exec.c: tickets, exec sessions on WebSockets, and Sync execs. */
struct conn;
const char *exec_ticket_new(struct sim *s, struct api_result *r);
struct exec_ticket *exec_ticket_take(struct sim *s, const char *token, const char **why);
void exec_ticket_free(struct exec_ticket *t);
int exec_ws_callback(struct sim *s, struct lws *wsi, enum lws_callback_reasons reason,
		     struct conn *c, void *in, size_t len);
int exec_sync_start(struct sim *s, struct lws *wsi, struct conn *c, struct api_result *r);
void exec_sync_detach(struct conn *c);
void exec_close_all(struct sim *s);
/* Kill the processes of every exec into group g (its deletion). */
void exec_kill_group(struct sim *s, struct fleet_group *g);

/* server.c: the HTTP API, on the same port as the exec WebSocket. */
struct conn {
	int is_ws;
	char method[8];
	struct params query;
	struct params form;
	struct params headers;
	struct buf body;
	struct api_result res;
	int res_ready;
	int handled;      /* lws may still report a zero-length body */
	int hdr_sent;
	struct exec_ticket *ticket;     /* ws: taken at the handshake */
	struct k8s_stream *k8s;         /* a Kubernetes answer being written */
	struct exec_session *session;   /* ws session, or a Sync exec */
};

int sim_server_start(struct sim *s);
void sim_collect_query(struct lws *wsi, struct params *q);

/* k8s_front.c */
int k8s_front_start(struct sim *s);
void k8s_front_stop(struct sim *s);
void k8s_front_free(struct sim *s);
/* k8s_pods.c: pods, lists and watches */
void k8s_pods_init(struct sim *s);
void k8s_pods_free(struct sim *s);
void k8s_pods_tick(struct sim *s);
void http_respond(struct sim *s, struct lws *wsi, struct conn *c);
double sim_random(struct sim *s);   /* uniform in [0, 1) */
long sim_now(void);
void sim_log(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
