/* frame.c: when frames are drawn: at most one each APP_FRAME_MS, an idle
 * screen at once (an echo is never held back by the frame timer), the echo
 * of a key without waiting, and one when the status line's message
 * expires. Every frame starts by giving each pane its queued output.
 *
 * A slow outer terminal (a remote link, a slow emulator) makes a frame's
 * writes block until it has read them. Frames then come no more often than
 * one takes to write (up to APP_FRAME_SLOW_MS apart): output that arrives
 * meanwhile goes into the panes undrawn, and what is drawn is the newest
 * screen, not a backlog of old ones. A Ctrl-C into a flood is then seen
 * after about two frames, not after every frame the flood made. */
#include <ncurses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui.h"

/* Keys that found a pane not live: flashed and said, once each. The frame
 * is under way: said without asking for another. Keys typed into a log
 * pane: flashed, and said while the status line does not say it already
 * (a word typed is said once, not once a letter). */
static void
say_refused(struct app *a)
{
	char text[128], retry[32];

	for (int i = 0; i < a->npanes; i++)
		if (a->slots[i]->pane->refused && a->slots[i]->log) {
			const struct message *shown = messages_shown(&a->messages, time(NULL));

			a->slots[i]->pane->refused = 0;
			a->flash_wanted = 1;
			snprintf(text, sizeof text, "pane %d is a log pane: it takes no input, nothing was sent",
				 a->slots[i]->number);
			if (shown == NULL || strcmp(shown->text, text) != 0)
				messages_add(&a->messages, time(NULL), 1, text);
		} else if (a->slots[i]->pane->refused) {
			a->slots[i]->pane->refused = 0;
			a->flash_wanted = 1;
			keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_RETRY, retry, sizeof retry);
			snprintf(text, sizeof text, "pane %d is not live: input not sent (%s retries)",
				 a->slots[i]->number, retry);
			messages_add(&a->messages, time(NULL), 1, text);
		}
}

static void
message_expired(uv_timer_t *t)
{
	frame_schedule(t->data);
}

/* A frame when the message on the status line has had its time, so that
 * it goes without waiting for a key or the clock. */
static void
wake_at_expiry(struct app *a)
{
	time_t until = messages_expiry(&a->messages);
	struct timespec now;
	double left;

	if (until == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	left = (double)(until - now.tv_sec) - now.tv_nsec / 1e9;
	if (left > 0)
		uv_timer_start(&a->message_timer, message_expired, (uint64_t)(left * 1000) + 20, 0);
}

static void
frame_fire(uv_timer_t *t)
{
	struct app *a = t->data;
	uint64_t start;

	/* Every pane takes its queued output, drawn or not (a zoomed-over
	 * pane's application may be waiting for an answer). While the frame
	 * is still marked scheduled, the damage this makes asks for none. */
	for (int i = 0; i < a->npanes; i++)
		pane_flush(a->slots[i]->pane);
	say_refused(a);
	a->frame_scheduled = 0;
	start = uv_hrtime();
	clients_frame(a);
	a->frame_cost = (uv_hrtime() - start) / 1000000;
	uv_update_time(a->loop); /* the writes may have blocked for long */
	a->last_frame = uv_now(a->loop);
	wake_at_expiry(a);
}

/* The time from one frame to the next. */
static uint64_t
frame_interval(const struct app *a)
{
	if (a->frame_cost <= APP_FRAME_MS)
		return APP_FRAME_MS;
	return a->frame_cost < APP_FRAME_SLOW_MS ? a->frame_cost : APP_FRAME_SLOW_MS;
}

void
frame_schedule(struct app *a)
{
	uint64_t now, due;

	if (a->frame_scheduled)
		return;
	a->frame_scheduled = 1;
	uv_update_time(a->loop);
	now = uv_now(a->loop);
	due = a->last_frame + frame_interval(a);
	uv_timer_start(&a->frame_timer, frame_fire, due > now ? due - now : 0, 0);
}

static void
frame_now(struct app *a)
{
	if (a->frame_cost > APP_FRAME_MS) {
		frame_schedule(a);
		return;
	}
	uv_timer_stop(&a->frame_timer);
	frame_fire(&a->frame_timer);
}

/* A key's echo: the panes' rows at once (draw_echo), the rest of the
 * frame at its usual time. The frame timer is left as it was, so that
 * keys typed faster than a frame do not keep putting the rest off. */
void
frame_echo(struct app *a)
{
	if (a->frame_cost > APP_FRAME_MS) {
		frame_schedule(a);
		return;
	}
	if (!clients_echo(a)) {
		frame_now(a);
		return;
	}
	frame_schedule(a);
}
