/* scrollback.c: the history ring. Pure: no ncurses, no libvterm. */
#include "fleetmux/scrollback.h"

#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

void
scrollback_init(struct scrollback *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = cap ? cap : 1;
	s->lines = xcalloc(s->cap, sizeof *s->lines);
}

static size_t
line_bytes(const struct sb_line *l)
{
	return strlen(l->text) + 1 + l->nruns * sizeof *l->runs + sizeof *l;
}

static void
line_free(struct sb_line *l)
{
	free(l->text);
	free(l->runs);
	memset(l, 0, sizeof *l);
}

void
scrollback_free(struct scrollback *s)
{
	for (size_t i = 0; i < s->count; i++)
		line_free(&s->lines[(s->start + i) % s->cap]);
	free(s->lines);
	memset(s, 0, sizeof *s);
}

void
scrollback_clear(struct scrollback *s)
{
	for (size_t i = 0; i < s->count; i++)
		line_free(&s->lines[(s->start + i) % s->cap]);
	s->start = s->count = 0;
	s->bytes = 0;
}

void
scrollback_push(struct scrollback *s, char *text, struct sb_run *runs, uint16_t nruns,
		uint16_t wrap_cols)
{
	struct sb_line *l;

	if (s->count == s->cap) {
		s->bytes -= line_bytes(&s->lines[s->start]);
		line_free(&s->lines[s->start]);
		s->start = (s->start + 1) % s->cap;
		s->count--;
	}
	l = &s->lines[(s->start + s->count) % s->cap];
	l->text = text;
	l->runs = runs;
	l->nruns = nruns;
	l->wrap_cols = wrap_cols;
	s->count++;
	s->bytes += line_bytes(l);
}

const struct sb_line *
scrollback_get(const struct scrollback *s, size_t i)
{
	if (i >= s->count)
		return NULL;
	return &s->lines[(s->start + i) % s->cap];
}

struct sb_line *
scrollback_newest(struct scrollback *s, size_t i)
{
	if (i >= s->count)
		return NULL;
	return &s->lines[(s->start + s->count - 1 - i) % s->cap];
}

struct sb_line *
scrollback_take(struct scrollback *s, size_t *n)
{
	struct sb_line *all = xcalloc(s->count ? s->count : 1, sizeof *all);

	for (size_t i = 0; i < s->count; i++) {
		all[i] = s->lines[(s->start + i) % s->cap];
		memset(&s->lines[(s->start + i) % s->cap], 0, sizeof *all);
	}
	*n = s->count;
	s->start = s->count = 0;
	s->bytes = 0;
	return all;
}

int
scrollback_pop(struct scrollback *s, struct sb_line *out)
{
	struct sb_line *l;

	if (s->count == 0)
		return 0;
	l = &s->lines[(s->start + s->count - 1) % s->cap];
	s->bytes -= line_bytes(l);
	*out = *l;
	memset(l, 0, sizeof *l);
	s->count--;
	return 1;
}

long
scrollback_find(const struct scrollback *s, const char *needle, long from, int dir)
{
	if (needle == NULL || *needle == '\0')
		return -1;
	for (long i = from; i >= 0 && (size_t)i < s->count; i += dir < 0 ? -1 : 1)
		if (strstr(s->lines[(s->start + (size_t)i) % s->cap].text, needle) != NULL)
			return i;
	return -1;
}
