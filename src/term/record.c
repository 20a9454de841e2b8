/* record.c: asciicast v2 writer. Output may split a UTF-8 character across
 * reads: the cut tail waits for the next chunk, so that every event is a
 * valid JSON string. */
#include "fleetmux/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fleetmux/util.h"

struct recorder {
	FILE *f;
	char *path;
	uint64_t start;
	char carry[4];
	size_t ncarry;
};

static void
event(struct recorder *r, uint64_t now, const char *type, const char *data, size_t len)
{
	char *clean = utf8_clean(data, len);
	cJSON *a = cJSON_CreateArray();
	char *line;

	cJSON_AddItemToArray(a, cJSON_CreateNumber((double)(now - r->start) / 1000.0));
	cJSON_AddItemToArray(a, cJSON_CreateString(type));
	cJSON_AddItemToArray(a, cJSON_CreateString(clean));
	line = cJSON_PrintUnformatted(a);
	fprintf(r->f, "%s\n", line);
	fflush(r->f);
	free(line);
	free(clean);
	cJSON_Delete(a);
}

struct recorder *
recorder_open(const char *path, int width, int height, const char *title, uint64_t now_ms,
	      long unix_time)
{
	struct recorder *r;
	cJSON *h, *env;
	char *line;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fm_error(FM_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->f = f;
	r->path = xstrdup(path);
	r->start = now_ms;
	h = cJSON_CreateObject();
	cJSON_AddNumberToObject(h, "version", 2);
	cJSON_AddNumberToObject(h, "width", width);
	cJSON_AddNumberToObject(h, "height", height);
	cJSON_AddNumberToObject(h, "timestamp", (double)unix_time);
	if (title != NULL) {
		char *t = utf8_clean(title, strlen(title));

		cJSON_AddStringToObject(h, "title", t);
		free(t);
	}
	env = cJSON_AddObjectToObject(h, "env");
	cJSON_AddStringToObject(env, "TERM", "xterm-256color");
	cJSON_AddStringToObject(env, "SHELL", "/bin/sh");
	line = cJSON_PrintUnformatted(h);
	fprintf(f, "%s\n", line);
	fflush(f);
	free(line);
	cJSON_Delete(h);
	return r;
}

void
recorder_output(struct recorder *r, const void *data, size_t len, uint64_t now_ms)
{
	struct buf b;
	size_t whole;

	if (r == NULL || len == 0)
		return;
	buf_init(&b);
	buf_append(&b, r->carry, r->ncarry);
	buf_append(&b, data, len);
	whole = utf8_complete(b.data, b.len);
	r->ncarry = b.len - whole;
	memcpy(r->carry, b.data + whole, r->ncarry);
	if (whole > 0)
		event(r, now_ms, "o", b.data, whole);
	buf_free(&b);
}

void
recorder_resize(struct recorder *r, int width, int height, uint64_t now_ms)
{
	char size[32];

	if (r == NULL)
		return;
	snprintf(size, sizeof size, "%dx%d", width, height);
	event(r, now_ms, "r", size, strlen(size));
}

void
recorder_close(struct recorder *r)
{
	if (r == NULL)
		return;
	if (r->ncarry > 0)
		event(r, r->start, "o", r->carry, r->ncarry);
	fclose(r->f);
	free(r->path);
	free(r);
}

const char *
recorder_path(const struct recorder *r)
{
	return r->path;
}

int
recorder_make_dir(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

char *
recorder_default_dir(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *dir = xdg && *xdg ? xasprintf("%s/fleetmux/recordings", xdg)
				: xasprintf("%s/.local/share/fleetmux/recordings", home ? home : "");

	if (recorder_make_dir(dir) < 0) {
		fm_error(FM_EIO, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}
