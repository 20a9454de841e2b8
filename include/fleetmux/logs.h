/* logs.h: container logs as fleetmux reads them: RFC 3339 times to the
 * nanosecond, lines that carry their time ("TIME TEXT\n", as ECI's
 * DescribeContainerLog with Timestamps=true and Docker's logs with
 * timestamps=1 give them), and the window that keeps a follower from
 * showing a line twice or losing one across polls and reconnects. Pure. */
#ifndef FLEETMUX_LOGS_H
#define FLEETMUX_LOGS_H

#include <stddef.h>
#include <stdint.h>

#define FM_TIME_NONE INT64_MIN /* no time */
#define FM_NS_PER_SEC 1000000000LL

/* RFC 3339 ("2024-05-01T10:00:00Z", "...:00.123456789Z", "...:00.734+08:00";
 * 't', 'z' and a space for 'T' accepted) in exactly len bytes → nanoseconds
 * since the epoch. 0, or -FM_EINVAL. */
int fm_time_parse(const char *s, size_t len, int64_t *ns);
/* Nanoseconds as RFC 3339 in UTC: with the fraction as Go's RFC3339Nano
 * writes it (trailing zeros cut, none when whole; kubelet's and Docker's
 * log times), 36 bytes with the NUL. */
void fm_time_format_nano(int64_t ns, char out[36]);
/* The same with all nine digits of the fraction, always: what fleetmux
 * shows and prints, so that times line up in a column and sort as text. */
void fm_time_format_fixed(int64_t ns, char out[31]);
/* Whole seconds, rounded down: "2024-05-01T10:00:00Z" (21 bytes). */
void fm_time_format_sec(int64_t ns, char out[21]);
/* Milliseconds at a UTC offset in minutes: "2019-03-29T10:38:50.734+08:00"
 * (ECI's metric Timestamps; 30 bytes). */
void fm_time_format_ms(int64_t ns, int offset_min, char out[30]);
/* The wall clock, in nanoseconds. */
int64_t fm_time_now(void);

/* The stream a log line came from. ECI does not tell them apart. */
enum log_stream {
	LOG_OUTPUT = 0, /* stdout and stderr together */
	LOG_STDOUT = 1,
	LOG_STDERR = 2,
};

/* One line of a container's log. text is not NUL-terminated; the '\n' (and
 * a '\r' before it) is not part of it. time_ns is FM_TIME_NONE when the
 * line came without a time. */
struct log_line {
	int64_t time_ns;
	int stream;
	const char *text;
	size_t len;
};

typedef void (*log_line_cb)(void *arg, const struct log_line *l);

/* Split stamped lines ("TIME TEXT\n"; a line whose first word is no time is
 * passed on whole, without one). Only whole lines go to cb: the return is
 * where the rest begins (a line still without its '\n'), which the caller
 * keeps for the next bytes or drops. */
size_t log_split_stamped(const char *p, size_t len, int stream, log_line_cb cb, void *arg);

/* DescribeContainerLog's answer → its Content (the caller frees it).
 * 0, or -FM_EPROTO with fm_error set. */
int eci_parse_log(const char *json, size_t len, char **content);

/* Lines of one time kept to recognise an answer's overlap: ECI's Tail is at
 * most 2000, so no answer overlaps by more. */
#define LOG_WINDOW_MAX 2000

/* What a follower has shown, enough to tell the new lines of an answer from
 * the old. Every answer (a poll, or a stream after a reconnect) starts at
 * or before the newest time shown (StartTime rounds down to the second;
 * Docker's since= is inclusive), is a contiguous piece of the log, and
 * comes in the log's order. So its lines older than that time were shown;
 * its lines of exactly that time begin with a run of those already shown
 * (from the first of them, or from a later one when the answer's front was
 * cut), then new ones follow, which may share the time. The window keeps
 * the lines of the newest time, in order, as hashes, and aligns each
 * answer's run against them; lines of a later time are new. */
struct log_window {
	int64_t last_ns;               /* newest time shown; FM_TIME_NONE: none yet */
	uint64_t seen[LOG_WINDOW_MAX]; /* lines of last_ns shown, in order */
	size_t nseen;
	int aligning;         /* between begin and the first new line */
	size_t from, matched; /* the run so far is seen[from .. from+matched) */
};

void log_window_init(struct log_window *w);

/* A whole answer at once (a poll): is_new[i] says which of its n lines to
 * show; the window then counts them as shown. Knowing the whole answer,
 * the run of lines of the newest time shown is searched for the lines
 * shown: those before them in the run are older ones a Tail left out, and
 * stay out; those after are new. */
void log_window_answer(struct log_window *w, const struct log_line *lines, size_t n,
                       unsigned char *is_new);

/* Line by line (a stream): begin, then take each line in order; 1: l is
 * new, show it (the window now counts it as shown); 0: shown already.
 * Without the rest of the answer, a line of the newest time that is not
 * among those shown is taken as new. */
void log_window_begin(struct log_window *w);
int log_window_take(struct log_window *w, const struct log_line *l);
/* Where the next answer should start: the newest time shown rounded down to
 * granularity_ns (1e9 for ECI's StartTime, 1 for Docker's since=), or
 * FM_TIME_NONE when nothing has been shown. */
int64_t log_window_since(const struct log_window *w, int64_t granularity_ns);

#endif
