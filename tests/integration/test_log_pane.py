"""A log pane end to end, in tmux against fleetsim: l in the sidebar (and
C-b l on a container's pane) follows a container's log in a pane of its
own, with [log] and the feed's state in its title; the log's escape
sequences are shown, not obeyed; typing into it sends nothing; C-b t shows
each line's time; C-b x closes it without asking."""
import json
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import Tmux, pane_text, panes, styled_cells  # noqa: E402

R = "r1"
# A first line full of sequences that would wreck a terminal that obeyed
# them (clear, alternate screen, a cursor position report asked), one in
# colour, then a tick a second.
TALKER = ("printf 'start \\033[31mred\\033[0m \\033[2Jcleared \\033[?1049halt \\033[6nasked end\\n'; "
          "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done")
FLEET = {"regions": [{"id": R, "zones": ["r1-a"], "groups": [
    {"id": "g-chatty", "name": "chatty", "containers": [
        {"name": "talker", "command": ["sh", "-c", TALKER]}]},
    {"id": "g-quiet", "name": "quiet", "containers": [
        {"name": "nap", "command": ["sleep", "100000"]}]},
]}]}


def ticks(text):
    return [int(n) for n in re.findall(r"tick (\d+)", text)]


class LogPane(unittest.TestCase):
    def setUp(self):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(FLEET, f)
        f.close()
        self.fleet = f.name
        self.sim = Fleetsim(fleet=self.fleet)
        self.tm = None
        self.scratch = tempfile.mkdtemp(prefix="fm-logpane-")

    def tearDown(self):
        try:
            if self.tm is not None:
                s = self.tm.quit_fleetmux()
                self.assertIn("fleetmux-exit=0", s)
        finally:
            if self.tm is not None:
                self.tm.kill()
            rc = self.sim.stop()
            os.unlink(self.fleet)
        self.assertEqual(rc, 0, self.sim.stderr)

    def start(self, *args):
        # Every variable fleetmux reads that could change what it shows.
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": self.scratch, "XDG_CONFIG_HOME": self.scratch,
               "XDG_DATA_HOME": self.scratch}
        self.tm = Tmux(fleetmux_cmd(self.sim, "--region", R, *args), env=env)
        return self.tm

    def log_pane(self, s):
        """The number and text of the pane whose title says [log]."""
        title = [l for l in s.split("\n") if "[log]" in l]
        self.assertTrue(title, s)
        n = int(re.search(r"─ (\d+)\*? [^│]*\[log\]", title[0]).group(1))
        return n, pane_text(s, panes(s)[n])

    def test_l_in_the_sidebar_follows_the_log_and_takes_no_input(self):
        tm = self.start()
        tm.wait_for("chatty")
        tm.keys("/")
        tm.type("chatty")
        tm.keys("Enter", "l")
        s = tm.wait_for(r"r1/chatty/talker \[log\] \[live\]")
        s = tm.wait_for(r"tick 3\b")
        n, text = self.log_pane(s)
        # The sequences are text, in order, on the pane's first line; the
        # colour is kept.
        first = text.split("\n")[0]
        self.assertIn("start red ^[[2Jcleared ^[[?1049halt ^[[6nasked end", first, s)
        row = [l for l in tm.screen(colors=True).split("\n") if "start" in l][0]
        reds = [c for c in styled_cells(row) if c[1] == "31"]
        self.assertEqual("".join(c[0] for c in reds), "red", row)
        # New lines follow, each once, in order.
        s = tm.wait_for(r"tick 6\b", timeout=20)
        got = ticks(self.log_pane(s)[1])
        self.assertEqual(got, list(range(1, len(got) + 1)), s)

        # Typing goes nowhere: said, and nothing runs anywhere.
        marker = os.path.join(self.scratch, "typed-into-a-log")
        tm.type("touch %s" % marker)
        tm.keys("Enter")
        s = tm.wait_for("pane %d is a log pane: it takes no input" % n)
        self.assertNotIn("touch", self.log_pane(s)[1])
        time.sleep(1)
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(len(re.findall("takes no input", s)), 1, s)

        # Copy mode searches it like any pane.
        tm.keys("C-b", "[", "?")
        tm.type("tick 2")
        tm.keys("Enter")
        tm.wait_for(r"\[copy \d+/\d+\]")
        tm.keys("q")
        tm.wait_gone(r"\[copy ")

        # Closing asks nothing: nothing runs.
        tm.keys("C-b", "x")
        s = tm.wait_gone(r"\[log\]")
        self.assertNotIn("(y/n)", s)
        self.assertEqual(panes(s), {}, s)

    def test_prefix_l_on_a_shell_then_timestamps(self):
        tm = self.start("--open", "r1/chatty/talker")
        tm.wait_for(r"r1/chatty/talker \[live\]")
        tm.keys("C-b", "l")
        s = tm.wait_for(r"─ 2 r1/chatty/talker \[log\] \[live\]")
        self.assertIn("─ 1 r1/chatty/talker [live]", s)
        s = tm.wait_for(r"tick \d+")
        before = max(ticks(self.log_pane(s)[1]))
        tm.keys("C-b", "t")
        tm.wait_for("timestamps on")
        # Lines from then on carry their time first.
        s = tm.wait_for(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z tick %d\b" % (before + 2),
                        timeout=20)
        tm.keys("C-b", "t")
        tm.wait_for("timestamps off")
        # Only the shell is live: quitting counts one session.
        tm.keys("C-b", "Q")
        tm.wait_for(r"quit\? 1 live session will end \(y/n\)")
        tm.keys("y")
        tm.wait_for(r"fleetmux-exit=0")

    def test_a_log_pane_on_a_quiet_container_is_live_and_empty(self):
        tm = self.start("--open", "r1/quiet/nap")
        tm.wait_for(r"r1/quiet/nap \[live\]")
        tm.keys("C-b", "l")
        s = tm.wait_for(r"r1/quiet/nap \[log\] \[live\]")
        self.assertEqual(self.log_pane(s)[1].strip(), "", s)
        # C-b t on a shell pane says what it is for.
        tm.keys("C-b", "1", "C-b", "t")
        tm.wait_for("not a log pane")


if __name__ == "__main__":
    unittest.main()
