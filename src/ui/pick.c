/* pick.c: picking a pane when there are more than nine: by its number,
 * typed a digit at a time over C-b q's large numbers (as tmux's
 * display-panes), or from C-b w's list with the arrows and Enter (or its
 * number again). draw_pick.c draws both from the state kept here. */
#include <stdio.h>

#include "tui.h"

/* How long C-b q's numbers stay, and wait for the next digit. */
#define PICK_NUMBERS_MS 2000

int
pick_digit(int *typed, int digit, int npanes)
{
	int n = *typed * 10 + digit;

	if (n == 0 || n > npanes) {
		*typed = 0;
		return -1;
	}
	*typed = n;
	/* Another digit could still name a pane (1 of 12 may become 12). */
	if (n * 10 <= npanes)
		return 0;
	*typed = 0;
	return n;
}

static void
pick(struct app *a, int number)
{
	a->pick_typed = 0;
	if (number >= 1 && number <= a->npanes)
		panes_focus(a, number - 1);
	a->full_redraw = 1;
	frame_schedule(a);
}

/* --- C-b q: the numbers --- */

static void
numbers_off(uv_timer_t *t)
{
	struct app *a = t->data;

	a->numbers_shown = 0;
	/* A number typed and left: the pane it names, as after Enter. */
	pick(a, a->pick_typed);
}

void
pick_numbers_show(struct app *a)
{
	a->numbers_shown = 1;
	a->pick_typed = 0;
	a->full_redraw = 1;
	uv_timer_start(&a->numbers_timer, numbers_off, PICK_NUMBERS_MS, 0);
}

int
pick_numbers_key(struct app *a, wint_t ch, int is_key)
{
	int r;

	if (!is_key && (ch == '\r' || ch == '\n') && a->pick_typed > 0) {
		a->numbers_shown = 0;
		uv_timer_stop(&a->numbers_timer);
		pick(a, a->pick_typed);
		return 1;
	}
	if (is_key || ch < '0' || ch > '9') {
		/* Anything else puts the numbers away and is itself. */
		a->numbers_shown = 0;
		a->pick_typed = 0;
		a->full_redraw = 1;
		uv_timer_stop(&a->numbers_timer);
		frame_schedule(a);
		return 0;
	}
	r = pick_digit(&a->pick_typed, (int)(ch - '0'), a->npanes);
	if (r == 0) { /* more may come: the numbers stay a while longer */
		uv_timer_start(&a->numbers_timer, numbers_off, PICK_NUMBERS_MS, 0);
		frame_schedule(a);
		return 1;
	}
	a->numbers_shown = 0;
	uv_timer_stop(&a->numbers_timer);
	if (r < 0)
		app_message(a, 1, "no pane %c…: there are %d", (char)ch, a->npanes);
	pick(a, r);
	return 1;
}

/* --- C-b w: the list --- */

void
pick_chooser_open(struct app *a)
{
	if (a->npanes == 0) {
		app_message(a, 0, "no panes to choose from");
		return;
	}
	a->choosing = 1;
	a->choose_row = a->focus;
	a->pick_typed = 0;
	a->full_redraw = 1;
}

static void
chooser_close(struct app *a)
{
	a->choosing = 0;
	a->pick_typed = 0;
	a->full_redraw = 1;
	frame_schedule(a);
}

void
pick_chooser_key(struct app *a, wint_t ch, int is_key)
{
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch, r;
	int page = a->rows / 2 > 1 ? a->rows / 2 : 1, row = a->choose_row;

	switch (key) {
	case 'q':
	case 27: chooser_close(a); return;
	case '\r':
	case '\n':
		chooser_close(a);
		pick(a, a->pick_typed > 0 ? a->pick_typed : a->choose_row + 1);
		return;
	case 127: case 8: case KEYMAP_FN | KEY_BACKSPACE: a->pick_typed /= 10; break;
	case 'k': case KEYMAP_FN | KEY_UP: row--; break;
	case 'j': case KEYMAP_FN | KEY_DOWN: row++; break;
	case KEYMAP_FN | KEY_PPAGE: row -= page; break;
	case KEYMAP_FN | KEY_NPAGE: row += page; break;
	case 'g': case KEYMAP_FN | KEY_HOME: row = 0; break;
	case 'G': case KEYMAP_FN | KEY_END: row = a->npanes - 1; break;
	default:
		if (key < '0' || key > '9')
			return;
		r = pick_digit(&a->pick_typed, key - '0', a->npanes);
		if (r > 0) {
			chooser_close(a);
			pick(a, r);
			return;
		}
		if (r < 0)
			app_message(a, 1, "no pane %c…: there are %d", (char)key, a->npanes);
		else
			a->choose_row = a->pick_typed - 1; /* on the pane named so far */
		frame_schedule(a);
		return;
	}
	if (row != a->choose_row)
		a->pick_typed = 0; /* moved by hand: what was typed is dropped */
	a->choose_row = row < 0 ? 0 : row >= a->npanes ? a->npanes - 1 : row;
	frame_schedule(a);
}
