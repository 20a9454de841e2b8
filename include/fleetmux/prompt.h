/* prompt.h: typed lines. The line editor every prompt shares (the
 * sidebar's filter, copy mode's search, the status line's prompt), and the
 * status line's prompt, which hands what was typed to whoever opened it
 * (C-b !'s command today; a command prompt would be one more opener). */
#ifndef FLEETMUX_PROMPT_H
#define FLEETMUX_PROMPT_H

#include <stddef.h>
#include <wchar.h>

/* lineedit.c: one key into a line of text. Returns LINE_DONE on Enter,
 * LINE_CANCEL on Escape, else LINE_EDITING; the text stays valid UTF-8
 * within size. */
enum { LINE_EDITING, LINE_DONE, LINE_CANCEL };
int line_edit(char *text, size_t size, wint_t ch, int is_key);

/* prompt.c: the status line's prompt: "label text_". */
struct history;

struct prompt {
	int active;
	int one_key;     /* a y/n question (prompt_ask): one key answers */
	char label[128];
	char text[256];
	void (*done)(void *arg, const char *text);   /* Enter */
	void *arg;
	/* Set after prompt_open by an opener that wants them (the command
	 * prompt): Tab completes the text and says what fits in hint; Up and
	 * Down walk the history, which keeps each line entered. */
	void (*complete)(void *arg, char *text, size_t size, char *hint, size_t hintlen);
	struct history *history;
	char hint[256];
};

void prompt_open(struct prompt *pr, const char *label, void (*done)(void *arg, const char *text),
		 void *arg);
/* A question one key answers ("quit? 3 live sessions will end (y/n)"): y
 * or Y closes it and hands "y" to done; any other key closes it only. */
void prompt_ask(struct prompt *pr, const char *question, void (*done)(void *arg, const char *text),
		void *arg);
/* A key for the open prompt. Enter closes it and then hands the text to
 * done (which may open another); Escape closes it. */
void prompt_key(struct prompt *pr, wint_t ch, int is_key);

#endif
