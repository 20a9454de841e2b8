/* logout.h: what `fleetmux logs` prints, as text: the --since durations it
 * reads, its JSON lines and its tagged lines, and the colour a tag keeps.
 * Pure: it formats into buffers. */
#ifndef FLEETMUX_LOGOUT_H
#define FLEETMUX_LOGOUT_H

#include <stddef.h>
#include <stdint.h>

#include "fleetmux/logs.h"
#include "fleetmux/util.h"

/* "30s", "10m", "2h", "1d" (a bare number is seconds) → seconds, at least
 * 1. 0, or -FM_EINVAL. */
int logout_duration_parse(const char *s, long *seconds);

/* {"target":...,"ts":"RFC3339","stream":"stdout|stderr","line":...} and a
 * '\n', appended to out. ts is "" for a line that came without a time;
 * invalid UTF-8 in text is replaced, as everywhere fleetmux writes JSON. */
void logout_json(struct buf *out, const char *target, const struct log_line *l);

/* "TAG | TEXT\n" ('!' for stderr), with the time after the bar when
 * timestamps is set. color >= 0 colours the tag (ANSI 31..36 and their
 * bright forms) and shows the text's control characters in caret notation
 * (a container cannot move a terminal's cursor over other lines); -1
 * writes the text as it came, for a pipe. */
void logout_text(struct buf *out, const char *tag, int color, int timestamps,
		 const struct log_line *l);

/* A tag's colour, 0..LOGOUT_COLORS-1: the same tag has the same colour in
 * every run (stern's habit), whatever else is shown. */
#define LOGOUT_COLORS 12
int logout_tag_color(const char *tag);

/* Text with C0 controls, DEL and C1 (as UTF-8) in caret notation (ESC as
 * ^[); tab stays. */
void buf_put_visible(struct buf *out, const char *p, size_t n);

#endif
