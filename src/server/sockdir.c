/* sockdir.c: where this user's session sockets live, and which answer. */
#include "fleetmux/server.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fleetmux/util.h"

char *
sockdir_prepare(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *dir;
	struct stat st;

	if (run != NULL && run[0] == '/')
		dir = xasprintf("%s/fleetmux", run);
	else
		dir = xasprintf("/tmp/fleetmux-%u", (unsigned)getuid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fm_error(FM_EIO, "cannot make %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fm_error(FM_EIO, "%s is not a folder", dir);
		free(dir);
		return NULL;
	}
	/* Another user's folder (made first in /tmp) or one others may
	 * enter would let them reach, or fake, our sessions. */
	if (st.st_uid != getuid()) {
		fm_error(FM_EIO, "%s belongs to another user (uid %u): refused", dir,
			 (unsigned)st.st_uid);
		free(dir);
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		fm_error(FM_EIO, "%s may be entered by others (mode %03o): refused; chmod 700 it",
			 dir, (unsigned)(st.st_mode & 0777));
		free(dir);
		return NULL;
	}
	return dir;
}

char *
sockdir_socket(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

int
session_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || strchr("._-", name[i]) != NULL))
			return 0;
	return 1;
}

int
sockdir_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Does a server answer on path? A socket nobody listens on is removed. */
static int
answers(const char *path)
{
	int fd = sockdir_connect(path);

	if (fd < 0) {
		if (errno == ECONNREFUSED)
			unlink(path);
		return 0;
	}
	close(fd);
	return 1;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

char **
sockdir_sessions(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;

	if (d == NULL)
		return v;
	while ((e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (!session_name_ok(e->d_name))
			continue;
		path = sockdir_socket(dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && answers(path)) {
			v = xrealloc(v, (n + 2) * sizeof *v);
			v[n++] = xstrdup(e->d_name);
			v[n] = NULL;
		}
		free(path);
	}
	closedir(d);
	qsort(v, n, sizeof *v, by_name);
	return v;
}
