/* keymap.h: key bindings are data: tables from keys to action names, as in
 * tmux. Keys are characters, or ncurses KEY_* codes tagged with KEYMAP_FN. */
#ifndef FLEETMUX_KEYMAP_H
#define FLEETMUX_KEYMAP_H

#include <stddef.h>

#define KEYMAP_FN 0x40000000   /* set on ncurses KEY_* codes */
#define KEYMAP_CTRL(c) ((c) & 0x1f)

enum action {
	ACT_NONE,
	ACT_FOCUS_LEFT,
	ACT_FOCUS_RIGHT,
	ACT_FOCUS_UP,
	ACT_FOCUS_DOWN,
	ACT_FOCUS_NEXT,
	ACT_ZOOM,
	ACT_CLOSE_PANE,
	ACT_NEXT_LAYOUT,
	ACT_SWITCH_SIDE,     /* between sidebar and panes */
	ACT_SHOW_NUMBERS,
	ACT_CHOOSE_PANE,     /* a list of the panes to pick from */
	ACT_QUIT,            /* end the session */
	ACT_DETACH,          /* this terminal leaves; the session stays */
	ACT_SEND_PREFIX,
	ACT_SWAP_NEXT,
	ACT_SWAP_PREV,
	ACT_TOGGLE_SIDEBAR,
	ACT_BROADCAST,       /* typed input to every pane in view, or the marked ones */
	ACT_MARK_PANE,
	ACT_RECORD,          /* start or stop recording the focused pane */
	ACT_RETRY,           /* a new session for a pane that failed or exited */
	ACT_COPY_MODE,
	ACT_RUN,             /* a command on the marked containers, into a results pane */
	ACT_PASTE,
	ACT_LOG_PANE,        /* a log pane for the focused pane's container */
	ACT_LOG_TIMESTAMPS,  /* the focused log pane's lines with their time, or not */
	ACT_LOG_PREVIOUS,    /* the previous instance's log of the focused pane's container */
	ACT_DETAILS,         /* the details view of the focused pane's group */
	ACT_FOCUS_1, ACT_FOCUS_2, ACT_FOCUS_3, ACT_FOCUS_4, ACT_FOCUS_5,
	ACT_FOCUS_6, ACT_FOCUS_7, ACT_FOCUS_8, ACT_FOCUS_9,
	/* sidebar */
	ACT_SB_UP,
	ACT_SB_DOWN,
	ACT_SB_OPEN,
	ACT_SB_MARK,
	ACT_SB_OPEN_MARKED,
	ACT_SB_FILTER,
	ACT_SB_REFRESH,
	ACT_SB_COLLAPSE,
	ACT_SB_EXPAND,
	ACT_SB_TOP,
	ACT_SB_BOTTOM,
	ACT_SB_PAGE_UP,
	ACT_SB_PAGE_DOWN,
	ACT_SB_MARK_ALL,     /* mark (or unmark) every container the filter shows */
	ACT_SB_LOGS,         /* a log pane for the container; on other rows, unfold */
	ACT_SB_LOGS_MERGED,  /* a merged log pane: marked containers, or the row's group or region */
	ACT_SB_LOG_PREVIOUS, /* the container's log before its last restart */
	ACT_SB_DETAILS,      /* the details view of the row's group */
	ACT_SIDEBAR_NARROWER,
	ACT_SIDEBAR_WIDER,
	ACT_SB_SORT,         /* the groups' order: listed, CPU, memory, restarts, status, name */
	/* what is bound, what was said, any action by name (help.c, commands.c) */
	ACT_LIST_KEYS,
	ACT_COMMAND_PROMPT,
	ACT_SHOW_MESSAGES,
	ACT_COUNT,
};

struct binding {
	int key;
	enum action action;
};

struct keytable {
	struct binding *v;
	size_t n, cap;
};

const char *action_name(enum action a);
/* ACT_NONE when the name is unknown. */
enum action action_from_name(const char *name);
/* "C-b", "z", "Left", "Space", "Tab", "Enter", "F5", "M-x" is not supported.
 * -1 when the name is not a key. */
int key_from_name(const char *name);
void keymap_key_name(int key, char *out, size_t len);

void keytable_init(struct keytable *t);
void keytable_free(struct keytable *t);
void keytable_bind(struct keytable *t, int key, enum action a);
enum action keytable_lookup(const struct keytable *t, int key);
/* How to type act from t, as help says it: "C-a d" after the prefix
 * (prefix < 0: the table needs none, "a"); "" when no key does it. */
void keytable_hint(const struct keytable *t, int prefix, enum action act, char *out, size_t len);
/* The defaults: tmux-like prefix table, and the sidebar's own keys. */
void keytable_default_prefix(struct keytable *t);
void keytable_default_sidebar(struct keytable *t);

#endif
