/* logview.h: a merged log view's pure parts (the pane is src/ui/
 * mergepane.c). Its include, exclude and highlight expressions (POSIX
 * extended, changed while it runs, a bad one refused with the reason and
 * nothing changed); the raw merged lines it keeps, so that a change of
 * filter draws the view again from them; and how a line and a gap in the
 * stream look: "TAG | text", the tag in a colour of its own (the same as
 * `fleetmux logs` gives it), and "── TAG: log interrupted (why) ──". */
#ifndef FLEETMUX_LOGVIEW_H
#define FLEETMUX_LOGVIEW_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "fleetmux/logs.h"
#include "fleetmux/util.h"

enum logview_expr {
	LOGVIEW_INCLUDE,    /* only lines that match (none: every line) */
	LOGVIEW_EXCLUDE,    /* no line that matches */
	LOGVIEW_HIGHLIGHT,  /* what matches is shown in reverse video */
	LOGVIEW_EXPRS,
};

struct logview_filter {
	regex_t re[LOGVIEW_EXPRS];
	char *expr[LOGVIEW_EXPRS];   /* as typed; NULL: none */
};

void logview_filter_init(struct logview_filter *f);
void logview_filter_free(struct logview_filter *f);
/* "include", "exclude", "highlight". */
const char *logview_expr_name(enum logview_expr k);
/* Set one expression; NULL or "" removes it. 0, or -1 with why (the
 * expression and regcomp's reason) and f as it was. */
int logview_filter_set(struct logview_filter *f, enum logview_expr k, const char *expr, char *why,
		       size_t whylen);
/* Is a line of this text, from the container tagged tag ("group/container",
 * NULL none), shown? An expression matches a line when it matches its text
 * or its tag, so that "web/" keeps one group's lines and "/sidecar$" drops
 * every sidecar's. plain: its text without colours (logtext_plain),
 * NUL-terminated. */
int logview_keeps(const struct logview_filter *f, const char *tag, const char *plain);

/* The line as the view shows it, appended to out: the tag in colour
 * (color: logout_tag_color's, -1 none), " | " (" ! " for stderr), its time
 * when timestamps, its text made safe (logtext.h) and CR LF. When the
 * highlight matches, the line is drawn from its plain text (its own
 * colours dropped) with each match in reverse video. plain: as for
 * logview_keeps. */
void logview_render(struct buf *out, const struct logview_filter *f, const char *tag, int color,
		    int timestamps, const struct log_line *l, const char *plain);

/* A gap in a source's stream, as a dim line of its own. */
enum logview_gap {
	LOGVIEW_GAP_INTERRUPTED, /* the feed is retrying: why */
	LOGVIEW_GAP_RESUMED,     /* it follows again */
	LOGVIEW_GAP_FAILED,      /* it gave up: why */
	LOGVIEW_GAP_ENDED,       /* the log was delivered whole (a previous instance's) */
};
/* "── alpha/tick: log interrupted (timed out) ──" (NUL-terminated in out). */
void logview_gap_text(char *out, size_t len, enum logview_gap g, const char *tag, const char *why);
/* A line of text dim, then CR LF: how a gap is drawn. */
void logview_render_note(struct buf *out, const char *text);

/* The raw lines, oldest first, at most cap (the oldest go). A line of
 * source -1 is a note (a gap), drawn whatever the filter. */
struct logview_entry {
	int64_t time_ns;
	int source;
	int stream;
	char *text;
	size_t len;
};

struct logview_ring {
	struct logview_entry *v;
	size_t cap, start, n;
};

void logview_ring_init(struct logview_ring *r, size_t cap);
void logview_ring_free(struct logview_ring *r);
/* The text is copied. */
void logview_ring_push(struct logview_ring *r, int source, const struct log_line *l);
/* i from the oldest kept, i < r->n. */
const struct logview_entry *logview_ring_get(const struct logview_ring *r, size_t i);

#endif
