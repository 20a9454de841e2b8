/* workspace.h: what it takes to reopen a session after its server is
 * gone (a reboot, a kill): the panes' containers and kinds, the layout,
 * zoom and focus. Pure: JSON in and out (cJSON), tested on vectors and
 * fuzzed; src/ui/workspace_keep.c writes and reads the files. */
#ifndef FLEETMUX_WORKSPACE_H
#define FLEETMUX_WORKSPACE_H

#include <stddef.h>

#define WORKSPACE_VERSION 1

enum ws_kind {
	WS_SHELL,          /* an exec session: a new shell when it comes back */
	WS_LOG,            /* a log pane, following */
	WS_PREVIOUS_LOG,   /* the log of the instance before the last restart */
	WS_KINDS
};

struct ws_pane {
	char *provider;    /* its name in the config ("eci", "k8s", "docker") */
	char *region, *group_id, *group_name, *container;
	enum ws_kind kind;
	int marked;        /* a broadcast target (C-b m) */
};

struct workspace {
	char *layout;      /* a layout's name */
	int zoomed;        /* the zoomed pane's index, -1: none */
	int focus;         /* the focused pane's index, -1: the sidebar */
	struct ws_pane *panes;
	size_t npanes;
};

const char *ws_kind_name(enum ws_kind k);
/* The file's text (no trailing newline); free it. */
char *workspace_encode(const struct workspace *w);
/* 0, or -1 with why naming the field ("panes[2].container: not a
 * string"); w is then empty (nothing is half read). */
int workspace_decode(const char *text, size_t n, struct workspace *w, char *why, size_t whylen);
void workspace_free(struct workspace *w);

#endif
