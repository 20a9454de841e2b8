/* draw.c: one frame: the sidebar, pane titles and separators, the panes'
 * damaged rows, the status line, the cursor; then one doupdate(). Drawing
 * happens here only, from state, never from inside an input handler. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <time.h>

#include "fleetmux/app.h"

static int
badge_pair(const struct app *a, const struct pane *p)
{
	switch (p->state) {
	case SESSION_OPEN: return alloc_pair(a->theme.badge_live, -1);
	case SESSION_CONNECTING:
	case SESSION_RECONNECTING: return alloc_pair(a->theme.badge_wait, -1);
	default: return alloc_pair(a->theme.badge_bad, -1);
	}
}

static int
put(const char *s, int width)
{
	return ui_put_text(stdscr, s, width);
}

static void
hline_to(int y, int x, int end)
{
	for (; x < end; x++)
		mvadd_wch(y, x, WACS_HLINE);
}

static void
draw_title(struct app *a, int i, const struct rect *r)
{
	struct pane *p = a->panes[i];
	int focused = !a->sidebar_focus && a->focus == i;
	int x = r->x, end = r->x + r->w, y = r->y;
	char text[400], badge[200];
	attr_t at = focused ? A_BOLD : A_DIM;
	int pair = alloc_pair(focused ? a->theme.border_focus : a->theme.border, -1);

	move(y, x);
	attron(at | COLOR_PAIR(pair));
	x += put("─", end - x);
	if (a->numbers_shown)
		attron(A_REVERSE);
	snprintf(text, sizeof text, " %d%s ", p->number, p->marked ? "*" : "");
	x += put(text, end - x);
	if (a->numbers_shown)
		attroff(A_REVERSE);
	snprintf(text, sizeof text, "%s/%s/%s ", p->region, p->group_name, p->container);
	x += put(text, end - x);
	attroff(at | COLOR_PAIR(pair));
	pane_badge(p, badge, sizeof badge);
	attron(COLOR_PAIR(badge_pair(a, p)) | A_BOLD);
	snprintf(text, sizeof text, "[%s]", badge);
	x += put(text, end - x);
	attroff(COLOR_PAIR(badge_pair(a, p)) | A_BOLD);
	if (a->broadcast && app_receives_input(a, i) && x + 4 < end) {
		attron(COLOR_PAIR(alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg)) | A_BOLD);
		x += put(" ⇶B ", end - x);
		attroff(COLOR_PAIR(alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg)) | A_BOLD);
	}
	if (p->rec != NULL && x + 5 < end) {
		attron(COLOR_PAIR(alloc_pair(COLOR_RED, -1)) | A_BOLD);
		x += put(" ●REC", end - x);
		attroff(COLOR_PAIR(alloc_pair(COLOR_RED, -1)) | A_BOLD);
	}
	if (p->bell && x < end) {
		attron(COLOR_PAIR(alloc_pair(COLOR_YELLOW, -1)) | A_BOLD);
		x += put(" ♪", end - x);
		attroff(COLOR_PAIR(alloc_pair(COLOR_YELLOW, -1)) | A_BOLD);
	}
	if (p->title[0] && x + 2 < end) {
		snprintf(text, sizeof text, " %s ", p->title);
		attron(A_DIM);
		x += put(text, end - x);
		attroff(A_DIM);
	}
	if (p->copy.active && x + 12 < end) {
		snprintf(text, sizeof text, " [copy %ld/%zu]", p->copy.top + p->copy.cy + 1,
			 p->sb.count + (size_t)p->rows);
		attron(COLOR_PAIR(alloc_pair(COLOR_YELLOW, -1)) | A_BOLD);
		x += put(text, end - x);
		attroff(COLOR_PAIR(alloc_pair(COLOR_YELLOW, -1)) | A_BOLD);
	}
	if (a->zoomed == i && x + 2 < end)
		x += put(" (zoomed)", end - x);
	attron(at | COLOR_PAIR(pair));
	hline_to(y, x, end);
	attroff(at | COLOR_PAIR(pair));
}

static void
draw_status(struct app *a)
{
	long groups, running, pending, failed;
	char left[512], right[256], names[128], bcast[32];
	attr_t status_at;
	int y = a->rows - 1, x, used;
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	sidebar_counts(&a->sb, &groups, &running, &pending, &failed);
	{
		size_t o = 0;

		names[0] = '\0';
		for (int i = 0; i < a->nprovs && o + 2 < sizeof names; i++)
			o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? "," : "",
					      a->provs[i]->name);
	}
	{
		int n = 0, rec = 0;

		for (int i = 0; i < a->npanes; i++) {
			n += app_receives_input(a, i);
			rec += a->panes[i]->rec != NULL;
		}
		bcast[0] = '\0';
		if (a->broadcast)
			snprintf(bcast, sizeof bcast, "BROADCAST→%d ", n);
		if (rec > 0)
			snprintf(bcast + strlen(bcast), sizeof bcast - strlen(bcast), "REC %d ", rec);
	}
	snprintf(left, sizeof left, " %s%s │ %zu regions%s │ %ld groups: %ld running %ld pending %ld failed │ ",
		 a->prefix_pending ? "[C-b] " : "", names, a->sb.nregions,
		 a->regions_pending > 0 ? " (listing…)" : "", groups, running, pending, failed);
	if (a->npanes > 0 && !a->sidebar_focus) {
		struct pane *p = a->panes[a->focus];

		snprintf(right, sizeof right, " %d:%s/%s │ %02d:%02d ", p->number, p->group_name,
			 p->container, tm.tm_hour, tm.tm_min);
	} else {
		snprintf(right, sizeof right, " sidebar │ %02d:%02d ", tm.tm_hour, tm.tm_min);
	}
	move(y, 0);
	used = 0;
	if (bcast[0]) {
		/* Loud: typing goes to many places. */
		attron(COLOR_PAIR(alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg)) | A_BOLD);
		used += put(bcast, a->cols);
		attroff(COLOR_PAIR(alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg)) | A_BOLD);
	}
	status_at = a->theme.status_fg == -2 ? A_REVERSE
					     : COLOR_PAIR(alloc_pair(a->theme.status_fg, a->theme.status_bg));
	attron(status_at);
	used += put(left, a->cols - used);
	if (a->run_prompt) {
		snprintf(a->message, sizeof a->message, "run on %zu marked containers: %s_",
			 sidebar_count_marked(&a->sb), a->run_cmd);
		a->message_error = 0;
	}
	if (!a->sidebar_focus && a->npanes > 0 && a->panes[a->focus]->copy.prompt) {
		struct pane *p = a->panes[a->focus];

		snprintf(a->message, sizeof a->message, "search %s: %s_",
			 p->copy.prompt > 0 ? "up" : "down", p->copy.search);
		a->message_error = 0;
	}
	if (a->message[0] && used < a->cols) {
		int room = a->cols - used - (int)strlen(right);

		if (room > 0) {
			if (a->message_error)
				attron(COLOR_PAIR(alloc_pair(a->theme.badge_bad, -1)));
			used += put(a->message, room);
			if (a->message_error)
				attroff(COLOR_PAIR(alloc_pair(a->theme.badge_bad, -1)));
			attron(status_at);
		}
	}
	for (x = used; x < a->cols; x++)
		addch(' ');
	if ((int)strlen(right) < a->cols - used) {
		move(y, a->cols - (int)strlen(right) + 2); /* "│" is 3 bytes, 1 column */
		put(right, a->cols);
	}
	attroff(status_at);
}

/* The focused pane's cursor shape goes to the outer terminal through its
 * own Ss capability (DECSCUSR), when it has one. */
static void
set_cursor_style(struct app *a)
{
	static const int codes[4][2] = {
	    /* steady, blinking */
	    {2, 1}, /* unknown: block */
	    {2, 1}, /* VTERM_PROP_CURSORSHAPE_BLOCK */
	    {4, 3}, /* VTERM_PROP_CURSORSHAPE_UNDERLINE */
	    {6, 5}, /* VTERM_PROP_CURSORSHAPE_BAR_LEFT */
	};
	const char *ss = tigetstr("Ss");
	int want = 0;

	if (ss == NULL || ss == (char *)-1)
		return;
	if (!a->sidebar_focus && a->npanes > 0) {
		struct pane *p = a->panes[a->focus];
		int shape = p->cursor_shape >= 0 && p->cursor_shape <= 3 ? p->cursor_shape : 1;

		want = codes[shape][p->cursor_blink ? 1 : 0];
	} else {
		want = 2;
	}
	if (want == a->cursor_style)
		return;
	a->cursor_style = want;
	putp(tiparm(ss, want));
	fflush(stdout);
}

void
app_reset_cursor_style(struct app *a)
{
	const char *se = tigetstr("Se");

	if (a->cursor_style != 0 && se != NULL && se != (char *)-1)
		putp(se);
}

void
app_draw(struct app *a)
{
	int full = a->full_redraw;

	a->full_redraw = 0;
	if (full)
		erase();
	if (a->sidebar_visible) {
		sidebar_draw(&a->sb, stdscr, 0, 0, APP_SIDEBAR_WIDTH, a->rows - 1, a->sidebar_focus,
			     a->filtering);
		for (int y = 0; y < a->rows - 1; y++)
			mvadd_wch(y, APP_SIDEBAR_WIDTH, WACS_VLINE);
	}
	if (a->npanes == 0) {
		int x = a->sidebar_visible ? APP_SIDEBAR_WIDTH + 3 : 2;

		if (full && x < a->cols) {
			move(a->rows / 2 - 1, x);
			put("No panes yet. In the sidebar: Enter opens a container,", a->cols - x);
			move(a->rows / 2, x);
			put("Space marks, o opens the marked, / filters, Tab switches.", a->cols - x);
			move(a->rows / 2 + 1, x);
			put("C-b d quits.", a->cols - x);
		}
	}
	for (int i = 0; i < a->npanes; i++) {
		struct pane *p = a->panes[i];
		const struct rect *r = &a->rects[i];

		if (a->zoomed >= 0 && a->zoomed != i)
			continue;
		if (full || p->any_dirty || 1)
			draw_title(a, i, r);
		pane_draw(p, stdscr, full);
		/* A separator to the left of panes that have a neighbour there. */
		if (full && r->x > (a->sidebar_visible ? APP_SIDEBAR_WIDTH + 1 : 0))
			for (int y = r->y; y < r->y + r->h; y++)
				mvadd_wch(y, r->x - 1, WACS_VLINE);
	}
	for (int i = 0; i < a->npanes; i++)
		if (a->panes[i]->refused) {
			a->panes[i]->refused = 0;
			flash();
			snprintf(a->message, sizeof a->message,
				 "pane %d is not live: input not sent (C-b R retries)", a->panes[i]->number);
			a->message_error = 1;
		}
	draw_status(a);
	if (!a->sidebar_focus && a->npanes > 0 && a->panes[a->focus]->copy.active) {
		struct pane *p = a->panes[a->focus];

		move(p->top + p->copy.cy, p->left + p->copy.cx);
		curs_set(1);
	} else if (!a->sidebar_focus && a->npanes > 0) {
		struct pane *p = a->panes[a->focus];

		if (p->cursor_visible && p->cursor.row < p->rows && p->cursor.col < p->cols) {
			move(p->top + p->cursor.row, p->left + p->cursor.col);
			curs_set(1);
		} else {
			curs_set(0);
		}
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	set_cursor_style(a);
	if (a->osc52_pending != NULL) {
		/* The outer terminal's clipboard: OSC 52 with the copy in base64. */
		size_t n = strlen(a->osc52_pending);
		unsigned char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);

		EVP_EncodeBlock(b64, (unsigned char *)a->osc52_pending, (int)n);
		printf("\033]52;c;%s\007", b64);
		fflush(stdout);
		free(b64);
		free(a->osc52_pending);
		a->osc52_pending = NULL;
	}
}
