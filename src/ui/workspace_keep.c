/* workspace_keep.c: a session's workspace on disk. A session started with
 * `fleetmux new -w NAME` (or given one with :save NAME) writes its panes,
 * layout, zoom and focus to $XDG_STATE_HOME/fleetmux/workspaces/NAME.json
 * at most once a second after a change, atomically; started again, it
 * opens each pane anew (a new shell: what ran there before is gone, and
 * the pane's first line says so) as the regions are listed. The text is
 * workspace.c's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleetmux/record.h"
#include "fleetmux/server.h"
#include "fleetmux/workspace.h"
#include "tui.h"

#define WORKSPACE_SAVE_MS 1000

char *
workspace_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	return xdg && *xdg ? xasprintf("%s/fleetmux/workspaces", xdg)
			   : xasprintf("%s/.local/state/fleetmux/workspaces", home ? home : "");
}

char *
workspace_path(const char *name)
{
	char *dir = workspace_dir(), *path = xasprintf("%s/%s.json", dir, name);

	free(dir);
	return path;
}

/* The session as a workspace: the panes a workspace can reopen (a
 * container's shell or log; not C-b !'s results, not a merged log). */
static void
collect(struct app *a, struct workspace *w)
{
	int saved = 0;

	memset(w, 0, sizeof *w);
	w->layout = xstrdup(layout_name(a->layout));
	w->zoomed = -1;
	w->focus = -1;
	w->panes = xcalloc((size_t)a->npanes + 1, sizeof *w->panes);
	for (int i = 0; i < a->npanes; i++) {
		struct slot *s = a->slots[i];
		struct ws_pane *p;

		if (s->prov < 0 || mergepane_is(s))
			continue;
		p = &w->panes[w->npanes++];
		p->provider = xstrdup(a->provs[s->prov]->name);
		p->region = xstrdup(s->region);
		p->group_id = xstrdup(s->group_id);
		p->group_name = xstrdup(s->group_name);
		p->container = xstrdup(s->container);
		p->kind = !s->log ? WS_SHELL : logpane_is_previous(s) ? WS_PREVIOUS_LOG : WS_LOG;
		p->marked = s->marked;
		if (a->zoomed == i)
			w->zoomed = saved;
		if (!a->sidebar_focus && a->focus == i)
			w->focus = saved;
		saved++;
	}
}

/* Written whole or not at all: a temporary file, synced, renamed. */
static int
write_atomically(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	size_t n = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc = -1;

	if (fd >= 0) {
		if (write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0)
			rc = 0;
		close(fd);
		if (rc == 0 && rename(tmp, path) < 0)
			rc = -1;
		if (rc < 0)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* The lock let go, its file removed (while still held: nobody else
 * takes a file about to go). */
static void
workspace_unlock(struct app *a)
{
	if (a->ws_lock >= 0) {
		unlink(a->ws_lock_path);
		close(a->ws_lock);
	}
	free(a->ws_lock_path);
	a->ws_lock = -1;
	a->ws_lock_path = NULL;
}

/* One session a workspace: a second one writing the same file would undo
 * the first's changes each second. The lock (flock on NAME.lock) goes with
 * the session's process, however it ends. -1 (said) when another holds it. */
static int
take_lock(struct app *a, const char *name)
{
	char *dir = workspace_dir(), *path = xasprintf("%s/%s.lock", dir, name);
	int fd = -1;

	if (recorder_make_dir(dir) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		/* Who has it: its session's name, in the file. */
		char holder[80] = "";
		ssize_t n = read(fd, holder, sizeof holder - 1);

		holder[n > 0 ? n : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		fm_error(FM_EIO, "workspace %s is in use by session %s (fleetmux attach -t %s)", name,
			 holder[0] ? holder : "?", holder[0] ? holder : "?");
		close(fd);
		free(dir);
		free(path);
		return -1;
	}
	if (fd >= 0 && a->session_name != NULL) {
		if (ftruncate(fd, 0) < 0 || write(fd, a->session_name, strlen(a->session_name)) < 0) {
			/* the name is a courtesy; the lock is what counts */
		}
	}
	workspace_unlock(a); /* the workspace it had before (:save) */
	a->ws_lock = fd;
	a->ws_lock_path = path;
	free(dir);
	return 0;
}

/* Are panes of the workspace still to be reopened? Nothing is written
 * meanwhile: a half-restored session would replace the whole one. */
static int
restoring(const struct app *a)
{
	for (size_t i = 0; i < a->nopen; i++)
		if (a->open[i].restored && !a->open[i].done)
			return 1;
	return 0;
}

static int
save(struct app *a, int said)
{
	struct workspace w;
	char *text, *dir, *path;
	int rc = 0;

	collect(a, &w);
	text = workspace_encode(&w);
	workspace_free(&w);
	if (a->ws_text != NULL && strcmp(a->ws_text, text) == 0 && !said) {
		free(text);
		return 0;
	}
	dir = workspace_dir();
	path = workspace_path(a->ws_name);
	if (recorder_make_dir(dir) < 0 || write_atomically(path, text) < 0) {
		/* Said once, not every second. */
		if (said || !a->ws_failed)
			app_message(a, 1, "workspace %s: cannot write %s: %s", a->ws_name, path,
				    strerror(errno));
		a->ws_failed = 1;
		rc = -1;
	} else {
		a->ws_failed = 0;
		free(a->ws_text);
		a->ws_text = text;
		text = NULL;
		if (said)
			app_message(a, 0, "workspace %s saved (%s)", a->ws_name, path);
	}
	free(text);
	free(dir);
	free(path);
	return rc;
}

static void
tick(uv_timer_t *t)
{
	struct app *a = t->data;

	if (a->ws_name != NULL && !restoring(a))
		save(a, 0);
}

static void
start_timer(struct app *a)
{
	if (a->ws_timer_started)
		return;
	uv_timer_init(a->loop, &a->ws_timer);
	a->ws_timer.data = a;
	uv_timer_start(&a->ws_timer, tick, WORKSPACE_SAVE_MS, WORKSPACE_SAVE_MS);
	a->ws_timer_started = 1;
}

int
workspace_save_as(struct app *a, const char *name)
{
	if (!session_name_ok(name)) {
		app_message(a, 1, "save: '%s' cannot name a workspace (letters, digits, . _ -)", name);
		return -1;
	}
	if ((a->ws_name == NULL || strcmp(a->ws_name, name) != 0) && take_lock(a, name) < 0) {
		app_message(a, 1, "save: %s", fm_error_message());
		return -1;
	}
	free(a->ws_name);
	a->ws_name = xstrdup(name);
	free(a->ws_text);
	a->ws_text = NULL;
	start_timer(a);
	return save(a, 1);
}

/* Its panes become --open's specs, each with its provider and kind. */
static void
restore(struct app *a, const struct workspace *w)
{
	int layout = layout_from_name(w->layout);

	if (layout >= 0)
		a->layout = (enum layout_kind)layout;
	a->open = xrealloc(a->open, (a->nopen + w->npanes + 1) * sizeof *a->open);
	for (size_t i = 0; i < w->npanes; i++) {
		struct open_spec *o = &a->open[a->nopen++];

		memset(o, 0, sizeof *o);
		o->provider = xstrdup(w->panes[i].provider);
		o->region = xstrdup(w->panes[i].region);
		o->group = xstrdup(w->panes[i].group_id);
		o->container = xstrdup(w->panes[i].container);
		o->kind = (int)w->panes[i].kind;
		o->marked = w->panes[i].marked;
		o->restored = 1;
	}
	a->ws_zoomed = w->zoomed;
	a->ws_focus = w->focus;
}

int
workspace_load(const char *path, struct workspace *w, char *why, size_t whylen)
{
	FILE *f = fopen(path, "re");
	struct buf b;
	char chunk[4096];
	size_t got;
	int rc;

	if (f == NULL) {
		int e = errno;

		snprintf(why, whylen, "%s", strerror(e));
		memset(w, 0, sizeof *w);
		errno = e;
		return -2;
	}
	buf_init(&b);
	/* A workspace is a few KiB; 4 MiB is not one. */
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (4u << 20))
		buf_append(&b, chunk, got);
	fclose(f);
	rc = workspace_decode(b.data ? b.data : "", b.len, w, why, whylen);
	buf_free(&b);
	return rc;
}

int
workspace_start(struct app *a, const char *name)
{
	char *path, why[256];
	struct workspace w;
	int rc;

	a->ws_zoomed = a->ws_focus = -1;
	a->ws_lock = -1;
	if (name == NULL)
		return 0;
	if (take_lock(a, name) < 0)
		return -1; /* said on the terminal: this session does not start */
	a->ws_name = xstrdup(name);
	path = workspace_path(name);
	rc = workspace_load(path, &w, why, sizeof why);
	if (rc == -2 && errno == ENOENT) {
		app_message(a, 0, "workspace %s is new: it is saved as you go (%s)", name, path);
	} else if (rc == -2) {
		app_message(a, 1, "workspace %s: cannot read %s: %s", name, path, why);
	} else if (rc < 0) {
		/* Nothing is opened from it, and it is not written over until
		 * the user saves: the file may be mended. */
		app_message(a, 1, "workspace %s: %s: %s (nothing opened from it; :save %s "
			    "replaces it)", name, path, why, name);
		free(a->ws_name);
		a->ws_name = NULL;
	} else {
		restore(a, &w);
		app_message(a, 0, "workspace %s: reopening %zu %s", name, w.npanes,
			    fm_plural((long long)w.npanes, "pane", "panes"));
		workspace_free(&w);
	}
	free(path);
	if (a->ws_name != NULL)
		start_timer(a);
	return 0;
}

void
workspace_restored(struct app *a, struct slot *s, int marked)
{
	static const char gone[] =
	    "\033[2m[fleetmux: a new shell; what ran here before is gone]\033[0m\r\n";

	if (s != NULL && !s->log)
		pane_feed(s->pane, (const unsigned char *)gone, sizeof gone - 1);
	if (s != NULL && marked)
		s->marked = 1;
	if (restoring(a))
		return;
	/* The last one: the focus and zoom as they were. */
	if (a->ws_focus >= 0 && a->ws_focus < a->npanes) {
		a->sidebar_focus = 0;
		panes_focus(a, a->ws_focus);
	}
	if (a->ws_zoomed >= 0 && a->ws_zoomed < a->npanes) {
		a->zoomed = a->ws_zoomed;
		panes_relayout(a);
	}
	a->ws_focus = a->ws_zoomed = -1;
}

void
workspace_stop(struct app *a)
{
	/* The last change, if the timer has not written it yet. */
	if (a->ws_name != NULL && !restoring(a))
		save(a, 0);
	if (a->ws_timer_started)
		uv_close((uv_handle_t *)&a->ws_timer, NULL);
	a->ws_timer_started = 0;
	free(a->ws_name);
	free(a->ws_text);
	a->ws_name = a->ws_text = NULL;
	workspace_unlock(a);
}
