/* redact.c: secrets out of what is written down. What is a secret here:
 * signatures, session tokens, the WebSocket ticket (it opens a shell once),
 * anything in an Authorization header; an access key id is half-secret and
 * keeps four characters, enough to tell two keys apart. */
#include "fleetmux/redact.h"

#include <string.h>
#include <strings.h>

#include "fleetmux/util.h"

static const char *secret_params[] = {"Signature", "SecurityToken", "AccessKeySecret", "s",
				      "token", "X-Acs-Security-Token", "access_token", NULL};
static const char *half_secret_params[] = {"AccessKeyId", NULL};
static const char *secret_headers[] = {"authorization", "x-acs-security-token", "cookie",
				       "proxy-authorization", "x-registry-auth", NULL};

static int
listed(const char *name, size_t len, const char **list)
{
	for (; *list; list++)
		if (strlen(*list) == len && strncasecmp(*list, name, len) == 0)
			return 1;
	return 0;
}

char *
redact_query(const char *url)
{
	struct buf out;
	const char *q = strchr(url, '?'), *p;

	buf_init(&out);
	/* A form body has no '?': all of it is parameters. */
	if (q == NULL && strchr(url, '=') != NULL && strstr(url, "://") == NULL)
		q = url - 1;
	if (q == NULL) {
		buf_puts(&out, url);
		return buf_steal(&out);
	}
	buf_append(&out, url, (size_t)(q + 1 - url));
	for (p = q + 1; *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));

		if (eq != NULL && listed(p, (size_t)(eq - p), secret_params)) {
			buf_append(&out, p, (size_t)(eq + 1 - p));
			buf_puts(&out, "***");
		} else if (eq != NULL && listed(p, (size_t)(eq - p), half_secret_params)) {
			size_t vlen = (size_t)(end - eq - 1);

			buf_append(&out, p, (size_t)(eq + 1 - p));
			buf_append(&out, eq + 1, vlen < 4 ? vlen : 4);
			buf_puts(&out, "***");
		} else {
			buf_append(&out, p, (size_t)(end - p));
		}
		if (amp == NULL)
			break;
		buf_putc(&out, '&');
		p = amp + 1;
	}
	return buf_steal(&out);
}

char *
redact_header(const char *name, const char *value)
{
	if (listed(name, strlen(name), secret_headers)) {
		/* The scheme says which signer was used, and is no secret. */
		const char *sp = strchr(value, ' ');

		return sp ? xasprintf("%.*s ***", (int)(sp - value), value) : xstrdup("***");
	}
	return xstrdup(value);
}
