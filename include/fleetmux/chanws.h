/* chanws.h: the channel-framed WebSocket transport (channel.k8s.io framing,
 * PROTOCOLS.md §2-3): ECI's WebSocketUri today, Kubernetes next. Until the
 * socket opens it reports to its dialer; once open it is a session's
 * transport (session.h) and reports to the session. */
#ifndef FLEETMUX_CHANWS_H
#define FLEETMUX_CHANWS_H

#include "fleetmux/session.h"
#include "fleetmux/ws.h"

/* Which channel carries what besides stdin/stdout/stderr: ECI documents
 * none, so they are settable per provider (defaults 3 and 4). */
struct chanws_opts {
	int status_channel;
	int resize_channel;
	const char *subprotocol;   /* NULL: none offered; else a comma-separated list */
	const struct params *headers; /* sent with the upgrade (Kubernetes' Authorization) */
};

struct chanws;

/* Before the socket opens: opened (the caller then hands the transport to
 * the session with session_transport_open(s, &chanws_ops, cw)), or failed
 * (the chanws is gone after this call). */
struct chanws_dial_cb {
	void (*opened)(void *arg, struct chanws *cw);
	void (*failed)(void *arg, const struct fm_cause *cause);
};

/* NULL with cause filled when the URL is bad. */
struct chanws *chanws_open(struct ws_client *c, const char *url, const struct chanws_opts *o,
			   struct session *s, const struct chanws_dial_cb *cb, void *arg,
			   struct fm_cause *cause);
/* Drop it (before or after open); no callback runs after this. */
void chanws_close(struct chanws *cw);

/* The subprotocol the server chose ("" when none). */
const char *chanws_subprotocol(const struct chanws *cw);

extern const struct transport_ops chanws_ops;

#endif
