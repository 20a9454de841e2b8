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

#include "fleetmux/sign.h"
#include "fleetmux/simapi.h"

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
	assert_string_equal(str(j, "Content"), ":8080\n");
	cJSON_Delete(j);

	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "ContainerGroupId", "eci-bp1api000000000001");
	params_add(&p, "ContainerName", "api");
	params_add(&p, "Tail", "2001");
	j = call("DescribeContainerLog", &p, 400);
	assert_string_equal(str(j, "Code"), "InvalidParameter");
	cJSON_Delete(j);
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
	    cmocka_unit_test(test_container_log),
	    cmocka_unit_test(test_auth_v1),
	};

	return cmocka_run_group_tests_name("simapi", tests, setup, teardown);
}
