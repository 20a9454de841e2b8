/* life.c: a container's life after its main process ends, as kubelet (which
 * ECI runs containers with) lives it. The ending becomes PreviousState
 * (Completed, Error, or OOMKilled with 137); the group's RestartPolicy says
 * whether it starts again: Always, OnFailure (a non-zero exit), or Never.
 * A restart waits in CrashLoopBackOff, the back-off doubling from the
 * group's restart_backoff (kubelet: 10 s) up to 5 minutes, back to the
 * start after 10 minutes of running; then RestartCount goes up and the
 * instance's log becomes the previous one (LastTime=true). A container that
 * stays ended is Terminated, and a group whose containers all are is
 * Succeeded or Failed. Events say each step, counted as Kubernetes counts
 * repeats. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fleetmux/logs.h"
#include "sim.h"

#define BACKOFF_MAX_S 300
#define BACKOFF_RESET_S 600 /* running this long forgets the back-off */

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void
now_text(char out[36])
{
	fm_time_format_sec(fm_time_now(), out);
}

void
life_main_started(struct sim_container *rt, pid_t pid)
{
	struct fleet_container *c = rt->c;
	int64_t now = fm_time_now();
	char when[36];

	rt->main_pid = pid;
	now_text(when);
	set_str(&c->start_time, when);
	fleet_event(rt->g, now, "Normal", "Pulled",
	            "Container image \"%s\" already present on machine", c->image);
	fleet_event(rt->g, now, "Normal", "Created", "Created container %s", c->name);
	fleet_event(rt->g, now, "Normal", "Started", "Started container %s", c->name);
}

/* Every container of the group ended for good: the group did. */
static void
settle_group(struct fleet_group *g)
{
	int failed = 0;

	for (size_t i = 0; i < g->ncontainers; i++) {
		const struct fleet_container *k = &g->containers[i];

		if (strcmp(k->state, "Terminated") != 0)
			return;
		failed |= k->exit_code != 0;
	}
	set_str(&g->status, failed ? "Failed" : "Succeeded");
}

static void
restart_now(uv_timer_t *t)
{
	struct sim_container *rt = t->data;
	struct fleet_container *c = rt->c;

	if (rt->s->stopping || rt->g->deleted)
		return;
	/* The ended instance's log is now the previous one. */
	fleet_log_free(&c->prev_log);
	c->prev_log = c->log;
	memset(&c->log, 0, sizeof c->log);
	c->restart_count++;
	set_str(&c->state, "Running");
	set_str(&c->reason, "");
	if (proc_main_start(rt->s, rt) < 0)
		sim_log(rt->s, "%s/%s: %s", rt->g->id, c->name, fm_error_message());
}

static void
free_timer(uv_handle_t *h)
{
	free(h);
}

/* kubelet's back-off: base × 2^restarts, at most 5 minutes; an instance
 * that ran 10 minutes starts the count again. */
static uint64_t
backoff_ms(const struct fleet_group *g, const struct fleet_container *c, int64_t ran_ns)
{
	int64_t s = g->restart_backoff;

	if (ran_ns < (int64_t)BACKOFF_RESET_S * FM_NS_PER_SEC)
		for (int i = 0; i < c->restart_count && s < BACKOFF_MAX_S; i++)
			s *= 2;
	return (uint64_t)(s > BACKOFF_MAX_S ? BACKOFF_MAX_S : s) * 1000;
}

void
life_main_exited(struct sim_container *rt, int status)
{
	struct fleet_container *c = rt->c;
	struct fleet_group *g = rt->g;
	int64_t now = fm_time_now(), started = 0;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	const char *reason = code == 0 ? "Completed" : "Error";
	int again;
	char when[36];

	rt->main_pid = 0;
	if (g->deleted) {
		/* Killed with its group: no restart, no events (no one can see). */
		proc_drain_log(c);
		return;
	}
	if (rt->oom) {
		/* The kernel's OOM killer sends SIGKILL: 137, as the runtime says. */
		code = 137;
		reason = "OOMKilled";
		rt->oom = 0;
	}
	/* Its last words are in the pipe already: they belong to this instance. */
	proc_drain_log(c);
	fleet_log_flush(&c->log, now);
	now_text(when);
	free(c->prev.reason);
	free(c->prev.start_time);
	free(c->prev.finish_time);
	c->prev.exit_code = code;
	c->prev.reason = xstrdup(reason);
	c->prev.start_time = xstrdup(c->start_time);
	c->prev.finish_time = xstrdup(when);
	c->has_prev = 1;
	fm_time_parse(c->start_time, strlen(c->start_time), &started);
	again = strcmp(g->restart_policy, "Always") == 0 ||
	        (strcmp(g->restart_policy, "OnFailure") == 0 && code != 0);
	if (!again) {
		set_str(&c->state, "Terminated");
		set_str(&c->reason, reason);
		set_str(&c->finish_time, when);
		c->exit_code = code;
		fleet_event(g, now, "Normal", "Killing", "Stopping container %s", c->name);
		settle_group(g);
		return;
	}
	set_str(&c->state, "Waiting");
	set_str(&c->reason, "CrashLoopBackOff");
	fleet_event(g, now, "Warning", "BackOff",
	            "Back-off restarting failed container %s in pod %s", c->name, g->name);
	if (rt->restart == NULL) {
		rt->restart = xmalloc(sizeof *rt->restart);
		uv_timer_init(rt->s->loop, rt->restart);
		rt->restart->data = rt;
	}
	uv_timer_start(rt->restart, restart_now, backoff_ms(g, c, now - started), 0);
}

/* DeleteContainerGroup, a pod's DELETE: at once, as with a grace period
 * of 0. Every process of its containers is killed, exec sessions too (they
 * end as when their process exits); the flag hides it from the rest. */
void
life_group_delete(struct sim *s, struct fleet_group *g)
{
	g->deleted = 1;
	sim_log(s, "%s: deleted", g->id);
	for (size_t i = 0; i < g->ncontainers; i++) {
		struct sim_container *rt = g->containers[i].rt;

		if (rt == NULL)
			continue;
		if (rt->restart != NULL)
			uv_timer_stop(rt->restart);
		proc_kill_container(s, rt);
	}
	exec_kill_group(s, g);
}

void
life_free_all(struct sim *s)
{
	for (size_t i = 0; i < s->fleet.ngroups; i++) {
		struct fleet_group *g = &s->fleet.groups[i];

		for (size_t j = 0; j < g->ncontainers; j++) {
			struct fleet_container *c = &g->containers[j];
			struct sim_container *rt = c->rt;

			if (c->log_poll != NULL) {
				uv_poll_stop((uv_poll_t *)c->log_poll);
				uv_close((uv_handle_t *)c->log_poll, free_timer);
				c->log_poll = NULL;
				close(c->log_fd);
				c->log_fd = -1;
			}
			if (rt == NULL)
				continue;
			if (rt->restart != NULL)
				uv_close((uv_handle_t *)rt->restart, free_timer);
			if (rt->status_poll != NULL) {
				uv_poll_stop(rt->status_poll);
				uv_close((uv_handle_t *)rt->status_poll, free_timer);
			}
			if (rt->status_fd >= 0)
				close(rt->status_fd);
			if (rt->ctl_fd >= 0)
				close(rt->ctl_fd);
			if (rt->log_wfd >= 0)
				close(rt->log_wfd);
			free(rt->pids);
			free(rt);
			c->rt = NULL;
		}
	}
}
