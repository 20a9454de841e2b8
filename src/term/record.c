/* record.c: asciicast v2 writer. Output may split a UTF-8 character across
 * reads: the cut tail waits for the next chunk, so that every event is a
 * valid JSON string. An event is written in one pass, its text escaped
 * straight into a buffer the recorder keeps (a busy merged view records
 * many events a second; cJSON made three copies of each, and stopped a
 * string at its first NUL). */
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
	struct buf line;  /* the event being written */
};

/* data as the inside of a JSON string: '"', '\\' and controls escaped (NUL
 * too: \u0000), an invalid UTF-8 byte as U+FFFD. No byte becomes more
 * than six. */
static void
put_json_text(struct buf *b, const char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i = 0;

	buf_reserve(b, len * 6);
	o = b->data + b->len;
	while (i < len) {
		unsigned char c = (unsigned char)data[i];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_char_len(data + i, len - i);

			if (n == 0) {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else {
				memcpy(o, data + i, n);
				o += n;
				i += n;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
			break;
		}
		i++;
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

/* [seconds, "type", "data"]: seconds to the millisecond, as JSON's
 * shortest (0.5, 1.25, 2). */
static void
event(struct recorder *r, uint64_t now, const char *type, const char *data, size_t len)
{
	uint64_t ms = now >= r->start ? now - r->start : 0;
	struct buf *b = &r->line;

	buf_reset(b);
	if (ms % 1000 == 0)
		buf_printf(b, "[%llu", (unsigned long long)(ms / 1000));
	else {
		buf_printf(b, "[%llu.%03u", (unsigned long long)(ms / 1000), (unsigned)(ms % 1000));
		while (b->data[b->len - 1] == '0')
			b->len--;
	}
	buf_printf(b, ",\"%s\",\"", type);
	put_json_text(b, data, len);
	buf_append(b, "\"]\n", 3);
	fwrite(b->data, 1, b->len, r->f);
	fflush(r->f);
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
	buf_init(&r->line);
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
	if (r->ncarry == 0) {
		/* The usual case: no character left over from the last chunk. */
		whole = utf8_complete(data, len);
		r->ncarry = len - whole;
		memcpy(r->carry, (const char *)data + whole, r->ncarry);
		if (whole > 0)
			event(r, now_ms, "o", data, whole);
		return;
	}
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
	buf_free(&r->line);
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
