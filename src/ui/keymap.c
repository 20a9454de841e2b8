/* keymap.c: key tables and key names. */
#include "fleetmux/keymap.h"

#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

static const char *action_names[ACT_COUNT] = {
    [ACT_NONE] = "none",
    [ACT_FOCUS_LEFT] = "focus-left",
    [ACT_FOCUS_RIGHT] = "focus-right",
    [ACT_FOCUS_UP] = "focus-up",
    [ACT_FOCUS_DOWN] = "focus-down",
    [ACT_FOCUS_NEXT] = "focus-next",
    [ACT_ZOOM] = "zoom",
    [ACT_CLOSE_PANE] = "close-pane",
    [ACT_NEXT_LAYOUT] = "next-layout",
    [ACT_SWITCH_SIDE] = "switch-side",
    [ACT_SHOW_NUMBERS] = "show-numbers",
    [ACT_CHOOSE_PANE] = "choose-pane",
    [ACT_QUIT] = "quit",
    [ACT_DETACH] = "detach",
    [ACT_SEND_PREFIX] = "send-prefix",
    [ACT_SWAP_NEXT] = "swap-next",
    [ACT_SWAP_PREV] = "swap-prev",
    [ACT_TOGGLE_SIDEBAR] = "toggle-sidebar",
    [ACT_BROADCAST] = "broadcast",
    [ACT_MARK_PANE] = "mark-pane",
    [ACT_RECORD] = "record",
    [ACT_RETRY] = "retry",
    [ACT_COPY_MODE] = "copy-mode",
    [ACT_RUN] = "run",
    [ACT_PASTE] = "paste",
    [ACT_LOG_PANE] = "log-pane",
    [ACT_LOG_TIMESTAMPS] = "log-timestamps",
    [ACT_LOG_PREVIOUS] = "log-previous",
    [ACT_DETAILS] = "details",
    [ACT_FOCUS_1] = "focus-1", [ACT_FOCUS_2] = "focus-2", [ACT_FOCUS_3] = "focus-3",
    [ACT_FOCUS_4] = "focus-4", [ACT_FOCUS_5] = "focus-5", [ACT_FOCUS_6] = "focus-6",
    [ACT_FOCUS_7] = "focus-7", [ACT_FOCUS_8] = "focus-8", [ACT_FOCUS_9] = "focus-9",
    [ACT_SB_UP] = "sidebar-up",
    [ACT_SB_DOWN] = "sidebar-down",
    [ACT_SB_OPEN] = "sidebar-open",
    [ACT_SB_MARK] = "sidebar-mark",
    [ACT_SB_OPEN_MARKED] = "sidebar-open-marked",
    [ACT_SB_FILTER] = "sidebar-filter",
    [ACT_SB_REFRESH] = "sidebar-refresh",
    [ACT_SB_COLLAPSE] = "sidebar-collapse",
    [ACT_SB_EXPAND] = "sidebar-expand",
    [ACT_SB_TOP] = "sidebar-top",
    [ACT_SB_BOTTOM] = "sidebar-bottom",
    [ACT_SB_PAGE_UP] = "sidebar-page-up",
    [ACT_SB_PAGE_DOWN] = "sidebar-page-down",
    [ACT_SB_MARK_ALL] = "sidebar-mark-all",
    [ACT_SB_LOGS] = "sidebar-logs",
    [ACT_SB_LOGS_MERGED] = "sidebar-logs-merged",
    [ACT_SB_LOG_PREVIOUS] = "sidebar-log-previous",
    [ACT_SB_DETAILS] = "sidebar-details",
    [ACT_SIDEBAR_NARROWER] = "sidebar-narrower",
    [ACT_SIDEBAR_WIDER] = "sidebar-wider",
    [ACT_SB_SORT] = "sidebar-sort",
    [ACT_LIST_KEYS] = "list-keys",
    [ACT_COMMAND_PROMPT] = "command-prompt",
    [ACT_SHOW_MESSAGES] = "show-messages",
};

const char *
action_name(enum action a)
{
	return a < ACT_COUNT && action_names[a] ? action_names[a] : "none";
}

enum action
action_from_name(const char *name)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (action_names[i] && strcmp(action_names[i], name) == 0)
			return (enum action)i;
	return ACT_NONE;
}

static const struct {
	const char *name;
	int key;
} named[] = {
    {"Up", KEYMAP_FN | KEY_UP},       {"Down", KEYMAP_FN | KEY_DOWN},
    {"Left", KEYMAP_FN | KEY_LEFT},   {"Right", KEYMAP_FN | KEY_RIGHT},
    {"Home", KEYMAP_FN | KEY_HOME},   {"End", KEYMAP_FN | KEY_END},
    {"PageUp", KEYMAP_FN | KEY_PPAGE}, {"PageDown", KEYMAP_FN | KEY_NPAGE},
    {"Space", ' '},                   {"Tab", '\t'},
    {"Enter", '\r'},                  {"Escape", 27},
    {"BSpace", 127},
};

int
key_from_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return -1;
	if (strncmp(name, "C-", 2) == 0 && len == 3) {
		char c = name[2];

		if (c >= 'a' && c <= 'z')
			return c & 0x1f;
		if (c >= '@' && c <= '_')
			return c & 0x1f;
		return -1;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(named[i].name, name) == 0)
			return named[i].key;
	if (name[0] == 'F' && len >= 2 && len <= 3) {
		int n = atoi(name + 1);

		if (n >= 1 && n <= 12)
			return KEYMAP_FN | KEY_F(n);
	}
	if (len == 1 && (unsigned char)name[0] > 0x20 && (unsigned char)name[0] < 0x7f)
		return name[0];
	return -1;
}

void
keymap_key_name(int key, char *out, size_t len)
{
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i].key == key) {
			snprintf(out, len, "%s", named[i].name);
			return;
		}
	if (key >= 0 && key < 0x20)
		snprintf(out, len, "C-%c", key + 'a' - 1 > 'z' ? key + '@' : key + 'a' - 1);
	else if (key & KEYMAP_FN)
		snprintf(out, len, "F%d", (key & ~KEYMAP_FN) - KEY_F0);
	else
		snprintf(out, len, "%c", key);
}

void
keytable_hint(const struct keytable *t, int prefix, enum action act, char *out, size_t len)
{
	char key[32], pre[32];

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].action == act) {
			keymap_key_name(t->v[i].key, key, sizeof key);
			if (prefix < 0) {
				snprintf(out, len, "%s", key);
			} else {
				keymap_key_name(prefix, pre, sizeof pre);
				snprintf(out, len, "%s %s", pre, key);
			}
			return;
		}
	if (len > 0)
		out[0] = '\0';
}

void
keytable_init(struct keytable *t)
{
	memset(t, 0, sizeof *t);
}

void
keytable_free(struct keytable *t)
{
	free(t->v);
	keytable_init(t);
}

void
keytable_bind(struct keytable *t, int key, enum action a)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].key == key) {
			t->v[i].action = a;
			return;
		}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = (struct binding){key, a};
}

enum action
keytable_lookup(const struct keytable *t, int key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].key == key)
			return t->v[i].action;
	return ACT_NONE;
}

void
keytable_default_prefix(struct keytable *t)
{
	static const struct {
		const char *key;
		enum action a;
	} d[] = {
	    {"Left", ACT_FOCUS_LEFT}, {"Right", ACT_FOCUS_RIGHT}, {"Up", ACT_FOCUS_UP},
	    {"Down", ACT_FOCUS_DOWN}, {"h", ACT_FOCUS_LEFT},      {"l", ACT_LOG_PANE},
	    {"k", ACT_FOCUS_UP},      {"j", ACT_FOCUS_DOWN},      {"o", ACT_FOCUS_NEXT},
	    {"z", ACT_ZOOM},          {"x", ACT_CLOSE_PANE},      {"Space", ACT_NEXT_LAYOUT},
	    {"Tab", ACT_SWITCH_SIDE}, {"q", ACT_SHOW_NUMBERS},    {"d", ACT_DETACH},
	    {"Q", ACT_QUIT},
	    {"w", ACT_CHOOSE_PANE},
	    {"C-b", ACT_SEND_PREFIX}, {"}", ACT_SWAP_NEXT},       {"{", ACT_SWAP_PREV},
	    {"s", ACT_TOGGLE_SIDEBAR}, {"S", ACT_BROADCAST},      {"m", ACT_MARK_PANE}, {"r", ACT_RECORD}, {"R", ACT_RETRY}, {"[", ACT_COPY_MODE}, {"]", ACT_PASTE}, {"!", ACT_RUN},
	    {"t", ACT_LOG_TIMESTAMPS}, {"P", ACT_LOG_PREVIOUS},
	    {"i", ACT_DETAILS},
	    {"1", ACT_FOCUS_1},       {"2", ACT_FOCUS_2},
	    {"3", ACT_FOCUS_3},       {"4", ACT_FOCUS_4},         {"5", ACT_FOCUS_5},
	    {"6", ACT_FOCUS_6},       {"7", ACT_FOCUS_7},         {"8", ACT_FOCUS_8},
	    {"9", ACT_FOCUS_9},
	    {"<", ACT_SIDEBAR_NARROWER}, {">", ACT_SIDEBAR_WIDER},
	    {"?", ACT_LIST_KEYS},     {":", ACT_COMMAND_PROMPT},  {"~", ACT_SHOW_MESSAGES},
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		keytable_bind(t, key_from_name(d[i].key), d[i].a);
}

void
keytable_default_sidebar(struct keytable *t)
{
	static const struct {
		const char *key;
		enum action a;
	} d[] = {
	    {"j", ACT_SB_DOWN},        {"Down", ACT_SB_DOWN},         {"k", ACT_SB_UP},
	    {"Up", ACT_SB_UP},         {"Enter", ACT_SB_OPEN},        {"Space", ACT_SB_MARK},
	    {"o", ACT_SB_OPEN_MARKED}, {"/", ACT_SB_FILTER},          {"r", ACT_SB_REFRESH},
	    {"Left", ACT_SB_COLLAPSE}, {"h", ACT_SB_COLLAPSE},        {"Right", ACT_SB_EXPAND},
	    {"l", ACT_SB_LOGS},      {"g", ACT_SB_TOP},             {"G", ACT_SB_BOTTOM},
	    {"Home", ACT_SB_TOP},      {"End", ACT_SB_BOTTOM},        {"PageUp", ACT_SB_PAGE_UP},
	    {"PageDown", ACT_SB_PAGE_DOWN}, {"Tab", ACT_SWITCH_SIDE},
	    {"a", ACT_SB_MARK_ALL},    {"?", ACT_LIST_KEYS},
	    {"L", ACT_SB_LOGS_MERGED}, {"p", ACT_SB_LOG_PREVIOUS},
	    {"S", ACT_SB_SORT},
	    {"i", ACT_SB_DETAILS},
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		keytable_bind(t, key_from_name(d[i].key), d[i].a);
}
