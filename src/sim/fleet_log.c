/* fleet_log.c: what a fleet remembers as it runs: each container
 * instance's log, bounded, line by line with the time each was written,
 * and each group's events, counted as Kubernetes counts repeats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/fleet.h"

#define FLEET_LOG_LINES 5000

static void
log_push_line(struct fleet_log *l, int64_t now, char *text)
{
	if (l->cap == 0) {
		l->cap = FLEET_LOG_LINES;
		l->v = xcalloc(l->cap, sizeof *l->v);
	}
	if (l->count == l->cap) {
		free(l->v[l->start].text);
		l->start = (l->start + 1) % l->cap;
		l->count--;
	}
	l->v[(l->start + l->count) % l->cap] = (struct fleet_log_line){now, text};
	l->count++;
	l->pushed++;
}

void
fleet_log_append(struct fleet_log *l, int64_t now_ns, const char *text, size_t len)
{
	struct buf line;

	buf_init(&line);
	if (l->partial != NULL)
		buf_puts(&line, l->partial);
	free(l->partial);
	l->partial = NULL;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			log_push_line(l, now_ns, buf_steal(&line));
			continue;
		}
		/* A runaway line without newlines is cut, not kept forever. */
		if (line.len < 16384)
			buf_putc(&line, text[i]);
	}
	if (line.len > 0)
		l->partial = buf_steal(&line);
	buf_free(&line);
}

void
fleet_log_flush(struct fleet_log *l, int64_t now_ns)
{
	if (l->partial != NULL)
		fleet_log_append(l, now_ns, "\n", 1);
}

const struct fleet_log_line *
fleet_log_at(const struct fleet_log *l, size_t i)
{
	return &l->v[(l->start + i) % l->cap];
}

void
fleet_log_free(struct fleet_log *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->v[(l->start + i) % l->cap].text);
	free(l->v);
	free(l->partial);
	memset(l, 0, sizeof *l);
}

void
fleet_event(struct fleet_group *g, int64_t now_ns, const char *type, const char *reason,
            const char *fmt, ...)
{
	char msg[512];
	struct fleet_event *e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < g->nevents; i++) {
		e = &g->events[i];
		if (strcmp(e->type, type) == 0 && strcmp(e->reason, reason) == 0 &&
		    strcmp(e->message, msg) == 0) {
			e->count++;
			if (now_ns > e->last_ns)
				e->last_ns = now_ns;
			return;
		}
	}
	if (g->nevents == FLEET_EVENTS) {
		e = &g->events[0];
		free(e->type);
		free(e->reason);
		free(e->message);
		free(e->name);
		memmove(g->events, g->events + 1, (g->nevents - 1) * sizeof *g->events);
		g->nevents--;
	}
	g->events = xrealloc(g->events, (g->nevents + 1) * sizeof *g->events);
	e = &g->events[g->nevents++];
	e->type = xstrdup(type);
	e->reason = xstrdup(reason);
	e->message = xstrdup(msg);
	/* As Kubernetes names them: the object's name and the time in hex. */
	e->name = xasprintf("%s.%llx", g->id, (unsigned long long)now_ns);
	e->count = 1;
	e->first_ns = e->last_ns = now_ns;
}
