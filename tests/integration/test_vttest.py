"""vttest (Thomas Dickey's VT100 test program) in a fleetmux pane of exactly
80x24, in tmux, against fleetsim: menus 1 (cursor movements), 2 (screen
features), 3 (character sets) and 8 (VT102 insert/delete), screen by screen.

What each screen should show comes from vttest itself: the sentence it
prints on that screen ("an unbroken border of *'s and +'s ... a frame of E's
around this text"), and, where the sentence leaves the exact cells open,
vttest's source (2.7, 20221229, Debian's package), which says where each
character goes. The expected screens are built here from that, by
construction; none was recorded from a terminal (tmux 3.3a, for one, draws
menu 1's autowrap, menu 2's origin mode and menu 3's British set wrong).

Every Return waits until vttest reads the keyboard again (its process is
blocked reading its terminal, seen in /proc): before that, vttest flushes
its input and a Return typed too early would be lost."""
import difflib
import os
import re
import shutil
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import Tmux, cell_width, panes  # noqa: E402

VTTEST = shutil.which("vttest") or ("/usr/bin/vttest" if os.path.exists("/usr/bin/vttest") else None)
CONTAINER = "cn-hangzhou/api-server/api"
W, H = 80, 24
# The pane: below fleetmux's title line, above its status line, the sidebar
# hidden: an outer window of 80x26 leaves exactly 80x24.
OUTER_W, OUTER_H = 80, 26
PANE = (0, 1, W, H)
STEP_TIMEOUT = 20   # vttest to come back to its keyboard (seconds)
DRAW_TIMEOUT = 8    # fleetmux to draw what vttest wrote, once it has
SETTLE = 0.25       # a screen must keep matching this long
PROMPT = "Enter choice number (0 - 12): "


# ---- reading the screen: tmux's capture-pane -e, cell by cell ----

_SGR_FLAGS = {1: "bold", 4: "underline", 5: "blink", 7: "reverse"}
_SGR_OFF = {22: ("bold",), 24: ("underline",), 25: ("blink",), 27: ("reverse",)}


def _apply_sgr(attrs, params):
    ps = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params)] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            attrs = set()
        elif p in _SGR_FLAGS:
            attrs.add(_SGR_FLAGS[p])
        elif p in _SGR_OFF:
            attrs.difference_update(_SGR_OFF[p])
        elif p in (38, 48, 58) and i + 1 < len(ps):
            i += 2 if ps[i + 1] == 5 else 4 if ps[i + 1] == 2 else 0
        i += 1
    return attrs


def parse_capture(text):
    """capture-pane -e -N output as rows of (glyph, attributes) cells. tmux
    carries attributes from one line to the next (it writes only changes),
    and without -N it would cut trailing blanks, reversed ones too."""
    rows = []
    attrs = set()
    for line in text.split("\n"):
        cells = []
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == "\x1b":
                m = re.match(r"\x1b\[([0-9;:]*)([@-~])", line[i:])
                if m:
                    if m.group(2) == "m":
                        attrs = _apply_sgr(attrs, m.group(1))
                    i += m.end()
                    continue
                m = re.match(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", line[i:])  # OSC (links)
                i += m.end() if m else 1
                continue
            w = cell_width(ch)
            if w == 0 and cells:
                cells[-1] = (cells[-1][0] + ch, cells[-1][1])
            else:
                cells.append((ch, frozenset(attrs)))
                if w == 2:
                    cells.append(("", frozenset(attrs)))
            i += 1
        rows.append(cells)
    return rows


class Screen:
    """The pane's 80x24 cells: .text[r] is row r+1's 80 glyphs, .attrs[r][c]
    the attributes of row r+1, column c+1 (bold, underline, blink, reverse)."""

    def __init__(self, capture):
        x, y, w, h = PANE
        rows = parse_capture(capture)
        self.text, self.attrs = [], []
        for r in range(y, y + h):
            cells = rows[r][x:x + w] if r < len(rows) else []
            cells = cells + [(" ", frozenset())] * (w - len(cells))
            self.text.append("".join(c[0] or "" for c in cells))
            self.attrs.append([c[1] for c in cells])
        self.raw = capture

    def row(self, n):
        """Row n (1-based), trailing blanks cut."""
        return self.text[n - 1].rstrip()

    def dump(self):
        return "\n".join("%2d|%s|" % (i + 1, t) for i, t in enumerate(self.text))


# ---- what vttest says each screen shows, by construction ----

ANY = None  # a cell whose glyph vttest leaves open


class Expect:
    """An expected screen: each cell a glyph, a set of glyphs that all
    render what vttest asks for, or ANY. put() takes vttest's 1-based row
    and column, as its cup() does."""

    def __init__(self):
        self.cells = [[" "] * W for _ in range(H)]

    def put(self, row, col, text):
        for i, ch in enumerate(text):
            self.cells[row - 1][col - 1 + i] = ch
        return self

    def allow(self, row, col, glyphs):
        self.cells[row - 1][col - 1] = frozenset(glyphs)
        return self

    def any(self, row, col, n):
        for i in range(n):
            self.cells[row - 1][col - 1 + i] = ANY
        return self

    def rows(self):
        def show(c):
            return "?" if c is ANY else c if isinstance(c, str) else sorted(c)[0]
        return ["".join(show(c) for c in r) for r in self.cells]

    def problems(self, screen):
        bad = []
        for r in range(H):
            for c in range(W):
                want, got = self.cells[r][c], screen.text[r][c]
                if want is ANY:
                    continue
                if (got != want) if isinstance(want, str) else (got not in want):
                    bad.append((r, c))
        if not bad:
            return None
        diff = difflib.unified_diff(
            ["%2d|%s|" % (i + 1, t) for i, t in enumerate(self.rows())],
            ["%2d|%s|" % (i + 1, t) for i, t in enumerate(screen.text)],
            "vttest says", "fleetmux draws", lineterm="", n=1)
        return "%d cells differ, first at row %d column %d:\n%s" % (
            len(bad), bad[0][0] + 1, bad[0][1] + 1, "\n".join(diff))


def exact(expect):
    return expect.problems


def push_return(row, col):
    """vttest's holdit(): "Push <RETURN>" where the cursor is."""
    return (row, col, "Push <RETURN>")


def box_screen():
    """Menu 1, first screen (main.c tst_movements): "The screen should be
    cleared, and have an unbroken border of *'s and +'s around the edge, and
    exactly in the middle there should be a frame of E's around this text
    with one (1) free position around it." In 80 columns the frame of E's is
    columns 11-70 of rows 9-16 (inner_l = 10, inner_r = 71), the text starts
    at row 11, column 13."""
    e = Expect()
    e.put(1, 1, "*" * W).put(H, 1, "*" * W)
    for r in range(2, H):
        e.put(r, 1, "*").put(r, W, "*")
    e.put(2, 2, "+" * (W - 2)).put(H - 1, 2, "+" * (W - 2))
    for r in range(3, H - 1):
        e.put(r, 2, "+").put(r, W - 1, "+")
    e.put(9, 11, "E" * 60).put(16, 11, "E" * 60)
    for r in range(10, 16):
        e.put(r, 11, "E").put(r, 70, "E")
    lines = ["The screen should be cleared,  and have an unbroken bor-",
             "der of *'s and +'s around the edge,   and exactly in the",
             "middle  there should be a frame of E's around this  text",
             "with  one (1) free position around it.    "]
    for i, t in enumerate(lines):
        e.put(11 + i, 13, t)
    e.put(*push_return(14, 13 + len(lines[3])))
    return e


def autowrap_screen():
    """Menu 1, DECAWM: "The left/right margins should have letters in
    order". vttest writes A-Z (left) and a-z (right) into the scrolling
    region 3-21, one line feed each: 26 letters through 19 lines leave I-Z
    on rows 3-20 and the last line of the region empty; holdit() is at row
    22. (DECCOLM before it clears the screen, as on a VT100.)"""
    e = Expect()
    e.put(1, 1, "Test of autowrap, mixing control and print characters.")
    e.put(2, 1, "The left/right margins should have letters in order:")
    for k in range(18):
        e.put(3 + k, 1, chr(ord("I") + k)).put(3 + k, W, chr(ord("i") + k))
    e.put(*push_return(22, 1))
    return e


def controls_screen():
    """Menu 1: "Below should be four identical lines"."""
    e = Expect()
    e.put(1, 1, "Test of cursor-control characters inside ESC sequences.")
    e.put(2, 1, "Below should be four identical lines:")
    for r in range(4, 8):
        e.put(r, 1, "A B C D E F G H I")
    e.put(*push_return(9, 1))
    return e


def leading_zeros_screen():
    """Menu 1: "Two lines below you should see the sentence ...". The
    sentence is written with CUP 4;col at each letter; the test returns
    MENU_HOLD with the cursor at row 20."""
    e = Expect()
    e.put(1, 1, "Test of leading zeros in ESC sequences.")
    e.put(2, 1, 'Two lines below you should see the sentence "This is a correct sentence".')
    e.put(4, 1, "This is a correct sentence")
    e.put(*push_return(20, 1))
    return e


def wrap_screen():
    """Menu 2: "This should be three identical lines of *'s completely
    filling the top of the screen without any empty lines between." (160
    *'s with autowrap on: rows 1-2; 160 with it off: row 3 only.)"""
    e = Expect()
    for r in (1, 2, 3):
        e.put(r, 1, "*" * W)
    e.put(5, 1, "This should be three identical lines of *'s completely filling")
    e.put(6, 1, "the top of the screen without any empty lines between.")
    e.put(7, 1, "(Test of WRAP AROUND mode setting.)")
    e.put(*push_return(8, 1))
    return e


def tabs_screen():
    """Menu 2: "These two lines should look the same." Tab stops set every 3
    columns from 4, then cleared every 6 from 4: stops at 7, 13, ... 79; one
    line tabs to them, the other spaces to them."""
    e = Expect()
    for r in (1, 2):
        for col in range(7, W, 6):
            e.put(r, col, "*")
    e.put(4, 1, "Test of TAB setting/resetting. These two lines")
    e.put(5, 1, "should look the same. ")
    e.put(*push_return(5, 23))
    return e


def column_mode_screen(background):
    """Menu 2: "This is 80 column mode, light/dark background." at (row, row)
    for rows 3-20 under a ruler of digits (79 of them: vttest stops one short
    of the width). The "132 column" screens are 80 columns too: vttest runs
    as 24x80.80, a terminal of at most 80 columns."""
    e = Expect()
    e.put(1, 1, ("1234567890" * 8)[:79])
    text = "This is 80 column mode, %s background." % background
    for r in range(3, 21):
        e.put(r, r, text)
    e.put(*push_return(20, 20 + len(text)))
    return e


def scroll_screen(kind, first, last):
    """Menu 2, do_scrolling(): 29 lines scrolled up through the region, then
    29 scrolled down (each written at the top, then two reverse indexes): the
    region ends with a blank top line, where holdit() writes, and the last
    lines down, newest first."""
    e = Expect()
    e.put(*push_return(first, 1))
    for k, r in enumerate(range(first + 1, last + 1)):
        e.put(r, 1, "%s scroll down region [%d..%d] size %d Line %d"
              % (kind, first, last, last - first + 1, 29 - k))
    return e


def origin_relative_screen():
    """Menu 2: with the region at rows 23-24 and origin mode on, "This line
    should be at the bottom of the screen" and row 1 is "the one above the
    bottom of the screen"."""
    e = Expect()
    e.put(23, 1, "This line should be the one above the bottom of the screen. ")
    e.put(*push_return(23, 61))
    e.put(24, 1, "Origin mode test. This line should be at the bottom of the screen.")
    return e


def origin_absolute_screen():
    e = Expect()
    e.put(1, 1, "This line should be at the top of the screen. ")
    e.put(*push_return(1, 47))
    e.put(24, 1, "Origin mode test. This line should be at the bottom of the screen.")
    return e


# Menu 2's graphic rendition pattern: (row, column, label); each label names
# its own attributes ("negative" is reverse video, "vanilla" none).
RENDITION = [(4, 1, "vanilla"), (4, 40, "bold"), (6, 6, "underline"), (6, 45, "bold underline"),
             (8, 1, "blink"), (8, 40, "bold blink"), (10, 6, "underline blink"),
             (10, 45, "bold underline blink"), (12, 1, "negative"), (12, 40, "bold negative"),
             (14, 6, "underline negative"), (14, 45, "bold underline negative"),
             (16, 1, "blink negative"), (16, 40, "bold blink negative"),
             (18, 6, "underline blink negative"), (18, 45, "bold underline blink negative")]


def label_attrs(label):
    names = {"bold": "bold", "underline": "underline", "blink": "blink", "negative": "reverse"}
    return frozenset(names[w] for w in label.split() if w in names)


def rendition_screen(background):
    e = Expect()
    e.put(1, 20, "Graphic rendition test pattern:")
    for r, c, label in RENDITION:
        e.put(r, c, label)
    e.put(23, 1, "%s background. " % background)
    e.put(*push_return(23, len(background) + 14))
    return e


def rendition_attrs(light):
    """Each label drawn with exactly the attributes it names; on the light
    background (DECSCNM) every cell is reversed once more, so the whole
    screen is light and "negative" is dark."""
    def check(screen):
        bad = []
        for r, c, label in RENDITION:
            want = label_attrs(label) ^ ({"reverse"} if light else set())
            for i in range(len(label)):
                got = screen.attrs[r - 1][c - 1 + i]
                if got != want:
                    bad.append("%r at row %d column %d is %s, not %s"
                               % (label[i], r, c + i, sorted(got), sorted(want)))
                    break
        return "; ".join(bad) or reverse_screen(light, skip=RENDITION)(screen)
    return check


def reverse_screen(light, skip=()):
    """vttest's light background (DECSCNM set) is the whole screen in
    reverse video, blank cells too; its dark background, none of it."""
    def check(screen):
        labelled = {(r - 1, c - 1 + i) for r, c, label in skip for i in range(len(label))}
        wrong = [(r, c) for r in range(H) for c in range(W)
                 if (r, c) not in labelled and ("reverse" in screen.attrs[r][c]) != light]
        if not wrong:
            return None
        r, c = wrong[0]
        return ("%d of the %d cells are not in %s video, first row %d column %d (%r); reversed "
                "rows: %s" % (len(wrong), W * H, "reverse" if light else "normal", r + 1, c + 1,
                              screen.text[r][c], reversed_map(screen)))
    return check


def reversed_map(screen):
    return "\n" + "\n".join("%2d|%s|" % (r + 1, "".join("#" if "reverse" in a else "."
                                                          for a in screen.attrs[r]))
                             for r in range(H))


SAVE_RESTORE_ATTRS = [frozenset(), frozenset({"bold"}), frozenset({"underline"}),
                      frozenset({"blink"}), frozenset({"reverse"})]


def save_restore_screen():
    """Menu 2, DECSC/DECRC: "There should be ten characters of each flavour,
    and a rectangle of 5 x 4 A's filling the top left of the screen." Each
    flavour is 5 characters, DECSC, an A elsewhere in ASCII and plain, DECRC,
    5 more: the attributes and the character set (DEC line drawing for
    "line" and "diamonds") come back with the cursor. q is a horizontal line,
    ` a diamond in the VT100's special graphics."""
    e = Expect()
    for r in range(1, 5):
        e.put(r, 1, "AAAAA")
    for c, t in zip((12, 24, 36, 48, 60), ("normal", "bold", "underscored", "blinking", "reversed")):
        e.put(8, c, t)
    for r, label, glyph in ((10, "stars:", "*"), (12, "line:", "\u2500"), (14, "x'es:", "x"),
                            (16, "diamonds:", "\u25c6")):
        e.put(r, 1, label)
        for i in range(5):
            e.put(r, 12 + 12 * i, glyph * 10)
    e.put(21, 1, "Test of the SAVE/RESTORE CURSOR feature. There should")
    e.put(22, 1, "be ten characters of each flavour, and a rectangle")
    e.put(23, 1, "of 5 x 4 A's filling the top left of the screen.")
    e.put(*push_return(24, 1))
    return e


def save_restore_attrs(screen):
    for r in (10, 12, 14, 16):
        for i, want in enumerate(SAVE_RESTORE_ATTRS):
            for k in range(10):
                got = screen.attrs[r - 1][12 + 12 * i + k - 1]
                if got != want:
                    return "row %d, flavour %d, character %d is %s, not %s" % (
                        r, i + 1, k + 1, sorted(got), sorted(want))
    for r in range(1, 5):
        if any(screen.attrs[r - 1][c] for c in range(5)):
            return "the A's of row %d are not plain: %s" % (r, screen.attrs[r - 1][:5])
    return None


# The VT100's special graphics (DEC Special Graphics, VT100 User Guide table
# 3-9), as Unicode: 0x60-0x7e. Where two code points show the same VT100
# glyph (its <= and >= are slanted), either is right.
DEC_GRAPHICS = {
    "`": "\u25c6", "a": "\u2592", "b": "\u2409", "c": "\u240c", "d": "\u240d", "e": "\u240a",
    "f": "\u00b0", "g": "\u00b1", "h": "\u2424", "i": "\u240b", "j": "\u2518", "k": "\u2510",
    "l": "\u250c", "m": "\u2514", "n": "\u253c", "o": "\u23ba", "p": "\u23bb", "q": "\u2500",
    "r": "\u23bc", "s": "\u23bd", "t": "\u251c", "u": "\u2524", "v": "\u2534", "w": "\u252c",
    "x": "\u2502", "y": ("\u2264", "\u2a7d"), "z": ("\u2265", "\u2a7e"), "{": "\u03c0",
    "|": "\u2260", "}": "\u00a3", "~": "\u00b7",
}
CHARSETS = [("B", "US ASCII"), ("A", "British"), ("0", "DEC Special graphics and line drawing"),
            ("1", "DEC Alternate character ROM standard characters"),
            ("2", "DEC Alternate character ROM special graphics")]


def charsets_screen():
    """Menu 3 (charsets.c tst_vt100_charsets, what a VT100-level terminal
    gets): each of the VT100's five sets selected as G0 (shown with SI, at
    column 10) and as G1 (with SO, at column 48), 0x20-0x7f in three rows of
    32 (DEL shows nothing). British is ASCII with # as a pound sign; the
    special graphics replace 0x60-0x7e. vttest's own table of those sets
    (map_Spec_Graphic) leaves 0x5f as it is, where the VT100 User Guide draws
    it blank: either is accepted. What the alternate character ROM sets (1,
    2) hold is the ROM's, which vttest does not say: there, the G0 and G1
    halves must only agree (checked by charsets_agree)."""
    e = Expect()
    e.put(1, 10, "Selected as G0 (with SI)").put(1, 48, "Selected as G1 (with SO)")
    for n, (final, name) in enumerate(CHARSETS):
        row = 3 + 4 * n
        e.put(row, 1, "Character set %s (%s)" % (final, name))
        for g, col in ((0, 10), (1, 48)):
            for i in (1, 2, 3):
                for k in range(32):
                    code = 32 * i + k
                    if code == 0x7f:
                        continue
                    ch = chr(code)
                    if final in "12":
                        e.any(row + i, col + k, 1)
                        continue
                    if final == "A" and ch == "#":
                        ch = "\u00a3"
                    if final == "0" and ch in DEC_GRAPHICS:
                        g_ = DEC_GRAPHICS[ch]
                        ch = g_ if isinstance(g_, str) else frozenset(g_)
                    if final == "0" and code == 0x5f:
                        ch = frozenset({"_", " ", "\u00a0"})
                    if isinstance(ch, str):
                        e.put(row + i, col + k, ch)
                    else:
                        e.allow(row + i, col + k, ch)
    e.put(24, 1, "These are the installed character sets. ")
    e.put(*push_return(24, 41))
    return e


def charsets_agree(screen):
    """A set shows the same selected as G0 as selected as G1; its titles are
    bold (vttest's SGR 1), the rest plain."""
    for n, (final, name) in enumerate(CHARSETS):
        row = 3 + 4 * n
        for i in (1, 2, 3):
            t = screen.text[row + i - 1]
            if t[9:41] != t[47:79]:
                return "set %s, row %d: G0 shows %r, G1 %r" % (final, row + i, t[9:41], t[47:79])
        title = "Character set %s (%s)" % (final, name)
        if any(a != {"bold"} for a in screen.attrs[row - 1][:len(title)]):
            return "the title of set %s is not bold: %s" % (final, screen.attrs[row - 1][:len(title)])
    return None


def letters(row, n):
    return chr(ord("A") - 1 + row) * n


def accordion_screen():
    """Menu 8: a screen of A's to X's (row by row), "Screen accordion test"
    written over row 4."""
    e = Expect()
    for r in range(1, H + 1):
        e.put(r, 1, letters(r, W))
    t = "Screen accordion test (Insert & Delete Line). "
    e.put(4, 1, t).put(*push_return(4, len(t) + 1))
    return e


def accordion_done_screen():
    """ "Top line: A's, bottom line: X's, this line, nothing more." """
    e = Expect()
    e.put(1, 1, letters(1, W)).put(H, 1, letters(H, W))
    t = "Top line: A's, bottom line: X's, this line, nothing more. "
    e.put(2, 1, t).put(*push_return(2, len(t) + 1))
    return e


def insert_mode_screen():
    """ "The top line should be 'A*** ... ***B'." (78 *'s inserted before
    the B, in IRM.)"""
    e = Expect()
    e.put(1, 1, "A" + "*" * (W - 2) + "B")
    t = "Test of 'Insert Mode'. The top line should be 'A*** ... ***B'. "
    e.put(4, 1, t).put(*push_return(4, len(t) + 1))
    return e


def delete_char_screen():
    """ "The top line should be 'AB'." (The typed Return's echo took the
    cursor to row 5: vttest's reverse index and erase line clear row 4.)"""
    e = Expect()
    e.put(1, 1, "AB")
    t = "Test of 'Delete Character'. The top line should be 'AB'. "
    e.put(4, 1, t).put(*push_return(4, len(t) + 1))
    return e


def staggered_screen():
    """ "The right column should be staggered by one." Row r holds 80 of its
    letter, then DCH r at column 80 - r: 80 - r remain."""
    e = Expect()
    for r in range(1, H + 1):
        e.put(r, 1, letters(r, W - r))
    t = "The right column should be staggered "
    e.put(4, 1, t)
    e.put(5, 1, "by one.  ").put(*push_return(5, 10))
    return e


def undouble(text):
    """A double-width (DECDWL) line's characters: drawn one cell each, or
    each followed by a blank cell."""
    s = text.rstrip()
    if len(s) >= 2 and all(c == " " for c in s[1::2]):
        return s[::2]
    return s


def staggered_double_width(screen):
    """The same on double-width lines (40 characters each): 40 - r remain.
    How wide fleetmux draws a double-width character is not asserted (an
    outer terminal has no double-width cells): only the staggering."""
    want = {r: letters(r, 40 - r) for r in range(1, H + 1)}
    want[4] = "The right column should be staggered"
    want[5] = "by one.  Push <RETURN>" + letters(5, 40 - 5 - 22)
    bad = ["row %d: %r, not %r" % (r, undouble(screen.text[r - 1]), w)
           for r, w in sorted(want.items()) if undouble(screen.text[r - 1]) != w]
    return "; ".join(bad) or None


def insert_char_screen():
    """ "If your terminal has the ANSI 'Insert Character' function ... then
    you should see a line like this ... below": the same line at row 6."""
    e = Expect()
    line = "  " + " ".join(chr(c) for c in range(ord("A"), ord("Z") + 1))
    for r, t in enumerate(["If your terminal has the ANSI 'Insert Character' function",
                           "(the VT102 does not), then you should see a line like this",
                           line, "below:"], 1):
        e.put(r, 1, t)
    e.put(6, 1, line)
    e.put(*push_return(10, 1))
    return e


def all_of(*checks):
    def check(screen):
        for c in checks:
            p = c(screen)
            if p:
                return p
        return None
    return check


# ---- driving vttest ----

def children(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        # comm may hold spaces: the fields after it start at the last ')'.
        rest = stat[stat.rindex(")") + 2:].split()
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        kids.setdefault(int(rest[1]), []).append((int(d), comm))
    out, todo = [], [pid]
    while todo:
        for child, comm in kids.get(todo.pop(), []):
            out.append((child, comm))
            todo.append(child)
    return out


class Vttest(unittest.TestCase):
    def setUp(self):
        if VTTEST is None:
            msg = "vttest is not installed (scripts/deps.sh test installs it)"
            if os.environ.get("CI") == "true":
                self.fail(msg)
            self.skipTest(msg)  # still counted as failed by run.py
        self.problems = []
        self.at_menu = False
        self.pid = None
        self.sim = Fleetsim()
        self.tm = None
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise

    def start(self):
        self.tm = tm = Tmux(fleetmux_cmd(self.sim, "--open", CONTAINER), width=OUTER_W, height=OUTER_H)
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", "s")  # hide the sidebar: the pane takes the width
        tm.type("stty size")
        tm.keys("Enter")
        s = tm.wait_for(r"\n%d %d\s*\n" % (H, W))
        self.assertEqual(panes(s), {1: PANE}, s)
        # exec: vttest's exit is the session's, which the pane's badge shows.
        tm.type("clear; exec %s %dx%d.%d" % (VTTEST, H, W, W))
        tm.keys("Enter")
        deadline = time.time() + STEP_TIMEOUT
        self.pid = None
        while self.pid is None and time.time() < deadline:
            found = [p for p, comm in children(self.sim.proc.pid) if comm == "vttest"]
            self.pid = found[0] if found else None
            time.sleep(0.05)
        self.assertIsNotNone(self.pid, "vttest did not start in the container:\n" + tm.screen())
        self.menu()

    def cleanup(self):
        try:
            if self.tm is not None:
                self.tm.quit_fleetmux()
        finally:
            if self.tm is not None:
                self.tm.kill()
            self.sim.stop()

    def tearDown(self):
        try:
            if self.at_menu:
                # 0 ends vttest; the session ends with it.
                self.tm.type("0")
                self.tm.keys("Enter")
                self.tm.wait_for(r"\[exited 0\]", timeout=STEP_TIMEOUT)
            elif os.path.exists("/proc/%d" % self.pid):
                os.kill(self.pid, signal.SIGKILL)  # stuck in a test: end it
                self.tm.wait_for(r"\[exited", timeout=STEP_TIMEOUT)
            if self.tm is not None:
                s = self.tm.quit_fleetmux()
                self.assertIn("fleetmux-exit=0", s)
        finally:
            if self.tm is not None:
                self.tm.kill()
            rc = self.sim.stop()
        self.assertEqual(rc, 0, self.sim.stderr)

    # vttest's process, from /proc: what it has read, and whether it waits
    # for the keyboard (blocked in read(2) on its terminal, fd 0).
    def rchar(self):
        with open("/proc/%d/io" % self.pid) as f:
            return int(f.read().split("rchar:")[1].split()[0])

    def reading(self, after=None):
        """Wait until vttest waits for input (having read more than `after`
        bytes, when given: it took the last key)."""
        deadline = time.time() + STEP_TIMEOUT
        while time.time() < deadline:
            try:
                with open("/proc/%d/syscall" % self.pid) as f:
                    call = f.read().split()
                if call[:2] == ["0", "0x0"] and (after is None or self.rchar() > after):
                    return
            except PermissionError as e:
                self.fail("cannot see what vttest reads (%s): this test needs root or the "
                          "right to trace it" % e)
            except OSError:
                self.fail("vttest ended:\n" + self.tm.screen())
            time.sleep(0.02)
        self.fail("vttest did not come back to its keyboard in %d s:\n%s"
                  % (STEP_TIMEOUT, self.tm.screen()))

    def send(self, text):
        """Type text and Return; wait until vttest has read them."""
        self.at_menu = False
        before = self.rchar()
        if text:
            self.tm.type(text)
        self.tm.keys("Enter")
        self.reading(after=before)

    def capture(self):
        return Screen(self.tm.tmux("capture-pane", "-p", "-e", "-N", "-t", "main"))

    def screen(self, name, check):
        """vttest has written this screen and waits for Return: fleetmux must
        draw what check accepts, and keep drawing it. A screen that stays
        wrong is noted (the test goes on to the next) and fails the test at
        its end, with every wrong screen's difference."""
        deadline = time.time() + DRAW_TIMEOUT
        good_since = None
        while True:
            s = self.capture()
            problem = check(s)
            now = time.time()
            if problem is None:
                good_since = good_since or now
                if now - good_since >= SETTLE:
                    return s
            else:
                good_since = None
                if now > deadline:
                    self.problems.append("%s: %s\nThe pane shows:\n%s" % (name, problem, s.dump()))
                    return s
            time.sleep(0.05)

    def step(self, name, check):
        self.screen(name, check)
        self.send("")

    def menu(self):
        self.reading()
        self.screen("the main menu", lambda s: None if any(
            r.startswith(" " * 10 + PROMPT.rstrip()) for r in s.text) else "no prompt")
        self.at_menu = True

    def choose(self, n):
        self.send(str(n))

    def done(self):
        """Back at the main menu; every screen as vttest says."""
        self.menu()
        if self.problems:
            self.fail("%d screen(s) differ from what vttest says:\n\n%s"
                      % (len(self.problems), "\n\n".join(self.problems)))

    def test_menu_1_cursor_movements(self):
        self.choose(1)
        box = box_screen()
        self.step("menu 1, border and frame of E's (80 columns)", exact(box))
        # 24x80.80: the "132 column" pass is 80 columns again.
        self.step("menu 1, border and frame of E's (second pass)", exact(box))
        self.step("menu 1, autowrap (80 columns)", exact(autowrap_screen()))
        self.step("menu 1, autowrap (second pass)", exact(autowrap_screen()))
        self.step("menu 1, controls inside ESC sequences", exact(controls_screen()))
        self.step("menu 1, leading zeros", exact(leading_zeros_screen()))
        self.done()

    def test_menu_2_screen_features(self):
        self.choose(2)
        self.step("menu 2, wrap around", exact(wrap_screen()))
        self.step("menu 2, tab stops", exact(tabs_screen()))
        for bg, light in (("light", True), ("dark", False)):
            # The "132" and the 80 column screen of each background.
            for which in ("first", "second"):
                self.step("menu 2, column mode, %s background (%s)" % (bg, which),
                          all_of(exact(column_mode_screen(bg)), reverse_screen(light)))
        for kind in ("Soft", "Jump"):
            self.step("menu 2, %s scroll, region 12-13" % kind.lower(),
                      exact(scroll_screen(kind, 12, 13)))
            self.step("menu 2, %s scroll, whole screen" % kind.lower(),
                      exact(scroll_screen(kind, 1, 24)))
        self.step("menu 2, origin mode (relative)", exact(origin_relative_screen()))
        self.step("menu 2, origin mode (absolute)", exact(origin_absolute_screen()))
        self.step("menu 2, graphic rendition, dark background",
                  all_of(exact(rendition_screen("Dark")), rendition_attrs(False)))
        self.step("menu 2, graphic rendition, light background",
                  all_of(exact(rendition_screen("Light")), rendition_attrs(True)))
        self.step("menu 2, save/restore cursor",
                  all_of(exact(save_restore_screen()), save_restore_attrs))
        self.done()

    def test_menu_3_character_sets(self):
        self.choose(3)
        self.step("menu 3, the VT100 character sets",
                  all_of(exact(charsets_screen()), charsets_agree))
        self.done()

    def test_menu_8_insert_delete(self):
        self.choose(8)
        # Twice: 80 columns, then the "132 column" pass, 80 again here.
        for which in ("", " (second pass)"):
            self.step("menu 8, accordion" + which, exact(accordion_screen()))
            self.step("menu 8, accordion done" + which, exact(accordion_done_screen()))
            self.step("menu 8, insert mode" + which, exact(insert_mode_screen()))
            self.step("menu 8, delete character" + which, exact(delete_char_screen()))
            self.step("menu 8, staggered column" + which, exact(staggered_screen()))
            self.step("menu 8, staggered column, double width" + which, staggered_double_width)
            self.step("menu 8, insert character" + which, exact(insert_char_screen()))
        self.done()


if __name__ == "__main__":
    unittest.main()
