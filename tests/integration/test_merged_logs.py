"""The merged log view end to end, in tmux against fleetsim: L in the
sidebar follows the marked containers' logs in one pane, their lines
interleaved by the times fleetsim gives them, each behind its coloured
group/container tag, none lost or shown twice; include, exclude and
highlight expressions change what it shows while it runs (a bad one is
refused and changes nothing); scrolling back loses nothing that arrives
meanwhile; a container that cannot be followed leaves a note in the
stream; and p shows a restarted container's previous instance's log."""
import glob
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim, wait_until  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import Tmux, pane_text, panes, styled_cells  # noqa: E402

R = "r1"
# Numbered lines, about three a second each.
TICK = "i=0; while :; do i=$((i+1)); echo \"%s $i\"; sleep 0.3; done"
FLEET = {"regions": [{"id": R, "zones": ["r1-a"], "groups": [
    {"id": "g-a", "name": "alpha", "containers": [
        {"name": "tick", "command": ["sh", "-c", TICK % "a"]}]},
    {"id": "g-b", "name": "beta", "containers": [
        {"name": "tick", "command": ["sh", "-c", TICK % "b"]}]},
    {"id": "g-c", "name": "gamma", "containers": [
        {"name": "tick", "command": ["sh", "-c", TICK % "c"]}]},
    {"id": "g-w", "name": "wait", "status": "Pending", "containers": [
        {"name": "w", "state": "Waiting", "reason": "ImagePulling"}]},
    # Restarts: each instance says hello with its pid, then bye, then fails.
    {"id": "g-crash", "name": "crash", "restart_backoff": 1, "containers": [
        {"name": "app", "command": ["sh", "-c", "echo \"hello from $$\"; sleep 2; echo bye; exit 3"]}]},
]}]}
STAMP = re.compile(r"^(\S+) (.*)$")
LINE = re.compile(r"^(\w+/\w+) \| ([abc]) (\d+)$")
SGR = re.compile(r"\x1b\[[0-9;:?]*[a-zA-Z]")


def ns(ts):
    whole, _, frac = ts.rstrip("Z").partition(".")
    secs = int(time.mktime(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))) - time.timezone
    return secs * 10**9 + int((frac + "000000000")[:9])


def tag_color(tag):
    """logout_tag_color: FNV-1a of the tag, of 12 colours; 31..36, bold from 6."""
    h = 2166136261
    for b in tag.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h % 12


class MergedLogs(unittest.TestCase):
    def setUp(self):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(FLEET, f)
        f.close()
        self.fleet = f.name
        self.sim = Fleetsim(fleet=self.fleet)
        self.tm = None
        self.scratch = tempfile.mkdtemp(prefix="fm-mergedlogs-")
        self.casts = os.path.join(self.scratch, "casts")

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
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.assertEqual(rc, 0, self.sim.stderr)

    def start(self, *args, height=45):
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": self.scratch, "XDG_CONFIG_HOME": self.scratch,
               "XDG_DATA_HOME": self.scratch, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
        self.tm = Tmux(fleetmux_cmd(self.sim, "--region", R, "--record", self.casts, *args), env=env,
                       height=height)
        return self.tm

    def sim_log(self, group, container, **params):
        content = self.sim.client().call("DescribeContainerLog", dict(
            RegionId=R, ContainerGroupId=group, ContainerName=container, Timestamps="true",
            Tail=2000, **params))["Content"]
        return [STAMP.match(l).groups() for l in content.splitlines()]

    def mark(self, name):
        """Filter the sidebar down to a group and mark its containers."""
        tm = self.tm
        tm.keys("/", "C-u")
        tm.type(name)
        tm.keys("Enter", "Space")

    def merged(self, s):
        """The number and text of the merged pane."""
        title = [l for l in s.split("\n") if "/merged [log]" in l]
        self.assertTrue(title, s)
        n = int(re.search(r"─ (\d+)\*? [^│]*/merged \[log\]", title[0]).group(1))
        return n, pane_text(s, panes(s)[n])

    def cast_text(self):
        """What was written to the merged pane (its recording), as text."""
        path = [p for p in glob.glob(os.path.join(self.casts, "*.cast")) if "merged" in p]
        self.assertEqual(len(path), 1, os.listdir(self.casts))
        with open(path[0]) as f:
            next(f)
            out = "".join(json.loads(l)[2] for l in f if l.strip())
        return out

    @staticmethod
    def cast_lines(text):
        return [SGR.sub("", l) for l in text.split("\r\n")]

    def test_marked_containers_merged_by_time_with_filters(self):
        tm = self.start()
        tm.wait_for("alpha")
        self.mark("alpha")
        self.mark("beta")
        tm.keys("/", "C-u", "Enter")
        tm.keys("L")
        s = tm.wait_for(r"r1/marked/merged \[log\] \[logs: 2 live\]", timeout=30)
        s = tm.wait_for(r"alpha/tick \| a \d+(.|\n)*beta/tick \| b \d+|"
                        r"beta/tick \| b \d+(.|\n)*alpha/tick \| a \d+", timeout=30)
        n, text = self.merged(s)
        self.assertNotIn("gamma", text)
        # Each tag in its own colour, the one fleetmux logs gives it.
        for tag in ("alpha/tick", "beta/tick"):
            row = [l for l in tm.screen(colors=True).split("\n") if SGR.sub("", l).find(tag + " |") >= 0][-1]
            cells = styled_cells(row)
            plain = "".join(c[0] for c in cells)
            at = plain.index(tag + " |")
            c = tag_color(tag)
            self.assertEqual({cells[i][1] for i in range(at, at + len(tag))}, {str(31 + c % 6)}, row)
            self.assertEqual("bold" in cells[at][3], c >= 6, row)

        # Let some lines come, then compare with fleetsim's own times.
        time.sleep(4)
        lines = [LINE.match(l) for l in self.cast_lines(self.cast_text())]
        got = [(m.group(1), m.group(2), int(m.group(3))) for m in lines if m]
        self.assertGreater(len(got), 20, got)
        stamps = {}
        for group, letter in (("g-a", "a"), ("g-b", "b")):
            for ts, text in self.sim_log(group, "tick"):
                stamps[(letter, int(text.split()[1]))] = ns(ts)
        for letter in "ab":
            nums = [k for _, l, k in got if l == letter]
            self.assertTrue(nums, got)
            # None lost, none twice: each container's lines in a run.
            self.assertEqual(nums, list(range(nums[0], nums[0] + len(nums))), letter)
        times = [stamps[(l, k)] for _, l, k in got]
        self.assertEqual(times, sorted(times), got)

        # Exclude alpha's lines: gone from the pane at once, none after.
        tm.keys("C-b", ":")
        tm.type("log-exclude ^a [0-9]+$")
        tm.keys("Enter")
        s = tm.wait_for(r"pane %d: exclude '\^a \[0-9\]\+\$' \(\d+ of \d+ lines shown\)" % n)
        self.assertNotIn("alpha/tick |", self.merged(s)[1])
        before = max(int(k) for k in re.findall(r"beta/tick \| b (\d+)", self.merged(s)[1]))
        s = tm.wait_for(r"beta/tick \| b %d\b" % (before + 5), timeout=30)
        self.assertNotIn("alpha/tick |", self.merged(s)[1])
        after = self.cast_text().rsplit("\x1b[3J", 1)[1]
        self.assertNotIn("alpha/tick", after)
        self.assertIn("beta/tick | b %d" % (before + 5), "\n".join(self.cast_lines(after)))

        # A bad expression is refused, and the one in use stays.
        tm.keys("C-b", ":")
        tm.type("log-include a(b")
        tm.keys("Enter")
        s = tm.wait_for(r"include: 'a\(b' is not a POSIX extended regular expression")
        self.assertIn("nothing changed", s)
        s = tm.wait_for(r"beta/tick \| b %d\b" % (before + 8), timeout=30)
        self.assertNotIn("alpha/tick |", self.merged(s)[1])

        # h in the pane: the highlight, in reverse video.
        tm.keys("h")
        tm.wait_for("highlight \\(regular expression; empty: none\\): _")
        tm.type("b [0-9]*7")
        tm.keys("Enter")
        tm.wait_for(r"pane %d: highlight" % n)
        s = tm.wait_for(r"beta/tick \| b \d*7\b", timeout=30)
        rows = [l for l in tm.screen(colors=True).split("\n") if re.search(r"b \d*7\b", SGR.sub("", l))]
        self.assertTrue(rows, s)
        rev = "".join(c[0] for c in styled_cells(rows[-1]) if "reverse" in c[3])
        self.assertRegex(rev, r"^b \d*7$", rows[-1])

        # Removing the exclude draws alpha's lines again, from those kept.
        tm.keys("C-b", ":")
        tm.type("log-exclude")
        tm.keys("Enter")
        s = tm.wait_for(r"pane %d: no exclude" % n)
        s = tm.wait_for(r"alpha/tick \| a \d+")

    def test_without_marks_the_group_or_the_region_under_the_cursor(self):
        tm = self.start()
        tm.wait_for("gamma")
        tm.keys("/")
        tm.type("gamma")
        tm.keys("Enter", "L")
        s = tm.wait_for(r"r1/gamma/merged \[log\] \[logs: 1 live\]", timeout=30)
        tm.wait_for(r"gamma/tick \| c \d+", timeout=30)
        # C-b t: every line drawn again with its time.
        tm.keys("C-b", "t")
        tm.wait_for("timestamps on")
        s = tm.wait_for(r"gamma/tick \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z c \d+")
        # The top line too, which was there before.
        self.assertRegex(self.merged(s)[1].split("\n")[0],
                         r"^gamma/tick \| \d{4}-\d\d-\d\dT[\d:.]+Z c \d+", s)
        tm.keys("C-b", "x")
        tm.wait_gone(r"\[log\]")
        # The region's row: its running containers that the filter shows.
        tm.keys("C-b", "Tab", "/", "C-u")
        tm.type("tick")
        tm.keys("Enter", "g", "j", "L")
        s = tm.wait_for(r"r1/all/merged \[log\] \[logs: 3 live\]", timeout=30)
        s = tm.wait_for(r"(?s)(?=.*alpha/tick \| a)(?=.*beta/tick \| b)(?=.*gamma/tick \| c)", timeout=30)
        self.assertNotIn("crash/app", self.merged(s)[1])
        # The provider's row is none of those: said.
        tm.keys("C-b", "Tab", "g", "L")
        tm.wait_for("L: mark containers \\(Space\\), or put the cursor on a group or a region")

    def test_scrolling_back_loses_nothing(self):
        tm = self.start(height=20)
        tm.wait_for("gamma")
        self.mark("gamma")
        tm.keys("L")
        # More lines than the pane has rows: the view is all history.
        s = tm.wait_for(r"gamma/tick \| c \d+", timeout=30)
        first = int(re.search(r"gamma/tick \| c (\d+)", self.merged(s)[1]).group(1))
        tm.wait_for(r"gamma/tick \| c %d\b" % (first + 25), timeout=60)
        tm.keys("C-b", "[")
        s = tm.wait_for(r"\[copy \d+/\d+\]")
        total = int(re.search(r"\[copy \d+/(\d+)\]", s).group(1))
        frozen = self.merged(s)[1]
        # Lines keep coming into the history while the view stays.
        s = tm.wait_for(r"\[copy \d+/(%s)\]" % "|".join(str(k) for k in range(total + 6, total + 60)),
                        timeout=30)
        # (but the row the next line was to go to: the screen's last)
        self.assertEqual(self.merged(s)[1].split("\n")[:-1], frozen.split("\n")[:-1])
        tm.keys("q")
        tm.wait_gone(r"\[copy ")
        s = tm.wait_for(r"gamma/tick \| c \d+")
        # The whole history, oldest to newest, every number once.
        tm.keys("C-b", "[", "g")
        s = tm.wait_for(r"\[copy 1/\d+\]")
        oldest = self.merged(s)[1]
        first = int(re.search(r"gamma/tick \| c (\d+)", oldest).group(1))
        nums = []
        for page in range(40):
            text = self.merged(tm.screen())[1]
            nums += [int(k) for k in re.findall(r"gamma/tick \| c (\d+)", text)]
            tm.keys("PageDown")
            time.sleep(0.1)
            if "[copy" not in tm.screen():
                break
        seen = sorted(set(nums))
        self.assertGreater(len(seen), 30, nums)
        self.assertEqual(seen, list(range(first, seen[-1] + 1)), nums)
        if "[copy" in tm.screen():
            tm.keys("q")

    def test_a_container_that_cannot_be_followed_leaves_a_note(self):
        tm = self.start()
        tm.wait_for("wait")
        self.mark("alpha")
        self.mark("wait")
        tm.keys("L")
        s = tm.wait_for(r"\[logs: 2: 1 live, 1 retrying\]", timeout=30)
        s = tm.wait_for(r"── wait/w: log interrupted \(.*waiting to start", timeout=30)
        tm.wait_for(r"alpha/tick \| a \d+", timeout=30)

    def test_gaps_are_noted_where_they_happened(self):
        tm = self.start()
        tm.wait_for("alpha")
        self.mark("alpha")
        self.mark("beta")
        tm.keys("L")
        tm.wait_for(r"\[logs: 2 live\]", timeout=30)
        tm.wait_for(r"beta/tick \| b \d+", timeout=30)
        # fleetsim goes away: each follower is interrupted, said once.
        port = int(self.sim.endpoint.rsplit(":", 1)[1].split("/")[0])
        self.assertEqual(self.sim.stop(), 0, self.sim.stderr)
        s = tm.wait_for(r"(?s)── alpha/tick: log interrupted \(.+── beta/tick: log interrupted|"
                        r"── beta/tick: log interrupted \(.+── alpha/tick: log interrupted",
                        timeout=60)
        tm.wait_for(r"\[logs: 2 retrying\]", timeout=30)
        # Back (same port, same credentials; its containers start again from
        # line 1): resumed, the note before the first line that came back.
        self.sim = Fleetsim("--listen", "127.0.0.1:%d" % port, fleet=self.fleet)
        tm.wait_for(r"\[logs: 2 live\]", timeout=60)

        def back():
            lines = self.cast_lines(self.cast_text())
            return all("── %s: resumed ──" % t in lines[:-1] and
                       lines.index("── %s: resumed ──" % t) < max(
                           i for i, l in enumerate(lines) if l.startswith(t + " |"))
                       for t in ("alpha/tick", "beta/tick"))
        self.assertTrue(wait_until(back, timeout=60), self.cast_lines(self.cast_text()))
        lines = self.cast_lines(self.cast_text())
        for tag, letter in (("alpha/tick", "a"), ("beta/tick", "b")):
            notes = [l for l in lines if l.startswith("── %s:" % tag)]
            self.assertEqual(len([l for l in notes if "interrupted" in l]), 1, notes)
            self.assertEqual(notes[-1], "── %s: resumed ──" % tag, notes)
            after = lines[lines.index(notes[-1]) + 1:]
            self.assertEqual([l for l in after if l.startswith(tag + " |")][0],
                             "%s | %s 1" % (tag, letter), after[:5])

    def test_previous_instance_log(self):
        tm = self.start()
        self.assertTrue(wait_until(lambda: self.sim.client().call(
            "DescribeContainerGroups", {"RegionId": R, "ContainerGroupIds": json.dumps(["g-crash"])})
            ["ContainerGroups"][0]["Containers"][0]["RestartCount"] >= 1, timeout=60))
        tm.wait_for("crash")
        tm.keys("/")
        tm.type("crash")
        tm.keys("Enter", "p")
        s = tm.wait_for(r"r1/crash/app \[log\] \[previous instance, whole\]", timeout=30)
        s = tm.wait_for(r"end of the previous instance's log")
        title = [l for l in s.split("\n") if "[log]" in l][0]
        n = int(re.search(r"─ (\d+)", title).group(1))
        text = pane_text(s, panes(s)[n])
        self.assertRegex(text, r"hello from \d+\s*\n\s*bye")
        # Its pid is an earlier instance's than the one running now, or the same as
        # fleetsim's previous one.
        prev = [t for _, t in self.sim_log("g-crash", "app", LastTime="true")]
        pid = re.search(r"hello from (\d+)", text).group(1)
        self.assertTrue(prev and int(pid) <= int(prev[0].split()[-1]), (pid, prev))
        tm.keys("C-b", "x")
        tm.wait_gone(r"\[log\]")
        # One that never restarted: fleetsim's reason, in the pane and said.
        tm.keys("C-b", "Tab", "/", "C-u")
        tm.type("alpha")
        tm.keys("Enter", "p")
        s = tm.wait_for(r"has not restarted", timeout=30)
        # On a region row, p says what it wants.
        tm.keys("C-b", "x")
        tm.wait_gone(r"\[log\]")
        tm.keys("C-b", "Tab", "/", "C-u", "Enter", "g")
        tm.keys("p")
        tm.wait_for("previous log: put the cursor on a container")


if __name__ == "__main__":
    unittest.main()
