/* mergepane.c: a merged log view (L in the sidebar): one pane that follows
 * the logs of several containers and interleaves their lines by time, each
 * behind its coloured group/container tag, as `fleetmux logs` prints them.
 * It is a log pane (slot->log: no input, nothing live to end) fed by one
 * follower a container instead of a session, so scrollback, search, copy
 * mode, recording and zoom are any pane's.
 *
 * Order: lines wait in a merge (logmerge.h) until no older line can still
 * come: every live follower has shown a newer one (a log comes in its own
 * order), or MERGE_DELAY_MS has passed (a log polled slowly does not hold
 * the rest for longer); a follower whose newest line is older than that (a
 * quiet log) holds nothing back, or one quiet container in a fleet held
 * every line MERGE_DELAY_MS. The backlogs wait until every follower has
 * answered once (at most BACKLOG_WAIT_MS), or the first to answer would be
 * shown before the others' older lines. What may leave is
 * looked at as soon as lines come (once for all the answers of a loop
 * turn), not at the next tick: a tick's wait was added to every line's lag
 * (merged-logs bench); the tick remains for the MERGE_DELAY_MS bound while
 * nothing comes. The raw lines that left the merge
 * are kept (logview.h, as many as the pane's history) so that a new
 * include, exclude or highlight expression, or timestamps, draw the pane
 * again from them; lines arriving meanwhile go on into the pane's history
 * while it is scrolled back (copy mode), so none is lost. A follower that
 * is interrupted, comes back, fails or ends leaves a dim note in the
 * stream where it happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logmerge.h"
#include "fleetmux/logout.h"
#include "fleetmux/logtext.h"
#include "fleetmux/logview.h"
#include "tui.h"

#define MERGE_DELAY_MS 2000
#define BACKLOG_WAIT_MS 10000 /* a follower slow to answer holds the backlogs no longer */
#define TICK_MS 200
#define STATE_CONNECTING -1

struct merge_pane;

struct mp_source {
	struct merge_pane *mp;
	int idx;
	const struct target *tg;   /* in mp->targets */
	int color;
	struct log_feed *feed;
	int state;                 /* an enum feed_state, or STATE_CONNECTING */
	int resumed;               /* live again: the note goes before its next line */
};

struct merge_pane {
	struct app *app;
	struct slot *slot;
	struct target_set targets;
	struct mp_source *src;
	size_t n;
	struct log_merge merge;    /* sources 0..n-1, and n: the notes */
	unsigned char *holds;      /* per merge source: may hold the others back */
	struct logview_filter filter;
	struct logview_ring ring;
	uv_timer_t *tick;
	uv_timer_t *soon;          /* lines came: a flush once this loop turn is over */
	struct buf out, plain;
	int timestamps;
	int64_t opened_ns;
	size_t kept, hidden;       /* of the lines drawn since the last redraw */
};

static void mergepane_stop(struct slot *s);

int
mergepane_is(const struct slot *s)
{
	return s != NULL && s->job_stop == mergepane_stop;
}

/* "logs: 3 live", "logs: 5: 3 live, 1 retrying, 1 failed". */
static void
update_badge(struct merge_pane *mp)
{
	static const char *const names[] = {"live", "retrying", "ended", "failed", "connecting"};
	size_t count[5] = {0}, o, size = sizeof mp->slot->badge;
	struct slot *s = mp->slot;
	const char *sep = ": ";
	int kinds = 0;

	for (size_t i = 0; i < mp->n; i++)
		count[mp->src[i].state == STATE_CONNECTING ? 4 : mp->src[i].state]++;
	for (int k = 0; k < 5; k++)
		kinds += count[k] > 0;
	o = (size_t)snprintf(s->badge, size, "logs: %zu", mp->n);
	for (int k = 0; k < 5 && o < size; k++) {
		if (count[k] == 0)
			continue;
		if (kinds == 1)
			o += (size_t)snprintf(s->badge + o, size - o, " %s", names[k]);
		else
			o += (size_t)snprintf(s->badge + o, size - o, "%s%zu %s", sep, count[k], names[k]);
		sep = ", ";
	}
	s->badge_tone = count[3] > 0 ? 2 : count[1] + count[4] > 0 ? 1 : 0;
	mp->app->full_redraw = 1;
	frame_schedule(mp->app);
}

/* Bytes to the pane (and its recording). */
static void
to_pane(struct merge_pane *mp, const struct buf *b)
{
	struct pane *p = mp->slot->pane;

	if (b->len == 0)
		return;
	pane_queue(p, (const unsigned char *)b->data, b->len);
	if (p->rec != NULL)
		recorder_output(p->rec, (const unsigned char *)b->data, b->len, uv_now(mp->app->loop));
}

/* One raw line (or note) drawn into out, when the filter keeps it. */
static void
draw_entry(struct merge_pane *mp, int source, const struct log_line *l, struct buf *out)
{
	const struct target *tg;

	if (source < 0) {
		char note[600];

		snprintf(note, sizeof note, "%.*s", (int)l->len, l->text);
		logview_render_note(out, note);
		return;
	}
	buf_reset(&mp->plain);
	logtext_plain(&mp->plain, l->text, l->len);
	buf_putc(&mp->plain, '\0');
	tg = mp->src[source].tg;
	if (!logview_keeps(&mp->filter, tg->label, mp->plain.data)) {
		mp->hidden++;
		return;
	}
	mp->kept++;
	logview_render(out, &mp->filter, tg->label, mp->src[source].color, mp->timestamps, l,
		       mp->plain.data);
}

static void
left_merge(void *arg, int source, const struct log_line *l)
{
	struct merge_pane *mp = arg;
	int s = source == (int)mp->n ? -1 : source;

	logview_ring_push(&mp->ring, s, l);
	draw_entry(mp, s, l, &mp->out);
}

/* Lines leave the merge into the pane (and its recording). */
static void
flush(struct merge_pane *mp, int64_t upto)
{
	buf_reset(&mp->out);
	log_merge_flush(&mp->merge, upto, left_merge, mp);
	to_pane(mp, &mp->out);
}

/* A note in the stream, at time t: when it is noticed, or (resumed) the
 * time of the first line that came back, which it then goes before. */
static void
note_at(struct merge_pane *mp, struct mp_source *src, enum logview_gap g, const struct fm_cause *why,
	int64_t t)
{
	char text[600];
	struct log_line l;

	logview_gap_text(text, sizeof text, g, src->tg->label,
			 why != NULL && why->msg[0] ? why->msg : NULL);
	l = (struct log_line){t, LOG_OUTPUT, text, strlen(text)};
	log_merge_add(&mp->merge, (int)mp->n, &l);
}

static void
note(struct merge_pane *mp, struct mp_source *src, enum logview_gap g, const struct fm_cause *why)
{
	note_at(mp, src, g, why, fm_time_now());
}

/* What may leave the merge now: up to the oldest newest line of the live
 * followers that are not quiet, and at least what is MERGE_DELAY_MS old. */
static int64_t
watermark(struct merge_pane *mp)
{
	int64_t now = fm_time_now();

	for (size_t i = 0; i < mp->n; i++) {
		if (mp->src[i].state == STATE_CONNECTING &&
		    now - mp->opened_ns < (int64_t)BACKLOG_WAIT_MS * 1000000)
			return FM_TIME_NONE;
		/* Retrying or over: it holds nothing back. */
		mp->holds[i] = mp->src[i].state == FEED_LIVE || mp->src[i].state == STATE_CONNECTING;
	}
	mp->holds[mp->n] = 0; /* the notes */
	return log_merge_watermark(&mp->merge, mp->holds, now, (int64_t)MERGE_DELAY_MS * 1000000);
}

static void
on_tick(uv_timer_t *t)
{
	struct merge_pane *mp = t->data;

	/* Live again, yet no line came with it: the note as of now. */
	for (size_t i = 0; i < mp->n; i++)
		if (mp->src[i].resumed) {
			mp->src[i].resumed = 0;
			note(mp, &mp->src[i], LOGVIEW_GAP_RESUMED, NULL);
		}
	flush(mp, watermark(mp));
}

static void
on_soon(uv_timer_t *t)
{
	struct merge_pane *mp = t->data;

	flush(mp, watermark(mp));
}

static void
on_line(void *arg, const struct container_ref *target, const struct log_line *l)
{
	struct mp_source *src = arg;

	if (!uv_is_active((uv_handle_t *)src->mp->soon))
		uv_timer_start(src->mp->soon, on_soon, 0, 0);

	if (src->resumed && l->time_ns != FM_TIME_NONE) {
		/* Added first, at the same time: it leaves before the line. */
		src->resumed = 0;
		note_at(src->mp, src, LOGVIEW_GAP_RESUMED, NULL, l->time_ns);
	}
	log_merge_add(&src->mp->merge, src->idx, l);
}

static void
on_state(void *arg, const struct container_ref *target, enum feed_state st, const struct fm_cause *why)
{
	struct mp_source *src = arg;
	struct merge_pane *mp = src->mp;
	int was = src->state;

	src->state = (int)st;
	switch (st) {
	case FEED_LIVE:
		/* ECI tells live, then the answer's lines: the note waits for
		 * the first, to stand before what came back. */
		if (was == FEED_RETRYING)
			src->resumed = 1;
		break;
	case FEED_RETRYING:
		src->resumed = 0;
		/* Told at every failed try: noted once a spell. */
		if (was != FEED_RETRYING)
			note(mp, src, LOGVIEW_GAP_INTERRUPTED, why);
		break;
	case FEED_DONE:
		note(mp, src, LOGVIEW_GAP_ENDED, NULL);
		break;
	case FEED_FAILED:
		note(mp, src, LOGVIEW_GAP_FAILED, why);
		app_message(mp->app, 1, "pane %d: %s: %s", mp->slot->number, src->tg->label,
			    why != NULL && why->msg[0] ? why->msg : "the log cannot be followed");
		break;
	}
	if (st != FEED_LIVE || was != FEED_LIVE)
		update_badge(mp);
}

static const struct log_events merge_events = {.on_line = on_line, .on_state = on_state};

static void
free_timer(uv_handle_t *h)
{
	free(h);
}

static void
mergepane_stop(struct slot *s)
{
	struct merge_pane *mp = s->job;

	for (size_t i = 0; i < mp->n; i++)
		if (mp->src[i].feed != NULL)
			provider_logs_close(mp->app->provs[mp->src[i].tg->prov], mp->src[i].feed);
	uv_timer_stop(mp->tick);
	uv_close((uv_handle_t *)mp->tick, free_timer);
	uv_timer_stop(mp->soon);
	uv_close((uv_handle_t *)mp->soon, free_timer);
	log_merge_free(&mp->merge);
	logview_filter_free(&mp->filter);
	logview_ring_free(&mp->ring);
	targets_free(&mp->targets);
	buf_free(&mp->out);
	buf_free(&mp->plain);
	free(mp->src);
	free(mp->holds);
	free(mp);
	s->job = NULL;
	s->job_stop = NULL;
}

/* The pane drawn again from the lines kept: history and screen erased
 * (ED 3 and ED 2), then every kept line that the filter lets through. */
static void
redraw(struct merge_pane *mp)
{
	static const char clear[] = "\033[0m\033[H\033[2J\033[3J";
	struct pane *p = mp->slot->pane;
	struct buf all;

	pane_flush(p);
	if (p->copy.active)
		copy_leave(p);
	buf_init(&all);
	buf_append(&all, clear, sizeof clear - 1);
	mp->kept = mp->hidden = 0;
	for (size_t i = 0; i < mp->ring.n; i++) {
		const struct logview_entry *e = logview_ring_get(&mp->ring, i);
		struct log_line l = {e->time_ns, e->stream, e->text, e->len};

		draw_entry(mp, e->source, &l, &all);
	}
	to_pane(mp, &all);
	buf_free(&all);
	mp->app->full_redraw = 1;
	frame_schedule(mp->app);
}

int
mergepane_open(struct app *a, struct target_set *targets, const char *what)
{
	struct merge_pane *mp;
	const char *region;
	size_t opened = 0;
	struct slot *s;

	if (targets->n == 0) {
		app_message(a, 1, "L: no running container to follow (%s)", what);
		targets_free(targets);
		return -1;
	}
	if (a->npanes >= APP_MAX_PANES) {
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		targets_free(targets);
		return -1;
	}
	mp = xcalloc(1, sizeof *mp);
	mp->app = a;
	mp->opened_ns = fm_time_now();
	mp->targets = *targets; /* taken */
	targets_init(targets);
	mp->n = mp->targets.n;
	targets_name(&mp->targets, a->provs);
	region = mp->targets.v[0].region;
	for (size_t i = 1; i < mp->n; i++)
		if (strcmp(mp->targets.v[i].region, region) != 0)
			region = "fleet";
	s = panes_add(a, -1, region, "", what, "merged");
	s->log = 1;
	s->job = mp;
	s->job_stop = mergepane_stop;
	s->pane->state = SESSION_OPEN; /* the terminal's; the badge says the feeds' */
	mp->slot = s;
	pane_feed(s->pane, (const unsigned char *)"\033[?25l", 6);
	buf_init(&mp->out);
	buf_init(&mp->plain);
	logview_filter_init(&mp->filter);
	logview_ring_init(&mp->ring, a->opt.scrollback > 0 ? (size_t)a->opt.scrollback : 10000);
	log_merge_init(&mp->merge, (int)mp->n + 1);
	mp->holds = xcalloc(mp->n + 1, 1);
	mp->src = xcalloc(mp->n, sizeof *mp->src);
	/* Before the followers: none calls back from open, yet on_line needs it. */
	mp->soon = xcalloc(1, sizeof *mp->soon);
	uv_timer_init(a->loop, mp->soon);
	mp->soon->data = mp;
	for (size_t i = 0; i < mp->n; i++) {
		struct mp_source *src = &mp->src[i];
		const struct target *tg = &mp->targets.v[i];
		struct container_ref ref = {tg->region, tg->group_id, tg->container};
		struct log_opts opts = {.tail = -1};
		struct fm_cause why;

		src->mp = mp;
		src->idx = (int)i;
		src->tg = tg;
		src->color = logout_tag_color(tg->label);
		src->state = STATE_CONNECTING;
		memset(&why, 0, sizeof why);
		src->feed = provider_logs_open(a->provs[tg->prov], &ref, &opts, &merge_events, src, &why);
		if (src->feed == NULL) {
			src->state = FEED_FAILED;
			note(mp, src, LOGVIEW_GAP_FAILED, &why);
		} else {
			opened++;
		}
	}
	mp->tick = xcalloc(1, sizeof *mp->tick);
	uv_timer_init(a->loop, mp->tick);
	mp->tick->data = mp;
	uv_timer_start(mp->tick, on_tick, TICK_MS, TICK_MS);
	update_badge(mp);
	if (a->opt.record_dir != NULL && panes_record(a, s, a->opt.record_dir) < 0)
		app_message(a, 1, "cannot record: %s", fm_error_message());
	app_message(a, 0, "pane %d: the logs of %zu %s merged (%zu followed); i e h set include, "
		    "exclude, highlight", s->number, mp->n, fm_plural((long long)mp->n, "container",
		    "containers"), opened);
	return 0;
}

int
mergepane_set_expr(struct app *a, struct slot *s, enum logview_expr k, const char *expr)
{
	struct merge_pane *mp;
	char why[400];

	if (!mergepane_is(s)) {
		app_message(a, 1, "log-%s: focus a merged log pane (L in the sidebar opens one)",
			    logview_expr_name(k));
		return -1;
	}
	mp = s->job;
	if (logview_filter_set(&mp->filter, k, expr, why, sizeof why) < 0) {
		app_message(a, 1, "pane %d: %s (nothing changed)", s->number, why);
		return -1;
	}
	redraw(mp);
	if (mp->filter.expr[k] != NULL)
		app_message(a, 0, "pane %d: %s '%s' (%zu of %zu lines shown)", s->number,
			    logview_expr_name(k), mp->filter.expr[k], mp->kept, mp->kept + mp->hidden);
	else
		app_message(a, 0, "pane %d: no %s (%zu of %zu lines shown)", s->number,
			    logview_expr_name(k), mp->kept, mp->kept + mp->hidden);
	return 0;
}

const char *
mergepane_expr(const struct slot *s, enum logview_expr k)
{
	const struct merge_pane *mp = mergepane_is(s) ? s->job : NULL;

	return mp != NULL && mp->filter.expr[k] != NULL ? mp->filter.expr[k] : "";
}

void
mergepane_toggle_timestamps(struct app *a, struct slot *s)
{
	struct merge_pane *mp = s->job;

	mp->timestamps = !mp->timestamps;
	redraw(mp);
	app_message(a, 0, "pane %d: timestamps %s", s->number, mp->timestamps ? "on" : "off");
}
