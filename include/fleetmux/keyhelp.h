/* keyhelp.h: what every key does, from the live key tables: the help
 * overlay (C-b ?) lists it, and README.md's and fleetmux(1)'s key tables
 * are written from it (make keydoc; test_keyhelp fails when they differ).
 * Pure: key tables and names in, rows and text out. */
#ifndef FLEETMUX_KEYHELP_H
#define FLEETMUX_KEYHELP_H

#include <stddef.h>

#include "fleetmux/keymap.h"
#include "fleetmux/util.h"

enum key_group {
	KG_PANES,
	KG_LAYOUT,
	KG_SIDEBAR,
	KG_COPY,
	KG_BROADCAST,
	KG_RECORDING,
	KG_COMMANDS,
	KG_GENERAL,
	KG_COUNT,
};

const char *key_group_name(enum key_group g);
/* Where an action is listed when the prefix table binds it; -1 for none
 * (test_keyhelp wants one for every action). */
int key_group_of(enum action a);

struct keyhelp_row {
	enum key_group group;
	char keys[160];        /* "C-b Left, C-b h"; "" when nothing binds it */
	char name[48];         /* what C-b : takes, "" for keys no action has */
	const char *help;
};

struct keyhelp {
	struct keyhelp_row *v;
	size_t n, cap;
};

/* Group by group: every action (what binds it in the prefix table, after
 * prefix; or nothing), what the sidebar's table binds, copy mode's keys,
 * the mouse, the prompt's and the overlays' keys, and the commands that
 * take words (":layout [NAME]"). */
void keyhelp_build(struct keyhelp *h, const struct keytable *prefix, const struct keytable *sidebar,
		   int prefix_key);
void keyhelp_free(struct keyhelp *h);
/* Does the row (its group, keys, name or help) hold filter, in any case? */
int keyhelp_row_matches(const struct keyhelp_row *r, const char *filter);

/* The documents' text: a Markdown section for README.md and a roff one
 * for fleetmux(1). */
void keyhelp_markdown(struct buf *out, const struct keyhelp *h, int prefix_key);
void keyhelp_roff(struct buf *out, const struct keyhelp *h, int prefix_key);
/* The documents as make keydoc writes them: every default binding with
 * C-b, as Markdown (roff 0) or roff (1). */
void keyhelp_default_doc(struct buf *out, int roff);
/* text with the lines between the line holding begin and the next line
 * holding end replaced by body; NULL when either is missing. */
char *keyhelp_splice(const char *text, const char *begin, const char *end, const char *body);

#define KEYHELP_MD_BEGIN "<!-- keys: begin"
#define KEYHELP_MD_END "<!-- keys: end"
#define KEYHELP_ROFF_BEGIN ".\\\" keys: begin"
#define KEYHELP_ROFF_END ".\\\" keys: end"

#endif
