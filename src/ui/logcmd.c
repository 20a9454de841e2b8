/* logcmd.c: fleetmux logs. List every provider's containers (the listing
 * and the target selection of fleetmux run), follow each matching one's
 * log through its provider, and print the lines merged by time.
 *
 * The backlog first: a follower has none of its own "the backlog is over",
 * so a target's backlog is taken as over once its follower is live and has
 * been quiet for SETTLE_MS (ECI hands a whole answer at once; Docker
 * streams it), or once a line newer than the command's start comes. When
 * every target's is over (or failed), it is printed merged; without
 * --follow that is all. With --follow, later lines wait MERGE_DELAY_MS in
 * the merge so that those of several targets still leave in time order. */
#include "fleetmux/logcmd.h"

#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/frontend.h"
#include "fleetmux/logmerge.h"
#include "fleetmux/logout.h"

#define SETTLE_MS 300
#define MERGE_DELAY_MS 1000
#define TICK_MS 250
#define BACKLOG_MAX_MS 15000 /* --follow: a target still retrying does not hold the rest */

struct lc_target {
	struct logcmd *lc;
	int idx;
	const struct target *tg;
	char *name;               /* region/group/container, for --json */
	int color;                /* -1: not a terminal */
	struct log_feed *feed;
	uv_timer_t settle;
	int settled;              /* its backlog is over (or it failed) */
	int retrying;             /* said so already */
};

struct logcmd {
	uv_loop_t *loop;
	const struct logs_options *o;
	struct provider **provs;
	int nprovs;
	struct listing listing;
	struct target_set found;
	struct lc_target *t;
	size_t n, nsettled;
	int listed;
	struct log_merge merge;
	regex_t re;
	int has_re;
	int64_t t0;               /* the command's start: the backlog's end */
	int backlog_done;
	int errors, list_errors;
	int stopping, stop_signal, stdout_closed;
	struct buf out, line;
	uv_timer_t tick, deadline;
	uv_signal_t sigint, sigterm;
};

static void
stop(struct logcmd *lc)
{
	lc->stopping = 1;
	uv_stop(lc->loop);
}

static void
print_line(void *arg, int source, const struct log_line *l)
{
	struct logcmd *lc = arg;
	struct lc_target *t = &lc->t[source];

	if (lc->o->json)
		logout_json(&lc->out, t->name, l);
	else
		logout_text(&lc->out, t->tg->label, t->color, lc->o->timestamps, l);
}

/* What may leave the merge, to stdout; a reader that went away stops us. */
static void
flush(struct logcmd *lc, int64_t upto_ns)
{
	if (lc->stdout_closed)
		return;
	log_merge_flush(&lc->merge, upto_ns, print_line, lc);
	if (lc->out.len > 0) {
		fwrite(lc->out.data, 1, lc->out.len, stdout);
		buf_reset(&lc->out);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		lc->stdout_closed = 1;
		stop(lc);
	}
}

static void
on_tick(uv_timer_t *h)
{
	struct logcmd *lc = h->data;

	flush(lc, fm_time_now() - (int64_t)MERGE_DELAY_MS * 1000000);
}

static void
backlog_over(struct logcmd *lc)
{
	if (lc->backlog_done)
		return;
	lc->backlog_done = 1;
	uv_timer_stop(&lc->deadline);
	flush(lc, INT64_MAX);
	if (!lc->o->follow)
		stop(lc);
	else if (!lc->stopping)
		uv_timer_start(&lc->tick, on_tick, TICK_MS, TICK_MS);
}

static void
on_deadline(uv_timer_t *h)
{
	backlog_over(h->data);
}

static void
close_feed(struct lc_target *t)
{
	if (t->feed != NULL) {
		provider_logs_close(t->lc->provs[t->tg->prov], t->feed);
		t->feed = NULL;
	}
}

static void
settled(struct lc_target *t)
{
	struct logcmd *lc = t->lc;

	if (t->settled)
		return;
	t->settled = 1;
	uv_timer_stop(&t->settle);
	/* Without --follow the backlog is all it is for. */
	if (!lc->o->follow)
		close_feed(t);
	if (++lc->nsettled == lc->n)
		backlog_over(lc);
}

static void
on_settle(uv_timer_t *h)
{
	settled(h->data);
}

static void
fail(struct lc_target *t, const char *why)
{
	fprintf(stderr, "fleetmux logs: %s: %s\n", t->tg->label, why);
	t->lc->errors++;
	close_feed(t);
	settled(t);
}

static void
on_line(void *arg, const struct container_ref *ref, const struct log_line *l)
{
	struct lc_target *t = arg;
	struct logcmd *lc = t->lc;

	if (lc->stopping || (!lc->o->follow && t->settled))
		return;
	if (!lc->o->follow && l->time_ns != FM_TIME_NONE && l->time_ns > lc->t0) {
		/* Written after we asked: the backlog is over. */
		settled(t);
		return;
	}
	t->retrying = 0;
	if (!t->settled)
		uv_timer_start(&t->settle, on_settle, SETTLE_MS, 0);
	if (lc->has_re) {
		buf_reset(&lc->line);
		buf_append(&lc->line, l->text, l->len);
		buf_putc(&lc->line, '\0');
		if (regexec(&lc->re, lc->line.data, 0, NULL, 0) != 0)
			return;
	}
	log_merge_add(&lc->merge, t->idx, l);
}

static void
on_state(void *arg, const struct container_ref *ref, enum feed_state st, const struct fm_cause *why)
{
	struct lc_target *t = arg;
	const char *msg = why != NULL && why->msg[0] ? why->msg : "failed";

	if (t->lc->stopping)
		return;
	switch (st) {
	case FEED_LIVE:
		if (!t->settled)
			uv_timer_start(&t->settle, on_settle, SETTLE_MS, 0);
		break;
	case FEED_RETRYING:
		/* Without --follow there is no later to wait for. */
		if (!t->lc->o->follow) {
			fail(t, msg);
		} else if (!t->retrying) {
			t->retrying = 1;
			fprintf(stderr, "fleetmux logs: %s: %s (trying again)\n", t->tg->label, msg);
			settled(t);
		}
		break;
	case FEED_DONE: settled(t); break;
	case FEED_FAILED: fail(t, msg); break;
	}
}

static const struct log_events logcmd_events = {
    .on_line = on_line,
    .on_state = on_state,
};

/* The name --json gives: region/group/container, by the group's id where
 * its name is shared (the label was spelled out). */
static char *
json_name(const struct target *tg)
{
	char *short_label = xasprintf("%s/%s", tg->group_name, tg->container);
	int clash = strcmp(short_label, tg->label) != 0;

	free(short_label);
	return xasprintf("%s/%s/%s", tg->region, clash ? tg->group_id : tg->group_name, tg->container);
}

static void
open_feeds(struct logcmd *lc)
{
	const struct logs_options *o = lc->o;
	struct log_opts lo = {.tail = o->tail, .since_seconds = o->since_seconds};

	/* A window with no count: every line in it, as many as the backend
	 * gives (ECI: 2000 at most). */
	if (o->since_seconds > 0 && o->tail < 0)
		lo.tail = 1000000;
	lc->t = xcalloc(lc->n ? lc->n : 1, sizeof *lc->t);
	log_merge_init(&lc->merge, (int)lc->n);
	for (size_t i = 0; i < lc->n; i++) {
		struct lc_target *t = &lc->t[i];

		t->lc = lc;
		t->idx = (int)i;
		t->tg = &lc->found.v[i];
		t->name = json_name(t->tg);
		t->color = isatty(1) && !o->json ? logout_tag_color(t->tg->label) : -1;
		uv_timer_init(lc->loop, &t->settle);
		t->settle.data = t;
	}
	if (o->follow)
		uv_timer_start(&lc->deadline, on_deadline, BACKLOG_MAX_MS, 0);
	for (size_t i = 0; i < lc->n && !lc->stopping; i++) {
		struct lc_target *t = &lc->t[i];
		struct container_ref ref = {t->tg->region, t->tg->group_id, t->tg->container};
		struct fm_cause why;

		t->feed = provider_logs_open(lc->provs[t->tg->prov], &ref, &lo, &logcmd_events, t, &why);
		if (t->feed == NULL)
			fail(t, why.msg);
	}
}

static void
listing_done(struct logcmd *lc)
{
	char **words = lc->o->targets;

	if (lc->listing.pending > 0 || lc->listed || lc->stopping)
		return;
	lc->listed = 1;
	if (words != NULL && words[0] != NULL) {
		size_t nw = 0, listed = lc->found.n;
		unsigned char *used;

		while (words[nw] != NULL)
			nw++;
		used = xcalloc(nw, 1);
		targets_retain_words(&lc->found, words, used);
		/* When nothing could be listed, a name is not known to be
		 * wrong: the end says so once, as run does; when a part could
		 * not, the name may be in it. */
		for (size_t w = 0; w < nw && (listed > 0 || lc->list_errors == 0); w++)
			if (!used[w]) {
				fprintf(stderr, "fleetmux logs: %s: no container by that name%s%s%s\n",
					words[w], lc->o->filter ? " matches the filter " : "",
					lc->o->filter ? lc->o->filter : "",
					lc->list_errors > 0 ? " in what could be listed" : "");
				lc->errors++;
			}
		free(used);
	}
	lc->n = lc->found.n;
	targets_name(&lc->found, lc->provs);
	if (lc->n == 0) {
		stop(lc);
		return;
	}
	open_feeds(lc);
}

static int
named_targets(const struct logcmd *lc)
{
	return lc->o->targets != NULL && lc->o->targets[0] != NULL;
}

static void
on_groups(void *arg, int prov, const char *region, struct fm_group *g, size_t n, int done,
	  const char *error)
{
	struct logcmd *lc = arg;

	if (lc->listed || lc->stopping) {
		fm_groups_free(g, n);
		return;
	}
	if (error != NULL) {
		if (strcmp(lc->provs[prov]->name, region) == 0) /* an engine: its own region */
			fprintf(stderr, "fleetmux logs: %s: %s\n", region, error);
		else
			fprintf(stderr, "fleetmux logs: %s: %s: %s\n", lc->provs[prov]->name, region, error);
		lc->list_errors++;
	}
	/* Containers named on the command line are read whatever their state
	 * (a crash loop's log is what one wants); a filter alone picks the
	 * running ones, as run does. */
	targets_add_matching(&lc->found, prov, region, g, n, lc->o->filter, named_targets(lc));
	fm_groups_free(g, n);
	if (done)
		listing_done(lc);
}

static void
on_provider(void *arg, int prov, const char *error)
{
	struct logcmd *lc = arg;

	if (error != NULL) {
		fprintf(stderr, "fleetmux logs: %s: %s\n", lc->provs[prov]->name, error);
		lc->list_errors++;
	}
	listing_done(lc);
}

static const struct listing_events logcmd_listing = {
    .groups = on_groups,
    .provider = on_provider,
};

static void
on_signal(uv_signal_t *h, int signum)
{
	struct logcmd *lc = h->data;

	lc->stop_signal = signum;
	stop(lc);
}

static int
exit_status(const struct logcmd *lc)
{
	if (lc->stdout_closed)
		return 141;
	/* --follow ends only so; without it, the backlog was not all there. */
	if (lc->stop_signal != 0 && !lc->o->follow)
		return 128 + lc->stop_signal;
	if (lc->errors > 0 || lc->list_errors > 0 || lc->o->failed_providers > 0)
		return 1;
	if (lc->n == 0)
		return 3;
	return 0;
}

int
logs_main(uv_loop_t *loop, struct provider **provs, int nprovs, const struct logs_options *o)
{
	struct logcmd lc;
	int rc;

	memset(&lc, 0, sizeof lc);
	lc.loop = loop;
	lc.o = o;
	lc.provs = provs;
	lc.nprovs = nprovs;
	lc.t0 = fm_time_now();
	if (o->grep != NULL) {
		if (regcomp(&lc.re, o->grep, REG_EXTENDED | REG_NOSUB) != 0) {
			fprintf(stderr, "fleetmux logs: --grep: '%s' is not a POSIX extended regular "
					"expression\n", o->grep);
			return 2;
		}
		lc.has_re = 1;
	}
	buf_init(&lc.out);
	buf_init(&lc.line);
	uv_timer_init(loop, &lc.tick);
	uv_timer_init(loop, &lc.deadline);
	lc.tick.data = lc.deadline.data = &lc;
	uv_signal_init(loop, &lc.sigint);
	uv_signal_init(loop, &lc.sigterm);
	lc.sigint.data = lc.sigterm.data = &lc;
	uv_signal_start(&lc.sigint, on_signal, SIGINT);
	uv_signal_start(&lc.sigterm, on_signal, SIGTERM);
	targets_init(&lc.found);
	listing_init(&lc.listing, provs, nprovs, o->regions, &logcmd_listing, &lc);
	listing_start(&lc.listing);
	if (!lc.stopping)
		uv_run(loop, UV_RUN_DEFAULT);
	lc.stopping = 1;
	/* What arrived before the end is printed, in order, even after a
	 * signal: no line read is lost. */
	if (lc.t != NULL)
		flush(&lc, INT64_MAX);
	rc = exit_status(&lc);
	if (lc.n == 0 && lc.errors == 0 && lc.list_errors > 0)
		fprintf(stderr, "fleetmux logs: nothing could be listed (%d error%s above)\n",
			lc.list_errors, lc.list_errors == 1 ? "" : "s");
	else if (lc.n == 0 && lc.errors == 0 && o->regions != NULL && lc.listing.regions_seen == 0)
		fprintf(stderr, "fleetmux logs: no provider offers the region%s asked for (--region)\n",
			o->regions[0] && o->regions[1] ? "s" : "");
	else if (lc.n == 0 && lc.errors == 0)
		fprintf(stderr, "fleetmux logs: no running container matches%s%s\n",
			o->filter ? " the filter " : "", o->filter ? o->filter : "");
	for (size_t i = 0; lc.t != NULL && i < lc.n; i++)
		close_feed(&lc.t[i]);
	uv_close((uv_handle_t *)&lc.sigint, NULL);
	uv_close((uv_handle_t *)&lc.sigterm, NULL);
	frontend_shutdown(loop, provs, nprovs, "fleetmux logs");
	for (size_t i = 0; lc.t != NULL && i < lc.n; i++)
		free(lc.t[i].name);
	if (lc.t != NULL)
		log_merge_free(&lc.merge);
	free(lc.t);
	targets_free(&lc.found);
	buf_free(&lc.out);
	buf_free(&lc.line);
	if (lc.has_re)
		regfree(&lc.re);
	return rc;
}
