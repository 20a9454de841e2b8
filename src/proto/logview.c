/* logview.c: a merged log view's filters, kept lines and look (logview.h). */
#include "fleetmux/logview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logtext.h"

static const char *const expr_names[LOGVIEW_EXPRS] = {"include", "exclude", "highlight"};

void
logview_filter_init(struct logview_filter *f)
{
	memset(f, 0, sizeof *f);
}

void
logview_filter_free(struct logview_filter *f)
{
	for (int k = 0; k < LOGVIEW_EXPRS; k++)
		if (f->expr[k] != NULL) {
			regfree(&f->re[k]);
			free(f->expr[k]);
		}
	logview_filter_init(f);
}

const char *
logview_expr_name(enum logview_expr k)
{
	return k < LOGVIEW_EXPRS ? expr_names[k] : "?";
}

int
logview_filter_set(struct logview_filter *f, enum logview_expr k, const char *expr, char *why,
		   size_t whylen)
{
	regex_t re;
	int rc;

	memset(&re, 0, sizeof re);
	if (k >= LOGVIEW_EXPRS) {
		snprintf(why, whylen, "no such expression");
		return -1;
	}
	if (expr != NULL && *expr != '\0') {
		/* Compiled before anything is dropped: a bad one changes nothing. */
		if ((rc = regcomp(&re, expr, REG_EXTENDED)) != 0) {
			char reason[160];

			regerror(rc, &re, reason, sizeof reason);
			snprintf(why, whylen, "%s: '%s' is not a POSIX extended regular expression: %s",
				 expr_names[k], expr, reason);
			return -1;
		}
	}
	if (f->expr[k] != NULL) {
		regfree(&f->re[k]);
		free(f->expr[k]);
		f->expr[k] = NULL;
	}
	if (expr != NULL && *expr != '\0') {
		f->re[k] = re;
		f->expr[k] = xstrdup(expr);
	}
	return 0;
}

static int
matches(const struct logview_filter *f, enum logview_expr k, const char *tag, const char *plain)
{
	return regexec(&f->re[k], plain, 0, NULL, 0) == 0 ||
	       (tag != NULL && regexec(&f->re[k], tag, 0, NULL, 0) == 0);
}

int
logview_keeps(const struct logview_filter *f, const char *tag, const char *plain)
{
	if (f->expr[LOGVIEW_INCLUDE] != NULL && !matches(f, LOGVIEW_INCLUDE, tag, plain))
		return 0;
	if (f->expr[LOGVIEW_EXCLUDE] != NULL && matches(f, LOGVIEW_EXCLUDE, tag, plain))
		return 0;
	return 1;
}

/* The plain text with each match of the highlight in reverse video; 0
 * when nothing matched (and nothing was written). */
static int
highlighted(struct buf *out, const regex_t *re, const char *plain)
{
	size_t len = strlen(plain), at = 0, done = 0;
	int found = 0;
	regmatch_t m;

	while (at <= len && regexec(re, plain + at, 1, &m, at > 0 ? REG_NOTBOL : 0) == 0) {
		size_t so = at + (size_t)m.rm_so, eo = at + (size_t)m.rm_eo;

		if (eo > so) {
			logtext_body(out, plain + done, so - done);
			buf_puts(out, "\033[7m");
			logtext_body(out, plain + so, eo - so);
			buf_puts(out, "\033[27m");
			done = eo;
			found = 1;
		}
		/* An empty match moves on a byte, or it would match there again. */
		at = eo > so ? eo : eo + 1;
	}
	if (found)
		logtext_body(out, plain + done, len - done);
	return found;
}

void
logview_render(struct buf *out, const struct logview_filter *f, const char *tag, int color,
	       int timestamps, const struct log_line *l, const char *plain)
{
	size_t mark;

	/* The colours and the bars of `fleetmux logs` (logout.c). */
	if (color >= 0)
		buf_printf(out, "\033[%s%dm", color >= 6 ? "1;" : "", 31 + color % 6);
	logtext_body(out, tag, strlen(tag));
	buf_puts(out, color >= 0 ? "\033[0m" : "");
	buf_puts(out, l->stream == LOG_STDERR ? " ! " : " | ");
	if (timestamps && l->time_ns != FM_TIME_NONE) {
		char when[36];

		fm_time_format_fixed(l->time_ns, when);
		buf_printf(out, "\033[2m%s\033[0m ", when);
	}
	mark = out->len;
	if (f->expr[LOGVIEW_HIGHLIGHT] == NULL || !highlighted(out, &f->re[LOGVIEW_HIGHLIGHT], plain)) {
		out->len = mark;
		logtext_body(out, l->text, l->len);
	}
	buf_puts(out, "\033[0m\r\n");
}

void
logview_gap_text(char *out, size_t len, enum logview_gap g, const char *tag, const char *why)
{
	const char *w = why != NULL && *why ? why : "unknown";

	switch (g) {
	case LOGVIEW_GAP_INTERRUPTED:
		snprintf(out, len, "── %s: log interrupted (%s) ──", tag, w);
		break;
	case LOGVIEW_GAP_RESUMED:
		snprintf(out, len, "── %s: resumed ──", tag);
		break;
	case LOGVIEW_GAP_FAILED:
		snprintf(out, len, "── %s: log cannot be followed: %s ──", tag, w);
		break;
	case LOGVIEW_GAP_ENDED:
		snprintf(out, len, "── %s: end of the log ──", tag);
		break;
	}
}

void
logview_render_note(struct buf *out, const char *text)
{
	buf_puts(out, "\033[0;2m");
	logtext_body(out, text, strlen(text));
	buf_puts(out, "\033[0m\r\n");
}

void
logview_ring_init(struct logview_ring *r, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->cap = cap > 0 ? cap : 1;
	r->v = xcalloc(r->cap, sizeof *r->v);
}

void
logview_ring_free(struct logview_ring *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[(r->start + i) % r->cap].text);
	free(r->v);
	memset(r, 0, sizeof *r);
}

void
logview_ring_push(struct logview_ring *r, int source, const struct log_line *l)
{
	struct logview_entry *e;

	if (r->n == r->cap) {
		/* Full: the oldest goes. */
		e = &r->v[r->start];
		free(e->text);
		r->start = (r->start + 1) % r->cap;
		r->n--;
	}
	e = &r->v[(r->start + r->n++) % r->cap];
	e->time_ns = l->time_ns;
	e->source = source;
	e->stream = l->stream;
	e->text = xstrndup(l->text ? l->text : "", l->len);
	e->len = l->len;
}

const struct logview_entry *
logview_ring_get(const struct logview_ring *r, size_t i)
{
	return i < r->n ? &r->v[(r->start + i) % r->cap] : NULL;
}
