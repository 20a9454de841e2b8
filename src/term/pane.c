/* pane.c: a libvterm screen fed by a session and drawn into ncurses from
 * damage (the recipe in LIBVTERM.md). */
#include "fleetmux/pane.h"
#include "fleetmux/reflow.h"
#include "fleetmux/sgr_pen.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESIZE_SETTLE_MS 50

/* libvterm 0.1.4 writes past its line for a wide glyph on a screen one
 * column wide (found by fuzz_pane): its screen is never narrower than two
 * columns; a one-column pane shows the first. */
static int
vterm_cols(int cols)
{
	return cols < 2 ? 2 : cols;
}

static void
mark_rows(struct pane *p, int start, int end)
{
	if (start < 0)
		start = 0;
	if (end > p->rows)
		end = p->rows;
	for (int r = start; r < end; r++)
		p->dirty[r] = 1;
	if (end > start && !p->any_dirty) {
		p->any_dirty = 1;
		if (p->on_dirty)
			p->on_dirty(p->arg, p);
	}
}

static int
cb_damage(VTermRect rect, void *user)
{
	mark_rows(user, rect.start_row, rect.end_row);
	return 1;
}

/* Wrap flags follow their rows. A scroll up from the top row is followed
 * as it happens, in cb_sb_pushline; libvterm reports the move itself later
 * (merged with others), so only other moves are followed here. */
static void
wrap_follow_move(struct pane *p, VTermRect dest, VTermRect src)
{
	int n = dest.end_row - dest.start_row;

	if (p->altscreen || p->reflowing || dest.start_col != 0 || dest.end_col != vterm_cols(p->cols) ||
	    (dest.start_row == 0 && src.start_row > 0) || n <= 0 || dest.end_row > p->rows ||
	    src.end_row > p->rows || dest.start_row < 0 || src.start_row < 0)
		return;
	memmove(p->wrapped + dest.start_row, p->wrapped + src.start_row, (size_t)n);
	for (int r = src.start_row; r < src.end_row; r++)
		if (r < dest.start_row || r >= dest.end_row)
			p->wrapped[r] = 0;
}

static int
cb_moverect(VTermRect dest, VTermRect src, void *user)
{
	int start = dest.start_row < src.start_row ? dest.start_row : src.start_row;
	int end = dest.end_row > src.end_row ? dest.end_row : src.end_row;

	wrap_follow_move(user, dest, src);
	mark_rows(user, start, end);
	return 1;
}

static int
cb_movecursor(VTermPos pos, VTermPos old, int visible, void *user)
{
	struct pane *p = user;

	p->cursor = pos;
	p->cursor_visible = visible;
	/* The cursor is drawn at frame time; a frame must come. */
	mark_rows(p, pos.row, pos.row + 1);
	return 1;
}

/* Titles come from the container: keep printable characters only, so that
 * nothing it sends reaches the outer terminal except through the renderer. */
static void
set_title(struct pane *p, const char *s)
{
	size_t n = 0;

	for (; s && *s && n < sizeof p->title - 1; s++)
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			p->title[n++] = *s;
	p->title[n] = '\0';
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct pane *p = user;

	switch (prop) {
	case VTERM_PROP_TITLE:
		set_title(p, val->string);
		mark_rows(p, 0, 1);
		break;
	case VTERM_PROP_CURSORVISIBLE:
		p->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_CURSORSHAPE:
		p->cursor_shape = val->number;
		mark_rows(p, p->cursor.row, p->cursor.row + 1);
		break;
	case VTERM_PROP_CURSORBLINK:
		p->cursor_blink = val->boolean;
		mark_rows(p, p->cursor.row, p->cursor.row + 1);
		break;
	case VTERM_PROP_ALTSCREEN:
		p->altscreen = val->boolean;
		break;
	case VTERM_PROP_REVERSE:
		/* libvterm reverses the cells with text (and redraws them all);
		 * erased cells are the renderer's: see draw_row_at. */
		p->screen_reverse = val->boolean;
		mark_rows(p, 0, p->rows);
		break;
	case VTERM_PROP_MOUSE:
		p->mouse_mode = val->number;
		break;
	default:
		break;
	}
	return 1;
}

static int
cb_bell(void *user)
{
	struct pane *p = user;

	p->bell = 1;
	mark_rows(p, 0, 1);
	return 1;
}

/* A line joins the history (which owns text and runs from now on). */
static void
history_push(struct pane *p, char *text, struct sb_run *runs, uint16_t nruns, uint16_t wrap_cols)
{
	scrollback_push(&p->sb, text, runs, nruns, wrap_cols);
	if (p->copy.active && p->sb.count == p->sb.cap && p->copy.top > 0) {
		p->copy.top--; /* the oldest went: keep the view on the same text */
		if (p->copy.sel_line > 0)
			p->copy.sel_line--; /* and the selection */
	}
}

/* A wide glyph whose right half was overwritten: libvterm 0.1.4 keeps it in
 * a one-column cell, which would push the rest of the row right. xterm
 * erases such a half: it is drawn (and kept) as a space. */
static int
half_of_wide(const VTermScreenCell *c)
{
	return c->width == 1 && c->chars[0] >= 0x1100 && wcwidth((wchar_t)c->chars[0]) == 2;
}

/* No colour and no attribute that history keeps (an erased cell keeps only
 * its background: color_cell_style). */
static int
cell_unstyled(const VTermScreenCell *c)
{
	return VTERM_COLOR_IS_DEFAULT_BG(&c->bg) &&
	       (c->chars[0] == 0 ||
		(VTERM_COLOR_IS_DEFAULT_FG(&c->fg) && color_attrs(&c->attrs) == A_NORMAL));
}

/* A row of cells as history keeps it: its text and style runs, trailing
 * blanks dropped. This runs for every line of a flood of output, so blank
 * cells cost little. */
static struct sb_line
row_to_line(struct pane *p, int cols, const VTermScreenCell *cells)
{
	struct buf *text = &p->line_scratch; /* kept between lines: no allocation a line */
	struct sb_run *runs = NULL;
	uint16_t nruns = 0, cap = 0;
	size_t keep = 0;  /* text length up to the last cell worth keeping */
	struct sb_line l;

	/* Trailing blanks are not history: look no further than the last cell
	 * with text or style. */
	while (cols > 0 && (cells[cols - 1].chars[0] == 0 || cells[cols - 1].chars[0] == ' ') &&
	       cell_unstyled(&cells[cols - 1]))
		cols--;
	buf_reset(text);
	/* room for the longest line: the fast path below writes directly */
	buf_reserve(text, (size_t)cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1);
	for (int c = 0; c < cols; c++) {
		const VTermScreenCell *cell = &cells[c];
		int32_t fg, bg;
		uint32_t at;

		if (cell->chars[0] == (uint32_t)-1)
			continue;
		if (cell->chars[0] < 0x80 && cell->chars[1] == 0 && cell_unstyled(cell)) {
			text->data[text->len++] = cell->chars[0] >= 0x20 ? (char)cell->chars[0] : ' ';
			if (cell->chars[0] > 0x20)
				keep = text->len;
			continue;
		}
		{
			attr_t a;

			color_cell_style(cell, p->vs, COLORS, &fg, &bg, &a);
			at = (uint32_t)a;
		}
		if (cell->chars[0] == 0 || half_of_wide(cell)) {
			buf_putc(text, ' ');
		} else {
			for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell->chars[k]; k++) {
				char mb[8];
				mbstate_t st;
				size_t n;

				memset(&st, 0, sizeof st);
				n = wcrtomb(mb, (wchar_t)cell->chars[k], &st);
				buf_append(text, n == (size_t)-1 ? "?" : mb, n == (size_t)-1 ? 1 : n);
			}
		}
		if (cell->chars[0] != 0 && cell->chars[0] != ' ')
			keep = text->len;
		if (fg != -1 || bg != -1 || at != A_NORMAL) {
			keep = text->len;
			if (nruns > 0 && runs[nruns - 1].fg == fg && runs[nruns - 1].bg == bg &&
			    runs[nruns - 1].attrs == at && runs[nruns - 1].col + runs[nruns - 1].len == c) {
				runs[nruns - 1].len += (uint16_t)(cell->width > 1 ? cell->width : 1);
			} else {
				if (nruns == cap) {
					cap = cap ? cap * 2 : 4;
					runs = xrealloc(runs, cap * sizeof *runs);
				}
				runs[nruns++] = (struct sb_run){(uint16_t)c,
								(uint16_t)(cell->width > 1 ? cell->width : 1), fg,
								bg, at};
			}
		}
	}
	if (nruns > 0)
		runs = xrealloc(runs, nruns * sizeof *runs);
	memset(&l, 0, sizeof l);
	l.text = xstrndup(text->data, keep);
	l.runs = runs;
	l.nruns = nruns;
	return l;
}

/* A line leaves the top of the screen: keep its text and style runs. */
static int
cb_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct pane *p = user;
	struct sb_line l;
	uint16_t wrap = 0;
	int bottom = p->fs.region_set && p->fs.region_bottom > 0 && p->fs.region_bottom < p->rows
			 ? p->fs.region_bottom : p->rows;

	if (p->reflowing)
		return 1; /* the pane is putting its lines back itself */
	/* The top row leaves: its wrap flag goes with it, the others move up
	 * (all of a scroll's rows are pushed before libvterm moves the rest). */
	if (p->wrapped[0])
		wrap = (uint16_t)cols;
	memmove(p->wrapped, p->wrapped + 1, (size_t)bottom - 1);
	p->wrapped[bottom - 1] = 0;
	p->pushes++;
	l = row_to_line(p, cols, cells);
	history_push(p, l.text, l.runs, l.nruns, wrap);
	return 1;
}

/* The pane grew: hand back the newest history line, with its colours and
 * attributes. */
static int
cb_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
	struct pane *p = user;
	struct sb_line l;
	const char *s;
	mbstate_t st;
	int c = 0;

	if (p->reflowing || p->copy.active || !scrollback_pop(&p->sb, &l))
		return 0;
	memmove(p->wrapped + 1, p->wrapped, (size_t)p->rows - 1);
	p->wrapped[0] = l.wrap_cols != 0;
	for (int i = 0; i < cols; i++) {
		memset(&cells[i], 0, sizeof cells[i]);
		cells[i].width = 1;
		cells[i].fg.type = VTERM_COLOR_DEFAULT_FG;
		cells[i].bg.type = VTERM_COLOR_DEFAULT_BG;
	}
	memset(&st, 0, sizeof st);
	for (s = l.text; *s && c < cols;) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof st);
		}
		s += n;
		w = wcwidth(wc);
		if (w == 0 && c > 0) {
			for (int k = 1; k < VTERM_MAX_CHARS_PER_CELL; k++)
				if (cells[c - 1].chars[k] == 0) {
					cells[c - 1].chars[k] = (uint32_t)wc;
					break;
				}
			continue;
		}
		/* A wide glyph that does not fit ends the line: libvterm 0.1.4
		 * crashes on one in the last column (found by fuzz_pane). */
		if (w == 2 && c + 1 >= cols)
			break;
		cells[c].chars[0] = (uint32_t)wc;
		cells[c].width = (char)(w == 2 ? 2 : 1);
		if (w == 2)
			cells[c + 1].chars[0] = (uint32_t)-1; /* its right half, as libvterm marks it */
		c += w == 2 ? 2 : 1;
	}
	for (uint16_t r = 0; r < l.nruns; r++)
		for (int i = l.runs[r].col; i < l.runs[r].col + l.runs[r].len && i < cols; i++) {
			color_attrs_to_vterm((attr_t)l.runs[r].attrs, &cells[i].attrs);
			/* Colours come back too (they were lost on a grow). */
			color_from_index(l.runs[r].fg, 1, COLORS, &cells[i].fg);
			color_from_index(l.runs[r].bg, 0, COLORS, &cells[i].bg);
		}
	free(l.text);
	free(l.runs);
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
    .damage = cb_damage,
    .moverect = cb_moverect,
    .movecursor = cb_movecursor,
    .settermprop = cb_settermprop,
    .bell = cb_bell,
    .sb_pushline = cb_sb_pushline,
    .sb_popline = cb_sb_popline,
};

/* What the terminal answers or encodes from keys goes to the session. */
/* What the terminal answers or encodes from keys goes to the session; keys
 * that cannot go anywhere are refused visibly, never sent elsewhere. */
static void
out_cb(const char *s, size_t len, void *user)
{
	struct pane *p = user;

	if (p->session == NULL || session_write(p->session, s, len) < 0) {
		p->refused = 1;
		mark_rows(p, 0, 1);
	}
}

struct pane *
pane_new(uv_loop_t *loop, int rows, int cols, size_t scrollback_lines)
{
	struct pane *p = xcalloc(1, sizeof *p);

	scrollback_init(&p->sb, scrollback_lines);
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	p->rows = rows;
	p->cols = cols;
	p->dirty = xcalloc((size_t)rows, 1);
	p->wrapped = xcalloc((size_t)rows, 1);
	p->vt = vterm_new(rows, vterm_cols(cols));
	vterm_set_utf8(p->vt, 1);
	p->vs = vterm_obtain_screen(p->vt);
	vterm_screen_set_callbacks(p->vs, &screen_cbs, p);
	vterm_screen_set_damage_merge(p->vs, VTERM_DAMAGE_SCROLL);
	vterm_screen_enable_altscreen(p->vs, 1);
	vterm_screen_reset(p->vs, 1);
	vterm_output_set_callback(p->vt, out_cb, p);
	fastscroll_init(&p->fs);
	buf_init(&p->line_scratch);
	buf_init(&p->feed_scratch);
	buf_init(&p->queued);
	p->cursor_visible = 1;
	p->cursor_shape = VTERM_PROP_CURSORSHAPE_BLOCK;
	p->cursor_blink = 1;
	p->state = SESSION_CONNECTING;
	uv_timer_init(loop, &p->resize_timer);
	p->resize_timer.data = p;
	return p;
}

static void
pane_free_cb(uv_handle_t *h)
{
	struct pane *p = h->data;

	free(p);
}

void
pane_free(struct pane *p)
{
	if (p->session != NULL)
		session_close(p->session);
	p->session = NULL;
	recorder_close(p->rec);
	p->rec = NULL;
	vterm_free(p->vt);
	buf_free(&p->line_scratch);
	buf_free(&p->feed_scratch);
	buf_free(&p->queued);
	scrollback_free(&p->sb);
	free(p->dirty);
	free(p->wrapped);
	uv_close((uv_handle_t *)&p->resize_timer, pane_free_cb);
}

/* The pen writes plain text: no colour, no attribute history keeps. */
static int
pen_plain(struct pane *p)
{
	static const VTermAttr flags[] = {VTERM_ATTR_BOLD, VTERM_ATTR_ITALIC, VTERM_ATTR_BLINK,
					  VTERM_ATTR_REVERSE, VTERM_ATTR_STRIKE};
	VTermState *st = vterm_obtain_state(p->vt);
	VTermValue v;

	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		vterm_state_get_penattr(st, flags[i], &v);
		if (v.boolean)
			return 0;
	}
	vterm_state_get_penattr(st, VTERM_ATTR_UNDERLINE, &v);
	if (v.number)
		return 0;
	vterm_state_get_penattr(st, VTERM_ATTR_FONT, &v); /* faint, concealed (sgr.h) */
	if (v.number)
		return 0;
	vterm_state_get_penattr(st, VTERM_ATTR_FOREGROUND, &v);
	if (!VTERM_COLOR_IS_DEFAULT_FG(&v.color))
		return 0;
	vterm_state_get_penattr(st, VTERM_ATTR_BACKGROUND, &v);
	return VTERM_COLOR_IS_DEFAULT_BG(&v.color);
}

/* Every cell of the bottom row as an erase leaves it. */
static int
bottom_row_blank(struct pane *p)
{
	static const VTermScreenCellAttrs none;
	VTermPos pos = {.row = p->rows - 1};

	for (pos.col = 0; pos.col < vterm_cols(p->cols); pos.col++) {
		VTermScreenCell c;

		memset(&c, 0, sizeof c);
		vterm_screen_get_cell(p->vs, pos, &c);
		if (c.chars[0] != 0 || !VTERM_COLOR_IS_DEFAULT_FG(&c.fg) ||
		    !VTERM_COLOR_IS_DEFAULT_BG(&c.bg) || memcmp(&c.attrs, &none, sizeof none) != 0)
			return 0;
	}
	return 1;
}

/* Rows that autowrap cut, noted as libvterm makes them (it does not say):
 * a run of text that ended on row `row` crossed `wraps` rows to get there.
 * Rows already scrolled into history are marked there. */
static void
note_wraps(struct pane *p, int row, long wraps)
{
	for (long k = 1; k <= wraps && k <= (long)p->rows + (long)p->sb.count; k++) {
		long r = row - k;

		if (r >= 0) {
			p->wrapped[r] = 1;
		} else {
			struct sb_line *l = scrollback_newest(&p->sb, (size_t)(-r - 1));

			if (l != NULL)
				l->wrap_cols = (uint16_t)vterm_cols(p->cols);
		}
	}
	if (row >= 0 && row < p->rows)
		p->wrapped[row] = 0;
}

/* A batch (fastscroll_batch) wrote the rows of whole lines just above the
 * bottom row: a row is cut where the line goes on past it. */
static void
note_batch_wraps(struct pane *p, const unsigned char *data, size_t len, int rows_used)
{
	size_t i = 0;

	for (int k = 0; k < rows_used && i < len; k++) {
		size_t next, n = fastscroll_segment(data + i, len - i, p->cols, &next);
		int r = p->rows - 1 - rows_used + k;

		if (r >= 0)
			p->wrapped[r] = next == n;
		i += next;
	}
	p->wrapped[p->rows - 1] = 0;
}

/* An erase (ED, EL) just done with the cursor on row r: the rows it
 * blanked to their end no longer go on in the next. */
static void
note_erase(struct pane *p, char kind, int param, int r)
{
	int from = r, to = r + 1;

	if (kind == 'J')
		from = param == 0 ? r : 0, to = param == 1 ? r : p->rows;
	else if (param == 1)
		return; /* EL 1 erases the start of the row, not its end */
	for (int i = from < 0 ? 0 : from; i < to && i < p->rows; i++)
		p->wrapped[i] = 0;
}

/* Bytes from the scanner to libvterm, with each run of text that could
 * reach the right margin written on its own, to see how many rows autowrap
 * took it across (the cursor's rows, and the rows scrolled meanwhile), and
 * written up to each erase, to see which rows it blanked. */
static void
write_noting_wraps(struct pane *p, size_t from, size_t to)
{
	const char *d = p->feed_scratch.data;
	VTermState *st = vterm_obtain_state(p->vt);
	int t = 0, e = 0;

	while (!p->altscreen && (t < p->fs.ntext_runs || e < p->fs.nerases)) {
		VTermPos a, b;
		unsigned long pushed;
		size_t s, end;

		if (e < p->fs.nerases && (t >= p->fs.ntext_runs || p->fs.erases[e].at <= p->fs.text_runs[t][0])) {
			size_t at = p->fs.erases[e].at;

			if (at >= from && at <= to) {
				vterm_input_write(p->vt, d + from, at - from);
				from = at;
				vterm_state_get_cursorpos(st, &a);
				note_erase(p, p->fs.erases[e].kind, p->fs.erases[e].param, a.row);
			}
			e++;
			continue;
		}
		s = p->fs.text_runs[t][0];
		end = p->fs.text_runs[t][1];
		t++;
		if (s < from || end > to)
			continue;
		vterm_input_write(p->vt, d + from, s - from);
		from = s;
		vterm_state_get_cursorpos(st, &a);
		if (a.col + (long)(end - s) < vterm_cols(p->cols))
			continue; /* too short to reach the margin (a cell takes a byte at least) */
		pushed = p->pushes;
		vterm_input_write(p->vt, d + s, end - s);
		from = end;
		vterm_screen_flush_damage(p->vs); /* moves libvterm merged come first */
		vterm_state_get_cursorpos(st, &b);
		note_wraps(p, b.row, (long)(b.row - a.row) + (long)(p->pushes - pushed));
	}
	vterm_input_write(p->vt, d + from, to - from);
}

/* The SGRs of a styled line (fastscroll's kind: ESC [ digits ; m) are all
 * ones sgr_pen_apply reads as libvterm would. */
static int
line_sgrs_known(const unsigned char *d, size_t n)
{
	struct sgr_pen pen;

	sgr_pen_reset(&pen);
	for (size_t i = 0; i < n; i++)
		if (d[i] == 0x1b) {
			size_t j = i + 2;

			while (j < n && d[j] != 'm')
				j++;
			if (j >= n || !sgr_pen_apply(&pen, d + i + 2, j - i - 2))
				return 0;
			i = j;
		}
	return 1;
}

/* A styled line as history keeps it, the way row_to_line reads the same
 * line from libvterm's cells (the equivalence test holds the two to it):
 * its text, and runs for the characters with a colour or an attribute. */
static struct sb_line
styled_line(struct pane *p, const unsigned char *d, size_t n)
{
	struct buf *text = &p->line_scratch;
	struct sgr_pen pen;
	struct sb_line l;
	uint16_t cap = 0, col = 0;
	size_t keep = 0;

	memset(&l, 0, sizeof l);
	sgr_pen_reset(&pen);
	buf_reset(text);
	for (size_t i = 0; i < n; i++) {
		int fg, bg;
		attr_t at;

		if (d[i] == 0x1b) {
			size_t j = i + 2;

			while (j < n && d[j] != 'm')
				j++;
			sgr_pen_apply(&pen, d + i + 2, j - i - 2);
			i = j;
			continue;
		}
		buf_putc(text, (char)d[i]);
		if (d[i] != ' ')
			keep = text->len;
		fg = color_index(&pen.fg, p->vs, COLORS, 1);
		bg = color_index(&pen.bg, p->vs, COLORS, 0);
		at = color_attrs(&pen.attrs);
		if (!(VTERM_COLOR_IS_DEFAULT_BG(&pen.bg) && VTERM_COLOR_IS_DEFAULT_FG(&pen.fg) && at == A_NORMAL) &&
		    (fg != -1 || bg != -1 || at != A_NORMAL)) {
			struct sb_run *last = l.nruns ? &l.runs[l.nruns - 1] : NULL;

			keep = text->len;
			if (last != NULL && last->fg == fg && last->bg == bg && last->attrs == (uint32_t)at &&
			    last->col + last->len == col) {
				last->len++;
			} else {
				if (l.nruns == cap) {
					cap = cap ? cap * 2 : 4;
					l.runs = xrealloc(l.runs, cap * sizeof *l.runs);
				}
				l.runs[l.nruns++] = (struct sb_run){col, 1, fg, bg, (uint32_t)at};
			}
		}
		col++;
	}
	if (l.nruns > 0)
		l.runs = xrealloc(l.runs, l.nruns * sizeof *l.runs);
	l.text = xstrndup(text->data, keep);
	return l;
}

/* How much of data a flood may take (feed_through): whole lines that a
 * batch takes, up to the first whose SGRs only libvterm should read; the
 * rows they take in *rows. */
static size_t
flood_lines(struct pane *p, const unsigned char *data, size_t len, int flags, int *rows)
{
	int all_rows;
	size_t all = fastscroll_plain_lines(data, len, p->cols, INT_MAX, flags, &all_rows, NULL), i = 0;

	*rows = 0;
	while (i < all) {
		size_t n = fastscroll_line_len(data + i, all - i);
		int styled = memchr(data + i, 0x1b, n) != NULL;

		if (styled && !line_sgrs_known(data + i, n))
			break;
		*rows += styled || n == 0 ? 1 : (int)((n + (size_t)p->cols - 1) / (size_t)p->cols);
		i += n + 2;
	}
	return i;
}

/* More lines than the screen holds (plain, or styled ending with a plain
 * pen), onto a blank bottom row with a plain pen: the screen's lines go to
 * history through libvterm (one scroll), the lines that would only pass
 * through the screen go straight to history (as text, and styled ones with
 * their runs), and the last rows-1 are written in place. libvterm never
 * sees the lines in between, so a flood costs about a copy a line. */
static void
feed_through(struct pane *p, const unsigned char *data, size_t len, int rows_used)
{
	int keep = p->rows - 1;
	size_t i = 0;
	struct buf *seq = &p->feed_scratch;

	buf_reset(seq);
	buf_printf(seq, "\x1b[%dS", keep);
	vterm_input_write(p->vt, seq->data, seq->len);
	/* Row by row (a wide line is several), as libvterm would push them. */
	for (int k = 0; k < rows_used - keep; k++) {
		size_t next, n = fastscroll_segment(data + i, len - i, p->cols, &next), end = n;

		if (memchr(data + i, 0x1b, n) != NULL) {
			struct sb_line l = styled_line(p, data + i, n);

			history_push(p, l.text, l.runs, l.nruns, 0);
			i += next;
			continue;
		}
		while (end > 0 && data[i + end - 1] == ' ')
			end--; /* trailing blanks are not history */
		history_push(p, xstrndup((const char *)data + i, end), NULL, 0,
			     next == n ? (uint16_t)p->cols : 0);
		i += next;
	}
	buf_reset(seq);
	fastscroll_batch(seq, data + i, len - i, keep, p->rows, p->cols, 0);
	vterm_input_write(p->vt, seq->data, seq->len);
	note_batch_wraps(p, data + i, len - i, keep);
}

/* What the scanner let through goes to libvterm; history is erased where
 * an ED 3 came (clear(1)), so that old lines do not come back on a grow. */
static void
feed_scanned(struct pane *p)
{
	struct buf *b = &p->feed_scratch;
	size_t at = p->fs.erase_history_at >= 0 ? (size_t)p->fs.erase_history_at : 0;

	if (p->fs.erase_history_at >= 0) {
		write_noting_wraps(p, 0, at);
		scrollback_clear(&p->sb);
		if (p->copy.active)
			p->copy.top = 0;
	}
	if (b->len > at)
		write_noting_wraps(p, at, b->len);
}

/* What a batch may take now: wide lines while they wrap the plain way;
 * styled lines while the pen is plain (each must end plain too: then every
 * line feed scrolls in blank rows, as the batch's one scroll does). */
static int
batch_flags(struct pane *p)
{
	return (fastscroll_wraps(&p->fs) ? FASTSCROLL_WRAP : 0) | (pen_plain(p) ? FASTSCROLL_SGR : 0);
}

/* Whole plain lines at the bottom of the screen go in batches (see
 * fastscroll.h); everything else goes to libvterm a line at a time, through
 * the scanner that knows when batching is exact. */
static void
feed(struct pane *p, const unsigned char *data, size_t len)
{
	while (len > 0) {
		VTermPos cur;
		const unsigned char *nl;
		size_t n;
		int lines = 0, flags, styled = 0;

		vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &cur);
		if (p->rows >= 3 && cur.row == p->rows - 1 && cur.col == 0 &&
		    fastscroll_ready(&p->fs, p->rows) &&
		    (flags = batch_flags(p),
		     n = fastscroll_plain_lines(data, len, p->cols, p->rows - 1, flags, &lines, &styled)) > 0 &&
		    lines >= 2) {
			/* (history takes lines only from the primary screen) */
			if (n < len && !p->altscreen && (flags & FASTSCROLL_SGR) && bottom_row_blank(p)) {
				int all_rows;
				size_t all = flood_lines(p, data, len, flags, &all_rows);

				if (all_rows > p->rows - 1) {
					feed_through(p, data, all, all_rows);
					data += all;
					len -= all;
					continue;
				}
			}
			buf_reset(&p->feed_scratch);
			fastscroll_batch(&p->feed_scratch, data, n, lines, p->rows, p->cols, lines);
			vterm_input_write(p->vt, p->feed_scratch.data, p->feed_scratch.len);
			if (!p->altscreen)
				note_batch_wraps(p, data, n, lines);
		} else {
			nl = memchr(data, '\n', len);
			n = nl ? (size_t)(nl - data) + 1 : len;
			buf_reset(&p->feed_scratch);
			fastscroll_scan(&p->fs, data, n, &p->feed_scratch);
			feed_scanned(p);
		}
		data += n;
		len -= n;
	}
	vterm_screen_flush_damage(p->vs);
}

/* A frame's worth of a flood, at most: beyond this, queued output is taken
 * at once (memory stays bounded, and so does the work of one frame). */
#define PANE_QUEUE_MAX (1024 * 1024)

void
pane_flush(struct pane *p)
{
	if (p->queued.len == 0)
		return;
	feed(p, (const unsigned char *)p->queued.data, p->queued.len);
	buf_reset(&p->queued);
	if (p->queued.cap > PANE_QUEUE_MAX) { /* a flood passed: give its memory back */
		buf_free(&p->queued);
		buf_init(&p->queued);
	}
}

void
pane_feed(struct pane *p, const unsigned char *data, size_t len)
{
	pane_flush(p);
	feed(p, data, len);
}

void
pane_queue(struct pane *p, const unsigned char *data, size_t len)
{
	if (p->queued.len + len > PANE_QUEUE_MAX) {
		pane_flush(p);
		feed(p, data, len);
		return;
	}
	buf_append(&p->queued, data, len);
	/* asked every time: a hidden pane is not drawn, and its any_dirty
	 * may stay set, yet its queue must be taken */
	if (p->on_dirty)
		p->on_dirty(p->arg, p);
}

static void
resize_settled(uv_timer_t *t)
{
	struct pane *p = t->data;

	if (p->session != NULL &&
	    ((unsigned)p->cols != p->sent_cols || (unsigned)p->rows != p->sent_rows)) {
		session_resize(p->session, (unsigned)p->cols, (unsigned)p->rows);
		p->sent_cols = (unsigned)p->cols;
		p->sent_rows = (unsigned)p->rows;
	}
}

/* After a resize, libvterm 0.1.4 keeps scroll margins that no longer fit
 * and then scrolls with a negative length, and shrinking over lines below
 * the cursor can leave the cursor above the screen, where the next glyph in
 * insert mode writes through a NULL line (both found by fuzz_pane). xterm
 * resets the margins on a resize: do the same, and put the cursor back where
 * it was, on the screen. */
static void
reset_margins(struct pane *p, int rows, int cols)
{
	VTermPos cur;
	struct buf seq;
	int vcols = vterm_cols(cols);

	vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &cur);
	cur.row = cur.row < 0 ? 0 : cur.row >= rows ? rows - 1 : cur.row;
	cur.col = cur.col < 0 ? 0 : cur.col >= vcols ? vcols - 1 : cur.col;
	buf_init(&seq);
	/* DECSTBM; DECSLRM only when left/right margins are on (else CSI s
	 * saves the cursor); then the cursor, absolute now that the region is
	 * the screen. */
	buf_printf(&seq, "\x1b[r%s\x1b[%d;%dH", p->fs.lrmm ? "\x1b[s" : "", cur.row + 1, cur.col + 1);
	vterm_input_write(p->vt, seq.data, seq.len);
	fastscroll_scan(&p->fs, (const unsigned char *)seq.data, seq.len, NULL);
	buf_free(&seq);
}

/* Row r of the screen, as cells (cols of them at cells). */
static void
screen_row(struct pane *p, int r, int cols, VTermScreenCell *cells)
{
	VTermPos pos = {.row = r};

	for (pos.col = 0; pos.col < cols; pos.col++) {
		memset(&cells[pos.col], 0, sizeof cells[pos.col]);
		vterm_screen_get_cell(p->vs, pos, &cells[pos.col]);
	}
}

/* A row that autowrap cut, as the flags have it (erases clear them). */
static int
row_cut(const unsigned char *wrapped, int r)
{
	return wrapped[r];
}

/* A history line written onto the screen at row y (1-based), in its
 * styles, with the pen plain after it. */
static void
paint_line(struct buf *seq, const struct sb_line *l, int y)
{
	const char *s = l->text;
	mbstate_t st;
	int col = 0, run = -1;

	buf_printf(seq, "\x1b[%d;1H", y);
	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int w, now = -1;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			buf_putc(seq, '?');
			s++;
			col++;
			continue;
		}
		w = wcwidth(wc);
		for (uint16_t r = 0; r < l->nruns && w != 0; r++)
			if (col >= l->runs[r].col && col < l->runs[r].col + l->runs[r].len)
				now = r;
		if (w != 0 && now != run) {
			buf_puts(seq, "\x1b[0m");
			if (now >= 0)
				color_sgr(seq, l->runs[now].fg, l->runs[now].bg, l->runs[now].attrs, COLORS);
			run = now;
		}
		buf_append(seq, s, k);
		s += k;
		col += w > 0 ? w : 0;
	}
	buf_puts(seq, "\x1b[0m");
}

/* The primary screen rewrapped at a new width, with its history, as tmux
 * does (libvterm 0.1.4 only cuts rows and pads them): the rows in use and
 * every history line go through reflow_lines, the cursor stays on its
 * character and, where it can, on its row; what is above the screen is
 * history again, and the screen is written back through libvterm between
 * a DECSC and a DECRC, so that the pen, character sets and modes are the
 * application's again afterwards. */
static void
reflow(struct pane *p, const unsigned char *old_wrapped, int old_rows, int old_cols)
{
	VTermState *st = vterm_obtain_state(p->vt);
	int ocols = vterm_cols(old_cols), last = -1;
	VTermScreenCell *cells = xcalloc((size_t)ocols, sizeof *cells);
	struct sb_line *all, *out;
	struct reflow_pos pos;
	size_t nhist, nout, top, end;
	VTermPos cur;
	struct buf seq;

	vterm_state_get_cursorpos(st, &cur);
	cur.row = cur.row < 0 ? 0 : cur.row >= old_rows ? old_rows - 1 : cur.row;
	cur.col = cur.col < 0 ? 0 : cur.col >= ocols ? ocols - 1 : cur.col;
	all = scrollback_take(&p->sb, &nhist);
	all = xrealloc(all, (nhist + (size_t)old_rows) * sizeof *all);
	for (int r = 0; r < old_rows; r++) {
		screen_row(p, r, ocols, cells);
		all[nhist + (size_t)r] = row_to_line(p, ocols, cells);
		all[nhist + (size_t)r].wrap_cols = row_cut(old_wrapped, r) ? (uint16_t)ocols : 0;
		if (all[nhist + (size_t)r].text[0] != '\0' || all[nhist + (size_t)r].nruns > 0)
			last = r;
	}
	free(cells);
	if (last < cur.row)
		last = cur.row;
	for (int r = last + 1; r < old_rows; r++) {
		free(all[nhist + (size_t)r].text);
		free(all[nhist + (size_t)r].runs);
	}
	all[nhist + (size_t)last].wrap_cols = 0;
	pos.line = nhist + (size_t)cur.row;
	pos.col = cur.col;
	out = reflow_lines(all, nhist + (size_t)last + 1, vterm_cols(p->cols), &pos, &nout);

	/* The cursor keeps its row; a taller screen takes lines back from
	 * history, a shorter one gives them (and drops what is below the
	 * cursor that no longer fits, as libvterm does). */
	top = pos.line >= (size_t)cur.row ? pos.line - (size_t)cur.row : 0;
	if (p->rows > old_rows)
		top = top > (size_t)(p->rows - old_rows) ? top - (size_t)(p->rows - old_rows) : 0;
	if (pos.line >= top + (size_t)p->rows)
		top = pos.line - (size_t)p->rows + 1;
	end = nout < top + (size_t)p->rows ? nout : top + (size_t)p->rows;
	for (size_t i = 0; i < top; i++)
		history_push(p, out[i].text, out[i].runs, out[i].nruns, out[i].wrap_cols);

	p->reflowing = 1;
	vterm_set_size(p->vt, p->rows, vterm_cols(p->cols));
	buf_init(&seq);
	/* DECSC keeps the pen (with the cursor homed first: libvterm 0.1.4
	 * can leave it above a shrunk screen, and a DECRC of that position
	 * then writes through a missing line; found by fuzz_pane); the rows go
	 * in with ASCII in G0, insert off. */
	buf_puts(&seq, "\x1b[r\x1b[H\x1b" "7\x1b(B\x0f\x1b[4l\x1b[0m\x1b[2J");
	memset(p->wrapped, 0, (size_t)p->rows);
	for (size_t i = top; i < end; i++) {
		paint_line(&seq, &out[i], (int)(i - top) + 1);
		p->wrapped[i - top] = out[i].wrap_cols != 0;
	}
	buf_printf(&seq, "\x1b" "8\x1b(%c\x1b)%c%c%s\x1b[%d;%dH", p->fs.g0, p->fs.g1, p->fs.gl ? 0x0e : 0x0f,
		   p->fs.insert ? "\x1b[4h" : "", (int)(pos.line - top) + 1, pos.col + 1);
	vterm_input_write(p->vt, seq.data, seq.len);
	buf_free(&seq);
	p->reflowing = 0;
	for (size_t i = top; i < nout; i++) {
		free(out[i].text);
		free(out[i].runs);
	}
	free(out);
}

void
pane_resize(struct pane *p, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows != p->rows || cols != p->cols) {
		int old_rows = p->rows, old_cols = p->cols;

		unsigned char *old_wrapped = p->wrapped;

		free(p->dirty);
		p->dirty = xcalloc((size_t)rows, 1);
		p->wrapped = xcalloc((size_t)rows, 1);
		p->rows = rows;
		p->cols = cols;
		/* The alternate screen is the application's to redraw; history
		 * in copy mode stays still under the reader. */
		if (!p->altscreen && !p->copy.active)
			reflow(p, old_wrapped, old_rows, old_cols);
		else
			vterm_set_size(p->vt, rows, vterm_cols(cols));
		free(old_wrapped);
		reset_margins(p, rows, cols);
		recorder_resize(p->rec, cols, rows, uv_now(p->resize_timer.loop));
		vterm_screen_flush_damage(p->vs);
		p->any_dirty = 0;
		mark_rows(p, 0, rows);
	}
	/* Bursts (a dragged window) coalesce into one message per settled size. */
	uv_timer_start(&p->resize_timer, resize_settled, RESIZE_SETTLE_MS, 0);
}

void
pane_attach(struct pane *p, struct session *s)
{
	p->session = s;
	/* The session sends this size as soon as its socket opens. */
	session_resize(s, (unsigned)p->cols, (unsigned)p->rows);
	p->sent_cols = (unsigned)p->cols;
	p->sent_rows = (unsigned)p->rows;
}

static VTermKey
map_key(int key)
{
	switch (key) {
	case KEY_UP: return VTERM_KEY_UP;
	case KEY_DOWN: return VTERM_KEY_DOWN;
	case KEY_LEFT: return VTERM_KEY_LEFT;
	case KEY_RIGHT: return VTERM_KEY_RIGHT;
	case KEY_HOME: return VTERM_KEY_HOME;
	case KEY_END: return VTERM_KEY_END;
	case KEY_PPAGE: return VTERM_KEY_PAGEUP;
	case KEY_NPAGE: return VTERM_KEY_PAGEDOWN;
	case KEY_IC: return VTERM_KEY_INS;
	case KEY_DC: return VTERM_KEY_DEL;
	case KEY_BACKSPACE: return VTERM_KEY_BACKSPACE;
	case KEY_ENTER: return VTERM_KEY_ENTER;
	case KEY_BTAB: return VTERM_KEY_TAB;
	default:
		if (key >= KEY_F(1) && key <= KEY_F(12))
			return VTERM_KEY_FUNCTION(key - KEY_F0);
		return VTERM_KEY_NONE;
	}
}

void
pane_key(struct pane *p, wint_t ch, int is_key)
{
	pane_flush(p); /* keys are encoded in the modes the output set */
	if (is_key) {
		VTermKey k = map_key((int)ch);

		if (k != VTERM_KEY_NONE)
			vterm_keyboard_key(p->vt, k, ch == KEY_BTAB ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
		return;
	}
	switch (ch) {
	case '\r':
	case '\n':
		vterm_keyboard_key(p->vt, VTERM_KEY_ENTER, VTERM_MOD_NONE);
		return;
	case '\t':
		vterm_keyboard_key(p->vt, VTERM_KEY_TAB, VTERM_MOD_NONE);
		return;
	case 27:
		vterm_keyboard_key(p->vt, VTERM_KEY_ESCAPE, VTERM_MOD_NONE);
		return;
	case 127:
	case 8:
		vterm_keyboard_key(p->vt, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE);
		return;
	case 0:
		vterm_keyboard_unichar(p->vt, ' ', VTERM_MOD_CTRL);
		return;
	default:
		break;
	}
	if (ch < 0x20)
		vterm_keyboard_unichar(p->vt, ch + 'a' - 1 > 'z' ? ch + '@' : ch + 'a' - 1, VTERM_MOD_CTRL);
	else
		vterm_keyboard_unichar(p->vt, ch, VTERM_MOD_NONE);
}

/* The text is UTF-8: libvterm takes characters, not bytes (a byte of é
 * given as a character would go out as Ã and ©). */
void
pane_paste(struct pane *p, const char *text, size_t len)
{
	mbstate_t st;

	pane_flush(p);
	memset(&st, 0, sizeof st);
	vterm_keyboard_start_paste(p->vt);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text + i, len - i, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof st);
		}
		vterm_keyboard_unichar(p->vt, wc == L'\n' ? '\r' : (uint32_t)wc, VTERM_MOD_NONE);
		i += n;
	}
	vterm_keyboard_end_paste(p->vt);
}

/* One cell of w columns at y, x; a concealed one as blanks, every column
 * of it. */
static void
draw_cell(WINDOW *win, int y, int x, wchar_t *wch, int w, attr_t at, int pair, int hidden)
{
	cchar_t cc;

	if (hidden) {
		wch[0] = L' ';
		wch[1] = L'\0';
	}
	setcchar(&cc, wch, at, 0, &pair);
	mvwadd_wch(win, y, x, &cc);
	if (hidden && w == 2)
		mvwadd_wch(win, y, x + 1, &cc);
}

/* A history line, drawn at screen row y of the pane. */
static void
draw_sb_line(struct pane *p, WINDOW *win, int y, const struct sb_line *l)
{
	const char *s = l->text;
	mbstate_t st;
	int c = 0;

	memset(&st, 0, sizeof st);
	wmove(win, p->top + y, p->left);
	while (c < p->cols) {
		wchar_t wch[VTERM_MAX_CHARS_PER_CELL + 1];
		int n = 0, w = 1, pair = 0, hidden;
		attr_t at = A_NORMAL;

		if (*s) {
			while (*s && n < VTERM_MAX_CHARS_PER_CELL) {
				wchar_t wc;
				size_t k = mbrtowc(&wc, s, MB_CUR_MAX, &st);

				if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
					wc = L'?';
					k = 1;
					memset(&st, 0, sizeof st);
				}
				if (n > 0 && wcwidth(wc) != 0)
					break;
				if (wc < 0x20 || wc == 0x7f)
					wc = L'?';
				wch[n++] = wc;
				s += k;
			}
			w = wcwidth(wch[0]) == 2 ? 2 : 1;
		} else {
			wch[n++] = L' ';
		}
		wch[n] = L'\0';
		if (c + w > p->cols) {
			wch[0] = L' ';
			wch[1] = L'\0';
			w = 1;
		}
		for (uint16_t r = 0; r < l->nruns; r++)
			if (c >= l->runs[r].col && c < l->runs[r].col + l->runs[r].len) {
				at = (attr_t)l->runs[r].attrs;
				if (l->runs[r].fg != -1 || l->runs[r].bg != -1)
					pair = alloc_pair(l->runs[r].fg, l->runs[r].bg);
				break;
			}
		if (pair < 0)
			pair = 0;
		at = color_drawn(at, &hidden);
		draw_cell(win, p->top + y, p->left + c, wch, w, at, pair, hidden);
		c += w;
	}
}

static void
draw_row_at(struct pane *p, WINDOW *win, int row, int y);

static void
draw_row(struct pane *p, WINDOW *win, int row)
{
	draw_row_at(p, win, row, row);
}

/* Screen row `row` drawn at view row y. */
static void
draw_row_at(struct pane *p, WINDOW *win, int row, int y)
{
	VTermPos pos = {.row = row};
	int cols = p->cols;

	for (pos.col = 0; pos.col < cols;) {
		VTermScreenCell cell;
		wchar_t wch[VTERM_MAX_CHARS_PER_CELL + 1];
		int n = 0, fg, bg, pair, width, hidden;
		attr_t at;

		memset(&cell, 0, sizeof cell);
		vterm_screen_get_cell(p->vs, pos, &cell);
		if (cell.chars[0] == (uint32_t)-1) { /* right half of a wide glyph */
			pos.col++;
			continue;
		}
		for (; n < VTERM_MAX_CHARS_PER_CELL && cell.chars[n] != 0; n++)
			wch[n] = (wchar_t)cell.chars[n];
		if (n == 0 || half_of_wide(&cell)) {
			wch[0] = L' ';
			n = 1;
		}
		wch[n] = L'\0';
		/* Never let a control character reach the outer terminal. */
		if (wch[0] < 0x20 || wch[0] == 0x7f || (wch[0] >= 0x80 && wch[0] < 0xa0))
			wch[0] = L'?';
		color_cell_style(&cell, p->vs, COLORS, &fg, &bg, &at);
		/* DECSCNM (ESC[?5h) shows the whole screen in reverse video, blank
		 * cells too, as xterm and the VT100 do: an erased cell keeps only
		 * its background (color_cell_style), and the default background
		 * is the one the screen mode swaps. */
		if (cell.chars[0] == 0 && bg == -1 && p->screen_reverse)
			at |= A_REVERSE;
		at = color_drawn(at, &hidden);
		pair = (fg == -1 && bg == -1) ? 0 : alloc_pair(fg, bg);
		if (pair < 0)
			pair = 0;
		width = cell.width > 0 ? cell.width : 1;
		if (pos.col + width > cols) { /* a wide glyph cut by the edge */
			wch[0] = L' ';
			wch[1] = L'\0';
			at = A_NORMAL;
			width = 1;
		}
		draw_cell(win, p->top + y, p->left + pos.col, wch, width, at, pair, hidden);
		pos.col += width;
	}
}

void
pane_draw_line(struct pane *p, WINDOW *win, long i, int y)
{
	if (i >= 0 && i < (long)p->sb.count)
		draw_sb_line(p, win, y, scrollback_get(&p->sb, (size_t)i));
	else if (i >= 0 && i - (long)p->sb.count < p->rows)
		draw_row_at(p, win, (int)(i - (long)p->sb.count), y);
}

void
pane_draw(struct pane *p, WINDOW *win, int all)
{
	pane_flush(p);
	if (p->copy.active) {
		copy_draw(p, win);
		memset(p->dirty, 0, (size_t)p->rows);
		p->any_dirty = 0;
		return;
	}
	for (int r = 0; r < p->rows; r++) {
		if (all || p->dirty[r])
			draw_row(p, win, r);
		p->dirty[r] = 0;
	}
	p->any_dirty = 0;
}

void
pane_badge(const struct pane *p, char *out, size_t len)
{
	switch (p->state) {
	case SESSION_CONNECTING: snprintf(out, len, "connecting"); break;
	case SESSION_OPEN: snprintf(out, len, "live"); break;
	case SESSION_RECONNECTING: snprintf(out, len, "reconnecting"); break;
	case SESSION_EXITED:
		if (p->exit_code >= 0)
			snprintf(out, len, "exited %d", p->exit_code);
		else
			snprintf(out, len, "exited");
		break;
	case SESSION_FAILED: snprintf(out, len, "failed: %s", p->reason); break;
	}
}
