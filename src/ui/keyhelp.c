/* keyhelp.c: every key and what it does, from the key tables as they are
 * bound (the config's rebindings and prefix included), grouped; and the
 * documents' key tables, written from the same rows. Actions' lines of
 * help are actions.c's; the commands' are cmdline.c's; copy mode's keys
 * are copy_keys.c's (test_keyhelp presses each one listed here, and the
 * others, to hold the two together). */
#include "fleetmux/keyhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/cmdline.h"
#include "tui.h"

static const char *group_names[KG_COUNT] = {
    [KG_PANES] = "panes",
    [KG_LAYOUT] = "layout",
    [KG_SIDEBAR] = "sidebar",
    [KG_COPY] = "copy mode",
    [KG_BROADCAST] = "broadcast",
    [KG_RECORDING] = "recording",
    [KG_COMMANDS] = "the command prompt",
    [KG_GENERAL] = "help, messages, quitting",
};

const char *
key_group_name(enum key_group g)
{
	return g < KG_COUNT ? group_names[g] : "?";
}

/* A new action needs a line here (test_keyhelp says so). */
static const struct {
	enum action act;
	enum key_group group;
} action_groups[] = {
    {ACT_FOCUS_LEFT, KG_PANES},       {ACT_FOCUS_RIGHT, KG_PANES},
    {ACT_FOCUS_UP, KG_PANES},         {ACT_FOCUS_DOWN, KG_PANES},
    {ACT_FOCUS_NEXT, KG_PANES},       {ACT_FOCUS_1, KG_PANES},
    {ACT_FOCUS_2, KG_PANES},          {ACT_FOCUS_3, KG_PANES},
    {ACT_FOCUS_4, KG_PANES},          {ACT_FOCUS_5, KG_PANES},
    {ACT_FOCUS_6, KG_PANES},          {ACT_FOCUS_7, KG_PANES},
    {ACT_FOCUS_8, KG_PANES},          {ACT_FOCUS_9, KG_PANES},
    {ACT_SHOW_NUMBERS, KG_PANES},     {ACT_CHOOSE_PANE, KG_PANES},
    {ACT_SWITCH_SIDE, KG_PANES},
    {ACT_CLOSE_PANE, KG_PANES},       {ACT_RETRY, KG_PANES},
    {ACT_LOG_PANE, KG_PANES},         {ACT_LOG_TIMESTAMPS, KG_PANES},
    {ACT_LOG_PREVIOUS, KG_PANES},
    {ACT_DETAILS, KG_PANES},
    {ACT_ZOOM, KG_LAYOUT},            {ACT_NEXT_LAYOUT, KG_LAYOUT},
    {ACT_SWAP_NEXT, KG_LAYOUT},       {ACT_SWAP_PREV, KG_LAYOUT},
    {ACT_TOGGLE_SIDEBAR, KG_LAYOUT},  {ACT_SIDEBAR_NARROWER, KG_LAYOUT},
    {ACT_SIDEBAR_WIDER, KG_LAYOUT},   {ACT_SB_UP, KG_SIDEBAR},
    {ACT_SB_DOWN, KG_SIDEBAR},        {ACT_SB_OPEN, KG_SIDEBAR},
    {ACT_SB_MARK, KG_SIDEBAR},        {ACT_SB_OPEN_MARKED, KG_SIDEBAR},
    {ACT_SB_FILTER, KG_SIDEBAR},      {ACT_SB_REFRESH, KG_SIDEBAR},
    {ACT_SB_COLLAPSE, KG_SIDEBAR},    {ACT_SB_EXPAND, KG_SIDEBAR},
    {ACT_SB_TOP, KG_SIDEBAR},         {ACT_SB_BOTTOM, KG_SIDEBAR},
    {ACT_SB_PAGE_UP, KG_SIDEBAR},     {ACT_SB_PAGE_DOWN, KG_SIDEBAR},
    {ACT_SB_MARK_ALL, KG_SIDEBAR},    {ACT_SB_LOGS, KG_SIDEBAR},
    {ACT_SB_LOGS_MERGED, KG_SIDEBAR}, {ACT_SB_LOG_PREVIOUS, KG_SIDEBAR},
    {ACT_SB_SORT, KG_SIDEBAR},
    {ACT_SB_DETAILS, KG_SIDEBAR},
    {ACT_COPY_MODE, KG_COPY},         {ACT_PASTE, KG_COPY},
    {ACT_BROADCAST, KG_BROADCAST},    {ACT_MARK_PANE, KG_BROADCAST},
    {ACT_RUN, KG_BROADCAST},          {ACT_RECORD, KG_RECORDING},
    {ACT_LIST_KEYS, KG_GENERAL},      {ACT_COMMAND_PROMPT, KG_GENERAL},
    {ACT_SHOW_MESSAGES, KG_GENERAL},  {ACT_SEND_PREFIX, KG_GENERAL},
    {ACT_DETACH, KG_GENERAL},        {ACT_QUIT, KG_GENERAL},
};

int
key_group_of(enum action a)
{
	for (size_t i = 0; i < sizeof action_groups / sizeof action_groups[0]; i++)
		if (action_groups[i].act == a)
			return (int)action_groups[i].group;
	return -1;
}

/* Keys no key table holds: the mouse, copy mode's (copy_keys.c), the
 * prompt's (prompt.c) and the overlays' (overlay.c). Keys are named as
 * key_from_name reads them, apart by blanks or ", ". */
static const struct {
	enum key_group group;
	const char *keys, *help;
} fixed_rows[] = {
    {KG_PANES, "mouse click", "focus a pane or a sidebar row"},
    {KG_PANES, "mouse wheel",
     "scroll a pane's history (copy mode), or to an application that asked for the mouse"},
    {KG_PANES, "i e h",
     "in a merged log pane: the regular expression of the lines to include, to exclude, to "
     "highlight (at the prompt; empty: none)"},
    {KG_COPY, "Up Down Left Right, h j k l", "move"},
    {KG_COPY, "w b e", "the next word, the word before, the end of the word"},
    {KG_COPY, "0 Home, ^, $ End", "the line's start, its first non-blank, its last character (over the rows autowrap cut it into)"},
    {KG_COPY, "C-u C-d", "half a page up, down"},
    {KG_COPY, "PageUp PageDown", "a page up, down"},
    {KG_COPY, "g G", "the oldest line, the newest"},
    {KG_COPY, "/ ?", "search down (newer), up (older), round past the end as in tmux; Enter looks, Escape drops it"},
    {KG_COPY, "n N", "the last search again, the other way"},
    {KG_COPY, "Space v", "select characters"},
    {KG_COPY, "V", "select lines"},
    {KG_COPY, "r C-v", "select a rectangle"},
    {KG_COPY, "Enter y", "copy the selection (and, unless osc52 = false, to the outer clipboard) and leave"},
    {KG_COPY, "q Escape", "leave copy mode"},
    {KG_COMMANDS, "Tab", "complete a name, a layout, a theme, a pane, REGION/GROUP/CONTAINER"},
    {KG_COMMANDS, "Up Down", "the lines typed before"},
    {KG_COMMANDS, "C-u", "clear the line"},
    {KG_COMMANDS, "Enter, Escape", "run the line; leave it"},
    {KG_GENERAL, "j k Up Down, Space PageUp PageDown, C-d C-u, g G Home End",
     "in the help, the log and the details: scroll"},
    {KG_GENERAL, "/", "in the help, the log and the details: filter as you type; Enter keeps it, Escape drops it"},
    {KG_GENERAL, "y", "in the log and the details: copy what it shows, for paste"},
    {KG_GENERAL, "q Escape", "close the help, the log or the details (i too closes the details)"},
};

static struct keyhelp_row *
add_row(struct keyhelp *h, enum key_group g, const char *keys, const char *name, const char *help)
{
	struct keyhelp_row *r;

	/* "sidebar: up" says less under the sidebar's heading */
	if (g == KG_SIDEBAR && help != NULL && strncmp(help, "sidebar: ", 9) == 0)
		help += 9;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->v = xrealloc(h->v, h->cap * sizeof *h->v);
	}
	r = &h->v[h->n++];
	r->group = g;
	snprintf(r->keys, sizeof r->keys, "%s", keys);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->help = help;
	return r;
}

/* "C-b z, C-b v": what binds act in t, after lead (the prefix, or ""). */
static int
keys_of(const struct keytable *t, enum action act, const char *lead, char *out, size_t len)
{
	size_t o = 0;
	int n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		char name[32];

		if (t->v[i].action != act)
			continue;
		keymap_key_name(t->v[i].key, name, sizeof name);
		if (o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s%s%s", n ? ", " : "", lead,
					      *lead ? " " : "", name);
		n++;
	}
	return n;
}

/* C-b 1 ... C-b 9 as one row, when each digit focuses its pane and
 * nothing else binds those actions. */
static int
digits_as_bound(const struct keytable *t)
{
	for (int d = 1; d <= 9; d++) {
		char keys[64];

		if ((int)keytable_lookup(t, '0' + d) != ACT_FOCUS_1 + d - 1 ||
		    keys_of(t, ACT_FOCUS_1 + d - 1, "", keys, sizeof keys) != 1)
			return 0;
	}
	return 1;
}

static void
group_rows(struct keyhelp *h, enum key_group g, const struct keytable *prefix,
	   const struct keytable *sidebar, const char *lead)
{
	int digits = digits_as_bound(prefix);
	char keys[160];

	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		int bound;

		if (key_group_of(a) != (int)g)
			continue;
		if (digits && a >= ACT_FOCUS_1 && a <= ACT_FOCUS_9) {
			if (a == ACT_FOCUS_1) {
				snprintf(keys, sizeof keys, "%s 1 … %s 9", lead, lead);
				add_row(h, g, keys, "focus-1 … focus-9", "focus pane N");
			}
			continue;
		}
		bound = keys_of(prefix, a, lead, keys, sizeof keys);
		/* Listed with no keys when nothing binds it: C-b : still runs it. */
		if (bound > 0 || (g != KG_SIDEBAR && keys_of(sidebar, a, "", keys, sizeof keys) == 0))
			add_row(h, g, bound ? keys : "", action_name(a), actions_help(a));
	}
	if (g == KG_SIDEBAR) {
		for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
			int in_sidebar = keys_of(sidebar, a, "", keys, sizeof keys) > 0;

			if (in_sidebar || (key_group_of(a) == KG_SIDEBAR &&
					   keys_of(prefix, a, "", keys, sizeof keys) == 0))
				add_row(h, g, in_sidebar ? keys : "", action_name(a), actions_help(a));
		}
	}
	if (g == KG_COMMANDS)
		for (int c = 0; c < CMD_COUNT; c++) {
			const struct command_spec *s = command_spec(c);

			snprintf(keys, sizeof keys, ":%s %s", s->name, s->args);
			add_row(h, g, keys, s->name, s->help);
		}
	for (size_t i = 0; i < sizeof fixed_rows / sizeof fixed_rows[0]; i++)
		if (fixed_rows[i].group == g)
			add_row(h, g, fixed_rows[i].keys, "", fixed_rows[i].help);
}

void
keyhelp_build(struct keyhelp *h, const struct keytable *prefix, const struct keytable *sidebar,
	      int prefix_key)
{
	char lead[32];

	memset(h, 0, sizeof *h);
	keymap_key_name(prefix_key, lead, sizeof lead);
	for (int g = 0; g < KG_COUNT; g++)
		group_rows(h, (enum key_group)g, prefix, sidebar, lead);
}

void
keyhelp_free(struct keyhelp *h)
{
	free(h->v);
	memset(h, 0, sizeof *h);
}

int
keyhelp_row_matches(const struct keyhelp_row *r, const char *filter)
{
	if (filter == NULL || *filter == '\0')
		return 1;
	return strcasestr(r->keys, filter) || strcasestr(r->name, filter) ||
	       (r->help && strcasestr(r->help, filter)) || strcasestr(key_group_name(r->group), filter);
}

/* --- the documents --- */

static void
md_cell(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_puts(out, "\\");
		buf_putc(out, *s);
	}
}

/* Each key of "a, b" in its own code span. */
static void
md_keys(struct buf *out, const char *keys)
{
	const char *p = keys;

	while (*p) {
		const char *end = strstr(p, ", ");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *one = xstrndup(p, n);

		buf_printf(out, "%s`", p == keys ? "" : " ");
		md_cell(out, one);
		buf_puts(out, "`");
		free(one);
		p += n;
		if (end)
			p += 2;
	}
}

/* "Copy mode" from "copy mode" */
static void
heading(struct buf *out, const char *name)
{
	buf_putc(out, (char)(name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' + 'A' : name[0]));
	buf_puts(out, name + 1);
}

void
keyhelp_markdown(struct buf *out, const struct keyhelp *h, int prefix_key)
{
	char lead[32];

	keymap_key_name(prefix_key, lead, sizeof lead);
	for (int g = 0; g < KG_COUNT; g++) {
		buf_puts(out, "\n#### ");
		heading(out, key_group_name(g));
		if (g == KG_COMMANDS)
			buf_printf(out, " (`%s :`)", lead);
		buf_puts(out, "\n\n| keys | name | what it does |\n|------|------|--------------|\n");
		for (size_t i = 0; i < h->n; i++) {
			const struct keyhelp_row *r = &h->v[i];

			if (r->group != (enum key_group)g)
				continue;
			buf_puts(out, "| ");
			if (r->keys[0])
				md_keys(out, r->keys);
			buf_puts(out, " | ");
			if (r->name[0]) {
				buf_puts(out, "`");
				md_cell(out, r->name);
				buf_puts(out, "`");
			}
			buf_puts(out, " | ");
			md_cell(out, r->help ? r->help : "");
			buf_puts(out, " |\n");
		}
	}
	buf_puts(out, "\n");
}

static void
roff_text(struct buf *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		buf_puts(out, "\\&");
	for (; *s; s++) {
		if (*s == '\\')
			buf_puts(out, "\\e");
		else if (*s == '-')
			buf_puts(out, "\\-");
		else if (strncmp(s, "…", strlen("…")) == 0) {
			buf_puts(out, "...");
			s += strlen("…") - 1;
		} else
			buf_putc(out, *s);
	}
}

void
keyhelp_roff(struct buf *out, const struct keyhelp *h, int prefix_key)
{
	for (int g = 0; g < KG_COUNT; g++) {
		struct buf name;

		buf_init(&name);
		heading(&name, key_group_name(g));
		buf_puts(out, ".SS ");
		roff_text(out, name.data);
		buf_puts(out, "\n");
		buf_free(&name);
		for (size_t i = 0; i < h->n; i++) {
			const struct keyhelp_row *r = &h->v[i];

			if (r->group != (enum key_group)g)
				continue;
			buf_puts(out, ".TP\n\\fB");
			roff_text(out, r->keys[0] ? r->keys : "(no key)");
			buf_puts(out, "\\fR\n");
			if (r->name[0]) {
				buf_puts(out, "\\fI");
				roff_text(out, r->name);
				buf_puts(out, "\\fR \\(em ");
			}
			roff_text(out, r->help ? r->help : "");
			buf_puts(out, "\n");
		}
	}
}

void
keyhelp_default_doc(struct buf *out, int roff)
{
	struct keytable prefix, sidebar;
	struct keyhelp h;

	keytable_init(&prefix);
	keytable_init(&sidebar);
	keytable_default_prefix(&prefix);
	keytable_default_sidebar(&sidebar);
	keyhelp_build(&h, &prefix, &sidebar, KEYMAP_CTRL('b'));
	if (roff)
		keyhelp_roff(out, &h, KEYMAP_CTRL('b'));
	else
		keyhelp_markdown(out, &h, KEYMAP_CTRL('b'));
	keyhelp_free(&h);
	keytable_free(&prefix);
	keytable_free(&sidebar);
}

char *
keyhelp_splice(const char *text, const char *begin, const char *end, const char *body)
{
	const char *b = strstr(text, begin), *after_b, *e;
	struct buf out;

	if (b == NULL || (after_b = strchr(b, '\n')) == NULL)
		return NULL;
	after_b++;
	if ((e = strstr(after_b, end)) == NULL)
		return NULL;
	while (e > after_b && e[-1] != '\n')
		e--;
	buf_init(&out);
	buf_append(&out, text, (size_t)(after_b - text));
	buf_puts(&out, body);
	buf_puts(&out, e);
	return buf_steal(&out);
}
