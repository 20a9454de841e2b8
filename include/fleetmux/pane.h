/* pane.h: one terminal: a libvterm VTerm fed by a session, drawn into
 * ncurses from damage. The pane knows nothing of the wire. */
#ifndef FLEETMUX_PANE_H
#define FLEETMUX_PANE_H

#include <ncurses.h>
#include <vterm.h>
#include <wchar.h>

#include "fleetmux/copytext.h"
#include "fleetmux/fastscroll.h"
#include "fleetmux/session.h"
#include "fleetmux/record.h"
#include "fleetmux/scrollback.h"

/* Copy mode: a view over history and screen, with a cursor. Lines are
 * numbered 0.. over the scrollback (oldest first) then the screen rows;
 * columns are display columns (copytext.h). */
struct copy_mode {
	int active;
	long top;                /* the line shown in the first row */
	int cy, cx;              /* cursor in the view */
	int selecting;           /* 0, or how: enum copytext_sel */
	long sel_line;           /* where the selection started */
	int sel_col;
	int prompt;              /* the UI is taking a search: 1 up (older), -1 down */
	int dir;                 /* the last search's direction */
	int highlight;           /* a search ran: its matches in view are shown */
	char search[128];        /* what copy_search looks for */
};

struct pane {
	VTerm *vt;
	VTermScreen *vs;
	struct fastscroll fs;      /* when output may scroll in batches */
	struct buf line_scratch;   /* a history line being made */
	struct buf feed_scratch;   /* bytes on their way to libvterm */
	struct buf queued;         /* output waiting for the next frame (pane_queue) */
	int rows, cols;            /* terminal size */
	int top, left;             /* where the content sits on the screen */
	unsigned char *dirty;      /* one flag a row */
	unsigned char *wrapped;    /* one flag a row of the primary screen: autowrap
				    * took its line on to the next row */
	int reflowing;             /* the pane is rewrapping its own lines */
	unsigned long pushes;      /* rows the screen gave to history */
	int any_dirty;
	VTermPos cursor;
	int cursor_visible;
	int cursor_shape;          /* VTERM_PROP_CURSORSHAPE_* */
	int cursor_blink;
	int altscreen;
	int screen_reverse;        /* DECSCNM: the whole screen in reverse video */
	int mouse_mode;
	int bell;
	char title[128];           /* from OSC 0/2, control characters stripped */

	struct session *session;
	enum session_state state;
	int exit_code;
	char reason[160];
	struct recorder *rec;      /* asciicast recording, or NULL */
	struct scrollback sb;
	struct copy_mode copy;
	int refused;               /* keys arrived while it was not live */

	/* Resize coalescing: the latest size waits ~50 ms to settle. */
	uv_timer_t resize_timer;
	unsigned sent_cols, sent_rows;

	void (*on_dirty)(void *arg, struct pane *p);   /* the app schedules a frame */
	void *arg;
};

struct pane *pane_new(uv_loop_t *loop, int rows, int cols, size_t scrollback_lines);
/* Closes the session and frees the pane once libuv lets go of its timer. */
void pane_free(struct pane *p);
/* Output into the terminal, now (after anything queued). */
void pane_feed(struct pane *p, const unsigned char *data, size_t len);
/* Output into the terminal by the next frame: a flood arriving in small
 * reads is taken in one piece, where most lines go straight to history. A
 * frame is asked for; pane_flush (and everything that reads or drives the
 * terminal: drawing, keys, resizes, copy mode) takes the queue first. */
void pane_queue(struct pane *p, const unsigned char *data, size_t len);
void pane_flush(struct pane *p);
/* New size: the terminal at once, the session once the size settles. */
void pane_resize(struct pane *p, int rows, int cols);
void pane_attach(struct pane *p, struct session *s);
/* A key from ncurses: is_key for KEY_* codes, else a character. */
void pane_key(struct pane *p, wint_t ch, int is_key);
/* Bracketed paste where the application asked for it. */
void pane_paste(struct pane *p, const char *text, size_t len);
/* Draw dirty rows (or all) onto win at the pane's place. */
void pane_draw(struct pane *p, WINDOW *win, int all);
/* The state badge: "connecting", "live", "exited 3", "failed: why". */
void pane_badge(const struct pane *p, char *out, size_t len);

/* copy.c: copy mode, a view with a cursor; its keys are the UI's
 * (modekeys.h). Every move keeps the cursor and the view in bounds. */
void copy_enter(struct pane *p);
void copy_leave(struct pane *p);
/* Scroll by n lines (negative: older), entering copy mode if needed; back
 * at the live screen it leaves, as tmux does. */
void copy_scroll(struct pane *p, int n);
/* The view by n lines (negative: older), the cursor's row kept. */
void copy_page(struct pane *p, long n);
/* The cursor by rows and columns; the view follows it. */
void copy_move(struct pane *p, int rows, int cols);
/* vi's motions from the cursor (copytext.h says what each does). */
enum copy_motion {
	COPY_WORD_NEXT,  /* w */
	COPY_WORD_END,   /* e */
	COPY_WORD_PREV,  /* b */
	COPY_LINE_START, /* 0 */
	COPY_LINE_FIRST, /* ^ */
	COPY_LINE_END,   /* $: the last character, not the last column */
};
void copy_motion(struct pane *p, enum copy_motion what);
/* The oldest line, top left; the newest, bottom row. */
void copy_to_top(struct pane *p);
void copy_to_bottom(struct pane *p);
/* Look for copy.search from the cursor, on its line first; dir 1 is
 * older, -1 newer. 1 when found (the cursor is on it), else 0. From then
 * on the matches in view are highlighted. */
int copy_search(struct pane *p, int dir);
/* Start a selection of characters at the cursor. */
void copy_select(struct pane *p);
/* v, V, C-v: start a selection of that kind at the cursor, or turn the
 * one there is into that kind, or end it when it is that kind already. */
void copy_select_toggle(struct pane *p, enum copytext_sel mode);
/* The text from the selection's start to the cursor (caller frees): by
 * display columns, lines that autowrap cut joined without a newline. */
char *copy_selection(struct pane *p);
/* The text of line i (scrollback or screen), in out: one character a
 * cell, trailing blanks dropped. */
void pane_line_text(struct pane *p, long i, struct buf *out);
long pane_total_lines(const struct pane *p);
/* Line i decoded into cells, its text kept in scratch. */
void copy_line(struct pane *p, long i, struct copytext_line *out, struct buf *scratch);
/* copy_draw.c: the view: lines from copy.top, the selection reversed, the
 * search's matches highlighted (the one under the cursor apart). */
void copy_draw(struct pane *p, WINDOW *win);
/* pane.c: line i (history or screen) drawn at view row y. */
void pane_draw_line(struct pane *p, WINDOW *win, long i, int y);

/* color.c: libvterm colours to ncurses (pure). */
int color_index(const VTermColor *c, VTermScreen *vs, int ncolors, int is_fg);
int color_rgb_to_256(int r, int g, int b);
/* A cell's style as ncurses attribute bits, kept in history as they are:
 * faint is A_DIM, concealed A_INVIS (drawn as blanks: color_drawn), and
 * strikethrough, which ncurses cannot draw, FM_A_STRIKE, a bit that is
 * never handed to ncurses. */
#define FM_A_STRIKE A_HORIZONTAL
attr_t color_attrs(const VTermScreenCellAttrs *a);
/* The inverse, for lines handed back from history. */
void color_attrs_to_vterm(attr_t at, VTermScreenCellAttrs *a);
/* What ncurses is handed for a cell of style at; *blank when its text must
 * be drawn as blanks (concealed). */
attr_t color_drawn(attr_t at, int *blank);
/* A colour kept in history (as color_index gave it) back to libvterm's, for
 * lines handed back to the screen when it grows. */
void color_from_index(int idx, int is_fg, int ncolors, VTermColor *out);
/* How a screen cell is drawn (and kept in history): colours and
 * attributes, with an erased cell keeping only its background. */
void color_cell_style(const VTermScreenCell *cell, VTermScreen *vs, int ncolors, int *fg, int *bg,
		      attr_t *at);
/* The SGR that gives back a history run's style (as color_cell_style kept
 * it), from a plain pen. */
void color_sgr(struct buf *out, int32_t fg, int32_t bg, uint32_t attrs, int ncolors);

#endif
