/* wire.c: the client–server messages' framing and fields (wire.h). */
#include "fleetmux/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
wire_put(struct buf *out, int type, const void *payload, size_t n)
{
	size_t len = n + 1;
	unsigned char head[5] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
				 (unsigned char)(len >> 8), (unsigned char)len, (unsigned char)type};

	buf_append(out, head, sizeof head);
	if (n > 0)
		buf_append(out, payload, n);
}

int
wire_take(const unsigned char *data, size_t len, int *type, const unsigned char **payload,
	  size_t *plen, size_t *used)
{
	size_t n;

	if (len < 4)
		return 0;
	n = (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
	if (n < 1 || n > WIRE_MAX)
		return -1;
	if (len < 5)
		return 0;
	if (data[4] < WIRE_HELLO || data[4] >= WIRE_TYPE_MAX)
		return -1;
	if (len < 4 + n)
		return 0;
	*type = data[4];
	*payload = data + 5;
	*plen = n - 1;
	*used = 4 + n;
	return 1;
}

void
wire_hello_encode(struct buf *out, const struct wire_hello *h)
{
	buf_printf(out, "protocol=%d\nversion=%s\ncommand=%s\nreadonly=%d\nterm=%s\nrows=%d\ncols=%d\n",
		   h->protocol, h->version, h->command, h->readonly, h->term, h->rows, h->cols);
}

/* A number field: digits only, at most max. */
static int
number(const char *v, size_t n, int max, int *out)
{
	long x = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	if (x > max)
		return -1;
	*out = (int)x;
	return 0;
}

/* A text field: printable ASCII, shorter than size. */
static int
text(const char *v, size_t n, char *out, size_t size)
{
	if (n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

int
wire_hello_decode(struct wire_hello *h, const unsigned char *p, size_t n)
{
	const char *s = (const char *)p, *end = s + n;

	memset(h, 0, sizeof *h);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eq = nl ? memchr(s, '=', (size_t)(nl - s)) : NULL;
		const char *v;
		size_t kn, vn;
		int rc = 0;

		if (nl == NULL || eq == NULL)
			return -1;
		kn = (size_t)(eq - s);
		v = eq + 1;
		vn = (size_t)(nl - v);
#define KEY(k) (kn == sizeof k - 1 && memcmp(s, k, kn) == 0)
		if (KEY("protocol"))
			rc = number(v, vn, 1000000, &h->protocol);
		else if (KEY("version"))
			rc = text(v, vn, h->version, sizeof h->version);
		else if (KEY("command"))
			rc = text(v, vn, h->command, sizeof h->command);
		else if (KEY("readonly"))
			rc = number(v, vn, 1, &h->readonly);
		else if (KEY("term"))
			rc = text(v, vn, h->term, sizeof h->term);
		else if (KEY("rows"))
			rc = number(v, vn, 10000, &h->rows);
		else if (KEY("cols"))
			rc = number(v, vn, 10000, &h->cols);
#undef KEY
		/* Another key: a newer client's; its protocol number says
		 * whether it matters. */
		if (rc < 0)
			return -1;
		s = nl + 1;
	}
	return 0;
}

void
wire_resize_encode(struct buf *out, int rows, int cols)
{
	buf_printf(out, "%d %d", rows, cols);
}

int
wire_resize_decode(const unsigned char *p, size_t n, int *rows, int *cols)
{
	const char *s = (const char *)p, *sp = memchr(s, ' ', n);

	if (sp == NULL)
		return -1;
	if (number(s, (size_t)(sp - s), 10000, rows) < 0 ||
	    number(sp + 1, n - (size_t)(sp + 1 - s), 10000, cols) < 0)
		return -1;
	return *rows > 0 && *cols > 0 ? 0 : -1;
}

void
wire_exit_encode(struct buf *out, int code, const char *msg)
{
	buf_printf(out, "%d\n%s", code, msg ? msg : "");
}

int
wire_exit_decode(const unsigned char *p, size_t n, int *code, const char **msg, size_t *n_msg)
{
	const char *s = (const char *)p, *nl = memchr(s, '\n', n);

	if (nl == NULL || number(s, (size_t)(nl - s), 255, code) < 0)
		return -1;
	*msg = nl + 1;
	*n_msg = n - (size_t)(nl + 1 - s);
	return 0;
}
