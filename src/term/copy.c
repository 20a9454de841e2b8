/* copy.c: copy mode: a view over history and screen with a cursor, that
 * moves, searches and selects. Which key does what is the UI's
 * (src/ui/copy_keys.c); here every operation keeps the view in bounds.
 * Columns are display columns: the text is read through copytext.c, a
 * screen row as history would keep it. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/pane.h"

long
pane_total_lines(const struct pane *p)
{
	return (long)p->sb.count + p->rows;
}

/* A wide glyph whose right half was overwritten is drawn (and kept in
 * history) as a space: pane.c's half_of_wide. */
static int
half_of_wide(const VTermScreenCell *c)
{
	return c->width == 1 && c->chars[0] >= 0x1100 && wcwidth((wchar_t)c->chars[0]) == 2;
}

/* Screen row `row` as history would keep it and as it is drawn: one
 * character a cell (the right half of a wide one skipped), trailing blanks
 * dropped. */
static void
row_text(struct pane *p, int row, struct buf *out)
{
	VTermPos pos = {.row = row};

	buf_reset(out);
	for (pos.col = 0; pos.col < p->cols;) {
		VTermScreenCell cell;
		int width;

		memset(&cell, 0, sizeof cell);
		vterm_screen_get_cell(p->vs, pos, &cell);
		if (cell.chars[0] == (uint32_t)-1) {
			pos.col++;
			continue;
		}
		width = cell.width > 0 ? cell.width : 1;
		if (cell.chars[0] < 0x20 || cell.chars[0] == 0x7f || half_of_wide(&cell) ||
		    pos.col + width > p->cols) {
			buf_putc(out, ' ');
			width = 1;
		} else {
			for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell.chars[k]; k++) {
				char mb[8];
				mbstate_t st;
				size_t n;

				memset(&st, 0, sizeof st);
				n = wcrtomb(mb, (wchar_t)cell.chars[k], &st);
				buf_append(out, n == (size_t)-1 ? "?" : mb, n == (size_t)-1 ? 1 : n);
			}
		}
		pos.col += width;
	}
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data != NULL)
		out->data[out->len] = '\0';
}

/* Did autowrap cut screen row r? As the reflow reads it: the row's flag
 * (the primary screen's only). */
static int
row_cut(const struct pane *p, int r)
{
	return !p->altscreen && p->wrapped[r];
}

void
pane_line_text(struct pane *p, long i, struct buf *out)
{
	pane_flush(p);
	buf_reset(out);
	if (i < 0)
		return;
	if (i < (long)p->sb.count) {
		buf_puts(out, scrollback_get(&p->sb, (size_t)i)->text);
		return;
	}
	i -= (long)p->sb.count;
	if (i < p->rows)
		row_text(p, (int)i, out);
}

/* --- the pane's lines as copytext.c reads them --- */

struct pane_src {
	struct copytext_src src;
	struct pane *p;
	struct buf row;
};

static const char *
src_line(void *arg, long i, int *wrap)
{
	struct pane_src *ps = arg;
	struct pane *p = ps->p;

	*wrap = 0;
	if (i >= 0 && i < (long)p->sb.count) {
		const struct sb_line *l = scrollback_get(&p->sb, (size_t)i);

		*wrap = l->wrap_cols;
		return l->text;
	}
	i -= (long)p->sb.count;
	if (i < 0 || i >= p->rows)
		return "";
	row_text(p, (int)i, &ps->row);
	if (row_cut(p, (int)i))
		*wrap = p->cols;
	return ps->row.data != NULL ? ps->row.data : "";
}

static void
src_open(struct pane_src *ps, struct pane *p)
{
	pane_flush(p);
	ps->p = p;
	buf_init(&ps->row);
	ps->src = (struct copytext_src){.nlines = pane_total_lines(p), .line = src_line, .arg = ps};
}

static void
src_close(struct pane_src *ps)
{
	buf_free(&ps->row);
}

void
copy_line(struct pane *p, long i, struct copytext_line *out, struct buf *scratch)
{
	struct pane_src ps;
	int wrap;
	const char *text;

	src_open(&ps, p);
	text = src_line(&ps, i, &wrap);
	buf_reset(scratch);
	buf_puts(scratch, text);
	src_close(&ps);
	copytext_line_set(out, scratch->data != NULL ? scratch->data : "", wrap);
}

/* --- the view --- */

static long
max_top(const struct pane *p)
{
	return (long)p->sb.count; /* the screen itself at the bottom */
}

static void
clamp(struct pane *p)
{
	struct copy_mode *m = &p->copy;

	if (m->cy < 0) {
		m->top += m->cy;
		m->cy = 0;
	}
	if (m->cy >= p->rows) {
		m->top += m->cy - p->rows + 1;
		m->cy = p->rows - 1;
	}
	if (m->top < 0)
		m->top = 0;
	if (m->top > max_top(p))
		m->top = max_top(p);
	if (m->cx < 0)
		m->cx = 0;
	if (m->cx >= p->cols)
		m->cx = p->cols - 1;
	memset(p->dirty, 1, (size_t)p->rows);
	p->any_dirty = 1;
}

/* The cursor to a line and column, the view moving as little as it can. */
static void
go_to(struct pane *p, struct copytext_pos pos)
{
	struct copy_mode *m = &p->copy;

	if (pos.line < m->top)
		m->top = pos.line;
	else if (pos.line >= m->top + p->rows)
		m->top = pos.line - p->rows + 1;
	m->cy = (int)(pos.line - m->top);
	m->cx = pos.col;
	clamp(p);
}

static struct copytext_pos
cursor(const struct pane *p)
{
	return (struct copytext_pos){p->copy.top + p->copy.cy, p->copy.cx};
}

void
copy_enter(struct pane *p)
{
	struct copy_mode *m = &p->copy;

	if (m->active)
		return;
	pane_flush(p); /* the view starts from everything that arrived */
	memset(m, 0, sizeof *m);
	m->active = 1;
	m->top = (long)p->sb.count;
	m->cy = p->cursor.row;
	m->cx = p->cursor.col;
	m->dir = 1;
	clamp(p);
}

void
copy_leave(struct pane *p)
{
	p->copy.active = 0;
	memset(p->dirty, 1, (size_t)p->rows);
	p->any_dirty = 1;
}

void
copy_scroll(struct pane *p, int n)
{
	if (!p->copy.active)
		copy_enter(p);
	p->copy.top += n;
	clamp(p);
	/* Scrolled back down to the live screen: leave, as tmux does. */
	if (n > 0 && p->copy.top >= max_top(p) && !p->copy.selecting)
		copy_leave(p);
}

void
copy_page(struct pane *p, long n)
{
	p->copy.top += n;
	clamp(p);
}

void
copy_move(struct pane *p, int rows, int cols)
{
	struct copy_mode *m = &p->copy;

	m->cy += rows;
	clamp(p);
	if (cols != 0) {
		/* A character at a time: a wide one is one step. */
		struct copytext_line l;
		struct buf scratch;

		buf_init(&scratch);
		copytext_line_init(&l);
		copy_line(p, m->top + m->cy, &l, &scratch);
		for (; cols > 0; cols--)
			m->cx = copytext_right(&l, m->cx);
		for (; cols < 0; cols++)
			m->cx = copytext_left(&l, m->cx);
		/* Not past the last column, nor onto a wide glyph's right half. */
		if (m->cx >= p->cols)
			m->cx = copytext_left(&l, p->cols);
		copytext_line_free(&l);
		buf_free(&scratch);
	}
	clamp(p);
}

static void (*const motions[])(const struct copytext_src *, struct copytext_pos *) = {
    [COPY_WORD_NEXT] = copytext_word_next,   [COPY_WORD_END] = copytext_word_end,
    [COPY_WORD_PREV] = copytext_word_prev,   [COPY_LINE_START] = copytext_line_start,
    [COPY_LINE_FIRST] = copytext_line_first, [COPY_LINE_END] = copytext_line_end,
};

void
copy_motion(struct pane *p, enum copy_motion what)
{
	struct pane_src ps;
	struct copytext_pos pos = cursor(p);

	src_open(&ps, p);
	motions[what](&ps.src, &pos);
	src_close(&ps);
	go_to(p, pos);
}

void
copy_to_top(struct pane *p)
{
	p->copy.top = 0;
	p->copy.cy = 0;
	clamp(p);
}

void
copy_to_bottom(struct pane *p)
{
	p->copy.top = max_top(p);
	p->copy.cy = p->rows - 1;
	clamp(p);
}

void
copy_select(struct pane *p)
{
	struct copy_mode *m = &p->copy;

	m->selecting = COPYTEXT_SEL_CHAR;
	m->sel_line = m->top + m->cy;
	m->sel_col = m->cx;
	clamp(p);
}

void
copy_select_toggle(struct pane *p, enum copytext_sel mode)
{
	struct copy_mode *m = &p->copy;

	if (!m->selecting)
		copy_select(p); /* from the cursor */
	else if (m->selecting == (int)mode)
		mode = 0; /* the same key again ends it, as in vi */
	m->selecting = (int)mode;
	clamp(p);
}

/* From the cursor: the next match before it (dir 1, older) or after it,
 * going round past either end as tmux does (searching down from the
 * bottom finds the first match from the top). */
int
copy_search(struct pane *p, int dir)
{
	struct copy_mode *m = &p->copy;
	struct pane_src ps;
	struct copytext_line l;
	long start = m->top + m->cy;
	int found = 0;

	if (m->search[0] == '\0')
		return 0;
	m->highlight = 1;
	src_open(&ps, p);
	copytext_line_init(&l);
	/* every line once, the cursor's twice: after it, then (round) before */
	for (long k = 0; k <= ps.src.nlines && ps.src.nlines > 0; k++) {
		long i = ((start - dir * k) % ps.src.nlines + ps.src.nlines) % ps.src.nlines;
		int wrap, col, end, from;
		const char *text = src_line(&ps, i, &wrap);

		copytext_line_set(&l, text, wrap);
		if (k == 0)
			from = m->cx;
		else
			from = dir > 0 ? l.width + 1 : -1;
		if (copytext_find(&l, m->search, from, dir > 0 ? -1 : 1, &col, &end)) {
			/* In view it stays; else on the third row, easy to see. */
			if (i < m->top || i >= m->top + p->rows)
				m->top = i - (p->rows > 3 ? 2 : 0);
			m->cy = (int)(i - m->top);
			m->cx = col;
			clamp(p);
			m->cy = (int)(i - m->top);
			found = 1;
			break;
		}
	}
	copytext_line_free(&l);
	src_close(&ps);
	return found;
}

char *
copy_selection(struct pane *p)
{
	struct copy_mode *m = &p->copy;
	struct pane_src ps;
	struct copytext_pos a = {m->sel_line, m->sel_col};
	char *text;

	src_open(&ps, p);
	text = copytext_selection(&ps.src, m->selecting ? (enum copytext_sel)m->selecting
						       : COPYTEXT_SEL_CHAR,
				  a, cursor(p));
	src_close(&ps);
	return text;
}
