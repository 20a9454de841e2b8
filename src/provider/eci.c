/* eci.c: the Alibaba Cloud ECI provider: signed OpenAPI calls over libcurl
 * (retried with backoff on throttling and failures), regions and groups
 * listed page by page with bounded concurrency, and exec sessions over the
 * WebSocketUri that ExecContainerCommand returns. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eci_int.h"
#include "fleetmux/backoff.h"
#include "fleetmux/channel.h"
#include "fleetmux/sign.h"

/* Pages of one region come one after another (NextToken), so listing many
 * regions is as fast as the calls in flight allow: one a region, up to 24. */
#define ECI_MAX_INFLIGHT 24

struct eci_call {
	struct eci *e;
	char *region;
	char *action;
	struct params params;
	int attempt;
	uv_timer_t retry;
	eci_call_cb cb;
	void *arg;            /* NULL once cancelled */
	struct eci_call *next;
	struct eci_call *live_prev, *live_next; /* eci.live */
};

static void
call_unlink_live(struct eci_call *c)
{
	if (c->live_prev != NULL)
		c->live_prev->live_next = c->live_next;
	else
		c->e->live = c->live_next;
	if (c->live_next != NULL)
		c->live_next->live_prev = c->live_prev;
	c->live_prev = c->live_next = NULL;
}

static void call_send(struct eci_call *c);

static void
call_free_handle(uv_handle_t *h)
{
	struct eci_call *c = h->data;

	free(c->region);
	free(c->action);
	params_free(&c->params);
	free(c);
}

static void
call_finish(struct eci_call *c, const char *body, size_t len, const struct fm_cause *error)
{
	struct eci *e = c->e;

	e->inflight--;
	call_unlink_live(c);
	if (c->arg != NULL)
		c->cb(c->arg, body, len, error);
	uv_close((uv_handle_t *)&c->retry, call_free_handle);
	/* Start what waited for a free slot. */
	while (e->inflight < ECI_MAX_INFLIGHT && e->queue_head != NULL) {
		struct eci_call *n = e->queue_head;

		e->queue_head = n->next;
		if (e->queue_head == NULL)
			e->queue_tail = NULL;
		e->inflight++;
		call_send(n);
	}
}

static void
retry_fire(uv_timer_t *t)
{
	call_send(t->data);
}

static void
call_answer(void *arg, const struct http_response *res)
{
	struct eci_call *c = arg;
	struct buf msg, code;
	struct fm_cause cause;

	if (c->arg == NULL || res->status == 200) {
		call_finish(c, res->body, res->body_len, NULL);
		return;
	}
	buf_init(&msg);
	buf_init(&code);
	if (res->status == 0)
		buf_printf(&msg, "cannot reach %s: %s", c->e->endpoint ? c->e->endpoint : "ECI",
			   res->error ? res->error : "no answer");
	else
		eci_parse_error(res->status, res->body, res->body_len, &msg, &code);
	if (!res->permanent && eci_retryable(res->status, code.data) && c->attempt + 1 < ECI_RETRY_MAX) {
		const char *ra = params_get(&res->headers, "x-acs-retry-after");
		long delay = backoff_delay_ms(c->attempt, ra ? atol(ra) : 0, fm_random());

		c->attempt++;
		uv_timer_start(&c->retry, retry_fire, (uint64_t)delay, 0);
	} else {
		if (c->attempt > 0)
			buf_printf(&msg, " (after %d tries)", c->attempt + 1);
		fm_cause_http(&cause, res->status == 0 ? FM_EIO : FM_EPROTO, res->status, code.data, "%s",
			      msg.data);
		cause.permanent = res->permanent;
		call_finish(c, NULL, 0, &cause);
	}
	buf_free(&msg);
	buf_free(&code);
}

static void
call_send(struct eci_call *c)
{
	struct eci *e = c->e;
	struct eci_request r;
	char nonce[37];
	char *endpoint = e->endpoint ? xstrdup(e->endpoint)
				     : xasprintf("https://eci.%s.aliyuncs.com", c->region);

	fm_uuid(nonce);
	eci_build_request(&r, &e->creds, endpoint, c->action, &c->params, e->v1, (long)time(NULL),
			  nonce);
	if (http_request(e->http, r.method, r.url.data, &r.headers, "", 0, call_answer, c) < 0) {
		struct fm_cause cause;

		fm_cause_from_error(&cause, -FM_EINVAL);
		call_finish(c, NULL, 0, &cause);
	}
	eci_request_free(&r);
	free(endpoint);
}

/* Queue one call; it starts at once while fewer than ECI_MAX_INFLIGHT run. */
struct eci_call *
eci_call(struct eci *e, const char *region, const char *action, const struct params *params,
	 eci_call_cb cb, void *arg)
{
	struct eci_call *c = xcalloc(1, sizeof *c);

	c->e = e;
	c->region = xstrdup(region);
	c->action = xstrdup(action);
	params_init(&c->params);
	for (size_t i = 0; params != NULL && i < params->n; i++)
		params_add(&c->params, params->v[i].key, params->v[i].value);
	c->cb = cb;
	c->arg = arg;
	uv_timer_init(e->base.loop, &c->retry);
	c->retry.data = c;
	c->live_next = e->live;
	if (e->live != NULL)
		e->live->live_prev = c;
	e->live = c;
	if (e->inflight < ECI_MAX_INFLIGHT) {
		e->inflight++;
		call_send(c);
	} else {
		if (e->queue_tail)
			e->queue_tail->next = c;
		else
			e->queue_head = c;
		e->queue_tail = c;
	}
	return c;
}

void
eci_call_cancel(struct eci_call *c)
{
	if (c != NULL)
		c->arg = NULL;
}

/* --- listing --- */

struct list_job {
	struct eci *e;
	void *arg;
	region_list_cb rcb;
	group_page_cb gcb;
	char *region;
};

static void
regions_answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct list_job *j = arg;
	char **ids = NULL;
	size_t n = 0;

	if (error != NULL)
		j->rcb(j->arg, NULL, 0, error->msg);
	else if (eci_parse_regions(body, len, &ids, &n) < 0)
		j->rcb(j->arg, NULL, 0, fm_error_message());
	else
		j->rcb(j->arg, ids, n, NULL);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(j);
}

static int
eci_list_regions(struct provider *p, region_list_cb cb, void *arg)
{
	struct eci *e = (struct eci *)p;
	struct list_job *j = xcalloc(1, sizeof *j);

	j->e = e;
	j->rcb = cb;
	j->arg = arg;
	eci_call(e, e->creds.region ? e->creds.region : "cn-hangzhou", "DescribeRegions", NULL,
		 regions_answer, j);
	return 0;
}

static void groups_page(struct list_job *j, const char *token);

static void
groups_answer(void *arg, const char *body, size_t len, const struct fm_cause *error)
{
	struct list_job *j = arg;
	struct fm_group *groups = NULL;
	size_t n = 0;
	char *next = NULL;
	long total = 0;

	if (error != NULL) {
		j->gcb(j->arg, j->region, NULL, 0, 1, error->msg);
	} else if (eci_parse_groups(body, len, &groups, &n, &next, &total) < 0) {
		j->gcb(j->arg, j->region, NULL, 0, 1, fm_error_message());
	} else {
		j->gcb(j->arg, j->region, groups, n, next == NULL, NULL);
		if (next != NULL) {
			groups_page(j, next);
			free(next);
			return;
		}
	}
	free(j->region);
	free(j);
}

static void
groups_page(struct list_job *j, const char *token)
{
	struct params p;

	params_init(&p);
	params_add(&p, "RegionId", j->region);
	params_add(&p, "Limit", "20");
	if (token != NULL)
		params_add(&p, "NextToken", token);
	eci_call(j->e, j->region, "DescribeContainerGroups", &p, groups_answer, j);
	params_free(&p);
}

static int
eci_list_groups(struct provider *p, const char *region, group_page_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->e = (struct eci *)p;
	j->gcb = cb;
	j->arg = arg;
	j->region = xstrdup(region);
	groups_page(j, NULL);
	return 0;
}

static void
eci_free(struct provider *p)
{
	struct eci *e = (struct eci *)p;

	/* Calls still out (cancelled ones whose answer never came, queued
	 * ones): their requests go with the http handle, uncalled. */
	while (e->live != NULL) {
		struct eci_call *c = e->live;

		call_unlink_live(c);
		uv_close((uv_handle_t *)&c->retry, call_free_handle);
	}
	http_free(e->http);
	ws_client_free(e->ws);
	eci_creds_free(&e->creds);
	free(e->endpoint);
	free(e->base.name);
	free(e);
}

static int
eci_busy(struct provider *p)
{
	return ((struct eci *)p)->terminating;
}

static const struct provider_ops eci_ops = {
    .type = "eci",
    .region_noun = "region",
    .group_noun = "container group",
    .lists = PROV_LISTS_EVENTS | PROV_LISTS_RESTARTS,
    .list_regions = eci_list_regions,
    .list_groups = eci_list_groups,
    .dialer = &eci_dialer,
    .free = eci_free,
    .busy = eci_busy,
    .logs_open = eci_logs_open,
    .logs_close = eci_logs_close,
    .metrics = eci_metrics,
    .metrics_cancel = eci_metrics_cancel,
};

struct provider *
eci_provider_new(uv_loop_t *loop, const struct eci_options *o)
{
	struct eci *e = xcalloc(1, sizeof *e);

	if (eci_creds_load(&e->creds, o->key_id, o->secret, o->token, o->profile, o->config_path) < 0) {
		free(e);
		return NULL;
	}
	e->base.ops = &eci_ops;
	e->base.name = xstrdup("eci");
	e->base.loop = loop;
	e->v1 = o->sign_v1;
	e->endpoint = o->endpoint ? xstrdup(o->endpoint) : NULL;
	e->default_cmd = o->default_command;
	e->chan.status_channel = o->status_channel > 0 ? o->status_channel : CH_STATUS;
	e->chan.resize_channel = o->resize_channel > 0 ? o->resize_channel : CH_RESIZE;
	{
		struct http_opts ho = {.insecure = o->insecure, .ca_file = o->ca_file};

		e->http = http_new(loop, &ho);
	}
	e->ws = ws_client_new(loop, o->insecure, o->ca_file);
	if (e->ws == NULL) {
		http_free(e->http);
		eci_creds_free(&e->creds);
		free(e->endpoint);
		free(e->base.name);
		free(e);
		return NULL;
	}
	return &e->base;
}

const char *
eci_provider_default_region(struct provider *p)
{
	return ((struct eci *)p)->creds.region;
}
