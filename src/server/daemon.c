/* daemon.c: the server leaves the terminal it was started from, once it
 * is ready to be attached to; until then it may say why it cannot start
 * on the terminal's stderr, and the parent returns its exit code. */
#include "fleetmux/server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleetmux/util.h"

int
daemon_start(int *ready_fd, int *child_rc, char *name, size_t size)
{
	int p[2], st;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		setsid(); /* no terminal's hang-up or job control reaches it */
		*ready_fd = p[1];
		return 0;
	}
	close(p[1]);
	/* "NAME\n" when it listens. */
	while (got + 1 < size) {
		n = read(p[0], name + got, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || name[got] == '\n')
			break;
		got++;
	}
	name[got] = '\0';
	close(p[0]);
	if (n == 1 && got > 0) {
		*child_rc = -1;
		return 1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*child_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	if (*child_rc == 0)
		*child_rc = 1; /* it ended before it was ready: not a success */
	return 1;
}

void
daemon_ready(int ready_fd, const char *name)
{
	char *line = xasprintf("%s\n", name);

	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (write(ready_fd, line, strlen(line)) < 0) {
		/* the parent is gone: nobody to attach now, the session stays */
	}
	close(ready_fd);
	free(line);
}
