/* test_simapi.c: fleetsim's actions and its request authentication, called
 * directly (the integration tests call them over HTTP). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleetmux/logs.h"
#include "fleetmux/sign.h"
#include "fleetmux/simapi.h"
#include "fleetmux/simmetric.h"

static struct fleet fleet;

static int
setup(void **state)
{
	return fleet_load(&fleet, "tests/fixtures/demo-fleet.json");
}

static int
teardown(void **state)
{
	fleet_free(&fleet);
	return 0;
}

static cJSON *
call(const char *action, struct params *p, int want_status)
{
	struct api_result r = {0};
	cJSON *j;

	api_dispatch(&fleet, action, p, (long)time(NULL), &r);
	if (r.status != want_status)
		fail_msg("%s: status %d, want %d: %s", action, r.status, want_status, r.body);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	api_result_free(&r);
	params_free(p);
	params_init(p);
	return j;
}

static const char *
str(cJSON *j, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
test_paging_47(void **state)
{
	struct params p;
	char token[64] = "";
	int pages = 0, total = 0;

	params_init(&p);
	do {
		cJSON *j;

		params_add(&p, "RegionId", "us-west-1");
		params_add(&p, "Limit", "20");
		if (*token)
			params_add(&p, "NextToken", token);
		j = call("DescribeContainerGroups", &p, 200);
		total += cJSON_GetArraySize(cJSON_GetObjectItem(j, "ContainerGroups"));
		assert_int_equal(cJSON_GetObjectItem(j, "TotalCount")->valueint, 47);
		snprintf(token, sizeof token, "%s", str(j, "NextToken"));
		cJSON_Delete(j);
		pages++;
	} while (*token);
	assert_int_equal(pages, 3);
	assert_int_equal(total, 47);
}

static void
test_filters_and_limits(void **state)
{
	struct params p;
	cJSON *j, *groups;

	params_init(&p);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "Tag.1.Key", "app");
	params_add(&p, "Tag.1.Value", "web");
	params_add(&p, "Status", "Running");
	j = call("DescribeContainerGroups", &p, 200);
	groups = cJSON_GetObjectItem(j, "ContainerGroups");
	assert_int_equal(cJSON_GetArraySize(groups), 2);
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupIds", "[\"eci-bp1api000000000001\"]");
	j = call("DescribeContainerGroups", &p, 200);
	groups = cJSON_GetObjectItem(j, "ContainerGroups");
	assert_int_equal(cJSON_GetArraySize(groups), 1);
	assert_string_equal(str(cJSON_GetArrayItem(groups, 0), "ContainerGroupName"), "api-server");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "Limit", "21");
	j = call("DescribeContainerGroups", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.Limit");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "mars-1");
	j = call("DescribeContainerGroups", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidRegionId.NotFound");
	cJSON_Delete(j);

	j = call("DescribeContainerGroups", &p, 400);
	assert_string_equal(str(j, "Code"), "MissingParameter");
	assert_non_null(strstr(str(j, "Message"), "RegionId"));
	cJSON_Delete(j);

	j = call("RunInstances", &p, 404);
	assert_string_equal(str(j, "Code"), "InvalidAction.NotFound");
	assert_non_null(str(j, "RequestId"));
	assert_non_null(str(j, "HostId"));
	assert_non_null(str(j, "Recommend"));
	cJSON_Delete(j);
}

static void
exec_params(struct params *p, const char *group, const char *command)
{
	params_add(p, "RegionId", "cn-hangzhou");
	params_add(p, "ContainerGroupId", group);
	params_add(p, "ContainerName", "nginx");
	params_add(p, "Command", command);
}

static void
test_exec_validation(void **state)
{
	struct params p;
	cJSON *j;
	struct buf many;
	struct api_result r = {0};

	params_init(&p);
	buf_init(&many);
	buf_puts(&many, "[");
	for (int i = 0; i < 21; i++)
		buf_printf(&many, "%s\"a\"", i ? "," : "");
	buf_puts(&many, "]");
	exec_params(&p, "eci-bp1web000000000001", many.data);
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.ValueExceeded");
	cJSON_Delete(j);

	buf_reset(&many);
	buf_puts(&many, "[\"");
	for (int i = 0; i < 257; i++)
		buf_putc(&many, 'x');
	buf_puts(&many, "\"]");
	exec_params(&p, "eci-bp1web000000000001", many.data);
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.ValueExceeded");
	cJSON_Delete(j);
	buf_free(&many);

	exec_params(&p, "eci-bp1web000000000001", "sh -c ls");
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter");
	cJSON_Delete(j);

	exec_params(&p, "eci-bp1dep000000000001", "[\"sh\"]");
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "IncorrectStatus");
	cJSON_Delete(j);

	exec_params(&p, "eci-bp1web000000000001", "[\"sh\"]");
	params_add(&p, "Sync", "true");
	params_add(&p, "TTY", "true");
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter");
	cJSON_Delete(j);

	/* A valid one is handed back to the server with its argv. */
	exec_params(&p, "eci-bp1web000000000001", "[\"sh\",\"-c\",\"echo hi\"]");
	params_add(&p, "TTY", "true");
	api_dispatch(&fleet, "ExecContainerCommand", &p, 0, &r);
	assert_int_equal(r.exec, 1);
	assert_int_equal(r.tty, 1);
	assert_int_equal(r.stdin_open, 1);
	assert_string_equal(r.argv[2], "echo hi");
	assert_null(r.argv[3]);
	api_result_free(&r);
	params_free(&p);
}

static int
group_total(const char *region)
{
	struct params p;
	cJSON *j;
	int n;

	params_init(&p);
	params_add(&p, "RegionId", region);
	j = call("DescribeContainerGroups", &p, 200);
	n = cJSON_GetObjectItem(j, "TotalCount")->valueint;
	cJSON_Delete(j);
	params_free(&p);
	return n;
}

/* DeleteContainerGroup: the group is flagged and handed to the server (to
 * kill its processes); it is gone from listings, exec and a second delete. */
static void
test_delete_group(void **state)
{
	struct params p;
	struct api_result r = {0};
	const char *id = "eci-bp1web000000000002";
	int before = group_total("cn-hangzhou");
	cJSON *j;

	params_init(&p);
	params_add(&p, "RegionId", "cn-hangzhou");
	j = call("DeleteContainerGroup", &p, 400);
	assert_string_equal(str(j, "Code"), "MissingParameter");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", id);
	api_dispatch(&fleet, "DeleteContainerGroup", &p, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(r.deleted);
	assert_string_equal(r.deleted->id, id);
	assert_true(r.deleted->deleted);
	j = cJSON_Parse(r.body);
	assert_non_null(str(j, "RequestId"));
	cJSON_Delete(j);
	api_result_free(&r);
	params_free(&p);
	params_init(&p);

	assert_int_equal(group_total("cn-hangzhou"), before - 1);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupIds", "[\"eci-bp1web000000000002\"]");
	j = call("DescribeContainerGroups", &p, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "ContainerGroups")), 0);
	cJSON_Delete(j);

	exec_params(&p, id, "[\"sh\"]");
	j = call("ExecContainerCommand", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.ContainerGroupId");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", id);
	params_add(&p, "ContainerName", "nginx");
	j = call("DescribeContainerLog", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.ContainerGroupId");
	cJSON_Delete(j);

	/* Deleted already: as any unknown id. */
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", id);
	j = call("DeleteContainerGroup", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter.ContainerGroupId");
	assert_non_null(strstr(str(j, "Message"), "does not exist"));
	cJSON_Delete(j);
	params_free(&p);

	for (size_t i = 0; i < fleet.ngroups; i++)
		fleet.groups[i].deleted = 0; /* the other tests share the fleet */
}

static void
test_container_log(void **state)
{
	struct params p;
	cJSON *j;

	params_init(&p);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1api000000000001");
	params_add(&p, "ContainerName", "api");
	j = call("DescribeContainerLog", &p, 200);
	assert_string_equal(str(j, "Content"), "api starting\nlistening on :8080\n");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1api000000000001");
	params_add(&p, "ContainerName", "api");
	params_add(&p, "Tail", "1");
	j = call("DescribeContainerLog", &p, 200);
	assert_string_equal(str(j, "Content"), "listening on :8080\n");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1api000000000001");
	params_add(&p, "ContainerName", "api");
	params_add(&p, "LimitBytes", "6");
	j = call("DescribeContainerLog", &p, 200);
	/* As kubelet: the first bytes of what Tail and the time chose. */
	assert_string_equal(str(j, "Content"), "api st");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1api000000000001");
	params_add(&p, "ContainerName", "api");
	params_add(&p, "Tail", "2001");
	j = call("DescribeContainerLog", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter");
	cJSON_Delete(j);
}

struct records {
	int64_t t[64];
	int64_t nc[64];
	int64_t rss[64];
	int n;
};

static void
keep_record(void *arg, int64_t end_ns, const struct usage *u)
{
	struct records *r = arg;

	r->t[r->n] = end_ns;
	r->nc[r->n] = u[0].nano_cores;
	r->rss[r->n] = u[0].rss;
	r->n++;
}

/* A group's history: 15 s records of the samples' mean rate, aggregated
 * into longer periods; the newest sample apart. */
static void
test_metric_history(void **state)
{
	const int64_t step = METRIC_STEP_NS, t0 = 100000 * METRIC_STEP_NS, sec = FM_NS_PER_SEC;
	struct metric_history *h = metric_history_new(2);
	struct usage u[2] = {{0}, {0}};
	struct records r = {.n = 0};

	/* Container 0 uses a whole core for 30 s, then half; container 1 none. */
	for (int i = 1; i <= 60; i++) {
		u[0].cpu_total_ns += i <= 30 ? sec : sec / 2;
		u[0].rss = 1000 * i;
		metric_history_sample(h, t0 + i * sec, u);
	}
	assert_true(h->latest_ns == t0 + 60 * sec);
	assert_true(h->latest[0].nano_cores == 500000000);
	assert_true(h->latest[1].nano_cores == 0);
	/* Records end at t0+15, +30, +45; the span to +60 is still open. */
	assert_int_equal(metric_history_query(h, t0, t0 + 3600 * sec, step, keep_record, &r), 3);
	assert_true(r.t[0] == t0 + step && r.t[2] == t0 + 3 * step);
	/* The first span's first sample has no rate before it: 14 of 1 core. */
	assert_true(r.nc[0] == 1000000000);
	assert_true(r.nc[1] == 1000000000);
	assert_true(r.nc[2] == 500000000);
	assert_true(r.rss[1] == 30000); /* memory as at the span's end */
	/* 30 s periods: (t0, t0+30] and (t0+30, t0+45 so far]. */
	r.n = 0;
	assert_int_equal(metric_history_query(h, t0, t0 + 45 * sec, 2 * step, keep_record, &r), 2);
	assert_true(r.t[0] == t0 + 2 * step && r.nc[0] == 1000000000);
	assert_true(r.t[1] == t0 + 3 * step && r.nc[1] == 500000000);
	/* A range is (from, to]. */
	r.n = 0;
	assert_int_equal(metric_history_query(h, t0 + step, t0 + 2 * step, step, keep_record, &r), 1);
	/* The clock going back changes nothing. */
	metric_history_sample(h, t0, u);
	assert_true(h->latest_ns == t0 + 60 * sec);
	metric_history_free(h);
}

/* The metric actions answer from a group's history, shaped as the API
 * reference shows them. */
static void
test_metric_actions(void **state)
{
	struct fleet_group *g = fleet_group(&fleet, "cn-hangzhou", "eci-bp1web000000000001");
	long now = (long)time(NULL);
	int64_t base = ((int64_t)now - 600) * FM_NS_PER_SEC;
	struct usage u[2] = {{0}, {0}};
	struct params p;
	cJSON *j, *rec, *recs, *c;
	char start[21], end[21];

	base -= base % METRIC_STEP_NS;
	g->metrics = metric_history_new(g->ncontainers);
	for (int i = 1; i <= 120; i++) {
		u[0].cpu_total_ns += FM_NS_PER_SEC / 4;
		u[0].rss = 4 << 20;
		u[0].cache = 1 << 20;
		u[1].cpu_total_ns += FM_NS_PER_SEC;
		metric_history_sample(g->metrics, base + i * FM_NS_PER_SEC, u);
	}
	params_init(&p);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupIds", "[\"eci-bp1web000000000001\",\"eci-bp1job000000000001\"]");
	j = call("DescribeMultiContainerGroupMetric", &p, 200);
	recs = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MonitorDatas"), 0), "Records");
	assert_int_equal(cJSON_GetArraySize(recs), 1);
	rec = cJSON_GetArrayItem(recs, 0);
	assert_int_equal(strlen(str(rec, "Timestamp")), 29);
	assert_non_null(strstr(str(rec, "Timestamp"), ".000+08:00"));
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(rec, "Containers"), 0);
	assert_string_equal(str(c, "Name"), "nginx");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "CPU"), "UsageNanoCores")->valuedouble,
			 250000000);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "CPU"), "Limit")->valueint, 1024);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "Memory"), "WorkingSet")->valueint,
			 5 << 20);
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "Memory"), "AvailableBytes")->valuedouble ==
		    2.0 * 1024 * 1024 * 1024 - (5 << 20));
	/* The group: its containers summed, its own limits. */
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "CPU"), "UsageNanoCores")->valuedouble,
			 1250000000);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "CPU"), "Limit")->valueint, 2048);
	recs = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MonitorDatas"), 1), "Records");
	assert_int_equal(cJSON_GetArraySize(recs), 0); /* Failed: no data */
	cJSON_Delete(j);

	fm_time_format_sec(base, start);
	fm_time_format_sec(base + 120 * FM_NS_PER_SEC, end);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1web000000000001");
	params_add(&p, "StartTime", start);
	params_add(&p, "EndTime", end);
	params_add(&p, "Period", "30");
	j = call("DescribeContainerGroupMetric", &p, 200);
	assert_string_equal(str(j, "ContainerGroupId"), "eci-bp1web000000000001");
	recs = cJSON_GetObjectItem(j, "Records");
	assert_int_equal(cJSON_GetArraySize(recs), 4); /* 30, 60, 90, 120 s; the last span still open */
	cJSON_Delete(j);

	/* Until now, from 15 minutes ago: 60 records of 15 s, more than 50. */
	fm_time_format_sec(((int64_t)now - 900) * FM_NS_PER_SEC, start);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1web000000000001");
	params_add(&p, "StartTime", start);
	params_add(&p, "Period", "15");
	j = call("DescribeContainerGroupMetric", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter");
	cJSON_Delete(j);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1web000000000001");
	params_add(&p, "StartTime", start);
	params_add(&p, "Period", "60");
	j = call("DescribeContainerGroupMetric", &p, 200);
	/* What there is: 105 s of records, in 60 s periods (2 or 3 by where they fall). */
	assert_in_range(cJSON_GetArraySize(cJSON_GetObjectItem(j, "Records")), 2, 3);
	cJSON_Delete(j);
	metric_history_free(g->metrics);
	g->metrics = NULL;
}

/* Sign a v1 request as a client would, then check it as fleetsim does. */
static int
v1_check(struct sim_auth *a, const char *secret, const char *nonce, long skew, struct api_result *r)
{
	struct params q;
	struct buf sts, sig;
	char stamp[21];
	const char *action;
	struct params none;
	struct api_request req = {.method = "GET", .query = &q, .form = NULL, .headers = &none};
	int rc;

	params_init(&q);
	params_init(&none);
	fm_iso8601((long)time(NULL) + skew, stamp);
	params_add(&q, "Action", "DescribeRegions");
	params_add(&q, "Version", ECI_API_VERSION);
	params_add(&q, "AccessKeyId", "AK");
	params_add(&q, "SignatureMethod", "HMAC-SHA1");
	params_add(&q, "SignatureVersion", "1.0");
	params_add(&q, "SignatureNonce", nonce);
	params_add(&q, "Timestamp", stamp);
	buf_init(&sts);
	buf_init(&sig);
	eci_v1_string_to_sign("GET", &q, &sts);
	eci_v1_signature(secret, sts.data, &sig);
	params_add(&q, "Signature", sig.data);
	rc = sim_auth_check(a, &req, (long)time(NULL), &action, r);
	if (rc == 0)
		assert_string_equal(action, "DescribeRegions");
	buf_free(&sts);
	buf_free(&sig);
	params_free(&q);
	return rc;
}

static void
test_auth_v1(void **state)
{
	struct sim_auth a;
	struct api_result r = {0};

	sim_auth_init(&a, "AK", "SECRET", NULL);
	assert_int_equal(v1_check(&a, "SECRET", "n1", 0, &r), 0);
	assert_true(v1_check(&a, "SECRET", "n1", 0, &r) < 0);
	assert_non_null(strstr(r.body, "SignatureNonceUsed"));
	assert_true(v1_check(&a, "WRONG", "n2", 0, &r) < 0);
	assert_non_null(strstr(r.body, "SignatureDoesNotMatch"));
	assert_non_null(strstr(r.body, "server string to sign is:GET&%2F&AccessKeyId%3DAK"));
	assert_true(v1_check(&a, "SECRET", "n3", -16 * 60, &r) < 0);
	assert_non_null(strstr(r.body, "InvalidTimeStamp.Expired"));
	assert_int_equal(v1_check(&a, "SECRET", "n4", -14 * 60, &r), 0);
	api_result_free(&r);
	sim_auth_free(&a);

	sim_auth_init(&a, "OTHER", "SECRET", NULL);
	assert_true(v1_check(&a, "SECRET", "n5", 0, &r) < 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "InvalidAccessKeyId.NotFound"));
	api_result_free(&r);
	sim_auth_free(&a);

	sim_auth_init(&a, "AK", "SECRET", "STS-TOKEN");
	assert_true(v1_check(&a, "SECRET", "n6", 0, &r) < 0);
	assert_non_null(strstr(r.body, "InvalidSecurityToken"));
	api_result_free(&r);
	sim_auth_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paging_47),
	    cmocka_unit_test(test_filters_and_limits),
	    cmocka_unit_test(test_exec_validation),
	    cmocka_unit_test(test_delete_group),
	    cmocka_unit_test(test_container_log),
	    cmocka_unit_test(test_metric_history),
	    cmocka_unit_test(test_metric_actions),
	    cmocka_unit_test(test_auth_v1),
	};

	return cmocka_run_group_tests_name("simapi", tests, setup, teardown);
}
