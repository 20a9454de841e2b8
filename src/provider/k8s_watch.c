/* k8s_watch.c: a context's pods watched (watch=1 from the newest
 * resourceVersion, with bookmarks) so that the sidebar stays live: a pod
 * added, changed or deleted is a relisting of the context, a few at once
 * coalesced. A 410 Gone (the version is older than the server keeps) lists
 * again for a new version; a watch the server ends (its timeout) starts
 * again from the newest version seen; a failure is retried with backoff,
 * and a server that does not answer is down until it does. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/backoff.h"
#include "fleetmux/debuglog.h"
#include "k8s_int.h"

/* Changes this close together are one relisting. */
#define WATCH_COALESCE_MS 200
/* The server ends a watch after this many seconds; we start another. */
#define WATCH_TIMEOUT_S 300
#define WATCH_MAX_LINE (4u << 20)

struct k8s_watch {
	struct k8s_ctx *c;
	void (*changed)(void *arg, const char *region, const char *down);
	void *arg;
	struct k8s_req *req;
	struct buf line;
	char *rv;       /* the newest resourceVersion seen; NULL: ask for one */
	const char *ns; /* NULL: every namespace */
	int attempt;
	int down;
	char *down_why;  /* what the server's failure was, last said */
	int dirty;       /* a change waits for the coalescing timer */
	int relist_sent; /* 410: the sidebar lists again */
	uv_timer_t retry, coalesce;
	int closing;
};

static void watch_start(struct k8s_watch *w);

static void
retry_fire(uv_timer_t *t)
{
	watch_start(t->data);
}

static void
coalesce_fire(uv_timer_t *t)
{
	struct k8s_watch *w = t->data;

	if (w->dirty) {
		w->dirty = 0;
		w->changed(w->arg, w->c->name, NULL);
	}
}

static void
mark_changed(struct k8s_watch *w)
{
	if (w->dirty)
		return;
	w->dirty = 1;
	uv_timer_start(&w->coalesce, coalesce_fire, WATCH_COALESCE_MS, 0);
}

static void
retry_later(struct k8s_watch *w)
{
	long delay = backoff_delay_ms(w->attempt < 6 ? w->attempt : 6, 0, fm_random());

	w->attempt++;
	uv_timer_start(&w->retry, retry_fire, (uint64_t)delay, 0);
}

/* The server does not answer: said when it goes down, and again when the
 * reason changes (it came back with another certificate: the TLS error,
 * not the old "Connection refused"). The retries go on either way. */
static void
say_down(struct k8s_watch *w, const char *why)
{
	if (w->down && w->down_why != NULL && strcmp(w->down_why, why) == 0)
		return;
	w->down = 1;
	free(w->down_why);
	w->down_why = xstrdup(why);
	w->changed(w->arg, w->c->name, why);
}

static void
say_up(struct k8s_watch *w)
{
	if (!w->down)
		return;
	w->down = 0;
	free(w->down_why);
	w->down_why = NULL;
	w->changed(w->arg, w->c->name, NULL);
}

static void
set_rv(struct k8s_watch *w, const char *rv)
{
	if (rv == NULL || *rv == '\0')
		return;
	free(w->rv);
	w->rv = xstrdup(rv);
}

/* Every namespace forbidden: the context's own, as the listing does. */
static int
narrowed(struct k8s_watch *w, int status)
{
	if (status != 403 || w->ns != NULL)
		return 0;
	w->ns = w->c->home_ns;
	free(w->rv);
	w->rv = NULL;
	watch_start(w);
	return 1;
}

/* One line of the stream. */
static void
watch_event(struct k8s_watch *w, const char *line, size_t len)
{
	struct k8s_watch_event ev;
	struct fm_cause why;

	if (k8s_parse_watch_event(line, len, w->c->name, &ev, &why) < 0) {
		debuglog("k8s %s: watch: %s", w->c->name, why.msg);
		k8s_watch_event_free(&ev);
		return;
	}
	switch (ev.type) {
	case K8S_BOOKMARK:
		set_rv(w, ev.rv);
		break;
	case K8S_ERROR:
		/* 410 Gone: our version is too old; list again (the sidebar
		 * does, and so gets the present state) and watch from now. */
		debuglog("k8s %s: watch error %d %s", w->c->name, ev.status.http_status,
		         ev.status.msg);
		free(w->rv);
		w->rv = NULL;
		mark_changed(w);
		break;
	default:
		set_rv(w, ev.rv);
		mark_changed(w);
		break;
	}
	k8s_watch_event_free(&ev);
}

static void
watch_chunk(void *arg, const char *data, size_t len)
{
	struct k8s_watch *w = arg;

	say_up(w);
	w->attempt = 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n') {
			if (w->line.len < WATCH_MAX_LINE)
				buf_putc(&w->line, data[i]);
			continue;
		}
		if (w->line.len > 0)
			watch_event(w, w->line.data, w->line.len);
		buf_reset(&w->line);
	}
}

static void
watch_done(void *arg, const struct http_response *res)
{
	struct k8s_watch *w = arg;
	struct fm_cause why;

	w->req = NULL;
	buf_reset(&w->line);
	if (res->status == 200) {
		/* The server's timeout: go on from where we were. */
		watch_start(w);
		return;
	}
	if (narrowed(w, res->status))
		return;
	if (res->status == 410) {
		free(w->rv);
		w->rv = NULL;
		mark_changed(w);
		watch_start(w);
		return;
	}
	k8s_answer_cause(res, "watching pods", &why);
	debuglog("k8s %s: %s", w->c->name, why.msg);
	if (res->status == 0)
		say_down(w, why.msg);
	retry_later(w);
}

/* The newest version, from a page of one pod, then the watch. */
static void
version_answer(void *arg, const struct http_response *res)
{
	struct k8s_watch *w = arg;
	struct fm_group *g = NULL;
	size_t n = 0;
	char *cont = NULL, *rv = NULL;
	struct fm_cause why;

	w->req = NULL;
	if (narrowed(w, res->status))
		return;
	if (res->status != 200 ||
	    k8s_parse_pods(res->body, res->body_len, w->c->name, &g, &n, &cont, &rv, &why) < 0) {
		if (res->status == 0) {
			k8s_answer_cause(res, "watching pods", &why);
			say_down(w, why.msg);
		}
		retry_later(w);
		return;
	}
	fm_groups_free(g, n);
	free(cont);
	say_up(w);
	set_rv(w, rv);
	free(rv);
	if (w->rv == NULL) {
		retry_later(w);
		return;
	}
	watch_start(w);
}

static void
watch_start(struct k8s_watch *w)
{
	struct k8s_ctx *c = w->c;
	struct buf path;
	const char *ns = w->ns;
	struct k8s_req *r;

	buf_init(&path);
	if (w->rv == NULL) {
		k8s_pods_path(&path, ns, "limit=1");
		r = k8s_get(c, path.data, NULL, version_answer, w);
	} else {
		struct buf q;

		buf_init(&q);
		buf_printf(&q,
		           "watch=1&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d",
		           w->rv, WATCH_TIMEOUT_S);
		/* Only the pods listed: a change to another is no news. */
		k8s_selector_query(&q, c->k);
		k8s_pods_path(&path, ns, q.data);
		buf_free(&q);
		r = k8s_get(c, path.data, watch_chunk, watch_done, w);
	}
	if (r != NULL)
		w->req = r;
	buf_free(&path);
}

int
k8s_watch(struct provider *p, const char *region,
          void (*changed)(void *arg, const char *region, const char *down), void *arg)
{
	struct k8s_ctx *c = k8s_ctx_find((struct k8s *)p, region);
	struct k8s_watch *w;

	/* Asked after every listing: one watch a context is enough. */
	if (c == NULL || c->error != NULL || c->watch != NULL)
		return 0;
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->ns = c->namespace;
	w->changed = changed;
	w->arg = arg;
	buf_init(&w->line);
	uv_timer_init(p->loop, &w->retry);
	uv_timer_init(p->loop, &w->coalesce);
	w->retry.data = w->coalesce.data = w;
	c->watch = w;
	watch_start(w);
	return 0;
}

static void
watch_closed(uv_handle_t *h)
{
	struct k8s_watch *w = h->data;

	if (--w->closing == 0) {
		buf_free(&w->line);
		free(w->rv);
		free(w->down_why);
		free(w);
	}
}

void
k8s_watch_free(struct k8s_watch *w)
{
	if (w == NULL)
		return;
	k8s_req_cancel(w->req);
	w->req = NULL;
	w->closing = 2;
	uv_close((uv_handle_t *)&w->retry, watch_closed);
	uv_close((uv_handle_t *)&w->coalesce, watch_closed);
}
