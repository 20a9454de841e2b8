/* proc.c: fleetsim's containers are real processes. Each container gets a
 * holder process that is PID 1 of its own PID, UTS and mount namespaces (so
 * `hostname` says the group's name and `ps` shows only the container's own
 * processes); execs join those namespaces. Without the privilege for
 * namespaces, processes run plainly and the log says so once. */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

#define HOLDER_STACK (256 * 1024)

void
proc_watch(struct sim *s, pid_t pid, child_exit_cb cb, void *arg)
{
	struct child *c = xmalloc(sizeof *c);

	c->pid = pid;
	c->cb = cb;
	c->arg = arg;
	c->next = s->children;
	s->children = c;
}

void
proc_forget(struct sim *s, pid_t pid)
{
	for (struct child **pp = &s->children; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			struct child *c = *pp;

			*pp = c->next;
			free(c);
			return;
		}
	}
}

void
proc_reap(struct sim *s)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (struct child **pp = &s->children; *pp; pp = &(*pp)->next) {
			if ((*pp)->pid == pid) {
				struct child *c = *pp;

				*pp = c->next;
				if (c->cb != NULL)
					c->cb(c->arg, pid, status);
				free(c);
				break;
			}
		}
	}
}

/* A forked child starts from fleetsim's state: give it default signals and
 * an unblocked mask, and let it die with its parent. */
static void
child_reset(int die_with_parent)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
}

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

/* Containers get a home of their own: the host user's dotfiles (a slow
 * .bashrc, say) have no place in a container. */
static const char *container_home = "/";

void
proc_set_home(const char *dir)
{
	container_home = dir;
}

static void
child_env(struct fleet_group *g, struct fleet_container *c, int tty)
{
	clearenv();
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", container_home, 1);
	setenv("HOSTNAME", g->name, 1);
	if (tty)
		setenv("TERM", "xterm-256color", 1);
	for (size_t i = 0; i < c->env.n; i++)
		setenv(c->env.v[i].key, c->env.v[i].value, 1);
}

static void
child_exec(struct fleet_group *g, struct fleet_container *c, char **argv, int tty)
{
	child_env(g, c, tty);
	if (chdir(c->workdir) < 0 && chdir("/") < 0)
		_exit(126);
	execvp(argv[0], argv);
	dprintf(2, "fleetsim: cannot run %s: %s\r\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

struct holder_args {
	struct fleet_group *g;
	struct fleet_container *c;
	int log_fd;   /* write end of the log pipe, or -1 */
	int ready_fd; /* written once the hostname and /proc are in place */
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

		setsid();
		dup2(null, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		close_range(3, ~0U, 0);
		child_exec(g, c, c->command, 0);
	}
	return pid;
}

/* PID 1 of a container: set the hostname, mount its own /proc, start the
 * main process, and reap whatever is orphaned inside until killed. */
static int
holder_main(void *arg)
{
	struct holder_args *a = arg;

	child_reset(1);
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
	start_main(a->g, a->c, a->log_fd);
	if (a->log_fd >= 0)
		close(a->log_fd);
	{
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		close_range(3, ~0U, 0);
	}
	/* Ignoring SIGCHLD makes the kernel reap every orphan that lands here. */
	signal(SIGCHLD, SIG_IGN);
	for (;;)
		pause();
	return 0;
}

static void
holder_exited(void *arg, pid_t pid, int status)
{
	struct fleet_container *c = arg;

	c->init_pid = 0;
}

static void
log_readable(uv_poll_t *h, int status, int events)
{
	struct fleet_container *c = h->data;
	char chunk[4096];
	ssize_t n = read(c->log_fd, chunk, sizeof chunk);

	if (n > 0) {
		fleet_log_append(c, sim_now(), chunk, (size_t)n);
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

int
proc_container_start(struct sim *s, struct fleet_group *g, struct fleet_container *c)
{
	int logp[2] = {-1, -1}, ready[2];
	struct holder_args a = {g, c, -1, -1};
	char *stack;
	pid_t pid;

	if (c->init_pid > 0 || s->use_namespaces == 0) {
		return 0;
	}
	if (c->command != NULL && c->log_fd < 0 && pipe(logp) == 0)
		a.log_fd = logp[1];
	if (pipe(ready) < 0)
		return fm_error(FM_EIO, "pipe: %s", strerror(errno));
	a.ready_fd = ready[1];
	stack = xmalloc(HOLDER_STACK);
	pid = clone(holder_main, stack + HOLDER_STACK,
		    CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD, &a);
	free(stack);
	close(ready[1]);
	if (pid > 0) {
		/* A short local handshake: without it an exec could join the new
		 * UTS namespace before it has the group's name. */
		char b;

		while (read(ready[0], &b, 1) < 0 && errno == EINTR)
			;
	}
	close(ready[0]);
	if (pid < 0) {
		if (s->use_namespaces != 0)
			sim_log(s, "namespaces unavailable (%s): containers share the host's "
				   "hostname and process list", strerror(errno));
		s->use_namespaces = 0;
		/* Still run the main process, as a plain child. */
		if (a.log_fd >= 0) {
			pid = start_main(g, c, a.log_fd);
			close(logp[1]);
			if (pid > 0)
				proc_watch(s, pid, NULL, NULL);
			watch_log(s, c, logp[0]);
		}
		return 0;
	}
	s->use_namespaces = 1;
	c->init_pid = pid;
	proc_watch(s, pid, holder_exited, c);
	if (a.log_fd >= 0) {
		close(logp[1]);
		watch_log(s, c, logp[0]);
	}
	return 0;
}

/* Enter the container's namespaces (in the middle process). */
static void
join_container(struct fleet_container *c)
{
	static const struct {
		const char *name;
		int type;
	} ns[] = {{"uts", CLONE_NEWUTS}, {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}};

	if (c->init_pid <= 0)
		return;
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)c->init_pid, ns[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, ns[i].type) < 0)
			dprintf(2, "fleetsim: cannot join %s namespace: %s\r\n", ns[i].name, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static volatile pid_t middle_child;

static void
middle_forward(int sig)
{
	if (middle_child > 0)
		kill(-middle_child, SIGKILL);
	_exit(128 + sig);
}

/* The middle process: joins the namespaces, forks the command (which must be
 * a child to land in the PID namespace), and exits with its status. */
static void
middle_main(struct fleet_group *g, struct fleet_container *c, char **argv, int tty)
{
	int status;
	pid_t pid;

	setsid();
	join_container(c);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setsid();
		if (tty)
			ioctl(0, TIOCSCTTY, 0);
		child_exec(g, c, argv, tty);
	}
	if (pid < 0)
		_exit(126);
	middle_child = pid;
	signal(SIGTERM, middle_forward);
	signal(SIGHUP, middle_forward);
	close(0);
	close(1);
	close(2);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(128 + WTERMSIG(status));
}

pid_t
proc_exec(struct sim *s, struct fleet_group *g, struct fleet_container *c, char **argv, int tty,
	  int stdin_open, int fds[3])
{
	int master = -1, slave = -1, in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	pid_t pid;

	proc_container_start(s, g, c);
	if (tty) {
		struct winsize ws = {.ws_row = 24, .ws_col = 80};

		if (openpty(&master, &slave, NULL, NULL, &ws) < 0)
			return fm_error(FM_EIO, "openpty: %s", strerror(errno));
	} else {
		if ((stdin_open && pipe(in) < 0) || pipe(out) < 0 || pipe(err) < 0) {
			int e = errno;

			close(in[0]), close(in[1]), close(out[0]), close(out[1]);
			return fm_error(FM_EIO, "pipe: %s", strerror(e));
		}
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(master), close(slave), close(in[0]), close(in[1]), close(out[0]), close(out[1]),
		    close(err[0]), close(err[1]);
		return fm_error(FM_EIO, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		child_reset(1);
		if (tty) {
			dup2(slave, 0);
			dup2(slave, 1);
			dup2(slave, 2);
		} else {
			int null = open("/dev/null", O_RDONLY);

			dup2(stdin_open ? in[0] : null, 0);
			dup2(out[1], 1);
			dup2(err[1], 2);
		}
		close_range(3, ~0U, 0);
		middle_main(g, c, argv, tty);
	}
	if (tty) {
		close(slave);
		fds[0] = fds[1] = fds[2] = master;
	} else {
		close(in[0]);
		close(out[1]);
		close(err[1]);
		fds[0] = in[1];
		fds[1] = out[0];
		fds[2] = err[0];
	}
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0) {
			fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		}
	}
	return pid;
}

void
proc_stop_all(struct sim *s)
{
	int waited = 0;

	/* Middles forward SIGTERM as SIGKILL to their command's group; holders
	 * take everything in their namespace with them. */
	for (struct child *c = s->children; c != NULL; c = c->next)
		kill(c->pid, c->cb == holder_exited ? SIGKILL : SIGTERM);
	while (s->children != NULL && waited < 200) {
		proc_reap(s);
		if (s->children == NULL)
			break;
		usleep(10000);
		if (++waited == 100)
			for (struct child *c = s->children; c != NULL; c = c->next)
				kill(c->pid, SIGKILL);
	}
}
