/* app.h: the one state of the TUI: loop, screen, sidebar, panes, keys. */
#ifndef FLEETMUX_APP_H
#define FLEETMUX_APP_H

#include <uv.h>

#include "fleetmux/keymap.h"
#include "fleetmux/layout.h"
#include "fleetmux/pane.h"
#include "fleetmux/provider.h"
#include "fleetmux/sidebar.h"
#include "fleetmux/theme.h"

#define APP_MAX_PANES 256
#define APP_MAX_PROVIDERS 16
#define APP_SIDEBAR_WIDTH 36
#define APP_FRAME_MS 16

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
	/* Rebindings from the config, checked already: KEY = ACTION. */
	struct {
		int key;
		enum action action;
		int sidebar;
	} bindings[128];
	int nbindings;
};

struct open_target {
	char *region, *group, *container;   /* container NULL: ENGINE/CONTAINER */
	int done;
};

struct app;
struct prov_ctx {
	struct app *app;
	int idx;
	uv_timer_t relist;   /* coalesces an engine's bursts of events */
};

struct app {
	uv_loop_t *loop;
	struct app_options opt;
	struct provider *provs[APP_MAX_PROVIDERS];
	struct prov_ctx ctx[APP_MAX_PROVIDERS];
	int nprovs;
	struct sidebar sb;
	struct theme theme;
	struct keytable prefix_keys, sidebar_keys;

	struct pane *panes[APP_MAX_PANES];
	struct rect rects[APP_MAX_PANES];
	int npanes;
	int focus;
	int zoomed;              /* a pane index, or -1 */
	enum layout_kind layout;
	int sidebar_visible;
	int sidebar_focus;
	int prefix_pending;
	int broadcast;
	int numbers_shown;
	int filtering;
	int run_prompt;          /* typing a command for C-b ! */
	char run_cmd[256];
	char filter_edit[128];

	int rows, cols;
	int cursor_style;        /* the DECSCUSR code last sent out, 0 = none */
	int full_redraw;
	int frame_scheduled;
	uint64_t last_frame;
	struct buf paste;        /* the paste buffer (copy mode fills it) */
	char *osc52_pending;     /* a copy for the outer clipboard, sent after a frame */
	char message[512];
	int message_error;
	int regions_pending;     /* listings not finished */
	struct open_target *targets;
	size_t ntargets;
	int quit;

	uv_poll_t stdin_poll;
	uv_signal_t sigwinch, sigterm, sigint, sighup;
	uv_timer_t frame_timer, clock_timer, numbers_timer;
};

/* The app takes the providers. */
int app_init(struct app *a, uv_loop_t *loop, struct provider **provs, int nprovs,
	     const struct app_options *o);
int app_run(struct app *a);
void app_free(struct app *a);

/* Shared by app.c and draw.c. */
void app_message(struct app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_schedule_frame(struct app *a);
void app_draw(struct app *a);
void app_relayout(struct app *a);
void app_reset_cursor_style(struct app *a);
/* C-b !: run a command on the marked containers into a results pane. */
void tui_run_start(struct app *a, const char *cmd);
void tui_run_stop(struct pane *p);
int app_open_pane_local(struct app *a, const char *title);

/* Does typed input reach pane i (the focused one, or broadcast targets)? */
int app_receives_input(const struct app *a, int i);

#endif
