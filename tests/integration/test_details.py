"""The details view and events end to end, in tmux against fleetsim: i in
the sidebar shows every field of a group (id, zone, instance type, what it
asked for, IPs, tags, creation) and of its containers (image, state,
restart count, last state, ports), the group's events (a restart's
BackOff), and its CPU and memory history as a chart drawn in the terminal;
y copies it; a relisting that brings a restart says it in the message log
(C-b ~) and badges the group's row until its details are opened; C-b i does
the same for the focused pane's group."""
import json
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim, wait_until  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import Tmux  # noqa: E402

R = "r1"
# Runs 3 s, says so and fails; fleetsim restarts it after a back-off of
# 1 s, doubling, so restarts keep coming while the test runs.
CRASHER = "echo \"up as $$\"; sleep 3; echo 'lost the ledger' >&2; exit 3"
FLEET = {"regions": [{"id": R, "zones": ["r1-a", "r1-b"], "groups": [
    {"id": "g-crash", "name": "crash", "zone": "r1-b", "restart_backoff": 1,
     "instance_type": "ecs.c6.large", "cpu": 2, "memory": 4,
     "created": "2026-11-20T08:12:00Z", "intranet_ip": "172.16.9.9", "internet_ip": "47.96.9.9",
     "tags": {"team": "ledger"},
     "containers": [
         {"name": "app", "image": "registry.example.com/ledger:7.1", "ports": [8080],
          "cpu": 1, "memory": 0.5, "command": ["sh", "-c", CRASHER]},
         # a sidecar that stays up: the group always uses some memory, so
         # its chart has something to draw whenever a record is taken
         {"name": "sidecar", "image": "busybox:1.36", "command": ["sleep", "100000"]}]},
    {"id": "g-calm", "name": "calm", "zone": "r1-a", "containers": [
        {"name": "nap", "image": "busybox:1.36", "command": ["sleep", "100000"]}]},
]}]}


class Details(unittest.TestCase):
    def setUp(self):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(FLEET, f)
        f.close()
        self.fleet = f.name
        self.sim = Fleetsim(fleet=self.fleet)
        self.tm = None
        self.scratch = tempfile.mkdtemp(prefix="fm-details-")

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

    def start(self, config=None):
        if config is not None:
            os.makedirs(os.path.join(self.scratch, "fleetmux"), exist_ok=True)
            with open(os.path.join(self.scratch, "fleetmux", "config"), "w") as f:
                f.write(config)
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": self.scratch, "XDG_CONFIG_HOME": self.scratch,
               "XDG_DATA_HOME": self.scratch, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
        self.tm = Tmux(fleetmux_cmd(self.sim, "--region", R), env=env)
        return self.tm

    def restarts(self):
        g = self.sim.client().call("DescribeContainerGroups", {
            "RegionId": R, "ContainerGroupIds": json.dumps(["g-crash"])})["ContainerGroups"][0]
        return g["Containers"][0]["RestartCount"]

    def sidebar_row(self, s, name):
        rows = [l for l in s.split("\n") if re.search(r"● %s\b" % name, l)]
        self.assertTrue(rows, s)
        return rows[0].split("│")[0]

    def test_details_events_badge_and_chart(self):
        tm = self.start()
        tm.wait_for(r"● crash")
        # What the first listing had is old news; restarts after it are
        # not. Two of them before the next listing: ECI keeps one Started
        # event and counts them, and the badge counts each (not ↻1 for a
        # kind of event that is new).
        seen = self.restarts()
        self.assertTrue(wait_until(lambda: self.restarts() >= seen + 2, timeout=60))
        tm.keys("r")
        s = tm.wait_for(r"● crash [!↻]", timeout=30)
        # the badge: warnings (BackOff) and restarts, in the row
        row = self.sidebar_row(s, "crash")
        self.assertRegex(row, r"crash (!\d+)?↻\d+\s")
        self.assertGreaterEqual(int(re.search(r"↻(\d+)", row).group(1)), 2, row)
        self.assertNotRegex(self.sidebar_row(s, "calm"), r"calm [!↻]")

        # The message log says what happened.
        tm.keys("C-b", "~")
        s = tm.wait_for(r"Messages \(")
        self.assertRegex(s, r"r1/crash: (Warning BackOff: Back-off restarting failed container app"
                            r"|Normal Started: Started container app)")
        tm.keys("q")
        tm.wait_gone(r"Messages \(")

        # i on the group: every field, its container and its events.
        tm.keys("/")
        tm.type("crash")
        tm.keys("Enter", "i")
        s = tm.wait_for(r"Details of r1/g-crash")
        for want in (r"id\s+g-crash", r"name\s+crash", r"zone\s+r1-b", r"region\s+r1\b",
                     r"instance type\s+ecs\.c6\.large", r"cpu, memory\s+2 cores, 4 GiB",
                     r"intranet IP\s+172\.16\.9\.9", r"internet IP\s+47\.96\.9\.9",
                     r"created\s+2026-11-20T08:12:00Z", r"tags\s+team=ledger",
                     r"Container app", r"image\s+registry\.example\.com/ledger:7\.1",
                     r"ports\s+8080/TCP", r"cpu, memory\s+1 core, 0\.5 GiB",
                     r"last state\s+Terminated: Error, exit code 3",
                     r"Warning BackOff.*Back-off restarting failed container app",
                     r"Normal Started.*Started container app"):
            self.assertRegex(s, want)
        shown = int(re.search(r"restarts\s+(\d+)", s).group(1))
        self.assertGreaterEqual(shown, seen + 1)
        # Opening the details clears the badge.
        self.assertNotRegex(self.sidebar_row(s, "crash"), r"crash [!↻]")

        # The history: fleetsim keeps a record every 15 s; the view asks
        # again every 15 s while open. Scroll to the end of the page.
        def chart_or_waiting():
            tm.keys("G")
            t = tm.screen()
            return "CPU, % of one core" in t or "no samples yet" in t
        self.assertTrue(wait_until(chart_or_waiting, timeout=30))
        s = tm.screen()
        if "no samples yet" in s:
            # a record may take up to 15 s, asked again 15 s later
            s = tm.wait_for(r"CPU, % of one core", timeout=60)
        m = re.search(r"\d+ samples?, 15 s apart; newest: CPU [\d.]+% of a core, memory (\d+)([KMG]) of 4\.0G", s)
        self.assertTrue(m, s)
        self.assertRegex(s, r"200% ┤")  # the top: the 2 cores the group asked for
        self.assertRegex(s, r"Memory \(working set\), the top is the limit")
        chart_rows = [l.split("│", 1)[1] for l in s.split("\n") if "┤" in l]
        self.assertEqual(len(chart_rows), 10, s)  # two charts of five rows
        self.assertRegex(chart_rows[0], r"^\s+200% ┤")
        self.assertRegex(chart_rows[4], r"^\s+0% ┤")
        self.assertRegex(chart_rows[5], r"^\s+4\.0G ┤")
        # The sidecar's memory is above nothing: the newest column of the
        # memory chart's bottom row holds a block, at the chart's right end.
        self.assertGreater(int(m.group(1)), 0, s)
        self.assertRegex(chart_rows[9], r"^\s+0 ┤ *[▁▂▃▄▅▆▇█]+\s*$", s)

        # y copies the page into the paste buffer.
        tm.keys("y")
        tm.wait_for(r"copied \d+ lines")
        tm.keys("q")
        tm.wait_gone(r"Details of r1/g-crash")

    def test_relisted_without_r(self):
        # ECI has no change stream: fleetmux lists it again every
        # refresh-interval, so a restart shows without r.
        tm = self.start(config="[fleetmux]\nrefresh-interval = 2\n")
        tm.wait_for(r"● crash")
        seen = self.restarts()
        self.assertTrue(wait_until(lambda: self.restarts() > seen, timeout=60))
        s = tm.wait_for(r"● crash [!↻]", timeout=30)
        self.assertNotRegex(self.sidebar_row(s, "calm"), r"calm [!↻]")
        # The details view asks at once: its restart count is the API's.
        tm.keys("/")
        tm.type("crash")
        tm.keys("Enter", "i")
        tm.wait_for(r"Details of r1/g-crash")
        now = self.restarts()
        self.assertTrue(wait_until(
            lambda: int(re.search(r"restarts\s+(\d+)", tm.screen()).group(1)) >= now, timeout=10))
        tm.keys("q")

    def test_log_pane_marks_a_restart(self):
        # A log pane on the crashing container: when a relisting sees its
        # restart count go up, a dim line in the pane says so.
        tm = self.start(config="[fleetmux]\nrefresh-interval = 2\n")
        tm.wait_for(r"● crash")
        tm.keys("/")
        tm.type("crash")
        tm.keys("Enter", "Enter")
        tm.wait_for(r"app Running|app Waiting|app Terminated")
        s = tm.screen()
        row = [l for l in s.split("\n") if re.search(r"^\s+\*?\s*app ", l)]
        self.assertTrue(row, s)
        tm.keys("j", "l")
        tm.wait_for(r"\[log\]")
        s = tm.wait_for(r"\[fleetmux: the container restarted \(↻\d+\), seen at \d\d:\d\d:\d\d\]",
                        timeout=60)
        self.assertIn("up as", s)

    def test_prefix_i_on_a_pane(self):
        tm = self.start()
        tm.wait_for(r"● calm")
        tm.keys("/")
        tm.type("calm")
        tm.keys("Enter", "Enter")
        tm.wait_for(r"r1/calm/nap")
        tm.keys("C-b", "i")
        s = tm.wait_for(r"Details of r1/g-calm")
        self.assertRegex(s, r"image\s+busybox:1\.36")
        self.assertRegex(s, r"state\s+Running, ready")
        self.assertRegex(s, r"Normal Started.*Started container nap")
        # C-b i again closes it.
        tm.keys("C-b", "i")
        tm.wait_gone(r"Details of r1/g-calm")


if __name__ == "__main__":
    unittest.main()
