/* wire.h: the messages between a fleetmux client (the terminal) and the
 * server that keeps a session (docs/SERVER.md). Pure: framing, bounds and
 * the hello's fields, tested on vectors; the sockets are src/server's and
 * src/ui/clients.c's.
 *
 * A message: u32 length of what follows (network order) | u8 type |
 * payload. length is 1 + the payload's; at most WIRE_MAX. */
#ifndef FLEETMUX_WIRE_H
#define FLEETMUX_WIRE_H

#include <stddef.h>

#include "fleetmux/util.h"

/* Bumped whenever a message changes meaning: a client and a server of
 * different protocols refuse each other, naming both versions. */
#define WIRE_PROTOCOL 1
#define WIRE_MAX 65536

enum wire_type {
	WIRE_HELLO = 1,  /* client → server: struct wire_hello; with attach, the tty's fds */
	WIRE_RESIZE,     /* client → server: "ROWS COLS" */
	WIRE_EXIT,       /* server → client: "CODE\nwhat to print"; the server closes next */
	WIRE_OUTPUT,     /* server → client: text for stdout (ls) */
	WIRE_TYPE_MAX
};

/* What a client asks. */
struct wire_hello {
	int protocol;
	char version[32];      /* the program's, to name in a refusal */
	char command[16];      /* attach, info, kill */
	int readonly;          /* attach -r */
	char term[64];         /* the client's TERM */
	int rows, cols;        /* the client's terminal */
};

/* One message onto out. */
void wire_put(struct buf *out, int type, const void *payload, size_t n);
/* The first message in data: 1 with its type and payload (pointing into
 * data) and *used its whole length; 0 while it is incomplete; -1 when it
 * cannot be one (a length over WIRE_MAX or under 1, an unknown type). */
int wire_take(const unsigned char *data, size_t len, int *type, const unsigned char **payload,
	      size_t *plen, size_t *used);

/* The hello as "key=value" lines; decode takes what it knows and refuses
 * (-1) text that is not lines of key=value, or numbers out of range. A
 * missing field keeps its zero. */
void wire_hello_encode(struct buf *out, const struct wire_hello *h);
int wire_hello_decode(struct wire_hello *h, const unsigned char *p, size_t n);

/* RESIZE's and EXIT's payloads. */
void wire_resize_encode(struct buf *out, int rows, int cols);
int wire_resize_decode(const unsigned char *p, size_t n, int *rows, int *cols);
void wire_exit_encode(struct buf *out, int code, const char *text);
/* text points into p (n_text bytes, not terminated). */
int wire_exit_decode(const unsigned char *p, size_t n, int *code, const char **text,
		     size_t *n_text);

#endif
