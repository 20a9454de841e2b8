/* test_replay_proto.c: every seed and every input that once crashed
 * fuzz_proto, replayed in the ordinary build (see tests/fuzz/replay.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_one
#include "../fuzz/fuzz_proto.c"

#define REPLAY_TARGET "proto"
#include "../fuzz/replay.h"
