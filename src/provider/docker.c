/* docker.c: the Docker Engine provider. Engines are its "regions"; each
 * container is a group of one. Exec sessions: create, then start with an
 * HTTP upgrade on a raw connection that joins the loop; resize through
 * POST /exec/{id}/resize; the exit code from GET /exec/{id}/json. Hyper.sh
 * is the same API with every request signed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_int.h"
#include "fleetmux/url.h"

/* The engine's events, and whether it answers at all: a stopped engine
 * ends the stream, but a hung one keeps it open and says nothing, so it
 * is asked for /_ping every few seconds, and down when no answer comes in
 * time. */
#define WATCH_TICK_MS 1000
#define WATCH_PING_EVERY_MS 5000
#define WATCH_PING_WAIT_MS 3000
/* A container's recent events: how many are kept, for how many
 * containers, and how far back the first stream asks (the engine keeps
 * its last 256 events in memory). */
#define EVENTS_KEPT 20
#define EVENTS_CONTAINERS 4096
#define EVENTS_BACK_S 3600

struct docker_watch {
	struct docker *d;
	struct http_req *req;       /* the event stream; NULL while it is not open */
	void (*changed)(void *arg, const char *region, const char *down);
	void *arg;
	struct buf line;
	uv_timer_t tick;
	uint64_t ping_sent;         /* when the last /_ping went */
	int pinging;                /* one in flight */
	int down;                   /* said down, not yet said back */
	int missed;                 /* the stream was closed a while: list again */
	int64_t opened_ns;          /* when the first stream was asked for: older events are past */
	int64_t newest_ns;          /* the newest event's time: a stream asked again starts there */
};

/* --- requests --- */

void
docker_sign_headers(struct docker *d, struct params *h, const char *method, const char *path,
		    const char *query, const char *body, size_t len)
{
	if (body != NULL)
		params_add(h, "Content-Type", "application/json");
	if (d->hyper)
		hyper_sign(h, method, path, query, body, len, d->host_header, d->access_key,
			   d->secret_key, d->region, NULL);
}

int
docker_call(struct docker *d, const char *method, const char *path, const char *query,
	    const char *body, http_cb cb, void *arg)
{
	struct params h;
	char *full = xasprintf("%s%s", d->api, path);
	char *url = xasprintf("%s%s%s%s", d->base_url, full, query ? "?" : "", query ? query : "");
	size_t len = body ? strlen(body) : 0;
	int rc;

	params_init(&h);
	docker_sign_headers(d, &h, method, full, query, body, len);
	rc = http_request(d->http, method, url, &h, body ? body : "", len, cb, arg);
	params_free(&h);
	free(full);
	free(url);
	return rc;
}

struct http_req *
docker_get(struct docker *d, const char *path, const char *query, int stream, http_chunk_cb on_chunk,
	   http_cb cb, void *arg)
{
	struct params h;
	char *full = xasprintf("%s%s", d->api, path);
	char *url = xasprintf("%s%s%s%s", d->base_url, full, query ? "?" : "", query ? query : "");
	struct http_req *r;

	params_init(&h);
	docker_sign_headers(d, &h, "GET", full, query, NULL, 0);
	r = stream ? http_stream(d->http, url, &h, on_chunk, cb, arg) : http_get(d->http, url, &h, cb, arg);
	params_free(&h);
	free(full);
	free(url);
	return r;
}

void
docker_cause(struct fm_cause *c, const struct http_response *res, const char *what)
{
	struct buf msg;

	buf_init(&msg);
	if (res->status == 0)
		buf_printf(&msg, "cannot reach the engine: %s", res->error ? res->error : "no answer");
	else
		docker_parse_error(res->status, res->body, res->body_len, &msg);
	fm_cause_http(c, res->status == 0 ? FM_EIO : FM_EPROTO, res->status, NULL, "%s%s%s",
		      what ? what : "", what ? ": " : "", msg.data ? msg.data : "");
	c->permanent = res->permanent;
	buf_free(&msg);
}

/* --- listing --- */

struct list_job {
	struct docker *d;
	region_list_cb rcb;
	group_page_cb gcb;
	void *arg;
	uv_timer_t timer;
};

static void
job_free(uv_handle_t *h)
{
	free(h->data);
}

static void
regions_now(uv_timer_t *t)
{
	struct list_job *j = t->data;
	char *ids[1] = {j->d->base.name};

	j->rcb(j->arg, ids, 1, NULL);
	uv_close((uv_handle_t *)&j->timer, job_free);
}

static int
docker_list_regions(struct provider *p, region_list_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->d = (struct docker *)p;
	j->rcb = cb;
	j->arg = arg;
	/* Answer on the loop, as a remote listing would. */
	uv_timer_init(j->d->base.loop, &j->timer);
	j->timer.data = j;
	uv_timer_start(&j->timer, regions_now, 0, 0);
	return 0;
}

static void
containers_answer(void *arg, const struct http_response *res)
{
	struct list_job *j = arg;
	struct fm_group *g = NULL;
	size_t n = 0;

	if (res->status == 200 && docker_parse_containers(res->body, res->body_len, j->d->base.name,
							   &g, &n) == 0) {
		for (size_t i = 0; j->d->events != NULL && i < n; i++)
			event_store_copy(j->d->events, g[i].id, &g[i].events, &g[i].nevents);
		j->gcb(j->arg, j->d->base.name, g, n, 1, NULL);
	} else {
		struct buf msg;

		buf_init(&msg);
		if (res->status == 200)
			buf_puts(&msg, fm_error_message());
		else if (res->status == 0)
			buf_printf(&msg, "cannot reach the engine: %s", res->error);
		else
			docker_parse_error(res->status, res->body, res->body_len, &msg);
		j->gcb(j->arg, j->d->base.name, NULL, 0, 1, msg.data);
		buf_free(&msg);
	}
	free(j);
}

static int
docker_list_groups(struct provider *p, const char *region, group_page_cb cb, void *arg)
{
	struct list_job *j = xcalloc(1, sizeof *j);

	j->d = (struct docker *)p;
	j->gcb = cb;
	j->arg = arg;
	if (docker_call(j->d, "GET", "/containers/json", "all=1", NULL, containers_answer, j) < 0) {
		free(j);
		return -FM_EIO;
	}
	return 0;
}

/* --- the event stream --- */

/* A container's event joins its recent events, in words; its removal
 * forgets them. */
static void
keep_event(struct docker_watch *w, const char *line, size_t len)
{
	struct event_store *s = w->d->events;
	struct docker_event e;
	struct fm_event ev;
	const struct fm_event *before;
	size_t n;

	if (s == NULL || docker_event_parse(line, len, &e) != 1)
		return;
	if (strcmp(e.action, "destroy") == 0) {
		event_store_drop(s, e.id);
	} else {
		before = event_store_get(s, e.id, &n);
		if (docker_event_words(&e, before, n, &ev) == 1) {
			/* what the engine kept from before we looked is not news */
			ev.past = e.time_ns < w->opened_ns;
			event_store_add(s, e.id, &ev);
			free(ev.type);
			free(ev.reason);
			free(ev.message);
		}
	}
	if (e.time_ns > w->newest_ns)
		w->newest_ns = e.time_ns;
	docker_event_free(&e);
}

static void
watch_chunk(void *arg, const char *data, size_t len)
{
	struct docker_watch *w = arg;
	const unsigned char *p = (const unsigned char *)data;

	/* One JSON object a line; any container event changes the list. */
	while (buf_take_line(&w->line, &p, &len, 65536)) {
		keep_event(w, w->line.data, w->line.len);
		if (docker_event_changes_list(w->line.data, w->line.len))
			w->changed(w->arg, w->d->base.name, NULL);
		buf_reset(&w->line);
	}
}

static void
watch_done(void *arg, const struct http_response *res)
{
	struct docker_watch *w = arg;

	/* The stream ended (the engine stopped, or restarted): is it there?
	 * The next tick asks, and opens the stream again. */
	w->req = NULL;
	w->ping_sent = 0;
}

static void
watch_start(struct docker_watch *w)
{
	struct docker *d = w->d;
	char *full = xasprintf("%s/events", d->api), *query, *url;
	int64_t since;
	struct params h;

	/* The first stream begins with the engine's record of the last hour
	 * (the containers' recent events); one asked again, from the newest
	 * event seen (inclusive: the store drops what it has), so nothing that
	 * happened while it was closed is missed. */
	if (w->opened_ns == 0) {
		w->opened_ns = fm_time_now();
		since = w->opened_ns - (int64_t)EVENTS_BACK_S * FM_NS_PER_SEC;
	} else {
		since = w->newest_ns > 0 ? w->newest_ns : w->opened_ns;
	}
	query = xasprintf("filters=%%7B%%22type%%22%%3A%%5B%%22container%%22%%5D%%7D&since=%lld.%09lld",
			  (long long)(since / FM_NS_PER_SEC), (long long)(since % FM_NS_PER_SEC));
	url = xasprintf("%s%s?%s", d->base_url, full, query);
	params_init(&h);
	docker_sign_headers(d, &h, "GET", full, query, NULL, 0);
	buf_reset(&w->line);
	w->req = http_stream(d->http, url, &h, watch_chunk, watch_done, w);
	params_free(&h);
	free(full);
	free(query);
	free(url);
}

static void
engine_down(struct docker_watch *w, const char *why)
{
	char *text = xasprintf("the engine is not answering (%s)", why);

	w->down = 1;
	w->changed(w->arg, w->d->base.name, text);
	free(text);
}

static void
ping_answer(void *arg, const struct http_response *res)
{
	struct docker_watch *w = arg;

	w->pinging = 0;
	if (res->status == 200) {
		if (w->down || w->missed) {
			/* Back, or the stream open again: what happened meanwhile
			 * was not seen; list again. */
			w->down = 0;
			w->missed = 0;
			w->changed(w->arg, w->d->base.name, NULL);
		}
	} else if (!w->down) {
		char why[200];

		if (res->status == 0)
			snprintf(why, sizeof why, "%s", res->error ? res->error : "no answer");
		else
			snprintf(why, sizeof why, "/_ping: HTTP %d", res->status);
		engine_down(w, why);
	}
}

static void
watch_tick(uv_timer_t *t)
{
	struct docker_watch *w = t->data;
	uint64_t now = uv_now(w->d->base.loop);

	if (w->pinging) {
		if (!w->down && now - w->ping_sent >= WATCH_PING_WAIT_MS)
			engine_down(w, "no answer to /_ping in 3 s");
		return;
	}
	if (w->ping_sent != 0 && now - w->ping_sent < WATCH_PING_EVERY_MS)
		return;
	if (w->req == NULL) {
		w->missed = 1;
		watch_start(w);
	}
	w->ping_sent = now;
	if (docker_call(w->d, "GET", "/_ping", NULL, NULL, ping_answer, w) == 0)
		w->pinging = 1;
}

static int
docker_watch(struct provider *p, const char *region,
	     void (*changed)(void *arg, const char *region, const char *down), void *arg)
{
	struct docker *d = (struct docker *)p;
	struct docker_watch *w;

	if (d->watch != NULL)
		return 0;
	w = xcalloc(1, sizeof *w);
	w->d = d;
	w->changed = changed;
	w->arg = arg;
	buf_init(&w->line);
	uv_timer_init(d->base.loop, &w->tick);
	w->tick.data = w;
	d->watch = w;
	watch_start(w);
	w->ping_sent = uv_now(d->base.loop);
	uv_timer_start(&w->tick, watch_tick, WATCH_TICK_MS, WATCH_TICK_MS);
	return 0;
}

static void
watch_free_cb(uv_handle_t *h)
{
	struct docker_watch *w = h->data;

	buf_free(&w->line);
	free(w);
}

static void
docker_free(struct provider *p)
{
	struct docker *d = (struct docker *)p;

	if (d->watch != NULL) {
		if (d->watch->req != NULL)
			http_cancel(d->http, d->watch->req);
		/* A /_ping in flight ends with http_free, its answer unsaid. */
		uv_close((uv_handle_t *)&d->watch->tick, watch_free_cb);
	}
	event_store_free(d->events);
	http_free(d->http);
	free(d->base_url);
	free(d->host_header);
	free(d->access_key);
	free(d->secret_key);
	free(d->region);
	free(d->base.name);
	free(d);
}

static int
docker_busy(struct provider *p)
{
	return ((struct docker *)p)->terminating;
}

static const struct provider_ops docker_ops = {
    .type = "docker",
    .region_noun = "engine",
    .group_noun = "container",
    .lists = PROV_ZONE_IS_STATE | PROV_LISTS_EVENTS,
    .no_events = "none in the engine's event stream (its record of the last hour, then "
		 "as they come)",
    .list_regions = docker_list_regions,
    .list_groups = docker_list_groups,
    .dialer = &docker_dialer,
    .free = docker_free,
    .watch = docker_watch,
    .busy = docker_busy,
    .logs_open = docker_logs_open,
    .logs_close = docker_logs_close,
    .metrics = docker_metrics,
    .metrics_cancel = docker_metrics_cancel,
};

/* Hyper.sh: the same API, but its events were a WebSocket of its own,
 * which is not followed here: no watch (the UI lists it again instead),
 * and its listings carry no events. */
static const struct provider_ops hyper_ops = {
    .type = "hyper",
    .region_noun = "engine",
    .group_noun = "container",
    .lists = PROV_ZONE_IS_STATE,
    .no_events = "Hyper's API has no event stream that fleetmux follows: there are no "
		 "events to show for its containers",
    .list_regions = docker_list_regions,
    .list_groups = docker_list_groups,
    .dialer = &docker_dialer,
    .free = docker_free,
    .busy = docker_busy,
    .logs_open = docker_logs_open,
    .logs_close = docker_logs_close,
    .metrics = docker_metrics,
    .metrics_cancel = docker_metrics_cancel,
};

struct provider *
docker_provider_new(uv_loop_t *loop, const struct docker_options *o)
{
	struct docker *d = xcalloc(1, sizeof *d);
	struct http_opts ho = {.insecure = o->insecure};
	const char *host = o->host ? o->host : "unix:///var/run/docker.sock";
	char ca[512], cert[512], key[512];

	d->base.ops = o->hyper ? &hyper_ops : &docker_ops;
	d->base.name = xstrdup(o->name ? o->name : "local");
	d->base.loop = loop;
	d->default_cmd = o->default_command;
	d->hyper = o->hyper;
	d->api = o->hyper ? "/" HYPER_API_VERSION : "/" DOCKER_API_VERSION;
	if (strncmp(host, "unix://", 7) == 0) {
		ho.unix_socket = host + 7;
		d->base_url = xstrdup("http://localhost");
		d->host_header = xstrdup("docker");
	} else {
		struct url_parts u;
		struct fm_cause c;
		int tls;

		if (url_split(host, &u, &c) < 0 || (strcmp(u.scheme, "tcp") != 0 &&
						     strcmp(u.scheme, "http") != 0 &&
						     strcmp(u.scheme, "https") != 0)) {
			url_parts_free(&u);
			free(d->base.name);
			free(d);
			fm_error(FM_EINVAL, "docker host '%s': use unix://PATH, tcp://HOST:PORT or https://HOST",
				 host);
			return NULL;
		}
		tls = strcmp(u.scheme, "https") == 0 ||
		      (strcmp(u.scheme, "tcp") == 0 && (o->tls_verify || o->hyper));
		d->host_header = url_host_port(&u);
		d->base_url = xasprintf("%s://%s", tls ? "https" : "http", d->host_header);
		url_parts_free(&u);
		if (o->tls_verify && o->cert_path != NULL) {
			snprintf(ca, sizeof ca, "%s/ca.pem", o->cert_path);
			snprintf(cert, sizeof cert, "%s/cert.pem", o->cert_path);
			snprintf(key, sizeof key, "%s/key.pem", o->cert_path);
			ho.ca_file = ca;
			ho.cert_file = cert;
			ho.key_file = key;
		}
	}
	if (o->hyper) {
		if (o->access_key == NULL || o->secret_key == NULL) {
			free(d->base_url);
			free(d->host_header);
			free(d->base.name);
			free(d);
			fm_error(FM_EAUTH, "hyper: no access key (HYPER_ACCESS/HYPER_SECRET or "
					   "~/.hyper/config.json)");
			return NULL;
		}
		d->access_key = xstrdup(o->access_key);
		d->secret_key = xstrdup(o->secret_key);
		d->region = xstrdup(o->region ? o->region : "us-west-1");
	}
	if (!o->hyper)
		d->events = event_store_new(EVENTS_KEPT, EVENTS_CONTAINERS);
	d->http = http_new(loop, &ho);
	return &d->base;
}
