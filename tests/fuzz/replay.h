/* replay.h: the body of tests/unit/test_replay_*.c, which include a fuzz
 * target (its entry point renamed fuzz_one) and then this: every seed and
 * every input that once crashed the target, replayed as a cmocka test in the
 * ordinary build (and under the sanitizers by make asan). */
#include <dirent.h>

#include "fleetmux/util.h"

static int
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		size_t len;
		char *data;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		data = fm_read_file(path, 1 << 20, &len);
		assert_non_null(data);
		fuzz_one((const uint8_t *)data, len);
		free(data);
		n++;
	}
	closedir(d);
	return n;
}

static void
test_regressions(void **state)
{
	assert_true(replay_dir("tests/fuzz/" REPLAY_TARGET "/regressions") > 0);
}

static void
test_seeds(void **state)
{
	assert_true(replay_dir("tests/fuzz/" REPLAY_TARGET "/seeds") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_regressions),
	    cmocka_unit_test(test_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
