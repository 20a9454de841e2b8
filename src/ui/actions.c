/* actions.c: what each action does, one function an action, in one table
 * by action (keymap.c has their names, which key tables and the config
 * use). A key reaches here through a key table; anything else (a command
 * prompt) can run an action by its name. */
#include <stdio.h>
#include <string.h>

#include "fleetmux/sidebar_usage.h"
#include "tui.h"

/* Most actions are for the focused pane (focus_slot); with the sidebar
 * focused, or no pane, they do nothing. */

static void
act_focus_dir(struct app *a, enum action act)
{
	static const enum direction dirs[] = {DIR_LEFT, DIR_RIGHT, DIR_UP, DIR_DOWN};
	int n;

	if (a->npanes == 0 || a->zoomed >= 0)
		return;
	if (a->sidebar_focus) {
		if (act == ACT_FOCUS_RIGHT)
			a->sidebar_focus = 0;
		return;
	}
	n = layout_neighbour(a->rects, a->npanes, a->focus, dirs[act - ACT_FOCUS_LEFT]);
	if (n >= 0)
		panes_focus(a, n);
	else if (act == ACT_FOCUS_LEFT && a->sidebar_visible)
		a->sidebar_focus = 1;
}

static void
act_focus_next(struct app *a, enum action act)
{
	if (a->npanes > 0)
		panes_focus(a, (a->focus + 1) % a->npanes);
}

static void
act_focus_number(struct app *a, enum action act)
{
	panes_focus(a, act - ACT_FOCUS_1);
}

static void
act_zoom(struct app *a, enum action act)
{
	if (a->npanes == 0)
		return;
	a->zoomed = a->zoomed >= 0 ? -1 : a->focus;
	a->sidebar_focus = 0;
	panes_relayout(a);
}

static void
act_close_pane(struct app *a, enum action act)
{
	if (focus_slot(a) != NULL)
		panes_close_asking(a, a->focus);
}

static void
act_next_layout(struct app *a, enum action act)
{
	a->layout = (a->layout + 1) % LAYOUT_COUNT;
	a->zoomed = -1;
	panes_relayout(a);
	app_message(a, 0, "layout %s", layout_name(a->layout));
}

static void
act_switch_side(struct app *a, enum action act)
{
	if (a->npanes > 0 && a->sidebar_focus)
		a->sidebar_focus = 0;
	else if (a->sidebar_visible)
		a->sidebar_focus = 1;
	a->full_redraw = 1;
}

static void
act_toggle_sidebar(struct app *a, enum action act)
{
	a->sidebar_visible = !a->sidebar_visible;
	if (!a->sidebar_visible)
		a->sidebar_focus = 0;
	panes_relayout(a);
}

static void
act_broadcast(struct app *a, enum action act)
{
	a->broadcast = !a->broadcast;
	a->full_redraw = 1;
	app_message(a, 0, "broadcast %s",
		    a->broadcast ? "on: typing goes to every highlighted pane" : "off");
}

static void
act_mark_pane(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL)
		return;
	s->marked = !s->marked;
	a->full_redraw = 1;
}

static void
act_record(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL)
		return;
	if (s->pane->rec != NULL)
		panes_record_stop(a, s);
	else if (panes_record(a, s, a->opt.record_dir) < 0)
		app_message(a, 1, "cannot record: %s", fm_error_message());
	a->full_redraw = 1;
}

static void
act_retry(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);
	char retry[32];

	if (s == NULL)
		return;
	keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_RETRY, retry, sizeof retry);
	if (s->log)
		app_message(a, 0, "pane %d follows a log: its feed tries again by itself", s->number);
	else if (s->pane->session == NULL)
		panes_reopen(a, s);
	else
		app_message(a, 0, "pane %d is %s; %s retries failed or exited panes", s->number,
			    s->pane->state == SESSION_OPEN ? "live" : "connecting", retry);
}

/* C-b l: the log of the focused pane's container, in a pane of its own. */
static void
act_log_pane(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL || s->prov < 0) {
		app_message(a, 1, "%s: focus a container's pane (or press %s on one in the sidebar)",
			    action_name(act), act == ACT_LOG_PREVIOUS ? "p" : "l");
		return;
	}
	logpane_open(a, s->prov, s->region, s->group_id, s->group_name, s->container,
		     act == ACT_LOG_PREVIOUS);
}

/* i in the sidebar, C-b i on a pane: every field of the group, its
 * events and its CPU and memory history, over the panes; again closes. */
static void
show_details(struct app *a, int prov, const char *region, const char *group_id)
{
	if (a->overlay.kind == OVERLAY_DETAILS && a->details.group_id != NULL &&
	    strcmp(a->details.group_id, group_id) == 0) {
		overlay_close(a);
		return;
	}
	if (a->overlay.kind != OVERLAY_NONE)
		overlay_close(a);
	details_open(a, prov, region, group_id);
	overlay_open(a, OVERLAY_DETAILS, NULL);
}

static void
act_details(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (act == ACT_SB_DETAILS) {
		const struct sb_row *r = sidebar_current(&a->sb);

		if (r == NULL || (r->kind != ROW_GROUP && r->kind != ROW_CONTAINER)) {
			app_message(a, 0, "details: put the cursor on a group or a container");
			return;
		}
		show_details(a, r->prov, a->sb.regions[r->region].id,
			     a->sb.regions[r->region].groups[r->group].g.id);
		return;
	}
	if (s == NULL || s->prov < 0) {
		app_message(a, 1, "details: focus a container's pane (or press i on a group in the sidebar)");
		return;
	}
	show_details(a, s->prov, s->region, s->group_id);
}

static void
act_log_timestamps(struct app *a, enum action act)
{
	logpane_toggle_timestamps(a, focus_slot(a));
}

static void
run_typed(void *arg, const char *cmd)
{
	if (cmd[0] != '\0')
		tui_run_start(arg, cmd);
}

static void
act_run(struct app *a, enum action act)
{
	size_t n = sidebar_count_marked(&a->sb);
	char label[64], run[32];

	if (n == 0) {
		keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_RUN, run, sizeof run);
		app_message(a, 1, "%s: mark containers in the sidebar first (Space)", run);
		return;
	}
	snprintf(label, sizeof label, "run on %zu marked %s: ", n,
		 fm_plural((long long)n, "container", "containers"));
	prompt_open(&a->prompt, label, run_typed, a);
}

static void
act_copy_mode(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL)
		return;
	copy_enter(s->pane);
	app_message(a, 0, "copy mode: hjkl w b e 0 ^ $ move, / ? n N search, v V C-v select, y copy, q quit");
}

static void
act_paste(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL)
		return;
	if (a->paste.len > 0)
		pane_paste(s->pane, a->paste.data, a->paste.len);
}

static void
act_show_numbers(struct app *a, enum action act)
{
	pick_numbers_show(a);
}

static void
act_choose_pane(struct app *a, enum action act)
{
	pick_chooser_open(a);
}

static void
quit_now(void *arg, const char *yes)
{
	struct app *a = arg;

	a->quit = 1;
	uv_stop(a->loop);
}

/* Quitting ends every live session: asked first, saying how many. */
static void
act_quit(struct app *a, enum action act)
{
	int live = 0;
	char question[128];

	for (int i = 0; i < a->npanes; i++)
		live += panes_live(a->slots[i]);
	if (live == 0) {
		quit_now(a, "y");
		return;
	}
	snprintf(question, sizeof question, "quit? %d live session%s will end (y/n)", live,
		 live == 1 ? "" : "s");
	prompt_ask(&a->prompt, question, quit_now, a);
}

static void
act_detach(struct app *a, enum action act)
{
	char why[160];

	if (a->typing == NULL)
		return;
	snprintf(why, sizeof why, "[detached (from session %s)]", a->session_name);
	clients_detach(a, a->typing, 0, why);
}

static void
act_send_prefix(struct app *a, enum action act)
{
	struct slot *s = focus_slot(a);

	if (s == NULL)
		return;
	pane_key(s->pane, (wint_t)a->opt.prefix, 0);
}

static void
act_swap(struct app *a, enum action act)
{
	if (a->npanes > 1)
		panes_swap(a, a->focus,
			   (a->focus + (act == ACT_SWAP_NEXT ? 1 : a->npanes - 1)) % a->npanes);
}

static void
act_sb_move(struct app *a, enum action act)
{
	int page = a->rows - 3, all = 1 << 30;

	switch (act) {
	case ACT_SB_UP: sidebar_move(&a->sb, -1); break;
	case ACT_SB_DOWN: sidebar_move(&a->sb, 1); break;
	case ACT_SB_TOP: sidebar_move(&a->sb, -all); break;
	case ACT_SB_BOTTOM: sidebar_move(&a->sb, all); break;
	case ACT_SB_PAGE_UP: sidebar_move(&a->sb, -page); break;
	case ACT_SB_PAGE_DOWN: sidebar_move(&a->sb, page); break;
	default: break;
	}
}

static void
act_sb_open(struct app *a, enum action act)
{
	sidebar_listing_open_row(a);
}

static void
act_sb_logs(struct app *a, enum action act)
{
	if (act == ACT_SB_LOGS_MERGED)
		sidebar_listing_logs_merged(a);
	else
		sidebar_listing_logs_row(a, act == ACT_SB_LOG_PREVIOUS);
}

static void
act_sb_mark(struct app *a, enum action act)
{
	sidebar_toggle_mark(&a->sb);
}

static void
act_sb_open_marked(struct app *a, enum action act)
{
	sidebar_listing_open_marked(a);
}

static void
act_sb_filter(struct app *a, enum action act)
{
	a->filtering = 1;
	snprintf(a->filter_edit, sizeof a->filter_edit, "%s", a->sb.filter);
}

static void
act_sb_refresh(struct app *a, enum action act)
{
	sidebar_listing_refresh(a);
}

static void
act_sb_fold(struct app *a, enum action act)
{
	a->sb.user_moved = 1;
	if (act == ACT_SB_COLLAPSE)
		sidebar_collapse(&a->sb);
	else
		sidebar_expand(&a->sb);
}

static void
act_sb_mark_all(struct app *a, enum action act)
{
	size_t n = sidebar_mark_shown(&a->sb);
	char run[32];

	keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_RUN, run, sizeof run);
	if (n > 0)
		app_message(a, 0, "%zu %s marked (o opens %s, %s runs a command on %s)", n,
			    fm_plural((long long)n, "container", "containers"),
			    fm_plural((long long)n, "it", "them"), run,
			    fm_plural((long long)n, "it", "them"));
	else
		app_message(a, 0, "no container marked");
}

/* S: the next order of the groups; the filter's line shows it. */
static void
act_sb_sort(struct app *a, enum action act)
{
	(void)act;
	sidebar_set_sort(&a->sb, (a->sb.sort + 1) % SB_SORT_COUNT);
	app_message(a, 0, "groups by %s", sb_sort_name(a->sb.sort));
}

/* C-b < and >: the sidebar's width, four columns a key. */
static void
act_sidebar_width(struct app *a, enum action act)
{
	int w = a->sidebar_width + (act == ACT_SIDEBAR_WIDER ? 4 : -4), most = a->cols - 20;

	if (w > most)
		w = most;
	if (w > APP_SIDEBAR_MAX)
		w = APP_SIDEBAR_MAX;
	if (w < APP_SIDEBAR_MIN)
		w = APP_SIDEBAR_MIN;
	a->sidebar_width = w;
	if (!a->sidebar_visible)
		a->sidebar_visible = 1;
	panes_relayout(a);
}

/* C-b ? and C-b ~: the same key again closes what it opened. */
static void
act_overlay(struct app *a, enum action act)
{
	enum overlay_kind kind = act == ACT_LIST_KEYS ? OVERLAY_HELP : OVERLAY_LOG;

	if (a->overlay.kind == kind)
		overlay_close(a);
	else
		overlay_open(a, kind, NULL);
}

/* C-b :: commands.c runs the line; an action without words comes back. */
static void
command_typed(void *arg, const char *line)
{
	struct app *a = arg;

	actions_run(a, commands_run(a, line));
}

static void
act_command_prompt(struct app *a, enum action act)
{
	commands_prompt_open(a, command_typed);
}

static const struct {
	void (*run)(struct app *, enum action);
	const char *help;
} actions[ACT_COUNT] = {
    [ACT_FOCUS_LEFT] = {act_focus_dir, "focus the pane to the left (or the sidebar)"},
    [ACT_FOCUS_RIGHT] = {act_focus_dir, "focus the pane to the right"},
    [ACT_FOCUS_UP] = {act_focus_dir, "focus the pane above"},
    [ACT_FOCUS_DOWN] = {act_focus_dir, "focus the pane below"},
    [ACT_FOCUS_NEXT] = {act_focus_next, "focus the next pane"},
    [ACT_ZOOM] = {act_zoom, "zoom the focused pane, or back"},
    [ACT_CLOSE_PANE] = {act_close_pane, "close the focused pane (its shell ends; a live one asks y/n first)"},
    [ACT_NEXT_LAYOUT] = {act_next_layout, "the next layout: tiled, even-horizontal, even-vertical, main-vertical"},
    [ACT_SWITCH_SIDE] = {act_switch_side, "between the sidebar and the panes"},
    [ACT_SHOW_NUMBERS] = {act_show_numbers, "show pane numbers; typing one (10 and up: its digits) focuses it"},
    [ACT_CHOOSE_PANE] = {act_choose_pane, "choose a pane from a list (arrows and Enter, or its number)"},
    [ACT_QUIT] = {act_quit, "end the session: every pane closes (with live sessions it asks y/n first)"},
    [ACT_DETACH] = {act_detach, "detach this terminal: the session and its panes go on (fleetmux attach)"},
    [ACT_SEND_PREFIX] = {act_send_prefix, "send the prefix key to the pane"},
    [ACT_SWAP_NEXT] = {act_swap, "swap the focused pane with the next"},
    [ACT_SWAP_PREV] = {act_swap, "swap the focused pane with the previous"},
    [ACT_TOGGLE_SIDEBAR] = {act_toggle_sidebar, "hide or show the sidebar"},
    [ACT_BROADCAST] = {act_broadcast, "typing goes to every pane in view, or the marked ones"},
    [ACT_MARK_PANE] = {act_mark_pane, "mark the focused pane for broadcast"},
    [ACT_RECORD] = {act_record, "start or stop recording the focused pane (asciicast v2)"},
    [ACT_RETRY] = {act_retry, "a new session for a failed or exited pane"},
    [ACT_COPY_MODE] = {act_copy_mode, "copy mode: scroll, search, select"},
    [ACT_RUN] = {act_run, "run a command on the marked containers"},
    [ACT_PASTE] = {act_paste, "paste what copy mode copied (bracketed when the application asked)"},
    [ACT_LOG_PANE] = {act_log_pane, "follow the focused pane's container's log in a new pane (it takes no input)"},
    [ACT_LOG_PREVIOUS] = {act_log_pane, "the log of the focused pane's container before its last restart (ECI, Kubernetes), in a new pane"},
    [ACT_DETAILS] = {act_details, "details of the focused pane's group: every field, its events, a CPU and memory chart"},
    [ACT_LOG_TIMESTAMPS] = {act_log_timestamps, "the focused log pane's lines with their time, or without (from now on)"},
    [ACT_FOCUS_1] = {act_focus_number, "focus pane 1"},
    [ACT_FOCUS_2] = {act_focus_number, "focus pane 2"},
    [ACT_FOCUS_3] = {act_focus_number, "focus pane 3"},
    [ACT_FOCUS_4] = {act_focus_number, "focus pane 4"},
    [ACT_FOCUS_5] = {act_focus_number, "focus pane 5"},
    [ACT_FOCUS_6] = {act_focus_number, "focus pane 6"},
    [ACT_FOCUS_7] = {act_focus_number, "focus pane 7"},
    [ACT_FOCUS_8] = {act_focus_number, "focus pane 8"},
    [ACT_FOCUS_9] = {act_focus_number, "focus pane 9"},
    [ACT_SB_UP] = {act_sb_move, "sidebar: up"},
    [ACT_SB_DOWN] = {act_sb_move, "sidebar: down"},
    [ACT_SB_OPEN] = {act_sb_open, "sidebar: open the container, or fold the row"},
    [ACT_SB_MARK] = {act_sb_mark, "sidebar: mark the container, or a group's, region's or provider's; again: unmark; the cursor then moves down"},
    [ACT_SB_OPEN_MARKED] = {act_sb_open_marked, "sidebar: open every marked container"},
    [ACT_SB_FILTER] = {act_sb_filter, "sidebar: filter (name, id, status, zone, IP, tag)"},
    [ACT_SB_REFRESH] = {act_sb_refresh, "sidebar: list everything again (the cursor, folds and marks stay)"},
    [ACT_SB_COLLAPSE] = {act_sb_fold, "sidebar: fold the row"},
    [ACT_SB_EXPAND] = {act_sb_fold, "sidebar: unfold the row"},
    [ACT_SB_TOP] = {act_sb_move, "sidebar: the first row"},
    [ACT_SB_BOTTOM] = {act_sb_move, "sidebar: the last row"},
    [ACT_SB_PAGE_UP] = {act_sb_move, "sidebar: a page up"},
    [ACT_SB_PAGE_DOWN] = {act_sb_move, "sidebar: a page down"},
    [ACT_SB_MARK_ALL] = {act_sb_mark_all, "sidebar: mark every container the filter shows, or none"},
    [ACT_SB_LOGS] = {act_sb_logs, "sidebar: follow the container's log in a pane; on other rows, unfold"},
    [ACT_SB_LOGS_MERGED] = {act_sb_logs, "sidebar: the logs of the marked containers (else the group's or the region's) merged by time in one pane"},
    [ACT_SB_LOG_PREVIOUS] = {act_sb_logs, "sidebar: the container's log before its last restart (ECI, Kubernetes; Docker keeps none apart)"},
    [ACT_SB_DETAILS] = {act_details, "sidebar: details of the group: every field, its events, a CPU and memory chart"},
    [ACT_SIDEBAR_NARROWER] = {act_sidebar_width, "a narrower sidebar (4 columns; sidebar-width in the config)"},
    [ACT_SIDEBAR_WIDER] = {act_sidebar_width, "a wider sidebar (4 columns)"},
    [ACT_SB_SORT] = {act_sb_sort, "sidebar: the groups in the next order: by CPU, memory, restarts, status, name, as listed"},
    [ACT_LIST_KEYS] = {act_overlay, "list every key as bound, and the commands (/ filters)"},
    [ACT_COMMAND_PROMPT] = {act_command_prompt, "run any action or command by its name, with words"},
    [ACT_SHOW_MESSAGES] = {act_overlay, "every message and error, in full, with its time"},
};

void
actions_run(struct app *a, enum action act)
{
	if (act > ACT_NONE && act < ACT_COUNT && actions[act].run != NULL)
		actions[act].run(a, act);
	frame_schedule(a);
}

int
actions_run_named(struct app *a, const char *name)
{
	enum action act = action_from_name(name);

	if (act == ACT_NONE && strcmp(name, "none") != 0)
		return -FM_ENOTFOUND;
	actions_run(a, act);
	return 0;
}

const char *
actions_help(enum action act)
{
	if (act == ACT_NONE)
		return "nothing";
	/* An action without a function has no help either: the test of the
	 * table finds it. */
	if (act <= ACT_NONE || act >= ACT_COUNT || actions[act].run == NULL)
		return NULL;
	return actions[act].help;
}
