/* channel.h: the exec WebSocket's channel framing (channel.k8s.io, which ECI's
 * WebSocketUri speaks; PROTOCOLS.md §2). Every frame is [channel][payload].
 * This is the one place that knows the framing, the subprotocol and the resize
 * encoding. Pure: no I/O. */
#ifndef FLEETMUX_CHANNEL_H
#define FLEETMUX_CHANNEL_H

#include <stddef.h>

#include "fleetmux/util.h"

enum channel {
	CH_STDIN = 0,
	CH_STDOUT = 1,
	CH_STDERR = 2,
	CH_STATUS = 3,
	CH_RESIZE = 4,
	CH_CLOSE = 255,   /* v5 only: [255, stream] half-closes that stream */
};

/* Offered when the server wants a subprotocol (fleetsim accepts it; ECI
 * needs none). */
#define CHANNEL_SUBPROTOCOL "v4.channel.k8s.io"

/* What a Kubernetes client offers, newest first: v5 can close stdin
 * (channel_close), v4 cannot. */
#define CHANNEL_K8S_SUBPROTOCOLS "v5.channel.k8s.io, v4.channel.k8s.io"
#define CHANNEL_K8S_V5 "v5.channel.k8s.io"

/* Append one frame: the channel byte then the payload. */
void channel_encode(struct buf *out, int chan, const void *data, size_t len);
/* Split a received message. Returns 0, or -FM_EPROTO for an empty message. */
int channel_decode(const void *msg, size_t len, int *chan, const unsigned char **payload,
		   size_t *plen);

/* v5's close frame for a stream: [255, chan] (stdin's end is [255, 0]). */
void channel_close(struct buf *out, int chan);

/* {"Width":cols,"Height":rows} */
void channel_resize_json(struct buf *out, unsigned cols, unsigned rows);
/* Parse a resize payload. Returns 0 or -FM_EPROTO. Sizes must be 1..10000. */
int channel_parse_resize(const void *payload, size_t len, unsigned *cols, unsigned *rows);

/* A v4 status for an exit code: Success for 0, else NonZeroExitCode. */
void channel_status_json(struct buf *out, int exit_code);
/* Read a channel-3 payload. Returns 0 with *exit_code set (0 for Success),
 * or -FM_EPROTO with the text (or the JSON's message) left in message. */
int channel_parse_status(const void *payload, size_t len, int *exit_code, struct buf *message);

#endif
