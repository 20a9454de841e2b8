/* record.h: a pane's output as an asciicast v2 file (asciinema's format):
 * a JSON header line, then [seconds, "o", text] and [seconds, "r", "WxH"]. */
#ifndef FLEETMUX_RECORD_H
#define FLEETMUX_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct recorder;

/* now_ms: the clock events are timed against. NULL with fm_error set. */
struct recorder *recorder_open(const char *path, int width, int height, const char *title,
			       uint64_t now_ms, long unix_time);
void recorder_output(struct recorder *r, const void *data, size_t len, uint64_t now_ms);
void recorder_resize(struct recorder *r, int width, int height, uint64_t now_ms);
void recorder_close(struct recorder *r);
const char *recorder_path(const struct recorder *r);

/* $XDG_DATA_HOME/fleetmux/recordings (or ~/.local/share/...), made if
 * missing. Caller frees. NULL with fm_error set. */
char *recorder_default_dir(void);
/* mkdir -p, mode 0700. */
int recorder_make_dir(const char *path);

#endif
