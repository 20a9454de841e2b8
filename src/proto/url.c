/* url.c: URL parts from libcurl's parser. */
#include "fleetmux/url.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static char *
part(CURLU *h, CURLUPart what)
{
	char *v = NULL, *copy;

	if (curl_url_get(h, what, &v, 0) != CURLUE_OK || v == NULL)
		return NULL;
	copy = xstrdup(v);
	curl_free(v);
	return copy;
}

int
url_split(const char *url, struct url_parts *u, struct fm_cause *cause)
{
	CURLU *h = curl_url();
	CURLUcode rc;

	memset(u, 0, sizeof *u);
	if (h == NULL)
		return fm_cause_set(cause, FM_ENOMEM, "out of memory");
	rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (rc != CURLUE_OK) {
		curl_url_cleanup(h);
		return fm_cause_set(cause, FM_EINVAL, "'%.200s' is not a URL: %s", url, curl_url_strerror(rc));
	}
	u->scheme = part(h, CURLUPART_SCHEME);
	u->host = part(h, CURLUPART_HOST);
	u->port = part(h, CURLUPART_PORT);
	u->path = part(h, CURLUPART_PATH);
	curl_url_cleanup(h);
	if (u->scheme == NULL || u->host == NULL || *u->host == '\0') {
		url_parts_free(u);
		return fm_cause_set(cause, FM_EINVAL, "'%.200s' names no host", url);
	}
	if (u->path == NULL)
		u->path = xstrdup("/");
	return 0;
}

void
url_parts_free(struct url_parts *u)
{
	free(u->scheme);
	free(u->host);
	free(u->port);
	free(u->path);
	memset(u, 0, sizeof *u);
}

char *
url_host_port(const struct url_parts *u)
{
	return u->port ? xasprintf("%s:%s", u->host, u->port) : xstrdup(u->host);
}
