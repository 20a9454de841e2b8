/* ini.c: inih over a string, counting lines. Debian's inih gives the
 * handler no line number, no word of the lines it could not read after the
 * first, and no call for a section line; so the reader hands inih one line
 * at a time, looks at each itself (comment, section, or a line that must
 * reach the handler), and after inih has read it knows whether it did. */
#include "fleetmux/ini.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/util.h"

struct ini_reader {
	const char *next;   /* the text not yet read */
	int line;           /* the line inih has now */
	int must_call;      /* it is a key line: inih calls the handler, or it is bad */
	int called;
	int first_bad;
	ini_line_handler handler;
	ini_bad_handler bad;
	void *user;
};

static void
report_bad(struct ini_reader *r, int line, const char *why)
{
	if (r->first_bad == 0)
		r->first_bad = line;
	if (r->bad != NULL)
		r->bad(r->user, line, why);
}

/* The line inih has read: a key line the handler never saw is one inih
 * could not parse. */
static void
settle(struct ini_reader *r)
{
	if (r->must_call && !r->called)
		report_bad(r, r->line, "cannot parse this line");
	r->must_call = r->called = 0;
}

/* inih's reading of "[name]": the ']' must come before an inline comment
 * (';' after a space). The name, or NULL when it is not a section. */
static char *
section_name(const char *start)
{
	for (const char *p = start + 1; *p != '\0' && *p != '\n'; p++) {
		if (*p == ']')
			return xstrndup(start + 1, (size_t)(p - start - 1));
		if (*p == ';' && (p[-1] == ' ' || p[-1] == '\t'))
			return NULL;
	}
	return NULL;
}

static char *
read_line(char *str, int num, void *stream)
{
	struct ini_reader *r = stream;
	const char *start, *nl;
	size_t n;

	settle(r);
	if (*r->next == '\0')
		return NULL;
	r->line++;
	nl = strchr(r->next, '\n');
	n = nl != NULL ? (size_t)(nl - r->next) + 1 : strlen(r->next);
	if (n > (size_t)num - 1) {
		char why[64];

		/* inih would read it as two lines, the rest as a key of its own:
		 * refuse it whole, and give inih an empty line in its place. */
		snprintf(why, sizeof why, "this line is longer than %d characters", num - 2);
		report_bad(r, r->line, why);
		r->next += n;
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, r->next, n);
	str[n] = '\0';
	r->next += n;
	start = str;
	if (r->line == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	start += strspn(start, " \t\r");
	if (*start == '\0' || *start == '\n' || *start == ';' || *start == '#')
		return str;
	if (*start == '[') {
		char *name = section_name(start);

		if (name == NULL) {
			r->must_call = 1; /* never called: reported as bad */
			return str;
		}
		r->handler(r->user, r->line, name, NULL, NULL);
		free(name);
		return str;
	}
	r->must_call = 1;
	return str;
}

/* "v3   # or v1" → "v3": a '#' after a space starts a comment, as in the
 * README's examples (inih itself only knows ';' there). */
static int
with_line(void *user, const char *section, const char *key, const char *value)
{
	struct ini_reader *r = user;
	char *v;
	size_t n = 0;
	int rc;

	r->called = 1;
	if (value == NULL)
		return r->handler(r->user, r->line, section, key, value);
	v = xstrdup(value);
	while (v[n] != '\0' && !(v[n] == '#' && n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')))
		n++;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	v[n] = '\0';
	rc = r->handler(r->user, r->line, section, key, v);
	free(v);
	return rc;
}

int
ini_parse_lines(const char *text, ini_line_handler handler, ini_bad_handler bad, void *user)
{
	struct ini_reader r = {text, 0, 0, 0, 0, handler, bad, user};

	ini_parse_stream(read_line, &r, with_line, &r);
	settle(&r);
	return r.first_bad;
}

int
ini_parse_text(const char *text, ini_line_handler handler, void *user)
{
	return ini_parse_lines(text, handler, NULL, user);
}
