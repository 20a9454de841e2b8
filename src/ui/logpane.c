/* logpane.c: a pane that follows a container's log. The provider's feed
 * (provider.h) brings each line once; the line is made safe (logtext.h)
 * and goes through the pane's terminal like a session's output, so
 * scrollback, search, copy mode, recording, zoom and layouts are the same
 * as any pane's. The title says [log] and the feed's state; nothing is
 * ever sent anywhere, and closing the pane closes the feed. With previous
 * it shows the log of the instance before the last restart, once, whole
 * (a backend that keeps none says why, and no pane opens). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/logtext.h"
#include "tui.h"

struct log_pane {
	struct app *app;
	struct slot *slot;        /* NULL until the feed is open */
	struct provider *prov;
	struct log_feed *feed;
	struct buf out;           /* a line on its way to the terminal */
	int timestamps;
	int previous;             /* the instance before the last restart, whole */
	int state;                /* the feed_state last told, -1 none yet */
};

/* The badge in the pane's title, as an exec pane's: connecting, live,
 * reconnecting, failed: why. */
static void
set_badge(struct log_pane *lp, const char *text, int tone)
{
	snprintf(lp->slot->badge, sizeof lp->slot->badge, "%.*s", (int)sizeof lp->slot->badge - 1, text);
	lp->slot->badge_tone = tone;
	lp->app->full_redraw = 1;
	frame_schedule(lp->app);
}

static void
on_line(void *arg, const struct container_ref *target, const struct log_line *l)
{
	struct log_pane *lp = arg;
	struct pane *p = lp->slot->pane;

	buf_reset(&lp->out);
	logtext_render(&lp->out, l, lp->timestamps);
	pane_queue(p, (const unsigned char *)lp->out.data, lp->out.len);
	if (p->rec != NULL)
		recorder_output(p->rec, (const unsigned char *)lp->out.data, lp->out.len,
				uv_now(lp->app->loop));
}

/* A dim line in the pane where the log was interrupted or ended: what the
 * pane shows is then never mistaken for the whole story. */
static void
say_in_pane(struct log_pane *lp, const char *fmt, const char *why)
{
	char line[400];

	snprintf(line, sizeof line, fmt, why);
	pane_queue(lp->slot->pane, (const unsigned char *)"\033[0;2m", 6);
	pane_queue(lp->slot->pane, (const unsigned char *)line, strlen(line));
	pane_queue(lp->slot->pane, (const unsigned char *)"\033[0m\r\n", 6);
}

static void
on_state(void *arg, const struct container_ref *target, enum feed_state st,
	 const struct fm_cause *why)
{
	struct log_pane *lp = arg;
	struct slot *s = lp->slot;
	const char *msg = why != NULL && why->msg[0] ? why->msg : "unknown";
	char badge[600];
	int was = lp->state;

	lp->state = (int)st;
	switch (st) {
	case FEED_LIVE:
		set_badge(lp, lp->previous ? "previous instance" : "live", 0);
		if (was == FEED_RETRYING)
			app_message(lp->app, 0, "pane %d: following the log again", s->number);
		break;
	case FEED_RETRYING:
		set_badge(lp, "reconnecting", 1);
		/* Trouble is told at every failed try: said once a spell. */
		if (was != FEED_RETRYING) {
			say_in_pane(lp, "[fleetmux: the log cannot be read (%s); trying again…]", msg);
			app_message(lp->app, 1, "pane %d (%s/%s log): %s; trying again", s->number,
				    s->group_name, s->container, msg);
		}
		break;
	case FEED_DONE:
		set_badge(lp, lp->previous ? "previous instance, whole" : "ended", 0);
		say_in_pane(lp, "[fleetmux: %s]", lp->previous ? "the end of the previous instance's log"
							     : "the end of the log");
		break;
	case FEED_FAILED:
		snprintf(badge, sizeof badge, "failed: %s", msg);
		set_badge(lp, badge, 2);
		say_in_pane(lp, "[fleetmux: the log cannot be followed: %s]", msg);
		app_message(lp->app, 1, "pane %d (%s/%s/%s log): %s", s->number, s->region,
			    s->group_name, s->container, msg);
		break;
	}
}

static const struct fm_container *
container_in(const struct fm_group *g, size_t n, const char *group_id, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].id, group_id) == 0)
			for (size_t k = 0; k < g[i].ncontainers; k++)
				if (strcmp(g[i].containers[k].name, name) == 0)
					return &g[i].containers[k];
	return NULL;
}

static void logpane_stop(struct slot *s);

void
logpane_note_restarts(struct app *a, int prov, const char *region, const struct fm_group *g,
		      size_t n)
{
	const struct sb_region *r = sidebar_region(&a->sb, prov, region, 0);

	if (r == NULL || !r->listed)
		return;
	for (int i = 0; i < a->npanes; i++) {
		struct slot *s = a->slots[i];
		const struct fm_container *now, *before;
		struct log_pane *lp;
		char when[64], text[96];
		time_t t = time(NULL);

		if (s == NULL || s->job_stop != logpane_stop || s->prov != prov ||
		    strcmp(s->region, region) != 0)
			continue;
		lp = s->job;
		now = container_in(g, n, s->group_id, s->container);
		before = NULL;
		for (size_t j = 0; j < r->n && before == NULL; j++)
			before = container_in(&r->groups[j].g, 1, s->group_id, s->container);
		if (lp->previous || now == NULL || before == NULL || now->restarts <= before->restarts)
			continue;
		strftime(when, sizeof when, "%H:%M:%S", localtime(&t));
		snprintf(text, sizeof text, "restarted (↻%d), seen at %s", now->restarts, when);
		say_in_pane(lp, "[fleetmux: the container %s]", text);
	}
}

static const struct log_events log_events = {.on_line = on_line, .on_state = on_state};

/* The pane closes: the feed with it (the slot's job_stop). */
static void
logpane_stop(struct slot *s)
{
	struct log_pane *lp = s->job;

	if (lp->feed != NULL)
		provider_logs_close(lp->prov, lp->feed);
	buf_free(&lp->out);
	free(lp);
	s->job = NULL;
	s->job_stop = NULL;
}

int
logpane_open(struct app *a, int prov, const char *region, const char *group_id,
	     const char *group_name, const char *container, int previous)
{
	struct container_ref ref = {region, group_id, container};
	struct log_opts opts = {.tail = -1, .previous = previous};
	struct fm_cause why;
	struct log_pane *lp;
	struct slot *s;

	if (a->npanes >= APP_MAX_PANES) {
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		return -1;
	}
	if (prov < 0 || prov >= a->nprovs) {
		app_message(a, 1, "no container to follow the log of");
		return -1;
	}
	lp = xcalloc(1, sizeof *lp);
	lp->app = a;
	lp->prov = a->provs[prov];
	lp->state = -1;
	lp->previous = previous;
	buf_init(&lp->out);
	/* Events come from the loop, never from inside logs_open: the slot
	 * is there before the first. */
	memset(&why, 0, sizeof why);
	lp->feed = provider_logs_open(lp->prov, &ref, &opts, &log_events, lp, &why);
	if (lp->feed == NULL) {
		app_message(a, 1, "%s/%s: no %s: %s", group_name, container,
			    previous ? "previous instance's log" : "log",
			    why.msg[0] ? why.msg : "the provider keeps none");
		buf_free(&lp->out);
		free(lp);
		return -1;
	}
	s = panes_add(a, prov, region, group_id, group_name, container);
	s->log = 1;
	s->job = lp;
	s->job_stop = logpane_stop;
	s->pane->state = SESSION_OPEN; /* the terminal's; the badge says the feed's */
	lp->slot = s;
	/* No program's cursor to show: the log's end is the last line. */
	pane_feed(s->pane, (const unsigned char *)"\033[?25l", 6);
	set_badge(lp, "connecting", 1);
	if (a->opt.record_dir != NULL && panes_record(a, s, a->opt.record_dir) < 0)
		app_message(a, 1, "cannot record: %s", fm_error_message());
	return 0;
}

int
logpane_is_previous(const struct slot *s)
{
	const struct log_pane *lp = s->job;

	return s->log && !mergepane_is(s) && lp != NULL && lp->previous;
}

void
logpane_toggle_timestamps(struct app *a, struct slot *s)
{
	struct log_pane *lp;

	if (s == NULL || !s->log) {
		app_message(a, 1, "log-timestamps: the focused pane is not a log pane");
		return;
	}
	if (mergepane_is(s)) {
		mergepane_toggle_timestamps(a, s);
		return;
	}
	lp = s->job;
	lp->timestamps = !lp->timestamps;
	app_message(a, 0, "pane %d: timestamps %s (lines from now on)", s->number,
		    lp->timestamps ? "on" : "off");
}
