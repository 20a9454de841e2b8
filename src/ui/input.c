/* input.c: keys and the mouse, and where typing goes. A key goes, in
 * order, to an open overlay (the help, the log: all but the prefix, while
 * no prompt is open), to an open prompt (the sidebar's filter, the status
 * line's), to the list of panes while it is open, to the prefix table after the prefix, to the pane numbers while
 * they are shown, to the sidebar's table, to copy mode, and otherwise to
 * the panes it reaches (focus.c). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/modekeys.h"
#include "tui.h"

static void
filter_key(struct app *a, wint_t ch, int is_key)
{
	int r = line_edit(a->filter_edit, sizeof a->filter_edit, ch, is_key);

	if (r != LINE_EDITING)
		a->filtering = 0;
	if (r == LINE_CANCEL) /* Escape drops the filter */
		a->filter_edit[0] = '\0';
	sidebar_set_filter(&a->sb, a->filter_edit);
	sidebar_home(&a->sb);
	frame_schedule(a);
}

/* A mouse event inside a pane whose application turned mouse mode on goes
 * to that application; the wheel elsewhere scrolls history. */
static int
mouse_to_pane(struct app *a, MEVENT *ev)
{
	int i = a->zoomed >= 0 ? a->zoomed : layout_hit(a->rects, a->npanes, ev->x, ev->y);
	struct pane *p;
	int row, col;

	if (i < 0)
		return 0;
	p = a->slots[i]->pane;
	row = ev->y - p->top;
	col = ev->x - p->left;
	if (row < 0 || row >= p->rows || col < 0 || col >= p->cols)
		return 0;
	if (p->mouse_mode && !p->copy.active) {
		vterm_mouse_move(p->vt, row, col, VTERM_MOD_NONE);
		if (ev->bstate & BUTTON4_PRESSED)
			vterm_mouse_button(p->vt, 4, 1, VTERM_MOD_NONE);
		else if (ev->bstate & BUTTON5_PRESSED)
			vterm_mouse_button(p->vt, 5, 1, VTERM_MOD_NONE);
		else if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			vterm_mouse_button(p->vt, 1, 1, VTERM_MOD_NONE);
		if (ev->bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED))
			vterm_mouse_button(p->vt, 1, 0, VTERM_MOD_NONE);
		if (ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			panes_focus(a, i);
		return 1;
	}
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		copy_scroll(p, ev->bstate & BUTTON4_PRESSED ? -3 : 3);
		return 1;
	}
	return 0;
}

/* A click focuses what is under it: a sidebar row, or a pane. */
static void
mouse_event(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (!(a->sidebar_visible && ev.x < a->sidebar_width) && mouse_to_pane(a, &ev)) {
		frame_schedule(a);
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (a->sidebar_visible && ev.x < a->sidebar_width) {
		a->sidebar_focus = 1;
		if (a->sb.dirty)
			sidebar_rebuild(&a->sb);
		if (a->sb.scroll + ev.y < (int)a->sb.nrows && ev.y < a->rows - 1 - SIDEBAR_FOOTER_ROWS) {
			a->sb.cursor = a->sb.scroll + ev.y;
			a->sb.user_moved = 1;
		}
	} else {
		int i = a->zoomed >= 0 ? a->zoomed : layout_hit(a->rects, a->npanes, ev.x, ev.y);

		if (i >= 0)
			panes_focus(a, i);
	}
	a->full_redraw = 1;
	frame_schedule(a);
}

static void
copy_mode_key(struct app *a, struct pane *p, wint_t ch, int is_key)
{
	char *copied = NULL, paste[32];

	if (copy_key(p, ch, is_key, &copied) && copied != NULL && clients_readonly(a)) {
		/* A watcher's copy is its own: its terminal's clipboard, not the
		 * session's paste buffer. */
		app_message(a, 0, "copied %zu bytes to this terminal's clipboard", strlen(copied));
		free(a->osc52_pending);
		a->osc52_pending = copied;
		copied = NULL;
	} else if (copied != NULL) {
		buf_reset(&a->paste);
		buf_puts(&a->paste, copied);
		keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_PASTE, paste, sizeof paste);
		app_message(a, 0, "copied %zu bytes (%s pastes)", strlen(copied), paste);
		if (a->opt.osc52) {
			free(a->osc52_pending);
			a->osc52_pending = copied;
			copied = NULL;
		}
		free(copied);
	}
	frame_schedule(a);
}

/* The key went to the focused pane: its echo is drawn at once. */
static void
want_echo(struct app *a)
{
	uv_update_time(a->loop);
	a->key_at = uv_now(a->loop);
	a->echo_wanted = 1;
}

/* i, e, h in a merged log pane: its expression at the prompt, to edit. */
static void
expr_typed(struct app *a, enum logview_expr k, const char *text)
{
	struct slot *s = focus_slot(a);

	if (mergepane_is(s))
		mergepane_set_expr(a, s, k, text);
}

static void
include_typed(void *arg, const char *text)
{
	expr_typed(arg, LOGVIEW_INCLUDE, text);
}

static void
exclude_typed(void *arg, const char *text)
{
	expr_typed(arg, LOGVIEW_EXCLUDE, text);
}

static void
highlight_typed(void *arg, const char *text)
{
	expr_typed(arg, LOGVIEW_HIGHLIGHT, text);
}

static int
merged_pane_key(struct app *a, struct slot *s, wint_t ch, int is_key)
{
	static void (*const done[LOGVIEW_EXPRS])(void *, const char *) = {include_typed, exclude_typed,
									     highlight_typed};
	enum logview_expr k;
	char label[64];

	if (is_key || !mergepane_is(s) || (ch != 'i' && ch != 'e' && ch != 'h'))
		return 0;
	k = ch == 'i' ? LOGVIEW_INCLUDE : ch == 'e' ? LOGVIEW_EXCLUDE : LOGVIEW_HIGHLIGHT;
	snprintf(label, sizeof label, "%s (regular expression; empty: none): ", logview_expr_name(k));
	prompt_open(&a->prompt, label, done[k], a);
	snprintf(a->prompt.text, sizeof a->prompt.text, "%s", mergepane_expr(s, k));
	frame_schedule(a);
	return 1;
}

static void
pane_input(struct app *a, wint_t ch, int is_key)
{
	if (!a->broadcast && merged_pane_key(a, focus_slot(a), ch, is_key))
		return;
	/* Each pane encodes the key for its own modes (cursor keys, keypad). */
	for (int i = 0; i < a->npanes; i++) {
		if (!focus_reaches(a, i))
			continue;
		if (a->slots[i]->log) {
			/* Nowhere to send it: said at the next frame (frame.c). */
			a->slots[i]->pane->refused = 1;
			frame_schedule(a);
			continue;
		}
		pane_key(a->slots[i]->pane, ch, is_key);
	}
	want_echo(a);
}

/* What a read-only client may do: watch what the writers do, in views of
 * its own (clients.c keeps them apart): copy mode in the focused pane
 * (scroll, search, copy to its own clipboard), the help, the message log,
 * and detach. Everything else changes what the writers see or what runs
 * (focus, the sidebar's cursor and filter, layout, panes, marks,
 * recording, C-b !, the prompt, bytes to a container) and is refused. */
int
action_is_view(enum action act)
{
	switch (act) {
	case ACT_NONE:
	case ACT_COPY_MODE:
	case ACT_LIST_KEYS:
	case ACT_SHOW_MESSAGES:
	case ACT_DETACH:
		return 1;
	default:
		return 0;
	}
}

/* A read-only client's key that would change something: flashed and
 * said (app_message says a watcher's words on its own status line, not
 * the writers'), nothing done. */
static void
refuse(struct app *a, const char *what)
{
	flash();
	app_message(a, 1, "refused: %s", what);
}

static void
run_action(struct app *a, enum action act)
{
	if (clients_readonly(a) && !action_is_view(act)) {
		char what[96];

		snprintf(what, sizeof what, "%s", action_name(act));
		refuse(a, what);
		return;
	}
	actions_run(a, act);
}

void
input_key(struct app *a, wint_t ch, int is_key)
{
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch;
	int ro = clients_readonly(a);
	enum action act;

	/* An open overlay takes every key but the prefix, and the prompt's. */
	if (a->overlay.kind != OVERLAY_NONE && !a->prompt.active && !a->prefix_pending &&
	    key != a->opt.prefix) {
		overlay_key(a, ch, is_key);
		return;
	}
	if (is_key && ch == KEY_MOUSE) {
		MEVENT ev;

		/* A watcher's mouse could reach a pane's application. */
		if (ro)
			getmouse(&ev);
		else
			mouse_event(a);
		return;
	}
	if (is_key && ch == KEY_RESIZE)
		return; /* the client tells its size (clients.c) */
	if (a->filtering) {
		filter_key(a, ch, is_key);
		return;
	}
	if (a->prompt.active) {
		/* The prompt is the writer's (a command, a y/n question). */
		if (ro) {
			refuse(a, "the writers' prompt");
			return;
		}
		prompt_key(&a->prompt, ch, is_key);
		frame_schedule(a);
		return;
	}
	if (a->choosing) {
		pick_chooser_key(a, ch, is_key);
		return;
	}
	if (a->prefix_pending) {
		a->prefix_pending = 0;
		act = keytable_lookup(&a->prefix_keys, key);
		if (act == ACT_NONE && key == a->opt.prefix)
			act = ACT_SEND_PREFIX;
		run_action(a, act);
		return;
	}
	if (key == a->opt.prefix) {
		a->prefix_pending = 1;
		frame_schedule(a);
		return;
	}
	if (a->numbers_shown && pick_numbers_key(a, ch, is_key))
		return;
	if (a->sidebar_focus || a->npanes == 0) {
		run_action(a, keytable_lookup(&a->sidebar_keys, key));
		return;
	}
	if (a->slots[a->focus]->pane->copy.active) {
		copy_mode_key(a, a->slots[a->focus]->pane, ch, is_key);
		return;
	}
	if (ro) {
		refuse(a, "keys to containers");
		return;
	}
	pane_input(a, ch, is_key);
}
