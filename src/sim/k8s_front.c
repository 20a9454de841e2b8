/* k8s_front.c: fleetsim --k8s: a faithful subset of the Kubernetes API
 * server on its own port (127.0.0.1 only, TLS with a CA made at start, a
 * bearer token), over the same processes as the ECI API.
 *
 * One port serves every region: a region is a cluster under
 * /clusters/REGION (as a proxy such as Rancher's serves many clusters), and
 * the bare paths are the first region's. pods/exec is the ECI exec's
 * session (exec.c) behind a Kubernetes handshake. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/channel.h"
#include "fleetmux/logs.h"
#include "k8s_int.h"

#define K8S_WRITE_CHUNK 16384

/* --- answers --- */

void
k8s_reply_json(struct k8s_stream *st, int status, cJSON *o)
{
	char *t = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	st->status = status;
	st->ctype = "application/json";
	buf_reset(&st->out);
	buf_puts(&st->out, t);
	buf_putc(&st->out, '\n');
	free(t);
	st->done = 1;
}

void
k8s_reply_status(struct k8s_stream *st, int code, const char *reason, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	k8s_reply_json(st, code, k8s_status_json(code, reason, "%s", msg));
}

void
k8s_stream_keep(struct k8s_stream *st)
{
	struct k8s_front *k = &st->s->k8s;

	st->streaming = 1;
	if (!st->listed) {
		st->listed = 1;
		st->next = k->streams;
		k->streams = st;
	}
}

static void
stream_unlist(struct k8s_stream *st)
{
	if (!st->listed)
		return;
	for (struct k8s_stream **pp = &st->s->k8s.streams; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	st->listed = 0;
}

static void
stream_free(struct k8s_stream *st)
{
	if (st == NULL)
		return;
	stream_unlist(st);
	buf_free(&st->out);
	free(st->ns);
	free(st->name);
	k8s_selector_free(&st->sel);
	free(st);
}

int
k8s_param_true(const struct params *q, const char *name)
{
	const char *v = params_get(q, name);

	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int
k8s_param_uint(struct k8s_stream *st, const struct params *q, const char *name, long *out)
{
	const char *v = params_get(q, name);
	char *end;

	*out = -1;
	if (v == NULL || *v == '\0')
		return 0;
	*out = strtol(v, &end, 10);
	if (*end != '\0' || *out < 0) {
		k8s_reply_status(st, 400, NULL, "%s: \"%s\" is not a whole number >= 0", name, v);
		return -1;
	}
	return 0;
}

/* --- discovery --- */

static cJSON *
version_json(void)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "major", K8S_SIM_MAJOR);
	cJSON_AddStringToObject(o, "minor", K8S_SIM_MINOR);
	cJSON_AddStringToObject(o, "gitVersion", K8S_SIM_GIT_VERSION);
	cJSON_AddStringToObject(o, "gitCommit", "0000000000000000000000000000000000000000");
	cJSON_AddStringToObject(o, "gitTreeState", "clean");
	cJSON_AddStringToObject(o, "buildDate", "2026-11-01T00:00:00Z");
	cJSON_AddStringToObject(o, "goVersion", "go1.22.5");
	cJSON_AddStringToObject(o, "compiler", "gc");
	cJSON_AddStringToObject(o, "platform", "linux/amd64");
	return o;
}

static cJSON *
api_versions_json(struct sim *s)
{
	cJSON *o = cJSON_CreateObject(), *addr = cJSON_CreateObject();
	char where[64];

	cJSON_AddStringToObject(o, "kind", "APIVersions");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "versions"), cJSON_CreateString("v1"));
	snprintf(where, sizeof where, "127.0.0.1:%d", s->k8s.port);
	cJSON_AddStringToObject(addr, "clientCIDR", "0.0.0.0/0");
	cJSON_AddStringToObject(addr, "serverAddress", where);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "serverAddressByClientCIDRs"), addr);
	return o;
}

static cJSON *
api_groups_json(void)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", "APIGroupList");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddArrayToObject(o, "groups");
	return o;
}

/* A resource of /api/v1; kubectl finds "ns" and "po" by their shortNames. */
static void
add_resource(cJSON *list, const char *name, const char *singular, const char *shortname,
             const char *kind, int namespaced, const char *verbs)
{
	cJSON *r = cJSON_CreateObject(), *v = cJSON_AddArrayToObject(r, "verbs");
	char *copy = xstrdup(verbs), *save = NULL;

	cJSON_AddStringToObject(r, "name", name);
	cJSON_AddStringToObject(r, "singularName", singular);
	if (shortname != NULL)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "shortNames"),
		                     cJSON_CreateString(shortname));
	cJSON_AddBoolToObject(r, "namespaced", namespaced);
	cJSON_AddStringToObject(r, "kind", kind);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		cJSON_AddItemToArray(v, cJSON_CreateString(w));
	free(copy);
	cJSON_AddItemToArray(list, r);
}

static cJSON *
api_resources_json(void)
{
	cJSON *o = cJSON_CreateObject(), *rs;

	cJSON_AddStringToObject(o, "kind", "APIResourceList");
	cJSON_AddStringToObject(o, "groupVersion", "v1");
	rs = cJSON_AddArrayToObject(o, "resources");
	add_resource(rs, "namespaces", "namespace", "ns", "Namespace", 0, "get list");
	add_resource(rs, "pods", "pod", "po", "Pod", 1, "get list watch");
	add_resource(rs, "pods/exec", "", NULL, "PodExecOptions", 1, "create get");
	add_resource(rs, "pods/log", "", NULL, "Pod", 1, "get");
	return o;
}

/* --- routing --- */

/* A client certificate our CA signed (the TLS handshake asked for one
 * and checked the chain; a client may send none). */
static int
cert_ok(struct lws *wsi)
{
	union lws_tls_cert_info_results r;

	memset(&r, 0, sizeof r);
	return lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_VERIFIED, &r, 0) == 0 && r.verified;
}

/* The bearer token, in constant time, or a client certificate. */
static int
token_ok(struct sim *s, struct lws *wsi)
{
	char authz[512] = "";
	const char *want = s->k8s.token;
	size_t n = strlen(want), diff;

	if (lws_hdr_copy(wsi, authz, sizeof authz, WSI_TOKEN_HTTP_AUTHORIZATION) <= 7 ||
	    strncasecmp(authz, "Bearer ", 7) != 0)
		return cert_ok(wsi);
	if (strlen(authz + 7) != n)
		return 0;
	diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (size_t)(authz[7 + i] ^ want[i]);
	return diff == 0;
}

/* Split "/clusters/REGION/rest" into the region's index and the rest. */
static const char *
route_region(struct sim *s, const char *path, int *region)
{
	*region = 0;
	if (strncmp(path, "/clusters/", 10) != 0)
		return path;
	path += 10;
	for (size_t i = 0; i < s->fleet.nregions; i++) {
		size_t n = strlen(s->fleet.regions[i].id);

		if (strncmp(path, s->fleet.regions[i].id, n) == 0 && (path[n] == '/' || !path[n])) {
			*region = (int)i;
			return path[n] ? path + n : "/";
		}
	}
	*region = -1;
	return path;
}

/* Up to max path segments after the prefix; the count, or -1 for more. */
static int
segments(const char *path, const char *prefix, char seg[][254], int max)
{
	size_t n = strlen(prefix);
	int count = 0;

	if (strncmp(path, prefix, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return -1;
	path += n;
	while (*path == '/') {
		size_t len = strcspn(path + 1, "/");

		if (len == 0 || len >= 254 || count == max)
			return -1;
		memcpy(seg[count], path + 1, len);
		seg[count][len] = '\0';
		count++;
		path += 1 + len;
	}
	return count;
}

/* The fleet file's denial for this request, as the API server words
 * RBAC's: 1 when answered 403. */
static int
forbidden(struct k8s_stream *st, const char *verb, const char *resource, const char *ns,
          const char *name)
{
	char what[300], where[300];
	const char *slash = strchr(resource, '/');

	if (!k8s_denied(&st->s->fleet.regions[st->region], verb, resource, ns))
		return 0;
	if (name != NULL)
		snprintf(what, sizeof what, "%.*s \"%s\"",
		         (int)(slash ? slash - resource : (long)strlen(resource)), resource, name);
	else
		snprintf(what, sizeof what, "%s", resource);
	if (ns != NULL)
		snprintf(where, sizeof where, "in the namespace \"%s\"", ns);
	else
		snprintf(where, sizeof where, "at the cluster scope");
	k8s_reply_status(
	    st, 403, NULL,
	    "%s is forbidden: User \"fleetsim\" cannot %s resource \"%s\" in API group "
	    "\"\" %s (fleet file: k8s_deny)",
	    what, verb, resource, where);
	return 1;
}

static void
route(struct k8s_stream *st, const char *method, const char *path, const struct params *q)
{
	struct sim *s = st->s;
	char seg[5][254];
	int n;

	if (strcmp(method, "DELETE") == 0 && segments(path, "/api/v1/namespaces", seg, 5) == 3 &&
	    strcmp(seg[1], "pods") == 0) {
		if (!forbidden(st, "delete", "pods", seg[0], seg[2]))
			k8s_pods_delete(st, seg[0], seg[2]);
		return;
	}
	if (strcmp(method, "GET") != 0) {
		k8s_reply_status(
		    st, 405, NULL,
		    "the server does not allow this method on the requested "
		    "resource (fleetsim serves get, list, watch, delete of a pod, pods/log and "
		    "pods/exec)");
		return;
	}
	if (strcmp(path, "/version") == 0 || strcmp(path, "/version/") == 0) {
		k8s_reply_json(st, 200, version_json());
		return;
	}
	if (strcmp(path, "/api") == 0 || strcmp(path, "/api/") == 0) {
		k8s_reply_json(st, 200, api_versions_json(s));
		return;
	}
	if (strcmp(path, "/apis") == 0 || strcmp(path, "/apis/") == 0) {
		k8s_reply_json(st, 200, api_groups_json());
		return;
	}
	if (strcmp(path, "/api/v1") == 0 || strcmp(path, "/api/v1/") == 0) {
		k8s_reply_json(st, 200, api_resources_json());
		return;
	}
	/* metrics-server's API, as it serves PodMetrics. */
	if (segments(path, "/apis/metrics.k8s.io/v1beta1/pods", seg, 0) == 0) {
		k8s_pod_metrics(st, NULL);
		return;
	}
	n = segments(path, "/apis/metrics.k8s.io/v1beta1/namespaces", seg, 2);
	if (n == 2 && strcmp(seg[1], "pods") == 0) {
		k8s_pod_metrics(st, seg[0]);
		return;
	}
	if (segments(path, "/api/v1/pods", seg, 0) == 0) {
		if (!forbidden(st, k8s_param_true(q, "watch") ? "watch" : "list", "pods", NULL,
		               NULL))
			k8s_pods_list(st, NULL, q);
		return;
	}
	n = segments(path, "/api/v1/namespaces", seg, 5);
	if (n == 0 || n == 1) {
		if (!forbidden(st, n ? "get" : "list", "namespaces", NULL, n ? seg[0] : NULL))
			k8s_namespaces(st, n == 1 ? seg[0] : NULL);
		return;
	}
	if (n >= 2 && strcmp(seg[1], "pods") == 0) {
		if (n == 2) {
			if (!forbidden(st, k8s_param_true(q, "watch") ? "watch" : "list", "pods",
			               seg[0], NULL))
				k8s_pods_list(st, seg[0], q);
		} else if (n == 3) {
			if (!forbidden(st, "get", "pods", seg[0], seg[2]))
				k8s_pods_get(st, seg[0], seg[2]);
		} else if (n == 4 && strcmp(seg[3], "log") == 0) {
			if (!forbidden(st, "get", "pods/log", seg[0], seg[2]))
				k8s_logs(st, seg[0], seg[2], q);
		} else if (n == 4 &&
		           (strcmp(seg[3], "exec") == 0 || strcmp(seg[3], "attach") == 0)) {
			k8s_reply_status(st, 400, NULL,
			                 "Upgrade request required: fleetsim serves exec "
			                 "over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io)");
		} else {
			k8s_reply_status(st, 404, NULL,
			                 "the server could not find the requested resource");
		}
		return;
	}
	k8s_reply_status(st, 404, NULL, "the server could not find the requested resource");
}

static void
http_request(struct sim *s, struct lws *wsi, struct conn *c, const char *uri)
{
	struct k8s_stream *st = xcalloc(1, sizeof *st);
	const char *method = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0      ? "GET"
	                     : lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0   ? "POST"
	                     : lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI) > 0 ? "DELETE"
	                                                                           : "OTHER";
	const char *path;
	struct params q;

	st->s = s;
	st->wsi = wsi;
	buf_init(&st->out);
	c->k8s = st;
	params_init(&q);
	sim_collect_query(wsi, &q);
	path = route_region(s, uri, &st->region);
	{
		char accept[512] = "";

		lws_hdr_copy(wsi, accept, sizeof accept, WSI_TOKEN_HTTP_ACCEPT);
		st->table = strstr(accept, "as=Table") != NULL && strstr(accept, "g=meta.k8s.io");
	}
	if (!token_ok(s, wsi))
		k8s_reply_status(st, 401, NULL, "Unauthorized");
	else if (st->region < 0 || s->fleet.nregions == 0)
		k8s_reply_status(st, 404, NULL, "no such cluster: %s", uri);
	else
		route(st, method, path, &q);
	params_free(&q);
	if (s->opt.verbose > 0)
		sim_log(s, "k8s: %s %s -> %d", method, uri, st->status);
	lws_callback_on_writable(wsi);
}

static int
http_write(struct lws *wsi, struct conn *c)
{
	struct k8s_stream *st = c->k8s;
	unsigned char hdr[LWS_PRE + 1024], *p = hdr + LWS_PRE, *end = hdr + sizeof hdr;
	size_t n;
	int final;

	if (st == NULL)
		return 0;
	if (!st->hdr_sent) {
		lws_filepos_t len = st->streaming ? LWS_ILLEGAL_HTTP_CONTENT_LEN : st->out.len;

		if (lws_add_http_common_headers(wsi, (unsigned)st->status, st->ctype, len, &p,
		                                end) ||
		    lws_add_http_header_by_name(wsi, (unsigned char *)"cache-control:",
		                                (unsigned char *)"no-cache, private", 17, &p,
		                                end) ||
		    lws_finalize_write_http_header(wsi, hdr + LWS_PRE, &p, end))
			return -1;
		st->hdr_sent = 1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	n = st->out.len < K8S_WRITE_CHUNK ? st->out.len : K8S_WRITE_CHUNK;
	final = st->done && n == st->out.len;
	if (n == 0 && !final)
		return 0;
	{
		unsigned char *body = xmalloc(LWS_PRE + n + 1);
		int w;

		memcpy(body + LWS_PRE, st->out.data ? st->out.data : "", n);
		w = lws_write(wsi, body + LWS_PRE, n,
		              final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
		free(body);
		if (w < 0)
			return -1;
	}
	buf_consume(&st->out, n);
	if (!final) {
		if (st->out.len > 0)
			lws_callback_on_writable(wsi);
		return 0;
	}
	stream_free(st);
	c->k8s = NULL;
	if (lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* --- exec --- */

/* Refuse an upgrade with a Status, as the API server does. Written by hand:
 * lws_return_http_status answers an upgrade as HTTP/1.0, which WebSocket
 * clients refuse to read. */
static int
refuse_upgrade(struct lws *wsi, int code, const char *msg)
{
	cJSON *o = k8s_status_json(code, NULL, "%s", msg);
	char *body = cJSON_PrintUnformatted(o);
	char *head = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	                       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	                       code, k8s_reason_for(code), strlen(body), body);
	size_t n = strlen(head);
	unsigned char *out = xmalloc(LWS_PRE + n);

	memcpy(out + LWS_PRE, head, n);
	lws_write(wsi, out + LWS_PRE, n, LWS_WRITE_HTTP_HEADERS);
	free(out);
	free(head);
	free(body);
	cJSON_Delete(o);
	return -1;
}

/* The handshake of GET .../pods/NAME/exec: who, which container, what. */
static int
exec_filter(struct sim *s, struct lws *wsi, struct conn *c)
{
	char uri[1024] = "", seg[5][254];
	const char *path, *proto = lws_get_protocol(wsi)->name;
	struct fleet_group *g;
	struct fleet_container *k = NULL;
	struct exec_ticket *t;
	struct params q;
	struct buf argv;
	int region, n, nargs = 0;
	const char *why = NULL;

	lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
	if (strncmp(proto, "v5.", 3) != 0 && strncmp(proto, "v4.", 3) != 0) {
		return refuse_upgrade(wsi, 403, "exec needs a channel.k8s.io subprotocol (v5, v4)");
	}
	if (!token_ok(s, wsi)) {
		return refuse_upgrade(wsi, 401, "Unauthorized");
	}
	path = route_region(s, uri, &region);
	n = region < 0 ? -1 : segments(path, "/api/v1/namespaces", seg, 5);
	if (n != 4 || strcmp(seg[1], "pods") != 0 || strcmp(seg[3], "exec") != 0) {
		return refuse_upgrade(wsi, 404, "only pods/exec serves a WebSocket here");
	}
	if (k8s_denied(&s->fleet.regions[region], "create", "pods/exec", seg[0])) {
		char *msg =
		    xasprintf("pods \"%s\" is forbidden: User \"fleetsim\" cannot create "
		              "resource \"pods/exec\" in API group \"\" in the namespace \"%s\" "
		              "(fleet file: k8s_deny)",
		              seg[2], seg[0]);

		refuse_upgrade(wsi, 403, msg);
		free(msg);
		return -1;
	}
	g = k8s_find_pod(s, region, seg[0], seg[2]);
	params_init(&q);
	sim_collect_query(wsi, &q);
	if (g == NULL)
		why = "pod not found";
	else if (params_get(&q, "container") != NULL)
		k = fleet_container(g, params_get(&q, "container"));
	else
		k = g->ncontainers == 1 ? &g->containers[0] : NULL;
	if (why == NULL && k == NULL)
		why = "a container name must be specified (or is not valid for the pod)";
	else if (why == NULL && strcmp(k->state, "Running") != 0)
		why = "container not running";
	buf_init(&argv);
	for (size_t i = 0; i < q.n; i++)
		if (strcmp(q.v[i].key, "command") == 0)
			nargs++;
	if (why == NULL && nargs == 0)
		why = "you must specify at least 1 command";
	if (why != NULL) {
		sim_log(s, "k8s: refused exec %s: %s", uri, why);
		params_free(&q);
		buf_free(&argv);
		return refuse_upgrade(wsi, g == NULL ? 404 : 400, why);
	}
	t = xcalloc(1, sizeof *t);
	t->group = g;
	t->container = k;
	t->argv = xcalloc((size_t)nargs + 1, sizeof *t->argv);
	nargs = 0;
	for (size_t i = 0; i < q.n; i++)
		if (strcmp(q.v[i].key, "command") == 0)
			t->argv[nargs++] = xstrdup(q.v[i].value);
	t->tty = k8s_param_true(&q, "tty");
	t->stdin_open = k8s_param_true(&q, "stdin");
	t->v5 = strcmp(proto, CHANNEL_K8S_V5) == 0;
	params_free(&q);
	buf_free(&argv);
	c->ticket = t;
	c->is_ws = 1;
	return 0;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct sim *s = lws_context_user(lws_get_context(wsi));
	struct conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		if (c->k8s != NULL) {
			stream_free(c->k8s);
			c->k8s = NULL;
		}
		http_request(s, wsi, c, (const char *)in);
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return 0; /* a GET's or DELETE's body (DeleteOptions) is read and ignored */
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_write(wsi, c);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c != NULL && !c->is_ws && c->k8s != NULL) {
			stream_free(c->k8s);
			c->k8s = NULL;
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return exec_filter(s, wsi, c);
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* Client certificates are checked against our CA. */
		return k8s_tls_trust_ca(&s->k8s, user) < 0 ? -1 : 0;
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		return exec_ws_callback(s, wsi, reason, c, in, len);
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols protocols[] = {
    {"k8s-http", callback, sizeof(struct conn), SIM_CHUNK, 0, NULL, 0},
    {"v5.channel.k8s.io", callback, sizeof(struct conn), SIM_CHUNK, 0, NULL, 0},
    {"v4.channel.k8s.io", callback, sizeof(struct conn), SIM_CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
on_tick(uv_timer_t *t)
{
	struct sim *s = t->data;

	k8s_pods_tick(s);
	for (struct k8s_stream *st = s->k8s.streams; st != NULL; st = st->next) {
		if (st->watch)
			k8s_watch_pump(st);
		else if (st->follow)
			k8s_logs_pump(st);
		if (st->out.len > 0 || st->done)
			lws_callback_on_writable(st->wsi);
	}
}

int
k8s_front_start(struct sim *s)
{
	struct lws_context_creation_info info;
	struct lws_vhost *vh;
	struct k8s_front *k = &s->k8s;

	k->token = s->opt.k8s_token;
	if (k8s_tls_make(k) < 0)
		return -1;
	memset(&info, 0, sizeof info);
	info.vhost_name = "k8s";
	info.port = s->opt.k8s_port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	/* Client certificates are asked for, checked against our CA, and
	 * optional (a token will do). */
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DISABLE_IPV6 |
	               LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
	               LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT |
	               LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED;
	info.server_ssl_cert_mem = k->cert_pem;
	info.server_ssl_cert_mem_len = (unsigned)strlen(k->cert_pem);
	info.server_ssl_private_key_mem = k->key_pem;
	info.server_ssl_private_key_mem_len = (unsigned)strlen(k->key_pem);
	info.alpn = "http/1.1";
	info.keepalive_timeout = 30;
	info.timeout_secs = 30;
	vh = lws_create_vhost(s->lws, &info);
	if (vh == NULL)
		return fm_error(FM_EIO, "cannot serve the Kubernetes API on 127.0.0.1:%d (in use?)",
		                s->opt.k8s_port);
	k->port = lws_get_vhost_listen_port(vh);
	k8s_pods_init(s);
	uv_timer_init(s->loop, &k->tick);
	k->tick.data = s;
	uv_timer_start(&k->tick, on_tick, K8S_TICK_MS, K8S_TICK_MS);
	if (s->opt.kubeconfig != NULL && k8s_kubeconfig_write(s, s->opt.kubeconfig) < 0)
		return -1;
	return 0;
}

void
k8s_front_stop(struct sim *s)
{
	struct k8s_front *k = &s->k8s;

	uv_timer_stop(&k->tick);
	/* Streams end with their connections, which lws closes. */
	for (struct k8s_stream *st = k->streams; st != NULL; st = st->next)
		st->listed = 0;
	k->streams = NULL;
}

/* After the loop: what is left to free. */
void
k8s_front_free(struct sim *s)
{
	k8s_pods_free(s);
	free(s->k8s.ca_pem);
	free(s->k8s.cert_pem);
	free(s->k8s.key_pem);
	free(s->k8s.client_cert_pem);
	free(s->k8s.client_key_pem);
}
