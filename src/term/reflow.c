/* reflow.c: lines rewrapped at a new width (see reflow.h). A logical line
 * (the rows autowrap made of it) is read into cells, each one character
 * with its combining marks, its width and its style, then cut into rows of
 * the new width the way autowrap cuts: a wide character that does not fit
 * at the end of a row starts the next. */
#include "fleetmux/reflow.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fleetmux/util.h"

struct cell {
	const char *s;      /* its bytes, in the line it came from */
	unsigned char len;  /* how many */
	unsigned char width;
	int32_t fg, bg;
	uint32_t attrs;
};

struct cells {
	struct cell *v;
	size_t n, cap;
};

struct lines {
	struct sb_line *v;
	size_t n, cap;
};

static struct cell *
cell_add(struct cells *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	return &c->v[c->n++];
}

static void
line_add(struct lines *o, struct sb_line l)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->v = xrealloc(o->v, o->cap * sizeof *o->v);
	}
	o->v[o->n++] = l;
}

static void
style_at(const struct sb_line *l, int col, struct cell *c)
{
	c->fg = c->bg = -1;
	c->attrs = 0;
	for (uint16_t r = 0; r < l->nruns; r++)
		if (col >= l->runs[r].col && col < l->runs[r].col + l->runs[r].len) {
			c->fg = l->runs[r].fg;
			c->bg = l->runs[r].bg;
			c->attrs = l->runs[r].attrs;
			return;
		}
}

/* The cells of one row; a row that autowrap cut is padded with blanks to
 * pad_to, the width it was cut at (history drops trailing blanks). Returns
 * its width in columns. */
static int
row_cells(const struct sb_line *l, int pad_to, struct cells *out)
{
	const char *s = l->text;
	mbstate_t st;
	int col = 0;

	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int w;
		struct cell *c;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
			w = 1;
		} else {
			w = wcwidth(wc);
		}
		if (w == 0 && out->n > 0 && out->v[out->n - 1].s + out->v[out->n - 1].len == s &&
		    out->v[out->n - 1].len + k < 255) {
			out->v[out->n - 1].len += (unsigned char)k; /* a combining mark */
			s += k;
			continue;
		}
		if (w < 1)
			w = 1;
		c = cell_add(out);
		c->s = s;
		c->len = (unsigned char)k;
		c->width = (unsigned char)(w > 2 ? 2 : w);
		style_at(l, col, c);
		col += c->width;
		s += k;
	}
	for (; col < pad_to; col++) {
		struct cell *c = cell_add(out);

		c->s = " ";
		c->len = 1;
		c->width = 1;
		style_at(l, col, c);
	}
	return col;
}

/* What a cut row is padded to: the width it was cut at, but a column less
 * when it is one short and the next row starts with a wide character,
 * which autowrap moved on for want of room (the gap is not a character). */
static int
pad_width(const struct sb_line *l, const struct sb_line *next)
{
	mbstate_t st;
	wchar_t wc;
	size_t k;
	int w = 0;

	memset(&st, 0, sizeof st);
	k = mbrtowc(&wc, next->text, MB_CUR_MAX, &st);
	if (k == 0 || k == (size_t)-1 || k == (size_t)-2 || wcwidth(wc) != 2)
		return l->wrap_cols;
	memset(&st, 0, sizeof st);
	for (const char *s = l->text; *s;) {
		k = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		if (k == 0 || k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof st);
			k = 1;
			w++;
		} else {
			w += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
		}
		s += k;
	}
	return w == l->wrap_cols - 1 ? w : l->wrap_cols;
}

/* A blank: a space with no attribute (a background colour may show). */
static int
cell_blank(const struct cell *c)
{
	return c->len == 1 && c->s[0] == ' ' && c->attrs == 0;
}

static int
cell_plain_blank(const struct cell *c)
{
	return c->len == 1 && c->s[0] == ' ' && c->fg == -1 && c->bg == -1 && c->attrs == 0;
}

/* One row of cells: text and runs, trailing plain blanks dropped. */
static struct sb_line
row_make(const struct cell *c, size_t n, int wrap_cols)
{
	struct sb_line l;
	size_t bytes = 0;
	char *t;
	int col = 0;

	memset(&l, 0, sizeof l);
	while (n > 0 && cell_plain_blank(&c[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++)
		bytes += c[i].len;
	l.text = t = xmalloc(bytes + 1);
	for (size_t i = 0; i < n; i++) {
		memcpy(t, c[i].s, c[i].len);
		t += c[i].len;
		if (c[i].fg != -1 || c[i].bg != -1 || c[i].attrs != 0) {
			struct sb_run *last = l.nruns ? &l.runs[l.nruns - 1] : NULL;

			if (last != NULL && last->fg == c[i].fg && last->bg == c[i].bg &&
			    last->attrs == c[i].attrs && last->col + last->len == col) {
				last->len += c[i].width;
			} else {
				l.runs = xrealloc(l.runs, (l.nruns + 1u) * sizeof *l.runs);
				l.runs[l.nruns++] = (struct sb_run){(uint16_t)col, c[i].width, c[i].fg,
								    c[i].bg, c[i].attrs};
			}
		}
		col += c[i].width;
	}
	*t = '\0';
	l.wrap_cols = (uint16_t)wrap_cols;
	return l;
}

static void
line_free(struct sb_line *l)
{
	free(l->text);
	free(l->runs);
}

struct sb_line *
reflow_lines(struct sb_line *in, size_t n, int cols, struct reflow_pos *cursor, size_t *nout)
{
	struct lines out = {0};
	struct cells cells = {0};
	struct reflow_pos cur = *cursor;

	if (cols < 1)
		cols = 1;
	for (size_t i = 0; i < n;) {
		size_t j = i, k, start, end;
		long want = -1;   /* the cursor's column in this logical line */
		int col, width = 0;

		while (j + 1 < n && in[j].wrap_cols > 0)
			j++;
		/* A line alone that fits keeps its text and runs as they are. */
		if (j == i && in[i].wrap_cols == 0 && strlen(in[i].text) <= (size_t)cols) {
			if (cur.line == i) {
				cursor->line = out.n;
				cursor->col = cur.col < cols ? cur.col : cols - 1;
			}
			line_add(&out, in[i]);
			i++;
			continue;
		}
		cells.n = 0;
		for (k = i; k <= j; k++) {
			if (cur.line == k)
				want = width + cur.col;
			width += row_cells(&in[k], k < j ? pad_width(&in[k], &in[k + 1]) : 0, &cells);
		}
		/* Blanks at the end of the line (an erase in a background colour
		 * leaves them) fill its last row but make no new one, as in tmux. */
		for (end = cells.n; end > 0 && cell_blank(&cells.v[end - 1]); end--)
			;
		/* Cut again, following the cursor to its new row and column. */
		col = 0;
		start = 0;
		width = 0;
		for (k = 0; k < cells.n; k++) {
			if (col + cells.v[k].width > cols && col > 0) {
				if (k >= end) {
					cells.n = k;
					break;
				}
				line_add(&out, row_make(cells.v + start, k - start, cols));
				start = k;
				col = 0;
			}
			if (want >= width && want < width + cells.v[k].width) {
				cursor->line = out.n;
				cursor->col = col;
				want = -2; /* placed */
			}
			col += cells.v[k].width;
			width += cells.v[k].width;
		}
		if (want >= 0) { /* past the text: as far past its end */
			long c = col + (want - width);

			cursor->line = out.n;
			cursor->col = c < cols ? (int)c : cols - 1;
		}
		line_add(&out, row_make(cells.v + start, cells.n - start, 0));
		for (k = i; k <= j; k++)
			line_free(&in[k]);
		i = j + 1;
	}
	free(cells.v);
	free(in);
	*nout = out.n;
	return out.v;
}
