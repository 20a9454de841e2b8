/* holder.c: each container's init. fleetsim's containers are real
 * processes: a container gets a holder that is PID 1 of its own PID, UTS
 * and mount namespaces (so `hostname` says the group's name and `ps` shows
 * only the container's own processes). The holder starts the main process
 * with its output on the log pipe, reaps what is orphaned inside, tells
 * fleetsim when the main process ends (and then ends everything in the
 * container, as a runtime stops a container), and starts it again on
 * fleetsim's word (life.c decides when). Without the privilege for
 * namespaces the main process is fleetsim's own child, and the log says so
 * once. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleetmux/logs.h"
#include "sim.h"

#define HOLDER_STACK (256 * 1024)
/* The holder's own descriptors, at fixed numbers once it has let go of
 * fleetsim's: the log pipe, fleetsim's orders, its reports. */
#define HOLDER_LOG_FD 3
#define HOLDER_CTL_FD 4
#define HOLDER_STATUS_FD 5

/* fleetsim's own argv memory, which the holder rewrites in its copy. */
static char *argv_area;
static size_t argv_len;

void
proc_set_argv(int argc, char **argv)
{
	if (argc < 1)
		return;
	argv_area = argv[0];
	argv_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
}

struct holder_args {
	struct fleet_group *g;
	struct fleet_container *c;
	int log_fd;    /* write end of the log pipe, or -1 */
	int ready_fd;  /* written once the hostname and /proc are in place */
	int ctl_fd;    /* read end: fleetsim's orders ('s' start main, 'k' kill all) */
	int status_fd; /* write end: main started, main exited */
};

/* Start the main process with output to the log pipe. */
static pid_t
start_main(struct fleet_group *g, struct fleet_container *c, int log_fd)
{
	pid_t pid;

	if (c->command == NULL || log_fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		proc_child_reset(1);
		setsid();
		dup2(null, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		close_range(3, ~0U, 0);
		proc_child_exec(g, c, c->command, 0);
	}
	return pid;
}

static void
holder_report(int type, pid_t pid, int status)
{
	struct holder_msg m = {type, (int)pid, status};

	while (write(HOLDER_STATUS_FD, &m, sizeof m) < 0 && errno == EINTR)
		;
}

static void
holder_wake(int sig)
{
	(void)sig; /* only to interrupt ppoll */
}

/* Keep the holder's three descriptors at HOLDER_*_FD and close every other
 * of fleetsim's. */
static void
holder_fds(struct holder_args *a)
{
	int fds[3] = {a->log_fd, a->ctl_fd, a->status_fd};
	int null = open("/dev/null", O_RDWR);

	dup2(null, 0);
	dup2(null, 1);
	for (int i = 0; i < 3; i++)
		fds[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD, 16) : -1;
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0)
			dup2(fds[i], HOLDER_LOG_FD + i);
		else
			close(HOLDER_LOG_FD + i);
	}
	close_range(HOLDER_STATUS_FD + 1, ~0U, 0);
}

/* PID 1 of a container: set the hostname, mount its own /proc, start the
 * main process (and again whenever fleetsim says), reap whatever is
 * orphaned inside, and tell fleetsim when the main process ends. A
 * container whose main process ended has stopped: everything in it is
 * killed, as the runtime would. */
static int
holder_main(void *arg)
{
	struct holder_args *a = arg;
	pid_t main_pid = -1;
	int has_log = a->log_fd >= 0;
	sigset_t chld, none;
	struct sigaction sa;

	proc_child_reset(1);
	setsid(); /* no controlling terminal of fleetsim's */
	prctl(PR_SET_NAME, "eci-init");
	/* ps in the container reads the command line: make it say what it is. */
	if (argv_area != NULL) {
		memset(argv_area, 0, argv_len);
		snprintf(argv_area, argv_len, "eci-init");
	}
	if (sethostname(a->g->name, strlen(a->g->name)) < 0)
		dprintf(2, "fleetsim: %s: sethostname: %s\n", a->g->id, strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		dprintf(2, "fleetsim: %s: own /proc not mounted: %s\n", a->g->id, strerror(errno));
	/* Execs may join now: they will see the group's hostname. */
	if (write(a->ready_fd, "", 1) < 0)
		_exit(1);
	close(a->ready_fd);
	holder_fds(a);
	/* SIGCHLD only interrupts ppoll: no child is missed between a reap and
	 * the wait. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = holder_wake;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&none);
	if (has_log && (main_pid = start_main(a->g, a->c, HOLDER_LOG_FD)) > 0)
		holder_report(HOLDER_STARTED, main_pid, 0);
	for (;;) {
		struct pollfd p = {HOLDER_CTL_FD, POLLIN, 0};
		int r = ppoll(&p, 1, NULL, &none), status;
		pid_t pid;
		char order;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != main_pid)
				continue;
			main_pid = -1;
			/* Only PID 1 of its own namespace may do this: there it
			 * reaches the container's processes and nothing else. */
			if (getpid() == 1)
				kill(-1, SIGKILL);
			holder_report(HOLDER_EXITED, pid, status);
		}
		if (r <= 0 || p.revents == 0)
			continue;
		r = (int)read(HOLDER_CTL_FD, &order, 1);
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
			_exit(0); /* fleetsim is gone */
		if (r == 1 && order == 's' && main_pid < 0 && has_log &&
		    (main_pid = start_main(a->g, a->c, HOLDER_LOG_FD)) > 0)
			holder_report(HOLDER_STARTED, main_pid, 0);
		else if (r == 1 && order == 'k' && getpid() == 1)
			kill(-1, SIGKILL);
	}
	return 0;
}

struct sim_container *
proc_rt(struct sim *s, struct fleet_group *g, struct fleet_container *c)
{
	if (c->rt == NULL) {
		c->rt = xcalloc(1, sizeof *c->rt);
		c->rt->s = s;
		c->rt->g = g;
		c->rt->c = c;
		c->rt->ctl_fd = c->rt->status_fd = c->rt->log_wfd = -1;
	}
	return c->rt;
}

void
holder_exited(void *arg, pid_t pid, int status)
{
	struct sim_container *rt = arg;

	rt->c->init_pid = 0;
	rt->ns_ino = 0;
	if (rt->ctl_fd >= 0)
		close(rt->ctl_fd);
	rt->ctl_fd = -1;
	/* The namespace went with it, and the main process too. */
	if (rt->main_pid > 0 && !rt->s->stopping)
		life_main_exited(rt, SIGKILL);
}

/* What the main process writes, line by line into the container's log. */
static void
log_readable(uv_poll_t *h, int status, int events)
{
	struct fleet_container *c = h->data;
	char chunk[4096];
	ssize_t n = read(c->log_fd, chunk, sizeof chunk);

	if (n > 0) {
		fleet_log_append(&c->log, fm_time_now(), chunk, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uv_poll_stop(h);
	uv_close((uv_handle_t *)h, (uv_close_cb)free);
	close(c->log_fd);
	c->log_fd = -1;
	c->log_poll = NULL;
}

void
proc_drain_log(struct fleet_container *c)
{
	char chunk[4096];
	ssize_t n;

	/* Bounded: a pipe holds 64 KiB, and the writer is gone. */
	for (int i = 0; c->log_fd >= 0 && i < 64; i++) {
		if ((n = read(c->log_fd, chunk, sizeof chunk)) <= 0)
			break;
		fleet_log_append(&c->log, fm_time_now(), chunk, (size_t)n);
	}
}

static int
watch_log(struct sim *s, struct fleet_container *c, int rfd)
{
	uv_poll_t *h = xmalloc(sizeof *h);

	fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);
	fcntl(rfd, F_SETFD, FD_CLOEXEC);
	c->log_fd = rfd;
	uv_poll_init(s->loop, h, rfd);
	h->data = c;
	c->log_poll = h;
	return uv_poll_start(h, UV_READABLE, log_readable);
}

/* The holder's reports. */
static void
status_readable(uv_poll_t *h, int status, int events)
{
	struct sim_container *rt = h->data;
	struct holder_msg m;

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(rt->status_fd, &m, sizeof m);

		if (n == (ssize_t)sizeof m) {
			if (m.type == HOLDER_STARTED)
				life_main_started(rt, m.pid);
			else if (m.type == HOLDER_EXITED && !rt->s->stopping)
				life_main_exited(rt, m.status);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* The holder is gone (or wrote half a report: it cannot). */
		uv_poll_stop(h);
		uv_close((uv_handle_t *)h, (uv_close_cb)free);
		close(rt->status_fd);
		rt->status_fd = -1;
		rt->status_poll = NULL;
		return;
	}
}

static void
watch_status(struct sim *s, struct sim_container *rt, int rfd)
{
	rt->status_poll = xmalloc(sizeof *rt->status_poll);
	fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);
	rt->status_fd = rfd;
	uv_poll_init(s->loop, rt->status_poll, rfd);
	rt->status_poll->data = rt;
	uv_poll_start(rt->status_poll, UV_READABLE, status_readable);
}

/* Without namespaces the main process is fleetsim's own child. */
static void
plain_main_exited(void *arg, pid_t pid, int status)
{
	struct sim_container *rt = arg;

	if (!rt->s->stopping)
		life_main_exited(rt, status);
}

int
proc_main_start(struct sim *s, struct sim_container *rt)
{
	pid_t pid;

	if (rt->c->init_pid > 0) {
		if (rt->ctl_fd < 0 || write(rt->ctl_fd, "s", 1) != 1)
			return fm_error(FM_EIO, "%s: the container's init is gone", rt->g->id);
		return 0;
	}
	if ((pid = start_main(rt->g, rt->c, rt->log_wfd)) < 0)
		return fm_error(FM_EIO, "%s: cannot start %s", rt->g->id, rt->c->name);
	proc_watch(s, pid, plain_main_exited, rt);
	life_main_started(rt, pid);
	return 0;
}

void
proc_kill_container(struct sim *s, struct sim_container *rt)
{
	if (rt->c->init_pid > 0) {
		if (rt->ctl_fd >= 0 && write(rt->ctl_fd, "k", 1) != 1)
			sim_log(s, "%s: cannot reach the container's init", rt->g->id);
	} else if (rt->main_pid > 0) {
		kill(-rt->main_pid, SIGKILL); /* its own session and group */
	}
}

int
proc_container_start(struct sim *s, struct fleet_group *g, struct fleet_container *c)
{
	int logp[2] = {-1, -1}, ready[2], ctl[2], st[2];
	struct sim_container *rt;
	struct holder_args a;
	pid_t pid = -1;

	if (c->init_pid > 0)
		return 0;
	rt = proc_rt(s, g, c);
	if (s->use_namespaces == 0 && rt->started)
		return 0;
	rt->started = 1;
	metric_start(s);
	if (c->command != NULL && c->log_fd < 0 && pipe2(logp, O_CLOEXEC) < 0)
		logp[0] = logp[1] = -1;
	if (s->use_namespaces != 0) {
		if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(ctl, O_CLOEXEC) < 0 || pipe2(st, O_CLOEXEC) < 0)
			return fm_error(FM_EIO, "pipe: %s", strerror(errno));
		a = (struct holder_args){g, c, logp[1], ready[1], ctl[0], st[1]};
		char *stack = xmalloc(HOLDER_STACK);

		pid = clone(holder_main, stack + HOLDER_STACK,
			    CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD, &a);
		free(stack);
		close(ready[1]);
		close(ctl[0]);
		close(st[1]);
		if (pid > 0) {
			/* A short local handshake: without it an exec could join the
			 * new UTS namespace before it has the group's name. */
			char b;

			while (read(ready[0], &b, 1) < 0 && errno == EINTR)
				;
		}
		close(ready[0]);
		if (pid < 0) {
			close(ctl[1]);
			close(st[0]);
			sim_log(s, "namespaces unavailable (%s): containers share the host's "
				   "hostname and process list", strerror(errno));
			s->use_namespaces = 0;
		}
	}
	if (pid < 0) {
		/* The main process runs as a plain child; the log pipe's write
		 * end stays here for its restarts. */
		if (logp[0] >= 0) {
			rt->log_wfd = logp[1];
			watch_log(s, c, logp[0]);
			proc_main_start(s, rt);
		}
		return 0;
	}
	s->use_namespaces = 1;
	c->init_pid = pid;
	{
		char path[64];
		struct stat sb;

		snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
		rt->ns_ino = stat(path, &sb) == 0 ? (unsigned long long)sb.st_ino : 0;
	}
	proc_watch(s, pid, holder_exited, rt);
	rt->ctl_fd = ctl[1];
	fcntl(rt->ctl_fd, F_SETFL, fcntl(rt->ctl_fd, F_GETFL) | O_NONBLOCK);
	watch_status(s, rt, st[0]);
	if (logp[0] >= 0) {
		close(logp[1]);
		watch_log(s, c, logp[0]);
	}
	return 0;
}
