/* prompt.c: the status line's prompt. While it is open, keys go to it
 * first; what it shows is drawn with the status line (draw.c). */
#include <ncurses.h>
#include <stdio.h>

#include "fleetmux/cmdline.h"
#include "fleetmux/prompt.h"

void
prompt_open(struct prompt *pr, const char *label, void (*done)(void *arg, const char *text),
	    void *arg)
{
	pr->active = 1;
	pr->one_key = 0;
	snprintf(pr->label, sizeof pr->label, "%s", label);
	pr->text[0] = '\0';
	pr->done = done;
	pr->arg = arg;
	pr->complete = NULL;
	pr->history = NULL;
	pr->hint[0] = '\0';
}

void
prompt_ask(struct prompt *pr, const char *question, void (*done)(void *arg, const char *text),
	   void *arg)
{
	prompt_open(pr, question, done, arg);
	pr->one_key = 1;
}

void
prompt_key(struct prompt *pr, wint_t ch, int is_key)
{
	char text[sizeof pr->text];
	int r;

	if (pr->one_key) {
		pr->active = 0;
		pr->one_key = 0;
		if (!is_key && (ch == 'y' || ch == 'Y'))
			pr->done(pr->arg, "y");
		return;
	}
	if (pr->complete != NULL && !is_key && ch == '\t') {
		pr->complete(pr->arg, pr->text, sizeof pr->text, pr->hint, sizeof pr->hint);
		return;
	}
	pr->hint[0] = '\0';
	if (pr->history != NULL && is_key && (ch == KEY_UP || ch == KEY_DOWN)) {
		const char *t = history_move(pr->history, ch == KEY_UP ? -1 : 1, pr->text);

		if (t != NULL)
			snprintf(pr->text, sizeof pr->text, "%s", t);
		return;
	}
	r = line_edit(pr->text, sizeof pr->text, ch, is_key);
	if (r == LINE_EDITING)
		return;
	if (pr->history != NULL && r == LINE_DONE)
		history_add(pr->history, pr->text);
	pr->active = 0;
	/* done may open the prompt again, over the text it is given */
	snprintf(text, sizeof text, "%s", pr->text);
	if (r == LINE_DONE)
		pr->done(pr->arg, text);
}
