/* tui.h: what the TUI's files share; not a public header. They call
 * downwards only, in this order from the bottom: the pure ones (focus.c,
 * the message log, the line editor, listing and targets), draw.c (and
 * draw_pick.c), frame.c,
 * app_message, panes.c, logpane.c, mergepane.c, metrics_poll.c, group_events.c, sidebar_listing.c,
 * tui_run.c, pick.c, actions.c, input.c, clients.c,
 * app.c (the overlays and the command prompt: see their block). So
 * anything may ask for a frame or say something, and drawing reads state
 * and changes none. A pane's job (C-b !'s run) is ended through
 * the slot's job_stop, not by name. */
#ifndef FLEETMUX_TUI_H
#define FLEETMUX_TUI_H

#include "fleetmux/app.h"
#include "fleetmux/logview.h"

/* focus.c: pure reads. The focused pane, or NULL when the sidebar has the
 * focus or no pane is open; does typed input reach pane i? */
struct slot *focus_slot(const struct app *a);
int focus_reaches(const struct app *a, int i);

/* messages.c's app side: say something on the status line (and keep it in
 * the message log). */
void app_message(struct app *a, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* draw.c: one frame from state, then one doupdate(). */
void draw_frame(struct app *a);
/* Only the panes' changed rows and the cursor (a key's echo); 0 when the
 * screen needs the whole frame. */
int draw_echo(struct app *a);
/* The outer terminal's cursor shape back as it was (at exit). */
void draw_reset_cursor_style(struct app *a);
/* A pane's badge as its title shows it: the slot's own (a run's results:
 * "2 of 2 failed") or its session's state. */
void slot_badge(const struct slot *s, char *out, size_t size);
/* draw_pick.c: C-b q's large numbers and C-b w's list, over the panes. */
void draw_pick(struct app *a);

/* frame.c: at most one frame each APP_FRAME_MS. Every pane takes its
 * queued output first, drawn or not. */
void frame_schedule(struct app *a);
/* Now, not at the timer: the echo of a key, the rest of the frame at its
 * time. (Not while the outer terminal is slow to take frames: then it
 * waits its turn like any other.) */
void frame_echo(struct app *a);

/* panes.c: the slots. Opening and closing lay every pane out again. */
int panes_open(struct app *a, int prov, const char *region, const char *group_id,
	       const char *group_name, const char *container);
/* A pane with no session, at the end of the layout, focused; the caller
 * checks APP_MAX_PANES. */
struct slot *panes_add(struct app *a, int prov, const char *region, const char *group_id,
		       const char *group_name, const char *container);
/* A pane with no session (C-b ! writes its results there); NULL when full. */
struct slot *panes_open_local(struct app *a, const char *title);
/* The region was listed afresh: a pane whose group is not in it any more
 * says that it was deleted. */
void panes_note_gone(struct app *a, int prov, const char *region);
/* C-b R: the same container, a new session, in the same pane. */
void panes_reopen(struct app *a, struct slot *s);
void panes_close(struct app *a, int i);
/* Does closing the pane end something (a live session, C-b !'s command)? */
int panes_live(const struct slot *s);
/* C-b x, kill-pane N: close pane i, asking first (y/n) when it is live. */
void panes_close_asking(struct app *a, int i);
void panes_focus(struct app *a, int i);
/* Pane i and j change places; the focus goes with i. */
void panes_swap(struct app *a, int i, int j);
/* Sizes from the layout (or the zoom), for every pane in view. */
void panes_relayout(struct app *a);
/* Record a pane into dir (NULL: the default directory), or stop. */
int panes_record(struct app *a, struct slot *s, const char *dir);
void panes_record_stop(struct app *a, struct slot *s);

/* logpane.c: a pane that follows a container's log (the provider's feed),
 * through the same terminal as any pane; it takes no input. Opened with
 * the log's backlog, focused; the message says why when it cannot be. */
int logpane_open(struct app *a, int prov, const char *region, const char *group_id,
		 const char *group_name, const char *container, int previous);
/* previous: the log of the container's instance before its last restart,
 * whole, instead (a provider that keeps none says so, and no pane opens).
 * C-b t, log-timestamps: the focused log pane's lines from now on show
 * their time, or stop showing it (a merged one draws them all again). */
void logpane_toggle_timestamps(struct app *a, struct slot *s);
/* A relisting (g, n: its answer for region, before it replaces what was
 * listed): a log pane whose container's restart count went up says so in a
 * dim line, as the merged view marks its gaps. */
void logpane_note_restarts(struct app *a, int prov, const char *region, const struct fm_group *g,
			   size_t n);

/* mergepane.c, beside logpane.c: the merged log view of several
 * containers (L), a log pane fed by a follower each. It takes the
 * targets (they need not be named yet); what says what they are in the
 * title ("marked", a group's name, "all"). */
int mergepane_open(struct app *a, struct target_set *targets, const char *what);
int mergepane_is(const struct slot *s);
/* log-include, log-exclude, log-highlight: the expression (NULL or "":
 * none) for the pane s, which must be a merged one; drawn again from the
 * kept lines. A bad one is said and changes nothing: -1. */
int mergepane_set_expr(struct app *a, struct slot *s, enum logview_expr k, const char *expr);
/* The expression in use ("" none), to edit at the prompt. */
const char *mergepane_expr(const struct slot *s, enum logview_expr k);
void mergepane_toggle_timestamps(struct app *a, struct slot *s);
/* metrics_poll.c: CPU and memory of the listed groups into the sidebar,
 * every metrics-interval; a region is asked at once when its listing ends
 * (what was in flight for it is cancelled). metrics_poll_free cancels
 * every request; its timers close on the loop. */
void metrics_poll_init(struct app *a);
void metrics_poll_listed(struct app *a, int prov, const char *region);
/* Every interval's fetch is skipped while no client is attached; a client
 * attaching asks at once. */
void metrics_poll_wake(struct app *a);
void metrics_poll_free(struct app *a);
/* group_events.c: a relisting's news. compare, before the answer
 * replaces what was listed: says the groups' new events worth saying in
 * the message log, and keeps whose rows get a badge; badge, after it:
 * puts them there (and frees news). */
struct group_news {
	struct {
		char *id;
		int warnings, restarts;
	} *v;
	size_t n;
};
void group_events_compare(struct app *a, int prov, const char *region, const struct fm_group *g,
			  size_t n, struct group_news *out);
void group_events_badge(struct app *a, int prov, const char *region, struct group_news *news);

/* sidebar_listing.c: the fleet into the sidebar. */
void sidebar_listing_init(struct app *a);
void sidebar_listing_start(struct app *a);
/* r: list everything again. */
void sidebar_listing_refresh(struct app *a);
/* Enter on a row: fold or unfold it, or open its container. */
void sidebar_listing_open_row(struct app *a);
/* l: a log pane for the row's container; other rows unfold. p: the
 * previous instance's log of the row's container. */
void sidebar_listing_logs_row(struct app *a, int previous);
/* L: a merged log pane of the marked containers, else of the group (or
 * region) under the cursor. */
void sidebar_listing_logs_merged(struct app *a);
/* o: a pane for every marked container. */
void sidebar_listing_open_marked(struct app *a);
void sidebar_listing_free(struct app *a);

/* workspace_keep.c: the session's workspace file. start: reopen NAME's
 * panes (as --open's specs, once listed) and keep it written; restored:
 * a pane of it opened (its first line says what ran there is gone; the
 * last gives back the focus and zoom); save_as: :save NAME, now and from
 * then on; stop: the last change written. */
char *workspace_dir(void);
char *workspace_path(const char *name);
/* A workspace file read and decoded: 0; -1 with why for its text; -2
 * when it cannot be opened (errno, and why, say why). */
struct workspace;
int workspace_load(const char *path, struct workspace *w, char *why, size_t whylen);
int workspace_start(struct app *a, const char *name);
void workspace_restored(struct app *a, struct slot *s, int marked);
int workspace_save_as(struct app *a, const char *name);
void workspace_stop(struct app *a);
/* logpane.c: does the log pane show the previous instance's log? */
int logpane_is_previous(const struct slot *s);

/* tui_run.c: C-b !: cmd on the marked containers, into a results pane. */
void tui_run_start(struct app *a, const char *cmd);

/* pick.c: a pane by its number, typed over C-b q's numbers, or from C-b
 * w's list. pick_digit (pure): the number typed so far in *typed gains a
 * digit; the pane number chosen, 0 while another digit could still name a
 * pane, -1 when none has that number. */
int pick_digit(int *typed, int digit, int npanes);
void pick_numbers_show(struct app *a);
/* A key while the numbers are shown: 1 when it was theirs (a digit, or
 * Enter after one); anything else puts them away and is itself. */
int pick_numbers_key(struct app *a, wint_t ch, int is_key);
void pick_chooser_open(struct app *a);
/* Every key goes to the list while it is open. */
void pick_chooser_key(struct app *a, wint_t ch, int is_key);
/* The help and the message log over the panes, and the command prompt.
 * overlay_pages.c: pure reads: the overlay's area, and its page (the key
 * tables as bound, or the messages kept) as lines of its width. */
struct rect overlay_area(const struct app *a);
int overlay_text_width(const struct app *a);
int overlay_text_rows(const struct app *a);
void overlay_page(const struct app *a, struct ovl_page *pg);
/* details_page.c: the details view's page (pure read): every field of
 * the group and its containers, its events, and its CPU and memory
 * history as charts (chart.c). */
void details_page(const struct app *a, int width, struct ovl_page *pg);
/* draw_overlay.c, with draw.c: the open overlay, over the panes. */
void draw_overlay(struct app *a);
/* details.c, below overlay.c: the details view's group and its history
 * (asked when it opens and every 15 s while open, with the group's region
 * listed again); details_open clears the group's badge. The caller opens
 * the overlay. details_stop forgets it (overlay_close calls it). */
void details_init(struct app *a);
int details_open(struct app *a, int prov, const char *region, const char *group_id);
void details_stop(struct app *a);
void details_free(struct app *a);
/* overlay.c, above frame.c: open and close one; its keys, while open. */
void overlay_open(struct app *a, enum overlay_kind kind, const char *filter);
void overlay_close(struct app *a);
void overlay_key(struct app *a, wint_t ch, int is_key);
/* commands.c, below actions.c: the command prompt, opened with done (which
 * hands the line to commands_run), with Tab and the history. commands_run
 * runs a command that takes words and says what is wrong with a line; an
 * action without words it returns, for actions.c to run. */
void commands_prompt_open(struct app *a, void (*done)(void *arg, const char *line));
enum action commands_run(struct app *a, const char *line);
/* Does a command have its function here? (test_cmdline asks.) */
int commands_runs(enum command c);

/* actions.c: every action by its enum or its name (keymap.c has the
 * names). Each one has a line of help. */
void actions_run(struct app *a, enum action act);
/* -FM_ENOTFOUND when no action has that name. */
int actions_run_named(struct app *a, const char *name);
const char *actions_help(enum action act);

/* input.c: one key from the client that typed it (clients.c reads them
 * with its screen current); a read-only client's keys that would change
 * something are refused here, the one place they all pass. */
void input_key(struct app *a, wint_t ch, int is_key);
/* May a read-only client run this action? (pure: test_actions asks) */
int action_is_view(enum action act);

/* clients.c, above input.c: the session's terminals. */
int clients_base_screen(struct app *a);
/* name: the session's (NULL: prefer, if free, else the first free number). */
int clients_listen(struct app *a, const char *dir, const char *name, const char *prefer);
/* A frame into every attached client (frame.c); the echo into the one
 * that typed, 0 when it needs the whole frame. */
void clients_frame(struct app *a);
int clients_echo(struct app *a);
int clients_attached(const struct app *a);
/* A pane closes: a watcher's copy mode in it goes. */
void clients_pane_closed(struct app *a, struct slot *s);
/* What was refused to the client typing, said on its own status line;
 * what the client being drawn was told, NULL when nothing (or long ago). */
void clients_note(struct app *a, const char *text);
const char *clients_drawn_note(const struct app *a);
/* Is the key being handled a read-only client's? Is the one being drawn? */
int clients_readonly(const struct app *a);
int clients_drawn_readonly(const struct app *a);
/* The client leaves: told why (NULL: it is gone, nothing to tell) and
 * with what exit code; its terminal gets curses' goodbye. */
void clients_detach(struct app *a, struct client *c, int code, const char *why);
/* The session ends: every terminal given back, the socket closed; the
 * clients wait for clients_free to tell them why. */
void clients_end(struct app *a);
void clients_free(struct app *a, const char *why);
/* Bytes for the terminal being drawn (a cursor shape, OSC 52), after
 * what curses wrote there. */
void term_write(struct app *a, const char *s, size_t n);
/* draw.c: the copy into the drawn terminal's clipboard. */
void draw_osc52(struct app *a, const char *text);

#endif
