/* run.c: fleetmux run. List every provider's containers, keep the running
 * ones that match the filter, run the command on each (no TTY, stdin
 * closed) at most `parallel` at a time, and print what comes back. */
#include "fleetmux/run.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fleetmux/sidebar.h"

struct run_target {
	struct run *run;
	int prov;
	char *region, *group_id, *label, *container;
	struct session *s;
	struct buf line[3];     /* partial lines of stdout (1) and stderr (2) */
	int exit_code;          /* -1: unknown */
	char *error;
	uint64_t started;
	uv_timer_t timer;
	int done;
};

struct run {
	uv_loop_t *loop;
	const struct run_options *o;
	struct provider **provs;
	int nprovs;
	struct run_target *t;
	size_t n, cap;
	size_t next, running, finished, failed;
	int listing;           /* listings not finished */
	int list_errors;
	int progress;          /* stderr is a terminal */
	struct prov_arg {
		struct run *run;
		int idx;
	} args[16];
};

static int
is_running(const char *s)
{
	return strcasecmp(s, "Running") == 0;
}

static void
progress(struct run *r, int final)
{
	char bar[41];
	size_t width = 40, fill;

	if (!r->progress)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	fill = r->n ? r->finished * width / r->n : 0;
	memset(bar, '#', fill);
	memset(bar + fill, ' ', width - fill);
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu done, %zu failed\033[K", bar, r->finished, r->n, r->failed);
	fflush(stderr);
}

static void
emit_line(struct run_target *t, int stream, const char *p, size_t n)
{
	struct run *r = t->run;

	progress(r, 1);
	if (r->o->json) {
		cJSON *o = cJSON_CreateObject();
		char *data = utf8_clean(p, n), *s;

		cJSON_AddStringToObject(o, "target", t->label);
		cJSON_AddStringToObject(o, "stream", stream == 2 ? "stderr" : "stdout");
		cJSON_AddStringToObject(o, "data", data);
		s = cJSON_PrintUnformatted(o);
		printf("%s\n", s);
		free(s);
		free(data);
		cJSON_Delete(o);
	} else {
		/* stderr lines are marked with '!' where stdout has '|'. */
		printf("%s %c %.*s\n", t->label, stream == 2 ? '!' : '|', (int)n, p);
	}
	fflush(stdout);
	progress(r, 0);
}

static void
on_output(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct run_target *t = arg;
	struct buf *b = &t->line[stream == 2 ? 2 : 1];

	while (buf_take_line(b, &data, &len, 1 << 20)) {
		size_t n = b->len;

		if (n > 0 && b->data[n - 1] == '\r')
			n--;
		emit_line(t, stream, b->data ? b->data : "", n);
		buf_reset(b);
	}
}

static void start_next(struct run *r);

static void
timer_closed(uv_handle_t *h)
{
}

static void
finish(struct run_target *t, int code, const char *error)
{
	struct run *r = t->run;

	if (t->done)
		return;
	t->done = 1;
	t->exit_code = code;
	if (error != NULL)
		t->error = xstrdup(error);
	uv_timer_stop(&t->timer);
	for (int s = 1; s <= 2; s++)
		if (t->line[s].len > 0)
			emit_line(t, s, t->line[s].data, t->line[s].len);
	r->running--;
	r->finished++;
	if (code != 0 || error != NULL)
		r->failed++;
	progress(r, 1);
	{
		uint64_t ms = uv_now(r->loop) - t->started;

		if (r->o->json) {
			cJSON *o = cJSON_CreateObject();
			char *s;

			cJSON_AddStringToObject(o, "target", t->label);
			if (code >= 0)
				cJSON_AddNumberToObject(o, "exit_code", code);
			else
				cJSON_AddNullToObject(o, "exit_code");
			cJSON_AddNumberToObject(o, "duration_ms", (double)ms);
			if (error != NULL)
				cJSON_AddStringToObject(o, "error", error);
			s = cJSON_PrintUnformatted(o);
			printf("%s\n", s);
			free(s);
			cJSON_Delete(o);
		} else if (error != NULL) {
			printf("%s ! failed: %s (%llu ms)\n", t->label, error, (unsigned long long)ms);
		} else {
			printf("%s = exit %d (%llu ms)\n", t->label, code, (unsigned long long)ms);
		}
		fflush(stdout);
	}
	progress(r, 0);
	start_next(r);
}

static void
on_state(void *arg, enum session_state st, int code, const char *msg)
{
	struct run_target *t = arg;

	if (st == SESSION_EXITED) {
		t->s = NULL;
		finish(t, code, code < 0 ? "ended without an exit code" : NULL);
	} else if (st == SESSION_FAILED) {
		t->s = NULL;
		finish(t, -1, msg ? msg : "failed");
	}
}

static const struct session_events run_events = {on_output, on_state};

static void
timed_out(uv_timer_t *tm)
{
	struct run_target *t = tm->data;
	char why[64];

	if (t->s != NULL) {
		t->s->ops->close(t->s);
		t->s = NULL;
	}
	snprintf(why, sizeof why, "timed out after %d s", t->run->o->timeout);
	finish(t, -1, why);
}

static void
start_next(struct run *r)
{
	while (r->running < (size_t)r->o->parallel && r->next < r->n) {
		struct run_target *t = &r->t[r->next++];
		struct container_ref ref = {t->region, t->group_id, t->container};
		struct exec_req req = {.argv = r->o->argv, .tty = 0, .no_stdin = 1};

		r->running++;
		t->started = uv_now(r->loop);
		if (r->o->timeout > 0)
			uv_timer_start(&t->timer, timed_out, (uint64_t)r->o->timeout * 1000, 0);
		t->s = r->provs[t->prov]->ops->open_exec(r->provs[t->prov], &ref, &req, &run_events, t);
	}
	if (r->finished == r->n && r->listing == 0)
		uv_stop(r->loop);
}

static int
region_wanted(const struct run *r, const char *id)
{
	if (r->o->regions == NULL)
		return 1;
	for (char **p = r->o->regions; *p; p++)
		if (strcmp(*p, id) == 0)
			return 1;
	return 0;
}

static void listing_done(struct run *r);

static void
on_groups(void *arg, const char *region, struct fm_group *g, size_t n, int done, const char *error)
{
	struct prov_arg *pa = arg;
	struct run *r = pa->run;

	if (error != NULL) {
		fprintf(stderr, "fleetmux run: %s: %s: %s\n", r->provs[pa->idx]->name, region, error);
		r->list_errors++;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_running(g[i].status) || !sidebar_group_matches(&g[i], r->o->filter))
			continue;
		for (size_t k = 0; k < g[i].ncontainers; k++) {
			struct run_target *t;

			if (!is_running(g[i].containers[k].state))
				continue;
			if (r->n == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 64;
				r->t = xrealloc(r->t, r->cap * sizeof *r->t);
			}
			t = &r->t[r->n++];
			memset(t, 0, sizeof *t);
			t->run = r;
			t->prov = pa->idx;
			t->region = xstrdup(region);
			t->group_id = xstrdup(g[i].id);
			t->container = xstrdup(g[i].containers[k].name);
			t->label = xasprintf("%s/%s", g[i].name, g[i].containers[k].name);
			t->exit_code = -1;
		}
	}
	fm_groups_free(g, n);
	if (done) {
		r->listing--;
		listing_done(r);
	}
}

static void
on_regions(void *arg, char **ids, size_t n, const char *error)
{
	struct prov_arg *pa = arg;
	struct run *r = pa->run;
	struct provider *p = r->provs[pa->idx];

	if (error != NULL) {
		fprintf(stderr, "fleetmux run: %s: %s\n", p->name, error);
		r->list_errors++;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(p->ops->type, "eci") == 0 && !region_wanted(r, ids[i]))
			continue;
		r->listing++;
		p->ops->list_groups(p, ids[i], on_groups, pa);
	}
	r->listing--;
	listing_done(r);
}

static void
listing_done(struct run *r)
{
	if (r->listing > 0)
		return;
	/* The targets are known: the timers can live in the final array. */
	for (size_t i = 0; i < r->n; i++) {
		uv_timer_init(r->loop, &r->t[i].timer);
		r->t[i].timer.data = &r->t[i];
		buf_init(&r->t[i].line[1]);
		buf_init(&r->t[i].line[2]);
	}
	if (r->n == 0) {
		uv_stop(r->loop);
		return;
	}
	progress(r, 0);
	start_next(r);
}

static void
close_any(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int
run_main(uv_loop_t *loop, struct provider **provs, int nprovs, const struct run_options *o)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof r);
	r.loop = loop;
	r.o = o;
	r.provs = provs;
	r.nprovs = nprovs;
	r.progress = isatty(2);
	for (int i = 0; i < nprovs && i < 16; i++) {
		r.args[i] = (struct prov_arg){&r, i};
		r.listing++;
		provs[i]->ops->list_regions(provs[i], on_regions, &r.args[i]);
	}
	uv_run(loop, UV_RUN_DEFAULT);
	progress(&r, 1);
	if (r.n == 0) {
		fprintf(stderr, "fleetmux run: no running container matches%s%s\n",
			o->filter ? " the filter " : "", o->filter ? o->filter : "");
		rc = r.list_errors ? 1 : 3;
	} else {
		rc = r.failed > 0 || r.list_errors > 0;
		if (!o->json)
			fprintf(stderr, "fleetmux run: %zu targets, %zu failed\n", r.n, r.failed);
	}
	for (size_t i = 0; i < r.n; i++) {
		struct run_target *t = &r.t[i];

		if (t->s != NULL)
			t->s->ops->close(t->s);
		uv_close((uv_handle_t *)&t->timer, timer_closed);
		buf_free(&t->line[1]);
		buf_free(&t->line[2]);
		free(t->region);
		free(t->group_id);
		free(t->container);
		free(t->label);
		free(t->error);
	}
	for (int i = 0; i < nprovs; i++)
		provs[i]->ops->free(provs[i]);
	for (int i = 0; i < 10; i++)
		uv_run(loop, UV_RUN_NOWAIT);
	uv_walk(loop, close_any, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	free(r.t);
	return rc;
}
