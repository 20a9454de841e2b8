/* metric.c: fleetsim measures its containers as a kubelet's cAdvisor
 * would, from the processes themselves. Every second it reads /proc once:
 * each process in a container's PID namespace (without namespaces: in its
 * main process's session) adds its CPU time (/proc/PID/stat utime+stime,
 * followed per process so that the total never goes back when one exits)
 * and its memory (/proc/PID/statm: resident less shared is anonymous, the
 * shared part is file and shared pages) to the container. Groups keep the
 * samples as ECI keeps records (simmetric.h). A container whose memory
 * passes its limit is killed, as the cgroup's OOM killer would. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleetmux/logs.h"
#include "fleetmux/simmetric.h"
#include "sim.h"

#define METRIC_TICK_MS 1000
#define GIB (1024.0 * 1024.0 * 1024.0)

/* A container being measured this tick. */
struct measured {
	unsigned long long key; /* its PID namespace's inode, or its session */
	struct sim_container *rt;
	struct usage u;
	struct pid_cpu *pids; /* the processes seen now */
	size_t npids, cap;
};

static int
by_key(const void *a, const void *b)
{
	const struct measured *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int
by_pid(const void *a, const void *b)
{
	const struct pid_cpu *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* /proc/PID/stat's fields after the command: state, session, utime,
 * stime, starttime. 0, or -1 when the process is gone. */
static int
read_stat(int pid, char *state, unsigned long long *session, unsigned long long *ticks,
          unsigned long long *start)
{
	char path[64], buf[1024], *p;
	unsigned long long f[20];
	int n;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	n = (int)fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command may hold spaces and parentheses: the fields follow the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itrealvalue starttime */
	if (sscanf(p + 2,
	           "%c %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
	           "%llu %llu %llu %llu",
	           state, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9],
	           &f[10], &f[11], &f[12], &f[13], &f[14], &f[15], &f[16], &f[17], &f[18]) != 20)
		return -1;
	*session = f[2];
	*ticks = f[10] + f[11];
	*start = f[18];
	return 0;
}

static void
read_statm(int pid, long page, int64_t *anon, int64_t *shared)
{
	char path[64];
	unsigned long long size, resident, shr;
	FILE *fp;

	*anon = *shared = 0;
	snprintf(path, sizeof path, "/proc/%d/statm", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	if (fscanf(fp, "%llu %llu %llu", &size, &resident, &shr) == 3) {
		*anon = (int64_t)(resident > shr ? resident - shr : 0) * page;
		*shared = (int64_t)shr * page;
	}
	fclose(fp);
}

/* One process of m: its CPU time since the last tick (all of it when it is
 * new), its memory, whether it runs. */
static void
count_process(struct sim *s, struct measured *m, int pid)
{
	unsigned long long session, ticks, start;
	char state;
	int64_t cpu, anon, shared;
	struct pid_cpu key = {.pid = pid}, *was;

	if (pid == m->rt->c->init_pid)
		return; /* the holder is the sandbox, not the container */
	if (read_stat(pid, &state, &session, &ticks, &start) < 0)
		return;
	cpu = (int64_t)(ticks * (unsigned long long)(FM_NS_PER_SEC / s->clock_ticks));
	was = m->rt->npids > 0 ? bsearch(&key, m->rt->pids, m->rt->npids, sizeof key, by_pid) : NULL;
	if (was != NULL && was->start == start)
		m->rt->cpu_ns += cpu > was->cpu_ns ? cpu - was->cpu_ns : 0;
	else
		m->rt->cpu_ns += cpu;
	read_statm(pid, s->page_size, &anon, &shared);
	m->u.rss += anon;
	m->u.cache += shared;
	m->u.load += state == 'R';
	if (m->npids == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->pids = xrealloc(m->pids, m->cap * sizeof *m->pids);
	}
	m->pids[m->npids++] = (struct pid_cpu){pid, start, cpu};
}

/* Every process on the host, once: which container is it in? */
static void
scan_proc(struct sim *s, struct measured *ms, size_t n, int by_ns)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end, path[64];
		long pid = strtol(e->d_name, &end, 10);
		struct measured key = {0}, *m;

		if (*end != '\0' || pid <= 0)
			continue;
		if (by_ns) {
			struct stat sb;

			snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
			if (stat(path, &sb) < 0)
				continue;
			key.key = (unsigned long long)sb.st_ino;
		} else {
			unsigned long long session, ticks, start;
			char state;

			if (read_stat((int)pid, &state, &session, &ticks, &start) < 0)
				continue;
			key.key = session;
		}
		if ((m = bsearch(&key, ms, n, sizeof *ms, by_key)) != NULL)
			count_process(s, m, (int)pid);
	}
	closedir(d);
}

static void
sample_group(struct fleet_group *g, const struct measured *ms, size_t n, int64_t now)
{
	struct usage *u = xcalloc(g->ncontainers + 1, sizeof *u);

	for (size_t i = 0; i < n; i++)
		if (ms[i].rt->g == g)
			for (size_t j = 0; j < g->ncontainers; j++)
				if (&g->containers[j] == ms[i].rt->c)
					u[j] = ms[i].u;
	if (g->metrics == NULL)
		g->metrics = metric_history_new(g->ncontainers);
	metric_history_sample(g->metrics, now, u);
	free(u);
}

static void
tick(uv_timer_t *t)
{
	struct sim *s = t->data;
	struct measured *ms = NULL;
	size_t n = 0;
	int by_ns = s->use_namespaces == 1;
	int64_t now = fm_time_now();

	for (size_t i = 0; i < s->fleet.ngroups; i++) {
		struct fleet_group *g = &s->fleet.groups[i];

		if (g->deleted)
			continue; /* its processes are killed: nothing to measure */
		for (size_t j = 0; j < g->ncontainers; j++) {
			struct sim_container *rt = g->containers[j].rt;
			unsigned long long key = 0;

			if (rt == NULL)
				continue;
			key = by_ns ? rt->ns_ino
			            : (unsigned long long)(rt->main_pid > 0 ? rt->main_pid : 0);
			if (key == 0)
				continue;
			ms = xrealloc(ms, (n + 1) * sizeof *ms);
			ms[n++] = (struct measured){.key = key, .rt = rt};
		}
	}
	if (n == 0)
		return;
	qsort(ms, n, sizeof *ms, by_key);
	scan_proc(s, ms, n, by_ns);
	for (size_t i = 0; i < n; i++) {
		struct sim_container *rt = ms[i].rt;
		struct fleet_container *c = rt->c;
		double limit = c->memory * GIB;

		if (ms[i].npids > 1)
			qsort(ms[i].pids, ms[i].npids, sizeof *ms[i].pids, by_pid);
		free(rt->pids);
		rt->pids = ms[i].pids;
		rt->npids = ms[i].npids;
		ms[i].u.cpu_total_ns = rt->cpu_ns;
		if (limit > 0 && (double)(ms[i].u.rss + ms[i].u.cache) > limit &&
		    rt->main_pid > 0 && !rt->oom) {
			sim_log(
			    s, "%s/%s: %lld bytes used, over its limit of %.0f: killed (OOMKilled)",
			    rt->g->id, c->name, (long long)(ms[i].u.rss + ms[i].u.cache), limit);
			rt->oom = 1;
			fleet_event(
			    rt->g, now, "Warning", "OOMKilling",
			    "Memory cgroup out of memory: killed the main process of container %s",
			    c->name);
			proc_kill_container(s, rt);
		}
	}
	for (size_t i = 0; i < s->fleet.ngroups; i++) {
		struct fleet_group *g = &s->fleet.groups[i];

		for (size_t k = 0; k < n; k++)
			if (ms[k].rt->g == g) {
				sample_group(g, ms, n, now);
				break;
			}
	}
	free(ms);
}

void
metric_start(struct sim *s)
{
	if (s->metric_on)
		return;
	s->metric_on = 1;
	s->clock_ticks = sysconf(_SC_CLK_TCK);
	s->page_size = sysconf(_SC_PAGESIZE);
	if (s->clock_ticks <= 0)
		s->clock_ticks = 100;
	if (s->page_size <= 0)
		s->page_size = 4096;
	uv_timer_init(s->loop, &s->metric_timer);
	s->metric_timer.data = s;
	uv_timer_start(&s->metric_timer, tick, METRIC_TICK_MS, METRIC_TICK_MS);
}

void
metric_stop(struct sim *s)
{
	if (!s->metric_on)
		return;
	s->metric_on = 0;
	uv_timer_stop(&s->metric_timer);
	uv_close((uv_handle_t *)&s->metric_timer, NULL);
}
