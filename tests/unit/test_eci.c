/* test_eci.c: the ECI client's pure parts: answers → model (including bad
 * answers), signed requests (checked by fleetsim's own verifier, itself
 * checked against the public vectors), the retry policy, credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleetmux/backoff.h"
#include "fleetmux/eci.h"
#include "fleetmux/logpoll.h"
#include "fleetmux/logs.h"
#include "fleetmux/model.h"
#include "fleetmux/simapi.h"

static void
test_parse_groups(void **state)
{
	const char *j = "{\"RequestId\":\"x\",\"NextToken\":\"tok\",\"TotalCount\":47,"
			"\"ContainerGroups\":[{\"ContainerGroupId\":\"eci-1\",\"ContainerGroupName\":\"web\","
			"\"RegionId\":\"cn-hangzhou\",\"Status\":\"Running\",\"Tags\":[{\"Key\":\"app\","
			"\"Value\":\"web\"}],\"Containers\":[{\"Name\":\"nginx\",\"Image\":\"nginx\","
			"\"RestartCount\":2,\"Ready\":true,\"CurrentState\":{\"State\":\"Running\"}}]},"
			"{\"ContainerGroupName\":\"no id: skipped\"},7,"
			"{\"ContainerGroupId\":\"eci-2\",\"Containers\":\"not an array\",\"Tags\":5}]}";
	struct fm_group *g;
	size_t n;
	char *next;
	long total;

	assert_int_equal(eci_parse_groups(j, strlen(j), &g, &n, &next, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 47);
	assert_string_equal(next, "tok");
	assert_string_equal(g[0].name, "web");
	assert_string_equal(params_get(&g[0].tags, "app"), "web");
	assert_int_equal(g[0].ncontainers, 1);
	assert_int_equal(g[0].containers[0].restarts, 2);
	assert_string_equal(g[0].containers[0].status, "Running");
	assert_int_equal(g[0].containers[0].state, FM_STATE_RUNNING);
	assert_int_equal(g[0].state, FM_STATE_RUNNING);
	assert_string_equal(g[1].name, "eci-2"); /* no name: the id stands in */
	assert_string_equal(g[1].status, "Unknown");
	assert_int_equal(g[1].state, FM_STATE_UNKNOWN);
	assert_int_equal(g[1].ncontainers, 0);
	fm_groups_free(g, n);
	free(next);
}

/* Events and a restarted container's PreviousState, for the details view. */
static void
test_parse_events_and_previous(void **state)
{
	const char *j =
	    "{\"ContainerGroups\":[{\"ContainerGroupId\":\"eci-1\",\"Events\":["
	    "{\"Count\":3,\"Type\":\"Warning\",\"Name\":\"eci-1.17\",\"Message\":\"Back-off restarting "
	    "failed container app in pod eci-1\",\"FirstTimestamp\":\"2024-05-01T10:00:00Z\","
	    "\"LastTimestamp\":\"2024-05-01T10:02:00Z\",\"Reason\":\"BackOff\"},"
	    "{\"Type\":\"Normal\",\"Reason\":\"Started\",\"FirstTimestamp\":\"yesterday\"},\"x\"],"
	    "\"Containers\":[{\"Name\":\"app\",\"RestartCount\":3,"
	    "\"CurrentState\":{\"State\":\"Waiting\",\"Reason\":\"CrashLoopBackOff\"},"
	    "\"PreviousState\":{\"State\":\"Terminated\",\"ExitCode\":137,\"Reason\":\"OOMKilled\","
	    "\"FinishTime\":\"2024-05-01T10:01:59Z\"}},"
	    "{\"Name\":\"side\",\"CurrentState\":{\"State\":\"Running\",\"Reason\":\"\"},"
	    "\"PreviousState\":{\"State\":\"\"}}]}]}";
	struct fm_group *g;
	size_t n;
	char *next;

	assert_int_equal(eci_parse_groups(j, strlen(j), &g, &n, &next, NULL), 0);
	assert_int_equal(g[0].nevents, 2);
	assert_string_equal(g[0].events[0].type, "Warning");
	assert_string_equal(g[0].events[0].reason, "BackOff");
	assert_int_equal(g[0].events[0].count, 3);
	assert_true(g[0].events[0].last_ns - g[0].events[0].first_ns == 120 * FM_NS_PER_SEC);
	assert_int_equal(g[0].events[1].count, 1);
	assert_true(g[0].events[1].first_ns == FM_TIME_NONE);
	assert_string_equal(g[0].containers[0].reason, "CrashLoopBackOff");
	assert_string_equal(g[0].containers[0].last_reason, "OOMKilled");
	assert_int_equal(g[0].containers[0].last_exit_code, 137);
	assert_true(g[0].containers[0].last_finished_ns == 1714557719LL * FM_NS_PER_SEC);
	assert_null(g[0].containers[1].reason);
	assert_null(g[0].containers[1].last_reason);
	fm_groups_free(g, n);
}

/* The fields only the details view shows: what the group asked for, its
 * addresses and creation, each container's ports, limits and how its
 * current instance ended; missing or wrong-typed ones are "not said". */
static void
test_parse_details(void **state)
{
	const char *j =
	    "{\"ContainerGroups\":[{\"ContainerGroupId\":\"eci-1\",\"InstanceType\":\"ecs.c6.large\","
	    "\"Cpu\":2,\"Memory\":4.5,\"CreationTime\":\"2026-11-20T08:12:00Z\",\"IntranetIp\":"
	    "\"172.16.0.11\",\"InternetIp\":\"47.96.1.11\",\"Containers\":["
	    "{\"Name\":\"web\",\"Cpu\":1,\"Memory\":0.5,\"Ports\":[{\"Port\":80,\"Protocol\":\"TCP\"},"
	    "{\"Port\":53},{\"Port\":70000},\"x\",{\"Port\":\"81\"}],\"CurrentState\":{\"State\":"
	    "\"Running\",\"StartTime\":\"2026-11-20T08:13:00Z\",\"ExitCode\":0}},"
	    "{\"Name\":\"job\",\"CurrentState\":{\"State\":\"Terminated\",\"ExitCode\":3,"
	    "\"FinishTime\":\"2026-11-20T09:00:00Z\"}}]},"
	    "{\"ContainerGroupId\":\"eci-2\",\"Cpu\":\"2\",\"Memory\":-1,\"InternetIp\":\"\","
	    "\"CreationTime\":7,\"Containers\":[{\"Name\":\"c\",\"Ports\":{}}]}]}";
	struct fm_group *g;
	size_t n;
	char *next;

	assert_int_equal(eci_parse_groups(j, strlen(j), &g, &n, &next, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[0].instance_type, "ecs.c6.large");
	assert_true(g[0].cpu == 2.0 && g[0].memory_gib == 4.5);
	assert_true(g[0].created_ns == 1795162320LL * FM_NS_PER_SEC);
	assert_string_equal(g[0].ip, "172.16.0.11");
	assert_string_equal(g[0].internet_ip, "47.96.1.11");
	assert_int_equal(g[0].containers[0].nports, 2);
	assert_int_equal(g[0].containers[0].ports[0].port, 80);
	assert_string_equal(g[0].containers[0].ports[0].protocol, "TCP");
	assert_int_equal(g[0].containers[0].ports[1].port, 53);
	assert_string_equal(g[0].containers[0].ports[1].protocol, "TCP");
	assert_true(g[0].containers[0].cpu == 1.0 && g[0].containers[0].memory_gib == 0.5);
	assert_true(g[0].containers[0].started_ns == 1795162380LL * FM_NS_PER_SEC);
	assert_true(g[0].containers[0].finished_ns == FM_TIME_NONE);
	assert_int_equal(g[0].containers[1].state, FM_STATE_EXITED);
	assert_int_equal(g[0].containers[1].exit_code, 3);
	assert_true(g[0].containers[1].finished_ns == 1795165200LL * FM_NS_PER_SEC);
	assert_null(g[1].instance_type);
	assert_null(g[1].internet_ip);
	assert_true(g[1].cpu == 0 && g[1].memory_gib == 0);
	assert_true(g[1].created_ns == FM_TIME_NONE);
	assert_int_equal(g[1].containers[0].nports, 0);
	assert_null(g[1].containers[0].ports);
	fm_groups_free(g, n);
}

/* Every Status DescribeContainerGroups documents, and CurrentState.State. */
static void
test_state_words(void **state)
{
	static const struct {
		const char *word;
		enum fm_state want;
	} groups[] = {
	    {"Pending", FM_STATE_PENDING},   {"Scheduling", FM_STATE_PENDING},
	    {"Restarting", FM_STATE_PENDING}, {"Updating", FM_STATE_PENDING},
	    {"Running", FM_STATE_RUNNING},   {"running", FM_STATE_RUNNING},
	    {"Succeeded", FM_STATE_EXITED},  {"Terminated", FM_STATE_EXITED},
	    {"Expired", FM_STATE_EXITED},    {"Failed", FM_STATE_FAILED},
	    {"ScheduleFailed", FM_STATE_FAILED}, {"Unknown", FM_STATE_UNKNOWN},
	    {"", FM_STATE_UNKNOWN},          {"Runnin", FM_STATE_UNKNOWN},
	}, containers[] = {
	    {"Waiting", FM_STATE_PENDING},   {"Running", FM_STATE_RUNNING},
	    {"Terminated", FM_STATE_EXITED}, {"Pending", FM_STATE_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (eci_group_state(groups[i].word) != groups[i].want)
			fail_msg("group %s", groups[i].word);
	for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
		if (eci_container_state(containers[i].word) != containers[i].want)
			fail_msg("container %s", containers[i].word);
	assert_int_equal(eci_group_state(NULL), FM_STATE_UNKNOWN);
}

static void
test_parse_bad_answers(void **state)
{
	struct fm_group *g;
	size_t n;
	char *next, *uri, **ids;
	const char *bad[] = {"", "{", "[]", "null", "{\"ContainerGroups\":{}}", "\"str\"",
			     "{\"ContainerGroups\":[{\"ContainerGroupId\":\"a\"", NULL};

	for (int i = 0; bad[i]; i++) {
		assert_true(eci_parse_groups(bad[i], strlen(bad[i]), &g, &n, &next, NULL) < 0);
		assert_null(g);
	}
	assert_true(eci_parse_exec("{}", 2, &uri) < 0);
	assert_non_null(strstr(fm_error_message(), "WebSocketUri"));
	assert_true(eci_parse_exec("{\"WebSocketUri\":7}", 18, &uri) < 0);
	assert_int_equal(eci_parse_exec("{\"WebSocketUri\":\"ws://h/exec/?s=1\"}", 35, &uri), 0);
	assert_string_equal(uri, "ws://h/exec/?s=1");
	free(uri);
	assert_true(eci_parse_regions("{\"Regions\":5}", 13, &ids, &n) < 0);
}

static void
test_parse_error(void **state)
{
	struct buf m, c;
	const char *j = "{\"Code\":\"Throttling.User\",\"Message\":\"slow down\"}";

	buf_init(&m);
	buf_init(&c);
	eci_parse_error(400, j, strlen(j), &m, &c);
	assert_string_equal(m.data, "Throttling.User: slow down");
	assert_string_equal(c.data, "Throttling.User");
	buf_reset(&m);
	/* Found by the fuzzer: a body without a NUL after it is read by length. */
	eci_parse_error(502, "<html>bad gateway</html>IGNORED", 24, &m, NULL);
	assert_string_equal(m.data, "HTTP 502: <html>bad gateway</html>");
	buf_free(&m);
	buf_free(&c);
}

/* Build a request as fleetmux does, then let fleetsim's verifier judge it. */
static void
verify_built(int v1, const char *token)
{
	struct eci_creds cr = {.key_id = "AK", .secret = "SECRET", .token = (char *)token};
	struct eci_request r;
	struct params p, q, h;
	struct sim_auth auth;
	struct api_result res = {0};
	const char *action = NULL, *qs;
	char nonce[40];
	struct api_request req;

	params_init(&p);
	params_add(&p, "RegionId", "cn-hangzhou");
	params_add(&p, "Command", "[\"sh\",\"-c\",\"echo a+b & c=d ~ *\"]");
	snprintf(nonce, sizeof nonce, "nonce-%d-%s", v1, token ? "sts" : "ak");
	eci_build_request(&r, &cr, "http://127.0.0.1:8080/", "ExecContainerCommand", &p, v1,
			  (long)time(NULL), nonce);
	/* What the server sees: the query decoded, the headers as sent. */
	params_init(&q);
	qs = strchr(r.url.data, '?');
	assert_non_null(qs);
	params_parse_query(&q, qs + 1, strlen(qs + 1));
	params_init(&h);
	for (size_t i = 0; i < r.headers.n; i++)
		params_add(&h, r.headers.v[i].key, r.headers.v[i].value);
	params_add(&h, "host", "127.0.0.1:8080");
	req = (struct api_request){"POST", &q, NULL, &h, "", 0};
	sim_auth_init(&auth, "AK", "SECRET", token);
	if (sim_auth_check(&auth, &req, (long)time(NULL), &action, &res) != 0)
		fail_msg("v%d rejected: %s", v1 ? 1 : 3, res.body);
	assert_string_equal(action, "ExecContainerCommand");
	api_result_free(&res);
	sim_auth_free(&auth);
	params_free(&p);
	params_free(&q);
	params_free(&h);
	eci_request_free(&r);
}

static void
test_requests_verify(void **state)
{
	verify_built(1, NULL);
	verify_built(0, NULL);
	verify_built(1, "STS-TOKEN");
	verify_built(0, "STS-TOKEN");
}

static void
test_retry_policy(void **state)
{
	assert_true(eci_retryable(400, "Throttling.User"));
	assert_true(eci_retryable(400, "Throttling"));
	assert_true(eci_retryable(503, NULL));
	assert_true(eci_retryable(0, NULL));
	assert_false(eci_retryable(400, "SignatureDoesNotMatch"));
	assert_false(eci_retryable(404, "InvalidAccessKeyId.NotFound"));
	assert_int_equal(backoff_delay_ms(0, 0, 0.0), 100);
	assert_int_equal(backoff_delay_ms(0, 0, 0.999999), 199);
	assert_int_equal(backoff_delay_ms(3, 0, 0.0), 800);
	assert_int_equal(backoff_delay_ms(20, 0, 0.999999), 9999);
	/* The server's x-acs-retry-after is a floor. */
	assert_int_equal(backoff_delay_ms(0, 2500, 0.5), 2500);
}

static char tmpdir[64];

static const char *
write_config(const char *json, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/config.json", tmpdir);
	f = fopen(path, "w");
	fputs(json, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void
clear_env(void)
{
	const char *vars[] = {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
			      "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_REGION_ID",
			      "ALIBABA_CLOUD_PROFILE", "ALICLOUD_ACCESS_KEY_ID",
			      "ALICLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECURITY_TOKEN",
			      "ALICLOUD_REGION_ID", "ALICLOUD_PROFILE", NULL};

	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static void
test_credential_chain(void **state)
{
	struct eci_creds c;
	const char *cfg = "{\"current\":\"prod\",\"profiles\":["
			  "{\"name\":\"default\",\"mode\":\"AK\",\"access_key_id\":\"D\","
			  "\"access_key_secret\":\"DS\",\"region_id\":\"cn-shanghai\"},"
			  "{\"name\":\"prod\",\"mode\":\"StsToken\",\"access_key_id\":\"STS.P\","
			  "\"access_key_secret\":\"PS\",\"sts_token\":\"TOK\",\"region_id\":\"eu-west-1\"},"
			  "{\"name\":\"sso\",\"mode\":\"RamRoleArn\",\"access_key_id\":\"R\","
			  "\"access_key_secret\":\"RS\"}]}";
	const char *path;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/fm-cred-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	path = write_config(cfg, 0600);
	clear_env();

	/* Flags first. */
	setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "E", 1);
	setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ES", 1);
	assert_int_equal(eci_creds_load(&c, "F", "FS", NULL, NULL, path), 0);
	assert_string_equal(c.key_id, "F");
	eci_creds_free(&c);
	assert_true(eci_creds_load(&c, "F", NULL, NULL, NULL, path) < 0);

	/* Then the environment (older spellings too). */
	setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "ET", 1);
	assert_int_equal(eci_creds_load(&c, NULL, NULL, NULL, NULL, path), 0);
	assert_string_equal(c.key_id, "E");
	assert_string_equal(c.token, "ET");
	eci_creds_free(&c);
	clear_env();
	setenv("ALICLOUD_ACCESS_KEY_ID", "OLD", 1);
	setenv("ALICLOUD_ACCESS_KEY_SECRET", "OLDS", 1);
	assert_int_equal(eci_creds_load(&c, NULL, NULL, NULL, NULL, path), 0);
	assert_string_equal(c.key_id, "OLD");
	eci_creds_free(&c);
	clear_env();

	/* Then the CLI's file: "current", a named profile, the env's profile. */
	assert_int_equal(eci_creds_load(&c, NULL, NULL, NULL, NULL, path), 0);
	assert_string_equal(c.key_id, "STS.P");
	assert_string_equal(c.token, "TOK");
	assert_string_equal(c.region, "eu-west-1");
	eci_creds_free(&c);
	assert_int_equal(eci_creds_load(&c, NULL, NULL, NULL, "default", path), 0);
	assert_string_equal(c.key_id, "D");
	assert_null(c.token);
	eci_creds_free(&c);
	setenv("ALIBABA_CLOUD_PROFILE", "default", 1);
	assert_int_equal(eci_creds_load(&c, NULL, NULL, NULL, NULL, path), 0);
	assert_string_equal(c.key_id, "D");
	eci_creds_free(&c);
	clear_env();

	/* Clear refusals. */
	assert_true(eci_creds_load(&c, NULL, NULL, NULL, "sso", path) < 0);
	assert_non_null(strstr(fm_error_message(), "RamRoleArn"));
	assert_true(eci_creds_load(&c, NULL, NULL, NULL, "nope", path) < 0);
	assert_non_null(strstr(fm_error_message(), "no profile named 'nope'"));
	assert_true(eci_creds_load(&c, NULL, NULL, NULL, NULL, "/nonexistent/config.json") < 0);
	assert_non_null(strstr(fm_error_message(), "ALIBABA_CLOUD_ACCESS_KEY_ID"));
	path = write_config("{\"profiles\": [", 0600);
	assert_true(eci_creds_load(&c, NULL, NULL, NULL, NULL, path) < 0);
	assert_non_null(strstr(fm_error_message(), "not valid JSON"));
	unlink(path);
	rmdir(tmpdir);
}

/* A profile named in the config, and no CLI file: the message names the
 * file by its real path, once. */
static void
test_missing_profile_file(void **state)
{
	struct eci_creds c;
	struct fm_cause why;
	char home[64], want[160];
	const char *at;

	snprintf(home, sizeof home, "/tmp/fm-home-XXXXXX");
	assert_non_null(mkdtemp(home));
	clear_env();
	setenv("HOME", home, 1);
	snprintf(want, sizeof want, "%s/.aliyun/config.json: No such file or directory", home);
	assert_int_equal(eci_creds_load_cause(&c, NULL, NULL, NULL, "prod", NULL, &why), -FM_ENOTFOUND);
	assert_string_equal(why.msg, want);
	/* Without a profile: every place looked, the file by its real path. */
	assert_true(eci_creds_load_cause(&c, NULL, NULL, NULL, NULL, NULL, &why) < 0);
	assert_int_equal(why.code, FM_EAUTH);
	at = strstr(why.msg, home);
	assert_non_null(at);
	assert_null(strstr(at + 1, home));
	/* The old entry point leaves the same words in fm_error. */
	assert_true(eci_creds_load(&c, NULL, NULL, NULL, "prod", NULL) < 0);
	assert_string_equal(fm_error_message(), want);
	rmdir(home);
}

/* A busy log is polled every half second; a quiet one backs off 1 s, 2 s,
 * 4 s, 8 s, 10 s and stays; a full answer is followed at once. */
static void
test_log_poll_schedule(void **state)
{
	long ms = LOG_POLL_QUIET_MS;
	const long quiet[] = {2000, 4000, 8000, 10000, 10000};

	assert_int_equal(log_poll_next_ms(ms, 3, 0), 500);
	assert_int_equal(log_poll_next_ms(10000, 1, 0), 500);
	assert_int_equal(log_poll_next_ms(500, 2000, 1), 100);
	/* Quiet after busy (or after a full answer): one second first. */
	assert_int_equal(log_poll_next_ms(500, 0, 0), 1000);
	assert_int_equal(log_poll_next_ms(100, 0, 0), 1000);
	for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++) {
		ms = log_poll_next_ms(ms, 0, 0);
		assert_int_equal(ms, quiet[i]);
	}
	/* Lines again: back to the busy pace at once. */
	assert_int_equal(log_poll_next_ms(ms, 1, 0), 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_groups),
	    cmocka_unit_test(test_parse_events_and_previous),
	    cmocka_unit_test(test_parse_details),
	    cmocka_unit_test(test_state_words),
	    cmocka_unit_test(test_parse_bad_answers),
	    cmocka_unit_test(test_parse_error),
	    cmocka_unit_test(test_requests_verify),
	    cmocka_unit_test(test_retry_policy),
	    cmocka_unit_test(test_log_poll_schedule),
	    cmocka_unit_test(test_credential_chain),
	    cmocka_unit_test(test_missing_profile_file),
	};

	return cmocka_run_group_tests_name("eci", tests, NULL, NULL);
}
