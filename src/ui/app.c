/* app.c: the TUI's set-up and teardown, and its loop: stdin (input.c),
 * signals, the providers' network, the frame timer (frame.c), all on one
 * libuv loop. */
#include "fleetmux/app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tui.h"

static void
on_quit_signal(uv_signal_t *h, int sig)
{
	struct app *a = h->data;

	a->quit = 1;
	uv_stop(a->loop);
}

/* The status line's clock. */
static void
clock_tick(uv_timer_t *t)
{
	frame_schedule(t->data);
}

/* A server has no terminal of its own: SIGHUP is not for it. */
static void
on_hangup(uv_signal_t *h, int sig)
{
}

static void
start_handles(struct app *a)
{
	uv_signal_init(a->loop, &a->sigterm);
	uv_signal_init(a->loop, &a->sigint);
	uv_signal_init(a->loop, &a->sighup);
	a->sigterm.data = a->sigint.data = a->sighup.data = a;
	uv_signal_start(&a->sigterm, on_quit_signal, SIGTERM);
	uv_signal_start(&a->sigint, on_quit_signal, SIGINT);
	uv_signal_start(&a->sighup, on_hangup, SIGHUP);
	uv_timer_init(a->loop, &a->frame_timer);
	uv_timer_init(a->loop, &a->clock_timer);
	uv_timer_init(a->loop, &a->numbers_timer);
	uv_timer_init(a->loop, &a->message_timer);
	a->frame_timer.data = a->clock_timer.data = a->numbers_timer.data = a;
	a->message_timer.data = a;
	uv_timer_start(&a->clock_timer, clock_tick, 30000, 30000);
	details_init(a);
	a->handles_started = 1;
}

int
app_init(struct app *a, uv_loop_t *loop, struct provider **provs, int nprovs,
	 const struct app_options *o)
{
	int rc;
	char quit[32], help[32], detach[32];

	memset(a, 0, sizeof *a);
	a->loop = loop;
	a->listen_fd = -1;
	a->ws_lock = -1;
	a->opt = *o;
	if (a->opt.prefix == 0)
		a->opt.prefix = KEYMAP_CTRL('b');
	a->layout = o->layout;
	a->zoomed = -1;
	a->sidebar_visible = 1;
	a->sidebar_width = o->sidebar_width > 0 ? o->sidebar_width : APP_SIDEBAR_WIDTH;
	a->sidebar_focus = 1;
	a->broadcast = o->broadcast;
	sidebar_init(&a->sb);
	buf_init(&a->paste);
	messages_init(&a->messages, MESSAGES_KEPT);
	if (o->colors != NULL)
		a->theme = *o->colors;
	else
		theme_default(&a->theme);
	a->sb.theme = &a->theme;
	for (int i = 0; i < nprovs && i < APP_MAX_PROVIDERS; i++) {
		a->provs[i] = provs[i];
		sidebar_add_provider(&a->sb, provs[i]->name);
		a->nprovs++;
	}
	sidebar_listing_init(a);
	metrics_poll_init(a);
	keytable_init(&a->prefix_keys);
	keytable_init(&a->sidebar_keys);
	keytable_default_prefix(&a->prefix_keys);
	keytable_default_sidebar(&a->sidebar_keys);
	if (a->opt.prefix != KEYMAP_CTRL('b')) {
		/* Another prefix: that key twice sends it, as C-b C-b did, and
		 * C-b after it is nothing (prefix = C-a: C-a C-a sends C-a). */
		keytable_bind(&a->prefix_keys, KEYMAP_CTRL('b'), ACT_NONE);
		keytable_bind(&a->prefix_keys, a->opt.prefix, ACT_SEND_PREFIX);
	}
	for (int i = 0; i < o->nbindings; i++)
		keytable_bind(o->bindings[i].sidebar ? &a->sidebar_keys : &a->prefix_keys,
			      o->bindings[i].key, o->bindings[i].action);
	if ((rc = open_specs_parse(a->opt.open, &a->open, &a->nopen)) < 0)
		return rc;
	a->rows = o->rows > 0 ? o->rows : 24;
	a->cols = o->cols > 0 ? o->cols : 80;
	if ((rc = clients_base_screen(a)) < 0)
		return rc;
	start_handles(a);
	if ((rc = clients_listen(a, o->sock_dir, o->session_name, o->workspace)) < 0)
		return rc;
	/* The listing shows itself ("(listing…)", until it is done); this
	 * is a hint, gone after a few seconds, with the keys as configured
	 * (what the workspace says comes after it, and stays longer). */
	keytable_hint(&a->sidebar_keys, -1, ACT_LIST_KEYS, help, sizeof help);
	keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_QUIT, quit, sizeof quit);
	keytable_hint(&a->prefix_keys, a->opt.prefix, ACT_DETACH, detach, sizeof detach);
	app_message(a, 0, "Enter opens, Space marks, / filters, %s keys, %s detaches, %s quits", help,
		    detach, quit);
	/* Before the listing: its panes open as it comes. */
	if ((rc = workspace_start(a, o->workspace)) < 0)
		return rc;

	sidebar_listing_start(a);
	for (char **w = a->opt.warnings; w && *w; w++)
		app_message(a, 1, "%s", *w);
	a->full_redraw = 1;
	frame_schedule(a);
	return 0;
}

int
app_run(struct app *a)
{
	uv_run(a->loop, UV_RUN_DEFAULT);
	return 0;
}

/* Whatever app_init got to: panes close (their shells end in the
 * containers), the terminal is given back, then the providers and every
 * handle go the way `fleetmux run`'s do. */
void
app_free(struct app *a)
{
	struct buf left;

	workspace_stop(a); /* before the panes close: they are the workspace */
	while (a->npanes > 0)
		panes_close(a, a->npanes - 1);
	clients_end(a);
	if (a->handles_started) {
		uv_close((uv_handle_t *)&a->sigterm, NULL);
		uv_close((uv_handle_t *)&a->sigint, NULL);
		uv_close((uv_handle_t *)&a->sighup, NULL);
		uv_close((uv_handle_t *)&a->frame_timer, NULL);
		uv_close((uv_handle_t *)&a->clock_timer, NULL);
		uv_close((uv_handle_t *)&a->numbers_timer, NULL);
		uv_close((uv_handle_t *)&a->message_timer, NULL);
	}
	metrics_poll_free(a); /* before the providers go: it cancels their requests */
	details_free(a); /* its request ends before the providers do */
	sidebar_listing_free(a);
	/* The clients wait while the containers' sessions end, then hear
	 * what could not be ended. */
	buf_init(&left);
	buf_puts(&left, a->end_reason ? a->end_reason : "[exited]");
	buf_puts(&left, "\n");
	if (frontend_end_sessions(a->loop, a->provs, a->nprovs, &left) == 0)
		left.data[--left.len] = '\0';
	clients_free(a, left.data);
	buf_free(&left);
	frontend_close_handles(a->loop);
	sidebar_free(&a->sb);
	keytable_free(&a->prefix_keys);
	keytable_free(&a->sidebar_keys);
	open_specs_free(a->open, a->nopen);
	buf_free(&a->paste);
	free(a->osc52_pending);
	messages_free(&a->messages);
	history_free(&a->command_history);
}
