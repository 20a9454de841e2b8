/* copy_keys.c: copy mode's keys (modekeys.h says which), turned into the
 * view's operations (term/copy.c); '/' and '?' take the search on the
 * status line through the line editor. */
#include <ncurses.h>

#include "fleetmux/keymap.h"
#include "fleetmux/modekeys.h"
#include "fleetmux/prompt.h"

/* The search being typed: Enter looks for it, Escape drops it. */
static void
search_key(struct pane *p, wint_t ch, int is_key)
{
	struct copy_mode *m = &p->copy;
	int r = line_edit(m->search, sizeof m->search, ch, is_key);

	if (r == LINE_DONE) {
		m->dir = m->prompt;
		m->prompt = 0;
		copy_search(p, m->dir);
	} else if (r == LINE_CANCEL) {
		m->prompt = 0;
	}
}

static void
search_prompt(struct pane *p, int dir)
{
	p->copy.prompt = dir;
	p->copy.search[0] = '\0';
	p->copy.highlight = 0;
}

/* Enter and y: the selection, if any, copied; copy mode ends either way. */
static int
copy_and_leave(struct pane *p, char **copied)
{
	if (p->copy.selecting)
		*copied = copy_selection(p);
	copy_leave(p);
	return *copied != NULL;
}

int
copy_key(struct pane *p, wint_t ch, int is_key, char **copied)
{
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch;
	int half = p->rows / 2 > 0 ? p->rows / 2 : 1;

	*copied = NULL;
	if (p->copy.prompt) {
		search_key(p, ch, is_key);
		return 0;
	}
	switch (key) {
	case 'q':
	case 27: copy_leave(p); break;
	case 'k': case KEYMAP_FN | KEY_UP: copy_move(p, -1, 0); break;
	case 'j': case KEYMAP_FN | KEY_DOWN: copy_move(p, 1, 0); break;
	case 'h': case KEYMAP_FN | KEY_LEFT: copy_move(p, 0, -1); break;
	case 'l': case KEYMAP_FN | KEY_RIGHT: copy_move(p, 0, 1); break;
	case 'w': copy_motion(p, COPY_WORD_NEXT); break;
	case 'b': copy_motion(p, COPY_WORD_PREV); break;
	case 'e': copy_motion(p, COPY_WORD_END); break;
	case '0': case KEYMAP_FN | KEY_HOME: copy_motion(p, COPY_LINE_START); break;
	case '^': copy_motion(p, COPY_LINE_FIRST); break;
	case '$': case KEYMAP_FN | KEY_END: copy_motion(p, COPY_LINE_END); break;
	case KEYMAP_CTRL('u'): copy_page(p, -half); break;
	case KEYMAP_CTRL('d'): copy_page(p, half); break;
	case KEYMAP_FN | KEY_PPAGE: copy_page(p, -p->rows); break;
	case KEYMAP_FN | KEY_NPAGE: copy_page(p, p->rows); break;
	case 'g': copy_to_top(p); break;
	case 'G': copy_to_bottom(p); break;
	case '/': search_prompt(p, -1); break; /* down (newer), as tmux's vi keys */
	case '?': search_prompt(p, 1); break;  /* up (older) */
	case 'n': copy_search(p, p->copy.dir); break;
	case 'N': copy_search(p, -p->copy.dir); break;
	case ' ': copy_select(p); break;
	case 'v': copy_select_toggle(p, COPYTEXT_SEL_CHAR); break;
	case 'V': copy_select_toggle(p, COPYTEXT_SEL_LINE); break;
	case 'r': case KEYMAP_CTRL('v'): copy_select_toggle(p, COPYTEXT_SEL_RECT); break;
	case 'y':
	case '\r':
	case '\n': return copy_and_leave(p, copied);
	default: break;
	}
	return 0;
}
