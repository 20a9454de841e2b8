/* fuzz_pane.c: libFuzzer over the pane path: bytes from a container go
 * through libvterm (and the batched scrolling in front of it) and are drawn
 * into an off-screen ncurses window, with history, copy mode (its motions,
 * search and selections) and resizes mixed in. The first two bytes give
 * the size; a 0xff byte followed by two more resizes the pane there.
 * Nothing may crash, leak, or put a control character into the window. */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "fleetmux/modekeys.h"
#include "fleetmux/pane.h"

static uv_loop_t loop;
static WINDOW *win;

static void
setup(void)
{
	static int done;
	FILE *out, *in;

	if (done)
		return;
	done = 1;
	setlocale(LC_ALL, "C.UTF-8");
	uv_loop_init(&loop);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (newterm("xterm-256color", out, in) == NULL)
		abort();
	start_color();
	use_default_colors();
	win = newwin(60, 220, 0, 0);
}

/* Nothing the container sent may reach the outer terminal as a control. */
static void
check_window(const struct pane *p)
{
	for (int y = p->top; y < p->top + p->rows && y < 60; y++)
		for (int x = p->left; x < p->left + p->cols && x < 220; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t at;
			short pair;

			if (mvwin_wch(win, y, x, &cc) == ERR)
				continue;
			if (getcchar(&cc, wch, &at, &pair, NULL) == ERR)
				continue;
			if (wch[0] != 0 && (wch[0] < 0x20 || wch[0] == 0x7f || (wch[0] >= 0x80 && wch[0] < 0xa0)))
				abort();
		}
}

static int
dim(uint8_t b, int max)
{
	return 1 + b % max;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pane *p;
	size_t at = 2, start;

	setup();
	if (size < 2)
		return 0;
	p = pane_new(&loop, dim(data[0], 58), dim(data[1], 218), 200);
	p->top = 1;
	p->left = 1;
	while (at < size) {
		start = at;
		while (at < size && data[at] != 0xff)
			at++;
		pane_feed(p, data + start, at - start);
		pane_draw(p, win, 0);
		if (at + 2 < size) {
			pane_resize(p, dim(data[at + 1], 58), dim(data[at + 2], 218));
			/* now and then look through history as copy mode does */
			if (data[at + 1] & 1) {
				/* Motions, a search for "e" (its matches drawn), and
				 * every kind of selection, copied. */
				static const wint_t keys[] = {'k', '/', 'e', '\r', 'g', 'w', 'v', 'e', '$',
							      'j', 'b', '^', 0x16, 'n', '0', 'V', 'N', 'l',
							      'r', 'G', 'h', 'y'};
				char *copied = NULL;

				copy_enter(p);
				pane_draw(p, win, 1);
				for (size_t k = 0; k < sizeof keys / sizeof keys[0] && p->copy.active; k++) {
					copy_key(p, keys[k], 0, &copied);
					free(copied);
					copied = NULL;
					if (k % 4 == 3)
						pane_draw(p, win, 1);
				}
				pane_draw(p, win, 1);
				if (p->copy.active)
					copy_key(p, 'q', 0, &copied);
				free(copied);
			}
		}
		at += 3;
	}
	pane_draw(p, win, 1);
	check_window(p);
	pane_free(p);
	uv_run(&loop, UV_RUN_NOWAIT);
	return 0;
}
