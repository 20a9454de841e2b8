/* test_k8s.c: the API server's pods, watch events and Status answers read
 * into the model, on answers shaped as kube-apiserver writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/k8s.h"
#include "fleetmux/logs.h"

/* A literal and its length. */
#define S(lit) lit, strlen(lit)

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static void
test_pod_list(void **state)
{
	size_t len, n;
	char *json = slurp("tests/fixtures/k8s-podlist.json", &len), *cont, *rv;
	struct fm_group *g;
	struct fm_cause why = {0};
	const struct fm_container *c;
	int64_t t;

	assert_int_equal(k8s_parse_pods(json, len, "prod", &g, &n, &cont, &rv, &why), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rv, "48213");
	assert_non_null(cont);
	assert_int_equal(strncmp(cont, "eyJ2Ijoi", 8), 0);

	assert_string_equal(g[0].id, "shop/web-7d4b9c6f5-x2x8k");
	assert_string_equal(g[0].name, "web-7d4b9c6f5-x2x8k");
	assert_string_equal(g[0].region, "prod");
	assert_string_equal(g[0].zone, "shop");
	/* As kubectl's STATUS: its sidecar's crash loop names the pod; the
	 * state is still running (the web container serves). */
	assert_string_equal(g[0].status, "CrashLoopBackOff");
	assert_int_equal(g[0].state, FM_STATE_RUNNING);
	assert_string_equal(g[0].ip, "10.1.0.17");
	assert_string_equal(params_get(&g[0].tags, "app"), "web");
	assert_int_equal(g[0].ncontainers, 3);
	/* The init container first, marked, done. */
	c = &g[0].containers[0];
	assert_string_equal(c->name, "migrate");
	assert_int_equal(c->kind, FM_CONTAINER_INIT);
	assert_int_equal(c->state, FM_STATE_EXITED);
	assert_string_equal(c->reason, "Completed");
	c = &g[0].containers[1];
	assert_string_equal(c->name, "web");
	assert_int_equal(c->kind, FM_CONTAINER_APP);
	assert_string_equal(c->image, "registry.local/web:1.4");
	assert_int_equal(c->state, FM_STATE_RUNNING);
	assert_true(c->ready);
	assert_int_equal(c->restarts, 3);
	/* Its limits (not its requests), for the sidebar's used/limit. */
	assert_true(c->cpu == 0.5);
	assert_true(c->memory_gib == 1.5);
	assert_true(g[0].containers[2].memory_gib == 0); /* none set */
	assert_string_equal(c->last_reason, "OOMKilled");
	assert_int_equal(c->last_exit_code, 137);
	assert_int_equal(fm_time_parse("2026-11-30T09:00:58Z", 20, &t), 0);
	assert_true(c->last_finished_ns == t);
	c = &g[0].containers[2];
	assert_int_equal(c->state, FM_STATE_PENDING);
	assert_string_equal(c->status, "Waiting");
	assert_string_equal(c->reason, "CrashLoopBackOff");
	assert_int_equal(c->restarts, 12);
	assert_false(c->ready);

	/* Being deleted: Terminating, as kubectl says; an ephemeral container
	 * without a status yet waits. */
	assert_string_equal(g[1].id, "jobs/batch-29017");
	assert_string_equal(g[1].status, "Terminating");
	assert_int_equal(g[1].state, FM_STATE_EXITED);
	assert_int_equal(g[1].ncontainers, 2);
	/* The ended container's own exit code, not only its last state's. */
	assert_int_equal(g[1].containers[0].state, FM_STATE_EXITED);
	assert_int_equal(g[1].containers[0].exit_code, 2);
	assert_int_equal(g[1].containers[1].kind, FM_CONTAINER_EPHEMERAL);
	assert_int_equal(g[1].containers[1].state, FM_STATE_PENDING);
	assert_null(g[1].containers[1].last_reason);
	assert_true(g[1].containers[1].last_finished_ns == FM_TIME_NONE);
	/* Evicted says so rather than Failed; the state is failed. */
	assert_string_equal(g[2].status, "Evicted");
	assert_int_equal(g[2].state, FM_STATE_FAILED);
	assert_null(g[2].ip);

	fm_groups_free(g, n);
	free(cont);
	free(rv);
	free(json);
}

/* The context's namespace first, then the others by name, pods by name;
 * a namespace whose name begins like the home one is not it. */
static void
test_order_pods(void **state)
{
	static const char *const in[] = {"kube-system/dns", "data/db-1", "default-2/x", "default/web-1",
					  "apps/a", "default/wait-1"};
	static const char *const want[] = {"default/wait-1", "default/web-1", "apps/a", "data/db-1",
					    "default-2/x", "kube-system/dns"};
	struct fm_group g[6];

	(void)state;
	memset(g, 0, sizeof g);
	for (size_t i = 0; i < 6; i++)
		g[i].id = (char *)in[i];
	k8s_order_pods(g, 6, "default");
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(g[i].id, want[i]);
	/* No pod in the home namespace: by name alone. */
	k8s_order_pods(g, 6, "ops");
	assert_string_equal(g[0].id, "apps/a");
	assert_string_equal(g[5].id, "kube-system/dns");
	k8s_order_pods(g, 0, "default");
}

static void
test_bad_lists(void **state)
{
	static const char *const bad[] = {
	    "", "[]", "{\"kind\":\"Status\",\"code\":403}", "{\"kind\":\"PodList\",\"items\":{}}",
	    "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"a\"}}]}", NULL,
	};
	struct fm_group *g;
	size_t n;
	char *cont, *rv;
	struct fm_cause why = {0};

	for (int i = 0; bad[i] != NULL; i++) {
		assert_int_equal(k8s_parse_pods(bad[i], strlen(bad[i]), "c", &g, &n, &cont, &rv, &why), -FM_EPROTO);
		assert_null(g);
		assert_int_equal(n, 0);
	}
	/* An empty list: items null, no continue. */
	assert_int_equal(k8s_parse_pods(S("{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":null}"), "c", &g, &n, &cont, &rv, &why), 0);
	assert_int_equal(n, 0);
	assert_null(cont);
	assert_string_equal(rv, "9");
	fm_groups_free(g, n);
	free(rv);
}

static void
test_watch(void **state)
{
	static const char added[] =
	    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
	    "{\"name\":\"web-1\",\"namespace\":\"shop\",\"resourceVersion\":\"50001\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]},"
	    "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"web\",\"restartCount\":0,"
	    "\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}]}}}";
	static const char bookmark[] =
	    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
	    "{\"resourceVersion\":\"50123\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}";
	static const char gone[] =
	    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"too old resource version: 48213 (50100)\","
	    "\"reason\":\"Expired\",\"code\":410}}";
	struct k8s_watch_event ev;
	struct fm_cause why = {0};

	assert_int_equal(k8s_parse_watch_event(added, strlen(added), "lab", &ev, &why), 0);
	assert_int_equal(ev.type, K8S_MODIFIED);
	assert_string_equal(ev.rv, "50001");
	assert_string_equal(ev.pod.id, "shop/web-1");
	assert_string_equal(ev.pod.containers[0].reason, "ImagePullBackOff");
	assert_int_equal(ev.pod.state, FM_STATE_PENDING);
	k8s_watch_event_free(&ev);

	assert_int_equal(k8s_parse_watch_event(bookmark, strlen(bookmark), "lab", &ev, &why), 0);
	assert_int_equal(ev.type, K8S_BOOKMARK);
	assert_string_equal(ev.rv, "50123");
	k8s_watch_event_free(&ev);

	assert_int_equal(k8s_parse_watch_event(gone, strlen(gone), "lab", &ev, &why), 0);
	assert_int_equal(ev.type, K8S_ERROR);
	assert_int_equal(ev.status.http_status, 410);
	assert_string_equal(ev.status.vendor, "Expired");
	assert_int_equal(ev.status.code, FM_ESTATE);
	k8s_watch_event_free(&ev);

	assert_int_equal(k8s_parse_watch_event(S("{\"type\":\"SIDEWAYS\",\"object\":{}}"), "lab", &ev, &why),
			 -FM_EPROTO);
	k8s_watch_event_free(&ev);
	assert_int_equal(k8s_parse_watch_event(S("{\"type\":\"ADDED\""), "lab", &ev, &why), -FM_EPROTO);
	k8s_watch_event_free(&ev);
}

static void
test_status(void **state)
{
	static const char forbidden[] =
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"pods \\\"web-1\\\" is forbidden: User \\\"dev\\\" cannot create resource "
	    "\\\"pods/exec\\\" in API group \\\"\\\" in the namespace \\\"shop\\\"\",\"reason\":\"Forbidden\","
	    "\"details\":{\"name\":\"web-1\",\"kind\":\"pods\"},\"code\":403}";
	struct fm_cause why = {0};

	assert_int_equal(k8s_status_cause(forbidden, strlen(forbidden), 403, &why), -FM_EAUTH);
	assert_string_equal(why.vendor, "Forbidden");
	assert_int_equal(why.http_status, 403);
	assert_true(why.permanent);
	assert_non_null(strstr(why.msg, "cannot create resource \"pods/exec\""));

	assert_int_equal(k8s_status_cause(S("{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\","
					  "\"reason\":\"NotFound\",\"code\":404}"), 404, &why), -FM_ENOTFOUND);
	assert_true(why.permanent);
	/* A bare 401 (kube-apiserver's body is a Status too, but a proxy's may not be). */
	assert_int_equal(k8s_status_cause(S("Unauthorized"), 401, &why), -FM_EAUTH);
	assert_non_null(strstr(why.msg, "Unauthorized"));
	assert_int_equal(k8s_status_cause(S("{\"kind\":\"Status\",\"reason\":\"TooManyRequests\",\"code\":429}"), 429, &why),
			 -FM_EIO);
	assert_false(why.permanent);
	assert_int_equal(k8s_status_cause(S("<html>bad gateway</html>"), 502, &why), -FM_EIO);
	assert_non_null(strstr(why.msg, "not a Status"));
}

/* The paths and the exec URL, as kubectl would ask them. */
static void
test_request_urls(void **state)
{
	char *pre[] = {"/bin/sh", "-c", "x=$1", NULL};
	char *argv[] = {"echo", "a b&c", NULL};
	struct fm_cause why;
	struct buf b;
	char *u;

	buf_init(&b);
	k8s_pods_path(&b, NULL, "limit=500");
	assert_string_equal(b.data, "/api/v1/pods?limit=500");
	buf_reset(&b);
	k8s_pods_path(&b, "kube-system", NULL);
	assert_string_equal(b.data, "/api/v1/namespaces/kube-system/pods");
	buf_free(&b);

	u = k8s_exec_url("https://h:6443/clusters/r1/", "ns1/web-1", "nginx", pre, argv, 1, 1, &why);
	assert_string_equal(u, "wss://h:6443/clusters/r1/api/v1/namespaces/ns1/pods/web-1/exec"
			       "?container=nginx&command=%2Fbin%2Fsh&command=-c&command=x%3D%241"
			       "&command=echo&command=a%20b%26c"
			       "&stdin=true&stdout=true&stderr=false&tty=true");
	free(u);
	/* No TTY: stderr apart; stdin off for a command that reads nothing. */
	u = k8s_exec_url("http://127.0.0.1:8001", "d/p", "c", NULL, argv, 0, 0, &why);
	assert_string_equal(u, "ws://127.0.0.1:8001/api/v1/namespaces/d/pods/p/exec?container=c"
			       "&command=echo&command=a%20b%26c&stdin=false&stdout=true&stderr=true&tty=false");
	free(u);
	assert_null(k8s_exec_url("https://h", "nopod", "c", NULL, argv, 0, 0, &why));
	assert_int_equal(why.code, FM_EINVAL);
	assert_null(k8s_exec_url("https://h", "a/b/c", "c", NULL, argv, 0, 0, &why));
	assert_null(k8s_exec_url("https://h", "/p", "c", NULL, argv, 0, 0, &why));
	assert_null(k8s_exec_url("https://h", "ns/", "c", NULL, argv, 0, 0, &why));
	assert_null(k8s_exec_url("https://h", NULL, "c", NULL, argv, 0, 0, &why));
	assert_null(k8s_exec_url("https://h", "ns/p", "", NULL, argv, 0, 0, &why));
}

/* A refused exec upgrade says what the status means. */
static void
test_exec_refusal(void **state)
{
	struct fm_cause c;

	memset(&c, 0, sizeof c);
	c.http_status = 403;
	assert_int_equal(k8s_exec_refusal(&c, "data/db-1", "pg"), 1);
	assert_string_equal(c.msg, "forbidden (403): this user may not exec into pods of data "
				   "(RBAC: create pods/exec)");
	assert_true(c.permanent);
	c.http_status = 404;
	k8s_exec_refusal(&c, "data/db-1", "pg");
	assert_string_equal(c.msg, "pod data/db-1 not found (404): it may have been deleted");
	c.http_status = 400;
	k8s_exec_refusal(&c, "data/db-1", "pg");
	assert_non_null(strstr(c.msg, "container pg of data/db-1 is not running"));
	c.http_status = 401;
	k8s_exec_refusal(&c, "data/db-1", "pg");
	assert_non_null(strstr(c.msg, "401 Unauthorized"));
	/* A server's failure is left as it came (a new try may help). */
	memset(&c, 0, sizeof c);
	c.http_status = 503;
	snprintf(c.msg, sizeof c.msg, "as it was");
	assert_int_equal(k8s_exec_refusal(&c, "a/b", "c"), 0);
	assert_string_equal(c.msg, "as it was");
	assert_false(c.permanent);
}

/* Quantities as resource.Quantity writes them. */
static void
test_quantities(void **state)
{
	double v;

	assert_int_equal(k8s_quantity("250m", &v), 0);
	assert_true(v > 0.2499 && v < 0.2501);
	assert_int_equal(k8s_quantity("123456789n", &v), 0);
	assert_true(v > 0.1234 && v < 0.1235);
	assert_int_equal(k8s_quantity("2", &v), 0);
	assert_true(v == 2.0);
	assert_int_equal(k8s_quantity("64Mi", &v), 0);
	assert_true(v == 64.0 * 1024 * 1024);
	assert_int_equal(k8s_quantity("1.5Gi", &v), 0);
	assert_true(v == 1.5 * 1024 * 1024 * 1024);
	assert_int_equal(k8s_quantity("3508Ki", &v), 0);
	assert_true(v == 3508.0 * 1024);
	assert_int_equal(k8s_quantity("2e3", &v), 0);
	assert_true(v == 2000.0);
	assert_int_equal(k8s_quantity("1k", &v), 0);
	assert_true(v == 1000.0);
	assert_int_equal(k8s_quantity("1E", &v), 0);
	assert_true(v == 1e18);
	assert_int_equal(k8s_quantity("", &v), -FM_EINVAL);
	assert_int_equal(k8s_quantity(NULL, &v), -FM_EINVAL);
	assert_int_equal(k8s_quantity("12Q", &v), -FM_EINVAL);
	assert_int_equal(k8s_quantity("Mi", &v), -FM_EINVAL);
	assert_int_equal(k8s_quantity("nan", &v), -FM_EINVAL);
	assert_int_equal(k8s_quantity("1e999", &v), -FM_EINVAL);
}

/* metrics-server's PodMetricsList: a sample a pod, its containers summed. */
static void
test_pod_metrics(void **state)
{
	const char *json =
	    "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
	    "\"metadata\":{},\"items\":["
	    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\"},"
	    "\"timestamp\":\"2026-12-02T02:32:07Z\",\"window\":\"15s\",\"containers\":["
	    "{\"name\":\"nginx\",\"usage\":{\"cpu\":\"250m\",\"memory\":\"64Mi\"}},"
	    "{\"name\":\"side\",\"usage\":{\"cpu\":\"500000000n\",\"memory\":\"1Mi\"}}]},"
	    "{\"metadata\":{\"name\":\"odd\"},\"containers\":[]},"
	    "{\"metadata\":{\"name\":\"db-1\",\"namespace\":\"data\"},"
	    "\"timestamp\":\"2026-12-02T02:32:07Z\",\"containers\":["
	    "{\"name\":\"pg\",\"usage\":{\"cpu\":\"bad\",\"memory\":\"2Ki\"}}]}]}";
	struct fm_metric *m;
	struct fm_cause why;
	size_t n;
	int64_t t;

	assert_int_equal(k8s_parse_pod_metrics(json, strlen(json), &m, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].group_id, "default/web-1");
	assert_int_equal(fm_time_parse(S("2026-12-02T02:32:07Z"), &t), 0);
	assert_true(m[0].time_ns == t);
	assert_int_equal(m[0].ncontainers, 2);
	assert_string_equal(m[0].containers[1].name, "side");
	assert_true(m[0].containers[0].u.cpu_percent > 24.99 && m[0].containers[0].u.cpu_percent < 25.01);
	assert_true(m[0].u.cpu_percent > 74.99 && m[0].u.cpu_percent < 75.01);
	assert_true(m[0].u.mem_used == 65 * 1024 * 1024);
	assert_true(m[0].u.mem_limit == -1);
	/* A quantity not understood is unknown, not zero. */
	assert_string_equal(m[1].group_id, "data/db-1");
	assert_true(m[1].containers[0].u.cpu_percent < 0);
	assert_true(m[1].containers[0].u.mem_used == 2048);
	fm_metrics_free(m, n);

	assert_int_equal(k8s_parse_pod_metrics(S("{\"items\": 3}"), &m, &n, &why), -FM_EPROTO);
	assert_null(m);
	assert_int_equal(k8s_parse_pod_metrics(S("not json"), &m, &n, &why), -FM_EPROTO);
	assert_int_equal(k8s_parse_pod_metrics(S("{\"items\": null}"), &m, &n, &why), 0);
	assert_int_equal(n, 0);
	fm_metrics_free(m, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pod_list),
	    cmocka_unit_test(test_bad_lists),
	    cmocka_unit_test(test_order_pods),
	    cmocka_unit_test(test_watch),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_request_urls),
	    cmocka_unit_test(test_exec_refusal),
	    cmocka_unit_test(test_quantities),
	    cmocka_unit_test(test_pod_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
