/* chanws.c: a session's stream over a channel-framed WebSocket. stdin goes
 * out on channel 0; stdout and stderr come in on 1 and 2; the exit status
 * on the status channel; sizes go out on the resize channel. */
#include "fleetmux/chanws.h"

#include <stdlib.h>
#include <string.h>

#include "fleetmux/channel.h"
#include "fleetmux/debuglog.h"

struct chanws {
	struct ws_conn *ws;
	struct session *s;
	struct chanws_opts o;
	const struct chanws_dial_cb *cb;
	void *arg;
	int open;          /* handed to the session */
	int got_status;
	int exit_code;
	int in_cb, closed; /* closed from inside our own callback: free after */
	int warned;        /* an unframed message was logged once */
};

static void
send_frame(struct chanws *cw, int chan, const void *data, size_t len)
{
	struct buf f;

	buf_init(&f);
	channel_encode(&f, chan, data, len);
	ws_send(cw->ws, f.data, f.len);
	buf_free(&f);
}

static int
cw_send(void *t, const void *data, size_t len)
{
	struct chanws *cw = t;
	struct buf f;
	int rc;

	buf_init(&f);
	channel_encode(&f, CH_STDIN, data, len);
	rc = ws_send(cw->ws, f.data, f.len);
	buf_free(&f);
	return rc;
}

static int
cw_resize(void *t, unsigned cols, unsigned rows)
{
	struct chanws *cw = t;
	struct buf j;

	buf_init(&j);
	channel_resize_json(&j, cols, rows);
	send_frame(cw, cw->o.resize_channel, j.data, j.len);
	buf_free(&j);
	return 0;
}

void
chanws_close(struct chanws *cw)
{
	if (cw->ws != NULL)
		ws_close(cw->ws);
	cw->ws = NULL;
	cw->closed = 1;
	if (cw->in_cb == 0)
		free(cw);
}

const char *
chanws_subprotocol(const struct chanws *cw)
{
	return cw->ws != NULL ? ws_subprotocol(cw->ws) : "";
}

static void
cw_close(void *t)
{
	chanws_close(t);
}

const struct transport_ops chanws_ops = {
    .send = cw_send,
    .resize = cw_resize,
    .close = cw_close,
};

static void
ws_opened(void *arg)
{
	struct chanws *cw = arg;

	cw->open = 1;
	cw->in_cb++;
	cw->cb->opened(cw->arg, cw);
	cw->in_cb--;
	if (cw->closed && cw->in_cb == 0)
		free(cw);
}

/* A status message: an exit code, or the server's words for the pane. */
static void
got_status(struct chanws *cw, const unsigned char *p, size_t n)
{
	struct buf msg;
	int code = -1;

	buf_init(&msg);
	if (channel_parse_status(p, n, &code, &msg) == 0) {
		cw->exit_code = code;
		cw->got_status = 1;
	} else if (msg.len > 0) {
		session_transport_note(cw->s, msg.data);
	}
	buf_free(&msg);
}

static void
ws_message(void *arg, const unsigned char *data, size_t len, int binary)
{
	struct chanws *cw = arg;
	const unsigned char *p;
	size_t n;
	int chan;

	if (!cw->open)
		return;
	/* The framing is inferred, not documented: a text message or a
	 * channel we do not know is logged, never shown as output. */
	if (!binary || channel_decode(data, len, &chan, &p, &n) < 0) {
		if (!cw->warned++)
			debuglog("exec ws: a %s message of %zu bytes without channel framing, ignored",
				 binary ? "binary" : "text", len);
		return;
	}
	cw->in_cb++;
	if (chan == CH_STDOUT || chan == CH_STDERR)
		session_transport_data(cw->s, chan, p, n);
	else if (chan == cw->o.status_channel)
		got_status(cw, p, n);
	else if (!cw->warned++)
		debuglog("exec ws: a message on channel %d, ignored", chan);
	cw->in_cb--;
	if (cw->closed && cw->in_cb == 0)
		free(cw);
}

static void
ws_closed(void *arg, int code, int http_status, const char *why)
{
	struct chanws *cw = arg;
	struct fm_cause c;
	struct session *s = cw->s;

	cw->ws = NULL;
	if (!cw->open) {
		/* The status stays a field: the dialer knows what a refusal
		 * means for its URIs. */
		fm_cause_http(&c, FM_EIO, http_status, NULL, "%s", why && *why ? why : "connection closed");
		cw->cb->failed(cw->arg, &c);
		free(cw);
		return;
	}
	/* Gone before the session hears of it: it will not close us again. */
	if (cw->got_status) {
		int exit_code = cw->exit_code;

		free(cw);
		session_transport_end(s, SESSION_END_EXITED, exit_code, NULL);
	} else if (code == 1000) {
		free(cw);
		session_transport_end(s, SESSION_END_EXITED, -1, NULL);
	} else if (code == 1009) {
		/* We refused a message too large: a new try would get the same. */
		fm_cause_set(&c, FM_ELIMIT, "%s", why && *why ? why : "message too large");
		free(cw);
		session_transport_end(s, SESSION_END_FATAL, -1, &c);
	} else {
		fm_cause_set(&c, FM_EIO, "%s", why && *why ? why : "connection dropped");
		free(cw);
		session_transport_end(s, SESSION_END_DROPPED, -1, &c);
	}
}

static const struct ws_callbacks chanws_ws_cb = {ws_opened, ws_message, ws_closed};

struct chanws *
chanws_open(struct ws_client *c, const char *url, const struct chanws_opts *o, struct session *s,
	    const struct chanws_dial_cb *cb, void *arg, struct fm_cause *cause)
{
	struct chanws *cw = xcalloc(1, sizeof *cw);

	cw->s = s;
	cw->o = *o;
	cw->cb = cb;
	cw->arg = arg;
	cw->exit_code = -1;
	cw->ws = ws_open_headers(c, url, o->subprotocol, o->headers, &chanws_ws_cb, cw);
	cw->o.headers = NULL; /* the caller's: ws_open_headers copied them */
	if (cw->ws == NULL) {
		fm_cause_from_error(cause, -FM_EINVAL);
		free(cw);
		return NULL;
	}
	return cw;
}
