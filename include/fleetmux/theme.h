/* theme.h: the colours of fleetmux's own parts (sidebar, borders, badges,
 * status line), from INI files in themes/. A key a theme leaves out keeps
 * the default's colour. Colours: default, black, red, green, yellow, blue,
 * magenta, cyan, white, bright-NAME, or 0..255. */
#ifndef FLEETMUX_THEME_H
#define FLEETMUX_THEME_H

#include "fleetmux/util.h"

struct theme {
	short status_fg, status_bg;
	short border, border_focus;
	short badge_live, badge_wait, badge_bad;
	short sidebar_running, sidebar_pending, sidebar_failed, sidebar_cursor_fg, sidebar_cursor_bg;
	short broadcast_fg, broadcast_bg;
};

void theme_default(struct theme *t);
/* Parse theme text over *t (start from theme_default). Each bad line goes
 * to errors as "name:line: why"; returns the number of bad lines. */
int theme_parse(struct theme *t, const char *text, const char *name, struct buf *errors);
/* Find a theme by name ($FLEETMUX_THEMES/NAME.theme, else themes/NAME.theme
 * beside the program: installed or in the source tree, see datadir.h) or by
 * path, and load it. -FM_ENOTFOUND with the places tried in
 * fm_error_message(). */
int theme_load(struct theme *t, const char *name, struct buf *errors);

#endif
