/* overlay_text.c: an overlay's lines, wrapped to its width in screen
 * columns (wide glyphs take two). Pure: tested without a screen. */
#include "fleetmux/overlay.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fleetmux/fit.h"
#include "fleetmux/util.h"

/* How many bytes of s fill at most room columns: up to the last blank
 * when the text goes on past the room, else as many as fit; never none. */
static size_t
fit(const char *s, int room)
{
	size_t o = 0, last_blank = 0;
	int cols = 0, w;

	while (s[o]) {
		size_t n = fit_char(s + o, &w);

		if (cols + w > room)
			break;
		if (s[o] == ' ')
			last_blank = o;
		cols += w;
		o += n;
	}
	if (s[o] == '\0')
		return o;
	if (s[o] == ' ')
		return o;
	if (last_blank > 0)
		return last_blank;
	if (o == 0) /* not even one character fits: it goes alone */
		o = fit_char(s, &w);
	return o;
}

static void
push(struct ovl_page *pg, char *text, size_t bold, size_t accent, enum ovl_style style)
{
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? 2 * pg->cap : 64;
		pg->v = xrealloc(pg->v, pg->cap * sizeof *pg->v);
	}
	pg->v[pg->n++] = (struct ovl_line){text, bold, accent, style};
}

static char *
indented(int indent, const char *s, size_t n)
{
	char *line = xmalloc((size_t)indent + n + 1);

	memset(line, ' ', (size_t)indent);
	memcpy(line + indent, s, n);
	line[indent + n] = '\0';
	return line;
}

void
ovl_page_add(struct ovl_page *pg, const char *lead, size_t bold, size_t accent, const char *text,
	     int width, enum ovl_style style)
{
	int lw = fit_columns(lead), indent = lw;
	size_t n, llen = strlen(lead);
	char *first;

	if (width < 1)
		width = 1;
	if (lw > 0 && lw + 16 > width && *text != '\0') {
		/* the lead alone, then the text below it */
		push(pg, xstrdup(lead), bold, accent, style);
		indent = lw > 0 && width > 8 ? 4 : 0;
	} else {
		n = fit(text, width - lw);
		first = xmalloc(llen + n + 1);
		memcpy(first, lead, llen);
		memcpy(first + llen, text, n);
		first[llen + n] = '\0';
		push(pg, first, bold, accent, style);
		text += n;
	}
	for (;;) {
		while (*text == ' ')
			text++;
		if (*text == '\0')
			break;
		n = fit(text, width - indent);
		push(pg, indented(indent, text, n), 0, 0, style);
		text += n;
	}
}

void
ovl_page_free(struct ovl_page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		free(pg->v[i].text);
	free(pg->v);
	memset(pg, 0, sizeof *pg);
}

long
ovl_first_line(long scroll, size_t lines, int rows)
{
	long max = rows > 0 && lines > (size_t)rows ? (long)lines - rows : 0;

	if (scroll < 0)
		return 0;
	return scroll > max ? max : scroll;
}
