/* clients.c: the server's side of a session: the socket clients come by,
 * and each attached terminal. A client hands over its tty; the server
 * gives it a curses SCREEN of its own whose output goes into a pipe, read
 * at once into the client's queue and written to the tty when it takes
 * it, so a terminal that reads slowly (or not at all) never blocks the
 * loop. Its keys are read from its tty by curses, as input.c did from
 * stdin. Every client is drawn at the session's size, the smallest of
 * theirs. docs/SERVER.md says why it is built so. */
#include <errno.h>
#include <ncurses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fleetmux/debuglog.h"
#include "fleetmux/server.h"
#include "fleetmux/version.h"
#include "fleetmux/wire.h"
#include "tui.h"

/* A client whose queue is over this gets no frame until it has taken
 * some: what it sees is the newest screen, and the queue stays bounded by
 * this plus one frame. */
#define CLIENT_QUEUE_BEHIND (256 * 1024)
/* A terminal that takes nothing for this long while output waits is
 * dropped. */
#define CLIENT_STUCK_MS 30000
/* How long a goodbye (curses' endwin) may take to reach a terminal. */
#define CLIENT_GOODBYE_MS 300

struct client {
	struct app *a;
	int sock;
	uv_poll_t sock_poll;
	struct buf in;              /* from the socket, not yet a whole message */
	int fds[2], nfds;           /* the tty's, as the hello brought them */
	int attached, readonly;
	int handles;                /* uv handles open: freed when none is */
	int tty_in, tty_out;
	uv_poll_t in_poll, out_poll;
	int out_polling;
	SCREEN *scr;
	FILE *scr_out, *scr_in;
	int pipe_r;
	struct buf q;               /* for the tty, not yet written */
	uint64_t stuck_since;       /* ms: output waiting and none taken since; 0: fine */
	int rows, cols;
	int cursor_style;
	int needs_full;
	char term[64];
	/* Its own view (view_in): the prefix it pressed; a watcher's
	 * overlay and its copy mode in the focused pane (copy_slot's), so
	 * that watching changes nothing the writers see. */
	int prefix_pending;
	struct overlay overlay;
	struct slot *copy_slot;
	struct copy_mode copy;
	int viewing;                /* its view is the app's now */
	/* What was refused to it, on its own status line for a while. */
	char note[160];
	time_t note_at;
};

/* A curses screen no client uses, kept for the next of the same TERM.
 * Screens are never deleted: this ncurses keeps one list of windows for
 * every screen, and delscreen takes the other screens' windows with it.
 * Its input fd stays open on /dev/null between clients; a new client's
 * tty is put in its place (dup2). So there are at most as many as
 * clients were ever attached at once. */
struct spare_screen {
	SCREEN *scr;
	FILE *out, *in;
	int pipe_r;
	char term[64];
};

static void on_sock(uv_poll_t *h, int status, int events);

/* Curses' screen set up as the TUI wants it: raw keys, no echo, the
 * keypad, colours, the mouse. */
static void
screen_setup(void)
{
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED |
		      BUTTON5_PRESSED, NULL);
	mouseinterval(0);
}

int
clients_base_screen(struct app *a)
{
	const char *term = getenv("TERM");
	FILE *out = fopen("/dev/null", "we"), *in = fopen("/dev/null", "re");

	if (out == NULL || in == NULL || (a->base = newterm(term, out, in)) == NULL) {
		if (out)
			fclose(out);
		if (in)
			fclose(in);
		return fm_error(FM_EIO, "cannot start the terminal (TERM=%s)", term ? term : "");
	}
	a->base_out = out;
	a->base_in = in;
	a->spares = xcalloc(APP_MAX_CLIENTS, sizeof *a->spares);
	screen_setup();
	resize_term(a->rows, a->cols);
	return 0;
}

/* ---- output ---- */

/* What curses wrote, into the queue. */
static void
drain(struct client *c)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(c->pipe_r, chunk, sizeof chunk)) > 0)
		buf_append(&c->q, chunk, (size_t)n);
}

static void on_writable(uv_poll_t *h, int status, int events);

/* As much of the queue as the tty takes now; the rest when it is
 * writable. */
static void
pump(struct client *c)
{
	uint64_t now = uv_now(c->a->loop);

	while (c->q.len > 0) {
		ssize_t n = write(c->tty_out, c->q.data, c->q.len);

		if (n > 0) {
			buf_consume(&c->q, (size_t)n);
			c->stuck_since = 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (c->q.len > 0) {
		if (c->stuck_since == 0)
			c->stuck_since = now ? now : 1;
		if (!c->out_polling) {
			uv_poll_start(&c->out_poll, UV_WRITABLE, on_writable);
			c->out_polling = 1;
		}
	} else if (c->out_polling) {
		uv_poll_stop(&c->out_poll);
		c->out_polling = 0;
	}
}

static void
on_writable(uv_poll_t *h, int status, int events)
{
	struct client *c = h->data;

	if (status < 0) {
		clients_detach(c->a, c, 1, NULL);
		return;
	}
	pump(c);
	if (c->q.len < CLIENT_QUEUE_BEHIND && c->needs_full)
		frame_schedule(c->a); /* it caught up: the frame it missed */
}

void
term_write(struct app *a, const char *s, size_t n)
{
	struct client *c = a->drawing;

	if (c == NULL)
		return;
	drain(c); /* after what curses wrote */
	buf_append(&c->q, s, n);
}

/* ---- drawing ---- */

static int
behind(const struct client *c)
{
	return c->q.len >= CLIENT_QUEUE_BEHIND;
}

static void
swap_copy(struct copy_mode *x, struct copy_mode *y)
{
	struct copy_mode t = *x;

	*x = *y;
	*y = t;
}

/* What the client keeps of its own and the app holds while it is in:
 * the prefix it pressed; a watcher's overlay. The same swap goes in and
 * out. */
static void
swap_own(struct app *a, struct client *c)
{
	int t = a->prefix_pending;

	a->prefix_pending = c->prefix_pending;
	c->prefix_pending = t;
	if (c->readonly) {
		struct overlay o = a->overlay;

		a->overlay = c->overlay;
		c->overlay = o;
	}
}

/* The client's own view becomes the app's, for its keys or its frame;
 * view_out puts the session's back. A watcher's copy mode is swapped
 * into the focused pane (its own, if the writers moved on). */
static void
view_in(struct app *a, struct client *c)
{
	struct slot *s;

	if (c->viewing)
		return;
	c->viewing = 1;
	swap_own(a, c);
	if (!c->readonly)
		return;
	s = focus_slot(a);
	if (s != c->copy_slot) {
		/* The writers moved on: a watcher's copy mode was in another pane. */
		memset(&c->copy, 0, sizeof c->copy);
		c->copy_slot = s;
	}
	if (s != NULL)
		swap_copy(&s->pane->copy, &c->copy);
}

static void
view_out(struct app *a, struct client *c)
{
	if (!c->viewing)
		return;
	c->viewing = 0;
	swap_own(a, c);
	if (c->readonly && c->copy_slot != NULL)
		swap_copy(&c->copy_slot->pane->copy, &c->copy);
}

void
clients_pane_closed(struct app *a, struct slot *s)
{
	for (int i = 0; i < a->nclients; i++)
		if (a->clients[i]->copy_slot == s) {
			a->clients[i]->copy_slot = NULL;
			memset(&a->clients[i]->copy, 0, sizeof a->clients[i]->copy);
		}
}

void
clients_note(struct app *a, const char *text)
{
	struct client *c = a->typing;

	if (c == NULL)
		return;
	snprintf(c->note, sizeof c->note, "%s", text);
	c->note_at = time(NULL);
}

const char *
clients_drawn_note(const struct app *a)
{
	const struct client *c = a->drawing;

	if (c == NULL || c->note[0] == '\0' || time(NULL) - c->note_at > 5)
		return NULL;
	return c->note;
}

static void
enter(struct app *a, struct client *c)
{
	set_term(c->scr);
	a->drawing = c;
	a->cursor_style = c->cursor_style;
	view_in(a, c);
}

static void
leave(struct app *a, struct client *c)
{
	view_out(a, c);
	if (c->cols > a->cols) {
		/* curses writes the screen's last cell by inserting it, which on
		 * a wider terminal pushes the rest of that row right: cleared. */
		char clear[64];

		snprintf(clear, sizeof clear, "\0337\033[%d;%dH\033[0m\033[K\0338", a->rows,
			 a->cols + 1);
		term_write(a, clear, strlen(clear));
	}
	c->cursor_style = a->cursor_style;
	drain(c);
	pump(c);
	a->drawing = NULL;
	set_term(a->base);
}

/* Clients that stopped taking output long ago go. */
static void
drop_stuck(struct app *a)
{
	uint64_t now = uv_now(a->loop);

	for (int i = a->nclients - 1; i >= 0; i--) {
		struct client *c = a->clients[i];

		if (c->attached && c->stuck_since != 0 && now - c->stuck_since > CLIENT_STUCK_MS)
			clients_detach(a, c, 1, "[dropped: the terminal took no output for 30 s]");
	}
}

void
clients_frame(struct app *a)
{
	int full = a->full_redraw, drawn = 0;

	drop_stuck(a);
	for (int i = 0; i < a->nclients; i++) {
		struct client *c = a->clients[i];

		if (!c->attached)
			continue;
		if (behind(c)) {
			c->needs_full = 1;
			continue;
		}
		enter(a, c);
		if (a->flash_wanted)
			flash();
		/* The first drawn takes the panes' damage; the others are
		 * drawn whole (curses still sends each only what changed). */
		a->full_redraw = full || c->needs_full || drawn > 0;
		draw_frame(a);
		if (a->osc52_pending != NULL && (a->osc52_for == c || a->osc52_for == NULL)) {
			draw_osc52(a, a->osc52_pending);
			free(a->osc52_pending);
			a->osc52_pending = NULL;
			a->osc52_for = NULL;
		}
		c->needs_full = 0;
		leave(a, c);
		drawn++;
	}
	a->flash_wanted = 0;
	a->full_redraw = drawn > 0 ? 0 : full;
}

int
clients_echo(struct app *a)
{
	struct client *c = a->nclients > 0 ? a->clients[0] : NULL;
	int done;

	if (c == NULL || !c->attached || behind(c) || clients_attached(a) > 1)
		return 0;
	enter(a, c);
	done = draw_echo(a);
	leave(a, c);
	return done;
}

int
clients_attached(const struct app *a)
{
	int n = 0;

	for (int i = 0; i < a->nclients; i++)
		n += a->clients[i]->attached;
	return n;
}

int
clients_readonly(const struct app *a)
{
	return a->typing != NULL && a->typing->readonly;
}

int
clients_drawn_readonly(const struct app *a)
{
	return a->drawing != NULL && a->drawing->readonly;
}

/* The session's size: the smallest attached terminal's, as tmux's
 * window-size smallest (a screen larger than its terminal is not one
 * curses can draw). A larger terminal shows the session at its top left. */
static void
resize_all(struct app *a)
{
	int rows = 0, cols = 0;

	for (int i = 0; i < a->nclients; i++) {
		struct client *c = a->clients[i];

		if (!c->attached)
			continue;
		if (rows == 0 || c->rows < rows)
			rows = c->rows;
		if (cols == 0 || c->cols < cols)
			cols = c->cols;
	}
	if (rows == 0)
		return; /* nobody: the size stays as it was */
	for (int i = 0; i < a->nclients; i++) {
		struct client *c = a->clients[i];

		if (!c->attached)
			continue;
		set_term(c->scr);
		resize_term(rows, cols);
		clearok(curscr, TRUE);
		c->needs_full = 1;
	}
	set_term(a->base);
	resize_term(rows, cols);
	if (rows != a->rows || cols != a->cols) {
		a->rows = rows;
		a->cols = cols;
		panes_relayout(a);
	}
	a->full_redraw = 1;
	frame_schedule(a);
}

/* ---- input ---- */

/* c first in the list, the others in their order. */
static void
to_front(struct app *a, struct client *c)
{
	int i;

	for (i = 0; i < a->nclients && a->clients[i] != c; i++)
		;
	if (i == 0 || i == a->nclients)
		return;
	memmove(&a->clients[1], &a->clients[0], (size_t)i * sizeof a->clients[0]);
	a->clients[0] = c;
}

static void
on_tty(uv_poll_t *h, int status, int events)
{
	struct client *c = h->data;
	struct app *a = c->a;
	wint_t ch;
	int r, n = 0;

	if (status < 0 || (events & UV_DISCONNECT)) {
		clients_detach(a, c, 1, NULL);
		return;
	}
	to_front(a, c); /* the client that types: its echo is drawn at once */
	set_term(c->scr);
	a->typing = c;
	view_in(a, c);
	while (!a->quit && a->typing == c && (r = wget_wch(stdscr, &ch)) != ERR && n++ < 4096)
		input_key(a, ch, r == KEY_CODE_YES);
	if (a->typing == c) {
		/* A copy for the clipboard: this terminal's. */
		if (a->osc52_pending != NULL && a->osc52_for == NULL)
			a->osc52_for = c;
		view_out(a, c);
		a->typing = NULL;
		set_term(a->base);
		/* A flash or a bell while its keys were read. */
		drain(c);
		pump(c);
	}
}

/* ---- the socket ---- */

static void
handle_closed(uv_handle_t *h)
{
	struct client *c = h->data;

	if (--c->handles > 0)
		return;
	buf_free(&c->in);
	buf_free(&c->q);
	free(c);
}

static void
send_exit(struct client *c, int code, const char *text)
{
	struct buf body, msg;

	if (c->sock < 0)
		return;
	buf_init(&body);
	buf_init(&msg);
	wire_exit_encode(&body, code, text);
	wire_put(&msg, WIRE_EXIT, body.data, body.len);
	/* Small, and the client waits for it: a full socket loses it. */
	if (send(c->sock, msg.data, msg.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* the client is gone or stuck: it learns from the socket's end */
	}
	buf_free(&body);
	buf_free(&msg);
}

/* Write what is queued, waiting a little: curses' goodbye (the screen
 * as it was, the cursor back) should reach a terminal that still reads. */
static void
flush_goodbye(struct client *c)
{
	uint64_t until = uv_hrtime() + (uint64_t)CLIENT_GOODBYE_MS * 1000000;

	drain(c);
	while (c->q.len > 0 && uv_hrtime() < until) {
		ssize_t n = write(c->tty_out, c->q.data, c->q.len);

		if (n > 0)
			buf_consume(&c->q, (size_t)n);
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		else
			usleep(2000);
	}
}

static void
keep_screen(struct app *a, struct client *c)
{
	struct spare_screen *s;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* The tty is let go; the fd number curses reads stays valid. */
	if (null >= 0) {
		dup3(null, fileno(c->scr_in), O_CLOEXEC);
		close(null);
	}
	if (a->nspares == APP_MAX_CLIENTS)
		return; /* (cannot be: a spare per client at most) */
	s = &a->spares[a->nspares++];
	s->scr = c->scr;
	s->out = c->scr_out;
	s->in = c->scr_in;
	s->pipe_r = c->pipe_r;
	snprintf(s->term, sizeof s->term, "%s", c->term);
}

/* A spare screen for TERM, given the client's tty for input; 0 when
 * there is none. */
static int
reuse_screen(struct app *a, struct client *c, const char *term)
{
	for (int i = 0; i < a->nspares; i++) {
		struct spare_screen *s = &a->spares[i];
		char drain[4096];

		if (strcmp(s->term, term) != 0)
			continue;
		if (dup3(c->tty_in, fileno(s->in), O_CLOEXEC) < 0)
			return 0;
		close(c->tty_in);
		c->tty_in = fileno(s->in);
		c->scr = s->scr;
		c->scr_out = s->out;
		c->scr_in = s->in;
		c->pipe_r = s->pipe_r;
		while (read(c->pipe_r, drain, sizeof drain) > 0)
			; /* what the last client was not sent */
		a->spares[i] = a->spares[--a->nspares];
		set_term(c->scr);
		/* What curses thinks the terminal shows is the last client's. */
		clearok(curscr, TRUE);
		return 1;
	}
	return 0;
}

/* The terminal is given back: curses' goodbye written to it, its screen
 * kept for another, its fds closed. The socket stays until the client is
 * told. */
static void
give_back(struct app *a, struct client *c)
{
	view_out(a, c);
	if (a->typing == c)
		a->typing = NULL;
	if (a->osc52_for == c)
		a->osc52_for = NULL;
	if (!c->attached)
		return;
	enter(a, c);
	draw_reset_cursor_style(a);
	endwin();
	a->drawing = NULL;
	flush_goodbye(c);
	set_term(a->base);
	/* Out of epoll before the fds close: the tty stays open elsewhere
	 * (the client, the terminal), and epoll would go on telling of it. */
	uv_close((uv_handle_t *)&c->in_poll, handle_closed);
	uv_close((uv_handle_t *)&c->out_poll, handle_closed);
	keep_screen(a, c);
	close(c->tty_out);
	c->attached = 0;
}

void
clients_detach(struct app *a, struct client *c, int code, const char *why)
{
	int i, was = c->attached;

	for (i = 0; i < a->nclients && a->clients[i] != c; i++)
		;
	if (i == a->nclients)
		return;
	memmove(&a->clients[i], &a->clients[i + 1], (size_t)(a->nclients - i - 1) * sizeof c);
	a->nclients--;
	give_back(a, c);
	for (int k = 0; k < c->nfds; k++)
		close(c->fds[k]);
	c->nfds = 0;
	if (why != NULL)
		send_exit(c, code, why);
	uv_close((uv_handle_t *)&c->sock_poll, handle_closed);
	close(c->sock);
	c->sock = -1;
	if (was && !a->ending) {
		resize_all(a);
		app_message(a, 0, "a client %s (%d attached)",
			    why != NULL && strncmp(why, "[detached", 9) == 0 ? "detached" : "went",
			    clients_attached(a));
	}
}

static int
attach(struct app *a, struct client *c, const struct wire_hello *h)
{
	int p[2];

	if (c->nfds != 2) {
		clients_detach(a, c, 1, "fleetmux: the client passed no terminal");
		return -1;
	}
	c->tty_in = c->fds[0];
	c->tty_out = c->fds[1];
	c->nfds = 0;
	fcntl(c->tty_out, F_SETFL, fcntl(c->tty_out, F_GETFL) | O_NONBLOCK);
	snprintf(c->term, sizeof c->term, "%s", h->term);
	if (reuse_screen(a, c, h->term))
		goto ready;
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(c->tty_in);
		close(c->tty_out);
		clients_detach(a, c, 1, "fleetmux: the server cannot make a pipe");
		return -1;
	}
	/* Room for any one frame: curses writes it whole before the loop
	 * reads it. */
	if (fcntl(p[1], F_SETPIPE_SZ, 4 << 20) < 0)
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	c->pipe_r = p[0];
	c->scr_out = fdopen(p[1], "w");
	c->scr_in = fdopen(c->tty_in, "r");
	c->scr = c->scr_out && c->scr_in ? newterm(h->term, c->scr_out, c->scr_in) : NULL;
	if (c->scr == NULL) {
		char why[160];

		if (c->scr_out)
			fclose(c->scr_out);
		else
			close(p[1]);
		if (c->scr_in)
			fclose(c->scr_in);
		else
			close(c->tty_in);
		close(c->tty_out);
		close(p[0]);
		snprintf(why, sizeof why, "fleetmux: the server knows no terminal '%s' (TERM)", h->term);
		clients_detach(a, c, 1, why);
		set_term(a->base);
		return -1;
	}
ready:
	screen_setup();
	set_term(a->base);
	c->rows = h->rows > 0 ? h->rows : 24;
	c->cols = h->cols > 0 ? h->cols : 80;
	c->readonly = h->readonly;
	c->attached = 1;
	c->needs_full = 1;
	uv_poll_init(a->loop, &c->in_poll, c->tty_in);
	uv_poll_init(a->loop, &c->out_poll, c->tty_out);
	c->in_poll.data = c->out_poll.data = c;
	c->handles += 2;
	uv_poll_start(&c->in_poll, UV_READABLE | UV_DISCONNECT, on_tty);
	to_front(a, c); /* the newest, as if it had typed */
	resize_all(a);
	if (clients_attached(a) == 1)
		metrics_poll_wake(a);
	if (clients_attached(a) > 1)
		app_message(a, 0, "%s client attached (%d attached)",
			    c->readonly ? "a read-only" : "a", clients_attached(a));
	return 0;
}

static void
hello(struct app *a, struct client *c, const unsigned char *p, size_t n)
{
	struct wire_hello h;
	char why[512];

	if (wire_hello_decode(&h, p, n) < 0) {
		clients_detach(a, c, 1, "fleetmux: the server could not read the client's hello");
		return;
	}
	if (h.protocol != WIRE_PROTOCOL) {
		snprintf(why, sizeof why,
			 "fleetmux %s (protocol %d) cannot talk to session %s of fleetmux %s "
			 "(protocol %d): end it with that version's `fleetmux kill-session -t %s`, "
			 "or use that version to attach",
			 h.version[0] ? h.version : "?", h.protocol, a->session_name, FLEETMUX_VERSION,
			 WIRE_PROTOCOL, a->session_name);
		clients_detach(a, c, 1, why);
		return;
	}
	if (strcmp(h.command, "info") == 0) {
		snprintf(why, sizeof why, "%s\t%d\t%d\t%lld", a->session_name, a->npanes,
			 clients_attached(a), (long long)a->created);
		clients_detach(a, c, 0, why);
	} else if (strcmp(h.command, "kill") == 0) {
		clients_detach(a, c, 0, "");
		a->quit = 1;
		a->end_reason = "[the session was killed]";
		uv_stop(a->loop);
	} else if (strcmp(h.command, "attach") == 0 && a->ending) {
		clients_detach(a, c, 1, "fleetmux: the session is ending");
	} else if (strcmp(h.command, "attach") == 0) {
		attach(a, c, &h);
	} else {
		snprintf(why, sizeof why, "fleetmux: the server knows no command '%s'", h.command);
		clients_detach(a, c, 1, why);
	}
}

/* Read from the socket: bytes, and the fds a hello brings. */
static ssize_t
receive(struct client *c, unsigned char *data, size_t size)
{
	struct iovec iov = {data, size};
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {0};
	ssize_t n;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof u.buf;
	n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		int fds[4];
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cm), k * sizeof(int));
		for (size_t j = 0; j < k; j++) {
			if (c->nfds < 2 && !c->attached)
				c->fds[c->nfds++] = fds[j];
			else
				close(fds[j]); /* more than a tty's two: not kept */
		}
	}
	return n;
}

static void
on_sock(uv_poll_t *h, int status, int events)
{
	struct client *c = h->data;
	struct app *a = c->a;
	unsigned char chunk[4096];
	ssize_t n;

	if (status < 0) {
		clients_detach(a, c, 1, NULL);
		return;
	}
	n = receive(c, chunk, sizeof chunk);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* The client is gone (killed, its terminal closed): detached,
		 * nothing in the session stops. */
		clients_detach(a, c, 1, NULL);
		return;
	}
	buf_append(&c->in, chunk, (size_t)n);
	for (;;) {
		int type, t, rows, cols;
		const unsigned char *p;
		size_t plen, used;

		t = wire_take((unsigned char *)c->in.data, c->in.len, &type, &p, &plen, &used);
		if (t == 0)
			return;
		if (t < 0) {
			clients_detach(a, c, 1, "fleetmux: the client sent what is not a message");
			return;
		}
		if (type == WIRE_HELLO && !c->attached) {
			hello(a, c, p, plen);
			return; /* answered, or attached: a hello is the first message */
		} else if (type == WIRE_RESIZE && c->attached &&
			   wire_resize_decode(p, plen, &rows, &cols) == 0) {
			c->rows = rows;
			c->cols = cols;
			resize_all(a);
		}
		buf_consume(&c->in, used);
	}
}

static void
on_listen(uv_poll_t *h, int status, int events)
{
	struct app *a = h->data;
	int fd;

	while ((fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ucred cred;
		socklen_t len = sizeof cred;
		struct client *c;

		/* The folder is ours alone; this checks the peer as well. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    cred.uid != getuid()) {
			debuglog("server: refused a connection from uid %d", (int)cred.uid);
			close(fd);
			continue;
		}
		if (a->nclients >= APP_MAX_CLIENTS) {
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof *c);
		c->a = a;
		c->sock = fd;
		c->tty_in = c->tty_out = c->pipe_r = -1;
		buf_init(&c->in);
		buf_init(&c->q);
		uv_poll_init(a->loop, &c->sock_poll, fd);
		c->sock_poll.data = c;
		c->handles = 1;
		uv_poll_start(&c->sock_poll, UV_READABLE | UV_DISCONNECT, on_sock);
		a->clients[a->nclients++] = c;
	}
}

/* A session nobody can reach (its socket removed) ends once nobody is
 * attached: it could never be attached again. */
static void
check_socket(uv_timer_t *t)
{
	struct app *a = t->data;
	struct stat st;

	if ((stat(a->sock_path, &st) < 0 || st.st_ino != a->sock_ino) && clients_attached(a) == 0) {
		a->quit = 1;
		a->end_reason = "[the session's socket was removed]";
		uv_stop(a->loop);
	}
}

static int
bind_name(struct app *a, const char *dir, const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *path = sockdir_socket(dir, name);
	int fd, rc;

	if (strlen(path) >= sizeof sa.sun_path) {
		free(path);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		free(path);
		return -1;
	}
	rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	if (rc < 0 && errno == EADDRINUSE) {
		/* A socket nobody answers on is a dead session's: listing the
		 * sessions removes it. */
		char **live = sockdir_sessions(dir);
		int taken = 0;

		for (size_t i = 0; live[i] != NULL; i++)
			taken |= strcmp(live[i], name) == 0;
		strv_free(live);
		if (!taken)
			rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
		else
			errno = EADDRINUSE;
	}
	if (rc < 0) {
		int e = errno;

		close(fd);
		free(path);
		errno = e;
		return -1;
	}
	if (listen(fd, 16) < 0) {
		close(fd);
		unlink(path);
		free(path);
		return -1;
	}
	a->listen_fd = fd;
	a->sock_path = path;
	a->session_name = xstrdup(name);
	return 0;
}

int
clients_listen(struct app *a, const char *dir, const char *name, const char *prefer)
{
	struct stat st;

	a->listen_fd = -1;
	a->created = time(NULL);
	errno = 0;
	if (name == NULL && prefer != NULL && bind_name(a, dir, prefer) == 0) {
		/* named after its workspace, that name being free */
	} else if (name != NULL) {
		if (bind_name(a, dir, name) < 0)
			return fm_error(FM_EIO, errno == EADDRINUSE
						    ? "a session named '%s' exists (fleetmux attach -t %s)"
						    : "cannot listen on %s/%s", name, name);
	} else {
		/* The first free number, as tmux names its sessions. */
		for (int i = 0;; i++) {
			char n[16];

			snprintf(n, sizeof n, "%d", i);
			errno = 0;
			if (bind_name(a, dir, n) == 0)
				break;
			if (errno != EADDRINUSE || i > 10000)
				return fm_error(FM_EIO, "cannot listen in %s: %s", dir, strerror(errno));
		}
	}
	if (stat(a->sock_path, &st) == 0)
		a->sock_ino = st.st_ino;
	uv_poll_init(a->loop, &a->listen_poll, a->listen_fd);
	a->listen_poll.data = a;
	uv_poll_start(&a->listen_poll, UV_READABLE, on_listen);
	uv_timer_init(a->loop, &a->socket_timer);
	a->socket_timer.data = a;
	uv_timer_start(&a->socket_timer, check_socket, 5000, 5000);
	a->listening = 1;
	return 0;
}

void
clients_end(struct app *a)
{
	a->ending = 1;
	for (int i = 0; i < a->nclients; i++)
		give_back(a, a->clients[i]);
	if (a->listening) {
		struct stat st;

		uv_close((uv_handle_t *)&a->listen_poll, NULL);
		uv_close((uv_handle_t *)&a->socket_timer, NULL);
		close(a->listen_fd);
		if (stat(a->sock_path, &st) == 0 && st.st_ino == a->sock_ino)
			unlink(a->sock_path);
		a->listening = 0;
	}
}

void
clients_free(struct app *a, const char *why)
{
	clients_end(a);
	while (a->nclients > 0)
		clients_detach(a, a->clients[a->nclients - 1], 0, why);
	/* Screens are not deleted (see spare_screen); what they own is
	 * reachable through curses' own list until the process ends. */
	for (int i = 0; i < a->nspares; i++) {
		fclose(a->spares[i].out);
		fclose(a->spares[i].in);
		close(a->spares[i].pipe_r);
	}
	a->nspares = 0;
	free(a->spares);
	a->spares = NULL;
	if (a->base != NULL) {
		set_term(a->base);
		endwin();
		fclose(a->base_out);
		fclose(a->base_in);
		a->base = NULL;
	}
	free(a->sock_path);
	free(a->session_name);
	a->sock_path = a->session_name = NULL;
}
