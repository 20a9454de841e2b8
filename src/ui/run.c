/* run.c: fleetmux run. List every provider's containers, keep the running
 * ones that match the filter, run the command on each (no TTY, stdin
 * closed) at most `parallel` at a time, and print what comes back.
 *
 * A command that has started is never started again (exec_req.once). A
 * timeout, Ctrl-C (SIGINT/SIGTERM) or a closed stdout ends what was
 * started, in the containers too, before run exits. */
#include "fleetmux/run.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fleetmux/frontend.h"
#include "fleetmux/logout.h"

struct run_target {
	struct run *run;
	const struct target *tg;   /* which container, and its label */
	struct session *s;
	struct buf line[3];     /* partial lines of stdout (1) and stderr (2) */
	int exit_code;          /* -1: unknown */
	char *error;
	uint64_t started;
	uv_timer_t timer;
	int stopping;           /* ending it in the container; the end comes then */
	int done;
};

struct run {
	uv_loop_t *loop;
	const struct run_options *o;
	struct provider **provs;
	int nprovs;
	struct listing listing;
	struct target_set found;  /* what the listing picked */
	size_t n;                 /* found.n */
	struct run_target *t;     /* one a found target, once the listing is done */
	size_t next, running, finished, failed;
	int list_errors;
	int progress;          /* stderr is a terminal */
	int bar_shown;         /* the bar is on the screen now */
	int bar_gone;          /* the run is over: no bar any more */
	int tty_out;           /* stdout is a terminal: controls are shown, not obeyed */
	int stopping;          /* interrupted, or nobody reads stdout: start nothing */
	int stdout_closed;
	const char *stop_reason;
	int stop_signal;       /* the signal that stopped the run, or 0 */
	size_t nstops;         /* terminations not answered yet */
	int in_stop_all;       /* answers that come at once must not end the loop yet */
	int quiet;             /* the summary is out: late answers print nothing */
	int abandoned;         /* a second Ctrl-C: do not wait for the containers */
	const char *abandon_why;
	uv_signal_t sigint, sigterm;
	uv_timer_t stop_wait;  /* how long an interrupt waits for the containers */
};

/* After Ctrl-C, the commands are ended in their containers; an API that
 * does not answer (a stalled endpoint) would make each end wait out every
 * call's timeout and tries, minutes in all. This long, then run gives up
 * waiting, as after a second Ctrl-C. */
#define RUN_STOP_WAIT_MS 15000

static void stop_all(struct run *r, const char *why);

/* The progress bar: on stderr, only when it is a terminal; one row that
 * never reaches the last column (a wrapped bar would leave its first row
 * behind when erased), erased before any line goes to stdout and for good
 * once the run is over. */
static void
progress(struct run *r, int final)
{
	char counts[96], bar[64];
	struct winsize ws;
	size_t cols = 80, width, fill, len;

	if (!r->progress || r->quiet || r->bar_gone)
		return;
	if (final) {
		if (r->bar_shown)
			fputs("\r\033[K", stderr);
		r->bar_shown = 0;
		return;
	}
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	len = (size_t)snprintf(counts, sizeof counts, " %zu/%zu done, %zu failed", r->finished, r->n,
			       r->failed);
	/* "[" bar "]" counts, within cols - 1; the counts alone if no bar fits. */
	width = cols > len + 3 + 10 ? cols - len - 3 : 0;
	if (width > sizeof bar - 1)
		width = sizeof bar - 1;
	if (width == 0 && len + 1 > cols)
		return; /* not even the counts fit */
	fill = r->n ? r->finished * width / r->n : 0;
	memset(bar, '#', fill);
	memset(bar + fill, ' ', width - fill);
	bar[width] = '\0';
	if (width > 0)
		fprintf(stderr, "\r[%s]%s\033[K", bar, counts);
	else
		fprintf(stderr, "\r%s\033[K", counts + 1);
	fflush(stderr);
	r->bar_shown = 1;
}

/* Who said it, in fields: no guessing from a label where names collide. */
static void
json_target(cJSON *o, const struct run_target *t)
{
	cJSON_AddStringToObject(o, "target", t->tg->label);
	cJSON_AddStringToObject(o, "provider", t->run->provs[t->tg->prov]->name);
	cJSON_AddStringToObject(o, "region", t->tg->region);
	cJSON_AddStringToObject(o, "group_id", t->tg->group_id);
	cJSON_AddStringToObject(o, "container", t->tg->container);
}

/* A reader that went away (`| head -1`): stop everything, quietly. */
static void
check_stdout(struct run *r)
{
	if (r->stdout_closed || (fflush(stdout) == 0 && !ferror(stdout)))
		return;
	r->stdout_closed = 1;
	stop_all(r, "stdout closed");
}

static void
emit_line(struct run_target *t, int stream, const char *p, size_t n)
{
	struct run *r = t->run;

	progress(r, 1);
	if (r->o->json) {
		cJSON *o = cJSON_CreateObject();
		char *data = utf8_clean(p, n), *s;

		json_target(o, t);
		cJSON_AddStringToObject(o, "stream", stream == 2 ? "stderr" : "stdout");
		cJSON_AddStringToObject(o, "data", data);
		s = cJSON_PrintUnformatted(o);
		printf("%s\n", s);
		free(s);
		free(data);
		cJSON_Delete(o);
	} else {
		/* stderr lines are marked with '!' where stdout has '|'. On a
		 * terminal, a container's control characters are shown, not
		 * obeyed: none may move the cursor over another target's line. */
		printf("%s %c ", t->tg->label, stream == 2 ? '!' : '|');
		if (r->tty_out) {
			struct buf v;

			buf_init(&v);
			buf_put_visible(&v, p, n);
			fwrite(v.data, 1, v.len, stdout);
			buf_free(&v);
		} else
			fwrite(p, 1, n, stdout);
		putchar('\n');
	}
	check_stdout(r);
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

	if (t->done || r->quiet)
		return;
	t->done = 1;
	t->stopping = 0;
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

			json_target(o, t);
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
			printf("%s = failed: %s (%llu ms)\n", t->tg->label, error, (unsigned long long)ms);
		} else {
			printf("%s = exit %d (%llu ms)\n", t->tg->label, code, (unsigned long long)ms);
		}
		check_stdout(r);
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
stopped(void *arg, int gone, const char *msg)
{
	struct run_target *t = arg;
	char why[700];

	t->run->nstops--;
	snprintf(why, sizeof why, "%s; %s%s", t->error ? t->error : "stopped",
		 gone ? "" : "it may still be running: ", msg ? msg : "ended in the container");
	free(t->error);
	t->error = NULL;
	finish(t, -1, why);
}

/* End the target's command, in the container too; its end line comes
 * when the provider says whether it is gone. */
static void
stop_target(struct run_target *t, const char *why)
{
	if (t->done || t->stopping || t->s == NULL)
		return;
	t->stopping = 1;
	uv_timer_stop(&t->timer);
	free(t->error);
	t->error = xstrdup(why);
	t->run->nstops++;
	{
		struct session *s = t->s;

		t->s = NULL;
		session_stop(s, stopped, t);
	}
}

static void
timed_out(uv_timer_t *tm)
{
	struct run_target *t = tm->data;
	char why[64];

	snprintf(why, sizeof why, "timed out after %d s", t->run->o->timeout);
	stop_target(t, why);
}

static void
stop_all(struct run *r, const char *why)
{
	if (r->stopping)
		return;
	r->stopping = 1;
	r->stop_reason = why;
	r->in_stop_all = 1;
	for (size_t i = 0; i < r->next; i++)
		stop_target(&r->t[i], why);
	r->in_stop_all = 0;
	if (r->nstops == 0)
		uv_stop(r->loop);
}

static void
stop_wait_over(uv_timer_t *t)
{
	struct run *r = t->data;

	r->abandoned = 1;
	r->abandon_why = "no answer within 15 s of the interrupt; it may still be running";
	uv_stop(r->loop);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct run *r = h->data;

	if (r->stopping) {
		/* A second Ctrl-C: stop waiting for the answers (what has not
		 * answered is listed as such); the ending itself goes on. */
		r->abandoned = 1;
		r->abandon_why = "no answer before the second interrupt; it may still be running";
		uv_stop(r->loop);
		return;
	}
	r->stop_signal = signum;
	stop_all(r, signum == SIGINT ? "interrupted (SIGINT)" : "interrupted (SIGTERM)");
	if (r->nstops > 0) {
		progress(r, 1);
		fprintf(stderr, "fleetmux run: ending %zu command%s in %s container%s; "
				"Ctrl-C again to stop waiting\n",
			r->nstops, r->nstops == 1 ? "" : "s", r->nstops == 1 ? "its" : "their",
			r->nstops == 1 ? "" : "s");
		uv_timer_start(&r->stop_wait, stop_wait_over, RUN_STOP_WAIT_MS, 0);
	}
}

static void
start_next(struct run *r)
{
	while (!r->stopping && r->running < (size_t)r->o->parallel && r->next < r->n) {
		struct run_target *t = &r->t[r->next++];
		struct container_ref ref = {t->tg->region, t->tg->group_id, t->tg->container};
		struct exec_req req = {.argv = r->o->argv, .tty = 0, .no_stdin = 1, .once = 1};

		r->running++;
		t->started = uv_now(r->loop);
		if (r->o->timeout > 0)
			uv_timer_start(&t->timer, timed_out, (uint64_t)r->o->timeout * 1000, 0);
		t->s = provider_open_exec(r->provs[t->tg->prov], &ref, &req, &run_events, t);
	}
	if (r->listing.pending == 0 && !r->in_stop_all &&
	    (r->finished == r->n || (r->stopping && r->nstops == 0)))
		uv_stop(r->loop);
}

static void listing_done(struct run *r);

static void
on_groups(void *arg, int prov, const char *region, struct fm_group *g, size_t n, int done,
	  const char *error)
{
	struct run *r = arg;

	if (r->t != NULL || r->quiet) { /* too late: the targets are settled */
		fm_groups_free(g, n);
		return;
	}
	if (error != NULL) {
		if (strcmp(r->provs[prov]->name, region) == 0) /* an engine: its own region */
			fprintf(stderr, "fleetmux run: %s: %s\n", region, error);
		else
			fprintf(stderr, "fleetmux run: %s: %s: %s\n", r->provs[prov]->name, region, error);
		r->list_errors++;
	}
	targets_add_matching(&r->found, prov, region, g, n, r->o->filter, 0);
	r->n = r->found.n;
	fm_groups_free(g, n);
	if (done)
		listing_done(r);
}

static void
on_provider(void *arg, int prov, const char *error)
{
	struct run *r = arg;

	if (error != NULL) {
		fprintf(stderr, "fleetmux run: %s: %s\n", r->provs[prov]->name, error);
		r->list_errors++;
	}
	listing_done(r);
}

static const struct listing_events run_listing = {
    .groups = on_groups,
    .provider = on_provider,
};

static void
print_dry_run(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct run_target *t = &r->t[i];

		if (r->o->json) {
			cJSON *o = cJSON_CreateObject();
			char *s;

			json_target(o, t);
			s = cJSON_PrintUnformatted(o);
			printf("%s\n", s);
			free(s);
			cJSON_Delete(o);
		} else {
			printf("%s\n", t->tg->label);
		}
	}
	fflush(stdout);
}

static void
listing_done(struct run *r)
{
	/* Once: a listing that answers after an interrupt stopped the run
	 * comes too late. */
	if (r->listing.pending > 0 || r->t != NULL || r->quiet)
		return;
	targets_name(&r->found, r->provs);
	/* The targets are known: the timers can live in the final array. */
	r->t = xcalloc(r->n ? r->n : 1, sizeof *r->t);
	for (size_t i = 0; i < r->n; i++) {
		r->t[i].run = r;
		r->t[i].tg = &r->found.v[i];
		r->t[i].exit_code = -1;
		uv_timer_init(r->loop, &r->t[i].timer);
		r->t[i].timer.data = &r->t[i];
		buf_init(&r->t[i].line[1]);
		buf_init(&r->t[i].line[2]);
	}
	if (r->n == 0 || r->o->dry_run || r->stopping) {
		if (r->o->dry_run)
			print_dry_run(r);
		uv_stop(r->loop);
		return;
	}
	progress(r, 0);
	start_next(r);
}

/* Every target that did not end well, by name, after the count. */
static void
summary(struct run *r)
{
	size_t not_started = r->n - r->next;

	fprintf(stderr, "fleetmux run: %zu target%s, %zu failed", r->n, r->n == 1 ? "" : "s",
		r->failed);
	if (not_started > 0)
		fprintf(stderr, ", %zu not started (%s)", not_started, r->stop_reason);
	if (r->o->failed_providers > 0)
		fprintf(stderr, "; %d provider%s could not start (said above)", r->o->failed_providers,
			r->o->failed_providers == 1 ? "" : "s");
	if (r->list_errors > 0)
		fprintf(stderr, "; %d listing%s failed (said above)", r->list_errors,
			r->list_errors == 1 ? "" : "s");
	fputc('\n', stderr);
	for (size_t i = 0; i < r->next; i++) {
		struct run_target *t = &r->t[i];

		if (!t->done)
			fprintf(stderr, "  %s: no answer yet; it may still be running\n", t->tg->label);
		else if (t->error != NULL)
			fprintf(stderr, "  %s: %s\n", t->tg->label, t->error);
		else if (t->exit_code != 0)
			fprintf(stderr, "  %s: exit %d\n", t->tg->label, t->exit_code);
	}
}

static int
exit_status(const struct run *r)
{
	if (r->n == 0)
		return r->list_errors ? 1 : 3;
	if (r->o->dry_run)
		return r->list_errors > 0 || r->o->failed_providers > 0;
	if (r->stdout_closed)
		return 141; /* as if SIGPIPE had ended us, quietly */
	if (r->stop_signal != 0)
		return 128 + r->stop_signal; /* 130 after SIGINT, 143 after SIGTERM */
	return r->failed > 0 || r->list_errors > 0 || r->next < r->n || r->o->failed_providers > 0;
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
	r.tty_out = isatty(1);
	uv_signal_init(loop, &r.sigint);
	uv_signal_init(loop, &r.sigterm);
	r.sigint.data = r.sigterm.data = &r;
	uv_signal_start(&r.sigint, on_signal, SIGINT);
	uv_signal_start(&r.sigterm, on_signal, SIGTERM);
	uv_timer_init(loop, &r.stop_wait);
	r.stop_wait.data = &r;
	targets_init(&r.found);
	listing_init(&r.listing, provs, nprovs, o->regions, &run_listing, &r);
	listing_start(&r.listing);
	uv_run(loop, UV_RUN_DEFAULT);
	progress(&r, 1);
	r.bar_gone = 1; /* what follows is the summary */
	rc = exit_status(&r);
	/* After a second Ctrl-C (or RUN_STOP_WAIT_MS), what did not answer ends here, counted and
	 * (with --json) given its final record. */
	for (size_t i = 0; r.abandoned && i < r.next; i++)
		if (!r.t[i].done) {
			free(r.t[i].error);
			r.t[i].error = NULL;
			finish(&r.t[i], -1, r.abandon_why);
		}
	if (r.n == 0 && r.list_errors > 0)
		fprintf(stderr, "fleetmux run: nothing could be listed (%d error%s above)\n", r.list_errors,
			r.list_errors == 1 ? "" : "s");
	else if (r.n == 0 && o->regions != NULL && r.listing.regions_seen == 0)
		fprintf(stderr, "fleetmux run: no provider offers the region%s asked for (--region)\n",
			o->regions[0] && o->regions[1] ? "s" : "");
	else if (r.n == 0)
		fprintf(stderr, "fleetmux run: no running container matches%s%s\n",
			o->filter ? " the filter " : "", o->filter ? o->filter : "");
	else if (!o->json && !o->dry_run && !r.stdout_closed)
		summary(&r);
	r.quiet = 1;
	/* Whatever still runs is ended in its container before we go. */
	for (size_t i = 0; i < r.next; i++)
		if (r.t[i].s != NULL) {
			session_close(r.t[i].s);
			r.t[i].s = NULL;
		}
	uv_close((uv_handle_t *)&r.sigint, NULL);
	uv_close((uv_handle_t *)&r.sigterm, NULL);
	uv_close((uv_handle_t *)&r.stop_wait, NULL);
	r.stopping = 1;
	for (size_t i = 0; r.t != NULL && i < r.n; i++)
		uv_close((uv_handle_t *)&r.t[i].timer, timer_closed);
	/* Even after a second Ctrl-C the commands being ended get their few
	 * seconds (the signal handlers are gone: a third Ctrl-C ends
	 * fleetmux at once). */
	frontend_shutdown(loop, provs, nprovs, "fleetmux run");
	for (size_t i = 0; r.t != NULL && i < r.n; i++) {
		buf_free(&r.t[i].line[1]);
		buf_free(&r.t[i].line[2]);
		free(r.t[i].error);
	}
	free(r.t);
	targets_free(&r.found);
	return rc;
}
