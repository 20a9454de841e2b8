/* logs.c: RFC 3339 times to the nanosecond, stamped log lines, and the
 * window that tells a follower's new lines from those it has shown. */
#include "fleetmux/logs.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/util.h"

/* --- times --- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no time zone or libc state is involved. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
digits(const char *s, size_t len, size_t at, size_t n, int *out)
{
	int v = 0;

	if (at + n > len)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return -1;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return dm[m - 1];
}

int
fm_time_parse(const char *s, size_t len, int64_t *ns)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0, secs;
	size_t i = 19;

	if (digits(s, len, 0, 4, &y) < 0 || len < 20 || s[4] != '-' ||
	    digits(s, len, 5, 2, &mo) < 0 || s[7] != '-' || digits(s, len, 8, 2, &d) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s, len, 11, 2, &h) < 0 ||
	    s[13] != ':' || digits(s, len, 14, 2, &mi) < 0 || s[16] != ':' ||
	    digits(s, len, 17, 2, &sec) < 0)
		return -FM_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -FM_EINVAL;
	if (s[i] == '.') {
		size_t n = 0;

		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, n++)
			if (n < 9)
				frac = frac * 10 + (s[i] - '0');
		if (n == 0)
			return -FM_EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;

		if (digits(s, len, i + 1, 2, &oh) < 0 || i + 3 >= len || s[i + 3] != ':' ||
		    digits(s, len, i + 4, 2, &om) < 0 || oh > 23 || om > 59)
			return -FM_EINVAL;
		oh *= sign;
		om *= sign;
		i += 6;
	} else {
		return -FM_EINVAL;
	}
	if (i != len)
		return -FM_EINVAL;
	secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (oh * 3600 + om * 60);
	/* What int64 nanoseconds hold: 1677 to 2262. */
	if (secs > INT64_MAX / FM_NS_PER_SEC - 1 || secs < INT64_MIN / FM_NS_PER_SEC + 1)
		return -FM_EINVAL;
	*ns = secs * FM_NS_PER_SEC + frac;
	return 0;
}

static void
split_ns(int64_t ns, int64_t *secs, long *frac)
{
	*secs = ns / FM_NS_PER_SEC;
	*frac = (long)(ns % FM_NS_PER_SEC);
	if (*frac < 0) {
		*frac += FM_NS_PER_SEC;
		(*secs)--;
	}
}

/* "YYYY-MM-DDThh:mm:ss" of whole seconds (19 characters; room for what the
 * compiler cannot prove of the ints). */
#define SECS_LEN 48
static void
format_secs(int64_t secs, char out[SECS_LEN])
{
	int64_t days = secs / 86400, rem = secs % 86400;
	int y, m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(out, SECS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d", y % 10000, m % 100, d % 100,
	         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

void
fm_time_format_nano(int64_t ns, char out[36])
{
	int64_t secs;
	long frac;
	char base[SECS_LEN], f[16];
	int n;

	split_ns(ns, &secs, &frac);
	format_secs(secs, base);
	f[0] = '\0';
	if (frac != 0) {
		snprintf(f, sizeof f, ".%09ld", frac);
		for (n = 10; f[n - 1] == '0'; n--)
			;
		f[n] = '\0';
	}
	base[19] = '\0';
	f[10] = '\0';
	memcpy(out, base, 19);
	memcpy(out + 19, f, strlen(f));
	memcpy(out + 19 + strlen(f), "Z", 2);
}

void
fm_time_format_fixed(int64_t ns, char out[31])
{
	int64_t secs;
	long frac;
	char base[SECS_LEN];

	split_ns(ns, &secs, &frac);
	format_secs(secs, base);
	memcpy(out, base, 19);
	snprintf(out + 19, 12, ".%09ldZ", frac);
}

void
fm_time_format_sec(int64_t ns, char out[21])
{
	int64_t secs;
	long frac;
	char base[SECS_LEN];

	split_ns(ns, &secs, &frac);
	format_secs(secs, base);
	memcpy(out, base, 19);
	memcpy(out + 19, "Z", 2);
}

void
fm_time_format_ms(int64_t ns, int offset_min, char out[30])
{
	int64_t secs;
	long frac;
	char base[SECS_LEN];
	int off = offset_min < 0 ? -offset_min : offset_min;

	split_ns(ns + (int64_t)offset_min * 60 * FM_NS_PER_SEC, &secs, &frac);
	format_secs(secs, base);
	base[19] = '\0';
	snprintf(out, 30, "%.19s.%03ld%c%02d:%02d", base, frac / 1000000 % 1000,
	         offset_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
}

int64_t
fm_time_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * FM_NS_PER_SEC + t.tv_nsec;
}

/* --- stamped lines --- */

size_t
log_split_stamped(const char *p, size_t len, int stream, log_line_cb cb, void *arg)
{
	size_t at = 0;

	while (at < len) {
		const char *nl = memchr(p + at, '\n', len - at);
		struct log_line l = {FM_TIME_NONE, stream, p + at, 0};
		const char *sp;
		size_t n;

		if (nl == NULL)
			break;
		n = (size_t)(nl - (p + at));
		if (n > 0 && p[at + n - 1] == '\r')
			n--;
		l.len = n;
		sp = memchr(l.text, ' ', n);
		if (sp != NULL && fm_time_parse(l.text, (size_t)(sp - l.text), &l.time_ns) == 0) {
			l.len = n - (size_t)(sp + 1 - l.text);
			l.text = sp + 1;
		} else if (fm_time_parse(l.text, n, &l.time_ns) == 0) {
			l.len = 0; /* a time alone: an empty line */
			l.text += n;
		} else {
			l.time_ns = FM_TIME_NONE;
		}
		cb(arg, &l);
		at += (size_t)(nl - (p + at)) + 1;
	}
	return at;
}

int
eci_parse_log(const char *json, size_t len, char **content)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "Content");

	*content = NULL;
	if (!cJSON_IsObject(j) || (c != NULL && !cJSON_IsString(c) && !cJSON_IsNull(c))) {
		cJSON_Delete(j);
		return fm_error(FM_EPROTO,
		                "DescribeContainerLog: the answer has no Content string");
	}
	/* An empty log may come without Content at all. */
	*content = xstrdup(c != NULL && cJSON_IsString(c) ? c->valuestring : "");
	cJSON_Delete(j);
	return 0;
}

/* --- the window --- */

/* FNV-1a over the stream and the text: two lines are the same when their
 * time, stream and text are (a 64-bit hash makes a false match vanishingly
 * rare, and it would hide one line, never repeat one). */
static uint64_t
line_hash(const struct log_line *l)
{
	uint64_t h = 1469598103934665603ull;

	h ^= (uint64_t)(unsigned)l->stream;
	h *= 1099511628211ull;
	for (size_t i = 0; i < l->len; i++) {
		h ^= (unsigned char)l->text[i];
		h *= 1099511628211ull;
	}
	return h;
}

void
log_window_init(struct log_window *w)
{
	memset(w, 0, sizeof *w);
	w->last_ns = FM_TIME_NONE;
}

void
log_window_begin(struct log_window *w)
{
	w->aligning = w->last_ns != FM_TIME_NONE;
	w->from = 0;
	w->matched = 0;
}

int64_t
log_window_since(const struct log_window *w, int64_t granularity_ns)
{
	int64_t t = w->last_ns;

	if (t == FM_TIME_NONE || granularity_ns <= 1)
		return t;
	return t - ((t % granularity_ns) + granularity_ns) % granularity_ns;
}

static void
remember(struct log_window *w, const struct log_line *l, uint64_t h)
{
	if (l->time_ns == FM_TIME_NONE)
		return;
	if (w->last_ns == FM_TIME_NONE || l->time_ns > w->last_ns) {
		w->last_ns = l->time_ns;
		w->nseen = 0;
	}
	/* A line of an older time (two streams written out of order) changes
	 * nothing: the window is about the newest time. */
	if (l->time_ns == w->last_ns && w->nseen < LOG_WINDOW_MAX)
		w->seen[w->nseen++] = h;
}

/* Is seen[from .. from+matched) followed by h at some start j > from, with
 * the same run before it? The run is known to equal seen[from ..], so it is
 * compared within the window. */
static int
realign(struct log_window *w, uint64_t h)
{
	for (size_t j = w->from + 1; j + w->matched < w->nseen; j++) {
		if (w->seen[j + w->matched] != h)
			continue;
		if (memcmp(&w->seen[j], &w->seen[w->from], w->matched * sizeof w->seen[0]) == 0) {
			w->from = j;
			return 1;
		}
	}
	return 0;
}

int
log_window_take(struct log_window *w, const struct log_line *l)
{
	uint64_t h = line_hash(l);

	if (w->aligning) {
		if (l->time_ns != FM_TIME_NONE && l->time_ns < w->last_ns)
			return 0; /* older than the newest shown: shown */
		if (l->time_ns == w->last_ns) {
			if (w->matched == 0) {
				for (size_t j = 0; j < w->nseen; j++)
					if (w->seen[j] == h) {
						w->from = j;
						w->matched = 1;
						break;
					}
			} else if (w->from + w->matched < w->nseen &&
			           w->seen[w->from + w->matched] == h) {
				w->matched++;
			} else if (realign(w, h)) {
				w->matched++;
			} else {
				w->matched = 0;
			}
			if (w->matched > 0) {
				/* The whole rest of the window seen again: what follows is new. */
				if (w->from + w->matched == w->nseen)
					w->aligning = 0;
				return 0;
			}
		}
		/* A later time, a line without one, or one not in the window:
		 * the overlap is over. */
		w->aligning = 0;
	}
	remember(w, l, h);
	return 1;
}

/* Does run[0..m) equal seen[from..from+m)? */
static int
run_matches(const uint64_t *run, const uint64_t *seen, size_t m)
{
	return memcmp(run, seen, m * sizeof *run) == 0;
}

/* How many lines at the front of a run of the newest time were shown:
 * the window's lines whole or cut at the run's end, after older lines a
 * Tail left out; or the end of the window's lines when the answer's front
 * was cut into them; or none. */
static size_t
run_overlap(const struct log_window *w, const uint64_t *run, size_t n)
{
	size_t k = w->nseen;

	if (k == 0)
		return 0;
	for (size_t p = 0; p < n; p++) {
		size_t m = n - p < k ? n - p : k;

		if (run_matches(run + p, w->seen, m))
			return p + m;
	}
	for (size_t j = 1; j < k; j++) {
		size_t m = k - j < n ? k - j : n;

		if (run_matches(run, w->seen + j, m))
			return m;
	}
	return 0;
}

void
log_window_answer(struct log_window *w, const struct log_line *lines, size_t n,
                  unsigned char *is_new)
{
	int64_t t = w->last_ns;
	size_t a = n, b = n, skip = 0;
	uint64_t *run;

	w->aligning = 0;
	if (t == FM_TIME_NONE) {
		memset(is_new, 1, n);
	} else {
		/* The run of the newest time shown (lines come in time order). */
		for (size_t i = 0; i < n; i++)
			if (lines[i].time_ns == t) {
				if (a == n)
					a = i;
				b = i + 1;
			}
		if (a == n)
			a = b = 0;
		for (size_t i = 0; i < n; i++)
			is_new[i] = lines[i].time_ns == FM_TIME_NONE || lines[i].time_ns > t;
		run = xcalloc(b - a + 1, sizeof *run);
		for (size_t i = a; i < b; i++)
			run[i - a] = line_hash(&lines[i]);
		skip = run_overlap(w, run, b - a);
		free(run);
		for (size_t i = a + skip; i < b; i++)
			is_new[i] = lines[i].time_ns == t || is_new[i];
	}
	for (size_t i = 0; i < n; i++)
		if (is_new[i])
			remember(w, &lines[i], line_hash(&lines[i]));
}
