"""fleetsim --k8s over the wire: the Kubernetes API front (TLS, a bearer
token) listing, paging, watching (410, bookmarks), logs and exec, driven by
the standard library and python3-websockets."""
import asyncio
import base64
import http.client
import json
import os
import re
import ssl
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402

import websockets  # noqa: E402  (Debian's python3-websockets)

SIM = None
KUBECONFIG = None
CTX = None
PORT = None
TOKEN = "test-token-k8s"
TMP = None
CTX_CA = None

FLEET = {
    "regions": [
        {"id": "r1",
         "k8s_deny": [{"verb": "create", "resource": "pods/exec", "namespace": "data"},
                      {"verb": "get", "resource": "pods/log", "namespace": "data"}],
         "groups": [
            {"id": "eci-web1", "name": "web-1", "tags": {"app": "web", "tier": "front"},
             "containers": [
                 {"name": "nginx", "image": "nginx:1",
                  "command": ["sh", "-c", "i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.3; done"]},
                 {"name": "side", "image": "busybox",
                  "command": ["sh", "-c", "while true; do echo side; sleep 1; done"]}]},
            {"id": "eci-web2", "name": "web-2", "tags": {"app": "web"},
             "containers": [{"name": "nginx", "image": "nginx:1",
                             "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
            {"id": "eci-db1", "name": "db-1", "namespace": "data", "tags": {"app": "db"},
             "containers": [{"name": "pg", "image": "postgres:16",
                             "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
            {"id": "eci-crash1", "name": "crash-1", "tags": {"app": "crash"},
             "restart_backoff": 1,
             "containers": [{"name": "main", "image": "busybox",
                             "command": ["sh", "-c", "echo starting; sleep 1; exit 3"]}]},
            {"id": "eci-wait1", "name": "wait-1", "status": "Pending",
             "containers": [{"name": "main", "image": "busybox", "state": "Waiting"}]},
        ]},
        {"id": "r2", "namespace": "ops", "generate": {"count": 7, "name_prefix": "gen"}},
        # Deleted by Delete's tests, on their own cluster: the others' counts stay.
        {"id": "r3", "namespace": "gone",
         "k8s_deny": [{"verb": "delete", "resource": "pods", "namespace": "keep"}],
         "groups": [
            {"id": "eci-gone1", "name": "gone-1", "tags": {"app": "gone"},
             "containers": [{"name": "main", "image": "busybox",
                             "command": ["sh", "-c", "while true; do echo alive; sleep 0.3; done"]}]},
            {"id": "eci-stay1", "name": "stay-1", "tags": {"app": "gone"},
             "containers": [{"name": "main", "image": "busybox",
                             "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
            {"id": "eci-keep1", "name": "keep-1", "namespace": "keep",
             "containers": [{"name": "main", "image": "busybox",
                             "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
        ]},
    ]
}


def setUpModule():
    global SIM, KUBECONFIG, CTX, PORT, TMP, CTX_CA
    TMP = tempfile.TemporaryDirectory()
    fleet = os.path.join(TMP.name, "fleet.json")
    with open(fleet, "w") as f:
        json.dump(FLEET, f)
    KUBECONFIG = os.path.join(TMP.name, "kubeconfig")
    SIM = Fleetsim("--k8s", "--k8s-token", TOKEN, "--write-kubeconfig", KUBECONFIG, fleet=fleet)
    m = re.search(r" k8s=https://127\.0\.0\.1:(\d+) k8s-token=(\S+)", SIM.line)
    assert m, SIM.line
    PORT = int(m.group(1))
    with open(KUBECONFIG) as f:
        text = f.read()
    ca = base64.b64decode(re.search(r"certificate-authority-data: (\S+)", text).group(1))
    CTX_CA = ca.decode()
    CTX = ssl.create_default_context(cadata=CTX_CA)


def tearDownModule():
    rc = SIM.stop()
    TMP.cleanup()
    assert rc == 0, "fleetsim exited %s: %s" % (rc, SIM.stderr)


def self_signed(d):
    """A client certificate no CA of fleetsim's signed: (cert, key)."""
    import subprocess
    c, k = os.path.join(d, "self.pem"), os.path.join(d, "self-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", k, "-out", c, "-days", "1",
                    "-subj", "/CN=intruder"], check=True, capture_output=True)
    return c, k


def request(path, token=TOKEN, timeout=10, accept="application/json", method="GET", body=None):
    """GET (or method) path; (status, headers, body bytes)."""
    c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=timeout)
    headers = {"Accept": accept}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        headers["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.headers, body


def get(path, **kw):
    status, _, body = request(path, **kw)
    return status, json.loads(body)


def watch_lines(path, seconds):
    """Read a watch's lines for up to seconds (the server ends it at
    timeoutSeconds); returns the events."""
    c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=seconds + 5)
    c.request("GET", path, headers={"Authorization": "Bearer " + TOKEN})
    r = c.getresponse()
    assert r.status == 200, r.status
    events = []
    end = time.time() + seconds
    while time.time() < end:
        line = r.readline()
        if not line:
            break
        events.append(json.loads(line))
    c.close()
    return events


async def exec_ws(path, sends=(), protocols=("v5.channel.k8s.io", "v4.channel.k8s.io"),
                  token=TOKEN, timeout=15, ready=None):
    out = {1: b"", 2: b"", 3: b""}
    headers = {"Authorization": "Bearer " + token}
    async with websockets.connect("wss://127.0.0.1:%d%s" % (PORT, path), ssl=CTX,
                                  subprotocols=list(protocols), extra_headers=headers,
                                  max_size=None) as ws:
        chosen = ws.subprotocol
        for s in sends:
            if isinstance(s, (int, float)):
                await asyncio.sleep(s)
            else:
                await ws.send(s)
        try:
            while True:
                m = await asyncio.wait_for(ws.recv(), timeout)
                assert isinstance(m, bytes)
                if len(m) >= 1:
                    out[m[0]] = out.get(m[0], b"") + m[1:]
                if ready is not None and out[1]:
                    await asyncio.get_running_loop().run_in_executor(None, ready)
                    ready = None
        except websockets.ConnectionClosed:
            pass
        return out, chosen


def run(coro):
    return asyncio.run(coro)


def exec_path(pod, command, ns="default", **q):
    args = "&".join("command=" + urllib.parse.quote(c, safe="") for c in command)
    for k, v in q.items():
        args += "&%s=%s" % (k, v)
    return "/api/v1/namespaces/%s/pods/%s/exec?%s" % (ns, pod, args)


class Discovery(unittest.TestCase):
    def test_version_api_apis(self):
        st, v = get("/version")
        self.assertEqual(st, 200)
        self.assertEqual(v["major"], "1")
        self.assertTrue(v["gitVersion"].startswith("v1."))
        st, a = get("/api")
        self.assertEqual((a["kind"], a["versions"]), ("APIVersions", ["v1"]))
        st, a = get("/apis")
        self.assertEqual(a["kind"], "APIGroupList")
        st, a = get("/api/v1")
        names = {r["name"] for r in a["resources"]}
        self.assertTrue({"pods", "pods/log", "pods/exec", "namespaces"} <= names)
        short = {r["name"]: r.get("shortNames") for r in a["resources"]}
        self.assertEqual((short["pods"], short["namespaces"]), (["po"], ["ns"]))  # kubectl get ns

    def test_unauthorized(self):
        for token in (None, "wrong", TOKEN + "x"):
            st, s = get("/api/v1/pods", token=token)
            self.assertEqual(st, 401)
            self.assertEqual((s["kind"], s["status"], s["reason"], s["code"]),
                             ("Status", "Failure", "Unauthorized", 401))

    def test_client_certificate(self):
        """The kubeconfig's fleetsim-cert user signs in with a certificate
        the CA signed; a self-signed one is refused as no credential."""
        with open(KUBECONFIG) as f:
            text = f.read()
        d = tempfile.mkdtemp(dir=TMP.name)
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        for path, field in ((cert, "client-certificate-data"), (key, "client-key-data")):
            with open(path, "wb") as f:
                f.write(base64.b64decode(re.search(field + r": (\S+)", text).group(1)))
        for (c, k), want in (((cert, key), 200), (self_signed(d), 401)):
            ctx = ssl.create_default_context(cadata=CTX_CA)
            ctx.load_cert_chain(c, k)
            conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=ctx, timeout=10)
            conn.request("GET", "/api/v1/namespaces/default/pods")
            r = conn.getresponse()
            r.read()
            conn.close()
            self.assertEqual(r.status, want, c)

    def test_not_found(self):
        st, s = get("/api/v1/namespaces/default/pods/nope")
        self.assertEqual((st, s["reason"]), (404, "NotFound"))
        st, s = get("/clusters/nowhere/api/v1/pods")
        self.assertEqual(st, 404)
        st, s = get("/api/v1/nodes")
        self.assertEqual(st, 404)

    def test_kubeconfig(self):
        with open(KUBECONFIG) as f:
            text = f.read()
        self.assertEqual(os.stat(KUBECONFIG).st_mode & 0o777, 0o600)
        for r in ("r1", "r2"):
            self.assertIn("- name: fleetsim-%s\n" % r, text)
            self.assertIn('server: "https://127.0.0.1:%d/clusters/%s"' % (PORT, r), text)
        self.assertIn('token: "%s"' % TOKEN, text)
        self.assertIn("current-context: fleetsim-r1", text)
        self.assertIn('namespace: "ops"', text)


class Pods(unittest.TestCase):
    def test_list_and_get(self):
        st, l = get("/api/v1/pods")
        self.assertEqual((st, l["kind"]), (200, "PodList"))
        keys = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in l["items"]]
        self.assertEqual(keys, sorted(keys))  # key order, as etcd lists
        self.assertEqual(len(keys), 5)
        self.assertIn(("data", "db-1"), keys)
        # the bare paths are the first region's
        st, l1 = get("/clusters/r1/api/v1/pods")
        self.assertEqual(len(l1["items"]), 5)
        st, l2 = get("/clusters/r2/api/v1/namespaces/ops/pods")
        self.assertEqual(len(l2["items"]), 7)
        st, l = get("/api/v1/namespaces/default/pods")
        self.assertEqual(len(l["items"]), 4)
        st, p = get("/api/v1/namespaces/default/pods/web-1")
        self.assertEqual(p["kind"], "Pod")
        self.assertEqual(p["status"]["phase"], "Running")
        self.assertEqual(p["metadata"]["labels"], {"app": "web", "tier": "front"})
        cs = {c["name"]: c for c in p["status"]["containerStatuses"]}
        self.assertIn("running", cs["nginx"]["state"])
        st, p = get("/api/v1/namespaces/default/pods/wait-1")
        self.assertEqual(p["status"]["phase"], "Pending")
        self.assertIn("waiting", p["status"]["containerStatuses"][0]["state"])
        st, ns = get("/api/v1/namespaces")
        self.assertEqual([n["metadata"]["name"] for n in ns["items"]], ["data", "default"])

    def test_table_for_kubectl(self):
        # what kubectl get sends
        accept = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                  "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
        st, _, body = request("/api/v1/namespaces/default/pods?limit=500", accept=accept)
        t = json.loads(body)
        self.assertEqual((st, t["kind"], t["apiVersion"]), (200, "Table", "meta.k8s.io/v1"))
        self.assertEqual([c["name"] for c in t["columnDefinitions"]][:5],
                         ["Name", "Ready", "Status", "Restarts", "Age"])
        rows = {r["cells"][0]: r for r in t["rows"]}
        self.assertEqual(rows["web-1"]["cells"][1:3], ["2/2", "Running"])
        self.assertEqual(rows["wait-1"]["cells"][2], "ContainerCreating")
        self.assertEqual(rows["web-1"]["object"]["kind"], "PartialObjectMetadata")
        st, _, body = request("/api/v1/namespaces/default/pods/web-2", accept=accept)
        self.assertEqual(json.loads(body)["rows"][0]["cells"][0], "web-2")

    def test_crash_loop_status(self):
        # crash-1 exits 3 after a second and is restarted after 1 s, 2 s, ...
        deadline = time.time() + 15
        while time.time() < deadline:
            st, p = get("/api/v1/namespaces/default/pods/crash-1")
            c = p["status"]["containerStatuses"][0]
            if c["restartCount"] >= 1 and "terminated" in c["lastState"]:
                self.assertEqual(c["lastState"]["terminated"]["exitCode"], 3)
                return
            time.sleep(0.3)
        self.fail("crash-1 never showed a restart: %r" % c)

    def test_paging(self):
        st, full = get("/clusters/r2/api/v1/pods")
        want = [p["metadata"]["name"] for p in full["items"]]
        got, cont, pages = [], "", 0
        while True:
            st, l = get("/clusters/r2/api/v1/pods?limit=3" + ("&continue=" + cont if cont else ""))
            self.assertEqual(st, 200)
            got += [p["metadata"]["name"] for p in l["items"]]
            pages += 1
            if pages == 1:
                self.assertEqual(l["metadata"]["remainingItemCount"], 4)
            cont = l["metadata"].get("continue", "")
            if not cont:
                break
        self.assertEqual(got, want)
        self.assertEqual(pages, 3)
        st, s = get("/api/v1/pods?limit=1&continue=garbage")
        self.assertEqual((st, s["reason"]), (400, "BadRequest"))

    def test_expired_continue(self):
        # a token older than the history kept: 410 Expired
        tok = base64.urlsafe_b64encode(
            b'{"v":"meta.k8s.io/v1","rv":1,"start":"default/a\\u0000"}').decode().rstrip("=")
        st, s = get("/api/v1/pods?limit=1&continue=" + tok)
        self.assertEqual((st, s["kind"], s["reason"], s["code"]), (410, "Status", "Expired", 410))

    def test_label_selector(self):
        st, l = get("/api/v1/pods?labelSelector=app%3Dweb")
        self.assertEqual(sorted(p["metadata"]["name"] for p in l["items"]), ["web-1", "web-2"])
        st, l = get("/api/v1/pods?labelSelector=app%3Dweb,tier%21%3Dfront")
        self.assertEqual([p["metadata"]["name"] for p in l["items"]], ["web-2"])
        st, l = get("/api/v1/pods?labelSelector=app%3Dweb&limit=1")
        self.assertEqual(len(l["items"]), 1)
        self.assertIn("continue", l["metadata"])
        self.assertNotIn("remainingItemCount", l["metadata"])
        st, s = get("/api/v1/pods?labelSelector=app+in+%28web%29")
        self.assertEqual(st, 400)
        st, l = get("/api/v1/pods?fieldSelector=metadata.name%3Ddb-1")
        self.assertEqual([p["metadata"]["name"] for p in l["items"]], ["db-1"])


class Watch(unittest.TestCase):
    def test_watch_from_list(self):
        st, l = get("/api/v1/namespaces/default/pods?labelSelector=app%3Dcrash")
        rv = l["metadata"]["resourceVersion"]
        events = watch_lines("/api/v1/namespaces/default/pods?watch=1&labelSelector=app%%3Dcrash"
                             "&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=%s" % rv, 8)
        types = [e["type"] for e in events]
        self.assertIn("MODIFIED", types)  # crash-1 crashes and restarts
        self.assertIn("BOOKMARK", types)
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(rvs, sorted(rvs))
        self.assertGreaterEqual(rvs[0], int(rv))  # a bookmark may say the list's own
        for e in events:
            if e["type"] == "MODIFIED":
                self.assertEqual(e["object"]["metadata"]["name"], "crash-1")
                self.assertGreater(int(e["object"]["metadata"]["resourceVersion"]), int(rv))
        # resuming from the last one seen gives only newer events
        last = rvs[-1]
        more = watch_lines("/api/v1/namespaces/default/pods?watch=1&labelSelector=app%%3Dcrash"
                           "&timeoutSeconds=4&resourceVersion=%d" % last, 7)
        for e in more:
            self.assertGreater(int(e["object"]["metadata"]["resourceVersion"]), last)

    def test_watch_without_version_starts_with_added(self):
        events = watch_lines("/api/v1/pods?watch=true&timeoutSeconds=1&labelSelector=app%3Dweb", 4)
        added = [e["object"]["metadata"]["name"] for e in events if e["type"] == "ADDED"]
        self.assertEqual(sorted(added), ["web-1", "web-2"])

    def test_expired_version(self):
        events = watch_lines("/api/v1/pods?watch=1&resourceVersion=1", 4)
        self.assertEqual(len(events), 1)
        e = events[0]
        self.assertEqual(e["type"], "ERROR")
        self.assertEqual((e["object"]["kind"], e["object"]["code"], e["object"]["reason"]),
                         ("Status", 410, "Expired"))


class Logs(unittest.TestCase):
    def test_logs(self):
        time.sleep(1.0)
        st, h, body = request("/api/v1/namespaces/default/pods/web-1/log?container=nginx&tailLines=2")
        self.assertEqual(st, 200)
        self.assertTrue(h["Content-Type"].startswith("text/plain"))
        lines = body.decode().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(all(l.startswith("line-") for l in lines))
        st, h, body = request("/api/v1/namespaces/default/pods/web-1/log?container=nginx"
                              "&tailLines=1&timestamps=true")
        stamp, text = body.decode().rstrip("\n").split(" ", 1)
        self.assertRegex(stamp, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        st, h, body = request("/api/v1/namespaces/default/pods/web-1/log?container=nginx"
                              "&sinceTime=2099-01-01T00:00:00Z")
        self.assertEqual(body, b"")
        # two containers: which one must be said
        st, s = get("/api/v1/namespaces/default/pods/web-1/log")
        self.assertEqual(st, 400)
        self.assertIn("choose one of: [nginx side]", s["message"])
        st, s = get("/api/v1/namespaces/default/pods/wait-1/log")
        self.assertEqual(st, 400)
        self.assertIn("waiting to start", s["message"])

    def test_follow(self):
        c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=10)
        c.request("GET", "/api/v1/namespaces/default/pods/web-1/log?container=nginx&follow=true"
                  "&tailLines=1", headers={"Authorization": "Bearer " + TOKEN})
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        nums = []
        while len(nums) < 4:
            line = r.readline()
            self.assertTrue(line, "the follow ended")
            nums.append(int(line.decode().strip().split("-")[1]))
        c.close()
        # new lines, in order, none twice or left out
        self.assertEqual(nums, list(range(nums[0], nums[0] + 4)))

    def test_forbidden(self):
        st, s = get("/api/v1/namespaces/data/pods/db-1/log")
        self.assertEqual((st, s["kind"], s["reason"], s["code"]), (403, "Status", "Forbidden", 403))
        self.assertIn('pods "db-1" is forbidden: User "fleetsim" cannot get resource "pods/log"',
                      s["message"])
        st, p = get("/api/v1/namespaces/data/pods/db-1")  # only the log is denied
        self.assertEqual(st, 200)

    def test_previous(self):
        deadline = time.time() + 15
        while time.time() < deadline:
            st, h, body = request("/api/v1/namespaces/default/pods/crash-1/log?previous=true")
            if st == 200:
                self.assertIn(b"starting", body)
                return
            time.sleep(0.5)
        self.fail("no previous log for crash-1")


class Exec(unittest.TestCase):
    def test_exit_code_and_streams(self):
        out, proto = run(exec_ws(exec_path("web-1", ["sh", "-c", "echo out; echo err >&2; exit 7"],
                                           container="nginx", stdout="true", stderr="true")))
        self.assertEqual(proto, "v5.channel.k8s.io")
        self.assertEqual(out[1], b"out\n")
        self.assertEqual(out[2], b"err\n")
        st = json.loads(out[3])
        self.assertEqual((st["status"], st["reason"]), ("Failure", "NonZeroExitCode"))
        self.assertEqual(st["details"]["causes"], [{"reason": "ExitCode", "message": "7"}])

    def test_success_and_v4(self):
        out, proto = run(exec_ws(exec_path("web-2", ["true"]), protocols=("v4.channel.k8s.io",)))
        self.assertEqual(proto, "v4.channel.k8s.io")
        self.assertEqual(json.loads(out[3])["status"], "Success")

    def test_stdin_closed_by_v5(self):
        out, _ = run(exec_ws(exec_path("web-2", ["cat"], stdin="true"),
                             sends=[b"\x00hello\n", b"\xff\x00"]))
        self.assertEqual(out[1], b"hello\n")
        self.assertEqual(json.loads(out[3])["status"], "Success")

    def test_resize_tty(self):
        resize = b"\x04" + json.dumps({"Width": 101, "Height": 33}).encode()
        out, _ = run(exec_ws(exec_path("web-2", ["sh", "-c", "sleep 0.5; stty size"],
                                       tty="true", stdin="true"), sends=[resize]))
        self.assertIn(b"33 101", out[1])

    def test_refusals(self):
        async def refused(path, **kw):
            try:
                await exec_ws(path, **kw)
            except websockets.exceptions.InvalidStatusCode as e:
                return e.status_code
            return None
        self.assertEqual(run(refused(exec_path("web-2", ["true"]), token="bad")), 401)
        self.assertEqual(run(refused(exec_path("nope", ["true"]))), 404)
        self.assertEqual(run(refused(exec_path("wait-1", ["true"]))), 400)
        self.assertEqual(run(refused(exec_path("web-2", ["true"]), protocols=())), 403)
        # the fleet file's k8s_deny: 403, as RBAC refuses
        self.assertEqual(run(refused(exec_path("db-1", ["true"], ns="data"))), 403)
        # exec without an upgrade is refused as a Status
        st, s = get(exec_path("web-2", ["true"]))
        self.assertEqual((st, s["kind"]), (400, "Status"))


class Delete(unittest.TestCase):
    """DELETE .../pods/NAME: at once (as gracePeriodSeconds=0), the answer
    the pod, its exec ended as the killed process ends, a watch's DELETED,
    then 404 everywhere."""
    R3 = "/clusters/r3/api/v1/namespaces/gone/pods"

    def test_delete_pod(self):
        st, l = get(self.R3)
        self.assertEqual(sorted(p["metadata"]["name"] for p in l["items"]), ["gone-1", "stay-1"])
        rv = l["metadata"]["resourceVersion"]
        answered = {}

        def delete():
            # kubectl delete sends DeleteOptions: read and ignored
            answered["st"], _, b = request(self.R3 + "/gone-1", method="DELETE",
                                           body=b'{"propagationPolicy":"Background"}')
            answered["pod"] = json.loads(b)

        # an exec open on it sees its process killed, as kubectl exec does
        out, _ = run(exec_ws("/clusters/r3" + exec_path("gone-1", ["sh", "-c", "echo in; sleep 60"],
                                                        ns="gone"), ready=delete, timeout=20))
        self.assertEqual(answered["st"], 200)
        pod = answered["pod"]
        self.assertEqual((pod["kind"], pod["metadata"]["name"]), ("Pod", "gone-1"))
        self.assertIn("deletionTimestamp", pod["metadata"])
        self.assertEqual(out[1], b"in\n")
        status = json.loads(out[3])
        self.assertEqual((status["status"], status["reason"]), ("Failure", "NonZeroExitCode"))
        self.assertEqual(status["details"]["causes"][0]["message"], "137")  # SIGKILL
        # the watch from before the delete gets DELETED, with the pod's last state
        events = watch_lines(self.R3 + "?watch=1&timeoutSeconds=2&resourceVersion=%s" % rv, 5)
        deleted = [e for e in events if e["type"] == "DELETED"]
        self.assertEqual([e["object"]["metadata"]["name"] for e in deleted], ["gone-1"])
        self.assertGreater(int(deleted[0]["object"]["metadata"]["resourceVersion"]), int(rv))
        self.assertIn("deletionTimestamp", deleted[0]["object"]["metadata"])
        # and later nothing of it: list, get, watch's ADDED, logs, exec, delete
        st, l = get(self.R3)
        self.assertEqual([p["metadata"]["name"] for p in l["items"]], ["stay-1"])
        events = watch_lines(self.R3 + "?watch=1&timeoutSeconds=1", 3)
        self.assertEqual([e["object"]["metadata"]["name"] for e in events if e["type"] == "ADDED"],
                         ["stay-1"])
        for path in (self.R3 + "/gone-1", self.R3 + "/gone-1/log"):
            st, s = get(path)
            self.assertEqual((st, s["reason"]), (404, "NotFound"), path)
        st, _, b = request(self.R3 + "/gone-1", method="DELETE")
        self.assertEqual((st, json.loads(b)["message"]), (404, 'pods "gone-1" not found'))

        async def refused(path):
            try:
                await exec_ws(path)
            except websockets.exceptions.InvalidStatusCode as e:
                return e.status_code
            return None
        self.assertEqual(run(refused("/clusters/r3" + exec_path("gone-1", ["true"], ns="gone"))),
                         404)
        # its neighbour lives on
        st, p = get(self.R3 + "/stay-1")
        self.assertEqual((st, p["status"]["phase"]), (200, "Running"))

    def test_delete_refused(self):
        # RBAC's 403 from the fleet file's k8s_deny; a method on a list: 405
        st, _, b = request("/clusters/r3/api/v1/namespaces/keep/pods/keep-1", method="DELETE")
        self.assertEqual(st, 403)
        self.assertIn("cannot delete resource", json.loads(b)["message"])
        st, p = get("/clusters/r3/api/v1/namespaces/keep/pods/keep-1")
        self.assertEqual(st, 200)
        st, _, _ = request(self.R3, method="DELETE")
        self.assertEqual(st, 405)


if __name__ == "__main__":
    unittest.main()
