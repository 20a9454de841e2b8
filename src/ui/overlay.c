/* overlay.c: the overlays' keys: the help (C-b ?), the message log
 * (C-b ~) and a group's details (i) scroll, filter as you type, copy (the
 * log, the details) and close. While one
 * is open it takes every key but the prefix, so C-b ? closes the help
 * again and C-b : still opens the prompt; the panes go on beneath.
 * keyhelp.c lists these keys: change both together. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

void
overlay_open(struct app *a, enum overlay_kind kind, const char *filter)
{
	a->overlay.kind = kind;
	a->overlay.filtering = 0;
	snprintf(a->overlay.filter, sizeof a->overlay.filter, "%s", filter ? filter : "");
	/* the help from its top; the log at its newest, following */
	a->overlay.scroll = kind == OVERLAY_LOG ? OVERLAY_END : 0;
	frame_schedule(a);
}

void
overlay_close(struct app *a)
{
	if (a->overlay.kind == OVERLAY_DETAILS)
		details_stop(a);
	a->overlay.kind = OVERLAY_NONE;
	a->overlay.filtering = 0;
	a->full_redraw = 1; /* what was beneath comes back */
	frame_schedule(a);
}

/* y in the log: the messages it shows, in full, one a line, into the
 * paste buffer (and the outer clipboard, as copy mode does). */
static void
copy_log(struct app *a)
{
	size_t n = messages_count(&a->messages), copied = 0;
	char lead[32];

	buf_reset(&a->paste);
	for (size_t i = 0; i < n; i++) {
		const struct message *m = messages_get(&a->messages, i);
		char when[16];
		struct tm tm;

		localtime_r(&m->at, &tm);
		strftime(when, sizeof when, "%H:%M:%S  ", &tm);
		if (a->overlay.filter[0] && !strcasestr(m->text, a->overlay.filter) &&
		    !strcasestr(when, a->overlay.filter))
			continue;
		buf_printf(&a->paste, "%s%s\n", when, m->text);
		copied++;
	}
	if (a->opt.osc52 && a->paste.len > 0) {
		free(a->osc52_pending);
		a->osc52_pending = xstrdup(a->paste.data);
	}
	keymap_key_name(a->opt.prefix, lead, sizeof lead);
	app_message(a, 0, "copied %zu message%s (%s ] pastes)", copied, copied == 1 ? "" : "s", lead);
}

/* y in the details: the page as shown (the filter applies: the page is
 * filtered already), a line a line, into the paste buffer. */
static void
copy_details(struct app *a)
{
	struct ovl_page pg;
	size_t copied = 0;
	char lead[32];

	overlay_page(a, &pg);
	buf_reset(&a->paste);
	for (size_t i = 0; i < pg.n; i++) {
		buf_printf(&a->paste, "%s\n", pg.v[i].text);
		copied++;
	}
	ovl_page_free(&pg);
	if (a->opt.osc52 && a->paste.len > 0) {
		free(a->osc52_pending);
		a->osc52_pending = xstrdup(a->paste.data);
	}
	keymap_key_name(a->opt.prefix, lead, sizeof lead);
	app_message(a, 0, "copied %zu line%s (%s ] pastes)", copied, copied == 1 ? "" : "s", lead);
}

static void
filter_key(struct app *a, wint_t ch, int is_key)
{
	struct overlay *o = &a->overlay;
	int r = line_edit(o->filter, sizeof o->filter, ch, is_key);

	if (r == LINE_CANCEL)
		o->filter[0] = '\0';
	if (r != LINE_EDITING)
		o->filtering = 0;
	o->scroll = o->kind == OVERLAY_LOG ? OVERLAY_END : 0;
}

/* Scroll by delta lines from what is shown; at the end it stays at the
 * end (the log follows). */
static void
scroll_by(struct app *a, long delta)
{
	struct ovl_page pg;
	int rows = overlay_text_rows(a);
	long first, last;

	overlay_page(a, &pg);
	first = ovl_first_line(a->overlay.scroll, pg.n, rows);
	last = ovl_first_line(OVERLAY_END, pg.n, rows);
	ovl_page_free(&pg);
	first += delta;
	a->overlay.scroll = first >= last ? OVERLAY_END : first < 0 ? 0 : first;
}

void
overlay_key(struct app *a, wint_t ch, int is_key)
{
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch;
	long page = overlay_text_rows(a) > 1 ? overlay_text_rows(a) - 1 : 1;

	if (is_key && ch == KEY_RESIZE)
		return;
	if (is_key && ch == KEY_MOUSE) {
		MEVENT ev;

		if (getmouse(&ev) == OK && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
			scroll_by(a, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
		frame_schedule(a);
		return;
	}
	if (a->overlay.filtering) {
		filter_key(a, ch, is_key);
		frame_schedule(a);
		return;
	}
	switch (key) {
	case 'q':
	case 27: overlay_close(a); return;
	case '?':
		if (a->overlay.kind == OVERLAY_HELP) {
			overlay_close(a);
			return;
		}
		break;
	case '/': a->overlay.filtering = 1; break;
	case 'j': case KEYMAP_FN | KEY_DOWN: scroll_by(a, 1); break;
	case 'k': case KEYMAP_FN | KEY_UP: scroll_by(a, -1); break;
	case ' ': case KEYMAP_FN | KEY_NPAGE: scroll_by(a, page); break;
	case KEYMAP_FN | KEY_PPAGE: scroll_by(a, -page); break;
	case KEYMAP_CTRL('d'): scroll_by(a, page / 2 > 0 ? page / 2 : 1); break;
	case KEYMAP_CTRL('u'): scroll_by(a, -(page / 2 > 0 ? page / 2 : 1)); break;
	case 'g': case KEYMAP_FN | KEY_HOME: a->overlay.scroll = 0; break;
	case 'G': case KEYMAP_FN | KEY_END: a->overlay.scroll = OVERLAY_END; break;
	case 'y':
		if (a->overlay.kind == OVERLAY_LOG)
			copy_log(a);
		else if (a->overlay.kind == OVERLAY_DETAILS)
			copy_details(a);
		break;
	case 'i':
		if (a->overlay.kind == OVERLAY_DETAILS) {
			overlay_close(a);
			return;
		}
		break;
	default: break;
	}
	frame_schedule(a);
}
