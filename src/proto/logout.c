/* logout.c: the lines `fleetmux logs` prints and the durations it reads. */
#include "fleetmux/logout.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int
logout_duration_parse(const char *s, long *seconds)
{
	char *end;
	long n, unit = 1;

	if (s == NULL || *s < '0' || *s > '9')
		return fm_error(FM_EINVAL, "'%s' is not a duration (30s, 10m, 2h, 1d)", s ? s : "");
	n = strtol(s, &end, 10);
	if (*end != '\0') {
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: unit = 0; break;
		}
		if (unit == 0 || end[1] != '\0')
			return fm_error(FM_EINVAL, "'%s' is not a duration (30s, 10m, 2h, 1d)", s);
	}
	/* A window of none would show nothing; one past ten years is a typo. */
	if (n < 1 || n > 3650L * 86400 / unit)
		return fm_error(FM_EINVAL, "'%s' is not a duration from 1s to 3650d", s);
	*seconds = n * unit;
	return 0;
}

static const char *
stream_name(int stream)
{
	return stream == LOG_STDERR ? "stderr" : "stdout";
}

void
logout_json(struct buf *out, const char *target, const struct log_line *l)
{
	cJSON *o = cJSON_CreateObject();
	char ts[36] = "", *text = utf8_clean(l->text, l->len), *s;

	if (l->time_ns != FM_TIME_NONE)
		fm_time_format_fixed(l->time_ns, ts);
	cJSON_AddStringToObject(o, "target", target);
	cJSON_AddStringToObject(o, "ts", ts);
	/* ECI keeps stdout and stderr as one log: it is told as stdout. */
	cJSON_AddStringToObject(o, "stream", stream_name(l->stream));
	cJSON_AddStringToObject(o, "line", text);
	s = cJSON_PrintUnformatted(o);
	buf_puts(out, s);
	buf_putc(out, '\n');
	free(s);
	free(text);
	cJSON_Delete(o);
}

void
buf_put_visible(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == 0xc2 && i + 1 < n && (unsigned char)p[i + 1] >= 0x80 &&
		    (unsigned char)p[i + 1] < 0xa0) {
			/* A C1 control, as its 7-bit form. */
			buf_putc(out, '^');
			buf_putc(out, '[');
			buf_putc(out, (char)((unsigned char)p[++i] - 0x40));
		} else if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '^');
			buf_putc(out, c == 0x7f ? '?' : (char)(c + 0x40));
		}
	}
}

void
logout_text(struct buf *out, const char *tag, int color, int timestamps, const struct log_line *l)
{
	if (color >= 0)
		buf_printf(out, "\033[%s%dm%s\033[0m", color >= 6 ? "1;" : "", 31 + color % 6, tag);
	else
		buf_puts(out, tag);
	buf_puts(out, l->stream == LOG_STDERR ? " ! " : " | ");
	if (timestamps && l->time_ns != FM_TIME_NONE) {
		char ts[36];

		fm_time_format_fixed(l->time_ns, ts);
		buf_puts(out, ts);
		buf_putc(out, ' ');
	}
	if (color >= 0)
		buf_put_visible(out, l->text, l->len);
	else
		buf_append(out, l->text, l->len);
	buf_putc(out, '\n');
}

int
logout_tag_color(const char *tag)
{
	/* FNV-1a: stable across runs and machines. */
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)tag; *p; p++)
		h = (h ^ *p) * 16777619u;
	return (int)(h % LOGOUT_COLORS);
}
