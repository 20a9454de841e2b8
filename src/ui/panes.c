/* panes.c: the pane slots: a terminal (term/) and whose it is; opening,
 * closing and laying them out, the focus, their sessions' events and their
 * recordings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

/* Within this long after a key, the focused pane's next output is its echo. */
#define APP_ECHO_WINDOW_MS 250

static void
pane_dirty(void *arg, struct pane *p)
{
	frame_schedule(arg);
}

static struct rect
pane_area(struct app *a)
{
	int x = a->sidebar_visible ? a->sidebar_width + 1 : 0;

	return (struct rect){x, 0, a->cols - x, a->rows - 1};
}

void
panes_relayout(struct app *a)
{
	struct rect area = pane_area(a);

	if (area.w < 2)
		area.w = 2;
	if (area.h < 2)
		area.h = 2;
	if (a->npanes > 0)
		layout_compute(a->layout, a->npanes, area, a->rects);
	for (int i = 0; i < a->npanes; i++) {
		struct rect r = a->zoomed == i ? area : a->rects[i];
		struct pane *p = a->slots[i]->pane;

		if (a->zoomed >= 0 && a->zoomed != i)
			continue; /* hidden behind the zoomed pane: its size stays */
		if (a->zoomed == i)
			a->rects[i] = area;
		p->top = r.y + 1;
		p->left = r.x;
		pane_resize(p, r.h - 1, r.w);
	}
	a->full_redraw = 1;
	frame_schedule(a);
}

/* --- a session's events --- */

static void
slot_session_output(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct slot *s = arg;
	struct app *a = s->app;

	pane_queue(s->pane, data, len);
	if (s->pane->rec != NULL)
		recorder_output(s->pane->rec, data, len, uv_now(a->loop));
	/* The echo of a typed key is drawn now, not when the frame timer
	 * fires; once a key, so a flood still draws at most once a frame. */
	if (a->echo_wanted && a->focus < a->npanes && a->slots[a->focus] == s) {
		a->echo_wanted = 0;
		if (uv_now(a->loop) - a->key_at < APP_ECHO_WINDOW_MS)
			frame_echo(a);
	}
}

static const char *
group_noun(const struct slot *s)
{
	const char *n = s->prov >= 0 ? s->app->provs[s->prov]->ops->group_noun : NULL;

	return n != NULL ? n : "group";
}

/* After the session's last words (its exit), so that a program still
 * drawing is not written over. */
static void
say_gone(struct slot *s)
{
	const char *rn = s->app->provs[s->prov]->ops->region_noun;
	char line[600];

	pane_flush(s->pane);
	snprintf(line, sizeof line,
	         "\r\n\033[0;2m[fleetmux: %s %s was deleted: %s %s no longer lists it]\033[0m\r\n",
	         group_noun(s), s->group_id, rn ? rn : "region", s->region);
	pane_feed(s->pane, (const unsigned char *)line, strlen(line));
}

void
panes_note_gone(struct app *a, int prov, const char *region)
{
	const struct sb_region *r = sidebar_region(&a->sb, prov, region, 0);

	if (r == NULL || !r->listed)
		return;
	for (int i = 0; i < a->npanes; i++) {
		struct slot *s = a->slots[i];
		int listed = 0;

		/* Log and local panes have their own ends (a log's 404). */
		if (s->prov != prov || s->log || s->job_stop != NULL || s->gone ||
		    strcmp(s->region, region) != 0)
			continue;
		for (size_t j = 0; j < r->n && !listed; j++)
			listed = strcmp(r->groups[j].g.id, s->group_id) == 0;
		if (listed)
			continue;
		/* A session still trying is left to its provider: the next try
		 * is refused (404, not found) and never retried. */
		s->gone = 1;
		snprintf(s->badge, sizeof s->badge, "%s deleted", group_noun(s));
		s->badge_tone = 2;
		if (s->pane->session == NULL)
			say_gone(s);
		app_message(a, 1, "pane %d: %s %s was deleted", s->number, group_noun(s),
		            s->group_id);
		a->full_redraw = 1;
	}
	frame_schedule(a);
}

/* What happened to the link is said in the pane itself: what happened
 * while it was down is not there. */
static void
slot_session_state(void *arg, enum session_state st, int code, const char *msg)
{
	struct slot *s = arg;
	struct app *a = s->app;
	struct pane *p = s->pane;

	if (st == SESSION_RECONNECTING && p->state != SESSION_RECONNECTING) {
		/* The program that set the screen's modes is gone with its
		 * session: back to the main screen (only from the alternate one:
		 * 1049l also puts the cursor back where 1049h found it) and the
		 * modes a new shell expects: plain pen, no insert, autowrap, no
		 * mouse, bracketed paste or application keys, cursor shown. None
		 * of these moves the cursor. */
		static const char modes[] = "\033[0m\033[4l\033[?7h\033[?1000l\033[?1002l\033[?1003l"
					    "\033[?1006l\033[?2004l\033[?1l\033>\033[?25h";
		static const char lost[] = "\r\n\033[0;2m[fleetmux: connection lost (%s); reconnecting…]\033[0m\r\n";
		char line[400];

		pane_flush(p); /* what came before the drop decides the screen */
		if (p->altscreen)
			pane_feed(p, (const unsigned char *)"\033[?1049l", 8);
		pane_feed(p, (const unsigned char *)modes, sizeof modes - 1);
		snprintf(line, sizeof line, lost, msg ? msg : "dropped");
		pane_feed(p, (const unsigned char *)line, strlen(line));
		app_message(a, 1, "pane %d: connection lost; reconnecting", s->number);
	}
	if (st == SESSION_OPEN && p->state == SESSION_RECONNECTING) {
		static const char back[] = "\033[0;2m[fleetmux: reconnected: a new session; output while "
					   "disconnected was not captured]\033[0m\r\n";

		pane_feed(p, (const unsigned char *)back, sizeof back - 1);
		app_message(a, 0, "pane %d: reconnected", s->number);
	}
	p->state = st;
	p->exit_code = code;
	if (st == SESSION_FAILED) {
		snprintf(p->reason, sizeof p->reason, "%s", msg ? msg : "unknown");
		app_message(a, 1, "pane %d (%s/%s/%s): %s", s->number, s->region, s->group_name,
			    s->container, p->reason);
	}
	if (st == SESSION_EXITED || st == SESSION_FAILED) {
		p->session = NULL; /* the session is over; it frees itself */
		if (s->gone)
			say_gone(s);
	}
	a->full_redraw = 1;
	frame_schedule(a);
}

static const struct session_events slot_events = {slot_session_output, slot_session_state};

/* --- recording --- */

int
panes_record(struct app *a, struct slot *s, const char *dir)
{
	char *d = dir ? xstrdup(dir) : recorder_default_dir(), *path, stamp[32], *title;
	struct pane *p = s->pane;
	time_t now = time(NULL);
	struct tm tm;

	if (d == NULL || recorder_make_dir(d) < 0) {
		if (d != NULL)
			fm_error(FM_EIO, "%s: cannot make the directory", d);
		free(d);
		return -FM_EIO;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
	path = xasprintf("%s/%s-%d-%s-%s.cast", d, stamp, s->number, s->group_name, s->container);
	/* A container's name is not a path. */
	for (char *c = path + strlen(d) + 1; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '_';
	title = xasprintf("%s/%s/%s", s->region, s->group_name, s->container);
	p->rec = recorder_open(path, p->cols, p->rows, title, uv_now(a->loop), (long)now);
	free(title);
	free(d);
	if (p->rec == NULL) {
		free(path);
		return -FM_EIO;
	}
	app_message(a, 0, "recording pane %d to %s", s->number, path);
	free(path);
	return 0;
}

void
panes_record_stop(struct app *a, struct slot *s)
{
	app_message(a, 0, "pane %d: recording saved to %s", s->number, recorder_path(s->pane->rec));
	recorder_close(s->pane->rec);
	s->pane->rec = NULL;
}

/* --- opening and closing --- */

static void
renumber(struct app *a)
{
	for (int i = 0; i < a->npanes; i++)
		a->slots[i]->number = i + 1;
}

/* A new pane at the end of the layout, without a session yet; it takes the
 * focus, and every pane is laid out again. */
struct slot *
panes_add(struct app *a, int prov, const char *region, const char *group_id, const char *group_name,
	 const char *container)
{
	struct slot *s = xcalloc(1, sizeof *s);

	s->app = a;
	s->pane = pane_new(a->loop, 24, 80, a->opt.scrollback ? (size_t)a->opt.scrollback : 10000);
	s->pane->on_dirty = pane_dirty;
	s->pane->arg = a;
	s->prov = prov;
	s->region = xstrdup(region);
	s->group_id = xstrdup(group_id);
	s->group_name = xstrdup(group_name);
	s->container = xstrdup(container);
	a->slots[a->npanes++] = s;
	a->zoomed = -1;
	renumber(a);
	panes_relayout(a);
	a->focus = a->npanes - 1;
	a->sidebar_focus = 0;
	return s;
}

static struct session *
open_session(struct app *a, struct slot *s)
{
	struct container_ref ref = {s->region, s->group_id, s->container};
	struct exec_req req = {.argv = NULL, .tty = 1};

	req.cols = (unsigned)s->pane->cols;
	req.rows = (unsigned)s->pane->rows;
	return provider_open_exec(a->provs[s->prov], &ref, &req, &slot_events, s);
}

int
panes_open(struct app *a, int prov, const char *region, const char *group_id,
	   const char *group_name, const char *container)
{
	struct slot *s;
	struct session *ses;

	if (a->npanes >= APP_MAX_PANES) {
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		return -1;
	}
	s = panes_add(a, prov, region, group_id, group_name, container);
	ses = open_session(a, s);
	if (ses != NULL)
		pane_attach(s->pane, ses);
	if (a->opt.record_dir != NULL && panes_record(a, s, a->opt.record_dir) < 0)
		app_message(a, 1, "cannot record: %s", fm_error_message());
	return 0;
}

struct slot *
panes_open_local(struct app *a, const char *title)
{
	struct slot *s;

	if (a->npanes >= APP_MAX_PANES)
		return NULL;
	s = panes_add(a, -1, "run", title, title, "results");
	s->pane->state = SESSION_OPEN;
	return s;
}

void
panes_reopen(struct app *a, struct slot *s)
{
	static const char line[] = "\r\n\033[0;2m[fleetmux: retrying]\033[0m\r\n";
	struct session *ses;

	pane_feed(s->pane, (const unsigned char *)line, sizeof line - 1);
	s->gone = 0; /* this try's answer says whether it is still gone */
	s->badge[0] = '\0';
	s->pane->state = SESSION_CONNECTING;
	s->pane->reason[0] = '\0';
	ses = open_session(a, s);
	if (ses != NULL)
		pane_attach(s->pane, ses);
	a->full_redraw = 1;
}

static void
slot_free(struct slot *s)
{
	if (s->job_stop != NULL)
		s->job_stop(s);
	pane_free(s->pane);
	free(s->region);
	free(s->group_id);
	free(s->group_name);
	free(s->container);
	free(s);
}

void
panes_close(struct app *a, int i)
{
	if (i < 0 || i >= a->npanes)
		return;
	if (a->closing == a->slots[i])
		a->closing = NULL; /* gone another way while y/n was asked */
	clients_pane_closed(a, a->slots[i]);
	slot_free(a->slots[i]);
	memmove(&a->slots[i], &a->slots[i + 1], (size_t)(a->npanes - i - 1) * sizeof a->slots[0]);
	a->npanes--;
	a->zoomed = -1;
	if (a->focus >= a->npanes)
		a->focus = a->npanes - 1;
	if (a->npanes == 0) {
		a->focus = 0;
		a->sidebar_focus = 1;
	}
	renumber(a);
	panes_relayout(a);
}

/* A pane whose closing ends something: a session (connecting, open or
 * reconnecting), or C-b !'s command still running. */
int
panes_live(const struct slot *s)
{
	if (s->log)
		return 0; /* a feed: nothing runs that closing would end */
	switch (s->pane->state) {
	case SESSION_CONNECTING:
	case SESSION_OPEN:
	case SESSION_RECONNECTING: return 1;
	default: return 0;
	}
}

static void
close_answered(void *arg, const char *yes)
{
	struct app *a = arg;

	/* The pane asked about, if it is still there (a click may have
	 * moved the focus since). */
	for (int i = 0; i < a->npanes; i++)
		if (a->slots[i] == a->closing)
			panes_close(a, i);
	a->closing = NULL;
}

void
panes_close_asking(struct app *a, int i)
{
	struct slot *s;
	char question[400];

	if (i < 0 || i >= a->npanes)
		return;
	s = a->slots[i];
	if (!panes_live(s)) {
		panes_close(a, i);
		return;
	}
	a->closing = s;
	if (s->prov < 0)
		snprintf(question, sizeof question, "close pane %d? its command still running will end (y/n)",
			 s->number);
	else
		snprintf(question, sizeof question, "close pane %d (%s/%s)? its live session will end (y/n)",
			 s->number, s->group_name, s->container);
	prompt_ask(&a->prompt, question, close_answered, a);
}

void
panes_focus(struct app *a, int i)
{
	if (i < 0 || i >= a->npanes)
		return;
	if (a->zoomed >= 0 && a->zoomed != i) {
		a->zoomed = -1;
		panes_relayout(a);
	}
	a->focus = i;
	a->sidebar_focus = 0;
	a->slots[i]->pane->bell = 0; /* seen */
	a->full_redraw = 1;
}

void
panes_swap(struct app *a, int i, int j)
{
	struct slot *t = a->slots[i];

	a->slots[i] = a->slots[j];
	a->slots[j] = t;
	a->focus = j;
	renumber(a);
	panes_relayout(a);
}
