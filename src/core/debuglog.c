/* debuglog.c: the --debug log. One line an event, flushed at once so that
 * the log is whole even when fleetmux is killed. */
#include "fleetmux/debuglog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fleetmux/util.h"

static FILE *log_file;

int
debuglog_open(const char *path)
{
	/* It may hold host names and container output: only the user reads it. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return fm_error(FM_EIO, "cannot write the debug log %s: %s", path, strerror(errno));
	log_file = fdopen(fd, "w");
	if (log_file == NULL) {
		close(fd);
		return fm_error(FM_EIO, "cannot write the debug log %s: %s", path, strerror(errno));
	}
	return 0;
}

int
debuglog_on(void)
{
	return log_file != NULL;
}

void
debuglog(const char *fmt, ...)
{
	struct timeval tv;
	struct tm tm;
	va_list ap;

	if (log_file == NULL)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	fprintf(log_file, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		(long)tv.tv_usec / 1000);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
}

void
debuglog_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}
