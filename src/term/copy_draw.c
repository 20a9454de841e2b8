/* copy_draw.c: copy mode's view, drawn: history and screen from copy.top,
 * the search's matches in view highlighted as tmux does (black on cyan,
 * the one under the cursor black on magenta), and the selection reversed
 * over them. Columns are widened to whole characters (copytext.c). */
#include <string.h>

#include "fleetmux/pane.h"

/* The columns of line i (decoded in l) that the selection covers; 0 when
 * none. */
static int
selected(const struct pane *p, long i, const struct copytext_line *l, int *from, int *to)
{
	const struct copy_mode *m = &p->copy;
	long cur = m->top + m->cy;
	long al = m->sel_line, bl = cur;
	int ac = m->sel_col, bc = m->cx;

	if (bl < al || (bl == al && bc < ac)) {
		al = cur, ac = m->cx;
		bl = m->sel_line, bc = m->sel_col;
	}
	if (i < al || i > bl)
		return 0;
	*from = 0;
	*to = p->cols - 1;
	switch (m->selecting) {
	case COPYTEXT_SEL_LINE: return 1;
	case COPYTEXT_SEL_RECT:
		*from = m->sel_col < m->cx ? m->sel_col : m->cx;
		*to = m->sel_col < m->cx ? m->cx : m->sel_col;
		break;
	default:
		if (i == al)
			*from = ac;
		if (i == bl)
			*to = bc;
		break;
	}
	copytext_widen(l, from, to);
	return 1;
}

static void
paint(struct pane *p, WINDOW *win, int y, int from, int to, attr_t at, int pair)
{
	if (from < 0)
		from = 0;
	if (to >= p->cols)
		to = p->cols - 1;
	if (to >= from)
		mvwchgat(win, p->top + y, p->left + from, to - from + 1, at, 0, &pair);
}

static void
draw_matches(struct pane *p, WINDOW *win, int y, long i, const struct copytext_line *l)
{
	const struct copy_mode *m = &p->copy;
	int colour = has_colors() && COLORS >= 8;
	int match = colour ? alloc_pair(COLOR_BLACK, COLOR_CYAN) : 0;
	int current = colour ? alloc_pair(COLOR_BLACK, COLOR_MAGENTA) : 0;
	int col, end;

	if (match < 0 || current < 0)
		match = current = colour = 0;
	for (int from = -1; copytext_find(l, m->search, from, 1, &col, &end); from = end) {
		int here = i == m->top + m->cy && col == m->cx;

		if (colour)
			paint(p, win, y, col, end, A_NORMAL, here ? current : match);
		else
			paint(p, win, y, col, end, here ? A_REVERSE | A_BOLD : A_UNDERLINE, 0);
	}
}

void
copy_draw(struct pane *p, WINDOW *win)
{
	struct copy_mode *m = &p->copy;
	int matches = m->highlight && m->search[0] != '\0' && !m->prompt;
	struct copytext_line l;
	struct buf scratch;

	buf_init(&scratch);
	copytext_line_init(&l);
	for (int y = 0; y < p->rows; y++) {
		long i = m->top + y;
		int from, to;

		pane_draw_line(p, win, i, y);
		if (!matches && !m->selecting)
			continue;
		copy_line(p, i, &l, &scratch);
		if (matches)
			draw_matches(p, win, y, i, &l);
		if (m->selecting && selected(p, i, &l, &from, &to))
			paint(p, win, y, from, to, A_REVERSE, 0);
	}
	copytext_line_free(&l);
	buf_free(&scratch);
}
