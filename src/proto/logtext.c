/* logtext.c: a log line made safe for a terminal (logtext.h). */
#include "fleetmux/logtext.h"

#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* A control shown as caret notation: ^[ for ESC, ^? for DEL. */
static void
put_caret(struct buf *out, unsigned c)
{
	buf_putc(out, '^');
	buf_putc(out, (char)(c ^ 0x40));
}

/* The length of an SGR at p (ESC [ digits ; : m), or 0 when p does not
 * start one that is short enough to keep. */
static size_t
sgr_length(const unsigned char *p, size_t len)
{
	size_t i;

	if (len < 3 || p[0] != 0x1b || p[1] != '[')
		return 0;
	for (i = 2; i < len && i < LOGTEXT_SGR_MAX; i++) {
		if (p[i] == 'm')
			return i + 1;
		if (!((p[i] >= '0' && p[i] <= '9') || p[i] == ';' || p[i] == ':'))
			return 0;
	}
	return 0;
}

/* The length of the UTF-8 character at p (its code point in *cp), or 0
 * when p starts none (a stray byte, an overlong form, a surrogate, a
 * character cut short). */
static size_t
utf8_length(const unsigned char *p, size_t len, unsigned *cp)
{
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	return n;
}

void
logtext_body(struct buf *out, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = sgr_length(p + i, len - i);

		if (n > 0) {
			buf_append(out, p + i, n); /* a colour: kept */
			i += n;
			continue;
		}
		n = utf8_length(p + i, len - i, &cp);
		if (n == 0) {
			buf_puts(out, replacement);
			i++;
		} else if (cp == '\t' || (cp >= 0x20 && cp < 0x7f) || cp > 0x9f) {
			buf_append(out, p + i, n);
			i += n;
		} else if (cp >= 0x80) {
			/* A C1 control (0x9b is CSI): as its 7-bit form, "^[[". */
			put_caret(out, 0x1b);
			buf_putc(out, (char)(cp - 0x40));
			i += n;
		} else {
			put_caret(out, cp);
			i += n;
		}
	}
}

void
logtext_plain(struct buf *out, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		size_t n = sgr_length(p + i, len - i);

		if (n > 0) {
			i += n;
			continue;
		}
		buf_putc(out, (char)p[i++]);
	}
}

void
logtext_render(struct buf *out, const struct log_line *l, int timestamps)
{
	if (timestamps && l->time_ns != FM_TIME_NONE) {
		char when[36];

		fm_time_format_fixed(l->time_ns, when);
		buf_printf(out, "\033[0;2m%s\033[0m ", when);
	}
	logtext_body(out, l->text, l->len);
	buf_puts(out, "\033[0m\r\n");
}
