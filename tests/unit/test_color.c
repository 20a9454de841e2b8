/* test_color.c: libvterm cells to ncurses colours and attributes (the values
 * LIBVTERM.md records as seen on this machine). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/pane.h"
#include "fleetmux/sgr.h"

static VTerm *vt;
static VTermScreen *vs;

static int
setup(void **state)
{
	vt = vterm_new(5, 20);
	vterm_set_utf8(vt, 1);
	vs = vterm_obtain_screen(vt);
	vterm_screen_reset(vs, 1);
	return 0;
}

static int
teardown(void **state)
{
	vterm_free(vt);
	return 0;
}

static VTermScreenCell
cell_after(const char *seq, int col)
{
	VTermScreenCell c;
	VTermPos pos = {0, col};

	vterm_input_write(vt, "\x1b[H\x1b[2J", 7);
	vterm_input_write(vt, seq, strlen(seq));
	memset(&c, 0, sizeof c);
	vterm_screen_get_cell(vs, pos, &c);
	return c;
}

static void
test_indexed_and_default(void **state)
{
	VTermScreenCell c = cell_after("\x1b[38;5;196mX", 0);

	assert_int_equal(color_index(&c.fg, vs, 256, 1), 196);
	assert_int_equal(color_index(&c.bg, vs, 256, 0), -1);
	c = cell_after("\x1b[0mX", 0);
	assert_int_equal(color_index(&c.fg, vs, 256, 1), -1);
	c = cell_after("\x1b[31;42mX", 0);
	assert_int_equal(color_index(&c.fg, vs, 256, 1), 1);
	assert_int_equal(color_index(&c.bg, vs, 256, 0), 2);
}

static void
test_truecolor(void **state)
{
	VTermScreenCell c = cell_after("\x1b[38;2;10;200;30mX", 0);

	assert_int_equal(color_index(&c.fg, vs, 256, 1), 40);
	assert_int_equal(color_index(&c.fg, vs, 1 << 24, 1), (10 << 16) | (200 << 8) | 30);
	/* Direct colour: palette 0-7 stays the user's palette; true RGB goes
	 * out as RGB, never as a value that reads as a palette index. */
	c = cell_after("\x1b[31;44mX", 0);
	assert_int_equal(color_index(&c.fg, vs, 1 << 24, 1), 1);
	assert_int_equal(color_index(&c.bg, vs, 1 << 24, 0), 4);
	c = cell_after("\x1b[38;2;0;0;5mX", 0);
	assert_int_equal(color_index(&c.fg, vs, 1 << 24, 1), 8);
	c = cell_after("\x1b[38;2;0;0;0mX", 0);
	assert_int_equal(color_index(&c.fg, vs, 1 << 24, 1), 8);
	assert_int_equal(color_rgb_to_256(0, 0, 0), 16);
	assert_int_equal(color_rgb_to_256(255, 255, 255), 231);
	assert_int_equal(color_rgb_to_256(128, 128, 128), 244);
	assert_int_equal(color_rgb_to_256(255, 0, 0), 196);
}

static void
test_attrs(void **state)
{
	VTermScreenCell c = cell_after("\x1b[1;3;4;5;7;9mX", 0);
	attr_t a = color_attrs(&c.attrs);
	int hidden;

	assert_true(a & A_BOLD);
	assert_true(a & A_ITALIC);
	assert_true(a & A_UNDERLINE);
	assert_true(a & A_BLINK);
	assert_true(a & A_REVERSE);
	/* Strikethrough is kept, apart from faint, and never drawn as another
	 * attribute: ncurses has none for it. */
	assert_false(a & A_DIM);
	assert_true(a & FM_A_STRIKE);
	assert_int_equal(color_drawn(a, &hidden), a & ~FM_A_STRIKE);
	assert_false(hidden);
	c = cell_after("\x1b[0mX", 0);
	assert_int_equal(color_attrs(&c.attrs), A_NORMAL);
}

/* Faint and concealed, carried in the font number, back and forth. */
static void
test_dim_and_conceal(void **state)
{
	VTermScreenCellAttrs v, back;
	attr_t a;
	int hidden;

	memset(&v, 0, sizeof v);
	v.font = SGR_DIM;
	assert_int_equal(color_attrs(&v), A_DIM);
	v.font = SGR_DIM | SGR_CONCEAL;
	v.underline = 1;
	v.reverse = 1;
	v.strike = 1;
	a = color_attrs(&v);
	assert_int_equal(a, A_DIM | A_INVIS | A_UNDERLINE | A_REVERSE | FM_A_STRIKE);
	memset(&back, 0, sizeof back);
	color_attrs_to_vterm(a, &back);
	assert_memory_equal(&back, &v, sizeof v);
	/* Concealed: blanks, with only what shows on a blank (reverse). */
	assert_int_equal(color_drawn(a, &hidden), A_REVERSE);
	assert_true(hidden);
}

static void
test_wide_and_combining(void **state)
{
	VTermScreenCell c = cell_after("\xe4\xb8\xad", 0);

	assert_int_equal(c.width, 2);
	c = cell_after("\xe4\xb8\xad", 1);
	assert_int_equal(c.chars[0], (uint32_t)-1);
	c = cell_after("e\xcc\x81", 0);
	assert_int_equal(c.chars[0], 'e');
	assert_int_equal(c.chars[1], 0x301);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_indexed_and_default),
	    cmocka_unit_test(test_truecolor),
	    cmocka_unit_test(test_attrs),
	    cmocka_unit_test(test_dim_and_conceal),
	    cmocka_unit_test(test_wide_and_combining),
	};

	return cmocka_run_group_tests_name("color", tests, setup, teardown);
}
