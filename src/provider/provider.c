/* provider.c: what every provider's owner does alike. */
#include "fleetmux/provider.h"

static void
waited(uv_timer_t *t)
{
	*(int *)t->data = 1;
}

static int
any_busy(struct provider **provs, int n)
{
	for (int i = 0; i < n; i++)
		if (provs[i]->ops->busy != NULL && provs[i]->ops->busy(provs[i]) > 0)
			return 1;
	return 0;
}

void
provider_not_ended(void *pctx, const struct exec_spec *spec, const char *why)
{
	struct provider *p = pctx;

	p->nunended++;
	if (p->unended.len < 8192)
		buf_printf(&p->unended, "  %s/%s/%s: %s\n", spec->region, spec->group_id, spec->container,
			   why);
}

/* What each provider may have left running, in words. */
static int
report_left(struct provider **provs, int n, struct buf *report)
{
	int total = 0;

	for (int i = 0; i < n; i++) {
		struct provider *p = provs[i];
		int busy = p->ops->busy != NULL ? p->ops->busy(p) : 0;

		if (busy > 0)
			buf_printf(report, "%s: %d process%s still being ended in containers when fleetmux "
					   "stopped waiting; they may still be running\n",
				   p->name, busy, busy == 1 ? " was" : "es were");
		if (p->nunended > 0)
			buf_printf(report, "%s: %d process%s could not be ended in %s container:\n%s", p->name,
				   p->nunended, p->nunended == 1 ? "" : "es",
				   p->nunended == 1 ? "its" : "their", p->unended.data);
		total += busy + p->nunended;
		buf_free(&p->unended);
	}
	return total;
}

int
providers_free(uv_loop_t *loop, struct provider **provs, int n, unsigned timeout_ms,
	       struct buf *report)
{
	uv_timer_t timer;
	int expired = 0, left;

	/* Processes being ended in containers: their answers need the
	 * providers alive, but a dead API must not hold the exit for long. */
	uv_timer_init(loop, &timer);
	timer.data = &expired;
	uv_timer_start(&timer, waited, timeout_ms, 0);
	while (!expired && any_busy(provs, n))
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&timer, NULL);
	left = report_left(provs, n, report);
	/* Let closed sessions finish closing while their providers still live. */
	for (int i = 0; i < 10; i++)
		uv_run(loop, UV_RUN_NOWAIT);
	for (int i = 0; i < n; i++)
		provs[i]->ops->free(provs[i]);
	for (int i = 0; i < 10; i++)
		uv_run(loop, UV_RUN_NOWAIT);
	return left;
}

struct log_feed *
provider_logs_open(struct provider *p, const struct container_ref *target, const struct log_opts *o,
		   const struct log_events *ev, void *arg, struct fm_cause *why)
{
	if (p->ops->logs_open == NULL) {
		fm_cause_set(why, FM_ENOTSUP, "%s: %s providers have no container logs", p->name,
			     p->ops->type);
		return NULL;
	}
	return p->ops->logs_open(p, target, o, ev, arg, why);
}

void
provider_logs_close(struct provider *p, struct log_feed *f)
{
	if (f != NULL)
		p->ops->logs_close(f);
}

struct metric_req *
provider_metrics(struct provider *p, const struct metric_query *q, metric_cb cb, void *arg,
		 struct fm_cause *why)
{
	if (p->ops->metrics == NULL) {
		fm_cause_set(why, FM_ENOTSUP, "%s: %s providers have no metrics", p->name, p->ops->type);
		return NULL;
	}
	return p->ops->metrics(p, q, cb, arg, why);
}

void
provider_metrics_cancel(struct provider *p, struct metric_req *r)
{
	if (r != NULL)
		p->ops->metrics_cancel(r);
}
