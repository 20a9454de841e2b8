/* chart.c: a series as block characters, pure (tests/unit/test_chart.c). */
#include "fleetmux/chart.h"

#include <math.h>
#include <string.h>

#include "fleetmux/util.h"

/* An eighth of a row at a time: " " then U+2581..U+2588. */
static const char *const eighths[9] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

void
chart_render(const double *v, size_t n, double max, int width, int height, char **rows)
{
	size_t skip = n > (size_t)(width > 0 ? width : 0) ? n - (size_t)width : 0;
	int pad = width - (int)(n - skip); /* blank columns before the oldest value shown */

	for (int r = 0; r < height; r++) {
		struct buf line;
		int floor8 = (height - 1 - r) * 8; /* eighths below this row */

		buf_init(&line);
		for (int c = 0; c < width; c++) {
			double x = c < pad ? -1 : v[skip + (size_t)(c - pad)];
			int level = 0, cell;

			if (x > 0 && max > 0 && !isnan(x)) {
				double f = x >= max ? 1 : x / max;

				level = (int)lround(f * height * 8);
				if (level == 0)
					level = 1;
			}
			cell = level - floor8;
			buf_puts(&line, eighths[cell < 0 ? 0 : cell > 8 ? 8 : cell]);
		}
		rows[r] = line.data != NULL ? line.data : xstrdup("");
	}
}

double
chart_nice_max(double max, double floor)
{
	double p = 1, top;

	if (!(max > floor))
		return floor;
	while (p * 10 <= max)
		p *= 10;
	while (p > max)
		p /= 10;
	top = p;
	while (top < max)
		top = top == p ? 2 * p : top == 2 * p ? 5 * p : 10 * p;
	return top;
}
