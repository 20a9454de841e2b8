"""Learning fleetmux from inside, end to end in tmux against fleetsim: the
help overlay (C-b ?) lists the key tables as the config bound them, the
command prompt (C-b :) runs actions and commands by name with Tab and
history, and the message log (C-b ~) keeps what the status line cuts."""
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402
from tui import Tmux, panes, to_cells  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402

SIDEBAR = 36  # APP_SIDEBAR_WIDTH: the overlay starts right of it


def overlay_lines(screen):
    """The overlay's rows (right of the sidebar, above the status line),
    as text."""
    rows = screen.rstrip("\n").split("\n")[:-1]
    return ["".join(to_cells(r)[SIDEBAR + 1:]).rstrip() for r in rows]


class Help(unittest.TestCase):
    prefix = "C-b"

    def setUp(self):
        self.sim = Fleetsim()
        self.tm = None
        self.config = None

    def tearDown(self):
        try:
            if self.tm is not None:
                # (Escape: out of an overlay or a prompt first)
                if "fleetmux-exit=" not in self.tm.screen():
                    self.tm.keys("Escape")
                s = self.tm.quit_fleetmux(prefix=self.prefix)
                self.assertIn("fleetmux-exit=0", s)
        finally:
            if self.tm is not None:
                self.tm.kill()
            if self.config is not None:
                os.unlink(self.config)
            rc = self.sim.stop()
        self.assertEqual(rc, 0, self.sim.stderr)

    def start(self, *args, config=None, secret=None, width=140, height=40):
        if config is not None:
            with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
                f.write(config)
            self.config = f.name
            args = ("--config", f.name) + args
        self.tm = Tmux(fleetmux_cmd(self.sim, *args, secret=secret), width=width, height=height)
        return self.tm

    def prompt(self, line):
        self.tm.keys(self.prefix, ":")
        self.tm.wait_for(r"│ :_")
        self.tm.type(line)
        self.tm.keys("Enter")

    def test_help_lists_rebound_keys_under_the_custom_prefix(self):
        self.prefix = "C-a"
        tm = self.start("--open", "cn-hangzhou/api-server/api",
                        config="[fleetmux]\nprefix = C-a\n[keys]\nv = zoom\nx = none\n"
                               "[sidebar-keys]\nZ = sidebar-refresh\n")
        tm.wait_for(r"\[live\]")
        tm.keys("C-a", "?")
        s = tm.wait_for(r"Keys, as bound \(prefix C-a\)")
        rows = overlay_lines(s)
        # The first page: the panes' keys, with the real prefix.
        self.assertTrue(any(re.match(r" C-a Left, C-a h +focus-left +focus the pane", r) for r in rows),
                        s)
        # x = none: close-pane is listed with no key (C-a : still runs it).
        self.assertTrue(any(re.match(r" {10,}close-pane +close the focused pane", r) for r in rows), s)
        self.assertEqual([l for l in rows if "C-b" in l], [])
        # Scrolled down: the rebound zoom, the sidebar's new key, C-a C-a.
        seen = "\n".join(rows)
        for _ in range(8):
            tm.keys("PageDown")
            time.sleep(0.2)
            seen += "\n".join(overlay_lines(tm.screen()))
        self.assertRegex(seen, r"C-a z, C-a v +zoom +zoom the focused pane")
        self.assertRegex(seen, r"\n r, Z +sidebar-refresh")
        self.assertRegex(seen, r"C-a C-a +send-prefix")
        self.assertRegex(seen, r"C-a ! +run +run a command on the marked containers")
        self.assertEqual([l for l in seen.split("\n") if "C-b" in l], [])
        # The rebound key does what the help says; the help closes with q.
        tm.keys("q")
        tm.wait_gone(r"Keys, as bound")
        tm.keys("C-a", "v")
        tm.wait_for(r"\(zoomed\)")

    def test_help_filter_and_sidebar_question_mark(self):
        tm = self.start()
        tm.wait_for("postgres-primary")
        tm.keys("?")  # the sidebar's own key
        tm.wait_for(r"Keys, as bound \(prefix C-b\)")
        tm.keys("/")
        tm.type("record")
        s = tm.wait_for(r"│ /record_")
        rows = "\n".join(overlay_lines(s))
        self.assertRegex(rows, r"C-b r +record +start or stop recording")
        self.assertRegex(rows, r":record \[on\|off\]")
        self.assertNotIn("focus-left", rows)
        tm.keys("Enter")
        tm.wait_for(r"only 'record'")
        # Escape in the filter drops it: everything again.
        tm.keys("/", "Escape")
        s = tm.wait_for(r"focus-left")
        self.assertNotIn("only 'record'", s)
        tm.keys("Escape")
        tm.wait_gone(r"Keys, as bound")
        tm.wait_for("postgres-primary")

    def test_prompt_runs_layout_and_open_and_reports_errors(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api", width=200)
        tm.wait_for(r"\[live\]")
        self.prompt("open cn-hangzhou/web-frontend-1/nginx")
        s = tm.wait_for(r"(?s)\[live\].*\[live\]")
        self.assertEqual(sorted(panes(s)), [1, 2])
        self.prompt("layout even-vertical")
        tm.wait_for(r"layout even-vertical")
        time.sleep(0.3)
        geo = panes(tm.screen())
        self.assertEqual(geo[1][0], geo[2][0], geo)   # one above the other
        self.assertNotEqual(geo[1][1], geo[2][1], geo)
        self.prompt("layout even-horizontal")
        tm.wait_for(r"layout even-horizontal")
        time.sleep(0.3)
        geo = panes(tm.screen())
        self.assertEqual(geo[1][1], geo[2][1], geo)   # side by side
        # An unknown action and a bad word: said in the status line...
        self.prompt("frobnicate 3")
        tm.wait_for(r"unknown command 'frobnicate' \(Tab completes names; C-b \? lists them\)")
        self.prompt("layout spiral")
        tm.wait_for(r"no layout 'spiral': tiled, even-horizontal")
        self.prompt("open cn-hangzhou/no-such-group/x")
        tm.wait_for(r"open: no group no-such-group in cn-hangzhou")
        # ... and kept in the log, with their times.
        tm.keys("C-b", "~")
        s = tm.wait_for(r"Messages \(\d+ kept\)")
        rows = "\n".join(overlay_lines(s))
        self.assertRegex(rows, r"\d\d:\d\d:\d\d  unknown command 'frobnicate'")
        self.assertRegex(rows, r"\d\d:\d\d:\d\d  no layout 'spiral'")
        self.assertRegex(rows, r"\d\d:\d\d:\d\d  layout even-vertical")
        tm.keys("q")
        tm.wait_gone(r"Messages \(")
        # Actions by name: zoom, and kill-pane N.
        self.prompt("zoom")
        tm.wait_for(r"\(zoomed\)")
        self.prompt("zoom")
        tm.wait_gone(r"\(zoomed\)")
        self.prompt("kill-pane 1")
        tm.answer_yes(r"close pane 1 \(api-server/api\)\? its live session will end \(y/n\)")
        s = tm.wait_gone(r"api-server/api \[")
        self.assertEqual(sorted(panes(s)), [1], s)  # the other, numbered again
        self.assertIn("─ 1 cn-hangzhou/web-frontend-1/nginx [live]", s)

    def test_tab_completes_and_up_recalls(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api", width=200)
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", ":")
        tm.type("lay")
        tm.keys("Tab")
        tm.wait_for(r":layout _")
        tm.type("m")
        tm.keys("Tab")
        tm.wait_for(r":layout main-vertical _")
        tm.keys("Enter")
        tm.wait_for(r"│ layout main-vertical")
        # Themes, where theme_load finds them (beside the program).
        tm.keys("C-b", ":")
        tm.type("theme ")
        tm.keys("Tab")
        tm.wait_for(r":theme _   default high-contrast light solarized-dark")
        tm.type("li")
        tm.keys("Tab")
        tm.wait_for(r":theme light _")
        tm.keys("Enter")
        tm.wait_for(r"│ theme light")
        # A target from the listed fleet, a part at a time.
        tm.keys("C-b", ":")
        tm.type("open cn-shanghai/postgres-")
        tm.keys("Tab")
        tm.wait_for(r":open cn-shanghai/postgres-_   postgres-primary/ postgres-replica/")
        tm.type("r")
        tm.keys("Tab")
        tm.wait_for(r":open cn-shanghai/postgres-replica/postgres _")
        tm.keys("Enter")
        tm.wait_for(r"cn-shanghai/postgres-replica/postgres \[live\]")
        # Up brings back the lines entered, newest first.
        tm.keys("C-b", ":", "Up")
        tm.wait_for(r":open cn-shanghai/postgres-replica/postgres _")
        tm.keys("Up", "Up")
        tm.wait_for(r":layout main-vertical _")
        tm.keys("Down", "Down", "Down")
        tm.wait_for(r"│ :_")
        tm.keys("Escape")
        tm.wait_gone(r"│ :_")

    def test_log_keeps_a_long_error_whole(self):
        tm = self.start(secret="wrong-secret", width=120)
        s = tm.wait_for("SignatureDoesNotMatch")
        full = (r"SignatureDoesNotMatch: Specified signature is not matched with our calculation\. "
                r"server string to sign is:ACS3-HMAC-SHA256 [0-9a-f]{64}")
        status = s.rstrip("\n").split("\n")[-1]
        self.assertNotRegex(status, full)  # the status line cuts it
        tm.keys("C-b", "~")
        s = tm.wait_for(r"Messages \(\d+ kept\)")
        text = " ".join(r.strip() for r in overlay_lines(s)[1:-1])
        self.assertRegex(" ".join(text.split()), full, s)
        # y copies what the log shows; C-b ] would paste it.
        tm.keys("/")
        tm.type("Signature")
        tm.keys("Enter", "y")
        tm.wait_for(r"copied \d+ messages? \(C-b \] pastes\)")


if __name__ == "__main__":
    unittest.main()
