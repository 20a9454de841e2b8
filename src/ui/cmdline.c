/* cmdline.c: the command prompt's language: words, names, the commands
 * that take words, Tab's completion and the history. Pure: commands.c
 * runs what is resolved here. */
#include "fleetmux/cmdline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/layout.h"
#include "fleetmux/util.h"

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int
cmdline_split(const char *line, struct cmdline *c, char *why, size_t whylen)
{
	const char *p = line;
	size_t o = 0;

	memset(c, 0, sizeof *c);
	c->line = line;
	for (;;) {
		char quote = 0;

		while (blank(*p))
			p++;
		if (*p == '\0')
			return 0;
		if (p[0] == '-' && p[1] == '-' && (p[2] == '\0' || blank(p[2]))) {
			/* the rest as typed */
			p += 2;
			while (blank(*p))
				p++;
			c->rest = p;
			return 0;
		}
		if (c->argc == CMDLINE_MAX_WORDS)
			return say(why, whylen, "more than %d words", CMDLINE_MAX_WORDS);
		c->at[c->argc] = (size_t)(p - line);
		c->argv[c->argc++] = c->buf + o;
		for (; *p != '\0' && (quote || !blank(*p)); p++) {
			char ch = *p;

			if (quote == 0 && (ch == '\'' || ch == '"')) {
				quote = ch;
				continue;
			}
			if (quote == ch) {
				quote = 0;
				continue;
			}
			if (ch == '\\' && quote != '\'' && p[1] != '\0')
				ch = *++p;
			if (o + 2 >= sizeof c->buf)
				return say(why, whylen, "the line is too long");
			c->buf[o++] = ch;
		}
		if (quote)
			return say(why, whylen, "a %c is not closed", quote);
		c->buf[o++] = '\0';
	}
}

static const struct command_spec specs[CMD_COUNT] = {
    [CMD_OPEN] = {"open", "REGION/GROUP/CONTAINER...",
		  "a pane on each container named (as --open; ENGINE/CONTAINER for an engine, CONTEXT/NAMESPACE/POD/CONTAINER for a cluster)",
		  ACT_NONE, 1, -1, COMPLETE_TARGET},
    [CMD_LAYOUT] = {"layout", "[NAME]",
		    "tiled, even-horizontal, even-vertical or main-vertical; alone: the next", ACT_NEXT_LAYOUT,
		    0, 1, COMPLETE_LAYOUT},
    [CMD_THEME] = {"theme", "NAME", "colours: default, light, solarized-dark, high-contrast, or a file",
		   ACT_NONE, 1, 1, COMPLETE_THEME},
    [CMD_FILTER] = {"filter", "[EXPR]", "the sidebar's filter, as / there (tag=value too); alone: none",
		    ACT_NONE, 0, -1, COMPLETE_NONE},
    [CMD_CLOSE_PANE] = {"close-pane", "[N]", "close pane N, or the focused one", ACT_CLOSE_PANE, 0, 1,
			COMPLETE_PANE},
    [CMD_KILL_PANE] = {"kill-pane", "[N]", "close-pane, by tmux's name", ACT_CLOSE_PANE, 0, 1,
		       COMPLETE_PANE},
    [CMD_BROADCAST] = {"broadcast", "[on|off]", "broadcast on or off; alone: the other way",
		       ACT_BROADCAST, 0, 1, COMPLETE_ON_OFF},
    [CMD_RECORD] = {"record", "[on|off]", "record the focused pane, or stop; alone: the other way",
		    ACT_RECORD, 0, 1, COMPLETE_ON_OFF},
    [CMD_RUN] = {"run", "[-- CMD]", "CMD on the marked containers, into a results pane; alone: asks",
		 ACT_RUN, 0, -1, COMPLETE_NONE},
    [CMD_LIST_KEYS] = {"list-keys", "[WORDS]", "the keys and commands, only lines with WORDS",
		       ACT_LIST_KEYS, 0, -1, COMPLETE_NONE},
    [CMD_HELP] = {"help", "[WORDS]", "list-keys", ACT_LIST_KEYS, 0, -1, COMPLETE_NONE},
    [CMD_LOG_INCLUDE] = {"log-include", "[REGEX]",
			 "the focused merged log pane shows only lines whose text or group/container "
			 "tag matches (POSIX extended, as typed); alone: every line",
			 ACT_NONE, 0, -1, COMPLETE_TEXT},
    [CMD_LOG_EXCLUDE] = {"log-exclude", "[REGEX]",
			 "the focused merged log pane hides lines that match; alone: hides none",
			 ACT_NONE, 0, -1, COMPLETE_TEXT},
    [CMD_LOG_HIGHLIGHT] = {"log-highlight", "[REGEX]",
			   "the focused merged log pane shows what matches in reverse; alone: nothing",
			   ACT_NONE, 0, -1, COMPLETE_TEXT},
    [CMD_SAVE] = {"save", "[NAME]",
		  "save the panes, layout, zoom and focus as workspace NAME and keep it up to date "
		  "(fleetmux new -w NAME reopens it); alone: the session's workspace, or its name",
		  ACT_NONE, 0, 1, COMPLETE_NONE},
};

const struct command_spec *
command_spec(enum command c)
{
	return c >= 0 && c < CMD_COUNT ? &specs[c] : NULL;
}

int
command_from_name(const char *name)
{
	for (int i = 0; i < CMD_COUNT; i++)
		if (strcmp(specs[i].name, name) == 0)
			return i;
	return -1;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t
command_names(const char **out, size_t max)
{
	size_t n = 0, k = 0;

	for (int i = 0; i < CMD_COUNT && n < max; i++)
		out[n++] = specs[i].name;
	for (int i = ACT_NONE + 1; i < ACT_COUNT && n < max; i++)
		out[n++] = action_name((enum action)i);
	qsort(out, n, sizeof *out, by_name);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(out[k - 1], out[i]) != 0)
			out[k++] = out[i];
	return k;
}

size_t
command_choices(enum complete_kind kind, const char **out, size_t max)
{
	size_t n = 0;

	if (kind == COMPLETE_LAYOUT)
		for (int i = 0; i < LAYOUT_COUNT && n < max; i++)
			out[n++] = layout_name((enum layout_kind)i);
	if (kind == COMPLETE_ON_OFF && max >= 2) {
		out[n++] = "off";
		out[n++] = "on";
	}
	return n;
}

/* The name typed: a name, or the one name it begins. */
static const char *
resolve_name(const char *typed, char *why, size_t whylen)
{
	const char *names[CMDLINE_NAMES_MAX], *found = NULL;
	size_t n = command_names(names, CMDLINE_NAMES_MAX), hits = 0, len = strlen(typed);
	char list[200] = "";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], typed) == 0)
			return names[i];
		if (strncmp(names[i], typed, len) == 0) {
			found = names[i];
			if (hits++ < 6)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 hits > 1 ? ", " : "", names[i]);
		}
	}
	if (hits == 1)
		return found;
	if (hits > 1)
		say(why, whylen, "'%s' could be %s%s", typed, list, hits > 6 ? ", …" : "");
	else
		say(why, whylen, "unknown command '%s'", typed);
	return NULL;
}

/* The words a command takes, checked. */
static int
check_words(const struct command_spec *s, struct command_call *call, char *why, size_t whylen)
{
	const char *w = call->argc > 0 ? call->argv[0] : NULL;

	if (call->argc < s->min_words)
		return say(why, whylen, "%s wants %s", s->name, s->args);
	if (s->max_words >= 0 && call->argc > s->max_words)
		return say(why, whylen, "%s takes %s, not '%s'", s->name, s->args,
			   call->argv[s->max_words]);
	if (w == NULL)
		return 0;
	switch (s->complete) {
	case COMPLETE_ON_OFF:
		if (strcmp(w, "on") != 0 && strcmp(w, "off") != 0)
			return say(why, whylen, "%s wants on or off, not '%s'", s->name, w);
		call->on = strcmp(w, "on") == 0;
		break;
	case COMPLETE_LAYOUT:
		if ((call->layout = layout_from_name(w)) < 0)
			return say(why, whylen, "no layout '%s': tiled, even-horizontal, even-vertical "
						"or main-vertical", w);
		break;
	case COMPLETE_PANE: {
		char *end;
		long n = strtol(w, &end, 10);

		if (*w == '\0' || *end != '\0' || n < 1 || n > 9999)
			return say(why, whylen, "%s wants a pane's number, not '%s'", s->name, w);
		call->pane = (int)n;
		break;
	}
	default: break;
	}
	return 0;
}

int
command_resolve(struct cmdline *c, struct command_call *call, char *why, size_t whylen)
{
	const char *name;
	const struct command_spec *s;
	int cmd;

	memset(call, 0, sizeof *call);
	call->act = ACT_NONE;
	call->cmd = -1;
	call->on = call->layout = -1;
	if (c->argc == 0) {
		if (c->rest != NULL)
			return say(why, whylen, "a command's name comes before --");
		return 0;
	}
	if ((name = resolve_name(c->argv[0], why, whylen)) == NULL)
		return -FM_ENOTFOUND;
	call->argc = c->argc - 1;
	call->argv = c->argv + 1;
	call->rest = c->rest;
	if ((cmd = command_from_name(name)) < 0) {
		if (call->argc > 0 || c->rest != NULL)
			return say(why, whylen, "%s takes no words", name);
		call->act = action_from_name(name);
		return 0;
	}
	s = &specs[cmd];
	if (cmd == CMD_RUN || s->complete == COMPLETE_TEXT) {
		/* the command as typed: after --, or after the name */
		if (c->rest == NULL && call->argc > 0)
			call->rest = c->line + c->at[1];
		if (call->rest != NULL && *call->rest == '\0')
			call->rest = NULL;
		call->argc = 0;
	} else if (c->rest != NULL) {
		return say(why, whylen, "%s takes no --", s->name);
	}
	if (check_words(s, call, why, whylen) < 0)
		return -1;
	if (call->argc == 0 && call->rest == NULL && s->act != ACT_NONE)
		call->act = s->act;
	else
		call->cmd = cmd;
	return 0;
}

int
cmdline_word_index(const char *line, char *first, size_t firstlen)
{
	struct cmdline c;
	char why[64];
	size_t len = strlen(line);

	if (firstlen > 0)
		first[0] = '\0';
	if (cmdline_split(line, &c, why, sizeof why) < 0 || c.rest != NULL)
		return -1;
	if (c.argc > 0 && firstlen > 0)
		snprintf(first, firstlen, "%s", c.argv[0]);
	if (c.argc == 0 || (len > 0 && blank(line[len - 1])))
		return c.argc;
	return c.argc - 1;
}

/* hint: the candidates' next parts (from the start of the part being
 * typed, up to and with the next '/'), each once. */
static void
complete_hint(const char *const *m, size_t n, size_t from, size_t typed, char *hint, size_t hintlen)
{
	char **parts = xcalloc(n, sizeof *parts);
	size_t k = 0, o = 0;

	for (size_t i = 0; i < n; i++) {
		const char *slash = strchr(m[i] + typed, '/');
		size_t end = slash ? (size_t)(slash - m[i]) + 1 : strlen(m[i]);

		parts[i] = xstrndup(m[i] + from, end - from);
	}
	qsort(parts, n, sizeof *parts, by_name);
	hint[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(parts[i], parts[i - 1]) == 0)
			continue;
		if (o + strlen(parts[i]) + 5 >= hintlen) {
			if (o + 4 < hintlen)
				snprintf(hint + o, hintlen - o, " …");
			break;
		}
		o += (size_t)snprintf(hint + o, hintlen - o, "%s%s", k++ ? " " : "", parts[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

size_t
cmdline_complete_word(char *line, size_t size, const char *const *cands, size_t n, char *hint,
		      size_t hintlen)
{
	size_t len = strlen(line), start = len, plen, common = 0, hits = 0, part;
	const char **m = xcalloc(n + 1, sizeof *m);

	while (start > 0 && !blank(line[start - 1]))
		start--;
	plen = len - start;
	for (size_t i = 0; i < n; i++)
		if (strncmp(cands[i], line + start, plen) == 0)
			m[hits++] = cands[i];
	if (hits == 0) {
		snprintf(hint, hintlen, "nothing fits '%s'", line + start);
		free(m);
		return 0;
	}
	/* the longest beginning they share */
	common = strlen(m[0]);
	for (size_t i = 1; i < hits; i++) {
		size_t k = 0;

		while (k < common && m[i][k] == m[0][k])
			k++;
		common = k;
	}
	if (start + common + 2 < size) {
		memcpy(line + start, m[0], common);
		line[start + common] = '\0';
		if (hits == 1 && common > 0 && m[0][common - 1] != '/') {
			line[start + common] = ' ';
			line[start + common + 1] = '\0';
		}
	}
	/* The hint lists the parts from the one being typed: after the last
	 * '/' of what they share. */
	part = common;
	while (part > 0 && m[0][part - 1] != '/')
		part--;
	if (hits > 1)
		complete_hint(m, hits, part, common, hint, hintlen);
	else
		hint[0] = '\0';
	free(m);
	return hits;
}

void
history_add(struct history *h, const char *line)
{
	if (line[0] == '\0' || (h->n > 0 && strcmp(h->v[h->n - 1], line) == 0)) {
		history_reset(h);
		return;
	}
	if (h->n == HISTORY_KEPT) {
		free(h->v[0]);
		memmove(h->v, h->v + 1, (HISTORY_KEPT - 1) * sizeof *h->v);
		h->n--;
	}
	h->v[h->n++] = xstrdup(line);
	history_reset(h);
}

void
history_reset(struct history *h)
{
	h->pos = h->n;
	h->draft[0] = '\0';
}

const char *
history_move(struct history *h, int dir, const char *current)
{
	if (dir < 0) {
		if (h->pos == 0)
			return NULL;
		if (h->pos == h->n)
			snprintf(h->draft, sizeof h->draft, "%s", current);
		return h->v[--h->pos];
	}
	if (h->pos >= h->n)
		return NULL;
	h->pos++;
	return h->pos == h->n ? h->draft : h->v[h->pos];
}

void
history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i]);
	memset(h, 0, sizeof *h);
}
