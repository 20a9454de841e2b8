/* url.h: URLs through libcurl's URL API (curl_url), never split by hand. */
#ifndef FLEETMUX_URL_H
#define FLEETMUX_URL_H

#include "fleetmux/util.h"

struct url_parts {
	char *scheme;   /* lower case: http, https, tcp, ws, wss */
	char *host;     /* an IPv6 address keeps its brackets */
	char *port;     /* as written, or NULL */
	char *path;     /* "/" at least */
};

/* Any scheme with a host (tcp:// too). 0, or -FM_EINVAL with cause filled. */
int url_split(const char *url, struct url_parts *u, struct fm_cause *cause);
void url_parts_free(struct url_parts *u);
/* "host" or "host:port": what a Host header says. Caller frees. */
char *url_host_port(const struct url_parts *u);

#endif
