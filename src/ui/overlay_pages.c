/* overlay_pages.c: the overlays' pages from the app's state, pure reads:
 * the help from the key tables as they are bound (keyhelp.c), the log
 * from the messages kept (messages.c), a group's details from the
 * sidebar's listing (details_page.c). draw_overlay.c draws them and
 * overlay.c scrolls them, over the same area and lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/fit.h"
#include "fleetmux/keyhelp.h"
#include "tui.h"

#define KEYS_COLS 26
#define NAME_COLS 20

struct rect
overlay_area(const struct app *a)
{
	int sw = a->sidebar_width;
	int x = a->sidebar_visible && a->cols - sw - 1 >= 60 ? sw + 1 : 0;

	return (struct rect){x, 0, a->cols - x, a->rows - 1};
}

int
overlay_text_width(const struct app *a)
{
	return overlay_area(a).w - 2;
}

int
overlay_text_rows(const struct app *a)
{
	return overlay_area(a).h - 2;
}

/* s and blanks after it up to cols columns, into out. */
static void
pad(struct buf *out, const char *s, int cols)
{
	buf_puts(out, s);
	for (int w = fit_columns(s); w < cols; w++)
		buf_putc(out, ' ');
}

static void
help_page(const struct app *a, int width, struct ovl_page *pg)
{
	const char *filter = a->overlay.filter;
	struct keyhelp h;
	int keys_w = 0, name_w = 0, shown = 0;
	char lead[32];

	keyhelp_build(&h, &a->prefix_keys, &a->sidebar_keys, a->opt.prefix);
	keymap_key_name(a->opt.prefix, lead, sizeof lead);
	for (size_t i = 0; i < h.n; i++) {
		int kw = fit_columns(h.v[i].keys), nw = fit_columns(h.v[i].name);

		if (!keyhelp_row_matches(&h.v[i], filter))
			continue;
		if (kw > keys_w && kw <= KEYS_COLS)
			keys_w = kw;
		if (nw > name_w)
			name_w = nw < NAME_COLS ? nw : NAME_COLS;
	}
	if (filter[0] == '\0') {
		char intro[200];

		snprintf(intro, sizeof intro,
			 "The prefix is %s. %s : runs any name below, with words where shown.", lead, lead);
		ovl_page_add(pg, "", 0, 0, intro, width, OVL_NOTE);
	}
	for (int g = 0; g < KG_COUNT; g++) {
		int first = 1;

		for (size_t i = 0; i < h.n; i++) {
			const struct keyhelp_row *r = &h.v[i];
			struct buf line;
			size_t bold;

			if (r->group != (enum key_group)g || !keyhelp_row_matches(r, filter))
				continue;
			if (first) {
				char head[64];

				snprintf(head, sizeof head, "%s%s%s", key_group_name(g),
					 g == KG_COMMANDS ? " — after " : "", g == KG_COMMANDS ? lead : "");
				if (g == KG_COMMANDS)
					strncat(head, " :", sizeof head - strlen(head) - 1);
				if (pg->n > 0)
					ovl_page_add(pg, "", 0, 0, "", width, OVL_TEXT);
				ovl_page_add(pg, "", 0, 0, head, width, OVL_HEADING);
				first = 0;
			}
			buf_init(&line);
			if (fit_columns(r->keys) > keys_w) {
				/* keys wider than their column go on a line of their own */
				ovl_page_add(pg, r->keys, strlen(r->keys), 0, "", width, OVL_TEXT);
				pad(&line, "", keys_w);
			} else {
				pad(&line, r->keys, keys_w);
			}
			buf_puts(&line, "  ");
			bold = line.len;
			pad(&line, r->name, name_w);
			buf_puts(&line, "  ");
			ovl_page_add(pg, line.data, bold, line.len - bold, r->help ? r->help : "", width,
				     OVL_TEXT);
			buf_free(&line);
			shown++;
		}
	}
	if (shown == 0) {
		char none[200];

		snprintf(none, sizeof none, "no key, name or help holds '%s'", filter);
		ovl_page_add(pg, "", 0, 0, none, width, OVL_NOTE);
	}
	keyhelp_free(&h);
}

static void
log_page(const struct app *a, int width, struct ovl_page *pg)
{
	const char *filter = a->overlay.filter;
	size_t n = messages_count(&a->messages), shown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct message *m = messages_get(&a->messages, i);
		char when[16];
		struct tm tm;

		localtime_r(&m->at, &tm);
		strftime(when, sizeof when, "%H:%M:%S  ", &tm);
		if (filter[0] && !strcasestr(m->text, filter) && !strcasestr(when, filter))
			continue;
		ovl_page_add(pg, when, 0, 0, m->text, width, m->error ? OVL_ERROR : OVL_TEXT);
		shown++;
	}
	if (shown == 0)
		ovl_page_add(pg, "", 0, 0, filter[0] ? "no message holds that" : "nothing said yet", width,
			     OVL_NOTE);
}

/* The details' lines that hold the filter (a field, an event), or all. */
static void
details_filtered(const struct app *a, int width, struct ovl_page *pg)
{
	const char *filter = a->overlay.filter;
	size_t keep = 0;

	details_page(a, width, pg);
	if (filter[0] == '\0')
		return;
	for (size_t i = 0; i < pg->n; i++) {
		if (strcasestr(pg->v[i].text, filter))
			pg->v[keep++] = pg->v[i];
		else
			free(pg->v[i].text);
	}
	pg->n = keep;
	if (keep == 0)
		ovl_page_add(pg, "", 0, 0, "no line holds that", width, OVL_NOTE);
}

void
overlay_page(const struct app *a, struct ovl_page *pg)
{
	int width = overlay_text_width(a);

	memset(pg, 0, sizeof *pg);
	if (a->overlay.kind == OVERLAY_HELP)
		help_page(a, width, pg);
	else if (a->overlay.kind == OVERLAY_LOG)
		log_page(a, width, pg);
	else if (a->overlay.kind == OVERLAY_DETAILS)
		details_filtered(a, width, pg);
}
