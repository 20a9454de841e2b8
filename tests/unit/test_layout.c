/* test_layout.c: pane geometry and neighbours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fleetmux/layout.h"

static const struct rect area = {37, 0, 123, 44};

/* Every layout must tile the area: no overlap, no cell outside, every cell
 * covered by a pane or by a one-column separator. */
static void
check_cover(enum layout_kind k, int n)
{
	struct rect r[64];
	static unsigned char grid[200][200];
	int covered = 0, separators = 0;

	layout_compute(k, n, area, r);
	for (int y = 0; y < 200; y++)
		for (int x = 0; x < 200; x++)
			grid[y][x] = 0;
	for (int i = 0; i < n; i++) {
		assert_true(r[i].w >= 1 && r[i].h >= 1);
		assert_true(r[i].x >= area.x && r[i].y >= area.y);
		assert_true(r[i].x + r[i].w <= area.x + area.w);
		assert_true(r[i].y + r[i].h <= area.y + area.h);
		for (int y = r[i].y; y < r[i].y + r[i].h; y++)
			for (int x = r[i].x; x < r[i].x + r[i].w; x++) {
				assert_int_equal(grid[y][x], 0);
				grid[y][x] = 1;
				covered++;
			}
	}
	for (int y = area.y; y < area.y + area.h; y++)
		for (int x = area.x; x < area.x + area.w; x++)
			if (!grid[y][x]) {
				/* Only separator columns may be left: a pane on each side. */
				assert_true(x > area.x && grid[y][x - 1] == 1);
				separators++;
			}
	assert_int_equal(covered + separators, area.w * area.h);
}

static void
test_all_layouts_tile(void **state)
{
	for (int k = 0; k < LAYOUT_COUNT; k++)
		for (int n = 1; n <= 20; n++)
			check_cover((enum layout_kind)k, n);
}

static void
test_tiled_four_is_two_by_two(void **state)
{
	struct rect r[4];

	layout_compute(LAYOUT_TILED, 4, area, r);
	/* 123 columns: 61 + 1 separator + 61; 44 rows: 22 + 22. */
	assert_int_equal(r[0].x, 37);
	assert_int_equal(r[0].w, 61);
	assert_int_equal(r[1].x, 37 + 61 + 1);
	assert_int_equal(r[1].w, 61);
	assert_int_equal(r[0].h, 22);
	assert_int_equal(r[2].y, 22);
	assert_int_equal(r[3].x, r[1].x);
}

static void
test_tiled_five_last_row_stretches(void **state)
{
	struct rect r[5];

	layout_compute(LAYOUT_TILED, 5, area, r);
	/* 3 columns, 2 rows: the last row's two panes share the width. */
	assert_int_equal(r[3].y, r[4].y);
	assert_int_equal(r[3].w + 1 + r[4].w, area.w);
	assert_int_equal(r[0].w + r[1].w + r[2].w + 2, area.w);
}

static void
test_main_vertical(void **state)
{
	struct rect r[3];

	layout_compute(LAYOUT_MAIN_VERTICAL, 3, area, r);
	assert_int_equal(r[0].h, area.h);
	assert_int_equal(r[0].w, area.w / 2);
	assert_int_equal(r[1].x, r[2].x);
	assert_int_equal(r[1].h + r[2].h, area.h);
}

static void
test_neighbours_and_hits(void **state)
{
	struct rect r[4];

	layout_compute(LAYOUT_TILED, 4, area, r);
	assert_int_equal(layout_neighbour(r, 4, 0, DIR_RIGHT), 1);
	assert_int_equal(layout_neighbour(r, 4, 0, DIR_DOWN), 2);
	assert_int_equal(layout_neighbour(r, 4, 3, DIR_LEFT), 2);
	assert_int_equal(layout_neighbour(r, 4, 3, DIR_UP), 1);
	assert_int_equal(layout_neighbour(r, 4, 0, DIR_LEFT), -1);
	assert_int_equal(layout_neighbour(r, 4, 0, DIR_UP), -1);
	assert_int_equal(layout_hit(r, 4, 37, 0), 0);
	assert_int_equal(layout_hit(r, 4, 159, 43), 3);
	assert_int_equal(layout_hit(r, 4, 37 + 61, 5), -1); /* the separator */
	assert_int_equal(layout_from_name("main-vertical"), LAYOUT_MAIN_VERTICAL);
	assert_int_equal(layout_from_name("spiral"), -1);
}

static void
test_tiny_area(void **state)
{
	struct rect r[9], tiny = {0, 0, 3, 2};

	layout_compute(LAYOUT_TILED, 9, tiny, r);
	for (int i = 0; i < 9; i++)
		assert_true(r[i].w >= 1 && r[i].h >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_layouts_tile),
	    cmocka_unit_test(test_tiled_four_is_two_by_two),
	    cmocka_unit_test(test_tiled_five_last_row_stretches),
	    cmocka_unit_test(test_main_vertical),
	    cmocka_unit_test(test_neighbours_and_hits),
	    cmocka_unit_test(test_tiny_area),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
