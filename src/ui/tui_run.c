/* tui_run.c: C-b ! — one command on every marked container, without a TTY,
 * its lines gathered in a results pane as `fleetmux run` prints them (the
 * same targets, by the same names: frontend.h). The run belongs to its
 * pane: closing the pane ends what still runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct tui_target {
	struct tui_run *job;
	const struct target *tg;
	struct session *s;
	struct buf line[3];
	int done;
};

struct tui_run {
	struct app *app;
	struct slot *slot;
	struct target_set set;
	struct tui_target *t;
	size_t n, finished, failed;
	char *argv[4];
	char *cmd;
};

static void
say(struct tui_run *j, const char *text)
{
	struct buf b;

	buf_init(&b);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			buf_putc(&b, '\r');
		buf_putc(&b, *p);
	}
	pane_feed(j->slot->pane, (const unsigned char *)b.data, b.len);
	buf_free(&b);
}

static void
emit(struct tui_target *t, int stream, const char *p, size_t n)
{
	char *line = xasprintf("%s %s %.*s\n", t->tg->label, stream == 2 ? "\033[31m!\033[0m" : "|",
			       (int)n, p);

	say(t->job, line);
	free(line);
}

static void
on_output(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct tui_target *t = arg;
	struct buf *b = &t->line[stream == 2 ? 2 : 1];

	while (buf_take_line(b, &data, &len, 65536)) {
		emit(t, stream, b->data ? b->data : "", b->len);
		buf_reset(b);
	}
}

/* The results pane's title says how the run goes, not a session's state:
 * "running: 1 of 3 done", then "3 of 3 ok" or "2 of 2 failed". */
static void
set_badge(struct tui_run *j)
{
	struct slot *s = j->slot;

	if (j->finished < j->n) {
		snprintf(s->badge, sizeof s->badge, "running: %zu of %zu done", j->finished, j->n);
		s->badge_tone = j->failed > 0 ? 2 : 1;
	} else if (j->failed > 0) {
		snprintf(s->badge, sizeof s->badge, "%zu of %zu failed", j->failed, j->n);
		s->badge_tone = 2;
	} else {
		snprintf(s->badge, sizeof s->badge, "%zu of %zu ok", j->n, j->n);
		s->badge_tone = 0;
	}
}

static void
on_state(void *arg, enum session_state st, int code, const char *msg)
{
	struct tui_target *t = arg;
	struct tui_run *j = t->job;
	char *line;

	if (st != SESSION_EXITED && st != SESSION_FAILED)
		return;
	t->s = NULL;
	t->done = 1;
	for (int s = 1; s <= 2; s++)
		if (t->line[s].len > 0)
			emit(t, s, t->line[s].data, t->line[s].len);
	if (st == SESSION_FAILED || code != 0)
		j->failed++;
	j->finished++;
	set_badge(j);
	line = st == SESSION_FAILED
		   ? xasprintf("%s \033[31m= failed: %s\033[0m\n", t->tg->label, msg ? msg : "")
		   : xasprintf("%s = exit %d\n", t->tg->label, code);
	say(j, line);
	free(line);
	if (j->finished == j->n) {
		const char *targets = fm_plural((long long)j->n, "target", "targets");
		char *end = xasprintf("\033[1m— %zu %s, %zu failed —\033[0m\n", j->n, targets,
				      j->failed);

		say(j, end);
		free(end);
		j->slot->pane->state = SESSION_EXITED;
		j->slot->pane->exit_code = (int)j->failed;
		j->app->full_redraw = 1;
		app_message(j->app, j->failed > 0, "run: %zu %s, %zu failed", j->n, targets, j->failed);
	}
}

static const struct session_events events = {on_output, on_state};

/* The results pane closes: end what still runs. */
static void
tui_run_stop(struct slot *s)
{
	struct tui_run *j = s->job;

	for (size_t i = 0; i < j->n; i++) {
		if (j->t[i].s != NULL)
			session_close(j->t[i].s);
		buf_free(&j->t[i].line[1]);
		buf_free(&j->t[i].line[2]);
	}
	targets_free(&j->set);
	free(j->t);
	free(j->cmd);
	free(j);
	s->job = NULL;
	s->job_stop = NULL;
}

void
tui_run_start(struct app *a, const char *cmd)
{
	struct tui_run *j;
	char *title = xasprintf("! %s", cmd), *head;
	struct slot *slot = panes_open_local(a, title);
	struct exec_req req = {.tty = 0, .no_stdin = 1, .once = 1};

	free(title);
	if (slot == NULL) {
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->app = a;
	j->slot = slot;
	slot->job = j;
	slot->job_stop = tui_run_stop;
	j->cmd = xstrdup(cmd);
	j->argv[0] = "/bin/sh";
	j->argv[1] = "-c";
	j->argv[2] = j->cmd;
	req.argv = j->argv;
	targets_init(&j->set);
	targets_add_marked(&j->set, &a->sb);
	targets_name(&j->set, a->provs);
	j->n = j->set.n;
	j->t = xcalloc(j->n + 1, sizeof *j->t);
	for (size_t i = 0; i < j->n; i++) {
		struct tui_target *t = &j->t[i];
		const struct target *tg = &j->set.v[i];
		struct container_ref ref = {tg->region, tg->group_id, tg->container};

		t->job = j;
		t->tg = tg;
		buf_init(&t->line[1]);
		buf_init(&t->line[2]);
		t->s = provider_open_exec(a->provs[tg->prov], &ref, &req, &events, t);
	}
	set_badge(j);
	sidebar_clear_marks(&a->sb);
	head = xasprintf("\033[1m$ %s   (on %zu %s)\033[0m\n", cmd, j->n,
			 fm_plural((long long)j->n, "container", "containers"));
	say(j, head);
	free(head);
}
