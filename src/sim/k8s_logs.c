/* k8s_logs.c: GET .../pods/NAME/log from the same log DescribeContainerLog
 * reads (kubelet's order: tailLines, then since, then limitBytes), and
 * follow=true as kubelet follows: new lines as they come, the end when the
 * container's instance ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "k8s_int.h"

static void
log_line(struct k8s_stream *st, const struct fleet_log_line *l)
{
	if (st->stamps) {
		char ts[36];

		fm_time_format_nano(l->time_ns, ts);
		buf_printf(&st->out, "%s ", ts);
	}
	buf_puts(&st->out, l->text);
	buf_putc(&st->out, '\n');
}

static struct fleet_container *
pick_container(struct k8s_stream *st, struct fleet_group *g, const char *name)
{
	struct fleet_container *k;

	if (name == NULL || *name == '\0') {
		struct buf names;

		if (g->ncontainers == 1)
			return &g->containers[0];
		buf_init(&names);
		for (size_t i = 0; i < g->ncontainers; i++)
			buf_printf(&names, "%s%s", i ? " " : "", g->containers[i].name);
		k8s_reply_status(
		    st, 400, NULL,
		    "a container name must be specified for pod %s, choose one of: [%s]", g->name,
		    names.data);
		buf_free(&names);
		return NULL;
	}
	if ((k = fleet_container(g, name)) == NULL)
		k8s_reply_status(st, 400, NULL, "container %s is not valid for pod %s", name,
		                 g->name);
	return k;
}

void
k8s_logs(struct k8s_stream *st, const char *ns, const char *name, const struct params *q)
{
	struct fleet_group *g = k8s_find_pod(st->s, st->region, ns, name);
	struct fleet_container *k;
	const struct fleet_log *log;
	const char *since_time = params_get(q, "sinceTime");
	long tail, since_s, limit;
	int64_t since = FM_TIME_NONE;
	int previous = k8s_param_true(q, "previous");
	size_t first;

	if (g == NULL) {
		k8s_reply_status(st, 404, NULL, "pods \"%s\" not found", name);
		return;
	}
	if ((k = pick_container(st, g, params_get(q, "container"))) == NULL ||
	    k8s_param_uint(st, q, "tailLines", &tail) < 0 ||
	    k8s_param_uint(st, q, "sinceSeconds", &since_s) < 0 ||
	    k8s_param_uint(st, q, "limitBytes", &limit) < 0)
		return;
	if (since_s >= 0 && since_time != NULL) {
		k8s_reply_status(
		    st, 422, "Invalid",
		    "PodLogOptions is invalid: at most one of `sinceTime` or `sinceSeconds` "
		    "may be specified");
		return;
	}
	if (since_time != NULL && fm_time_parse(since_time, strlen(since_time), &since) < 0) {
		k8s_reply_status(st, 400, NULL, "sinceTime: \"%s\" is not an RFC 3339 time",
		                 since_time);
		return;
	}
	if (since_s >= 0)
		since = fm_time_now() - (int64_t)since_s * FM_NS_PER_SEC;
	if (previous && !k->has_prev) {
		k8s_reply_status(st, 400, NULL,
		                 "previous terminated container \"%s\" in pod \"%s\" not found",
		                 k->name, g->name);
		return;
	}
	if (!previous && strcmp(k->state, "Waiting") == 0 && k->log.count == 0) {
		k8s_reply_status(st, 400, NULL,
		                 "container \"%s\" in pod \"%s\" is waiting to start: %s", k->name,
		                 g->name, *k->reason ? k->reason : "ContainerCreating");
		return;
	}
	st->stamps = k8s_param_true(q, "timestamps");
	log = previous ? &k->prev_log : &k->log;
	first = tail >= 0 && (size_t)tail < log->count ? log->count - (size_t)tail : 0;
	for (size_t i = first; i < log->count; i++) {
		const struct fleet_log_line *l = fleet_log_at(log, i);

		if (since == FM_TIME_NONE || l->time_ns >= since)
			log_line(st, l);
	}
	if (limit > 0 && st->out.len > (size_t)limit)
		st->out.len = (size_t)limit;
	st->status = 200;
	st->ctype = "text/plain";
	if (!k8s_param_true(q, "follow") || previous || strcmp(k->state, "Running") != 0 ||
	    limit > 0) {
		st->done = 1;
		return;
	}
	st->follow = 1;
	st->g = g;
	st->k = k;
	st->next_line = log->pushed;
	st->instance = k->restart_count;
	k8s_stream_keep(st);
}

/* Each tick: the lines written since; the end when the instance has ended
 * (its last lines are in: life.c drains the pipe first). */
void
k8s_logs_pump(struct k8s_stream *st)
{
	const struct fleet_log *log = &st->k->log;

	if (st->done)
		return;
	if (st->k->restart_count != st->instance) {
		st->done = 1; /* a new instance: this one's log is the previous one */
		return;
	}
	if (st->out.len < K8S_MAX_BACKLOG) {
		uint64_t oldest = log->pushed - log->count;

		if (st->next_line < oldest)
			st->next_line = oldest; /* what scrolled out of the kept lines */
		for (; st->next_line < log->pushed; st->next_line++)
			log_line(st, fleet_log_at(log, (size_t)(st->next_line - oldest)));
	}
	if (st->g->deleted || strcmp(st->k->state, "Running") != 0)
		st->done = 1; /* a deleted pod's container is killed: its log ends */
}
