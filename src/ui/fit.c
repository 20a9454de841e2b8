/* fit.c: text into columns, and the status line's and a pane title's parts
 * into the columns there are. Widths are columns on the screen, never
 * bytes: "│" is three bytes and one column, "中" three bytes and two. */
#include "fleetmux/fit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

size_t
fit_char(const char *s, int *cols)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cols = 1;
		return 1;
	}
	w = wc < 0x20 || wc == 0x7f ? 1 : wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return n;
}

int
fit_columns(const char *s)
{
	int total = 0, w;

	while (*s) {
		s += fit_char(s, &w);
		total += w;
	}
	return total;
}

size_t
fit_prefix(const char *s, int cols)
{
	const char *p = s;
	int used = 0, w;

	while (*p) {
		size_t n = fit_char(p, &w);

		if (used + w > cols)
			break;
		used += w;
		p += n;
	}
	return (size_t)(p - s);
}

size_t
fit_suffix_start(const char *s, int cols)
{
	int total = fit_columns(s), w;
	const char *p = s;

	/* Drop characters from the start until the rest fits. */
	while (*p && total > cols) {
		p += fit_char(p, &w);
		total -= w;
	}
	return (size_t)(p - s);
}

void
fit_cut(const char *s, int cols, int keep_end, char *out, size_t size)
{
	if (size == 0)
		return;
	if (cols <= 0) {
		out[0] = '\0';
		return;
	}
	if (fit_columns(s) <= cols) {
		snprintf(out, size, "%s", s);
		return;
	}
	/* "…" takes one column. */
	if (keep_end)
		snprintf(out, size, "…%s", s + fit_suffix_start(s, cols - 1));
	else
		snprintf(out, size, "%.*s…", (int)fit_prefix(s, cols - 1), s);
}

static int
min_int(int a, int b)
{
	return a < b ? a : b;
}

void
fit_status(int cols, int loud, int counts, int message, int right, struct status_fit *out)
{
	int room;

	if (cols < 0)
		cols = 0;
	out->right = right <= cols ? right : 0;
	out->right_x = cols - out->right;
	room = out->right_x;
	out->loud = min_int(loud, room);
	room -= out->loud;
	out->message = min_int(message, room);
	room -= out->message;
	out->counts = min_int(counts, room);
}

/* Take up to *excess columns from got[i]. */
static void
shrink(int got[TITLE_PARTS], int i, int *excess)
{
	int d = min_int(*excess, got[i]);

	got[i] -= d;
	*excess -= d;
}

/* Take up to *excess columns from got[i], leaving it at least floor. */
static void
shrink_to(int got[TITLE_PARTS], int i, int floor, int *excess)
{
	int d = min_int(*excess, got[i] - floor);

	if (d <= 0)
		return;
	got[i] -= d;
	*excess -= d;
}

void
fit_title(int width, const int want[TITLE_PARTS], int got[TITLE_PARTS])
{
	int total = 0, excess;

	for (int i = 0; i < TITLE_PARTS; i++) {
		got[i] = want[i] > 0 ? want[i] : 0;
		total += got[i];
	}
	excess = total - (width > 0 ? width : 0);
	if (excess <= 0)
		return;
	/* The application's title, then the name; a part cut to less than
	 * three columns says nothing and goes. */
	shrink(got, TITLE_APP, &excess);
	if (got[TITLE_APP] < 3) {
		excess -= got[TITLE_APP];
		got[TITLE_APP] = 0;
	}
	/* The name down to a few columns (its end: the container), then a
	 * long badge ("failed: " and a server's whole sentence) down to a few
	 * more, then the rest of the name. */
	shrink_to(got, TITLE_NAME, TITLE_NAME_FLOOR, &excess);
	shrink_to(got, TITLE_BADGE, TITLE_BADGE_FLOOR, &excess);
	shrink(got, TITLE_NAME, &excess);
	if (got[TITLE_NAME] < 3 && got[TITLE_NAME] > 0) {
		excess -= got[TITLE_NAME];
		got[TITLE_NAME] = 0;
	}
	/* Still too wide: the marks from the end, then the badge, the number. */
	for (int i = TITLE_PARTS - 1; i >= 0 && excess > 0; i--)
		shrink(got, i, &excess);
}
