/* model.h: what providers list — container groups and their containers —
 * in one shape for every backend. */
#ifndef FLEETMUX_MODEL_H
#define FLEETMUX_MODEL_H

#include <stddef.h>

#include "fleetmux/params.h"

struct fm_container {
	char *name;
	char *image;
	char *state;      /* Running, Waiting, Terminated (Docker: running, exited, ...) */
	int restarts;
	int ready;
};

struct fm_group {
	char *id;
	char *name;
	char *region;
	char *zone;
	char *status;
	char *ip;
	struct params tags;
	struct fm_container *containers;
	size_t ncontainers;
};

void fm_group_free(struct fm_group *g);
void fm_groups_free(struct fm_group *g, size_t n);

/* ECI answers → model. Each returns 0, or -FM_EPROTO with a message that
 * says what was wrong with the answer. */
int eci_parse_regions(const char *json, size_t len, char ***ids, size_t *n);
int eci_parse_groups(const char *json, size_t len, struct fm_group **groups, size_t *n,
		     char **next_token, long *total);
int eci_parse_exec(const char *json, size_t len, char **ws_uri);
/* An error answer in words: "Code: Message" (or the HTTP status when the body
 * is not the documented shape). code_out, when not NULL, gets the Code. */
void eci_parse_error(int status, const char *json, size_t len, struct buf *msg, struct buf *code_out);

#endif
