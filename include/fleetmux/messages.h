/* messages.h: what the UI has said, kept: every status message with the
 * time it was said, in a bounded log (the oldest go first). The status line
 * shows the newest; a message log can show them all. Pure: no screen. */
#ifndef FLEETMUX_MESSAGES_H
#define FLEETMUX_MESSAGES_H

#include <stddef.h>
#include <time.h>

#define MESSAGES_KEPT 1000
/* How long the status line shows the newest message, in seconds: a few,
 * an error longer. Then the line is free again: a message never stays
 * there looking like something still going on. */
#define MESSAGES_SHOWN_S 5
#define MESSAGES_ERROR_SHOWN_S 10

struct message {
	time_t at;
	int error;
	char *text;      /* printable: control characters became spaces */
};

struct messages {
	struct message *ring;
	size_t cap, first, count;
};

void messages_init(struct messages *m, size_t cap);
void messages_free(struct messages *m);
/* Keeps a copy of text, whatever a server put in it, as plain text. */
void messages_add(struct messages *m, time_t at, int error, const char *text);
size_t messages_count(const struct messages *m);
/* i from 0, the oldest kept, to count - 1; NULL past the end. */
const struct message *messages_get(const struct messages *m, size_t i);
/* The newest, or NULL. */
const struct message *messages_last(const struct messages *m);
/* The newest while the status line still shows it at now, else NULL. */
const struct message *messages_shown(const struct messages *m, time_t now);
/* When the newest stops being shown (0: there is none). */
time_t messages_expiry(const struct messages *m);

#endif
