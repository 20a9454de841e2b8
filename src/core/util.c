/* util.c: allocation wrappers, byte buffers and the error helper. */
#include "fleetmux/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char last_error[1024];

int
fm_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return -code;
}

const char *
fm_error_message(void)
{
	return last_error;
}

int
fm_cause_set(struct fm_cause *c, int code, const char *fmt, ...)
{
	va_list ap;

	if (c == NULL)
		return -code;
	memset(c, 0, sizeof *c);
	c->code = code;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	return -code;
}

int
fm_cause_http(struct fm_cause *c, int code, int http_status, const char *vendor, const char *fmt, ...)
{
	va_list ap;

	if (c == NULL)
		return -code;
	memset(c, 0, sizeof *c);
	c->code = code;
	c->http_status = http_status;
	snprintf(c->vendor, sizeof c->vendor, "%s", vendor ? vendor : "");
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	return -code;
}

int
fm_cause_from_error(struct fm_cause *c, int rc)
{
	int code = rc < 0 ? -rc : FM_EIO;

	return fm_cause_set(c, code, "%s", last_error);
}

void
fm_hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
oom(void)
{
	/* Nothing sensible can continue without memory. */
	fputs("fleetmux: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap, aq;
	char *p;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

int
buf_take_line(struct buf *line, const unsigned char **data, size_t *len, size_t max)
{
	const unsigned char *nl = memchr(*data, '\n', *len);
	size_t n = nl ? (size_t)(nl - *data) : *len;
	size_t room = line->len < max ? max - line->len : 0;

	buf_append(line, *data, n < room ? n : room);
	*data += n + (nl != NULL);
	*len -= n + (nl != NULL);
	return nl != NULL;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *
buf_steal(struct buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = xstrdup("");
	buf_init(b);
	return p;
}

static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
}

size_t
utf8_char_len(const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	size_t len = utf8_len(c), k;

	for (k = 1; len > 0 && k < len && k < n; k++)
		if (((unsigned char)p[k] & 0xc0) != 0x80)
			break;
	if (len == 0 || k != len || (len == 2 && c < 0xc2))
		return 0;
	return len;
}

char *
utf8_clean(const char *p, size_t n)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b);
	while (i < n) {
		size_t len = utf8_char_len(p + i, n - i);

		if (len == 0) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		buf_append(&b, p + i, len);
		i += len;
	}
	return buf_steal(&b);
}

size_t
utf8_complete(const char *p, size_t n)
{
	/* Look back at most 3 bytes for a lead byte whose sequence is cut. */
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned char c = (unsigned char)p[n - back];

		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: keep looking */
		if (utf8_len(c) > back)
			return n - back;
		break;
	}
	return n;
}

char **
strv_dup(char *const *v)
{
	size_t n = 0;
	char **out;

	while (v[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

void
strv_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char *
fm_read_file(const char *path, size_t max, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;
	struct stat st;

	if (f == NULL) {
		fm_error(FM_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* fopen opens a directory for reading; only the read would fail, and
	 * say less. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		fm_error(FM_EIO, "%s: %s", path, strerror(EISDIR));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > max) {
			fclose(f);
			buf_free(&b);
			fm_error(FM_ELIMIT, "%s: larger than %zu bytes", path, max);
			return NULL;
		}
		buf_append(&b, chunk, n);
	}
	if (ferror(f)) {
		fm_error(FM_EIO, "%s: %s", path, strerror(errno));
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	if (len_out != NULL)
		*len_out = b.len;
	return buf_steal(&b);
}

const char *
fm_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
