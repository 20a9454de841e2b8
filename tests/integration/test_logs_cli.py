"""fleetmux logs against fleetsim: --json --since gives exactly the lines of
the window DescribeContainerLog has, several containers' lines merged by
time, --grep, --follow until SIGTERM, and a bad target named on stderr
without losing the others' lines."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim, wait_until  # noqa: E402
from tui import FLEETMUX  # noqa: E402

R = "r1"
# Ten lines a second each, numbered, so that every line is told apart.
TICK = "i=0; while :; do i=$((i+1)); echo \"%s $i\"; sleep 0.1; done"
FLEET = {"regions": [{"id": R, "zones": ["r1-a"], "groups": [
    {"id": "g-a", "name": "alpha", "containers": [
        {"name": "tick", "command": ["sh", "-c", TICK % "a"]}]},
    {"id": "g-b", "name": "beta", "containers": [
        {"name": "tick", "command": ["sh", "-c", TICK % "b"]},
        {"name": "side", "command": ["sh", "-c", TICK % "side"]}]},
    {"id": "g-s", "name": "static", "containers": [
        {"name": "s", "log": ["one", "two", "three"]}]},
    {"id": "g-d", "name": "done", "status": "Succeeded", "containers": [
        {"name": "job", "state": "Terminated", "exit_code": 0, "log": ["finished"]}]},
]}]}

SIM = None
FLEET_FILE = None
STAMP = re.compile(r"^(\S+) (.*)$")


def setUpModule():
    global SIM, FLEET_FILE
    FLEET_FILE = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(FLEET, FLEET_FILE)
    FLEET_FILE.close()
    SIM = Fleetsim(fleet=FLEET_FILE.name)
    # Some backlog on every ticker before the tests read it.
    wait_until(lambda: len(sim_log("g-a", "tick")) >= 30 and len(sim_log("g-b", "side")) >= 30)


def tearDownModule():
    rc = SIM.stop()
    os.unlink(FLEET_FILE.name)
    assert rc == 0, "fleetsim exited %s: %s" % (rc, SIM.stderr)


def env():
    # Only what the test says: no config, credentials, engine or profile
    # from the user's environment.
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("ALIBABA", "ALICLOUD", "FLEETMUX", "HYPER", "XDG_", "DOCKER_"))}
    e.update(ALIBABA_CLOUD_ACCESS_KEY_ID=SIM.key_id, ALIBABA_CLOUD_ACCESS_KEY_SECRET=SIM.secret,
             HOME="/nonexistent", XDG_CONFIG_HOME="/nonexistent/.config",
             XDG_DATA_HOME="/nonexistent/.local/share", DOCKER_HOST="unix:///nonexistent/docker.sock")
    return e


def argv(*args):
    return [FLEETMUX, "logs", "--provider", "eci", "--endpoint", SIM.endpoint] + list(args)


def logs(*args, timeout=60):
    return subprocess.run(argv(*args), capture_output=True, text=True, timeout=timeout, env=env())


def sim_log(group, container, **params):
    """(time, text) of each line, as DescribeContainerLog gives them."""
    content = SIM.client().call("DescribeContainerLog", dict(
        RegionId=R, ContainerGroupId=group, ContainerName=container, Timestamps="true",
        Tail=2000, **params))["Content"]
    return [STAMP.match(l).groups() for l in content.splitlines()]


def ns(ts):
    """RFC 3339 (UTC, Z) to integer nanoseconds, exactly."""
    whole, _, frac = ts.rstrip("Z").partition(".")
    secs = int(time.mktime(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))) - time.timezone
    return secs * 10**9 + int((frac + "000000000")[:9])


def records(p):
    return [json.loads(l) for l in p.stdout.splitlines()]


class Logs(unittest.TestCase):
    def test_json_since_is_exactly_the_window(self):
        since = 3
        t0 = time.time_ns()
        p = logs("--json", "--since", "%ds" % since, "alpha/tick")
        t1 = time.time_ns()
        self.assertEqual(p.returncode, 0, p.stderr)
        got = records(p)
        self.assertTrue(got, p.stderr)
        for r in got:
            self.assertEqual(set(r), {"target", "ts", "stream", "line"})
            self.assertEqual(r["target"], "r1/alpha/tick")
            self.assertEqual(r["stream"], "stdout")
        full = sim_log("g-a", "tick")
        # fleetmux prints every time with nine digits (fleetsim cuts zeros,
        # as kubelet does): the same instant either way.
        for r in got:
            self.assertRegex(r["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
        full = [(ns(t), line) for t, line in full]
        pairs = [(ns(r["ts"]), r["line"]) for r in got]
        # A contiguous run of the log, each line once, as fleetsim has it.
        start = full.index(pairs[0])
        self.assertEqual(full[start:start + len(pairs)], pairs)
        # Nothing older than the window as it was when fleetmux started,
        # and every line of the window as it was when it ended, up to the
        # start (SinceSeconds is whole seconds back from when fleetsim is
        # asked).
        lo, hi = t0 - since * 10**9, t1 - since * 10**9
        self.assertGreaterEqual(pairs[0][0], lo - 10**9, pairs[0])
        must = [l for l in full if hi <= l[0] <= t0]
        for l in must:
            self.assertIn(l, pairs)
        self.assertGreaterEqual(len(pairs), 20)
        # The backlog's end: nothing written after fleetmux was started.
        self.assertLessEqual(pairs[-1][0], t1)
        # And the window as fleetsim's own SinceSeconds draws it.
        direct = [(ns(t), line) for t, line in sim_log("g-a", "tick", SinceSeconds=since)]
        self.assertTrue(set(direct) - set(pairs) <= {l for l in direct if l[0] > t0})

    def test_merged_by_time_across_containers(self):
        p = logs("--json", "--since", "5s", "--filter", "tick")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = records(p)
        targets = {r["target"] for r in got}
        self.assertEqual(targets, {"r1/alpha/tick", "r1/beta/tick"})
        times = [ns(r["ts"]) for r in got]
        self.assertEqual(times, sorted(times))
        # Each container's lines in its own order, none twice.
        for target in targets:
            nums = [int(r["line"].split()[1]) for r in got if r["target"] == target]
            self.assertEqual(nums, list(range(nums[0], nums[0] + len(nums))), target)

    def test_text_tags_and_timestamps(self):
        p = logs("--since", "2s", "--timestamps", "beta")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertTrue(lines)
        tags = set()
        for l in lines:
            m = re.match(r"^(beta/\w+) \| (\S+Z) (\w+) \d+$", l)
            self.assertTrue(m, l)
            tags.add(m.group(1))
        self.assertEqual(tags, {"beta/tick", "beta/side"})
        # A pipe gets no colour.
        self.assertNotIn("\033", p.stdout)

    def test_grep(self):
        p = logs("--json", "--since", "5s", "--grep", "^side [0-9]*7$", "beta/side", "alpha/tick")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = records(p)
        self.assertTrue(got)
        for r in got:
            self.assertRegex(r["line"], r"^side \d*7$")
            self.assertEqual(r["target"], "r1/beta/side")
        p = logs("--grep", "(", "alpha")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--grep", p.stderr)

    def test_tail_and_a_static_log(self):
        p = logs("--json", "static/s")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([r["line"] for r in records(p)], ["one", "two", "three"])
        p = logs("--json", "--tail", "2", "r1/static/s")
        self.assertEqual([r["line"] for r in records(p)], ["two", "three"])

    def test_an_ended_container_named_is_read(self):
        """A container that ended (or is between a crash loop's restarts)
        still has its log: named, it is read; a filter picks running ones."""
        p = logs("--json", "done/job")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([r["line"] for r in records(p)], ["finished"])
        p = logs("--json", "--filter", "done")
        self.assertEqual(records(p), [])

    def test_follow_until_sigterm(self):
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(argv("--json", "--follow", "--tail", "0", "alpha/tick"),
                                    stdout=out, stderr=subprocess.PIPE, text=True, env=env())
            try:
                def count():
                    out.seek(0)
                    return len(out.read().splitlines())
                self.assertTrue(wait_until(lambda: count() >= 15, timeout=60))  # (under ASan on a loaded machine, the ticks come slower)
                proc.send_signal(signal.SIGTERM)
                rc = proc.wait(timeout=15)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            err = proc.stderr.read()
            proc.stderr.close()
            self.assertEqual(rc, 0, err)
            out.seek(0)
            got = [json.loads(l) for l in out.read().splitlines()]
        nums = [int(r["line"].split()[1]) for r in got]
        # Followed across polls: consecutive, none lost, none twice.
        self.assertEqual(nums, list(range(nums[0], nums[0] + len(nums))))
        times = [ns(r["ts"]) for r in got]
        self.assertEqual(times, sorted(times))

    def test_a_bad_target_is_named_and_the_others_still_print(self):
        p = logs("--json", "--since", "2s", "alpha/tick", "nosuch/thing")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nosuch/thing", p.stderr)
        self.assertIn("fleetmux logs:", p.stderr)
        self.assertTrue(records(p))
        self.assertEqual({r["target"] for r in records(p)}, {"r1/alpha/tick"})
        p = logs("--since", "ten minutes", "alpha")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--since", p.stderr)

    def test_a_provider_error_names_the_target(self):
        # A wrong secret: the listing fails, said on stderr, exit 1.
        e = env()
        e["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "wrong"
        p = subprocess.run(argv("--json", "alpha"), capture_output=True, text=True, timeout=60, env=e)
        self.assertEqual(p.returncode, 1)
        self.assertIn("fleetmux logs:", p.stderr)
        self.assertEqual(p.stdout, "")
        # Nothing was listed: the name is not said to be wrong; the end
        # says what run says.
        self.assertNotIn("no container by that name", p.stderr)
        self.assertRegex(p.stderr, r"fleetmux logs: nothing could be listed \(\d+ errors? above\)")


if __name__ == "__main__":
    unittest.main()
