/* test_logs.c: RFC 3339 times, stamped lines, and the follower's window:
 * no line twice, none lost, across polls and reconnects, with lines of one
 * time at the boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/util.h"

static int64_t
t(const char *s)
{
	int64_t ns = 0;

	assert_int_equal(fm_time_parse(s, strlen(s), &ns), 0);
	return ns;
}

static void
test_time_parse(void **state)
{
	int64_t ns;

	assert_true(t("1970-01-01T00:00:00Z") == 0);
	/* Go's time.Unix(1136239445, 0): the reference time. */
	assert_true(t("2006-01-02T15:04:05-07:00") == 1136239445LL * FM_NS_PER_SEC);
	assert_true(t("2006-01-02T22:04:05Z") == 1136239445LL * FM_NS_PER_SEC);
	assert_true(t("2019-03-29T10:38:50.734+08:00") == 1553827130734000000LL);
	assert_true(t("2019-03-29T02:38:50.734Z") == 1553827130734000000LL);
	assert_true(t("2023-11-14T22:13:20.123456789Z") == 1700000000123456789LL);
	assert_true(t("2023-11-14t22:13:20.1z") == 1700000000100000000LL);
	assert_true(t("2023-11-14 22:13:20.1234567891234Z") == 1700000000123456789LL);
	assert_true(t("2024-02-29T00:00:00Z") == 1709164800LL * FM_NS_PER_SEC);
	assert_true(t("1969-12-31T23:59:59.5Z") == -500000000LL);
	for (const char *const *b = (const char *const[]){
		 "", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z", "2023-13-01T00:00:00Z",
		 "2023-02-29T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20+0800",
		 "2023-11-14T22:13:20Zx", "0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z",
		 "2023-11-14X22:13:20Z", "2023-1a-14T22:13:20Z", NULL};
	     *b != NULL; b++)
		assert_int_equal(fm_time_parse(*b, strlen(*b), &ns), -FM_EINVAL);
}

static void
test_time_format(void **state)
{
	char out[36];

	fm_time_format_nano(1700000000123456789LL, out);
	assert_string_equal(out, "2023-11-14T22:13:20.123456789Z");
	fm_time_format_nano(1700000000120000000LL, out);
	assert_string_equal(out, "2023-11-14T22:13:20.12Z");
	fm_time_format_nano(1700000000LL * FM_NS_PER_SEC, out);
	assert_string_equal(out, "2023-11-14T22:13:20Z");
	fm_time_format_nano(-500000000LL, out);
	assert_string_equal(out, "1969-12-31T23:59:59.5Z");
	/* What fleetmux shows: always nine digits. */
	fm_time_format_fixed(1700000000120000000LL, out);
	assert_string_equal(out, "2023-11-14T22:13:20.120000000Z");
	fm_time_format_fixed(1700000000LL * FM_NS_PER_SEC, out);
	assert_string_equal(out, "2023-11-14T22:13:20.000000000Z");
	fm_time_format_fixed(-500000000LL, out);
	assert_string_equal(out, "1969-12-31T23:59:59.500000000Z");
	fm_time_format_sec(1700000000999999999LL, out);
	assert_string_equal(out, "2023-11-14T22:13:20Z");
	fm_time_format_ms(1553827130734999999LL, 480, out);
	assert_string_equal(out, "2019-03-29T10:38:50.734+08:00");
	fm_time_format_ms(1553827130734000000LL, -90, out);
	assert_string_equal(out, "2019-03-29T01:08:50.734-01:30");
	/* Round trips. */
	for (int64_t ns = -3 * FM_NS_PER_SEC; ns < 4102444800LL * FM_NS_PER_SEC;
	     ns += 86399LL * FM_NS_PER_SEC + 123456789) {
		fm_time_format_nano(ns, out);
		assert_true(t(out) == ns);
	}
}

struct lines {
	char text[16][64];
	int64_t time[16];
	int stream[16];
	int n;
};

static void
keep(void *arg, const struct log_line *l)
{
	struct lines *ls = arg;

	snprintf(ls->text[ls->n], sizeof ls->text[0], "%.*s", (int)l->len, l->text);
	ls->time[ls->n] = l->time_ns;
	ls->stream[ls->n] = l->stream;
	ls->n++;
}

static void
test_split_stamped(void **state)
{
	const char *in = "2023-11-14T22:13:20.5Z hello world\n"
			 "2023-11-14T22:13:21Z \r\n"
			 "not a time here\n"
			 "2023-11-14T22:13:22Z\n"
			 "2023-11-14T22:13:23Z tty line\r\n"
			 "2023-11-14T22:13:24Z half";
	struct lines ls = {.n = 0};
	size_t used = log_split_stamped(in, strlen(in), LOG_STDERR, keep, &ls);

	assert_int_equal(ls.n, 5);
	assert_string_equal(ls.text[0], "hello world");
	assert_true(ls.time[0] == 1700000000500000000LL);
	assert_int_equal(ls.stream[0], LOG_STDERR);
	assert_string_equal(ls.text[1], "");
	assert_string_equal(ls.text[2], "not a time here");
	assert_true(ls.time[2] == FM_TIME_NONE);
	assert_string_equal(ls.text[3], "");
	assert_true(ls.time[3] == 1700000002LL * FM_NS_PER_SEC);
	assert_string_equal(ls.text[4], "tty line");
	assert_string_equal(in + used, "2023-11-14T22:13:24Z half");
}

/* A log follower against a server: the answer is every line of the log
 * from `since` (inclusive), optionally only the newest `tail` of them. */
struct entry {
	int64_t time;
	const char *text;
};

struct shown {
	const char *text[4096];
	int n;
};

static int streaming; /* line by line (Docker) rather than whole answers (ECI) */

static void
answer(struct log_window *w, const struct entry *log, int nlog, int64_t since, int tail,
       struct shown *out)
{
	static struct log_line lines[4096];
	static unsigned char is_new[4096];
	int first = 0, n;

	while (first < nlog && since != FM_TIME_NONE && log[first].time < since)
		first++;
	n = nlog - first;
	if (tail > 0 && n > tail)
		first = nlog - tail;
	for (int i = first; i < nlog; i++)
		lines[i - first] = (struct log_line){log[i].time, LOG_OUTPUT, log[i].text,
						     strlen(log[i].text)};
	n = nlog - first;
	if (streaming) {
		log_window_begin(w);
		for (int i = 0; i < n; i++)
			is_new[i] = (unsigned char)log_window_take(w, &lines[i]);
	} else {
		log_window_answer(w, lines, (size_t)n, is_new);
	}
	for (int i = 0; i < n; i++)
		if (is_new[i])
			out->text[out->n++] = lines[i].text;
}

#define S(x) ((int64_t)(x) * FM_NS_PER_SEC)

static void
test_window_polls_at_second_granularity(void **state)
{
	static struct log_window w;
	struct shown got = {.n = 0};
	/* kubelet-like nanosecond times, several lines within one second. */
	static const struct entry log[] = {
	    {S(100) + 1, "a"}, {S(101) + 5, "b"}, {S(101) + 7, "c"},
	    {S(101) + 7, "c"}, {S(101) + 9, "d"}, {S(102), "e"},
	};

	log_window_init(&w);
	assert_true(log_window_since(&w, FM_NS_PER_SEC) == FM_TIME_NONE);
	answer(&w, log, 3, FM_TIME_NONE, 0, &got);                  /* a b c */
	assert_int_equal(got.n, 3);
	assert_true(log_window_since(&w, FM_NS_PER_SEC) == S(101));
	assert_true(log_window_since(&w, 1) == S(101) + 7);
	/* The second c has the first one's time and text: it is new all the same. */
	answer(&w, log, 4, log_window_since(&w, FM_NS_PER_SEC), 2000, &got);
	answer(&w, log, 4, log_window_since(&w, FM_NS_PER_SEC), 2000, &got);  /* nothing new */
	answer(&w, log, 6, log_window_since(&w, FM_NS_PER_SEC), 2000, &got);
	assert_int_equal(got.n, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(got.text[i], log[i].text);
}

static void
test_window_equal_times_at_the_boundary(void **state)
{
	static struct log_window w;
	struct shown got = {.n = 0};
	/* A server that stamps whole seconds: everything at one time. */
	static const struct entry log[] = {
	    {S(7), "x"}, {S(7), "x"}, {S(7), "y"}, {S(7), "x"}, {S(7), "x"}, {S(8), "z"},
	};

	log_window_init(&w);
	answer(&w, log, 2, FM_TIME_NONE, 0, &got);               /* x x */
	answer(&w, log, 3, log_window_since(&w, FM_NS_PER_SEC), 0, &got); /* y */
	answer(&w, log, 5, log_window_since(&w, FM_NS_PER_SEC), 0, &got); /* x x */
	answer(&w, log, 5, log_window_since(&w, FM_NS_PER_SEC), 0, &got); /* - */
	answer(&w, log, 6, log_window_since(&w, FM_NS_PER_SEC), 0, &got); /* z */
	assert_int_equal(got.n, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(got.text[i], log[i].text);
}

static void
test_window_front_cut(void **state)
{
	static struct log_window w;
	struct shown got = {.n = 0};

	(void)state;
	static const struct entry log[] = {
	    {S(5), "A"}, {S(5), "B"}, {S(5), "A"}, {S(5), "C"}, {S(5), "D"}, {S(6), "E"},
	};

	log_window_init(&w);
	answer(&w, log, 4, FM_TIME_NONE, 0, &got); /* A B A C */
	/* The newest three only: A C D. The first A matches the window's first
	 * line, but C does not follow it there: the run is realigned on the
	 * second A, and only D is new. */
	answer(&w, log, 5, S(5), 3, &got);
	assert_int_equal(got.n, 5);
	assert_string_equal(got.text[4], "D");
	/* Cut past everything shown: all new. */
	answer(&w, log, 6, S(5), 1, &got);
	assert_int_equal(got.n, 6);
	assert_string_equal(got.text[5], "E");
}

static void
test_window_reconnect_exact_since(void **state)
{
	static struct log_window w;
	struct shown got = {.n = 0};
	static const struct entry log[] = {
	    {S(1) + 10, "one"}, {S(1) + 20, "two"}, {S(1) + 20, "two again"}, {S(1) + 30, "three"},
	};

	log_window_init(&w);
	answer(&w, log, 2, FM_TIME_NONE, 0, &got);
	/* Docker: since= is the last time itself, to the nanosecond. */
	answer(&w, log, 4, log_window_since(&w, 1), 0, &got);
	assert_int_equal(got.n, 4);
	assert_string_equal(got.text[2], "two again");
	assert_string_equal(got.text[3], "three");
}

/* A first answer's Tail cut a run of one time (a reader that stamps a
 * whole chunk alike): the next answer brings the run whole, and the lines
 * the Tail left out stay out. */
static void
test_window_tail_cut_a_run(void **state)
{
	static struct log_window w;
	struct shown got = {.n = 0};
	static const struct entry log[] = {
	    {S(9), "a"}, {S(9), "b"}, {S(9), "c"}, {S(9), "d"}, {S(9), "e"}, {S(9), "f"}, {S(10), "g"},
	};

	log_window_init(&w);
	answer(&w, log, 6, FM_TIME_NONE, 2, &got); /* e f */
	answer(&w, log, 6, S(9), 0, &got);          /* nothing */
	answer(&w, log, 7, S(9), 0, &got);          /* g */
	assert_int_equal(got.n, 3);
	assert_string_equal(got.text[0], "e");
	assert_string_equal(got.text[1], "f");
	assert_string_equal(got.text[2], "g");
	/* The answer cut at its end, inside the run: nothing new yet. */
	log_window_init(&w);
	got.n = 0;
	answer(&w, log, 4, FM_TIME_NONE, 0, &got);  /* a b c d */
	answer(&w, log, 3, S(9), 0, &got);          /* a b c: all shown */
	assert_int_equal(got.n, 4);
	answer(&w, log, 6, S(9), 0, &got);          /* e f */
	assert_int_equal(got.n, 6);
}

static void
test_window_new_instance_and_untimed(void **state)
{
	static struct log_window w;
	struct log_line l = {S(50), LOG_OUTPUT, "old", 3};

	log_window_init(&w);
	assert_int_equal(log_window_take(&w, &l), 1);
	log_window_begin(&w);
	l.time_ns = S(40); /* older than shown: shown */
	assert_int_equal(log_window_take(&w, &l), 0);
	l.time_ns = FM_TIME_NONE; /* no time: cannot tell, show it */
	assert_int_equal(log_window_take(&w, &l), 1);
	l.time_ns = S(40); /* once the overlap is over, everything is new */
	assert_int_equal(log_window_take(&w, &l), 1);
	log_window_begin(&w);
	l.time_ns = S(50);
	l.stream = LOG_STDERR; /* the same text on the other stream is another line */
	assert_int_equal(log_window_take(&w, &l), 1);
}

/* Random logs full of equal times and equal texts, polled from random
 * points: everything is shown once, in order. */
static void
test_window_random(void **state)
{
	static struct entry log[3000];
	static char texts[8][4] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	static struct log_window w;
	static struct shown got;
	uint64_t x = 88172645463325252ull;

	for (int round = 0; round < 400; round++) {
		int64_t now = S(1000);
		int n = 0, at = 0;

		for (int i = 0; i < 3000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (x % 4 == 0)
				now += (int64_t)(x % 3) * 400000000;
			log[i].time = (round & 1) ? now - now % FM_NS_PER_SEC : now;
			log[i].text = texts[(x >> 8) % (round % 3 == 0 ? 2 : 8)];
		}
		streaming = round >= 200;
		log_window_init(&w);
		got.n = 0;
		while (at < 3000) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			at += (int)(x % 40);
			if (at > 3000)
				at = 3000;
			answer(&w, log, at, log_window_since(&w, (round & 2) ? 1 : FM_NS_PER_SEC), 0, &got);
			n++;
		}
		assert_int_equal(got.n, 3000);
		for (int i = 0; i < 3000; i++)
			assert_ptr_equal(got.text[i], log[i].text);
	}
	streaming = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_parse),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_split_stamped),
	    cmocka_unit_test(test_window_polls_at_second_granularity),
	    cmocka_unit_test(test_window_equal_times_at_the_boundary),
	    cmocka_unit_test(test_window_front_cut),
	    cmocka_unit_test(test_window_reconnect_exact_since),
	    cmocka_unit_test(test_window_tail_cut_a_run),
	    cmocka_unit_test(test_window_new_instance_and_untimed),
	    cmocka_unit_test(test_window_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
