/* test_logout.c: what fleetmux logs reads and prints: --since durations,
 * JSON lines (escaped, invalid UTF-8 replaced), tagged lines with controls
 * shown, stable tag colours, and lines of several logs merged by time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logmerge.h"
#include "fleetmux/logout.h"

static void
test_duration(void **state)
{
	long s = 0;

	assert_int_equal(logout_duration_parse("30s", &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(logout_duration_parse("10m", &s), 0);
	assert_int_equal(s, 600);
	assert_int_equal(logout_duration_parse("2h", &s), 0);
	assert_int_equal(s, 7200);
	assert_int_equal(logout_duration_parse("1d", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(logout_duration_parse("45", &s), 0);
	assert_int_equal(s, 45);
	for (const char *const *b = (const char *const[]){"", "0s", "-1m", "10x", "10mm", "m", " 5s",
							     "1.5h", "99999d", "10M", NULL};
	     *b != NULL; b++)
		assert_int_equal(logout_duration_parse(*b, &s), -FM_EINVAL);
}

static struct log_line
line(int64_t t, int stream, const char *text)
{
	return (struct log_line){t, stream, text, strlen(text)};
}

static void
test_json(void **state)
{
	struct buf b;
	struct log_line l = line(1700000000123456789LL, LOG_OUTPUT, "say \"hi\"\t\\ \x1b[1m\xff");

	buf_init(&b);
	logout_json(&b, "r1/web/nginx", &l);
	assert_string_equal(b.data, "{\"target\":\"r1/web/nginx\",\"ts\":\"2023-11-14T22:13:20.123456789Z\","
				    "\"stream\":\"stdout\",\"line\":\"say \\\"hi\\\"\\t\\\\ \\u001b[1m\xef\xbf\xbd\"}\n");
	buf_reset(&b);
	l = line(FM_TIME_NONE, LOG_STDERR, "");
	logout_json(&b, "e/c/c", &l);
	assert_string_equal(b.data, "{\"target\":\"e/c/c\",\"ts\":\"\",\"stream\":\"stderr\",\"line\":\"\"}\n");
	buf_free(&b);
}

static void
test_text(void **state)
{
	struct buf b;
	struct log_line l = line(1700000000LL * FM_NS_PER_SEC, LOG_STDERR, "a\x1b[2Jb\xc2\x9b");

	buf_init(&b);
	/* A pipe: the bytes as they came. */
	logout_text(&b, "web/nginx", -1, 0, &l);
	assert_string_equal(b.data, "web/nginx ! a\x1b[2Jb\xc2\x9b\n");
	buf_reset(&b);
	/* A terminal: a coloured tag, controls in caret notation. */
	logout_text(&b, "web/nginx", 2, 1, &l);
	assert_string_equal(b.data, "\x1b[33mweb/nginx\x1b[0m ! 2023-11-14T22:13:20.000000000Z a^[[2Jb^[[\n");
	buf_reset(&b);
	l = line(FM_TIME_NONE, LOG_OUTPUT, "x");
	logout_text(&b, "t", 7, 1, &l);
	assert_string_equal(b.data, "\x1b[1;32mt\x1b[0m | x\n");
	buf_free(&b);
	/* Stable colours, spread over the palette. */
	assert_int_equal(logout_tag_color("web/nginx"), logout_tag_color("web/nginx"));
	{
		int seen[LOGOUT_COLORS] = {0}, distinct = 0;
		char tag[32];

		for (int i = 0; i < 64; i++) {
			snprintf(tag, sizeof tag, "group-%d/app", i);
			seen[logout_tag_color(tag)]++;
		}
		for (int i = 0; i < LOGOUT_COLORS; i++)
			distinct += seen[i] > 0;
		assert_true(distinct >= LOGOUT_COLORS / 2);
	}
}

struct got {
	int source[16];
	char text[16][16];
	int n;
};

static void
collect(void *arg, int source, const struct log_line *l)
{
	struct got *g = arg;

	g->source[g->n] = source;
	snprintf(g->text[g->n], sizeof g->text[0], "%.*s", (int)l->len, l->text);
	g->n++;
}

static void
test_merge_order(void **state)
{
	struct log_merge m;
	struct got g = {0};
	struct log_line l;

	log_merge_init(&m, 3);
	/* Nothing yet (a follow's first tick): nothing leaves, nothing breaks
	 * (under UBSan this once stopped fleetmux logs --follow). */
	assert_int_equal(log_merge_flush(&m, INT64_MAX, collect, &g), 0);
	/* Source 0 comes late with older lines; ties leave in arrival order;
	 * an untimed line stays after the line it followed. */
	l = line(30, 1, "b30");
	log_merge_add(&m, 1, &l);
	l = line(50, 1, "b50");
	log_merge_add(&m, 1, &l);
	l = line(10, 1, "a10");
	log_merge_add(&m, 0, &l);
	l = line(FM_TIME_NONE, 1, "a-cont");
	log_merge_add(&m, 0, &l);
	l = line(30, 1, "c30");
	log_merge_add(&m, 2, &l);
	l = line(40, 1, "a40");
	log_merge_add(&m, 0, &l);
	assert_int_equal(log_merge_flush(&m, 30, collect, &g), 4);
	assert_string_equal(g.text[0], "a10");
	assert_string_equal(g.text[1], "a-cont");
	assert_string_equal(g.text[2], "b30");
	assert_string_equal(g.text[3], "c30");
	assert_int_equal(g.source[3], 2);
	assert_int_equal(m.n, 2);
	/* A line older than what left leaves at the next flush, first. */
	l = line(20, 1, "c20");
	log_merge_add(&m, 2, &l);
	assert_int_equal(log_merge_flush(&m, INT64_MAX, collect, &g), 3);
	assert_string_equal(g.text[4], "c20");
	assert_string_equal(g.text[5], "a40");
	assert_string_equal(g.text[6], "b50");
	assert_int_equal(log_merge_flush(&m, INT64_MAX, collect, &g), 0);
	/* An untimed line takes its log's newest time: c's is 20, b's 50. */
	l = line(FM_TIME_NONE, 1, "u1");
	log_merge_add(&m, 1, &l);
	l = line(FM_TIME_NONE, 1, "u2");
	log_merge_add(&m, 2, &l);
	assert_int_equal(log_merge_flush(&m, 0, collect, &g), 0);
	assert_int_equal(log_merge_flush(&m, INT64_MAX, collect, &g), 2);
	assert_string_equal(g.text[7], "u2");
	assert_string_equal(g.text[8], "u1");
	log_merge_free(&m);
}

/* The merge against its definition, at random: at every flush, exactly the
 * waiting lines at or before the watermark, by (time, arrival), each once.
 * Logs mostly in order, some lines older than their log's last, some
 * untimed, watermarks that sometimes go back. */
struct ref_line {
	int64_t t;
	int source;
	int id;
	int left;
};

struct rand_got {
	int *ids;
	int n;
};

static void
collect_id(void *arg, int source, const struct log_line *l)
{
	struct rand_got *g = arg;

	g->ids[g->n++] = atoi(l->text);
}

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref_line *x = *(struct ref_line *const *)a, *y = *(struct ref_line *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->id - y->id; /* ids are given in arrival order */
}

static void
test_merge_random(void **state)
{
	enum { ROUNDS = 200, MAXLINES = 20000 };
	struct ref_line *ref = calloc(MAXLINES, sizeof *ref);
	struct ref_line **want = calloc(MAXLINES, sizeof *want);
	struct rand_got g = {calloc(MAXLINES, sizeof(int)), 0};
	int nref = 0, checked = 0;

	srand(13);
	for (int round = 0; round < ROUNDS; round++) {
		int nsources = 1 + rand() % 9;
		struct log_merge m;
		int64_t *clock = calloc((size_t)nsources, sizeof *clock);
		int64_t *last = calloc((size_t)nsources, sizeof *last);

		log_merge_init(&m, nsources);
		for (int s = 0; s < nsources; s++)
			last[s] = FM_TIME_NONE;
		nref = 0;
		for (int step = 0; step < 60 && nref < MAXLINES - 100; step++) {
			int adds = rand() % 30, nwant = 0;
			int64_t upto;
			size_t left;

			for (int k = 0; k < adds; k++) {
				int s = rand() % nsources, r = rand() % 100;
				char text[16];
				struct log_line l;
				int64_t t;

				clock[s] += rand() % 4; /* ties are frequent */
				t = r < 5 ? FM_TIME_NONE : r < 12 ? clock[s] - rand() % 20 : clock[s];
				snprintf(text, sizeof text, "%d", nref);
				l = (struct log_line){t, LOG_OUTPUT, text, strlen(text)};
				log_merge_add(&m, s, &l);
				if (t == FM_TIME_NONE)
					t = last[s];
				else
					last[s] = t;
				ref[nref] = (struct ref_line){t, s, nref, 0};
				nref++;
			}
			upto = rand() % 8 == 0 ? INT64_MAX : (int64_t)(step * 3 + rand() % 10 - 5);
			for (int i = 0; i < nref; i++)
				if (!ref[i].left && ref[i].t <= upto)
					want[nwant++] = &ref[i];
			qsort(want, (size_t)nwant, sizeof *want, ref_cmp);
			g.n = 0;
			left = log_merge_flush(&m, upto, collect_id, &g);
			assert_int_equal(left, nwant);
			for (int i = 0; i < nwant; i++) {
				assert_int_equal(g.ids[i], want[i]->id);
				want[i]->left = 1;
				checked++;
			}
		}
		/* The rest, and then nothing: each line left exactly once. */
		g.n = 0;
		log_merge_flush(&m, INT64_MAX, collect_id, &g);
		for (int i = 0; i < g.n; i++) {
			assert_false(ref[g.ids[i]].left);
			ref[g.ids[i]].left = 1;
		}
		for (int i = 0; i < nref; i++)
			assert_true(ref[i].left);
		assert_int_equal(m.n, 0);
		assert_int_equal(log_merge_flush(&m, INT64_MAX, collect_id, &g), 0);
		log_merge_free(&m);
		free(clock);
		free(last);
	}
	assert_true(checked > 10000);
	free(ref);
	free(want);
	free(g.ids);
}

/* The watermark: the oldest newest line of the sources that hold, at least
 * now less the delay; a quiet source (newest line older than that, or none)
 * and one that does not hold are not waited for. */
static void
test_merge_watermark(void **state)
{
	struct log_merge m;
	unsigned char holds[4] = {1, 1, 1, 0};
	struct log_line l;
	struct got g = {0};

	log_merge_init(&m, 4);
	/* Nothing seen: the cap. */
	assert_int_equal(log_merge_watermark(&m, holds, 10000, 2000), 8000);
	l = line(9500, 1, "a");
	log_merge_add(&m, 0, &l);
	l = line(9000, 1, "b");
	log_merge_add(&m, 1, &l);
	l = line(100, 1, "c"); /* long quiet */
	log_merge_add(&m, 2, &l);
	l = line(8500, 1, "d"); /* does not hold (retrying) */
	log_merge_add(&m, 3, &l);
	assert_int_equal(log_merge_watermark(&m, holds, 10000, 2000), 9000);
	/* b goes quiet too: a alone holds. */
	assert_int_equal(log_merge_watermark(&m, holds, 11500, 2000), 9500);
	/* All quiet: the cap again. */
	assert_int_equal(log_merge_watermark(&m, holds, 20000, 2000), 18000);
	holds[3] = 1;
	assert_int_equal(log_merge_watermark(&m, holds, 10000, 2000), 8500);
	assert_int_equal(log_merge_flush(&m, INT64_MAX, collect, &g), 4);
	log_merge_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_merge_order),
	    cmocka_unit_test(test_merge_random),
	    cmocka_unit_test(test_merge_watermark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
