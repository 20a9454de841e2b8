"""CPU and memory in the sidebar, end to end in tmux against fleetsim: a
group running a busy loop shows near a core and an idle one near nothing,
each with memory used/limit and a sparkline; S sorts the groups by CPU
(the busy one first) and the order holds across a relisting (r); the
status line sums the region; a narrow sidebar keeps names and status
words whole and drops the sparkline, then memory. fleetsim measures the
processes themselves (/proc), as test_watch.py's Metrics checks."""
import json
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dockerd import Dockerd  # noqa: E402
from eci import Fleetsim  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import FLEETMUX, Tmux  # noqa: E402

R = "r1"
# The idle group is listed first: sorting by CPU must move the busy one up.
FLEET = {"regions": [{"id": R, "zones": ["r1-a"], "groups": [
    {"id": "g-idle", "name": "idle", "containers": [
        {"name": "nap", "command": ["sleep", "100000"]}]},
    {"id": "g-busy", "name": "busy", "containers": [
        {"name": "spin", "command": ["sh", "-c", "while :; do :; done # fm-metrics-spin"]}]},
    {"id": "g-wait", "name": "wait", "status": "Pending", "containers": [
        {"name": "w", "state": "Waiting", "reason": "ImagePulling"}]},
]}]}

# A sidebar row: the group's name, its status word, then the metric
# columns at the right edge: CPU %, maybe a sparkline, memory used/limit.
ROW = r"● %s(?: (?i:running))?\b.*?\s(\d+)%%(?: ([▁▂▃▄▅▆▇█ ]{6}))?(?: +(\S+/\S+))?\s*│"


def usage(screen, name):
    """(cpu %, sparkline or None, memory text or None) of group name's row."""
    for line in screen.split("\n"):
        m = re.search(ROW % re.escape(name), line)
        if m:
            return int(m.group(1)), m.group(2), m.group(3)
    return None


def group_order(screen):
    return [m.group(1) for m in re.finditer(r"● (idle|busy|wait) ", screen)]


class MetricsTui(unittest.TestCase):
    def setUp(self):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(FLEET, f)
        f.close()
        self.fleet = f.name
        # A slow API for the test of requests in flight: each call 1.5 s.
        slow = self._testMethodName.endswith("_in_flight")
        self.sim = Fleetsim(*(["--latency", "1500"] if slow else []), fleet=self.fleet)
        self.tm = None
        self.scratch = tempfile.mkdtemp(prefix="fm-metrics-")

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

    def start(self, width, interval=1, sim_args=()):
        config = os.path.join(self.scratch, "config")
        with open(config, "w") as f:
            f.write("[fleetmux]\nmetrics-interval = %d\nsidebar-width = %d\n" % (interval, width))
        # Every variable fleetmux reads that could change what it shows.
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": self.scratch, "XDG_CONFIG_HOME": self.scratch,
               "XDG_DATA_HOME": self.scratch, "DOCKER_HOST": "unix:///nonexistent.sock"}
        self.tm = Tmux(fleetmux_cmd(self.sim, "--region", R, "--config", config), env=env)
        return self.tm

    def wait_usage(self, pred, timeout=60):
        """The screen once pred(busy, idle) holds for the rows' usage."""
        deadline = time.time() + timeout
        s = ""
        while time.time() < deadline:
            s = self.tm.screen()
            busy, idle = usage(s, "busy"), usage(s, "idle")
            if busy and idle and pred(busy, idle):
                return s
            time.sleep(0.5)
        self.fail("usage never as wanted:\n" + s)

    def test_busy_near_a_core_idle_near_nothing_sorted_by_cpu(self):
        tm = self.start(width=64)
        tm.wait_for("busy")
        # Nothing is shown for a group that is not running.
        s = self.wait_usage(lambda b, i: b[0] >= 50 and i[0] <= 10)
        busy, idle = usage(s, "busy"), usage(s, "idle")
        self.assertRegex(busy[2] or "", r"^\d+(\.\d)?[BKMG]/4G$", s)
        self.assertRegex(idle[2] or "", r"^\d+(\.\d)?[BKMG]/4G$", s)
        self.assertIsNone(usage(s, "wait"), s)
        wait_row = [l for l in s.split("\n") if "● wait " in l][0]
        self.assertNotRegex(wait_row, r"\d+%", s)
        # The sparkline fills as samples come, and its newest bar is high.
        s = self.wait_usage(lambda b, i: b[1] is not None and b[1].strip() != ""
                            and len(b[1].strip()) >= 3 and b[1][-1] in "▅▆▇█")
        # The region's totals, on the status line.
        self.assertRegex(s, r"\n .*│ r1 Σ \d+% \S+/8G │ sidebar │", s)

        self.assertEqual(group_order(s), ["idle", "busy", "wait"], s)
        tm.keys("S")
        s = tm.wait_for(r"by cpu")
        self.assertIn("groups by cpu", s)
        self.assertEqual(group_order(s)[:2], ["busy", "idle"], s)
        # The order survives a relisting, and new samples keep it.
        tm.keys("r")
        s = tm.wait_for(r"refreshed: 3 groups")
        time.sleep(2.5)
        s = tm.screen()
        self.assertIn("by cpu", s)
        self.assertEqual(group_order(s)[:2], ["busy", "idle"], s)
        # Its container row shows the container's own figures.
        tm.keys("g", "j", "j", "Right")
        s = tm.wait_for(r"spin Running")
        row = [l for l in s.split("\n") if "spin Running" in l][0]
        self.assertRegex(row, r"\s(\d+)%", s)
        self.assertGreaterEqual(int(re.search(r"\s(\d+)%", row.split("spin Running")[1]).group(1)), 50, s)
        # The next orders: memory, restarts, status (the waiting group
        # first), name, then as listed.
        for name in ("memory", "restarts", "status"):
            tm.keys("S")
            s = tm.wait_for("by %s" % name)
        self.assertEqual(group_order(s)[0], "wait", s)
        tm.keys("S")
        s = tm.wait_for("by name")
        self.assertEqual(group_order(s), ["busy", "idle", "wait"], s)
        tm.keys("S")
        s = tm.wait_for("groups by listed")
        self.assertNotIn("by name", s.split("\n")[-3] if len(s.split("\n")) > 3 else "")

    def test_narrow_sidebar_drops_the_sparkline_then_memory(self):
        tm = self.start(width=36)
        self.tm = tm
        s = self.wait_usage(lambda b, i: b[0] >= 1)
        busy = usage(s, "busy")
        # 36 columns (the default): the name, the status word, CPU and memory; no sparkline.
        self.assertIsNone(busy[1], s)
        self.assertIsNotNone(busy[2], s)
        self.assertRegex(s, r"● busy Running\b", s)
        # Narrower (28): memory before the status word, which a running
        # group's green dot already says.
        tm.keys("C-b", "<", "C-b", "<")
        s = tm.wait_for(r"● busy +\d+% +\S+/4G│")
        self.assertIsNotNone(usage(s, "busy")[2], s)
        # The waiting group keeps its word: it has no figures to show.
        self.assertRegex(s, r"● wait Pending", s)
        # Narrower still (24): CPU only, the name and status whole again.
        tm.keys("C-b", "<")
        s = tm.wait_for(r"● busy Running\b[^│]* +\d+%│")
        busy = usage(s, "busy")
        self.assertIsNone(busy[2], s)

    def test_relisting_and_quitting_with_requests_in_flight(self):
        """Each metric call takes 1.5 s: r while one is in flight cancels it
        and asks again (the figures still come), and quitting right after a
        listing, with a request in flight, ends cleanly (under ASan: nothing
        leaked, nothing used after it was freed)."""
        tm = self.start(width=64)
        tm.wait_for("3 groups  / filter", timeout=60)
        tm.keys("r")
        tm.wait_for("refreshed: 3 groups", timeout=60)
        self.wait_usage(lambda b, i: True)
        tm.keys("r")
        tm.wait_for("refreshed: 3 groups", timeout=60)
        # tearDown quits now, a request just sent.


class MetricsDockerTui(unittest.TestCase):
    """The same against a real Docker engine: stats per container, CPU as
    `docker stats` computes it."""

    @classmethod
    def setUpClass(cls):
        cls.D = Dockerd()  # raises, with the reason, where dockerd cannot run
        cls.D.run("idle", "sleep", "100000")
        cls.D.run("busy", "sh", "-c", "while :; do :; done")

    @classmethod
    def tearDownClass(cls):
        cls.D.stop()

    def test_busy_near_a_core_idle_near_nothing(self):
        scratch = tempfile.mkdtemp(prefix="fm-metrics-docker-")
        config = os.path.join(scratch, "config")
        with open(config, "w") as f:
            f.write("[fleetmux]\nmetrics-interval = 1\nsidebar-width = 64\n")
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": scratch, "XDG_CONFIG_HOME": scratch, "XDG_DATA_HOME": scratch}
        self.tm = Tmux("sh -c '%s --provider docker --endpoint %s --config %s; "
                       "echo fleetmux-exit=$?; sleep 2'" % (FLEETMUX, self.D.host, config), env=env)
        try:
            self.tm.wait_for("● busy running")
            deadline, s = time.time() + 60, ""
            while time.time() < deadline:
                s = self.tm.screen()
                busy, idle = usage(s, "busy"), usage(s, "idle")
                if busy and idle and busy[0] >= 50 and idle[0] <= 10:
                    break
                time.sleep(0.5)
            else:
                self.fail("usage never as wanted:\n" + s)
            self.assertRegex(busy[2] or "", r"^\S+/\S+$", s)
            self.tm.keys("S")
            s = self.tm.wait_for("by cpu")
            order = [m.group(1) for m in re.finditer(r"● (idle|busy) ", s)]
            self.assertEqual(order, ["busy", "idle"], s)
            s = self.tm.quit_fleetmux()
            self.assertIn("fleetmux-exit=0", s)
        finally:
            self.tm.kill()


if __name__ == "__main__":
    unittest.main()
