/* messages.c: the message log, a ring of the last cap messages; and
 * app_message, which every part of the TUI says things with. */
#include "fleetmux/messages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleetmux/util.h"
#include "tui.h"

void
messages_init(struct messages *m, size_t cap)
{
	m->cap = cap > 0 ? cap : 1;
	m->ring = xcalloc(m->cap, sizeof *m->ring);
	m->first = m->count = 0;
}

void
messages_free(struct messages *m)
{
	for (size_t i = 0; m->ring != NULL && i < m->count; i++)
		free(m->ring[(m->first + i) % m->cap].text);
	free(m->ring);
	m->ring = NULL;
	m->count = 0;
}

void
messages_add(struct messages *m, time_t at, int error, const char *text)
{
	struct message *slot;

	if (m->count == m->cap) {
		/* full: the oldest makes room */
		free(m->ring[m->first].text);
		m->first = (m->first + 1) % m->cap;
		m->count--;
	}
	slot = &m->ring[(m->first + m->count++) % m->cap];
	slot->at = at;
	slot->error = error;
	slot->text = xstrdup(text);
	/* Whatever a server said, it reaches the screen as plain text. */
	for (char *p = slot->text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

size_t
messages_count(const struct messages *m)
{
	return m->count;
}

const struct message *
messages_get(const struct messages *m, size_t i)
{
	return i < m->count ? &m->ring[(m->first + i) % m->cap] : NULL;
}

const struct message *
messages_last(const struct messages *m)
{
	return m->count > 0 ? messages_get(m, m->count - 1) : NULL;
}

time_t
messages_expiry(const struct messages *m)
{
	const struct message *last = messages_last(m);

	if (last == NULL)
		return 0;
	return last->at + (last->error ? MESSAGES_ERROR_SHOWN_S : MESSAGES_SHOWN_S);
}

const struct message *
messages_shown(const struct messages *m, time_t now)
{
	return messages_last(m) != NULL && now < messages_expiry(m) ? messages_last(m) : NULL;
}

/* The app's side: said on the status line, kept in the log. */
void
app_message(struct app *a, int error, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	/* In full, however long: the log (C-b ~) shows what the status line
	 * cuts. */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	va_start(ap, fmt);
	vsnprintf(text, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	va_end(ap);
	/* What a watcher's own keys say (copy mode's keys, a refusal) is said
	 * to it alone: the writers' line and log are theirs. */
	if (clients_readonly(a))
		clients_note(a, text);
	else
		messages_add(&a->messages, time(NULL), error, text);
	free(text);
	frame_schedule(a);
}
