/* http_head.c: an HTTP/1.1 request or status line and its headers. */
#include "fleetmux/http_head.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *
find_blank_line(const char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i + 4;
	return NULL;
}

/* "HTTP/1.1 101 UPGRADED" → 101 */
static int
status_line(const char *p, size_t n, struct http_head *h)
{
	const char *sp = memchr(p, ' ', n);

	if (n < 5 || strncmp(p, "HTTP/", 5) != 0 || sp == NULL || (size_t)(p + n - sp) < 4 ||
	    !isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
	    !isdigit((unsigned char)sp[3]))
		return fm_error(FM_EPROTO, "the status line is malformed");
	h->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	return 0;
}

/* "POST /v1.23/exec/x/start HTTP/1.1" */
static int
request_line(const char *p, size_t n, struct http_head *h)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;

	if (sp1 == NULL)
		return fm_error(FM_EPROTO, "the request line is malformed");
	sp2 = memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1));
	if (sp2 == NULL || strncmp(sp2 + 1, "HTTP/", 5) != 0)
		return fm_error(FM_EPROTO, "the request line is malformed");
	h->method = xstrndup(p, (size_t)(sp1 - p));
	h->target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	return 0;
}

int
http_head_parse(const char *buf, size_t len, size_t max, int request, struct http_head *h)
{
	const char *end, *p, *eol;

	memset(h, 0, sizeof *h);
	params_init(&h->headers);
	if (len >= 5 && !request && strncmp(buf, "HTTP/", 5) != 0)
		return fm_error(FM_EPROTO, "the answer is not HTTP");
	end = find_blank_line(buf, len);
	if (end == NULL)
		return len > max ? fm_error(FM_EPROTO, "the head is longer than %zu bytes", max) : 0;
	eol = memchr(buf, '\r', (size_t)(end - buf));
	if ((request ? request_line(buf, (size_t)(eol - buf), h)
		     : status_line(buf, (size_t)(eol - buf), h)) < 0) {
		http_head_free(h);
		return -FM_EPROTO;
	}
	for (p = eol + 2; p < end - 2; p = eol + 2) {
		const char *colon, *v;
		size_t vlen;

		eol = memchr(p, '\r', (size_t)(end - p));
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL)
			continue; /* not a header: skipped, as curl does */
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (vlen = (size_t)(eol - v); vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t');)
			vlen--;
		params_addn(&h->headers, p, (size_t)(colon - p), v, vlen);
	}
	h->len = (size_t)(end - buf);
	return 1;
}

void
http_head_free(struct http_head *h)
{
	free(h->method);
	free(h->target);
	params_free(&h->headers);
	h->method = h->target = NULL;
}
