/* sidebar.h: the tree of provider → region → container group → container,
 * its live filter, marks and cursor, and how it is drawn. The model part is
 * pure (tested without a screen); sidebar_draw is the only ncurses call. */
#ifndef FLEETMUX_SIDEBAR_H
#define FLEETMUX_SIDEBAR_H

#include <ncurses.h>
#include <time.h>

#include "fleetmux/model.h"
#include "fleetmux/theme.h"

struct sb_usage; /* sidebar_usage.h */
/* What happened to a group lately (events.c says which events count):
 * warnings and restarts since `since`, shown on its row for a while
 * (sidebar_badge.c) and cleared when its details are opened. */
struct sb_badge {
	int warnings, restarts;
	time_t since;              /* the first of them; 0: no badge */
};

#define SB_BADGE_SECONDS 600   /* how long a badge stays on its row */

struct sb_group {
	struct fm_group g;
	struct sb_badge badge;     /* kept across relistings, like the marks */
	int expanded;
	unsigned char *marked;     /* one flag a container */
	int seen;                  /* in the answer to the region's latest listing */
	struct sb_usage *usage;    /* CPU and memory samples, or NULL; kept by a relisting */
};

struct sb_region {
	int prov;                  /* which provider it belongs to */
	char *id;
	struct sb_group *groups;
	size_t n, cap;
	int loading;
	int listed;                /* listed once at least: a group new to it is news */
	int stale;                 /* the provider said it changed */
	int expanded;
	char *error;
	int down;                  /* the engine stopped answering (error says how) */
	size_t shown;              /* groups that pass the filter */
};

enum sb_row_kind { ROW_PROVIDER, ROW_REGION, ROW_GROUP, ROW_CONTAINER, ROW_NOTE };

struct sb_row {
	enum sb_row_kind kind;
	int prov, region, group, container;
};

struct sb_provider {
	char *name;
	char *error;
	int expanded;
};

struct sidebar {
	struct sb_provider *provs;
	size_t nprovs;
	struct sb_region *regions;
	size_t nregions;
	char filter[128];
	struct sb_row *rows;
	size_t nrows, rows_cap;
	int cursor;
	int user_moved;   /* until the user moves, the cursor waits on the first group */
	int scroll;
	int dirty;        /* rows need a rebuild */
	const struct theme *theme;
	int sort;         /* enum sb_sort (sidebar_usage.h): the groups' order in a region */
	int *order;       /* scratch of the rebuild: a region's shown groups, sorted */
	size_t order_cap;
	/* The row the cursor was on before the data changed, found again by
	 * the next rebuild (a relisting keeps the cursor where it was). */
	struct {
		int valid;
		enum sb_row_kind kind;
		int prov;
		char *region, *group, *container;
	} at;
};

/* Below the rows: two of details for the row under the cursor (a group's
 * whole id), and the filter's line. */
#define SIDEBAR_FOOTER_ROWS 3

void sidebar_init(struct sidebar *s);
void sidebar_free(struct sidebar *s);
/* Providers are the tree's roots, in the order they are added. */
int sidebar_add_provider(struct sidebar *s, const char *name);
void sidebar_set_provider_error(struct sidebar *s, int prov, const char *error);
struct sb_region *sidebar_region(struct sidebar *s, int prov, const char *id, int create);
/* Add (or replace, by id) groups of a region; takes the array. */
void sidebar_add_groups(struct sidebar *s, int prov, const char *region, struct fm_group *g,
			size_t n);
void sidebar_clear_region(struct sidebar *s, int prov, const char *region);
/* A region is listed again: its groups stay, with their folds and marks,
 * until the answer ends; then those it no longer has go (ok), or all stay
 * and the region keeps its error (!ok). */
void sidebar_relist_begin(struct sidebar *s, int prov, const char *region);
void sidebar_relist_end(struct sidebar *s, int prov, const char *region, int ok);
void sidebar_set_filter(struct sidebar *s, const char *filter);
/* Groups in this order (enum sb_sort) from the next rebuild on. */
void sidebar_set_sort(struct sidebar *s, int sort);
/* What sorts the groups changed (new samples): the rows are rebuilt, the
 * cursor staying on its row wherever that goes. */
void sidebar_resort(struct sidebar *s);
void sidebar_rebuild(struct sidebar *s);
/* Put the cursor on the first group, unless the user has moved it. */
void sidebar_home(struct sidebar *s);
const struct sb_row *sidebar_current(struct sidebar *s);
void sidebar_move(struct sidebar *s, int delta);
/* Left/right on the current row. */
void sidebar_collapse(struct sidebar *s);
void sidebar_expand(struct sidebar *s);
/* Space: mark a container, or every container of a group, a region or a
 * provider that the filter shows (all marked already: unmark them). */
void sidebar_toggle_mark(struct sidebar *s);
/* Every container the filter shows, marked; or, when they all were, none.
 * Returns how many are marked now. */
size_t sidebar_mark_shown(struct sidebar *s);
size_t sidebar_count_marked(const struct sidebar *s);
void sidebar_clear_marks(struct sidebar *s);
/* Does the group pass the filter (name, id, status, zone, tag key=value or
 * value, container names; case-insensitive substrings)? */
int sidebar_group_matches(const struct fm_group *g, const char *filter);
/* Counts for the status line. */
void sidebar_counts(const struct sidebar *s, long *groups, long *running, long *pending,
		    long *failed);
/* Find a group by id, name or (at least 4 characters of) id prefix in a
 * region; prov < 0 looks in every provider. *prov_out says where. */
struct sb_group *sidebar_find_group(struct sidebar *s, int prov, const char *region,
				    const char *id_or_name, int *prov_out);

/* sidebar_badge.c: the badge's text for the row (" !2", " ↻3", " !2↻3")
 * while it is younger than SB_BADGE_SECONDS at now; 0 and "" when none. */
int sidebar_badge_text(const struct sb_badge *b, time_t now, char *out, size_t len);
/* A group row's mark, " !W↻R": its badge's warnings and restarts; for a
 * group listed without events (a Kubernetes pod: restartCount is all it
 * says), restarts are the more of the badge's and its containers' counts
 * added up. 0 and "" when none. */
int sidebar_mark_text(const struct sb_group *g, time_t now, char *out, size_t len);
/* What a group row shows in its id column: the id, or the zone when the
 * id is ZONE/NAME (a pod's namespace/name: the name is already shown). */
const char *sidebar_id_column(const struct fm_group *g);
/* Add what happened; the badge's age starts with its first. */
void sidebar_badge_add(struct sb_badge *b, int warnings, int restarts, time_t now);

/* Print UTF-8 text at w's cursor within width columns; control characters
 * become '?'. Returns the columns used. */
int ui_put_text(WINDOW *w, const char *text, int width);

void sidebar_draw(struct sidebar *s, WINDOW *w, int x, int y, int width, int height, int focused,
		  int filtering);

#endif
