/* cmdline.h: the command prompt's language (C-b :), pure. A line is words
 * (blanks part them; '...' and "..." quote; a backslash takes the next
 * character as it is); a word "--" ends the words, and what follows it is
 * kept as typed (run's command). The first word names an action
 * (keymap.c's names) or one of the commands below, which take words; a
 * unique beginning of a name will do. Tab completes a word from
 * candidates; the prompt keeps a history of lines. */
#ifndef FLEETMUX_CMDLINE_H
#define FLEETMUX_CMDLINE_H

#include <stddef.h>

#include "fleetmux/keymap.h"

#define CMDLINE_MAX_WORDS 32

struct cmdline {
	const char *line;               /* the line split (the caller's) */
	int argc;
	char *argv[CMDLINE_MAX_WORDS];
	size_t at[CMDLINE_MAX_WORDS];   /* where each word starts in the line */
	const char *rest;               /* after "--", as typed; NULL: no "--" */
	char buf[512];                  /* the words, unquoted */
};

/* 0, or -1 with why (an open quote, too many words, too long). */
int cmdline_split(const char *line, struct cmdline *c, char *why, size_t whylen);

/* The commands that take words. Without words, one that has an action
 * runs it. */
enum command {
	CMD_OPEN,
	CMD_LAYOUT,
	CMD_THEME,
	CMD_FILTER,
	CMD_CLOSE_PANE,
	CMD_KILL_PANE,
	CMD_BROADCAST,
	CMD_RECORD,
	CMD_RUN,
	CMD_LIST_KEYS,
	CMD_HELP,
	CMD_LOG_INCLUDE,
	CMD_LOG_EXCLUDE,
	CMD_LOG_HIGHLIGHT,
	CMD_SAVE,
	CMD_COUNT,
};

/* What Tab offers for a command's words. */
enum complete_kind {
	COMPLETE_NONE,
	COMPLETE_TARGET,   /* REGION/GROUP/CONTAINER from the listed fleet */
	COMPLETE_LAYOUT,
	COMPLETE_THEME,
	COMPLETE_ON_OFF,
	COMPLETE_PANE,     /* pane numbers */
	COMPLETE_TEXT,     /* nothing: the words are one text, kept as typed (in
			    * rest), a regular expression's backslashes and blanks */
};

struct command_spec {
	const char *name;
	const char *args;          /* its words, as help shows them */
	const char *help;
	enum action act;           /* what it runs without words; ACT_NONE: it needs some */
	int min_words, max_words;  /* -1: any number */
	enum complete_kind complete;
};

const struct command_spec *command_spec(enum command c);

/* A line resolved: an action to run, or a command with its words. */
struct command_call {
	enum action act;           /* ACT_NONE: see cmd */
	int cmd;                   /* an enum command, or -1 */
	int argc;                  /* the words after the name */
	char **argv;               /* into the cmdline */
	const char *rest;          /* run: the command as typed; COMPLETE_TEXT's text */
	int on;                    /* on/off words: 1, 0; -1 none given */
	int layout;                /* layout: the layout; -1 none given */
	int pane;                  /* a pane's number; 0 none given */
};

/* Resolve a split line. 0 (an empty line: act ACT_NONE and cmd -1), or
 * negative with why: -FM_ENOTFOUND for a name that is no name or the
 * beginning of several; -1 for words where none are taken, too few or too
 * many, a word that is not one of the choices. */
int command_resolve(struct cmdline *c, struct command_call *call, char *why, size_t whylen);

/* Tab. The word being typed (the last one, or an empty one after a
 * blank) becomes the longest beginning that every candidate starting with
 * it shares; a single candidate is completed with a blank after it,
 * unless it ends in '/'. hint gets the candidates, by their next part
 * (up to and with a '/'), or says that none fits. Returns how many
 * candidates fit. */
size_t cmdline_complete_word(char *line, size_t size, const char *const *cands, size_t n,
			     char *hint, size_t hintlen);
/* Which word the end of line is in (0: the name), and the name typed. */
int cmdline_word_index(const char *line, char *first, size_t firstlen);

/* The candidates for words that are choices (layouts, on and off) into
 * out (at most max); 0 for others: the caller knows them (targets,
 * themes, panes). */
size_t command_choices(enum complete_kind k, const char **out, size_t max);
/* Every name the first word can take: the commands' and the actions'
 * (but "none"), sorted, each once. CMDLINE_NAMES_MAX is enough. */
#define CMDLINE_NAMES_MAX (ACT_COUNT + CMD_COUNT)
size_t command_names(const char **out, size_t max);
/* The command of a name (exact), or -1. */
int command_from_name(const char *name);

/* Lines typed at the prompt, the newest last; Up and Down walk them, and
 * what was being typed comes back past the newest. */
#define HISTORY_KEPT 100

struct history {
	char *v[HISTORY_KEPT];
	size_t n;
	size_t pos;            /* n: the line being typed */
	char draft[512];
};

void history_add(struct history *h, const char *line);
/* Back to the line being typed (the prompt opens). */
void history_reset(struct history *h);
/* dir -1 older, 1 newer: the text to show, or NULL when there is none
 * further (the text stays). current is kept as the draft when leaving it. */
const char *history_move(struct history *h, int dir, const char *current);
void history_free(struct history *h);

#endif
