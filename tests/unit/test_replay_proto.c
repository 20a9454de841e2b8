/* test_replay_proto.c: every seed and every input that once crashed fuzz_proto,
 * replayed in the ordinary build (and under the sanitizers by make asan),
 * so that a fixed crash stays fixed without a fuzzer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_one
#include "../fuzz/fuzz_proto.c"

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
	assert_true(replay_dir("tests/fuzz/proto/regressions") > 0);
}

static void
test_seeds(void **state)
{
	assert_true(replay_dir("tests/fuzz/proto/seeds") > 0);
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
