/* commands.c: the command prompt (C-b :). A line is resolved by cmdline.c
 * (pure); the commands that take words run here, and an action without
 * words goes back to actions.c, which opened the prompt (the files call
 * downwards). Every error is said on the status line and kept in the log.
 * Tab completes from what the app knows: names, layouts, themes, pane
 * numbers, the listed fleet. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/cmdline.h"
#include "fleetmux/datadir.h"
#include "tui.h"

/* The words from the first on, as one text with blanks between. */
static void
join(const struct command_call *call, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < call->argc && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "", call->argv[i]);
}

static int
has_container(const struct sb_group *g, const char *name)
{
	for (size_t k = 0; k < g->g.ncontainers; k++)
		if (strcmp(g->g.containers[k].name, name) == 0)
			return 1;
	return 0;
}

/* open REGION/GROUP/CONTAINER...: as --open, in what is listed now. */
static enum action
cmd_open(struct app *a, const struct command_call *call)
{
	for (int i = 0; i < call->argc; i++) {
		char *words[] = {call->argv[i], NULL};
		struct open_spec *spec;
		struct sb_group *g;
		const char *cname;
		size_t n;
		int prov = -1;

		if (open_specs_parse(words, &spec, &n) < 0) {
			app_message(a, 1, "open wants REGION/GROUP/CONTAINER or ENGINE/CONTAINER, not '%s'",
				    call->argv[i]);
			open_specs_free(spec, n);
			continue;
		}
		g = sidebar_find_group(&a->sb, -1, spec->region, spec->group, &prov);
		if (g == NULL) {
			app_message(a, 1, "open: no %s %s in %s%s", spec->container ? "group" : "container",
				    spec->group, spec->region,
				    a->listing.pending > 0 ? " (still listing: try again)" : "");
		} else {
			cname = spec->container ? spec->container
			      : g->g.ncontainers ? g->g.containers[0].name : "";
			if (!has_container(g, cname))
				app_message(a, 1, "open: group %s has no container %s", spec->group, cname);
			else
				panes_open(a, prov, spec->region, g->g.id, g->g.name, cname);
		}
		open_specs_free(spec, n);
	}
	return ACT_NONE;
}

static enum action
cmd_layout(struct app *a, const struct command_call *call)
{
	a->layout = (enum layout_kind)call->layout;
	a->zoomed = -1;
	panes_relayout(a);
	app_message(a, 0, "layout %s", layout_name(a->layout));
	return ACT_NONE;
}

static enum action
cmd_theme(struct app *a, const struct command_call *call)
{
	struct theme t;
	struct buf errors;

	buf_init(&errors);
	if (theme_load(&t, call->argv[0], &errors) < 0) {
		app_message(a, 1, "%s", fm_error_message());
	} else {
		a->theme = t;
		a->full_redraw = 1;
		if (errors.len > 0) {
			/* the bad lines were left out; the first says why */
			char *nl = strchr(errors.data, '\n');

			if (nl != NULL)
				*nl = '\0';
			app_message(a, 1, "theme %s, but %s", call->argv[0], errors.data);
		} else {
			app_message(a, 0, "theme %s", call->argv[0]);
		}
	}
	buf_free(&errors);
	return ACT_NONE;
}

static enum action
cmd_filter(struct app *a, const struct command_call *call)
{
	char text[sizeof a->sb.filter];

	join(call, text, sizeof text);
	sidebar_set_filter(&a->sb, text);
	sidebar_home(&a->sb);
	a->full_redraw = 1;
	if (text[0])
		app_message(a, 0, "filter %s", text);
	else
		app_message(a, 0, "no filter");
	return ACT_NONE;
}

static enum action
cmd_save(struct app *a, const struct command_call *call)
{
	const char *name = call->argc > 0 ? call->argv[0] : a->ws_name ? a->ws_name
							   : a->session_name;
	char *copy = xstrdup(name); /* a->ws_name is replaced */

	workspace_save_as(a, copy);
	free(copy);
	return ACT_NONE;
}

static enum action
cmd_close_pane(struct app *a, const struct command_call *call)
{
	for (int i = 0; i < a->npanes; i++)
		if (a->slots[i]->number == call->pane) {
			panes_close_asking(a, i);
			return ACT_NONE;
		}
	app_message(a, 1, "no pane %d", call->pane);
	return ACT_NONE;
}

/* broadcast on|off: the toggle, when it changes anything */
static enum action
cmd_broadcast(struct app *a, const struct command_call *call)
{
	if (a->broadcast != call->on)
		return ACT_BROADCAST;
	app_message(a, 0, "broadcast is %s already", call->on ? "on" : "off");
	return ACT_NONE;
}

static enum action
cmd_record(struct app *a, const struct command_call *call)
{
	struct slot *s = focus_slot(a);

	if (s == NULL) {
		app_message(a, 1, "record: no pane has the focus");
		return ACT_NONE;
	}
	if ((s->pane->rec != NULL) != call->on)
		return ACT_RECORD;
	app_message(a, 0, "pane %d is %s already", s->number, call->on ? "recorded" : "not recorded");
	return ACT_NONE;
}

static enum action
cmd_run(struct app *a, const struct command_call *call)
{
	if (sidebar_count_marked(&a->sb) == 0)
		app_message(a, 1, "run: mark containers in the sidebar first (Space)");
	else
		tui_run_start(a, call->rest);
	return ACT_NONE;
}

static enum action
cmd_list_keys(struct app *a, const struct command_call *call)
{
	char text[sizeof a->overlay.filter];

	join(call, text, sizeof text);
	overlay_open(a, OVERLAY_HELP, text);
	return ACT_NONE;
}

/* log-include, log-exclude, log-highlight REGEX: for the focused merged
 * log pane; the text as typed, none to remove it. */
static enum action
cmd_log_expr(struct app *a, const struct command_call *call)
{
	enum logview_expr k = call->cmd == CMD_LOG_INCLUDE   ? LOGVIEW_INCLUDE
			    : call->cmd == CMD_LOG_EXCLUDE ? LOGVIEW_EXCLUDE
							   : LOGVIEW_HIGHLIGHT;

	mergepane_set_expr(a, focus_slot(a), k, call->rest);
	return ACT_NONE;
}

static enum action (*const runs[CMD_COUNT])(struct app *, const struct command_call *) = {
    [CMD_OPEN] = cmd_open,
    [CMD_LAYOUT] = cmd_layout,
    [CMD_THEME] = cmd_theme,
    [CMD_FILTER] = cmd_filter,
    [CMD_CLOSE_PANE] = cmd_close_pane,
    [CMD_KILL_PANE] = cmd_close_pane,
    [CMD_BROADCAST] = cmd_broadcast,
    [CMD_RECORD] = cmd_record,
    [CMD_RUN] = cmd_run,
    [CMD_LIST_KEYS] = cmd_list_keys,
    [CMD_HELP] = cmd_list_keys,
    [CMD_LOG_INCLUDE] = cmd_log_expr,
    [CMD_LOG_EXCLUDE] = cmd_log_expr,
    [CMD_LOG_HIGHLIGHT] = cmd_log_expr,
    [CMD_SAVE] = cmd_save,
};

int
commands_runs(enum command c)
{
	return c >= 0 && c < CMD_COUNT && runs[c] != NULL;
}

enum action
commands_run(struct app *a, const char *line)
{
	struct cmdline c;
	struct command_call call;
	char why[300], lead[32];
	int rc;

	if (cmdline_split(line, &c, why, sizeof why) < 0) {
		app_message(a, 1, "%s", why);
		return ACT_NONE;
	}
	if ((rc = command_resolve(&c, &call, why, sizeof why)) < 0) {
		keymap_key_name(a->opt.prefix, lead, sizeof lead);
		if (rc == -FM_ENOTFOUND)
			app_message(a, 1, "%s (Tab completes names; %s ? lists them)", why, lead);
		else
			app_message(a, 1, "%s", why);
		return ACT_NONE;
	}
	if (call.cmd < 0)
		return call.act;
	return runs[call.cmd](a, &call);
}

/* --- Tab --- */

struct names {
	char **v;
	size_t n, cap;
};

static void
names_add(struct names *s, char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = name;
}

static void
names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Every theme file's name where theme_load looks ($FLEETMUX_THEMES, then
 * themes/ beside the program), and default. */
static void
theme_names(struct names *s)
{
	struct buf tried;
	char *dirs[2] = {NULL, NULL};

	buf_init(&tried);
	if (getenv("FLEETMUX_THEMES") != NULL && *getenv("FLEETMUX_THEMES"))
		dirs[0] = xstrdup(getenv("FLEETMUX_THEMES"));
	dirs[1] = datadir_find("themes", "themes", &tried);
	names_add(s, xstrdup("default"));
	for (size_t i = 0; i < 2; i++) {
		DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;
		struct dirent *e;

		while (d != NULL && (e = readdir(d)) != NULL) {
			size_t len = strlen(e->d_name);

			if (len > 6 && strcmp(e->d_name + len - 6, ".theme") == 0)
				names_add(s, xstrndup(e->d_name, len - 6));
		}
		if (d != NULL)
			closedir(d);
		free(dirs[i]);
	}
	buf_free(&tried);
}

/* What open takes, from the listed fleet: REGION/GROUP/CONTAINER, or
 * ENGINE/CONTAINER for an engine's container (a group of one, named as
 * it is). */
static void
target_names(const struct app *a, struct names *s)
{
	for (size_t i = 0; i < a->sb.nregions; i++) {
		const struct sb_region *r = &a->sb.regions[i];

		for (size_t j = 0; j < r->n; j++) {
			const struct fm_group *g = &r->groups[j].g;

			if (g->ncontainers == 1 && strcmp(g->containers[0].name, g->name) == 0) {
				names_add(s, xasprintf("%s/%s", r->id, g->name));
				continue;
			}
			for (size_t k = 0; k < g->ncontainers; k++)
				names_add(s, xasprintf("%s/%s/%s", r->id, g->name, g->containers[k].name));
		}
	}
}

static int
by_text(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
complete(void *arg, char *text, size_t size, char *hint, size_t hintlen)
{
	struct app *a = arg;
	struct names s = {0};
	char first[64];
	int word = cmdline_word_index(text, first, sizeof first), cmd;
	const struct command_spec *spec;
	size_t k = 0;

	hint[0] = '\0';
	if (word < 0)
		return; /* after -- is run's command, as typed */
	if ((cmd = command_from_name(first)) < 0 && first[0] != '\0')
		for (int c = 0; c < CMD_COUNT; c++) /* a beginning of one name will do */
			if (strncmp(command_spec(c)->name, first, strlen(first)) == 0)
				cmd = cmd == -1 ? c : -2;
	spec = cmd >= 0 ? command_spec(cmd) : NULL;
	if (word == 0) {
		const char *v[CMDLINE_NAMES_MAX];
		size_t n = command_names(v, CMDLINE_NAMES_MAX);

		for (size_t i = 0; i < n; i++)
			names_add(&s, xstrdup(v[i]));
	} else if (spec == NULL || spec->complete == COMPLETE_NONE ||
		   spec->complete == COMPLETE_TEXT ||
		   (spec->max_words >= 0 && word > spec->max_words)) {
		snprintf(hint, hintlen, "%s", spec ? spec->args : "takes no words");
		return;
	} else if (spec->complete == COMPLETE_THEME) {
		theme_names(&s);
	} else if (spec->complete == COMPLETE_TARGET) {
		target_names(a, &s);
	} else if (spec->complete == COMPLETE_PANE) {
		for (int i = 0; i < a->npanes; i++)
			names_add(&s, xasprintf("%d", a->slots[i]->number));
	} else {
		const char *v[16];
		size_t n = command_choices(spec->complete, v, 16);

		for (size_t i = 0; i < n; i++)
			names_add(&s, xstrdup(v[i]));
	}
	/* each once, in order */
	if (s.n > 0)
		qsort(s.v, s.n, sizeof *s.v, by_text);
	for (size_t i = 0; i < s.n; i++) {
		if (k > 0 && strcmp(s.v[k - 1], s.v[i]) == 0) {
			free(s.v[i]);
			continue;
		}
		s.v[k++] = s.v[i];
	}
	s.n = k;
	cmdline_complete_word(text, size, (const char *const *)s.v, s.n, hint, hintlen);
	names_free(&s);
}

void
commands_prompt_open(struct app *a, void (*done)(void *arg, const char *line))
{
	prompt_open(&a->prompt, ":", done, a);
	a->prompt.complete = complete;
	a->prompt.history = &a->command_history;
	history_reset(&a->command_history);
}
