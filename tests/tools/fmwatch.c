/* fmwatch: drives a provider's logs and metrics from the command line, for
 * the integration tests (it is not installed). It builds one provider
 * through the registry, as fleetmux does, runs the loop for a bounded time,
 * and prints what comes as JSON lines:
 *
 *   fmwatch --provider eci --endpoint URL --key-id ID --secret S \
 *           logs REGION GROUP CONTAINER [--tail N] [--since S] [--previous]
 *           [--seconds T] [--lines N] [--close-at N]
 *   fmwatch ... metrics REGION GROUP... [--history [--start T] [--end T]
 *           [--period S]] [--repeat N --every MS]
 *
 *   {"event":"line","target":"R/G/C","time":"...","stream":1,"text":"..."}
 *   {"event":"state","state":"live|retrying|done|failed","code":N,
 *    "http_status":N,"vendor":"...","message":"..."}
 *   {"event":"metrics","samples":[{"group":...,"time":...,"cpu_percent":...,
 *    "mem_used":...,"mem_limit":...,"containers":[...]}],"error":{...}|null}
 *
 * Exit status: 0, 1 when the follower failed or the metrics could not be
 * had at all, 2 on bad usage. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/provider.h"
#include "fleetmux/registry.h"

struct drive {
	uv_loop_t *loop;
	struct provider *p;
	struct log_feed *feed;
	struct metric_req *req;
	uv_timer_t deadline, again;
	long lines, max_lines;
	long close_at;      /* close the follower from inside its callback at this line */
	int failed, over;
	int repeat, every_ms;
	struct metric_query q;
};

static void
emit(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	printf("%s\n", s);
	fflush(stdout);
	free(s);
	cJSON_Delete(o);
}

static cJSON *
cause_json(const struct fm_cause *why)
{
	cJSON *o;

	if (why == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "code", why->code);
	cJSON_AddNumberToObject(o, "http_status", why->http_status);
	cJSON_AddStringToObject(o, "vendor", why->vendor);
	cJSON_AddStringToObject(o, "message", why->msg);
	return o;
}

static void
stop(struct drive *d)
{
	if (d->over++)
		return;
	uv_stop(d->loop);
}

static void
on_line(void *arg, const struct container_ref *t, const struct log_line *l)
{
	struct drive *d = arg;
	cJSON *o = cJSON_CreateObject();
	char ts[36] = "", *target = xasprintf("%s/%s/%s", t->region, t->group_id, t->container);
	char *text = utf8_clean(l->text, l->len);

	if (l->time_ns != FM_TIME_NONE)
		fm_time_format_nano(l->time_ns, ts);
	cJSON_AddStringToObject(o, "event", "line");
	cJSON_AddStringToObject(o, "target", target);
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddNumberToObject(o, "stream", l->stream);
	cJSON_AddStringToObject(o, "text", text);
	emit(o);
	free(target);
	free(text);
	++d->lines;
	if (d->close_at > 0 && d->lines == d->close_at) {
		/* Owners may close from inside a callback: nothing more may come. */
		provider_logs_close(d->p, d->feed);
		d->feed = NULL;
		stop(d);
	} else if (d->close_at > 0 && d->lines > d->close_at) {
		fprintf(stderr, "fmwatch: a line came after the follower was closed\n");
		d->failed = 1;
	}
	if (d->max_lines > 0 && d->lines >= d->max_lines)
		stop(d);
}

static void
on_state(void *arg, const struct container_ref *t, enum feed_state st, const struct fm_cause *why)
{
	static const char *names[] = {"live", "retrying", "done", "failed"};
	struct drive *d = arg;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "event", "state");
	cJSON_AddStringToObject(o, "state", names[st]);
	if (why != NULL) {
		cJSON_AddNumberToObject(o, "code", why->code);
		cJSON_AddNumberToObject(o, "http_status", why->http_status);
		cJSON_AddStringToObject(o, "vendor", why->vendor);
		cJSON_AddStringToObject(o, "message", why->msg);
	}
	emit(o);
	if (st == FEED_FAILED)
		d->failed = 1;
	if (st == FEED_DONE || st == FEED_FAILED)
		stop(d);
}

static void
usage_json(cJSON *o, const struct fm_usage *u)
{
	cJSON_AddNumberToObject(o, "cpu_percent", u->cpu_percent);
	cJSON_AddNumberToObject(o, "mem_used", (double)u->mem_used);
	cJSON_AddNumberToObject(o, "mem_limit", (double)u->mem_limit);
}

static void ask_metrics(struct drive *d);

static void
again_fire(uv_timer_t *t)
{
	ask_metrics(t->data);
}

static void
on_metrics(void *arg, const struct fm_metric *m, size_t n, const struct fm_cause *why)
{
	struct drive *d = arg;
	cJSON *o = cJSON_CreateObject(), *arr;

	d->req = NULL;
	cJSON_AddStringToObject(o, "event", "metrics");
	arr = cJSON_AddArrayToObject(o, "samples");
	for (size_t i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateObject(), *cs;
		char ts[36] = "";

		if (m[i].time_ns != FM_TIME_NONE)
			fm_time_format_nano(m[i].time_ns, ts);
		cJSON_AddStringToObject(s, "group", m[i].group_id);
		cJSON_AddStringToObject(s, "time", ts);
		usage_json(s, &m[i].u);
		cs = cJSON_AddArrayToObject(s, "containers");
		for (size_t j = 0; j < m[i].ncontainers; j++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "name", m[i].containers[j].name);
			usage_json(c, &m[i].containers[j].u);
			cJSON_AddItemToArray(cs, c);
		}
		cJSON_AddItemToArray(arr, s);
	}
	cJSON_AddItemToObject(o, "error", cause_json(why));
	emit(o);
	if (why != NULL && n == 0)
		d->failed = 1;
	if (--d->repeat > 0)
		uv_timer_start(&d->again, again_fire, (uint64_t)d->every_ms, 0);
	else
		stop(d);
}

static void
ask_metrics(struct drive *d)
{
	struct fm_cause why;

	d->req = provider_metrics(d->p, &d->q, on_metrics, d, &why);
	if (d->req == NULL) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "event", "metrics");
		cJSON_AddArrayToObject(o, "samples");
		cJSON_AddItemToObject(o, "error", cause_json(&why));
		emit(o);
		d->failed = 1;
		stop(d);
	}
}

static void
deadline(uv_timer_t *t)
{
	stop(t->data);
}

static int
usage(void)
{
	fputs(
	    "usage: fmwatch --provider TYPE [--endpoint URL] [--key-id ID --secret S] [--sign v1]\n"
	    "               logs REGION GROUP CONTAINER [--tail N] [--since S] [--previous]\n"
	    "                    [--seconds T] [--lines N] [--close-at N]\n"
	    "             | metrics REGION GROUP... [--history [--start T] [--end T] [--period "
	    "S]]\n"
	    "                    [--repeat N --every MS] [--seconds T]\n",
	    stderr);
	return 2;
}

static int64_t
time_arg(const char *s)
{
	int64_t t;

	if (fm_time_parse(s, strlen(s), &t) < 0) {
		fprintf(stderr, "fmwatch: '%s' is not an RFC 3339 time\n", s);
		exit(2);
	}
	return t;
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"provider", required_argument, NULL, 'P'},
	    {"endpoint", required_argument, NULL, 'e'},
	    {"key-id", required_argument, NULL, 'I'},
	    {"secret", required_argument, NULL, 'S'},
	    {"sign", required_argument, NULL, 's'},
	    {"tail", required_argument, NULL, 't'},
	    {"since", required_argument, NULL, 'n'},
	    {"previous", no_argument, NULL, 'p'},
	    {"seconds", required_argument, NULL, 'T'},
	    {"lines", required_argument, NULL, 'l'},
	    {"history", no_argument, NULL, 'H'},
	    {"start", required_argument, NULL, 'a'},
	    {"end", required_argument, NULL, 'b'},
	    {"period", required_argument, NULL, 'r'},
	    {"repeat", required_argument, NULL, 'R'},
	    {"every", required_argument, NULL, 'E'},
	    {"close-at", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	struct provider_overrides cli;
	struct log_opts lo = {.tail = -1};
	struct drive d;
	const struct provider_type *type = NULL;
	struct fm_cause why;
	uv_loop_t loop;
	const char **ids;
	int ch, seconds = 30, rc;

	memset(&cli, 0, sizeof cli);
	memset(&d, 0, sizeof d);
	d.repeat = 1;
	d.q.start_ns = d.q.end_ns = FM_TIME_NONE;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'P':
			type = registry_find(optarg);
			break;
		case 'e':
			cli.endpoint = optarg;
			break;
		case 'I':
			cli.key_id = optarg;
			break;
		case 'S':
			cli.secret = optarg;
			break;
		case 's':
			cli.sign_v1 = strcmp(optarg, "v1") == 0;
			break;
		case 't':
			lo.tail = atoi(optarg);
			break;
		case 'n':
			lo.since_seconds = atol(optarg);
			break;
		case 'p':
			lo.previous = 1;
			break;
		case 'T':
			seconds = atoi(optarg);
			break;
		case 'l':
			d.max_lines = atol(optarg);
			break;
		case 'H':
			d.q.history = 1;
			break;
		case 'a':
			d.q.start_ns = time_arg(optarg);
			break;
		case 'b':
			d.q.end_ns = time_arg(optarg);
			break;
		case 'r':
			d.q.period_s = atoi(optarg);
			break;
		case 'R':
			d.repeat = atoi(optarg);
			break;
		case 'E':
			d.every_ms = atoi(optarg);
			break;
		case 'c':
			d.close_at = atol(optarg);
			break;
		default:
			return usage();
		}
	}
	/* Options may come before or after the command (getopt moves them). */
	if (type == NULL || optind + 2 > argc || seconds < 1 || seconds > 600)
		return usage();
	ids = (const char **)&argv[optind + 2];
	uv_loop_init(&loop);
	d.loop = &loop;
	if ((d.p = type->create(&loop, NULL, NULL, &cli, NULL, &why)) == NULL) {
		fprintf(stderr, "fmwatch: %s\n", why.msg);
		return 1;
	}
	uv_timer_init(&loop, &d.deadline);
	uv_timer_init(&loop, &d.again);
	d.deadline.data = d.again.data = &d;
	uv_timer_start(&d.deadline, deadline, (uint64_t)seconds * 1000, 0);
	if (strcmp(argv[optind], "logs") == 0) {
		struct container_ref ref;
		const struct log_events ev = {.on_line = on_line, .on_state = on_state};

		if (optind + 4 != argc)
			return usage();
		ref = (struct container_ref){argv[optind + 1], argv[optind + 2], argv[optind + 3]};
		d.feed = provider_logs_open(d.p, &ref, &lo, &ev, &d, &why);
		if (d.feed == NULL) {
			on_state(&d, &ref, FEED_FAILED, &why);
			d.over = 1;
		}
	} else if (strcmp(argv[optind], "metrics") == 0) {
		d.q.region = argv[optind + 1];
		d.q.group_ids = ids;
		d.q.n = (size_t)(argc - optind - 2);
		ask_metrics(&d);
	} else {
		return usage();
	}
	if (!d.over || d.feed != NULL)
		uv_run(&loop, UV_RUN_DEFAULT);
	/* A follower closed from its callback: let the loop run on a little, so
	 * that anything it wrongly still had in flight would show. */
	if (d.close_at > 0) {
		d.over = 0;
		uv_timer_start(&d.deadline, deadline, 1500, 0);
		uv_run(&loop, UV_RUN_DEFAULT);
	}
	provider_logs_close(d.p, d.feed);
	provider_metrics_cancel(d.p, d.req);
	uv_close((uv_handle_t *)&d.deadline, NULL);
	uv_close((uv_handle_t *)&d.again, NULL);
	{
		struct buf report;

		buf_init(&report);
		providers_free(&loop, &d.p, 1, 5000, &report);
		buf_free(&report);
	}
	/* Let the loop finish closing what the follower and the provider had. */
	for (int i = 0; i < 100 && uv_run(&loop, UV_RUN_NOWAIT) != 0; i++)
		;
	rc = uv_loop_close(&loop);
	if (rc != 0)
		fprintf(stderr, "fmwatch: handles left open at exit\n");
	return d.failed ? 1 : 0;
}
