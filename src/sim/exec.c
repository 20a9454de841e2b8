/* exec.c: the exec WebSocket behind WebSocketUri, and Sync execs.
 *
 * Backpressure: a session holds at most one frame read from its process.
 * Until the WebSocket has taken it, the process's fds are not read, so a
 * slow client stops the process (its pty fills) instead of growing a
 * buffer here.
 *
 * A socket that closes or drops does not end the process, as on a real ECI
 * (containerd under it: the shim keeps the pty master open, so no SIGHUP).
 * The session is detached: stdin without a TTY is closed (the process sees
 * EOF), output is read and thrown away, and it is freed once the process
 * has been reaped. Only fleetsim's own shutdown kills it, or its group's
 * deletion (as the runtime kills a deleted container's every process). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>


#include "fleetmux/channel.h"
#include "sim.h"

struct exec_session {
	struct sim *sim;
	struct lws *wsi;          /* the WebSocket, or the HTTP request (Sync) */
	struct conn *http;        /* Sync only: where the answer goes */
	int sync;
	int tty;
	int v5;                   /* Kubernetes v5: [255, 0] closes stdin */
	struct fleet_group *group; /* the exec's: its deletion kills the process */
	pid_t pid;
	int exited, exit_code;
	int fd[3];                /* stdin, stdout, stderr (a pty: all one fd) */
	uv_poll_t poll[3];
	int polling[3];           /* events each poll is started with */
	int open_fds;             /* which polls exist: bit i */
	int eof[3];
	unsigned char *out;       /* LWS_PRE + channel byte + data */
	size_t out_len;           /* bytes of data waiting for the socket */
	struct buf rx;            /* a WebSocket message being assembled */
	struct buf in;            /* stdin waiting for the process */
	struct buf sync_out;
	int rx_paused;
	int status_sent;
	int stdin_eof;            /* close stdin once what is queued is written */
	int close_sent;
	int in_writeable;         /* inside lws's writable callback */
	int detached;             /* its socket went away; the process runs on */
	int released;             /* handles closing: only the reaping is left */
	int handles;              /* uv handles not yet closed */
	uv_timer_t drop_timer, sync_timer, linger_timer;
	uint64_t bytes_out;       /* read from the process so far */
	uint64_t linger_mark;     /* bytes_out when the linger timer last looked */
	int lingers;              /* linger periods the output kept flowing */
	struct exec_session *next;
};

static void session_pump(struct exec_session *x);
static void exec_poll_cb(uv_poll_t *h, int status, int events);
static void session_maybe_free(struct exec_session *x);
static void session_release_handles(struct exec_session *x);

static void
handle_closed(uv_handle_t *h)
{
	struct exec_session *x = h->data;

	x->handles--;
	session_maybe_free(x);
}

static void
close_fd(struct exec_session *x, int i)
{
	int fd = x->fd[i];

	if (fd < 0)
		return;
	if (x->open_fds & (1 << i)) {
		uv_poll_stop(&x->poll[i]);
		uv_close((uv_handle_t *)&x->poll[i], handle_closed);
		x->open_fds &= ~(1 << i);
	}
	/* A pty has one fd in all three slots. */
	for (int j = 0; j < 3; j++)
		if (x->fd[j] == fd)
			x->fd[j] = -1;
	close(fd);
}

static void
session_unlink(struct exec_session *x)
{
	for (struct exec_session **pp = &x->sim->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			x->sim->nsessions--;
			return;
		}
	}
}

static void
session_maybe_free(struct exec_session *x)
{
	if (x->wsi != NULL || x->pid > 0 || x->handles > 0)
		return;
	session_unlink(x);
	buf_free(&x->rx);
	buf_free(&x->in);
	buf_free(&x->sync_out);
	free(x->out);
	free(x);
}

/* Stop reading and stop the timers; the process is left alone. What
 * remains is freed as handles close and the process is reaped. */
static void
session_teardown(struct exec_session *x)
{
	for (int i = 0; i < 3; i++)
		close_fd(x, i);
	if (uv_is_active((uv_handle_t *)&x->drop_timer))
		uv_timer_stop(&x->drop_timer);
	if (uv_is_active((uv_handle_t *)&x->sync_timer))
		uv_timer_stop(&x->sync_timer);
	if (uv_is_active((uv_handle_t *)&x->linger_timer))
		uv_timer_stop(&x->linger_timer);
}

/* The middle process turns SIGTERM into SIGKILL for the command's group. */
static void
session_kill(struct exec_session *x)
{
	if (x->pid > 0 && !x->exited)
		kill(x->pid, SIGTERM);
}

static void
poll_update(struct exec_session *x)
{
	for (int i = 0; i < 3; i++) {
		int ev = 0;

		if (x->fd[i] < 0 || !(x->open_fds & (1 << i)))
			continue;
		/* Read only when nothing waits for the socket. */
		if (i > 0 && !x->eof[i] && x->out_len == 0)
			ev |= UV_READABLE;
		if (x->in.len > 0 && (i == 0 || x->tty))
			ev |= UV_WRITABLE;
		if (x->tty && i == 0 && !x->eof[1] && x->out_len == 0)
			ev |= UV_READABLE;
		if (ev == x->polling[i])
			continue;
		x->polling[i] = ev;
		if (ev == 0)
			uv_poll_stop(&x->poll[i]);
		else
			uv_poll_start(&x->poll[i], ev, exec_poll_cb);
	}
}

static void
stdin_flush(struct exec_session *x)
{
	while (x->in.len > 0 && x->fd[0] >= 0) {
		ssize_t n = write(x->fd[0], x->in.data, x->in.len);

		if (n > 0) {
			buf_consume(&x->in, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		/* The process closed its stdin: what is left cannot go anywhere. */
		buf_reset(&x->in);
		break;
	}
	if (x->stdin_eof && x->in.len == 0 && !x->tty && x->fd[0] >= 0)
		close_fd(x, 0);
	if (x->rx_paused && x->in.len < SIM_MAX_STDIN_QUEUE / 2 && x->wsi != NULL) {
		x->rx_paused = 0;
		lws_rx_flow_control(x->wsi, 1);
	}
}

static int
all_output_done(struct exec_session *x)
{
	return x->eof[1] && (x->tty || x->eof[2]);
}

static void
mark_eof(struct exec_session *x, int i)
{
	x->eof[i] = 1;
	if (x->tty) {
		x->eof[1] = x->eof[2] = 1;
		return;
	}
	close_fd(x, i);
}

static void sync_finish(struct exec_session *x);

/* Move bytes from the process toward the client. */
static void
session_pump(struct exec_session *x)
{
	int drained = 0;

	for (int i = 1; i <= 2 && x->out_len == 0; i++) {
		ssize_t n;

		if (x->eof[i] || x->fd[i] < 0)
			continue;
		n = read(x->fd[i], x->out + LWS_PRE + 1, SIM_CHUNK);
		if (n > 0) {
			if (x->sync) {
				if (x->sync_out.len < SIM_SYNC_MAX_OUTPUT)
					buf_append(&x->sync_out, x->out + LWS_PRE + 1, (size_t)n);
				i--; /* keep reading this fd */
				continue;
			}
			/* Nobody to send it to. A few reads per wakeup, so that a
			 * process that writes without end cannot hold the loop. */
			if (x->detached) {
				if (++drained < SIM_DRAIN_READS)
					i--;
				continue;
			}
			x->out[LWS_PRE] = (unsigned char)i;
			x->out_len = (size_t)n;
			x->bytes_out += (uint64_t)n;
			if (x->wsi == NULL)
				break;
			/* Sent now when the socket has nothing pending: a key's
			 * echo does not wait a loop turn for the writable
			 * callback. One chunk a wakeup either way. */
			if (!x->in_writeable && !lws_partial_buffered(x->wsi)) {
				int rc = lws_write(x->wsi, x->out + LWS_PRE, x->out_len + 1, LWS_WRITE_BINARY);

				x->out_len = 0;
				if (rc < 0)
					lws_set_timeout(x->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
				break;
			}
			lws_callback_on_writable(x->wsi);
			break;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			mark_eof(x, i); /* EIO: the pty's last writer has gone */
		/* EAGAIN after the exit is no proof of the end: the kernel may still
		 * be moving the last bytes across; the linger timer decides. */
	}
	if (all_output_done(x) && x->exited && x->out_len == 0) {
		if (x->sync) {
			sync_finish(x);
			return; /* its descriptors are closed and it may be freed */
		}
		if (x->detached) {
			session_release_handles(x);
			return; /* freed once its handles have closed */
		}
		if (x->wsi != NULL)
			lws_callback_on_writable(x->wsi);
	}
	poll_update(x);
}

static void
exec_poll_cb(uv_poll_t *h, int status, int events)
{
	struct exec_session *x = h->data;

	if (status < 0) {
		for (int i = 0; i < 3; i++)
			if (h == &x->poll[i])
				mark_eof(x, i);
		session_pump(x);
		return;
	}
	if (events & UV_WRITABLE)
		stdin_flush(x);
	if (events & UV_READABLE)
		session_pump(x);
	else
		poll_update(x);
}

/* The process is gone but something (a background child) keeps its output
 * open, or it is quiet: end the session. */
static void
linger_over(uv_timer_t *t)
{
	struct exec_session *x = t->data;

	/* Output still moving (a slow client holds a chunk, or a background
	 * child still writes): its last bytes are not lost to a timer, up to a
	 * bound. */
	if ((x->out_len > 0 || x->bytes_out != x->linger_mark) &&
	    ++x->lingers < SIM_LINGER_MAX) {
		x->linger_mark = x->bytes_out;
		uv_timer_start(&x->linger_timer, linger_over, SIM_LINGER_MS, 0);
		return;
	}
	for (int i = 1; i <= 2; i++)
		if (!x->eof[i])
			mark_eof(x, i);
	session_pump(x);
}

static void
process_exited(void *arg, pid_t pid, int status)
{
	struct exec_session *x = arg;

	x->pid = 0;
	x->exited = 1;
	x->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (x->released) {
		session_maybe_free(x);
		return;
	}
	/* Attached or detached, its output is read to the end (or the linger
	 * timer) before the session ends. */
	x->linger_mark = x->bytes_out;
	uv_timer_start(&x->linger_timer, linger_over, SIM_LINGER_MS, 0);
	session_pump(x);
	session_maybe_free(x);
}

/* The socket closed or dropped while the process runs: leave it running,
 * as containerd does. Without a TTY its stdin closes (kubectl cp's tar
 * ends that way); a pty master stays open, so it gets no SIGHUP. */
static void
session_detach(struct exec_session *x)
{
	x->wsi = NULL;
	x->detached = 1;
	x->out_len = 0;
	buf_reset(&x->in);
	buf_reset(&x->rx);
	if (uv_is_active((uv_handle_t *)&x->drop_timer))
		uv_timer_stop(&x->drop_timer);
	if (!x->tty)
		close_fd(x, 0);
	if (x->sim->opt.verbose > 0)
		sim_log(x->sim, "exec socket gone; process %d runs on", (int)x->pid);
	poll_update(x);
}

static void
drop_now(uv_timer_t *t)
{
	struct exec_session *x = t->data;

	if (x->wsi != NULL) {
		sim_log(x->sim, "fault: dropping exec session of %s", "a container");
		/* An abrupt drop: no close frame, as a network failure would be. */
		shutdown(lws_get_socket_fd(x->wsi), SHUT_RDWR);
	}
}

static struct exec_session *
session_new(struct sim *s, struct exec_ticket *t, int sync, int stdin_open, char **argv,
	    struct fleet_group *g, struct fleet_container *k)
{
	struct exec_session *x = xcalloc(1, sizeof *x);
	int tty = t ? t->tty : 0;

	x->sim = s;
	x->group = g;
	x->sync = sync;
	x->tty = tty;
	x->v5 = t ? t->v5 : 0;
	x->out = xmalloc(LWS_PRE + 1 + SIM_CHUNK);
	buf_init(&x->rx);
	buf_init(&x->in);
	buf_init(&x->sync_out);
	x->pid = proc_exec(s, g, k, argv, tty, stdin_open, x->fd);
	if (x->pid < 0) {
		free(x->out);
		free(x);
		return NULL;
	}
	for (int i = 0; i < 3; i++) {
		if (x->fd[i] < 0 || (i > 0 && x->fd[i] == x->fd[0]))
			continue;
		uv_poll_init(s->loop, &x->poll[i], x->fd[i]);
		x->poll[i].data = x;
		x->open_fds |= 1 << i;
		x->handles++;
	}
	uv_timer_init(s->loop, &x->drop_timer);
	uv_timer_init(s->loop, &x->sync_timer);
	uv_timer_init(s->loop, &x->linger_timer);
	x->drop_timer.data = x->sync_timer.data = x->linger_timer.data = x;
	x->handles += 3;
	proc_watch(s, x->pid, process_exited, x);
	x->next = s->sessions;
	s->sessions = x;
	s->nsessions++;
	return x;
}

static void
session_release_handles(struct exec_session *x)
{
	x->released = 1;
	session_teardown(x);
	if (!uv_is_closing((uv_handle_t *)&x->drop_timer))
		uv_close((uv_handle_t *)&x->drop_timer, handle_closed);
	if (!uv_is_closing((uv_handle_t *)&x->sync_timer))
		uv_close((uv_handle_t *)&x->sync_timer, handle_closed);
	if (!uv_is_closing((uv_handle_t *)&x->linger_timer))
		uv_close((uv_handle_t *)&x->linger_timer, handle_closed);
}

static void
ws_message(struct exec_session *x, const unsigned char *msg, size_t len)
{
	int chan;
	const unsigned char *p;
	size_t n;
	unsigned cols, rows;

	if (channel_decode(msg, len, &chan, &p, &n) < 0)
		return;
	switch (chan) {
	case CH_STDIN:
		if (x->fd[0] < 0)
			return;
		buf_append(&x->in, p, n);
		stdin_flush(x);
		if (x->in.len >= SIM_MAX_STDIN_QUEUE && !x->rx_paused) {
			x->rx_paused = 1;
			lws_rx_flow_control(x->wsi, 0);
		}
		poll_update(x);
		break;
	case CH_RESIZE:
		if (x->tty && channel_parse_resize(p, n, &cols, &rows) == 0 && x->fd[0] >= 0) {
			struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

			ioctl(x->fd[0], TIOCSWINSZ, &ws);
		}
		break;
	case CH_CLOSE:
		/* v5: the client's stdin has ended. Without a TTY the process
		 * reads EOF once what is queued is written; a terminal gets ^D. */
		if (!x->v5 || n < 1 || p[0] != CH_STDIN || x->fd[0] < 0)
			break;
		if (x->tty) {
			buf_append(&x->in, "\004", 1);
			stdin_flush(x);
			poll_update(x);
		} else {
			x->stdin_eof = 1;
			if (x->in.len == 0)
				close_fd(x, 0);
		}
		break;
	default:
		break; /* other channels carry nothing from a client */
	}
}

static int
ws_writeable(struct exec_session *x)
{
	struct buf st;
	int rc;

	if (x->out_len > 0) {
		rc = lws_write(x->wsi, x->out + LWS_PRE, x->out_len + 1, LWS_WRITE_BINARY);
		x->out_len = 0;
		if (rc < 0)
			return -1;
		x->in_writeable = 1;
		session_pump(x);
		x->in_writeable = 0;
		return 0;
	}
	if (!(x->exited && all_output_done(x)))
		return 0;
	if (!x->status_sent) {
		unsigned char *frame;

		buf_init(&st);
		channel_status_json(&st, x->exit_code);
		frame = xmalloc(LWS_PRE + 1 + st.len);
		frame[LWS_PRE] = CH_STATUS;
		memcpy(frame + LWS_PRE + 1, st.data, st.len);
		rc = lws_write(x->wsi, frame + LWS_PRE, st.len + 1, LWS_WRITE_BINARY);
		free(frame);
		buf_free(&st);
		x->status_sent = 1;
		if (rc < 0)
			return -1;
		lws_callback_on_writable(x->wsi);
		return 0;
	}
	if (!x->close_sent) {
		/* lws 4.1 drops the socket without a close frame when a callback
		 * returns -1 after lws_close_reason(); send the frame ourselves and
		 * let the peer's answer (or the timeout) end the connection. */
		unsigned char frame[LWS_PRE + 8] = {0};

		frame[LWS_PRE] = LWS_CLOSE_STATUS_NORMAL >> 8;
		frame[LWS_PRE + 1] = LWS_CLOSE_STATUS_NORMAL & 0xff;
		memcpy(frame + LWS_PRE + 2, "exited", 6);
		x->close_sent = 1;
		if (lws_write(x->wsi, frame + LWS_PRE, 8, (enum lws_write_protocol)4 /* close */) < 0)
			return -1;
		lws_set_timeout(x->wsi, PENDING_TIMEOUT_CLOSE_ACK, 3);
	}
	return 0;
}

int
exec_ws_callback(struct sim *s, struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
		 void *in, size_t len)
{
	struct exec_session *x = c ? c->session : NULL;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
		char path[64] = "", arg[80] = "";
		const char *why = "no exec token", *token;

		lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI);
		if (strncmp(path, "/exec", 5) != 0) {
			sim_log(s, "refused WebSocket to %s: only /exec/ serves one", path);
			return -1;
		}
		token = lws_get_urlarg_by_name(wsi, "s=", arg, sizeof arg);
		if (token != NULL)
			c->ticket = exec_ticket_take(s, token, &why);
		if (c->ticket == NULL) {
			sim_log(s, "refused exec WebSocket: %s", why);
			/* A clear HTTP refusal, not a bare reset. */
			lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, why);
			return -1;
		}
		c->is_ws = 1;
		return 0;
	}
	case LWS_CALLBACK_ESTABLISHED: {
		struct exec_ticket *t = c->ticket;

		c->ticket = NULL;
		if (t == NULL)
			return -1;
		x = session_new(s, t, 0, t->stdin_open, t->argv, t->group, t->container);
		exec_ticket_free(t);
		if (x == NULL) {
			sim_log(s, "exec failed: %s", fm_error_message());
			return -1;
		}
		x->wsi = wsi;
		c->session = x;
		if (s->opt.drop_after > 0) {
			uint64_t ms = 1000 + (uint64_t)(sim_random(s) * (s->opt.drop_after * 1000 - 1000));

			uv_timer_start(&x->drop_timer, drop_now, ms, 0);
		}
		poll_update(x);
		return 0;
	}
	case LWS_CALLBACK_RECEIVE:
		if (x == NULL)
			return -1;
		if (x->rx.len + len > SIM_MAX_MESSAGE) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
					 (unsigned char *)"message too large", 17);
			return -1;
		}
		buf_append(&x->rx, in, len);
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			ws_message(x, (unsigned char *)x->rx.data, x->rx.len);
			buf_reset(&x->rx);
		}
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (x == NULL)
			return -1;
		return ws_writeable(x);
	case LWS_CALLBACK_CLOSED:
		exec_ticket_free(c->ticket);
		c->ticket = NULL;
		if (x != NULL) {
			c->session = NULL;
			/* At shutdown the process is being killed: nothing to run on. */
			if (!x->exited && !s->stopping) {
				session_detach(x);
				return 0;
			}
			x->wsi = NULL;
			session_release_handles(x);
			session_maybe_free(x);
		}
		return 0;
	default:
		return 0;
	}
}

/* Sync=true: run to completion, then answer the HTTP request. */
static void
sync_finish(struct exec_session *x)
{
	struct conn *c = x->http;

	if (c != NULL) {
		struct buf text;

		buf_init(&text);
		buf_append(&text, x->sync_out.data ? x->sync_out.data : "", x->sync_out.len);
		api_exec_reply(&c->res, "", "", text.data ? text.data : "");
		buf_free(&text);
		c->session = NULL;
		x->http = NULL;
		http_respond(x->sim, x->wsi, c);
	}
	x->wsi = NULL;
	x->sync = 0;
	session_release_handles(x);
	session_maybe_free(x);
}

static void
sync_timeout(uv_timer_t *t)
{
	struct exec_session *x = t->data;

	if (x->pid > 0)
		kill(x->pid, SIGTERM);
}

int
exec_sync_start(struct sim *s, struct lws *wsi, struct conn *c, struct api_result *r)
{
	struct exec_session *x;

	x = session_new(s, NULL, 1, 0, r->argv, r->group, r->container);
	if (x == NULL)
		return -FM_EIO;
	x->http = c;
	x->wsi = wsi;
	c->session = x;
	uv_timer_start(&x->sync_timer, sync_timeout, SIM_SYNC_TIMEOUT_MS, 0);
	poll_update(x);
	return 0;
}

/* The HTTP client went away before its Sync exec finished. */
void
exec_sync_detach(struct conn *c)
{
	struct exec_session *x = c->session;

	if (x == NULL)
		return;
	c->session = NULL;
	x->http = NULL;
	x->wsi = NULL;
	x->sync = 0;
	session_kill(x); /* as before: a Sync exec has no life of its own */
	session_release_handles(x);
	session_maybe_free(x);
}

void
exec_kill_group(struct sim *s, struct fleet_group *g)
{
	for (struct exec_session *x = s->sessions; x != NULL; x = x->next)
		if (x->group == g && x->pid > 0 && !x->exited)
			kill(x->pid, SIGUSR1); /* the middle: SIGKILL, said as 137 */
}

/* Shutting down: kill every process an exec started, detached ones too,
 * and close every WebSocket as "going away". Detached sessions have no
 * socket whose closing would release their handles: release them here. */
void
exec_close_all(struct sim *s)
{
	for (struct exec_session *x = s->sessions; x != NULL; x = x->next) {
		session_kill(x);
		if (x->detached)
			session_release_handles(x);
		else
			session_teardown(x);
		if (x->wsi != NULL && !x->sync)
			lws_set_timeout(x->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	}
}
