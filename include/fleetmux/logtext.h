/* logtext.h: a container's log line as a log pane shows it. A log is data,
 * not a program talking to a terminal: its colours (SGR) are kept, but no
 * other sequence may reach the pane's terminal (one that clears the
 * screen, moves the cursor, switches to the alternate screen, turns on the
 * mouse or asks the terminal for an answer would break the pane), so every
 * other control is shown as text ("^[", "^M"). Pure. */
#ifndef FLEETMUX_LOGTEXT_H
#define FLEETMUX_LOGTEXT_H

#include "fleetmux/logs.h"
#include "fleetmux/util.h"

/* Longest SGR kept as a colour; a longer one is shown as text. */
#define LOGTEXT_SGR_MAX 64

/* Appends l to out as terminal bytes: its time first (dim, RFC 3339 with
 * the nanoseconds) when timestamps and it has one, then its text made
 * safe, a reset of the pen (a colour never leaks into the next line) and
 * CR LF. Bytes that are not UTF-8 become U+FFFD. */
void logtext_render(struct buf *out, const struct log_line *l, int timestamps);
/* The text alone made safe, as logtext_render writes it: no time, no
 * reset, no end of line. */
void logtext_body(struct buf *out, const char *text, size_t len);
/* The text without the colours logtext keeps (what a reader sees of it,
 * for a regular expression to match); other bytes as they are. */
void logtext_plain(struct buf *out, const char *text, size_t len);

#endif
