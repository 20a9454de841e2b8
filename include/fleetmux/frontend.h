/* frontend.h: what the two front ends, the TUI and `fleetmux run`, share.
 * A listing asks every provider for its regions (engines, for Docker) and
 * each wanted region for its groups. A target set is the containers a
 * command is for, picked by a filter (fleetmux run) or by the sidebar's
 * marks (C-b !) and named the same way for both. --open's words are read
 * here. And both end the one way, frontend_shutdown. */
#ifndef FLEETMUX_FRONTEND_H
#define FLEETMUX_FRONTEND_H

#include <uv.h>

#include "fleetmux/model.h"
#include "fleetmux/provider.h"
#include "fleetmux/sidebar.h"

#define LISTING_MAX_PROVIDERS 16

/* listing.c. Every event may start more listing (the listing is still
 * counted then); pending says what has not answered. */
struct listing_events {
	/* A wanted region is about to be listed. Optional. */
	void (*region)(void *arg, int prov, const char *region);
	/* Groups of a region, which the callee takes (g may be NULL), or why
	 * it could not list them; done: the region is finished and no longer
	 * counted in pending. */
	void (*groups)(void *arg, int prov, const char *region, struct fm_group *g, size_t n,
		       int done, const char *error);
	/* A provider's regions answered (or error says why not); its wanted
	 * regions are being listed, and it is no longer counted in pending. */
	void (*provider)(void *arg, int prov, const char *error);
};

struct listing {
	struct provider **provs;
	int nprovs;
	char **regions;              /* wanted, NULL-terminated; NULL: every one */
	const struct listing_events *ev;
	void *arg;
	int pending;                 /* providers and regions not answered yet */
	int providers_listed;        /* region lists answered, over every round */
	int regions_seen;            /* wanted regions asked for, over every round */
	struct listing_ctx {
		struct listing *l;
		int idx;
	} ctx[LISTING_MAX_PROVIDERS];
};

void listing_init(struct listing *l, struct provider **provs, int nprovs, char **regions,
		  const struct listing_events *ev, void *arg);
/* A round: every provider's regions, then the wanted ones' groups. */
void listing_start(struct listing *l);
/* One region again (an engine said it changed). */
void listing_region(struct listing *l, int prov, const char *region);
int listing_wants(const struct listing *l, const char *region);

/* targets.c */
struct target {
	int prov;
	char *region, *group_id, *group_name, *container;
	char *label;                 /* set by targets_name */
};

struct target_set {
	struct target *v;
	size_t n, cap;
};

void targets_init(struct target_set *s);
void targets_free(struct target_set *s);
/* Container k of group g. */
void targets_add(struct target_set *s, int prov, const char *region, const struct fm_group *g,
		 size_t k);
/* fleetmux run: the running containers of running groups that the filter
 * picks: the containers it names (by name or image), or, when it names none
 * of a group's, every one of a group it matches as the sidebar's filter
 * does. So "nginx" is not run on nginx's log shipper. NULL: every one.
 * any_state: containers in any state too (fleetmux logs NAME: a log can be
 * read after the container ended, or between a crash loop's restarts). */
void targets_add_matching(struct target_set *s, int prov, const char *region,
			  const struct fm_group *g, size_t n, const char *filter, int any_state);
/* fleetmux logs TARGET: whether word names t: GROUP (its name or id, every
 * container of it), GROUP/CONTAINER, REGION/GROUP/CONTAINER, or
 * ENGINE/CONTAINER for an engine's container (a group of one). */
int targets_word_matches(const struct target *t, const char *word);
/* Keep only the targets some word names (targets_word_matches); used[i]
 * is set when words[i] named any. */
void targets_retain_words(struct target_set *s, char *const *words, unsigned char *used);
/* C-b !: the containers marked in the sidebar. */
void targets_add_marked(struct target_set *s, const struct sidebar *sb);
/* Labels: group/container; where those collide, the whole
 * provider/region/group-id/container, or engine/container for an engine
 * (Docker, Hyper), whose containers are groups of one. */
void targets_name(struct target_set *s, struct provider **provs);

/* --open REGION/GROUP/CONTAINER, or ENGINE/CONTAINER (container NULL). */
struct open_spec {
	char *region, *group, *container;
	int done;
	/* A workspace's pane (workspace_keep.c): its provider's name, its
	 * kind (enum ws_kind), and that it is one. */
	char *provider;
	int kind;
	int marked;
	int restored;
};

/* NULL-terminated words into specs; -FM_EINVAL (fm_error says which) on a
 * bad one. */
int open_specs_parse(char **words, struct open_spec **out, size_t *n);
void open_specs_free(struct open_spec *v, size_t n);

/* shutdown.c: the one way out. Providers end what sessions started in the
 * containers (8 s at most), what may still run is said on stderr after
 * who, and every handle on the loop is closed. */
void frontend_shutdown(uv_loop_t *loop, struct provider **provs, int nprovs, const char *who);
/* Its two halves, for the TUI's server, whose clients hear what was
 * left: the providers go (what could not be ended appended to left; how
 * many), then every handle closes. */
int frontend_end_sessions(uv_loop_t *loop, struct provider **provs, int nprovs, struct buf *left);
void frontend_close_handles(uv_loop_t *loop);

#endif
