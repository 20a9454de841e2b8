/* util.h: allocation that never returns NULL, growable byte buffers, and the
 * one error helper every module reports through. */
#ifndef FLEETMUX_UTIL_H
#define FLEETMUX_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Error codes: every fallible function returns 0 or one of these, negated. */
enum {
	FM_OK = 0,
	FM_EINVAL = 1,   /* bad input: a malformed file, parameter or message */
	FM_ENOMEM = 2,
	FM_EIO = 3,      /* a system call failed */
	FM_EPROTO = 4,   /* the peer broke the protocol */
	FM_EAUTH = 5,    /* credentials refused or missing */
	FM_ENOTFOUND = 6,
	FM_ESTATE = 7,   /* the thing is in the wrong state for this */
	FM_ELIMIT = 8,   /* a size or count limit was hit */
	FM_ENOTSUP = 9,  /* the backend has no such thing (Docker keeps no previous log) */
};

/* The last error's message, for the UI's status line or the CLI's stderr. */
int fm_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *fm_error_message(void);

/* Why something failed, owned by the caller that asked: the FM_E code, the
 * HTTP status (0: none), the vendor's own code ("IncorrectStatus"), and the
 * message in words. Structure stays in fields, never to be strstr'd later. */
struct fm_cause {
	int code;
	int http_status;
	char vendor[64];
	char msg[512];
	int permanent;   /* another try would fail alike: do not retry */
};

/* Fill c (when not NULL) and return -code. */
int fm_cause_set(struct fm_cause *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, with the HTTP status and the vendor's code kept. */
int fm_cause_http(struct fm_cause *c, int code, int http_status, const char *vendor, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A cause from the last fm_error (for callees not converted yet). */
int fm_cause_from_error(struct fm_cause *c, int rc);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated past len. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Room for extra more bytes (and the NUL) without another allocation. */
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Streamed bytes into lines: appends the bytes at *data up to the next '\n'
 * to line (keeping at most max bytes of one line; the '\n' is not kept) and
 * returns 1 when the line is whole, 0 when the bytes ran out first. *data
 * and *len move past what was used; the caller resets line after a line. */
int buf_take_line(struct buf *line, const unsigned char **data, size_t *len, size_t max);
/* Drop the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Hand the data to the caller (who frees it) and leave b empty. */
char *buf_steal(struct buf *b);

/* n bytes as 2n lower-case hex digits and a NUL. */
void fm_hex_encode(const unsigned char *p, size_t n, char *out);

/* UTF-8 for JSON: a copy with every invalid byte replaced by U+FFFD. */
char *utf8_clean(const char *p, size_t n);
/* The length of the whole character at p (of n bytes), 0 when p[0] starts
 * none (utf8_clean replaces that byte). */
size_t utf8_char_len(const char *p, size_t n);
/* How much of p ends on a whole character: the rest (at most 3 bytes) is
 * the start of one that continues in the next read. */
size_t utf8_complete(const char *p, size_t n);

/* NULL-terminated string vectors (argv). */
char **strv_dup(char *const *v);
void strv_free(char **v);

/* Read a whole file; NULL with fm_error set on failure (a directory, or
 * one that may not be read, says so in the system's words). */
char *fm_read_file(const char *path, size_t max, size_t *len_out);

/* The word for n things: fm_plural(n, "target", "targets"). */
const char *fm_plural(long long n, const char *one, const char *many);

#endif
