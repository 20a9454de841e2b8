/* chart.h: a series of values drawn as text, for a terminal: columns of
 * block characters (▁▂▃▄▅▆▇█, eighths of a row each), the newest value at
 * the right edge. Pure: values in, rows of text out (the details view's
 * CPU and memory history, C-b i). */
#ifndef FLEETMUX_CHART_H
#define FLEETMUX_CHART_H

#include <stddef.h>

/* rows[0..height-1], top row first, each a string of exactly width
 * columns (UTF-8; the caller frees each). One column a value, the last
 * width values of v[0..n) right-aligned (older ones drop off the left);
 * a negative value is a gap (nothing measured). max is the chart's top:
 * a value at or above it fills the column; max <= 0 draws only gaps. A
 * value above zero shows at least an eighth, so "a little" never looks
 * like "nothing". */
void chart_render(const double *v, size_t n, double max, int width, int height, char **rows);

/* A top for values up to max: 1, 2 or 5 times a power of ten, at least
 * floor (CPU: 100, one core). */
double chart_nice_max(double max, double floor);

#endif
