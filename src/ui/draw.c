/* draw.c: one frame: the sidebar, pane titles and separators, the panes'
 * damaged rows, the status line, the cursor; then one doupdate(). Drawing
 * happens here only, from state, never from inside an input handler. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <time.h>

#include "fleetmux/fit.h"
#include "fleetmux/sidebar_usage.h"
#include "tui.h"

static int
badge_pair(const struct app *a, const struct slot *s)
{
	if (s->badge[0]) {
		short tone[] = {a->theme.badge_live, a->theme.badge_wait, a->theme.badge_bad};

		return alloc_pair(tone[s->badge_tone >= 0 && s->badge_tone <= 2 ? s->badge_tone : 2], -1);
	}
	switch (s->pane->state) {
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

/* Part i of a title, in got columns: the name keeps its end (the
 * container), the application's title its start; "…" says what went. */
static int
put_part(const char *text, int want, int got, int keep_end)
{
	char cut[512];
	const char *trail;
	size_t n;

	if (got <= 0)
		return 0;
	if (got >= want)
		return put(text, got);
	/* The part's spaces and brackets stay where they were: cut what is
	 * between ("[failed: the conta…]"). */
	n = strlen(text);
	trail = n > 1 && (text[n - 1] == ' ' || text[n - 1] == ']') ? text + n - 1 : "";
	{
		char inner[512];
		int lead = text[0] == ' ' || text[0] == '[';

		snprintf(inner, sizeof inner, "%.*s", (int)(n - lead - (trail[0] != '\0')), text + lead);
		fit_cut(inner, got - lead - (trail[0] != '\0'), keep_end, cut + lead, sizeof cut - 2);
		if (lead)
			cut[0] = text[0];
		snprintf(cut + strlen(cut), sizeof cut - strlen(cut), "%s", trail);
	}
	return put(cut, got);
}

void
slot_badge(const struct slot *s, char *out, size_t size)
{
	if (s->badge[0])
		snprintf(out, size, "%s", s->badge);
	else
		pane_badge(s->pane, out, size);
}

/* "─ 1* region/group/container [log] [live] ⇶B ●REC ♪ title [copy N/M] (zoomed)":
 * when the pane is narrow, the name is cut (fit_title), never the badge
 * or the marks after it. */
static void
draw_title(struct app *a, int i, const struct rect *r)
{
	struct slot *s = a->slots[i];
	struct pane *p = s->pane;
	int focused = !a->sidebar_focus && a->focus == i;
	int x = r->x, end = r->x + r->w, y = r->y;
	char part[TITLE_PARTS][400], badge[200];
	int want[TITLE_PARTS], got[TITLE_PARTS];
	attr_t at = focused ? A_BOLD : A_DIM;
	int pair = alloc_pair(focused ? a->theme.border_focus : a->theme.border, -1);
	int bcast = alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg);
	int yellow = alloc_pair(COLOR_YELLOW, -1), red = alloc_pair(COLOR_RED, -1);

	memset(part, 0, sizeof part);
	snprintf(part[TITLE_NUMBER], sizeof part[0], "─ %d%s ", s->number, s->marked ? "*" : "");
	snprintf(part[TITLE_NAME], sizeof part[0], "%s/%s/%s ", s->region, s->group_name,
		 s->container);
	if (s->log)
		snprintf(part[TITLE_KIND], sizeof part[0], "[log] ");
	slot_badge(s, badge, sizeof badge);
	snprintf(part[TITLE_BADGE], sizeof part[0], "[%s]", badge);
	if (a->broadcast && focus_reaches(a, i))
		snprintf(part[TITLE_BROADCAST], sizeof part[0], " ⇶B ");
	if (p->rec != NULL)
		snprintf(part[TITLE_REC], sizeof part[0], " ●REC");
	if (p->bell)
		snprintf(part[TITLE_BELL], sizeof part[0], " ♪");
	if (p->title[0])
		snprintf(part[TITLE_APP], sizeof part[0], " %s ", p->title);
	if (p->copy.active)
		snprintf(part[TITLE_COPY], sizeof part[0], " [copy %ld/%zu]",
			 p->copy.top + p->copy.cy + 1, p->sb.count + (size_t)p->rows);
	if (a->zoomed == i)
		snprintf(part[TITLE_ZOOM], sizeof part[0], " (zoomed)");
	for (int k = 0; k < TITLE_PARTS; k++)
		want[k] = fit_columns(part[k]);
	fit_title(r->w, want, got);

	move(y, x);
	attron(at | COLOR_PAIR(pair));
	if (got[TITLE_NUMBER] > 0) {
		x += put("─", got[TITLE_NUMBER]);
		if (a->numbers_shown)
			attron(A_REVERSE);
		x += put_part(part[TITLE_NUMBER] + strlen("─"), want[TITLE_NUMBER] - 1,
			      got[TITLE_NUMBER] - 1, 0);
		if (a->numbers_shown)
			attroff(A_REVERSE);
	}
	x += put_part(part[TITLE_NAME], want[TITLE_NAME], got[TITLE_NAME], 1);
	x += put_part(part[TITLE_KIND], want[TITLE_KIND], got[TITLE_KIND], 0);
	attroff(at | COLOR_PAIR(pair));
	attron(COLOR_PAIR(badge_pair(a, s)) | A_BOLD);
	x += put_part(part[TITLE_BADGE], want[TITLE_BADGE], got[TITLE_BADGE], 0);
	attroff(COLOR_PAIR(badge_pair(a, s)) | A_BOLD);
	attron(COLOR_PAIR(bcast) | A_BOLD);
	x += put_part(part[TITLE_BROADCAST], want[TITLE_BROADCAST], got[TITLE_BROADCAST], 0);
	attroff(COLOR_PAIR(bcast) | A_BOLD);
	attron(COLOR_PAIR(red) | A_BOLD);
	x += put_part(part[TITLE_REC], want[TITLE_REC], got[TITLE_REC], 0);
	attroff(COLOR_PAIR(red) | A_BOLD);
	attron(COLOR_PAIR(yellow) | A_BOLD);
	x += put_part(part[TITLE_BELL], want[TITLE_BELL], got[TITLE_BELL], 0);
	attroff(COLOR_PAIR(yellow) | A_BOLD);
	attron(A_DIM);
	x += put_part(part[TITLE_APP], want[TITLE_APP], got[TITLE_APP], 0);
	attroff(A_DIM);
	attron(COLOR_PAIR(yellow) | A_BOLD);
	x += put_part(part[TITLE_COPY], want[TITLE_COPY], got[TITLE_COPY], 0);
	attroff(COLOR_PAIR(yellow) | A_BOLD);
	x += put_part(part[TITLE_ZOOM], want[TITLE_ZOOM], got[TITLE_ZOOM], 0);
	attron(at | COLOR_PAIR(pair));
	hline_to(y, x, end);
	attroff(at | COLOR_PAIR(pair));
}

/* What the status line says after the counts: a prompt being typed (or a
 * question waiting for y/n), copy mode's search, or the newest message
 * while it is still shown (messages_shown: a few seconds). */
enum status_kind { STATUS_NONE, STATUS_MESSAGE, STATUS_ERROR, STATUS_PROMPT };

static enum status_kind
status_text(struct app *a, char *out, size_t len)
{
	struct slot *focused = focus_slot(a);
	const struct message *m = messages_shown(&a->messages, time(NULL));

	if (a->prompt.active && a->prompt.one_key) {
		snprintf(out, len, "%s", a->prompt.label);
		return STATUS_PROMPT;
	}
	if (a->prompt.active) {
		snprintf(out, len, "%s%s_", a->prompt.label, a->prompt.text);
		if (a->prompt.hint[0]) /* what Tab found */
			snprintf(out + strlen(out), len - strlen(out), "   %s", a->prompt.hint);
		return STATUS_PROMPT;
	}
	if (focused != NULL && focused->pane->copy.prompt) {
		snprintf(out, len, "search %s: %s_", focused->pane->copy.prompt > 0 ? "up" : "down",
			 focused->pane->copy.search);
		return STATUS_PROMPT;
	}
	if (clients_drawn_note(a) != NULL) {
		/* This client's own: what it was refused, or copied. */
		snprintf(out, len, "%s", clients_drawn_note(a));
		return STATUS_ERROR;
	}
	out[0] = '\0';
	if (m == NULL)
		return STATUS_NONE;
	snprintf(out, len, "%s", m->text);
	return m->error ? STATUS_ERROR : STATUS_MESSAGE;
}

/* The status line (fit_status): the loud part (the pending prefix,
 * broadcast, recording), the counts, the prompt or message, and the
 * focused pane and clock at the right edge, which stay whole. Returns the
 * column of an open prompt's cursor, or -1. */
static int
draw_status(struct app *a)
{
	long groups, running, pending, failed;
	char counts[512], right[384], totals[192], names[128], prefix[48], bcast[48], text[512], cut[512], who[160];
	struct slot *focused = focus_slot(a);
	attr_t status_at;
	int y = a->rows - 1, x = 0, cursor_x = -1, wpre, wb, wtext, wright;
	int bcast_pair = alloc_pair(a->theme.broadcast_fg, a->theme.broadcast_bg);
	enum status_kind kind;
	struct status_fit f;
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
			n += focus_reaches(a, i);
			rec += a->slots[i]->pane->rec != NULL;
		}
		bcast[0] = '\0';
		if (a->broadcast)
			snprintf(bcast + strlen(bcast), sizeof bcast - strlen(bcast), "BROADCAST→%d ", n);
		if (rec > 0)
			snprintf(bcast + strlen(bcast), sizeof bcast - strlen(bcast), "REC %d ", rec);
	}
	prefix[0] = '\0';
	/* Loud on a watcher's own line, first: nothing typed here is sent. */
	if (clients_drawn_readonly(a))
		snprintf(prefix, sizeof prefix, "READ-ONLY");
	if (a->prefix_pending) {
		char k[32];

		keymap_key_name(a->opt.prefix, k, sizeof k);
		snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix), " [%s]", k);
	}
	snprintf(counts, sizeof counts, " %s │ %zu regions%s │ %ld groups: %ld running %ld pending %ld failed │ ",
		 names, a->sb.nregions, a->listing.pending > 0 ? " (listing…)" : "", groups, running,
		 pending, failed);
	/* The region under the sidebar's cursor: its CPU and memory summed.
	 * Then, when others watch too, the session and how many. */
	totals[0] = '\0';
	if (!a->sb.dirty && a->sb.nrows > 0 && a->sb.rows[a->sb.cursor].region >= 0) {
		char sum[96];

		sb_usage_totals_text(&a->sb.regions[a->sb.rows[a->sb.cursor].region], sum, sizeof sum);
		if (sum[0])
			snprintf(totals, sizeof totals, "│ %s ", sum);
	}
	if (clients_attached(a) > 1)
		snprintf(totals + strlen(totals), sizeof totals - strlen(totals), "│ %s: %d clients ",
			 a->session_name, clients_attached(a));
	if (focused != NULL) {
		char name[400];

		snprintf(name, sizeof name, "%s/%s", focused->group_name, focused->container);
		/* A long name leaves the rest of the line some room. */
		fit_cut(name, a->cols / 4 < 8 ? 8 : a->cols / 4 > 30 ? 30 : a->cols / 4, 1, who,
			sizeof who);
		snprintf(right, sizeof right, "%s│ %d:%s │ %02d:%02d ", totals, focused->number, who,
			 tm.tm_hour, tm.tm_min);
	} else {
		snprintf(right, sizeof right, "%s│ sidebar │ %02d:%02d ", totals, tm.tm_hour, tm.tm_min);
	}
	kind = status_text(a, text, sizeof text);
	wpre = fit_columns(prefix);
	wb = fit_columns(bcast);
	wtext = fit_columns(text);
	wright = fit_columns(right);
	/* A question must be read whole: the right part gives way to it. */
	if (kind == STATUS_PROMPT && wpre + wb + wtext + wright > a->cols)
		wright = a->cols + 1;
	fit_status(a->cols, wpre + wb, fit_columns(counts), wtext, wright, &f);

	status_at = a->theme.status_fg == -2 ? A_REVERSE
					     : COLOR_PAIR(alloc_pair(a->theme.status_fg, a->theme.status_bg));
	move(y, 0);
	attron(status_at | A_BOLD);
	x += put(prefix, f.loud);
	attroff(status_at | A_BOLD);
	if (bcast[0] && x < f.loud) {
		/* Loud: typing goes to many places. */
		attron(COLOR_PAIR(bcast_pair) | A_BOLD);
		x += put(bcast, f.loud - x);
		attroff(COLOR_PAIR(bcast_pair) | A_BOLD);
	}
	attron(status_at);
	if (f.counts < fit_columns(counts) && f.counts > 4) {
		/* Cut, and still apart from what follows. */
		fit_cut(counts, f.counts - 3, 0, cut, sizeof cut);
		snprintf(cut + strlen(cut), sizeof cut - strlen(cut), " │ ");
	} else {
		fit_cut(counts, f.counts, 0, cut, sizeof cut);
	}
	x += put(cut, f.counts);
	if (f.message > 0) {
		/* A prompt keeps its end, where the typing is. */
		fit_cut(text, f.message, kind == STATUS_PROMPT, cut, sizeof cut);
		if (kind == STATUS_ERROR)
			attron(COLOR_PAIR(alloc_pair(a->theme.badge_bad, -1)));
		if (kind == STATUS_PROMPT)
			attron(A_BOLD);
		x += put(cut, f.message);
		if (kind == STATUS_PROMPT) {
			attroff(A_BOLD);
			/* On the "_", or after the question. */
			cursor_x = a->prompt.active && !a->prompt.one_key ? x - 1 : x;
		}
		if (kind == STATUS_ERROR)
			attroff(COLOR_PAIR(alloc_pair(a->theme.badge_bad, -1)));
		attron(status_at);
	}
	for (; x < f.right_x; x++)
		addch(' ');
	if (f.right > 0)
		put(right, f.right);
	attroff(status_at);
	return a->prompt.active ? cursor_x : -1;
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
	if (focus_slot(a) != NULL) {
		struct pane *p = focus_slot(a)->pane;
		int shape = p->cursor_shape >= 0 && p->cursor_shape <= 3 ? p->cursor_shape : 1;

		want = codes[shape][p->cursor_blink ? 1 : 0];
	} else {
		want = 2;
	}
	if (want == a->cursor_style)
		return;
	a->cursor_style = want;
	ss = tiparm(ss, want);
	term_write(a, ss, strlen(ss));
}

void
draw_reset_cursor_style(struct app *a)
{
	const char *se = tigetstr("Se");

	if (a->cursor_style != 0 && se != NULL && se != (char *)-1)
		term_write(a, se, strlen(se));
}

/* The empty screen's last line: where the keys are, as configured
 * ("? lists every key, C-b : runs any by name, C-b d detaches, C-b Q quits."); a part
 * whose action is bound to no key is left out. */
static void
empty_hint(struct app *a, char *out, size_t len)
{
	static const struct {
		enum action act;
		const char *says;
	} parts[] = {
	    {ACT_LIST_KEYS, "lists every key"},
	    {ACT_COMMAND_PROMPT, "runs any by name"},
	    {ACT_DETACH, "detaches"},
	    {ACT_QUIT, "quits"},
	};
	size_t o = 0;
	char key[32];

	out[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && o < len; i++) {
		/* The help is a key of the sidebar's own, where this is read. */
		keytable_hint(&a->sidebar_keys, -1, parts[i].act, key, sizeof key);
		if (key[0] == '\0')
			keytable_hint(&a->prefix_keys, a->opt.prefix, parts[i].act, key,
				      sizeof key);
		if (key[0] != '\0')
			o += (size_t)snprintf(out + o, len - o, "%s%s %s", o > 0 ? ", " : "", key,
					      parts[i].says);
	}
	if (o > 0 && o + 1 < len)
		snprintf(out + o, len - o, ".");
}

/* The echo of a typed key, written at once: the panes' changed rows and
 * the cursor, nothing else. The titles and the status line (a few hundred
 * cells formatted and compared, that seldom change) wait for the frame
 * that follows within APP_FRAME_MS. Returns 0, drawing nothing, when the
 * screen has more than panes on it (an overlay, a prompt, pane numbers, a
 * full redraw): then the whole frame is drawn. */
int
draw_echo(struct app *a)
{
	struct slot *focused = focus_slot(a);
	struct pane *fp;

	if (a->full_redraw || focused == NULL || a->sidebar_focus || a->overlay.kind != OVERLAY_NONE ||
	    a->prompt.active || a->filtering || a->choosing || a->numbers_shown ||
	    a->prefix_pending || focused->pane->copy.active || a->osc52_pending != NULL)
		return 0;
	for (int i = 0; i < a->npanes; i++)
		if (a->zoomed < 0 || a->zoomed == i)
			pane_draw(a->slots[i]->pane, stdscr, 0);
	fp = focused->pane;
	if (fp->cursor_visible && fp->cursor.row < fp->rows && fp->cursor.col < fp->cols) {
		move(fp->top + fp->cursor.row, fp->left + fp->cursor.col);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	return 1;
}

void
draw_frame(struct app *a)
{
	int full = a->full_redraw, sw = a->sidebar_width, prompt_x;
	struct slot *focused = focus_slot(a);

	a->full_redraw = 0;
	if (full)
		erase();
	if (a->sidebar_visible) {
		sidebar_draw(&a->sb, stdscr, 0, 0, sw, a->rows - 1, a->sidebar_focus, a->filtering);
		for (int y = 0; y < a->rows - 1; y++)
			mvadd_wch(y, sw, WACS_VLINE);
	}
	if (a->npanes == 0) {
		int x = a->sidebar_visible ? sw + 3 : 2;
		char line[160];

		if (full && x < a->cols) {
			empty_hint(a, line, sizeof line);
			move(a->rows / 2 - 1, x);
			put("No panes yet. In the sidebar: Enter opens a container,", a->cols - x);
			move(a->rows / 2, x);
			put("Space marks, o opens the marked, / filters, Tab switches.", a->cols - x);
			move(a->rows / 2 + 1, x);
			put(line, a->cols - x);
		}
	}
	for (int i = 0; i < a->npanes; i++) {
		struct pane *p = a->slots[i]->pane;
		const struct rect *r = &a->rects[i];

		if (a->zoomed >= 0 && a->zoomed != i)
			continue;
		if (full || p->any_dirty || 1)
			draw_title(a, i, r);
		pane_draw(p, stdscr, full);
		/* A separator to the left of panes that have a neighbour there. */
		if (full && r->x > (a->sidebar_visible ? sw + 1 : 0))
			for (int y = r->y; y < r->y + r->h; y++)
				mvadd_wch(y, r->x - 1, WACS_VLINE);
	}
	draw_pick(a);
	if (a->overlay.kind != OVERLAY_NONE)
		draw_overlay(a);
	prompt_x = draw_status(a);
	if (prompt_x >= 0) {
		/* The prompt has the keys, over an overlay too: the cursor is there. */
		move(a->rows - 1, prompt_x < a->cols ? prompt_x : a->cols - 1);
		curs_set(1);
	} else if (a->overlay.kind != OVERLAY_NONE) {
		curs_set(0);
	} else if (focused != NULL && focused->pane->copy.active) {
		struct pane *p = focused->pane;

		move(p->top + p->copy.cy, p->left + p->copy.cx);
		curs_set(1);
	} else if (focused != NULL) {
		struct pane *p = focused->pane;

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
}

/* The outer terminal's clipboard: OSC 52 with the copy in base64. */
void
draw_osc52(struct app *a, const char *text)
{
	size_t n = strlen(text);
	unsigned char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	char *seq;

	EVP_EncodeBlock(b64, (const unsigned char *)text, (int)n);
	seq = xasprintf("\033]52;c;%s\007", b64);
	term_write(a, seq, strlen(seq));
	free(seq);
	free(b64);
}
