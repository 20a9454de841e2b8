/* app.h: the one state of the TUI: loop, screen, sidebar, panes, keys. Who
 * owns what is said by each group of fields; the TUI's files share their
 * functions through src/ui/tui.h. */
#ifndef FLEETMUX_APP_H
#define FLEETMUX_APP_H

#include <stdio.h>
#include <time.h>
#include <uv.h>

#include "fleetmux/cmdline.h"
#include "fleetmux/frontend.h"
#include "fleetmux/keymap.h"
#include "fleetmux/layout.h"
#include "fleetmux/messages.h"
#include "fleetmux/overlay.h"
#include "fleetmux/pane.h"
#include "fleetmux/prompt.h"
#include "fleetmux/provider.h"
#include "fleetmux/sidebar.h"
#include "fleetmux/theme.h"

#define APP_MAX_PANES 256
#define APP_MAX_CLIENTS 64
#define APP_MAX_PROVIDERS LISTING_MAX_PROVIDERS
#define APP_SIDEBAR_WIDTH 36      /* the default; C-b < > and sidebar-width change it */
#define APP_SIDEBAR_MIN 16
#define APP_SIDEBAR_MAX 120
#define APP_FRAME_MS 16
/* A frame waits at most this long for a slow outer terminal (frame.c). */
#define APP_FRAME_SLOW_MS 500

struct app_options {
	const char *theme;       /* a theme's name or path; NULL: default */
	const struct theme *colors;   /* loaded; NULL: the default */
	char **regions;          /* --region, NULL-terminated; NULL: all */
	char **open;             /* --open REGION/GROUP/CONTAINER */
	enum layout_kind layout;
	int prefix;              /* default C-b */
	const char *record_dir;  /* --record: every pane is recorded here */
	long scrollback;         /* lines of history a pane keeps (10000) */
	int osc52;               /* copies also go to the outer terminal's clipboard */
	int broadcast;           /* start with broadcast on */
	int sidebar_width;       /* columns; 0: APP_SIDEBAR_WIDTH */
	int refresh_interval;    /* seconds between relistings of types without a watch; 0: the type's default; <0: none */
	int metrics_interval;    /* seconds between metric fetches; 0: each type's default; <0: none */
	char **warnings;         /* shown at start (providers that failed), NULL-terminated */
	/* The session (clients.c): its socket's folder, its name (NULL: the
	 * first free number), the size until a client attaches. */
	const char *sock_dir;
	const char *session_name;
	const char *workspace;   /* new -w NAME: reopened, and kept up to date */
	int rows, cols;
	/* Rebindings from the config, checked already: KEY = ACTION. */
	struct {
		int key;
		enum action action;
		int sidebar;
	} bindings[128];
	int nbindings;
};

struct app;

/* A pane as the UI knows it (panes.c): the terminal (term/, which knows
 * nothing of whose it is), and whose it is. Slots are allocated one by
 * one, so a slot's address holds while panes move in the layout: session
 * events carry it. */
struct slot {
	struct app *app;
	struct pane *pane;
	char *region, *group_id, *group_name, *container;
	int prov;                  /* the provider it came from; -1: a local pane */
	int log;                   /* a log pane (logpane.c): its job is the log's
				    * feed; it takes no input and ends nothing live */
	int number;                /* shown on the border, 1-based */
	int marked;                /* a broadcast target when any pane is marked */
	/* What writes into a local pane (C-b !'s run), ended when it closes. */
	void *job;
	void (*job_stop)(struct slot *s);
	/* What the title says instead of the session's state (C-b !'s
	 * "2 of 2 failed"), in the badge colour of tone: 0 live, 1 waiting,
	 * 2 bad. Empty: the session's state. */
	char badge[64];
	int badge_tone;
	/* Its group is no longer listed (deleted): said once, in the badge and
	 * in the pane when its session is over. */
	int gone;
};

/* The details view (details.c): whose it is, found again in the sidebar
 * at each frame (a relisting brings new fields and events), and the
 * group's CPU and memory history, asked again every DETAILS_REFRESH_MS. */
#define DETAILS_REFRESH_MS 15000
struct details {
	int prov;
	char *region, *group_id;
	struct metric_req *req;     /* the history being asked, or NULL */
	struct details_sample {
		int64_t time_ns;
		struct fm_usage u;  /* the group's */
	} *hist;                    /* oldest first */
	size_t nhist;
	int asking;                 /* a request is out (its answer may come at once) */
	int answered;               /* the history has been answered once */
	char *note;                 /* why there is no history (Docker keeps none), or NULL */
	int never;                  /* the backend keeps none: not asked again */
	uv_timer_t timer;
};

/* The TUI's side of a provider: an engine's events coalesce here. */
struct prov_ctx {
	struct app *app;
	int idx;
	uv_timer_t relist;
	uv_timer_t periodic;   /* relists a provider that has no watch */
};

struct app {
	uv_loop_t *loop;
	struct app_options opt;
	int quit;

	/* The fleet (sidebar_listing.c) */
	struct provider *provs[APP_MAX_PROVIDERS];
	struct prov_ctx ctx[APP_MAX_PROVIDERS];
	int nprovs;
	struct listing listing;
	int refreshing;             /* r: "refreshing" until the round ends */
	struct open_spec *open;     /* --open, opened once their region is listed */
	size_t nopen;
	struct sidebar sb;
	struct metrics_poll *metrics;   /* CPU and memory for the sidebar (metrics_poll.c) */

	/* Panes (panes.c) */
	struct slot *slots[APP_MAX_PANES];
	struct rect rects[APP_MAX_PANES];
	int npanes;
	int focus;
	int zoomed;                 /* a pane index, or -1 */
	enum layout_kind layout;
	int sidebar_visible;
	int sidebar_width;          /* columns, without the separator */
	int sidebar_focus;
	int numbers_shown;          /* C-b q: numbers on the panes for a while */
	int choosing;               /* C-b w: the list of panes is open (pick.c) */
	int choose_row;             /* the pane highlighted in it */
	int pick_typed;             /* a pane number being typed there, 0: none */
	struct buf paste;           /* the paste buffer (copy mode fills it) */
	char *osc52_pending;        /* a copy for the outer clipboard, sent after a frame */
	struct client *osc52_for;   /* to the terminal of the client that copied */

	/* Input (input.c) */
	struct keytable prefix_keys, sidebar_keys;
	int prefix_pending;
	int broadcast;
	int filtering;              /* typing the sidebar's filter */
	char filter_edit[128];
	struct prompt prompt;       /* the status line's prompt */
	struct slot *closing;       /* the pane C-b x asked about (y/n) */
	uint64_t key_at;            /* when the last key went to the focused pane */
	int echo_wanted;            /* its echo is drawn at once, not at the next frame */
	/* The help or the message log over the panes (overlay.c), and the
	 * command prompt's lines (commands.c). */
	struct overlay overlay;
	struct details details;
	struct history command_history;

	/* Frames (frame.c, draw.c) */
	struct theme theme;
	struct messages messages;   /* every status message, the newest shown */
	int rows, cols;
	int cursor_style;           /* the DECSCUSR code last sent out, 0 = none */
	int full_redraw;
	int frame_scheduled;
	uint64_t last_frame;
	uint64_t frame_cost;         /* ms the last frame took, its writes included */

	/* The session's clients (clients.c): the terminals attached, the
	 * socket they come by. Curses' current screen is base (on /dev/null)
	 * but while a client is drawn (drawing) or its keys are read (typing). */
	struct client *clients[APP_MAX_CLIENTS];   /* the last to type first */
	int nclients;
	struct client *drawing, *typing;
	struct screen *base;
	struct spare_screen *spares;   /* curses screens kept for the next clients */
	int nspares;
	FILE *base_out, *base_in;
	int listen_fd, listening;
	uv_poll_t listen_poll;
	uv_timer_t socket_timer;
	char *sock_path, *session_name;
	unsigned long sock_ino;
	time_t created;
	int flash_wanted;           /* refused keys: each client's screen flashes */
	const char *end_reason;     /* what clients are told when the session ends */
	int ending;                 /* app_free has begun: no client attaches */

	/* The workspace (workspace_keep.c): its name (NULL: none), the text
	 * last written, the focus and zoom to give back once restored. */
	char *ws_name, *ws_text;
	int ws_failed, ws_timer_started, ws_focus, ws_zoomed;
	int ws_lock;                /* flock'd NAME.lock: one session a workspace */
	char *ws_lock_path;
	uv_timer_t ws_timer;

	/* Set-up (app.c): what app_free has to undo. */
	int handles_started;
	uv_signal_t sigterm, sigint, sighup;
	uv_timer_t frame_timer, clock_timer, numbers_timer;
	uv_timer_t message_timer;   /* the status line's message expires (frame.c) */
};

/* The app takes the providers. Whether app_init succeeds or not, app_free
 * ends it: the one way out. */
int app_init(struct app *a, uv_loop_t *loop, struct provider **provs, int nprovs,
	     const struct app_options *o);
int app_run(struct app *a);
void app_free(struct app *a);

#endif
