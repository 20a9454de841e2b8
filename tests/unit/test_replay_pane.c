/* test_replay_pane.c: every seed and every input that once crashed
 * fuzz_pane, replayed in the ordinary build (see tests/fuzz/replay.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_one
#include "../fuzz/fuzz_pane.c"

#define REPLAY_TARGET "pane"
#include "../fuzz/replay.h"
