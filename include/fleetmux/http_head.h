/* http_head.h: the one HTTP/1.1 head parser, for the connections curl does
 * not read for us: Docker's upgraded exec start (a response) and fleetsim's
 * Hyper front (requests). Pure. */
#ifndef FLEETMUX_HTTP_HEAD_H
#define FLEETMUX_HTTP_HEAD_H

#include <stddef.h>

#include "fleetmux/params.h"

struct http_head {
	int status;             /* a response's status */
	char *method, *target;  /* a request's line */
	struct params headers;  /* names as sent; values trimmed */
	size_t len;             /* bytes of the head, through the blank line */
};

/* Parse a request (request != 0) or response head at the start of buf.
 * Returns 0 while the head is incomplete, 1 when h is filled (bytes past
 * h->len are the body or the stream), -FM_EPROTO when it is not HTTP or is
 * longer than max. Free h with http_head_free after 1. */
int http_head_parse(const char *buf, size_t len, size_t max, int request, struct http_head *h);
void http_head_free(struct http_head *h);

#endif
