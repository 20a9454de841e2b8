"""fleetsim over the wire: every action and error, signed by an independent
Python signer, and exec sessions driven by python3-websockets."""
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import ApiError, Fleetsim, rss_kb  # noqa: E402

import websockets  # noqa: E402  (Debian's python3-websockets)

SIM = None
WEB1 = "eci-bp1web000000000001"


def setUpModule():
    global SIM
    SIM = Fleetsim()


def tearDownModule():
    rc = SIM.stop()
    assert rc == 0, "fleetsim exited %s: %s" % (rc, SIM.stderr)


def exec_params(command, group=WEB1, container="nginx", region="cn-hangzhou", **kw):
    p = {"RegionId": region, "ContainerGroupId": group, "ContainerName": container,
         "Command": json.dumps(command)}
    p.update({k: v for k, v in kw.items()})
    return p


async def run_ws(uri, sends=(), timeout=15, subprotocols=None, read_delay=0):
    """Connect, send frames, collect every frame until the server closes.
    Returns (frames by channel, close code, close reason)."""
    out = {1: bytearray(), 2: bytearray(), 3: bytearray()}
    async with websockets.connect(uri, subprotocols=subprotocols, max_size=None) as ws:
        for s in sends:
            if isinstance(s, (int, float)):
                await asyncio.sleep(s)
            else:
                await ws.send(s)
        if read_delay:
            await asyncio.sleep(read_delay)
        try:
            while True:
                m = await asyncio.wait_for(ws.recv(), timeout)
                assert isinstance(m, bytes), "frames must be binary"
                if len(m) >= 1:
                    out.setdefault(m[0], bytearray()).extend(m[1:])
        except websockets.ConnectionClosed:
            pass
        return {k: bytes(v) for k, v in out.items()}, ws.close_code, ws.close_reason


def resize(cols, rows):
    return b"\x04" + json.dumps({"Width": cols, "Height": rows}).encode()


class Api(unittest.TestCase):
    def test_describe_regions_v1_and_v3(self):
        for sign in ("v1", "v3"):
            r = SIM.client().call("DescribeRegions", sign=sign)
            ids = [x["RegionId"] for x in r["Regions"]]
            self.assertEqual(ids[:3], ["cn-hangzhou", "cn-shanghai", "ap-southeast-1"])
            self.assertEqual(r["Regions"][0]["RegionEndpoint"], "eci.cn-hangzhou.aliyuncs.com")
            self.assertIn("RequestId", r)

    def test_v1_get_and_form_post(self):
        c = SIM.client()
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-shanghai"}, sign="v1", method="GET")
        self.assertEqual(r["TotalCount"], 4)
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-shanghai"}, sign="v1", form=True)
        self.assertEqual(r["TotalCount"], 4)
        names = [g["ContainerGroupName"] for g in r["ContainerGroups"]]
        self.assertIn("缓存-redis", names)

    def test_paging_a_region_of_47(self):
        for sign in ("v1", "v3"):
            c, token, seen, pages = SIM.client(), "", [], 0
            while True:
                p = {"RegionId": "us-west-1", "Limit": 20}
                if token:
                    p["NextToken"] = token
                r = c.call("DescribeContainerGroups", p, sign=sign)
                self.assertEqual(r["TotalCount"], 47)
                seen += [g["ContainerGroupId"] for g in r["ContainerGroups"]]
                pages += 1
                token = r["NextToken"]
                if not token:
                    break
            self.assertEqual(pages, 3)
            self.assertEqual(len(seen), 47)
            self.assertEqual(len(set(seen)), 47)

    def test_group_shape(self):
        r = SIM.client().call("DescribeContainerGroups", {
            "RegionId": "cn-hangzhou", "ContainerGroupIds": json.dumps([WEB1])})
        g = r["ContainerGroups"][0]
        for k in ("ContainerGroupId", "ContainerGroupName", "RegionId", "ZoneId", "Status", "Cpu",
                  "Memory", "InstanceType", "IntranetIp", "InternetIp", "CreationTime", "Tags",
                  "Events", "Containers"):
            self.assertIn(k, g)
        self.assertEqual(g["Tags"], [{"Key": "app", "Value": "web"}, {"Key": "env", "Value": "prod"}])
        c = g["Containers"][1]
        self.assertEqual(c["Name"], "log-shipper")
        self.assertEqual(c["RestartCount"], 3)
        self.assertEqual(c["CurrentState"]["State"], "Running")
        for k in ("Image", "Ready", "PreviousState", "Commands", "Args", "WorkingDir", "Tty", "Stdin"):
            self.assertIn(k, c)

    def test_filters(self):
        c = SIM.client()
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou", "Status": "Failed"})
        self.assertEqual([g["ContainerGroupName"] for g in r["ContainerGroups"]], ["nightly-report"])
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou", "ContainerGroupName": "api-server"})
        self.assertEqual(r["TotalCount"], 1)
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou", "Tag.1.Key": "env",
                                               "Tag.1.Value": "canary"})
        self.assertEqual([g["ContainerGroupName"] for g in r["ContainerGroups"]], ["deploy-canary"])
        r = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-j"})
        self.assertEqual(r["TotalCount"], 1)

    def error(self, *a, **kw):
        with self.assertRaises(ApiError) as cm:
            SIM.client().call(*a, **kw)
        return cm.exception

    def test_errors(self):
        e = self.error("DescribeContainerGroups", {"RegionId": "cn-hangzhou", "Limit": 50})
        self.assertEqual((e.status, e.code), (400, "InvalidParameter.Limit"))
        e = self.error("DescribeContainerGroups", {})
        self.assertEqual((e.status, e.code), (400, "MissingParameter"))
        for k in ("RequestId", "HostId", "Code", "Message", "Recommend"):
            self.assertIn(k, e.body)
        e = self.error("StartContainerGroup", {"RegionId": "cn-hangzhou"})
        self.assertEqual((e.status, e.code), (404, "InvalidAction.NotFound"))
        e = self.error("ExecContainerCommand", exec_params(["a"] * 21))
        self.assertEqual(e.code, "InvalidParameter.ValueExceeded")
        e = self.error("ExecContainerCommand", exec_params(["x" * 257]))
        self.assertEqual(e.code, "InvalidParameter.ValueExceeded")
        e = self.error("ExecContainerCommand", exec_params(["sh"], group="eci-bp1job000000000001",
                                                          container="report"))
        self.assertEqual((e.status, e.code), (400, "IncorrectStatus"))
        e = self.error("ExecContainerCommand", exec_params(["sh"], container="nope"))
        self.assertEqual(e.code, "InvalidParameter.ContainerName")

    def test_auth_errors(self):
        for sign in ("v1", "v3"):
            e = self.error("DescribeRegions", sign=sign, secret="wrong")
            self.assertEqual((e.status, e.code), (400, "SignatureDoesNotMatch"))
            want = "POST&%2F&" if sign == "v1" else "ACS3-HMAC-SHA256\n"
            self.assertIn("server string to sign is:" + want, e.body["Message"])
            e = self.error("DescribeRegions", sign=sign, skew=-20 * 60)
            self.assertEqual(e.code, "InvalidTimeStamp.Expired")
            SIM.client().call("DescribeRegions", sign=sign, nonce="fixed-nonce-" + sign)
            e = self.error("DescribeRegions", sign=sign, nonce="fixed-nonce-" + sign)
            self.assertEqual(e.code, "SignatureNonceUsed")
            with self.assertRaises(ApiError) as cm:
                SIM.client().__class__(SIM.endpoint, "nobody", "x").call("DescribeRegions", sign=sign)
            self.assertEqual((cm.exception.status, cm.exception.code), (404, "InvalidAccessKeyId.NotFound"))

    def test_container_log_from_main_process(self):
        deadline = time.time() + 10
        while time.time() < deadline:
            r = SIM.client().call("DescribeContainerLog", {
                "RegionId": "cn-hangzhou", "ContainerGroupId": WEB1, "ContainerName": "nginx",
                "Tail": 5, "Timestamps": "true"})
            if "GET /healthz 200" in r["Content"]:
                break
            time.sleep(0.5)
        self.assertIn("GET /healthz 200 req=", r["Content"])
        # kubelet's times: RFC 3339 to the nanosecond, trailing zeros cut.
        self.assertRegex(r["Content"].splitlines()[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z ")

    def test_sync_exec(self):
        r = SIM.client().call("ExecContainerCommand", exec_params(
            ["sh", "-c", "echo out; echo err >&2; hostname; exit 4"], Sync="true"))
        self.assertIn("out\n", r["SyncResponse"])
        self.assertIn("err\n", r["SyncResponse"])
        self.assertIn("web-frontend-1", r["SyncResponse"])


class Exec(unittest.TestCase):
    def uri(self, command, **kw):
        r = SIM.client().call("ExecContainerCommand", exec_params(command, **kw))
        self.assertTrue(r["WebSocketUri"].startswith("ws://127.0.0.1:"))
        self.assertIn("/exec/?s=", r["WebSocketUri"])
        return r["WebSocketUri"]

    def test_tty_resize_hostname_exit_code(self):
        uri = self.uri(["sh"], TTY="true")
        out, code, reason = asyncio.run(run_ws(uri, [
            resize(132, 43), b"\x00stty size; hostname; echo TERM=$TERM; exit 3\n"]))
        text = out[1].decode()
        self.assertIn("43 132", text)
        self.assertIn("web-frontend-1", text)
        self.assertIn("TERM=xterm-256color", text)
        status = json.loads(out[3])
        self.assertEqual(status["status"], "Failure")
        self.assertEqual(status["details"]["causes"][0], {"reason": "ExitCode", "message": "3"})
        self.assertEqual(code, 1000)

    def test_slow_reader_gets_the_last_bytes(self):
        # The client reads nothing for longer than the sim's linger after
        # the exit: the output still on its way must arrive whole.
        uri = self.uri(["sh", "-c", "seq 1 1000000; echo END"], TTY="true")
        out, _, _ = asyncio.run(run_ws(uri, [], read_delay=5, timeout=60))
        text = out[1].decode()
        self.assertTrue(text.rstrip().endswith("1000000\r\nEND"), text[-80:])
        self.assertEqual(json.loads(out[3])["status"], "Success")

    def test_resize_again_after_start(self):
        uri = self.uri(["sh"], TTY="true")
        out, _, _ = asyncio.run(run_ws(uri, [
            resize(80, 24), b"\x00stty size\n", 0.3, resize(100, 30), b"\x00stty size; exit\n"]))
        self.assertIn("24 80", out[1].decode())
        self.assertIn("30 100", out[1].decode())
        self.assertEqual(json.loads(out[3])["status"], "Success")

    def test_no_tty_separates_stdout_and_stderr(self):
        uri = self.uri(["sh", "-c", "echo to-out; echo to-err >&2; test -t 0 || echo not-a-tty"])
        out, code, _ = asyncio.run(run_ws(uri))
        self.assertEqual(out[1], b"to-out\nnot-a-tty\n")
        self.assertEqual(out[2], b"to-err\n")
        self.assertEqual(json.loads(out[3])["status"], "Success")
        self.assertEqual(code, 1000)

    def test_stdin_without_tty(self):
        uri = self.uri(["sh", "-c", "read line; echo got:$line"])
        out, _, _ = asyncio.run(run_ws(uri, [b"\x00hello world\n"]))
        self.assertEqual(out[1], b"got:hello world\n")

    def test_own_pid_namespace(self):
        uri = self.uri(["sh", "-c", "ps -e -o comm= | sort | uniq -c"])
        out, _, _ = asyncio.run(run_ws(uri))
        text = out[1].decode()
        if os.geteuid() == 0:
            # Only the container's own processes: its init, its main
            # process and this command.
            self.assertNotIn("python3", text)
            self.assertIn("eci-init", text)
            self.assertIn("ps", text)

    def test_subprotocol_offered_is_accepted(self):
        uri = self.uri(["sh", "-c", "echo hi"])
        out, code, _ = asyncio.run(run_ws(uri, subprotocols=["v4.channel.k8s.io"]))
        self.assertEqual(out[1], b"hi\n")

    def test_missing_command_gives_127(self):
        uri = self.uri(["/no/such/program"])
        out, _, _ = asyncio.run(run_ws(uri))
        self.assertIn(b"no/such/program", out[2])
        self.assertEqual(json.loads(out[3])["details"]["causes"][0]["message"], "127")

    def test_token_single_use(self):
        uri = self.uri(["sh", "-c", "echo once"])
        out, _, _ = asyncio.run(run_ws(uri))
        self.assertEqual(out[1], b"once\n")
        with self.assertRaises((websockets.InvalidHandshake, OSError)):
            asyncio.run(run_ws(uri))

    def test_garbage_frames_do_not_hurt(self):
        uri = self.uri(["sh"], TTY="true")
        out, code, _ = asyncio.run(run_ws(uri, [
            b"", b"\x04not json", b"\x04{\"Width\":-5,\"Height\":99999}", b"\x09junk", "text frame",
            b"\x00echo still-alive; exit 0\n"]))
        self.assertIn(b"still-alive", out[1])
        self.assertEqual(code, 1000)

    def test_many_concurrent_sessions(self):
        n = 200
        uris = [self.uri(["sh", "-c", "echo s%d; sleep 1" % i]) for i in range(n)]

        async def all_of_them():
            return await asyncio.gather(*(run_ws(u, timeout=60) for u in uris))
        results = asyncio.run(all_of_them())
        for i, (out, code, _) in enumerate(results):
            self.assertEqual(out[1], b"s%d\n" % i)
            self.assertEqual(code, 1000)

    def test_backpressure_slow_reader(self):
        """A client that does not read must stall the process, not grow
        fleetsim's memory."""
        uri = self.uri(["sh", "-c", "head -c 300000000 /dev/zero; echo done"], TTY="false")
        rss_before = rss_kb(SIM.proc.pid)

        async def slow():
            async with websockets.connect(uri, max_size=None, max_queue=1, read_limit=2 ** 16) as ws:
                await ws.recv()
                await asyncio.sleep(3)
                rss = rss_kb(SIM.proc.pid)
                total = 0
                async for m in ws:
                    if m[0] == 1:
                        total += len(m) - 1
                return rss, total
        rss, total = asyncio.run(slow())
        self.assertGreater(total, 299000000)
        self.assertLess(rss - rss_before, 64 * 1024, "fleetsim grew by %d kB" % (rss - rss_before))


class Faults(unittest.TestCase):
    def test_throttle(self):
        with Fleetsim("--throttle-rate", "1", "--seed", "7") as sim:
            with self.assertRaises(ApiError) as cm:
                sim.client().call("DescribeRegions")
            e = cm.exception
            self.assertEqual((e.status, e.code), (400, "Throttling.User"))
            retry = int(e.headers.get("x-acs-retry-after"))
            self.assertTrue(100 <= retry <= 500)

    def test_fail_rate(self):
        with Fleetsim("--fail-rate", "1") as sim:
            with self.assertRaises(ApiError) as cm:
                sim.client().call("DescribeRegions")
            self.assertEqual(cm.exception.status, 500)

    def test_latency(self):
        with Fleetsim("--latency", "300") as sim:
            t = time.time()
            sim.client().call("DescribeRegions")
            self.assertGreaterEqual(time.time() - t, 0.3)

    def test_token_ttl(self):
        with Fleetsim("--token-ttl", "1") as sim:
            r = sim.client().call("ExecContainerCommand", exec_params(["sh", "-c", "echo x"]))
            time.sleep(2.1)
            with self.assertRaises(Exception):
                asyncio.run(run_ws(r["WebSocketUri"]))
            self.assertIn("expired", sim.stop() == 0 and sim.stderr or "")

    def test_drop_after(self):
        with Fleetsim("--drop-after", "2", "--seed", "3") as sim:
            r = sim.client().call("ExecContainerCommand", exec_params(["sh"], TTY="true"))
            t = time.time()
            out, code, _ = asyncio.run(run_ws(r["WebSocketUri"], timeout=10))
            self.assertLess(time.time() - t, 5)
            self.assertEqual(out[3], b"", "a drop sends no exit status")
            self.assertNotEqual(code, 1000)

    def test_drop_after_leaves_process(self):
        """A fault-injected drop is a drop like any other: the process runs
        on until fleetsim stops."""
        mark = "drop-after-%d-%d" % (os.getpid(), int(time.time()))
        with Fleetsim("--drop-after", "2", "--seed", "5") as sim:
            for tty in ("true", "false"):
                r = sim.client().call("ExecContainerCommand", exec_params(
                    ["sh", "-c", "sleep 600; : %s-%s" % (mark, tty)], TTY=tty))
                out, code, _ = asyncio.run(run_ws(r["WebSocketUri"], timeout=10))
                self.assertEqual(out[3], b"", "a drop sends no exit status")
            time.sleep(0.5)
            pids = [p for p in host_pids(mark) if alive(p)]
            self.assertEqual(len(pids), 2, pids)
            self.assertEqual(sim.stop(), 0, sim.stderr)
        deadline = time.time() + 5
        while time.time() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)
        self.assertEqual([p for p in pids if alive(p)], [])

    def test_bad_arguments(self):
        for args in (["--throttle-rate", "2"], ["--listen", "nonsense"], ["--bogus"],
                     ["--hyper-port", "0"], ["--hyper-port", "9999"], ["--k8s-port", "0"],
                     ["--write-kubeconfig", "/tmp/x"], ["--k8s", "--k8s-token", ""]):
            p = subprocess.run([SIM_PATH(), *args], capture_output=True, text=True, timeout=10)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("fleetsim", p.stderr)
        # A port for a front that is not served would go unused, silently.
        p = subprocess.run([SIM_PATH(), "--hyper-port", "9999"], capture_output=True, text=True,
                           timeout=10)
        self.assertIn("--hyper-port goes with --hyper-front", p.stderr)

    def test_version_and_whole_usage(self):
        p = subprocess.run([SIM_PATH(), "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^fleetsim \d+\.\d+\.\d+\n$")
        p = subprocess.run([SIM_PATH(), "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0)
        usage = p.stdout.split("\n\n")[0]
        synopsis = set(re.findall(r"\[--([a-z][a-z0-9-]*)", usage))
        listed = {m.group(1) for m in re.finditer(r"^  (?:-\w, )?--([a-z][a-z0-9-]*)", p.stdout,
                                                  re.M)}
        # The usage line names every option the list does (it left out
        # --hyper-front, --hyper-port and --help), and so does the man page.
        self.assertEqual(synopsis, listed)
        for name in ("hyper-front", "hyper-port", "version", "help", "tls-cert", "quiet", "k8s",
                     "k8s-port", "k8s-token", "write-kubeconfig"):
            self.assertIn(name, synopsis)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with open(os.path.join(root, "man", "fleetsim.1")) as f:
            troff = f.read()
        man = {m.replace("\\-", "-") for m in re.findall(r"\\fB\\-\\-((?:[a-z0-9]|\\-)+)\\fR", troff)}
        self.assertEqual(man, listed)
        # Each listed option is taken: none is refused as unknown (a stray
        # word after it stops fleetsim before it would serve).
        for name in sorted(listed):
            value = [] if name in ("quiet", "verbose", "version", "help", "k8s") else ["1"]
            p = subprocess.run([SIM_PATH(), "--" + name] + value + ["stray"], capture_output=True,
                               text=True, timeout=10)
            self.assertNotIn("unrecognized option", p.stderr, name)
            self.assertNotIn("usage:", p.stderr, name)

    def test_bad_fleet_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write('{"regions": [{"id": "r", "groups": [{"id": "g"}]}]}')
            f.flush()
            p = subprocess.run([SIM_PATH(), "--fleet", f.name], capture_output=True, text=True,
                               timeout=10)
            self.assertEqual(p.returncode, 1)
            self.assertIn(f.name + ": regions[0].groups[0].name: is required", p.stderr)


def SIM_PATH():
    from eci import FLEETSIM
    return FLEETSIM


class Delete(unittest.TestCase):
    """DeleteContainerGroup: the group goes at once; an exec open in it ends
    as its killed process does (137, then a normal close); after, ECI's
    not-found for the group everywhere. Its own fleetsim: the others count
    the demo fleet's groups."""

    def test_delete_container_group(self):
        gid = "eci-bp1web000000000002"
        with Fleetsim() as sim:
            c = sim.client()
            before = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou"})["TotalCount"]
            r = c.call("ExecContainerCommand", exec_params(["sh", "-c", "echo in; sleep 60"], group=gid))
            late = c.call("ExecContainerCommand", exec_params(["true"], group=gid))
            answer = {}

            async def session():
                out = {1: b"", 3: b""}
                async with websockets.connect(r["WebSocketUri"]) as ws:
                    try:
                        while True:
                            m = await asyncio.wait_for(ws.recv(), 15)
                            out[m[0]] = out.get(m[0], b"") + m[1:]
                            if out[1] == b"in\n" and not answer:
                                answer.update(await asyncio.get_running_loop().run_in_executor(
                                    None, lambda: sim.client().call(
                                        "DeleteContainerGroup",
                                        {"RegionId": "cn-hangzhou", "ContainerGroupId": gid})))
                    except websockets.ConnectionClosed:
                        pass
                    return out, ws.close_code

            t = time.time()
            out, code = asyncio.run(session())
            self.assertLess(time.time() - t, 10)
            self.assertEqual(list(answer), ["RequestId"])
            status = json.loads(out[3])
            self.assertEqual(status["details"]["causes"][0]["message"], "137")  # SIGKILL
            self.assertEqual(code, 1000)
            # gone from the listing, and not found by exec, log, metrics, delete
            r = c.call("DescribeContainerGroups", {"RegionId": "cn-hangzhou"})
            self.assertEqual(r["TotalCount"], before - 1)
            self.assertNotIn(gid, [g["ContainerGroupId"] for g in r["ContainerGroups"]])
            for action, params in (
                    ("ExecContainerCommand", exec_params(["true"], group=gid)),
                    ("DescribeContainerLog", {"RegionId": "cn-hangzhou", "ContainerGroupId": gid,
                                              "ContainerName": "nginx"}),
                    ("DescribeContainerGroupMetric", {"RegionId": "cn-hangzhou",
                                                      "ContainerGroupId": gid}),
                    ("DeleteContainerGroup", {"RegionId": "cn-hangzhou", "ContainerGroupId": gid})):
                with self.assertRaises(ApiError) as cm:
                    c.call(action, params)
                self.assertEqual((cm.exception.status, cm.exception.code),
                                 (400, "InvalidParameter.ContainerGroupId"), action)
            # a ticket granted before the delete is refused
            with self.assertRaises(Exception):
                asyncio.run(run_ws(late["WebSocketUri"]))
            self.assertEqual(sim.stop(), 0)
            self.assertIn("the container group was deleted", sim.stderr)


class Lifecycle(unittest.TestCase):
    def test_sigterm_leaves_no_orphans(self):
        marker = "orphan-check-%d" % os.getpid()
        fleet = tempfile.NamedTemporaryFile("w", suffix=".json")
        json.dump({"regions": [{"id": "r1", "groups": [{"id": "g1", "name": "g1", "containers": [
            {"name": "c", "command": ["sh", "-c", "while :; do sleep 1; done # main-" + marker]}]}]}]},
            fleet)
        fleet.flush()
        sim = Fleetsim(fleet=fleet.name)
        r = sim.client().call("ExecContainerCommand", exec_params(
            ["sh", "-c", "sh -c 'sleep 300; : %s' & sh -c 'sleep 301; : %s'" % (marker, marker)],
            group="g1", container="c",
            region="r1", TTY="true"))

        async def hold():
            async with websockets.connect(r["WebSocketUri"]) as ws:
                await asyncio.sleep(1)
                self.assertTrue(pgrep("main-" + marker), "main process did not start")
                self.assertTrue(pgrep("sleep 301; : " + marker), "exec did not start")
                sim.proc.terminate()
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                except websockets.ConnectionClosed:
                    pass
        asyncio.run(hold())
        self.assertEqual(sim.stop(), 0)
        self.assertIn("closing 1 session\n", sim.stderr)  # not "1 sessions"
        deadline = time.time() + 5
        while time.time() < deadline and pgrep(marker):
            time.sleep(0.1)
        self.assertEqual(pgrep(marker), "")
        fleet.close()


async def open_and_leave(uri, sends=(), hold=0.5, abort=False):
    """Connect, send frames, wait, then go away: with a close frame, or
    (abort) by dropping the TCP connection as a network failure would."""
    ws = await websockets.connect(uri, max_size=None)
    for s in sends:
        await ws.send(s)
    await asyncio.sleep(hold)
    if abort:
        ws.transport.abort()
    else:
        await ws.close()


def host_pids(needle):
    """Host pids whose command line or environment holds needle."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        for name in ("cmdline", "environ"):
            try:
                with open("/proc/%s/%s" % (d, name), "rb") as f:
                    if needle.encode() in f.read():
                        found.append(int(d))
                        break
            except OSError:
                pass
    return [p for p in found if p != os.getpid()]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


class Detach(unittest.TestCase):
    """A closed or dropped exec socket leaves the process running, as on a
    real ECI (containerd: kubernetes#89031, kubectl#1076); without a TTY its
    stdin reaches EOF. fleetsim's own shutdown still kills everything."""

    @classmethod
    def setUpClass(cls):
        cls.sim = Fleetsim()
        cls.mark = "detach-%d-%d" % (os.getpid(), int(time.time()))
        cls.dir = tempfile.mkdtemp(prefix="fleetsim-detach-")
        cls.pids = []  # host pids of everything left running, checked at the end

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def uri(self, command, **kw):
        return self.sim.client().call("ExecContainerCommand", exec_params(command, **kw))["WebSocketUri"]

    def in_container(self, script):
        """Run script in a second exec of the same container; its stdout."""
        out, _, _ = asyncio.run(run_ws(self.uri(["sh", "-c", script])))
        return out[1].decode()

    def wait_host(self, needle, want=True, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            pids = [p for p in host_pids(needle) if alive(p)]
            if bool(pids) == want:
                return pids
            time.sleep(0.1)
        self.fail("%s: %s on the host after %d s" % (needle, "absent" if want else "still", timeout))

    def leave_running(self, tag, abort=False, **kw):
        """Start `sleep 600` tagged in its command line, leave its socket, and
        check from a second exec (ps) and from the host that it runs on."""
        needle = "%s-%s" % (self.mark, tag)
        asyncio.run(open_and_leave(self.uri(["sh", "-c", "sleep 600; : %s" % needle], **kw),
                                   abort=abort))
        time.sleep(1)
        self.assertIn(needle, self.in_container("ps -eo pid,args"))
        Detach.pids += self.wait_host(needle)

    def test_a_no_tty_close_leaves_process(self):
        self.leave_running("notty")

    def test_a_no_tty_drop_leaves_process(self):
        self.leave_running("notty-drop", abort=True)

    def test_b_tty_close_leaves_process(self):
        self.leave_running("tty", TTY="true")

    def test_b_tty_drop_leaves_process(self):
        self.leave_running("tty-drop", abort=True, TTY="true")

    def test_b_tty_output_is_drained(self):
        """A TTY process that writes far more than a pty holds, after its
        socket closed, must not block: it reaches its end. (It starts
        writing after the close, so that the close handshake is not stuck
        behind output the client does not read.)"""
        done = os.path.join(self.dir, "tty-drained")
        asyncio.run(open_and_leave(self.uri(
            ["sh", "-c", "sleep 1; yes | head -c 4000000; echo ok > %s" % done], TTY="true"),
            hold=0.2))
        deadline = time.time() + 20
        while time.time() < deadline and not os.path.exists(done):
            time.sleep(0.2)
        self.assertTrue(os.path.exists(done), "the TTY process blocked on its output")

    def test_c_no_tty_stdin_reaches_eof(self):
        done = os.path.join(self.dir, "stdin-eof")
        uri = self.uri(["sh", "-c", "cat >/dev/null; echo done > %s; sleep 600; : %s-eof" % (
            done, self.mark)], Stdin="true")
        asyncio.run(open_and_leave(uri, [b"\x00some input\n"]))
        deadline = time.time() + 5
        while time.time() < deadline and not os.path.exists(done):
            time.sleep(0.1)
        self.assertTrue(os.path.exists(done), "cat never saw EOF")
        with open(done) as f:
            self.assertEqual(f.read(), "done\n")
        Detach.pids += self.wait_host(self.mark + "-eof")

    def test_c_no_tty_output_is_drained(self):
        """Without a TTY, stdout and stderr are drained after a drop. (A drop,
        not a close: a client that stopped reading gets the server's close
        frame only behind megabytes of output, so its close handshake times
        out instead of testing fleetsim.)"""
        done = os.path.join(self.dir, "pipes-drained")
        asyncio.run(open_and_leave(self.uri(
            ["sh", "-c", "head -c 64000000 /dev/zero; head -c 64000000 /dev/zero >&2; "
             "echo ok > %s" % done]), hold=0.2, abort=True))
        deadline = time.time() + 20
        while time.time() < deadline and not os.path.exists(done):
            time.sleep(0.2)
        self.assertTrue(os.path.exists(done), "the process blocked on a full pipe")

    def test_e_found_by_environment_and_killed(self):
        """How fleetmux ends a remote command: a second exec finds it by an
        environment variable in the container's /proc and kills it."""
        tok = "tok123-%s" % self.mark
        asyncio.run(open_and_leave(self.uri(
            ["sh", "-c", "FLEETMUX_EXEC=%s; export FLEETMUX_EXEC; exec sleep 30" % tok])))
        host = self.wait_host("FLEETMUX_EXEC=" + tok)
        self.assertEqual(len(host), 1, host)
        text = self.in_container(
            "for e in /proc/[0-9]*/environ; do "
            "if tr '\\0' '\\n' <$e 2>/dev/null | grep -qx 'FLEETMUX_EXEC=%s'; then "
            "p=${e#/proc/}; p=${p%%/environ}; echo found:$p; kill $p; fi; done" % tok)
        found = [l for l in text.splitlines() if l.startswith("found:")]
        self.assertEqual(len(found), 1, text)
        if os.geteuid() == 0:
            # Its own PID namespace: the pid inside is not the host's.
            self.assertNotEqual(int(found[0][6:]), host[0])
        self.wait_host("FLEETMUX_EXEC=" + tok, want=False)

    def test_z_shutdown_kills_what_runs_on(self):
        """Runs last in this class: fleetsim's SIGTERM ends every process
        left behind by a closed socket."""
        self.leave_running("last")
        pids = list(Detach.pids)
        self.assertGreaterEqual(len(pids), 6, pids)
        self.assertTrue(all(alive(p) for p in pids), pids)
        self.assertEqual(self.sim.stop(), 0, self.sim.stderr)
        deadline = time.time() + 5
        while time.time() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)
        self.assertEqual([p for p in pids if alive(p)], [])
        self.assertEqual(host_pids(self.mark), [])

def pgrep(pattern):
    p = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True)
    return "\n".join(l for l in p.stdout.splitlines() if "pgrep" not in l)


if __name__ == "__main__":
    unittest.main()
