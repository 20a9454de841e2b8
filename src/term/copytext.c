/* copytext.c: copy mode's text by display columns (copytext.h). A line is
 * cut into cells exactly as a history line is drawn (pane.c's
 * draw_sb_line), so that a column here is the column on the screen. */
#include "fleetmux/copytext.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>
#include <wchar.h>
#include <wctype.h>

#include "fleetmux/util.h"

void
copytext_line_init(struct copytext_line *l)
{
	memset(l, 0, sizeof *l);
	l->text = "";
}

void
copytext_line_free(struct copytext_line *l)
{
	free(l->cells);
	copytext_line_init(l);
}

static enum copytext_class
class_of(wchar_t wc)
{
	if (wc == L' ' || wc == L'\t' || iswspace((wint_t)wc))
		return COPYTEXT_BLANK;
	if (wc == L'_' || iswalnum((wint_t)wc) || (wc >= 0x80 && !iswpunct((wint_t)wc)))
		return COPYTEXT_WORD;
	return COPYTEXT_PUNCT;
}

/* One character at s: its length (an invalid byte is one '?'). */
static size_t
decode(const char *s, mbstate_t *st, wchar_t *wc)
{
	size_t k = mbrtowc(wc, s, MB_CUR_MAX, st);

	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*wc = L'?';
		memset(st, 0, sizeof *st);
		return 1;
	}
	return k;
}

void
copytext_line_set(struct copytext_line *l, const char *text, int wrap)
{
	const char *s = text != NULL ? text : "";
	mbstate_t st;
	int col = 0;

	l->text = s;
	l->n = 0;
	l->wrap = wrap;
	memset(&st, 0, sizeof st);
	while (*s) {
		struct copytext_cell *c;
		wchar_t wc;
		size_t k = decode(s, &st, &wc);
		int chars = 1;

		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->cells = xrealloc(l->cells, (size_t)l->cap * sizeof *l->cells);
		}
		c = &l->cells[l->n++];
		c->col = col;
		c->off = (size_t)(s - l->text);
		c->width = wcwidth(wc) == 2 ? 2 : 1;
		c->cls = wc < 0x20 ? COPYTEXT_PUNCT : class_of(wc);
		s += k;
		/* Combining marks join the cell, as many as a cell holds. */
		while (*s && chars < VTERM_MAX_CHARS_PER_CELL) {
			mbstate_t save = st;
			wchar_t m;
			size_t km = decode(s, &st, &m);

			if (wcwidth(m) != 0) {
				st = save;
				break;
			}
			s += km;
			chars++;
		}
		c->len = (size_t)(s - l->text) - c->off;
		col += c->width;
	}
	l->width = col;
}

int
copytext_cell_at(const struct copytext_line *l, int col)
{
	int lo = 0, hi = l->n - 1;

	if (col < 0 || col >= l->width)
		return -1;
	while (lo < hi) { /* the last cell starting at or before col */
		int mid = (lo + hi + 1) / 2;

		if (l->cells[mid].col <= col)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int
copytext_col_of(const struct copytext_line *l, size_t off)
{
	for (int i = 0; i < l->n; i++)
		if (off < l->cells[i].off + l->cells[i].len)
			return l->cells[i].col;
	return l->width;
}

int
copytext_slice(const struct copytext_line *l, int from, int to, size_t *b0, size_t *b1)
{
	int a, b;

	if (from < 0)
		from = 0;
	if (to >= l->width)
		to = l->width - 1;
	if (from > to || l->n == 0)
		return 0;
	a = copytext_cell_at(l, from);
	b = copytext_cell_at(l, to);
	*b0 = l->cells[a].off;
	*b1 = l->cells[b].off + l->cells[b].len;
	return 1;
}

void
copytext_widen(const struct copytext_line *l, int *from, int *to)
{
	int a = copytext_cell_at(l, *from), b = copytext_cell_at(l, *to);

	if (a >= 0)
		*from = l->cells[a].col;
	if (b >= 0)
		*to = l->cells[b].col + l->cells[b].width - 1;
}

int
copytext_left(const struct copytext_line *l, int col)
{
	int c = copytext_cell_at(l, col - 1);

	if (col <= 0)
		return 0;
	return c >= 0 ? l->cells[c].col : col - 1;
}

int
copytext_right(const struct copytext_line *l, int col)
{
	int c = copytext_cell_at(l, col);

	return c >= 0 ? l->cells[c].col + l->cells[c].width : col + 1;
}

int
copytext_find(const struct copytext_line *l, const char *needle, int from, int dir, int *col,
	      int *end)
{
	size_t nlen = needle != NULL ? strlen(needle) : 0;
	const char *at;
	int found = 0;

	if (nlen == 0)
		return 0;
	for (at = strstr(l->text, needle); at != NULL; at = strstr(at + 1, needle)) {
		int c = copytext_col_of(l, (size_t)(at - l->text));
		int e = copytext_col_of(l, (size_t)(at - l->text) + nlen - 1);
		int k = copytext_cell_at(l, e);

		if (k >= 0)
			e = l->cells[k].col + l->cells[k].width - 1;
		if (dir > 0 && c > from) {
			*col = c;
			*end = e;
			return 1;
		}
		if (dir < 0) {
			if (c >= from)
				break;
			*col = c;
			*end = e;
			found = 1;
		}
	}
	return found;
}

/* --- positions over a source's lines, for the motions --- */

/* A place in the text: a cell of a line, or the end of the line (idx ==
 * n), a blank that parts words. A line autowrap cut with no room left
 * before the margin has no end: its last cell runs on into the next line. */
struct walk {
	const struct copytext_src *s;
	long line;
	int idx;
	struct copytext_line l;
};

static void
walk_load(struct walk *w, long line)
{
	int wrap = 0;
	const char *text = w->s->line(w->s->arg, line, &wrap);

	w->line = line;
	copytext_line_set(&w->l, text, wrap);
}

static int
has_end(const struct copytext_line *l)
{
	return !(l->wrap > 0 && l->width >= l->wrap && l->n > 0);
}

static void
walk_start(struct walk *w, const struct copytext_src *s, const struct copytext_pos *p)
{
	int c;

	w->s = s;
	copytext_line_init(&w->l);
	walk_load(w, p->line);
	c = copytext_cell_at(&w->l, p->col);
	w->idx = c >= 0 ? c : w->l.n;
	if (!has_end(&w->l) && w->idx == w->l.n)
		w->idx = w->l.n - 1;
}

static void
walk_to(struct walk *w, long line, int idx)
{
	if (line != w->line)
		walk_load(w, line);
	w->idx = idx;
}

static void
walk_done(struct walk *w, struct copytext_pos *p)
{
	p->line = w->line;
	p->col = w->idx < w->l.n ? w->l.cells[w->idx].col : w->l.width;
	copytext_line_free(&w->l);
}

static enum copytext_class
walk_class(const struct walk *w)
{
	return w->idx < w->l.n ? w->l.cells[w->idx].cls : COPYTEXT_BLANK;
}

static int
walk_next(struct walk *w)
{
	if (w->idx + 1 < w->l.n || (w->idx + 1 == w->l.n && has_end(&w->l))) {
		w->idx++;
		return 1;
	}
	if (w->line + 1 >= w->s->nlines)
		return 0;
	walk_load(w, w->line + 1);
	w->idx = 0;
	return 1;
}

static int
walk_prev(struct walk *w)
{
	if (w->idx > 0) {
		w->idx--;
		return 1;
	}
	if (w->line == 0)
		return 0;
	walk_load(w, w->line - 1);
	w->idx = has_end(&w->l) ? w->l.n : w->l.n - 1;
	return 1;
}

void
copytext_word_next(const struct copytext_src *s, struct copytext_pos *p)
{
	struct walk w;
	enum copytext_class c;
	int more = 1;

	walk_start(&w, s, p);
	c = walk_class(&w);
	if (c != COPYTEXT_BLANK)
		while ((more = walk_next(&w)) && walk_class(&w) == c)
			;
	while (more && walk_class(&w) == COPYTEXT_BLANK && (more = walk_next(&w)))
		;
	walk_done(&w, p);
}

/* Past the run of class c the walk is on, to its last cell. */
static void
run_to_edge(struct walk *w, enum copytext_class c, int (*step)(struct walk *))
{
	for (;;) {
		long line = w->line;
		int idx = w->idx;

		if (!step(w))
			return;
		if (walk_class(w) != c) {
			walk_to(w, line, idx);
			return;
		}
	}
}

void
copytext_word_end(const struct copytext_src *s, struct copytext_pos *p)
{
	struct walk w;
	int more;

	walk_start(&w, s, p);
	more = walk_next(&w);
	while (more && walk_class(&w) == COPYTEXT_BLANK)
		more = walk_next(&w);
	if (walk_class(&w) != COPYTEXT_BLANK)
		run_to_edge(&w, walk_class(&w), walk_next);
	walk_done(&w, p);
}

void
copytext_word_prev(const struct copytext_src *s, struct copytext_pos *p)
{
	struct walk w;
	int more;

	walk_start(&w, s, p);
	more = walk_prev(&w);
	while (more && walk_class(&w) == COPYTEXT_BLANK)
		more = walk_prev(&w);
	if (walk_class(&w) != COPYTEXT_BLANK)
		run_to_edge(&w, walk_class(&w), walk_prev);
	walk_done(&w, p);
}

static int
line_wrapped(const struct copytext_src *s, long i)
{
	int wrap = 0;

	s->line(s->arg, i, &wrap);
	return wrap > 0;
}

void
copytext_line_start(const struct copytext_src *s, struct copytext_pos *p)
{
	while (p->line > 0 && line_wrapped(s, p->line - 1))
		p->line--;
	p->col = 0;
}

void
copytext_line_first(const struct copytext_src *s, struct copytext_pos *p)
{
	struct walk w;

	copytext_line_start(s, p);
	walk_start(&w, s, p);
	/* Blanks up to the first character, not past the line's end. */
	while (walk_class(&w) == COPYTEXT_BLANK && !(w.idx == w.l.n && w.l.wrap == 0))
		if (!walk_next(&w))
			break;
	if (walk_class(&w) == COPYTEXT_BLANK)
		walk_to(&w, p->line, 0);
	walk_done(&w, p);
}

void
copytext_line_end(const struct copytext_src *s, struct copytext_pos *p)
{
	struct copytext_line l;
	int wrap = 0;
	const char *text;

	while (p->line + 1 < s->nlines && line_wrapped(s, p->line))
		p->line++;
	text = s->line(s->arg, p->line, &wrap);
	copytext_line_init(&l);
	copytext_line_set(&l, text, wrap);
	p->col = l.n > 0 ? l.cells[l.n - 1].col : 0;
	copytext_line_free(&l);
}

char *
copytext_selection(const struct copytext_src *s, enum copytext_sel mode, struct copytext_pos a,
		   struct copytext_pos b)
{
	struct copytext_line l;
	struct buf out;
	int c0 = a.col < b.col ? a.col : b.col, c1 = a.col < b.col ? b.col : a.col;

	if (b.line < a.line || (b.line == a.line && b.col < a.col)) {
		struct copytext_pos t = a;

		a = b;
		b = t;
	}
	buf_init(&out);
	copytext_line_init(&l);
	for (long i = a.line; i <= b.line && i < s->nlines; i++) {
		int wrap = 0, from = 0, to = INT_MAX;
		const char *text = s->line(s->arg, i, &wrap);
		size_t b0, b1;

		copytext_line_set(&l, text, wrap);
		if (mode == COPYTEXT_SEL_RECT) {
			from = c0;
			to = c1;
		} else if (mode == COPYTEXT_SEL_CHAR) {
			from = i == a.line ? a.col : 0;
			to = i == b.line ? b.col : INT_MAX;
		}
		if (copytext_slice(&l, from, to, &b0, &b1))
			buf_append(&out, l.text + b0, b1 - b0);
		if (i == b.line)
			break;
		if (mode != COPYTEXT_SEL_RECT && l.wrap > 0) {
			/* Cut by autowrap: the blanks it dropped before the margin, and
			 * no newline. */
			for (int k = from > l.width ? from : l.width; k < l.wrap; k++)
				buf_putc(&out, ' ');
		} else {
			buf_putc(&out, '\n');
		}
	}
	copytext_line_free(&l);
	return buf_steal(&out);
}
