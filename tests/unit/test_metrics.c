/* test_metrics.c: ECI's metric answers (shaped as Alibaba's API reference
 * shows them, with its example figures) and Docker's stats (as the Engine
 * API documents them) into fm_metric. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/metrics.h"

#define RECORD(ts, nc)                                                                                   \
	"{\"Timestamp\":\"" ts "\",\"CPU\":{\"Limit\":1024,\"Load\":0,"                                     \
	"\"UsageCoreNanoSeconds\":40876694,\"UsageNanoCores\":" nc "},"                                    \
	"\"Memory\":{\"AvailableBytes\":4285091840,\"Cache\":9289728,\"Rss\":9289728,"                    \
	"\"UsageBytes\":9289728,\"WorkingSet\":9289728},"                                                 \
	"\"Network\":{\"Interfaces\":[{\"Name\":\"eth0\",\"RxBytes\":505001954,\"TxBytes\":1381805699,"  \
	"\"RxErrors\":0,\"TxErrors\":0}]},"                                                               \
	"\"Containers\":[{\"Name\":\"nginx\",\"CPU\":{\"Limit\":1024,\"Load\":0,"                          \
	"\"UsageCoreNanoSeconds\":40876694,\"UsageNanoCores\":" nc "},"                                    \
	"\"Memory\":{\"AvailableBytes\":4285091840,\"Cache\":9289728,\"Rss\":9289728,"                    \
	"\"UsageBytes\":9289728,\"WorkingSet\":9289728}}]}"

static void
test_eci_multi(void **state)
{
	const char *json = "{\"RequestId\":\"B8756BA0-6452-419C-9727-37A6209C85E0\",\"MonitorDatas\":["
			   "{\"ContainerGroupId\":\"eci-2zegym1qhbmdfr1s****\",\"Records\":["
			   RECORD("2019-03-29T10:38:50.734+08:00", "250000000") ","
			   RECORD("2019-03-29T10:39:05.734+08:00", "1000000000") "]},"
			   "{\"ContainerGroupId\":\"eci-2ze39w5svzj5ic34****\",\"Records\":[]},"
			   "{\"Records\":[" RECORD("2019-03-29T10:38:50Z", "0") "]}]}";
	struct fm_metric *m;
	size_t n;

	assert_int_equal(eci_parse_multi_metric(json, strlen(json), &m, &n), 0);
	/* The newest record of the first group; the empty one and the one
	 * without an id are left out. */
	assert_int_equal(n, 1);
	assert_string_equal(m[0].group_id, "eci-2zegym1qhbmdfr1s****");
	assert_true(m[0].time_ns == 1553827145734000000LL);
	assert_true(fabs(m[0].u.cpu_percent - 100.0) < 1e-9);
	assert_true(m[0].u.mem_used == 9289728);
	assert_true(m[0].u.mem_limit == 9289728LL + 4285091840LL);
	assert_int_equal(m[0].ncontainers, 1);
	assert_string_equal(m[0].containers[0].name, "nginx");
	assert_true(fabs(m[0].containers[0].u.cpu_percent - 100.0) < 1e-9);
	fm_metrics_free(m, n);
}

static void
test_eci_history(void **state)
{
	const char *json = "{\"RequestId\":\"D81A4A13-6DCC-4579-AC62-90A6C3EC7BBC\","
			   "\"ContainerGroupId\":\"eci-bp1dqpye03ke5s6p****\",\"Records\":["
			   RECORD("2019-03-29T10:38:50.734+08:00", "0") ","
			   RECORD("2019-03-29T10:39:05.734+08:00", "12500000") ","
			   "{\"Timestamp\":7,\"CPU\":\"x\",\"Containers\":{}}]}";
	struct fm_metric *m;
	size_t n;

	assert_int_equal(eci_parse_group_metric(json, strlen(json), &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[1].group_id, "eci-bp1dqpye03ke5s6p****");
	assert_true(m[0].time_ns < m[1].time_ns);
	assert_true(fabs(m[1].u.cpu_percent - 1.25) < 1e-9);
	/* A record of the wrong shapes: nothing known, nothing broken. */
	assert_true(m[2].time_ns == FM_TIME_NONE);
	assert_true(m[2].u.cpu_percent < 0 && m[2].u.mem_used < 0 && m[2].u.mem_limit < 0);
	assert_int_equal(m[2].ncontainers, 0);
	fm_metrics_free(m, n);
	assert_true(eci_parse_group_metric("[]", 2, &m, &n) < 0);
	assert_true(eci_parse_group_metric("{}", 2, &m, &n) < 0);
	assert_true(eci_parse_multi_metric("{\"MonitorDatas\":{}}", 19, &m, &n) < 0);
	assert_true(eci_parse_multi_metric("{", 1, &m, &n) < 0);
}

static void
test_docker_stats_cgroup_v2(void **state)
{
	/* Two CPUs' worth of system time passed; the container used half a
	 * CPU's: 0.25 of the machine, 50 % of a core on a 2-CPU host. */
	const char *json =
	    "{\"read\":\"2024-05-01T10:00:01.5Z\",\"preread\":\"2024-05-01T10:00:00.5Z\","
	    "\"id\":\"abc\",\"name\":\"/web\","
	    "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000},\"system_cpu_usage\":20000000000,"
	    "\"online_cpus\":2},"
	    "\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":1000000000},\"system_cpu_usage\":18000000000,"
	    "\"online_cpus\":2},"
	    "\"memory_stats\":{\"usage\":10485760,\"limit\":2147483648,\"stats\":{\"inactive_file\":1048576}}}";
	struct fm_metric m;
	int has;

	assert_int_equal(docker_parse_stats(json, strlen(json), "abc", &m, &has), 0);
	assert_int_equal(has, 1);
	assert_string_equal(m.group_id, "abc");
	assert_true(fabs(m.u.cpu_percent - 50.0) < 1e-9);
	assert_true(m.u.mem_used == 10485760 - 1048576);
	assert_true(m.u.mem_limit == 2147483648LL);
	assert_int_equal(m.ncontainers, 1);
	assert_string_equal(m.containers[0].name, "web");
	assert_true(m.time_ns == 1714557601500000000LL);
	fm_metric_free(&m);
}

static void
test_docker_stats_cgroup_v1_and_stopped(void **state)
{
	/* cgroup v1: no online_cpus, so the per-CPU list counts; the inactive
	 * cache is total_inactive_file. */
	const char *v1 =
	    "{\"read\":\"2018-06-25T17:59:49.76013927Z\",\"name\":\"/db\","
	    "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":400,\"percpu_usage\":[100,100,100,100]},"
	    "\"system_cpu_usage\":2000},"
	    "\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":300},\"system_cpu_usage\":1000},"
	    "\"memory_stats\":{\"usage\":5000,\"limit\":9000,\"stats\":{\"total_inactive_file\":1000,"
	    "\"inactive_file\":3000}}}";
	const char *stopped = "{\"read\":\"0001-01-01T00:00:00Z\",\"preread\":\"0001-01-01T00:00:00Z\","
			      "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":0}},\"memory_stats\":{}}";
	struct fm_metric m;
	int has;

	assert_int_equal(docker_parse_stats(v1, strlen(v1), "db1", &m, &has), 0);
	assert_int_equal(has, 1);
	assert_true(fabs(m.u.cpu_percent - 40.0) < 1e-9); /* 100/1000 × 4 × 100 */
	assert_true(m.u.mem_used == 4000);
	fm_metric_free(&m);
	assert_int_equal(docker_parse_stats(stopped, strlen(stopped), "db1", &m, &has), 0);
	assert_int_equal(has, 0);
	fm_metric_free(&m);
	assert_true(docker_parse_stats("nope", 4, "x", &m, &has) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eci_multi),
	    cmocka_unit_test(test_eci_history),
	    cmocka_unit_test(test_docker_stats_cgroup_v2),
	    cmocka_unit_test(test_docker_stats_cgroup_v1_and_stopped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
