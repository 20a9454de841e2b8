/* proc.c: fleetsim's processes: children watched and reaped, and execs,
 * which join a container's namespaces (its holder's: holder.c) through a
 * middle process, on a pseudo-terminal or pipes. */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

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
void
proc_child_reset(int die_with_parent)
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
	/* UTF-8, as most images set it: without it a shell counts a character
	 * such as é as two columns, and line editing goes wrong (a fleet
	 * file's env can say otherwise) */
	setenv("LANG", "C.UTF-8", 1);
	for (size_t i = 0; i < c->env.n; i++)
		setenv(c->env.v[i].key, c->env.v[i].value, 1);
}

void
proc_child_exec(struct fleet_group *g, struct fleet_container *c, char **argv, int tty)
{
	child_env(g, c, tty);
	if (chdir(c->workdir) < 0 && chdir("/") < 0)
		_exit(126);
	execvp(argv[0], argv);
	dprintf(2, "fleetsim: cannot run %s: %s\r\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
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

/* Reap the command before leaving: a zombie left to the host's init (its
 * parent's PID namespace decides who inherits it) keeps the container's
 * init from dying, since the kernel waits for every task of a PID
 * namespace to be reaped, and a slow init makes fleetsim's stop time out. */
static void
middle_forward(int sig)
{
	if (middle_child > 0) {
		kill(-middle_child, SIGKILL);
		while (waitpid(middle_child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* SIGUSR1: its container is deleted, and the runtime SIGKILLs what
	 * runs there: the exit is said as SIGKILL's (137), as kubectl sees it. */
	_exit(128 + (sig == SIGUSR1 ? SIGKILL : sig));
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
		proc_child_exec(g, c, argv, tty);
	}
	if (pid < 0)
		_exit(126);
	middle_child = pid;
	signal(SIGTERM, middle_forward);
	signal(SIGHUP, middle_forward);
	signal(SIGUSR1, middle_forward);
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
		proc_child_reset(1);
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

	metric_stop(s);
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
	/* What was not reaped in time no longer reports to anyone. */
	for (struct child *c = s->children; c != NULL; c = c->next)
		c->cb = NULL;
	life_free_all(s);
}
