/* copy.c: copy mode: move over history and screen, search, select, copy.
 * Keys (vi-like): arrows or h j k l move; C-u C-d half pages; PageUp
 * PageDown pages; g G top and bottom; / searches up (older), ? down; n
 * repeats, N reverses; Space starts a selection; Enter copies it and leaves;
 * q or Escape leaves. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/keymap.h"
#include "fleetmux/pane.h"

long
pane_total_lines(const struct pane *p)
{
	return (long)p->sb.count + p->rows;
}

void
pane_line_text(struct pane *p, long i, struct buf *out)
{
	buf_reset(out);
	if (i < 0)
		return;
	if (i < (long)p->sb.count) {
		buf_puts(out, scrollback_get(&p->sb, (size_t)i)->text);
		return;
	}
	i -= (long)p->sb.count;
	if (i < p->rows) {
		VTermRect r = {.start_row = (int)i, .end_row = (int)i + 1, .start_col = 0, .end_col = p->cols};
		size_t cap = (size_t)p->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
		char *tmp = xmalloc(cap);
		size_t n = vterm_screen_get_text(p->vs, tmp, cap - 1, r);

		while (n > 0 && tmp[n - 1] == ' ')
			n--;
		buf_append(out, tmp, n);
		free(tmp);
	}
}

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

void
copy_enter(struct pane *p)
{
	struct copy_mode *m = &p->copy;

	if (m->active)
		return;
	memset(m, 0, sizeof *m);
	m->active = 1;
	m->top = (long)p->sb.count;
	m->cy = p->cursor.row;
	m->cx = p->cursor.col;
	m->dir = 1;
	clamp(p);
}

static void
leave(struct pane *p)
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
		leave(p);
}

/* Search from the line after (or before) the cursor; dir 1 is older. */
static int
search(struct pane *p, int dir)
{
	struct copy_mode *m = &p->copy;
	struct buf line;
	long total = pane_total_lines(p), start = m->top + m->cy;

	if (m->search[0] == '\0')
		return 0;
	buf_init(&line);
	for (long i = start - dir; i >= 0 && i < total; i -= dir) {
		char *at;

		pane_line_text(p, i, &line);
		if (line.data != NULL && (at = strstr(line.data, m->search)) != NULL) {
			/* Put the match on the third row, where it is easy to see. */
			m->top = i - (p->rows > 3 ? 2 : 0);
			m->cy = (int)(i - m->top);
			m->cx = (int)(at - line.data);
			clamp(p);
			m->cy = (int)(i - m->top);
			buf_free(&line);
			return 1;
		}
	}
	buf_free(&line);
	return 0;
}

static char *
selection_text(struct pane *p)
{
	struct copy_mode *m = &p->copy;
	long cur = m->top + m->cy, a, b;
	int ca, cb;
	struct buf out, line;

	if (m->sel_line < cur || (m->sel_line == cur && m->sel_col <= m->cx)) {
		a = m->sel_line, ca = m->sel_col, b = cur, cb = m->cx;
	} else {
		a = cur, ca = m->cx, b = m->sel_line, cb = m->sel_col;
	}
	buf_init(&out);
	buf_init(&line);
	for (long i = a; i <= b; i++) {
		size_t from = 0, to;

		pane_line_text(p, i, &line);
		to = line.len;
		/* Columns are characters here (a wide glyph counts once). */
		if (i == a)
			from = (size_t)ca < line.len ? (size_t)ca : line.len;
		if (i == b)
			to = (size_t)cb + 1 < line.len ? (size_t)cb + 1 : line.len;
		if (to > from)
			buf_append(&out, line.data + from, to - from);
		if (i != b)
			buf_putc(&out, '\n');
	}
	buf_free(&line);
	return buf_steal(&out);
}

int
copy_key(struct pane *p, wint_t ch, int is_key, char **copied)
{
	struct copy_mode *m = &p->copy;
	int key = is_key ? (int)(KEYMAP_FN | ch) : (int)ch;
	int half = p->rows / 2 > 0 ? p->rows / 2 : 1;

	*copied = NULL;
	if (m->prompt) {
		int r = line_edit(m->search, sizeof m->search, ch, is_key);

		if (r == LINE_DONE) {
			m->dir = m->prompt;
			m->prompt = 0;
			search(p, m->dir);
		} else if (r == LINE_CANCEL) {
			m->prompt = 0;
		}
		clamp(p);
		return 0;
	}
	switch (key) {
	case 'q':
	case 27:
		leave(p);
		return 0;
	case 'k': case KEYMAP_FN | KEY_UP: m->cy--; break;
	case 'j': case KEYMAP_FN | KEY_DOWN: m->cy++; break;
	case 'h': case KEYMAP_FN | KEY_LEFT: m->cx--; break;
	case 'l': case KEYMAP_FN | KEY_RIGHT: m->cx++; break;
	case '0': m->cx = 0; break;
	case '$': m->cx = p->cols - 1; break;
	case KEYMAP_CTRL('u'): m->top -= half; break;
	case KEYMAP_CTRL('d'): m->top += half; break;
	case KEYMAP_FN | KEY_PPAGE: m->top -= p->rows; break;
	case KEYMAP_FN | KEY_NPAGE: m->top += p->rows; break;
	case 'g': m->top = 0; m->cy = 0; break;
	case 'G': m->top = max_top(p); m->cy = p->rows - 1; break;
	case '/': m->prompt = 1; m->search[0] = '\0'; break;
	case '?': m->prompt = -1; m->search[0] = '\0'; break;
	case 'n': search(p, m->dir); break;
	case 'N': search(p, -m->dir); break;
	case ' ':
		m->selecting = 1;
		m->sel_line = m->top + m->cy;
		m->sel_col = m->cx;
		break;
	case '\r':
	case '\n':
		if (m->selecting) {
			*copied = selection_text(p);
			leave(p);
			return 1;
		}
		leave(p);
		return 0;
	default:
		break;
	}
	clamp(p);
	return 0;
}
