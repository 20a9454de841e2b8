/* ini.h: INI text (inih) with line numbers, for the config and the themes:
 * every message about a line can name it. */
#ifndef FLEETMUX_INI_H
#define FLEETMUX_INI_H

/* Called for each key (and, with key and value NULL, each section line),
 * with the number of its line. Return nonzero to go on. */
typedef int (*ini_line_handler)(void *user, int line, const char *section, const char *key,
				const char *value);
/* Called once for each line that is not INI, with why. */
typedef void (*ini_bad_handler)(void *user, int line, const char *why);

/* Every line, in order: keys and sections to handler, the lines that are
 * not INI to bad (NULL: not told). 0, or the number of the first bad line. */
int ini_parse_lines(const char *text, ini_line_handler handler, ini_bad_handler bad, void *user);
/* The same without bad: 0, or the number of the first line that is not INI
 * (the others are still read). */
int ini_parse_text(const char *text, ini_line_handler handler, void *user);

#endif
