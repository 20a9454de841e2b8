"""The Docker provider against a real dockerd that this suite starts: list,
exec on a TTY, resize then stty size, exit codes, a stopped container, a
paused one, and a sidebar with ECI (fleetsim) and Docker side by side."""
import os
import re
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dockerd import Dockerd  # noqa: E402
from eci import Fleetsim  # noqa: E402
from tui import FLEETMUX, Tmux, pane_text, panes  # noqa: E402

D = None


def setUpModule():
    global D
    D = Dockerd()  # raises, with the reason, where dockerd cannot run
    for name in ("web", "db", "worker"):
        D.run(name)


def tearDownModule():
    if D is not None:
        D.stop()


def wrap(cmd):
    return "sh -c '%s; echo fleetmux-exit=$?; sleep 2'" % cmd


class DockerTui(unittest.TestCase):
    def setUp(self):
        self.tm = None

    def tearDown(self):
        if self.tm is not None:
            try:
                if "fleetmux-exit=" not in self.tm.screen():
                    self.tm.keys("C-b", "d")
                s = self.tm.wait_for(r"fleetmux-exit=\d+", timeout=15)
                self.assertIn("fleetmux-exit=0", s)
            finally:
                self.tm.kill()

    def start(self, *args, env=None):
        self.tm = Tmux(wrap("%s --provider docker --endpoint %s %s" % (FLEETMUX, D.host, " ".join(args))),
                       env=env)
        return self.tm

    def run_in(self, n, cmd):
        self.tm.keys("C-b", str(n))
        self.tm.type(cmd)
        self.tm.keys("Enter")

    def test_list_exec_resize_exit(self):
        tm = self.start()
        s = tm.wait_for(r"● web running")
        self.assertIn("● db running", s)
        self.assertIn("▾ local (3)", s.replace("(3…)", "(3)"))
        # Two keystrokes from start to a pane in the second container: the
        # cursor waits on the first container; j, Enter.
        rows = [l for l in s.split("\n")]
        groups = [re.search(r"● (\w+) ", l).group(1) for l in rows if "● " in l]
        second = groups[1]
        tm.keys("j", "Enter")
        tm.wait_for(r"local/%s/%s \[live\]" % (second, second))
        tm.keys("C-b", "x", "C-b", "Tab")
        tm.wait_for("No panes yet")
        web_row = [i for i, l in enumerate(rows) if "● web " in l][0]
        tm.keys(*(["k"] * 5 + ["j"] * (web_row)))
        tm.keys("Enter")
        tm.wait_for(r"local/web/web \[live\]")
        tm.type("hostname; stty size")
        tm.keys("Enter")
        s = tm.wait_for(r"\n.*\d+ \d+")
        g = panes(s)[1]
        self.assertIn("%d %d" % (g[3], g[2]), pane_text(s, g))
        self.assertIn("web", pane_text(s, g))
        tm.resize(120, 35)
        time.sleep(0.5)
        tm.type("clear; stty size")
        tm.keys("Enter")
        time.sleep(0.8)
        s = tm.screen()
        g = panes(s)[1]
        self.assertIn("%d %d" % (g[3], g[2]), pane_text(s, g), s)
        tm.type("exit 7")
        tm.keys("Enter")
        tm.wait_for(r"\[exited 7\]")

    def test_open_by_name_and_id_prefix(self):
        cid = D.docker("inspect", "-f", "{{.Id}}", "db")[:8]
        tm = self.start("--open", "local/worker", "--open", "local/" + cid)
        s = tm.wait_for(r"(?s)worker \[live\].*db \[live\]|db \[live\].*worker \[live\]")
        self.assertEqual(sorted(panes(s)), [1, 2])

    def test_stopped_mid_session(self):
        D.run("short")
        tm = self.start("--open", "local/short")
        tm.wait_for(r"short \[live\]")
        D.docker("stop", "-t", "1", "short")
        s = tm.wait_for(r"short \[(exited|failed)[^\]]*\]", timeout=20)
        self.assertNotIn("short [live]", s)
        D.docker("rm", "-f", "short")

    def test_paused_and_removed(self):
        D.run("frozen")
        D.docker("pause", "frozen")
        tm = self.start("--open", "local/frozen")
        s = tm.wait_for(r"frozen \[failed: [^\]]*paused", timeout=20)
        D.docker("unpause", "frozen")
        D.docker("rm", "-f", "frozen")
        tm.keys("C-b", "x")
        # Removed: the engine's events take it off the list.
        tm.wait_gone(r"● frozen", timeout=15)

    def test_remote_engine_over_tls_with_client_certificates(self):
        cfg = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        cfg.write('[provider "farm"]\ntype = docker\nhost = %s\ntls-verify = true\n'
                  'cert-path = %s\n' % (D.tls_host, D.certs))
        cfg.close()
        self.tm = Tmux(wrap("%s --config %s --open farm/db" % (FLEETMUX, cfg.name)))
        try:
            self.tm.wait_for(r"farm/db/db \[live\]", timeout=20)
            self.tm.type("hostname")
            self.tm.keys("Enter")
            self.tm.wait_for(r"│db *\n")
        finally:
            os.unlink(cfg.name)

    def test_tls_without_client_certificate_is_refused(self):
        env = {"DOCKER_HOST": D.tls_host, "DOCKER_TLS_VERIFY": "", "HOME": "/nonexistent"}
        self.tm = Tmux(wrap("%s --provider docker --insecure" % FLEETMUX), env=env)
        self.tm.wait_for(r"cannot reach the engine|HTTP 400|Client sent an HTTP request")

    def test_engine_events_update_the_sidebar(self):
        tm = self.start()
        tm.wait_for(r"● web running")
        D.run("late-arrival")
        tm.wait_for(r"● late-arrival running", timeout=15)
        D.docker("rm", "-f", "late-arrival")
        tm.wait_gone(r"late-arrival", timeout=15)

    def test_unreachable_engine(self):
        self.tm = Tmux(wrap("%s --provider docker --endpoint unix:///nonexistent/docker.sock" % FLEETMUX))
        self.tm.wait_for(r"cannot reach the engine: /nonexistent/docker.sock: No such file")


class SideBySide(unittest.TestCase):
    def test_eci_and_docker_in_one_sidebar(self):
        sim = Fleetsim()
        cfg = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        cfg.write('[provider "fleet"]\ntype = eci\nendpoint = %s\n\n'
                  '[provider "local"]\ntype = docker\nhost = %s\n' % (sim.endpoint, D.host))
        cfg.close()
        env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": sim.key_id,
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": sim.secret}
        tm = Tmux(wrap("%s --config %s --open cn-hangzhou/api-server/api "
                       "--open cn-shanghai/postgres-primary/postgres --open local/web --open local/db"
                       % (FLEETMUX, cfg.name)), env=env)
        try:
            s = tm.wait_for(r"(?s)(\[live\].*){4}", timeout=20)
            self.assertRegex(s, r"▾ fleet")
            self.assertIn(" fleet,local │", s)
            self.assertIn("local/web/web [live]", s)
            self.assertIn("cn-hangzhou/api-server/api [live]", s)
            for n in range(1, 5):
                tm.keys("C-b", str(n))
                tm.type("echo typed-into-$(hostname)")
                tm.keys("Enter")
            time.sleep(1)
            s = tm.screen()
            for host in ("api-server", "postgres-primary", "web", "db"):
                self.assertIn("typed-into-" + host, s)
            tm.resize(140, 44)
            time.sleep(0.5)
            for n in range(1, 5):
                tm.keys("C-b", str(n))
                tm.type("clear; stty size")
                tm.keys("Enter")
            time.sleep(1.2)
            s = tm.screen()
            for n, g in panes(s).items():
                self.assertIn("%d %d" % (g[3], g[2]), pane_text(s, g), "pane %d\n%s" % (n, s))
            tm.keys("C-b", "d")
            s = tm.wait_for(r"fleetmux-exit=\d+")
            self.assertIn("fleetmux-exit=0", s)
        finally:
            tm.kill()
            os.unlink(cfg.name)
            self.assertEqual(sim.stop(), 0)


if __name__ == "__main__":
    unittest.main()


class HyperFront(unittest.TestCase):
    """The Hyper provider end to end through fleetsim's Hyper front, which
    checks HYPER-HMAC-SHA256 on every request and proxies to dockerd."""

    def setUp(self):
        self.sim = Fleetsim("--hyper-front", D.host)
        m = re.search(r"hyper-front=(\S+)", self.sim.line)
        self.assertIsNotNone(m, self.sim.line)
        self.front = m.group(1)

    def tearDown(self):
        self.assertEqual(self.sim.stop(), 0, self.sim.stderr)

    def hyper_tm(self, secret, *args):
        env = {"HYPER_ACCESS": self.sim.key_id, "HYPER_SECRET": secret, "HOME": "/nonexistent"}
        return Tmux(wrap("%s --provider hyper --endpoint %s %s" % (FLEETMUX, self.front,
                                                                    " ".join(args))), env=env)

    def test_signed_session(self):
        tm = self.hyper_tm(self.sim.secret, "--open", "hyper/web")
        try:
            s = tm.wait_for(r"hyper/web/web \[live\]", timeout=20)
            self.assertIn("● db running", s)
            tm.type("hostname; stty size")
            tm.keys("Enter")
            time.sleep(1)
            s = tm.screen()
            g = panes(s)[1]
            self.assertIn("web", pane_text(s, g))
            self.assertIn("%d %d" % (g[3], g[2]), pane_text(s, g))
            tm.type("exit 4")
            tm.keys("Enter")
            tm.wait_for(r"\[exited 4\]")
            tm.keys("C-b", "d")
            self.assertIn("fleetmux-exit=0", tm.wait_for(r"fleetmux-exit=\d+"))
        finally:
            tm.kill()

    def test_dropped_stream_reconnects(self):
        self.sim.stop()
        self.sim = Fleetsim("--hyper-front", D.host, "--drop-after", "3", "--seed", "2")
        self.front = re.search(r"hyper-front=(\S+)", self.sim.line).group(1)
        tm = self.hyper_tm(self.sim.secret, "--open", "hyper/db")
        try:
            tm.wait_for(r"hyper/db/db \[live\]", timeout=20)
            tm.wait_for(r"connection lost", timeout=15)
            tm.wait_for(r"reconnected: a new session", timeout=15)
            tm.wait_for(r"hyper/db/db \[live\]", timeout=10)
            tm.type("echo again-$((6+1))")
            tm.keys("Enter")
            tm.wait_for(r"again-7\n")
            tm.keys("C-b", "d")
            self.assertIn("fleetmux-exit=0", tm.wait_for(r"fleetmux-exit=\d+"))
        finally:
            tm.kill()

    def test_wrong_secret_is_refused(self):
        tm = self.hyper_tm("not-the-secret")
        try:
            tm.wait_for(r"signature does not match")
        finally:
            tm.kill()

    def test_unsigned_and_stale_requests(self):
        import http.client
        import urllib.parse
        u = urllib.parse.urlparse(self.front)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("GET", "/v1.23/containers/json")
        r = c.getresponse()
        self.assertEqual(r.status, 401)
        self.assertIn(b"HYPER-HMAC-SHA256", r.read())
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("GET", "/v1.23/containers/json", headers={
            "Authorization": "HYPER-HMAC-SHA256 Credential=x/20160614/us-west-1/hyper/hyper_request, "
                             "SignedHeaders=host, Signature=00",
            "X-Hyper-Date": "20160614T100221Z"})
        r = c.getresponse()
        self.assertEqual(r.status, 403)
        self.assertIn(b"stale", r.read())


class DockerRun(unittest.TestCase):
    def test_run_json_against_dockerd(self):
        import json
        import subprocess
        p = subprocess.run([FLEETMUX, "run", "--provider", "docker", "--endpoint", D.host, "--json",
                            "--filter", "w", "--", "sh", "-c",
                            'echo hi-$(hostname); echo e >&2; [ "$(hostname)" = web ] && exit 9; true'],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        ends = {l["target"]: l["exit_code"] for l in lines if "exit_code" in l}
        self.assertEqual(ends, {"web/web": 9, "worker/worker": 0})
        self.assertIn({"target": "web/web", "stream": "stdout", "data": "hi-web"}, lines)
        self.assertIn({"target": "worker/worker", "stream": "stderr", "data": "e"}, lines)
