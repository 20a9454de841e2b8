/* tui_run.c: C-b ! — one command on every marked container, without a TTY,
 * its lines gathered in a results pane as `fleetmux run` prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/app.h"

struct tui_target {
	struct tui_run *job;
	char *label;
	struct session *s;
	struct buf line[3];
	int done;
};

struct tui_run {
	struct app *app;
	struct pane *pane;
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
	pane_feed(j->pane, (const unsigned char *)b.data, b.len);
	buf_free(&b);
}

static void
emit(struct tui_target *t, int stream, const char *p, size_t n)
{
	char *line = xasprintf("%s %s %.*s\n", t->label, stream == 2 ? "\033[31m!\033[0m" : "|", (int)n, p);

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
	line = st == SESSION_FAILED ? xasprintf("%s \033[31m= failed: %s\033[0m\n", t->label, msg ? msg : "")
				    : xasprintf("%s = exit %d\n", t->label, code);
	say(j, line);
	free(line);
	if (j->finished == j->n) {
		char *end = xasprintf("\033[1m— %zu targets, %zu failed —\033[0m\n", j->n, j->failed);

		say(j, end);
		free(end);
		j->pane->state = SESSION_EXITED;
		j->pane->exit_code = (int)j->failed;
		j->app->full_redraw = 1;
		app_message(j->app, j->failed > 0, "run: %zu targets, %zu failed", j->n, j->failed);
	}
}

static const struct session_events events = {on_output, on_state};

void
tui_run_start(struct app *a, const char *cmd)
{
	struct tui_run *j = xcalloc(1, sizeof *j);
	char *title = xasprintf("! %s", cmd);
	int idx = app_open_pane_local(a, title);
	size_t k = 0;

	free(title);
	if (idx < 0) {
		free(j);
		app_message(a, 1, "at most %d panes", APP_MAX_PANES);
		return;
	}
	j->app = a;
	j->pane = a->panes[idx];
	j->pane->job = j;
	j->cmd = xstrdup(cmd);
	j->argv[0] = "/bin/sh";
	j->argv[1] = "-c";
	j->argv[2] = j->cmd;
	j->n = sidebar_count_marked(&a->sb);
	j->t = xcalloc(j->n + 1, sizeof *j->t);
	for (size_t i = 0; i < a->sb.nregions; i++)
		for (size_t g = 0; g < a->sb.regions[i].n; g++) {
			struct sb_group *sg = &a->sb.regions[i].groups[g];

			for (size_t c = 0; c < sg->g.ncontainers && k < j->n; c++) {
				struct tui_target *t;
				struct container_ref ref = {a->sb.regions[i].id, sg->g.id, sg->g.containers[c].name};
				struct exec_req req = {.argv = j->argv, .tty = 0, .no_stdin = 1};
				int prov = a->sb.regions[i].prov;

				if (!sg->marked[c])
					continue;
				t = &j->t[k++];
				t->job = j;
				t->label = xasprintf("%s/%s", sg->g.name, sg->g.containers[c].name);
				buf_init(&t->line[1]);
				buf_init(&t->line[2]);
				t->s = a->provs[prov]->ops->open_exec(a->provs[prov], &ref, &req, &events, t);
			}
		}
	sidebar_clear_marks(&a->sb);
	{
		char *head = xasprintf("\033[1m$ %s   (on %zu containers)\033[0m\n", cmd, j->n);

		say(j, head);
		free(head);
	}
}

/* The results pane closes: end what still runs. */
void
tui_run_stop(struct pane *p)
{
	struct tui_run *j = p->job;

	for (size_t i = 0; i < j->n; i++) {
		if (j->t[i].s != NULL)
			j->t[i].s->ops->close(j->t[i].s);
		buf_free(&j->t[i].line[1]);
		buf_free(&j->t[i].line[2]);
		free(j->t[i].label);
	}
	free(j->t);
	free(j->cmd);
	free(j);
	p->job = NULL;
}
