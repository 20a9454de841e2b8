/* debuglog.h: --debug FILE, a timestamped log of every API call and
 * WebSocket, for operators and bug reports. Everything that goes in has
 * been through redact.h first. */
#ifndef FLEETMUX_DEBUGLOG_H
#define FLEETMUX_DEBUGLOG_H

/* Opens (creates, mode 0600, truncates) the log; -1 with an error set. */
int debuglog_open(const char *path);
int debuglog_on(void);
void debuglog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debuglog_close(void);

#endif
