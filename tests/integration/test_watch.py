"""Watching a fleet: fleetsim's DescribeContainerLog, metrics and events over
the wire (an independent Python signer), restarts and the OOM killer on real
processes, and fleetmux's providers following logs and asking for metrics
(through build/fmwatch, which drives them as the UI will)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import ROOT, BUILD, ApiError, Fleetsim, wait_until  # noqa: E402

FMWATCH = os.path.join(ROOT, BUILD, "fmwatch")
R = "r1"

# A counter that prints fast: 20 lines in a burst, then a short pause.
COUNTER = ("i=0; while [ $i -lt 100000 ]; do j=0; while [ $j -lt 20 ]; do i=$((i+1)); j=$((j+1)); "
           "echo \"n=$i\"; done; sleep 0.1; done; sleep 100000")
CRASH = {"id": "g-crash", "name": "crash", "restart_backoff": 1, "containers": [
    {"name": "app", "command": ["sh", "-c", "echo \"hello from $$\"; sleep 2; echo bye >&2; exit 3"]}]}
COUNT = {"id": "g-count", "name": "count", "containers": [
    {"name": "counter", "command": ["sh", "-c", COUNTER]}]}
FLEET = {"regions": [{"id": R, "zones": ["r1-a"], "groups": [
    {"id": "g-busy", "name": "busy", "containers": [
        {"name": "spin", "command": ["sh", "-c", "while :; do :; done # fm-spin-marker"]}]},
    {"id": "g-idle", "name": "idle", "containers": [
        {"name": "nap", "command": ["sleep", "100000"]}]},
    COUNT,
    CRASH,
    {"id": "g-oom", "name": "oom", "restart_policy": "Never", "containers": [
        {"name": "hog", "memory": 0.03, "command": [
            "sh", "-c", "x=; i=0; while [ $i -lt 100 ]; do x=\"$x$(head -c 1048576 /dev/zero | tr '\\0' e)\"; "
            "i=$((i+1)); echo loaded $i; sleep 0.1; done; sleep 100000"]}]},
    {"id": "g-wait", "name": "wait", "status": "Pending", "containers": [
        {"name": "w", "state": "Waiting", "reason": "ImagePulling"}]},
    {"id": "g-static", "name": "static", "containers": [
        {"name": "s", "log": ["one", "two", "three"], "restart_count": 2,
         "previous_log": ["old one", "old two"]}]},
]}]}

SIM = None
FLEET_FILE = None


def fleet_file(*groups):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"regions": [{"id": R, "groups": list(groups)}]}, f)
    f.close()
    return f.name


def setUpModule():
    global SIM, FLEET_FILE
    FLEET_FILE = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(FLEET, FLEET_FILE)
    FLEET_FILE.close()
    SIM = Fleetsim(fleet=FLEET_FILE.name)


def tearDownModule():
    rc = SIM.stop()
    os.unlink(FLEET_FILE.name)
    assert rc == 0, "fleetsim exited %s: %s" % (rc, SIM.stderr)


def call(action, **params):
    return SIM.client().call(action, dict(RegionId=R, **params))


def log(group, container, **params):
    return call("DescribeContainerLog", ContainerGroupId=group, ContainerName=container, **params)


def groups():
    return {g["ContainerGroupId"]: g for g in call("DescribeContainerGroups")["ContainerGroups"]}


STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (.*)$")


def stamped(content):
    out = []
    for line in content.splitlines():
        m = STAMP.match(line)
        assert m, "not a stamped line: %r" % line
        out.append((m.group(1), m.group(2)))
    return out


def fmwatch(sim, *args, timeout=60):
    cmd = [FMWATCH, "--provider", "eci", "--endpoint", sim.endpoint, "--key-id", sim.key_id,
           "--secret", sim.secret] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    events = [json.loads(l) for l in p.stdout.splitlines()]
    return p.returncode, events, p.stderr


def numbers(events):
    return [int(e["text"][2:]) for e in events if e["event"] == "line" and e["text"].startswith("n=")]


class Logs(unittest.TestCase):
    def test_tail_since_start_time_and_limit_bytes(self):
        wait_until(lambda: len(log("g-count", "counter", Tail=2000)["Content"].splitlines()) >= 600)
        lines = stamped(log("g-count", "counter", Tail=5, Timestamps="true")["Content"])
        self.assertEqual(len(lines), 5)
        # Default Tail is 500.
        self.assertEqual(len(log("g-count", "counter")["Content"].splitlines()), 500)
        # StartTime is inclusive: the line at that very time comes back.
        full = stamped(log("g-count", "counter", Tail=2000, Timestamps="true")["Content"])
        at = full[100][0]
        since = stamped(log("g-count", "counter", Tail=2000, Timestamps="true", StartTime=at)["Content"])
        self.assertEqual(since[0], full[100])
        # Whole-second StartTime: everything of that second and after.
        sec = at[:19] + "Z"
        since = stamped(log("g-count", "counter", Tail=2000, Timestamps="true", StartTime=sec)["Content"])
        self.assertTrue(all(t[:19] >= sec[:19] for t, _ in since))
        self.assertIn(full[100], since)
        # LimitBytes keeps the front, as kubelet does.
        c = log("g-static", "s", LimitBytes=6)["Content"]
        self.assertEqual(c, "one\ntw")
        c = log("g-count", "counter", SinceSeconds=1, Tail=2000)["Content"]
        self.assertLess(len(c.splitlines()), len(full))

    def test_parameter_errors(self):
        cases = [({"Tail": 2001}, "InvalidParameter"), ({"LimitBytes": 0}, "InvalidParameter"),
                 ({"LimitBytes": 1048577}, "InvalidParameter"),
                 ({"StartTime": "yesterday"}, "InvalidParameter"),
                 ({"SinceSeconds": 5, "StartTime": "2024-01-01T00:00:00Z"}, "InvalidParameter"),
                 ({"LastTime": "maybe"}, "InvalidParameter")]
        for params, code in cases:
            with self.assertRaises(ApiError) as cm:
                log("g-static", "s", **params)
            self.assertEqual((cm.exception.status, cm.exception.code), (400, code), params)
        with self.assertRaises(ApiError) as cm:
            log("g-idle", "nap", LastTime="true")
        self.assertEqual(cm.exception.code, "IncorrectStatus")
        with self.assertRaises(ApiError) as cm:
            log("g-wait", "w")
        self.assertEqual(cm.exception.code, "IncorrectStatus")
        self.assertIn("waiting to start: ImagePulling", cm.exception.body["Message"])

    def test_previous_instance_of_a_static_container(self):
        self.assertEqual(log("g-static", "s", LastTime="true")["Content"], "old one\nold two\n")
        self.assertEqual(log("g-static", "s")["Content"], "one\ntwo\nthree\n")


class Life(unittest.TestCase):
    def test_a_crashing_container_restarts_with_its_previous_state_events_and_log(self):
        self.assertTrue(wait_until(
            lambda: groups()["g-crash"]["Containers"][0]["RestartCount"] >= 1, timeout=30))
        g = groups()["g-crash"]
        c = g["Containers"][0]
        self.assertEqual(g["Status"], "Running")
        self.assertEqual(g["RestartPolicy"], "Always")
        prev = c["PreviousState"]
        self.assertEqual((prev["State"], prev["ExitCode"], prev["Reason"]), ("Terminated", 3, "Error"))
        self.assertTrue(prev["StartTime"] <= prev["FinishTime"])
        reasons = {e["Reason"]: e for e in g["Events"]}
        self.assertEqual(reasons["BackOff"]["Type"], "Warning")
        self.assertIn("Back-off restarting failed container app", reasons["BackOff"]["Message"])
        self.assertGreaterEqual(reasons["Started"]["Count"], 2)
        for e in g["Events"]:
            for k in ("Count", "Type", "Name", "Message", "FirstTimestamp", "LastTimestamp", "Reason"):
                self.assertIn(k, e)
            self.assertTrue(e["Name"].startswith("g-crash."))
        # The previous instance's log, its last words included, and the new one's.
        before = log("g-crash", "app", LastTime="true")["Content"]
        self.assertRegex(before, r"^hello from \d+\nbye\n$")
        self.assertTrue(wait_until(lambda: "hello" in log("g-crash", "app")["Content"], timeout=10))
        now = log("g-crash", "app")["Content"]
        self.assertNotEqual(now.splitlines()[0], before.splitlines()[0])  # another process

    def test_over_its_memory_limit_a_container_is_oom_killed(self):
        self.assertTrue(wait_until(
            lambda: groups()["g-oom"]["Containers"][0]["CurrentState"]["State"] == "Terminated",
            timeout=40))
        g = groups()["g-oom"]
        st = g["Containers"][0]["CurrentState"]
        self.assertEqual((st["Reason"], st["ExitCode"]), ("OOMKilled", 137))
        self.assertEqual(g["Status"], "Failed")  # RestartPolicy Never, and it failed
        self.assertIn("OOMKilling", [e["Reason"] for e in g["Events"] if e["Type"] == "Warning"])
        self.assertIn("loaded", log("g-oom", "hog")["Content"])
        with self.assertRaises(ApiError) as cm:
            SIM.client().call("ExecContainerCommand", {
                "RegionId": R, "ContainerGroupId": "g-oom", "ContainerName": "hog",
                "Command": json.dumps(["true"])})
        self.assertEqual(cm.exception.code, "IncorrectStatus")


def spin_cpu_ns():
    """CPU time of the busy container's loop, as the host's /proc says."""
    pids = subprocess.run(["pgrep", "-f", "fm-spin-marker"], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in pids:
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total * 1e9 / os.sysconf("SC_CLK_TCK")


def latest(ids):
    r = call("DescribeMultiContainerGroupMetric", ContainerGroupIds=json.dumps(ids), MetricType="summary")
    return {d["ContainerGroupId"]: d["Records"] for d in r["MonitorDatas"]}


class Metrics(unittest.TestCase):
    def test_busy_loop_near_a_core_idle_near_nothing(self):
        """fleetsim's figures are the processes' own: its CPU total moves as
        the busy loop's /proc counter does, and its rate is that share of a
        core (near 100 % when the machine has a core to give; the test
        machine may be busy, so the truth is measured alongside)."""
        wait_until(lambda: latest(["g-busy"])["g-busy"][0]["CPU"]["UsageCoreNanoSeconds"] > 0)
        t0, truth0 = time.time(), spin_cpu_ns()
        first = latest(["g-busy", "g-idle"])
        rates = []
        for _ in range(6):
            time.sleep(1)
            rates.append(latest(["g-busy"])["g-busy"][0]["Containers"][0]["CPU"]["UsageNanoCores"])
        last = latest(["g-busy", "g-idle"])
        t1, truth1 = time.time(), spin_cpu_ns()
        busy0 = first["g-busy"][0]["Containers"][0]["CPU"]["UsageCoreNanoSeconds"]
        busy1 = last["g-busy"][0]["Containers"][0]["CPU"]["UsageCoreNanoSeconds"]
        truth_share = (truth1 - truth0) / ((t1 - t0) * 1e9)
        share = sum(rates) / len(rates) / 1e9
        self.assertGreater(truth_share, 0.05, "the busy loop did not run")
        # The total follows the process's own counter (1 s sampling: ±1.5 s of CPU).
        self.assertLess(abs((busy1 - busy0) - (truth1 - truth0)), 1.5e9,
                        (busy1 - busy0, truth1 - truth0))
        self.assertLess(abs(share - truth_share), 0.25, (share, truth_share))
        if truth_share > 0.9:
            self.assertGreater(share, 0.8)
        idle = last["g-idle"][0]["Containers"][0]["CPU"]["UsageNanoCores"]
        self.assertLess(idle, 0.02e9)
        self.assertGreater(share, 10 * idle / 1e9)
        # Memory: the processes' own, under the limit.
        mem = last["g-busy"][0]["Containers"][0]["Memory"]
        self.assertGreater(mem["WorkingSet"], 100 * 1024)
        self.assertEqual(mem["UsageBytes"], mem["Rss"] + mem["Cache"])
        self.assertEqual(mem["AvailableBytes"], 2 * 1024 ** 3 - mem["WorkingSet"])

    def test_multi_shape_and_errors(self):
        r = call("DescribeMultiContainerGroupMetric",
                 ContainerGroupIds=json.dumps(["g-idle", "nope", "g-wait"]))
        self.assertIn("RequestId", r)
        datas = {d["ContainerGroupId"]: d for d in r["MonitorDatas"]}
        self.assertEqual(sorted(datas), ["g-idle", "g-wait"])  # unknown ids are left out
        self.assertEqual(datas["g-wait"]["Records"], [])        # not running: no data
        rec = datas["g-idle"]["Records"][0]
        self.assertRegex(rec["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$")
        for k in ("Limit", "Load", "UsageCoreNanoSeconds", "UsageNanoCores"):
            self.assertIn(k, rec["CPU"])
        for k in ("AvailableBytes", "UsageBytes", "Rss", "WorkingSet", "Cache"):
            self.assertIn(k, rec["Memory"])
        self.assertEqual(rec["Network"]["Interfaces"][0]["Name"], "eth0")
        self.assertEqual([c["Name"] for c in rec["Containers"]], ["nap"])
        for params, code in (({"ContainerGroupIds": json.dumps(["g"] * 21)},
                              "InvalidParameter.ValueExceeded"),
                             ({"ContainerGroupIds": "g-idle"}, "InvalidParameter"),
                             ({"ContainerGroupIds": "[]", "MetricType": "detail"}, "InvalidParameter"),
                             ({}, "MissingParameter")):
            with self.assertRaises(ApiError) as cm:
                call("DescribeMultiContainerGroupMetric", **params)
            self.assertEqual(cm.exception.code, code, params)

    def test_history_records_periods_and_limits(self):
        # The first 15 s record needs a 15 s boundary passed since the start;
        # one that closes right after the start may hold no measured second
        # yet (zero), so wait for the next, which must show the busy loop.
        def newest():
            recs = call("DescribeContainerGroupMetric", ContainerGroupId="g-busy")["Records"]
            return recs[-1] if recs else None
        self.assertTrue(wait_until(lambda: (newest() or {}).get("CPU", {}).get("UsageNanoCores", 0) > 0,
                                   timeout=60))
        r = call("DescribeContainerGroupMetric", ContainerGroupId="g-busy")
        self.assertEqual(r["ContainerGroupId"], "g-busy")
        rec = r["Records"][-1]
        self.assertRegex(rec["Timestamp"], r":\d\d:(00|15|30|45)\.000\+08:00$")
        self.assertGreater(rec["CPU"]["UsageNanoCores"], 0)
        now = time.time()

        def iso(t):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        r = call("DescribeContainerGroupMetric", ContainerGroupId="g-busy",
                 StartTime=iso(now - 600), EndTime=iso(now), Period=60)
        self.assertLessEqual(len(r["Records"]), 11)
        for params in ({"Period": 10}, {"StartTime": iso(now - 3600), "Period": 60},
                       {"StartTime": iso(now - 40 * 86400)}, {"StartTime": iso(now), "EndTime": iso(now - 60)},
                       {"EndTime": "soon"}):
            with self.assertRaises(ApiError) as cm:
                call("DescribeContainerGroupMetric", ContainerGroupId="g-busy", **params)
            self.assertEqual(cm.exception.code, "InvalidParameter", params)
        # A group that is not running has no records; one with nothing in it has zeros.
        self.assertEqual(call("DescribeContainerGroupMetric", ContainerGroupId="g-wait")["Records"], [])
        zeros = call("DescribeContainerGroupMetric", ContainerGroupId="g-static")["Records"]
        self.assertGreaterEqual(len(zeros), 19)
        self.assertEqual(zeros[0]["CPU"]["UsageNanoCores"], 0)


class Provider(unittest.TestCase):
    """fleetmux's ECI provider (through fmwatch)."""

    def assert_consecutive(self, ns):
        self.assertGreater(len(ns), 50)
        self.assertEqual(ns, list(range(ns[0], ns[0] + len(ns))), "lost or repeated lines")

    def test_follow_shows_every_line_once(self):
        rc, ev, err = fmwatch(SIM, "logs", R, "g-count", "counter", "--tail", "10", "--seconds", "6")
        self.assertEqual(rc, 0, err)
        self.assertEqual(ev[0], {"event": "state", "state": "live"})
        ns = numbers(ev)
        self.assert_consecutive(ns)
        # Every line carries its time, in the log's order. The times are
        # RFC 3339 with trailing zeros trimmed (.07929Z): compared as
        # instants, not as text, where 'Z' sorts after a digit.
        def instant(ts):
            whole, _, frac = ts.rstrip("Z").partition(".")
            return whole, frac.ljust(9, "0")
        times = [instant(e["time"]) for e in ev if e["event"] == "line"]
        self.assertEqual(times, sorted(times))

    def test_follow_through_throttling_and_failures(self):
        path = fleet_file(COUNT)
        try:
            with Fleetsim("--throttle-rate", "0.4", "--fail-rate", "0.1", "--seed", "7",
                          fleet=path) as sim:
                rc, ev, err = fmwatch(sim, "logs", R, "g-count", "counter", "--tail", "0",
                                      "--seconds", "8")
        finally:
            os.unlink(path)
        self.assertEqual(rc, 0, err)
        ns = numbers(ev)
        self.assert_consecutive(ns)
        self.assertGreater(ns[0], 1)  # tail 0: no backlog

    def test_previous_instance_once(self):
        self.assertTrue(wait_until(
            lambda: groups()["g-crash"]["Containers"][0]["RestartCount"] >= 1, timeout=30))
        rc, ev, err = fmwatch(SIM, "logs", R, "g-crash", "app", "--previous")
        self.assertEqual(rc, 0, err)
        texts = [e["text"] for e in ev if e["event"] == "line"]
        self.assertRegex(texts[0], r"^hello from \d+$")
        self.assertEqual(texts[1], "bye")
        self.assertEqual(ev[-1], {"event": "state", "state": "done"})
        rc, ev, _ = fmwatch(SIM, "logs", R, "g-idle", "nap", "--previous")
        self.assertEqual(rc, 1)
        self.assertEqual((ev[-1]["state"], ev[-1]["vendor"], ev[-1]["http_status"]),
                         ("failed", "IncorrectStatus", 400))

    def test_follow_across_restarts(self):
        # A fresh one: the back-off doubles with every restart.
        path = fleet_file(CRASH)
        try:
            with Fleetsim(fleet=path) as sim:
                rc, ev, err = fmwatch(sim, "logs", R, "g-crash", "app", "--seconds", "10")
        finally:
            os.unlink(path)
        self.assertEqual(rc, 0, err)
        hellos = [e["text"] for e in ev if e["event"] == "line" and e["text"].startswith("hello")]
        # Each instance says hello once, from its own process.
        self.assertGreaterEqual(len(hellos), 2, ev)
        self.assertEqual(len(set(hellos)), len(hellos))

    def test_closed_from_inside_its_callback(self):
        rc, ev, err = fmwatch(SIM, "logs", R, "g-count", "counter", "--tail", "50", "--close-at", "5",
                              "--seconds", "10")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(numbers(ev)), 5)

    def test_unknown_group_fails_with_the_cause(self):
        rc, ev, _ = fmwatch(SIM, "logs", R, "g-none", "x", "--seconds", "5")
        self.assertEqual(rc, 1)
        self.assertEqual((ev[-1]["state"], ev[-1]["vendor"]), ("failed", "InvalidParameter.ContainerGroupId"))

    def test_metrics_now_and_history(self):
        ids = ["g-busy", "g-idle", "g-wait", "g-crash"] + ["g-x%d" % i for i in range(20)]
        rc, ev, err = fmwatch(SIM, "metrics", R, *ids)
        self.assertEqual(rc, 0, err)
        got = {s["group"]: s for s in ev[0]["samples"]}
        self.assertIn("g-busy", got)
        self.assertNotIn("g-wait", got)  # no data for a group that does not run
        self.assertGreater(got["g-busy"]["cpu_percent"], got["g-idle"]["cpu_percent"])
        self.assertLess(got["g-idle"]["cpu_percent"], 2)
        self.assertEqual(got["g-idle"]["mem_limit"], 4 * 1024 ** 3)
        self.assertEqual(got["g-idle"]["containers"][0]["mem_limit"], 2 * 1024 ** 3)
        self.assertGreater(got["g-idle"]["mem_used"], 0)
        self.assertIsNone(ev[0]["error"])
        self.assertTrue(wait_until(lambda: len(call("DescribeContainerGroupMetric",
                                                    ContainerGroupId="g-busy")["Records"]) >= 1,
                                   timeout=40))
        rc, ev, err = fmwatch(SIM, "metrics", R, "g-busy", "--history", "--period", "15")
        self.assertEqual(rc, 0, err)
        hist = ev[0]["samples"]
        self.assertGreaterEqual(len(hist), 1)
        self.assertEqual([s["time"] for s in hist], sorted(s["time"] for s in hist))
        self.assertGreater(hist[-1]["cpu_percent"], 0)
        rc, ev, _ = fmwatch(SIM, "metrics", R, "g-busy", "--history", "--period", "7")
        self.assertEqual(rc, 1)
        self.assertEqual(ev[0]["error"]["vendor"], "InvalidParameter")


if __name__ == "__main__":
    unittest.main()
