/* pane.c: a libvterm screen fed by a session and drawn into ncurses from
 * damage (the recipe in LIBVTERM.md). */
#include "fleetmux/pane.h"

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

static int
cb_moverect(VTermRect dest, VTermRect src, void *user)
{
	int start = dest.start_row < src.start_row ? dest.start_row : src.start_row;
	int end = dest.end_row > src.end_row ? dest.end_row : src.end_row;

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
history_push(struct pane *p, char *text, struct sb_run *runs, uint16_t nruns)
{
	scrollback_push(&p->sb, text, runs, nruns);
	if (p->copy.active && p->sb.count == p->sb.cap && p->copy.top > 0)
		p->copy.top--; /* the oldest went: keep the view on the same text */
}

/* No colour and no attribute that history keeps. */
static int
cell_unstyled(const VTermScreenCell *c)
{
	return VTERM_COLOR_IS_DEFAULT_FG(&c->fg) && VTERM_COLOR_IS_DEFAULT_BG(&c->bg) &&
	       color_attrs(&c->attrs) == A_NORMAL;
}

/* A line leaves the top of the screen: keep its text and style runs. This
 * runs for every line of a flood of output, so blank cells cost little. */
static int
cb_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct pane *p = user;
	struct buf *text = &p->line_scratch; /* kept between lines: no allocation a line */
	struct sb_run *runs = NULL;
	uint16_t nruns = 0, cap = 0;
	size_t keep = 0;  /* text length up to the last cell worth keeping */

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
		fg = color_index(&cell->fg, p->vs, COLORS, 1);
		bg = color_index(&cell->bg, p->vs, COLORS, 0);
		at = (uint32_t)color_attrs(&cell->attrs);
		if (cell->chars[0] == 0) {
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
	/* Trailing blanks are not history. */
	history_push(p, xstrndup(text->data, keep), runs, nruns);
	return 1;
}

/* The pane grew: hand back the newest history line (colours are not kept
 * on the way back, attributes are). */
static int
cb_sb_popline(int cols, VTermScreenCell *cells, void *user)
{
	struct pane *p = user;
	struct sb_line l;
	const char *s;
	mbstate_t st;
	int c = 0;

	if (p->copy.active || !scrollback_pop(&p->sb, &l))
		return 0;
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
			cells[i].attrs.bold = !!(l.runs[r].attrs & A_BOLD);
			cells[i].attrs.underline = !!(l.runs[r].attrs & A_UNDERLINE);
			cells[i].attrs.reverse = !!(l.runs[r].attrs & A_REVERSE);
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

	if (p->session == NULL || p->session->ops->write(p->session, s, len) < 0) {
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
		p->session->ops->close(p->session);
	p->session = NULL;
	recorder_close(p->rec);
	p->rec = NULL;
	vterm_free(p->vt);
	buf_free(&p->line_scratch);
	buf_free(&p->feed_scratch);
	scrollback_free(&p->sb);
	free(p->dirty);
	free(p->region);
	free(p->group_id);
	free(p->group_name);
	free(p->container);
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

/* More plain lines than the screen holds, onto a blank bottom row with a
 * plain pen: the screen's lines go to history through libvterm (one scroll),
 * the lines that would only pass through the screen go straight to history
 * as text, and the last rows-1 are written in place. libvterm never sees the
 * lines in between, so a flood costs about a copy a line. */
static void
feed_through(struct pane *p, const unsigned char *data, size_t len, int lines)
{
	int keep = p->rows - 1;
	size_t i = 0;
	struct buf *seq = &p->feed_scratch;

	buf_reset(seq);
	buf_printf(seq, "\x1b[%dS", keep);
	vterm_input_write(p->vt, seq->data, seq->len);
	for (int k = 0; k < lines - keep; k++) {
		size_t n = fastscroll_line_len(data + i, len - i), end = n;

		while (end > 0 && data[i + end - 1] == ' ')
			end--; /* trailing blanks are not history */
		history_push(p, xstrndup((const char *)data + i, end), NULL, 0);
		i += n + 2;
	}
	buf_reset(seq);
	fastscroll_batch(seq, data + i, len - i, keep, p->rows, 0);
	vterm_input_write(p->vt, seq->data, seq->len);
}

/* Whole plain lines at the bottom of the screen go in batches (see
 * fastscroll.h); everything else goes to libvterm a line at a time, through
 * the scanner that knows when batching is exact. */
void
pane_feed(struct pane *p, const unsigned char *data, size_t len)
{
	while (len > 0) {
		VTermPos cur;
		const unsigned char *nl;
		size_t n;
		int lines = 0;

		vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &cur);
		if (p->rows >= 3 && cur.row == p->rows - 1 && cur.col == 0 &&
		    fastscroll_ready(&p->fs, p->rows) &&
		    (n = fastscroll_plain_lines(data, len, p->cols, p->rows - 1, &lines)) > 0 && lines >= 2) {
			/* (history takes lines only from the primary screen) */
			if (lines == p->rows - 1 && !p->altscreen && pen_plain(p) && bottom_row_blank(p)) {
				n = fastscroll_plain_lines(data, len, p->cols, INT_MAX, &lines);
				if (lines > p->rows - 1) {
					feed_through(p, data, n, lines);
					data += n;
					len -= n;
					continue;
				}
			}
			buf_reset(&p->feed_scratch);
			fastscroll_batch(&p->feed_scratch, data, n, lines, p->rows, lines);
			vterm_input_write(p->vt, p->feed_scratch.data, p->feed_scratch.len);
		} else {
			nl = memchr(data, '\n', len);
			n = nl ? (size_t)(nl - data) + 1 : len;
			buf_reset(&p->feed_scratch);
			buf_reserve(&p->feed_scratch, n);
			vterm_input_write(p->vt, p->feed_scratch.data,
					  fastscroll_scan(&p->fs, data, n,
							  (unsigned char *)p->feed_scratch.data));
		}
		data += n;
		len -= n;
	}
	vterm_screen_flush_damage(p->vs);
}

static void
resize_settled(uv_timer_t *t)
{
	struct pane *p = t->data;

	if (p->session != NULL &&
	    ((unsigned)p->cols != p->sent_cols || (unsigned)p->rows != p->sent_rows)) {
		p->session->ops->resize(p->session, (unsigned)p->cols, (unsigned)p->rows);
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

void
pane_resize(struct pane *p, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows != p->rows || cols != p->cols) {
		free(p->dirty);
		p->dirty = xcalloc((size_t)rows, 1);
		p->rows = rows;
		p->cols = cols;
		vterm_set_size(p->vt, rows, vterm_cols(cols));
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
	s->ops->resize(s, (unsigned)p->cols, (unsigned)p->rows);
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

void
pane_paste(struct pane *p, const char *text, size_t len)
{
	vterm_keyboard_start_paste(p->vt);
	for (size_t i = 0; i < len; i++)
		vterm_keyboard_unichar(p->vt, (unsigned char)text[i] == '\n' ? '\r' : (unsigned char)text[i],
				       VTERM_MOD_NONE);
	vterm_keyboard_end_paste(p->vt);
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
		cchar_t cc;
		int n = 0, w = 1, pair = 0;
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
		setcchar(&cc, wch, at, 0, &pair);
		mvwadd_wch(win, p->top + y, p->left + c, &cc);
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
		cchar_t cc;
		int n = 0, fg, bg, pair, width;

		memset(&cell, 0, sizeof cell);
		vterm_screen_get_cell(p->vs, pos, &cell);
		if (cell.chars[0] == (uint32_t)-1) { /* right half of a wide glyph */
			pos.col++;
			continue;
		}
		for (; n < VTERM_MAX_CHARS_PER_CELL && cell.chars[n] != 0; n++)
			wch[n] = (wchar_t)cell.chars[n];
		if (n == 0)
			wch[n++] = L' ';
		wch[n] = L'\0';
		/* Never let a control character reach the outer terminal. */
		if (wch[0] < 0x20 || wch[0] == 0x7f || (wch[0] >= 0x80 && wch[0] < 0xa0))
			wch[0] = L'?';
		fg = color_index(&cell.fg, p->vs, COLORS, 1);
		bg = color_index(&cell.bg, p->vs, COLORS, 0);
		pair = (fg == -1 && bg == -1) ? 0 : alloc_pair(fg, bg);
		if (pair < 0)
			pair = 0;
		setcchar(&cc, wch, color_attrs(&cell.attrs), 0, &pair);
		width = cell.width > 0 ? cell.width : 1;
		if (pos.col + width > cols) { /* a wide glyph cut by the edge */
			wch[0] = L' ';
			wch[1] = L'\0';
			setcchar(&cc, wch, A_NORMAL, 0, &pair);
			width = 1;
		}
		mvwadd_wch(win, p->top + y, p->left + pos.col, &cc);
		pos.col += width;
	}
}

/* Copy mode's view: history and screen from copy.top, the selection
 * reversed. */
static void
draw_copy(struct pane *p, WINDOW *win)
{
	struct copy_mode *m = &p->copy;
	long cur = m->top + m->cy;

	for (int y = 0; y < p->rows; y++) {
		long line = m->top + y;

		if (line < (long)p->sb.count)
			draw_sb_line(p, win, y, scrollback_get(&p->sb, (size_t)line));
		else if (line - (long)p->sb.count < p->rows)
			draw_row_at(p, win, (int)(line - (long)p->sb.count), y);
		if (m->selecting) {
			long a = m->sel_line < cur ? m->sel_line : cur, b = m->sel_line < cur ? cur : m->sel_line;

			if (line >= a && line <= b) {
				int from = 0, to = p->cols - 1;

				if (a == b) {
					from = m->sel_col < m->cx ? m->sel_col : m->cx;
					to = m->sel_col < m->cx ? m->cx : m->sel_col;
				} else if (line == a) {
					from = a == m->sel_line ? m->sel_col : m->cx;
				} else if (line == b) {
					to = b == m->sel_line ? m->sel_col : m->cx;
				}
				mvwchgat(win, p->top + y, p->left + from, to - from + 1, A_REVERSE, 0, NULL);
			}
		}
	}
}

void
pane_draw(struct pane *p, WINDOW *win, int all)
{
	if (p->copy.active) {
		draw_copy(p, win);
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
