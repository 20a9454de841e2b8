/* datadir.c: the programs' data found beside the program (datadir.h).
 * /proc/self/exe names the program itself, whatever the directory it was
 * started from and whatever symlink it was started through. */
#include "fleetmux/datadir.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
datadir_prefix_of(const char *exe)
{
	const char *dir_end = strrchr(exe, '/'), *p;

	if (dir_end == NULL)
		return NULL;
	/* dir_end ends the program's directory; the prefix is that one's
	 * parent ("/bin/fleetmux": the root). */
	for (p = dir_end; p > exe && p[-1] != '/'; p--)
		;
	if (p == exe)
		return NULL;
	if (p - 1 == exe)
		return xstrdup("/");
	return xstrndup(exe, (size_t)(p - 1 - exe));
}

void
datadir_candidates(const char *prefix, const char *installed, const char *in_tree, char *out[2])
{
	const char *sep = strcmp(prefix, "/") == 0 ? "" : "/";

	out[0] = xasprintf("%s%sshare/fleetmux/%s", prefix, sep, installed);
	out[1] = xasprintf("%s%s%s", prefix, sep, in_tree);
}

char *
datadir_find(const char *installed, const char *in_tree, struct buf *tried)
{
	char exe[PATH_MAX], *prefix, *c[2], *found = NULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0) {
		buf_puts(tried, "(the program's own path is unknown: /proc/self/exe)");
		return NULL;
	}
	exe[n] = '\0';
	if ((prefix = datadir_prefix_of(exe)) == NULL) {
		buf_printf(tried, "(no directory above %s)", exe);
		return NULL;
	}
	datadir_candidates(prefix, installed, in_tree, c);
	for (int i = 0; i < 2; i++) {
		if (found == NULL && access(c[i], R_OK) == 0) {
			found = c[i];
			continue;
		}
		if (found == NULL)
			buf_printf(tried, "%s%s", tried->len > 0 ? ", " : "", c[i]);
		free(c[i]);
	}
	free(prefix);
	return found;
}
