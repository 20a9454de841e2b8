/* focus.c: where typing goes: to the focused pane, or under broadcast to
 * the marked panes (when any is marked) or every pane in view. Pure reads
 * of the app, for input and for drawing (borders and the status line say
 * who receives). */
#include "tui.h"

struct slot *
focus_slot(const struct app *a)
{
	if (a->sidebar_focus || a->npanes == 0)
		return NULL;
	return a->slots[a->focus];
}

int
focus_reaches(const struct app *a, int i)
{
	int any_marked = 0;

	if (!a->broadcast)
		return !a->sidebar_focus && i == a->focus;
	if (a->slots[i]->log)
		return 0; /* a log pane takes no input: broadcast passes it by */
	for (int k = 0; k < a->npanes; k++)
		any_marked |= a->slots[k]->marked;
	if (any_marked)
		return a->slots[i]->marked;
	/* Every pane in view: behind a zoom, only the zoomed one is. */
	return a->zoomed < 0 || a->zoomed == i;
}
