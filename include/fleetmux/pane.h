/* pane.h: one terminal: a libvterm VTerm fed by a session, drawn into
 * ncurses from damage. The pane knows nothing of the wire. */
#ifndef FLEETMUX_PANE_H
#define FLEETMUX_PANE_H

#include <ncurses.h>
#include <vterm.h>
#include <wchar.h>

#include "fleetmux/fastscroll.h"
#include "fleetmux/provider.h"
#include "fleetmux/record.h"
#include "fleetmux/scrollback.h"

/* Copy mode: a view over history and screen, with a cursor. Lines are
 * numbered 0.. over the scrollback (oldest first) then the screen rows. */
struct copy_mode {
	int active;
	long top;                /* the line shown in the first row */
	int cy, cx;              /* cursor in the view */
	int selecting;
	long sel_line;
	int sel_col;
	int prompt;              /* typing a search: 1 up (older), -1 down */
	int dir;                 /* the last search's direction */
	char search[128];
};

struct pane {
	VTerm *vt;
	VTermScreen *vs;
	struct fastscroll fs;      /* when output may scroll in batches */
	struct buf line_scratch;   /* a history line being made */
	struct buf feed_scratch;   /* bytes on their way to libvterm */
	int rows, cols;            /* terminal size */
	int top, left;             /* where the content sits on the screen */
	unsigned char *dirty;      /* one flag a row */
	int any_dirty;
	VTermPos cursor;
	int cursor_visible;
	int cursor_shape;          /* VTERM_PROP_CURSORSHAPE_* */
	int cursor_blink;
	int altscreen;
	int mouse_mode;
	int bell;
	char title[128];           /* from OSC 0/2, control characters stripped */

	struct session *session;
	enum session_state state;
	int exit_code;
	char reason[160];
	char *region, *group_id, *group_name, *container;
	int number;                /* shown on the border, 1-based */
	int marked;                /* a broadcast target when any pane is marked */
	struct recorder *rec;      /* asciicast recording, or NULL */
	struct scrollback sb;
	struct copy_mode copy;
	int prov;                  /* the provider it came from */
	int refused;               /* keys arrived while it was not live */
	struct tui_run *job;       /* a results pane's run (C-b !), or NULL */

	/* Resize coalescing: the latest size waits ~50 ms to settle. */
	uv_timer_t resize_timer;
	unsigned sent_cols, sent_rows;

	void (*on_dirty)(void *arg, struct pane *p);   /* the app schedules a frame */
	void *arg;
};

struct pane *pane_new(uv_loop_t *loop, int rows, int cols, size_t scrollback_lines);
/* Closes the session and frees the pane once libuv lets go of its timer. */
void pane_free(struct pane *p);
void pane_feed(struct pane *p, const unsigned char *data, size_t len);
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

/* copy.c: copy mode. */
void copy_enter(struct pane *p);
/* A key in copy mode. Returns 1 when text was copied into *copied (caller
 * frees), 0 otherwise; copy mode may have ended (p->copy.active). */
int copy_key(struct pane *p, wint_t ch, int is_key, char **copied);
/* Scroll by n lines (negative: older), entering copy mode if needed. */
void copy_scroll(struct pane *p, int n);
/* The text of line i (scrollback or screen), in out. */
void pane_line_text(struct pane *p, long i, struct buf *out);
long pane_total_lines(const struct pane *p);

/* lineedit.c: a one-line prompt (filter, search, command). Returns
 * LINE_DONE on Enter, LINE_CANCEL on Escape, else LINE_EDITING; the text
 * stays valid UTF-8 within size. */
enum { LINE_EDITING, LINE_DONE, LINE_CANCEL };
int line_edit(char *text, size_t size, wint_t ch, int is_key);

/* color.c: libvterm colours to ncurses (pure). */
int color_index(const VTermColor *c, VTermScreen *vs, int ncolors, int is_fg);
int color_rgb_to_256(int r, int g, int b);
attr_t color_attrs(const VTermScreenCellAttrs *a);

#endif
