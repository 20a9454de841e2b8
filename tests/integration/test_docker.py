"""The Docker provider against a real dockerd that this suite starts: list,
exec on a TTY, resize then stty size, exit codes, a stopped container, a
paused one, and a sidebar with ECI (fleetsim) and Docker side by side."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dockerd import IMAGE, Dockerd  # noqa: E402
from eci import Fleetsim, wait_until  # noqa: E402
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


def hostname_and_size(tm):
    """hostname and stty size in the focused pane; the screen once the size
    shows. On this engine a tcgetattr in the first moment of an exec can fail
    ("stty: standard input", errno garbage) while the start-up resize is
    applied; the docker CLI shows the same. So ask again, a few times."""
    for _ in range(4):
        tm.type("clear; hostname; stty size")
        tm.keys("Enter")
        s = tm.wait_for(r"\n.*\d+ \d+|stty: standard input")
        if "stty: standard input" not in s:
            return s
        time.sleep(0.5)
    return tm.wait_for(r"\n.*\d+ \d+")


def wrap(cmd):
    return "sh -c '%s; echo fleetmux-exit=$?; sleep 2'" % cmd


class DockerTui(unittest.TestCase):
    def setUp(self):
        self.tm = None

    def tearDown(self):
        if self.tm is not None:
            try:
                s = self.tm.quit_fleetmux()
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
        tm.keys("C-b", "x")
        tm.answer_yes()
        tm.keys("C-b", "Tab")
        tm.wait_for("No panes yet")
        web_row = [i for i, l in enumerate(rows) if "● web " in l][0]
        tm.keys(*(["k"] * 5 + ["j"] * (web_row)))
        tm.keys("Enter")
        tm.wait_for(r"local/web/web \[live\]")
        s = hostname_and_size(tm)
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

    def test_previous_log_is_refused_and_logs_merge(self):
        tm = self.start()
        tm.wait_for(r"● web running")
        tm.keys("/")
        tm.type("web")
        tm.keys("Enter", "p")
        s = tm.wait_for(r"web/web: no previous instance's log: local: Docker keeps one log a "
                        r"container")
        self.assertNotIn("[log]", s)
        self.assertEqual(panes(s), {}, s)
        # Two of the engine's containers in one merged pane.
        tm.keys("Space", "/", "C-u")
        tm.type("db")
        tm.keys("Enter", "Space", "/", "C-u", "Enter", "L")
        tm.wait_for(r"local/marked/merged \[log\] \[logs: 2 live\]")

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

    def test_exit_code_and_whole_id_in_the_sidebar(self):
        D.run("quitter", "sh", "-c", "exit 2")
        self.addCleanup(D.docker, "rm", "-f", "quitter")
        cid = D.docker("inspect", "-f", "{{.Id}}", "quitter")
        tm = self.start()
        s = tm.wait_for(r"● quitter exited 2")
        # Down to its row: the details under the rows say its whole id
        # (64 characters: the row has room for its start only).
        rows = s.split("\n")
        first = [i for i, l in enumerate(rows) if "● " in l][0]
        mine = [i for i, l in enumerate(rows) if "● quitter " in l][0]
        tm.keys(*["j"] * (mine - first))
        deadline = time.time() + 10
        while True:
            rows = [l[:36] for l in tm.lines()]
            details = "".join(r.rstrip() for r in rows[-5:-3])
            if "id " + cid in details or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertIn("id " + cid, details, "\n".join(rows))

    def test_details_of_a_container_and_no_history(self):
        """i on a container: what the engine's list says of it (its image,
        state, exit code, creation), and in words that Docker keeps no
        history of its usage and lists no events with it."""
        D.run("ender", "sh", "-c", "exit 2")
        self.addCleanup(D.docker, "rm", "-f", "ender")
        cid = D.docker("inspect", "-f", "{{.Id}}", "ender")
        tm = self.start()
        tm.wait_for(r"● ender exited 2")
        tm.keys("/")
        tm.type("ender")
        tm.keys("Enter", "i")
        s = tm.wait_for(r"Details of local/" + cid[:12])
        self.assertRegex(s, r"id\s+" + cid[:40])
        self.assertRegex(s, r"image\s+fleetmux-busybox")
        self.assertRegex(s, r"engine\s+local")
        self.assertRegex(s, r"status\s+exited 2 \(Exited \(2\)")
        self.assertRegex(s, r"state\s+exited 2")
        self.assertRegex(s, r"exit code\s+2")
        self.assertRegex(s, r"created\s+20\d\d-\d\d-\d\dT")
        self.assertRegex(s, r"restarts\s+not in this engine's list")
        # What it did before fleetmux looked, from the engine's record
        # (the event stream asked since an hour ago, then the engine
        # listed again): shown, not news.
        s = tm.wait_for(r"\d\d:\d\d:\d\d  Warning Died: died, exit code 2")
        self.assertRegex(s, r"\d\d:\d\d:\d\d  Normal Started: started")
        self.assertRegex(s, r"\d\d:\d\d:\d\d  Warning Died: died, exit code 2")
        self.assertNotRegex(s, r"● ender [!↻]")
        self.assertRegex(s, r"Docker keeps no history")
        tm.keys("q")
        tm.wait_gone(r"Details of local/")

    def test_restarts_in_events_badge_and_message_log(self):
        """A container that exits 3 and is restarted by its policy while
        fleetmux watches: the engine's die and start events become its
        events (the details view, with times), the message log says them,
        and its row has a badge counting each death and restart."""
        tm = self.start()
        tm.wait_for(r"● web running")
        self.addCleanup(D.docker, "rm", "-f", "flaky")
        D.docker("run", "-d", "--network", "none", "--name", "flaky", "--restart", "on-failure:2",
                 IMAGE, "sh", "-c", "sleep 1; exit 3")
        cid = D.docker("inspect", "-f", "{{.Id}}", "flaky")
        # on-failure:2: three deaths, two restarts, then it stays exited
        self.assertTrue(wait_until(lambda: D.docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}",
                                                    "flaky") == "exited 2", timeout=60))
        s = tm.wait_for(r"● flaky !3↻2 ", timeout=20)
        self.assertNotRegex(s, r"● web [!↻]")

        tm.keys("C-b", "~")
        s = tm.wait_for(r"Messages \(")
        self.assertIn("local/flaky: Warning Died: died, exit code 3", s)
        self.assertIn("local/flaky: Normal Restarted: restarted after exit code 3", s)
        tm.keys("q")
        tm.wait_gone(r"Messages \(")

        tm.keys("/")
        tm.type("flaky")
        tm.keys("Enter", "i")
        s = tm.wait_for(r"Details of local/" + cid[:12])
        self.assertRegex(s, r"status\s+exited 3 \(Exited \(3\).* — Died: died, exit code 3")
        self.assertRegex(s, r"Events \(7, oldest first; times UTC\)")
        rows = [l.split("│", 1)[1].strip() for l in s.split("\n")
                if re.search(r"\d\d:\d\d:\d\d  (Normal|Warning) ", l)]
        words = [re.sub(r"^\d\d:\d\d:\d\d  ", "", r) for r in rows]
        self.assertEqual(words, ["Normal Created: created", "Normal Started: started",
                                 "Warning Died: died, exit code 3",
                                 "Normal Restarted: restarted after exit code 3",
                                 "Warning Died: died, exit code 3",
                                 "Normal Restarted: restarted after exit code 3",
                                 "Warning Died: died, exit code 3"], s)
        # Opening the details clears the badge.
        self.assertNotRegex(s, r"● flaky [!↻]")
        tm.keys("q")
        tm.wait_gone(r"Details of local/")

    def test_engine_that_stops_answering_shows_down(self):
        import signal
        tm = self.start()
        tm.wait_for(r"● web running")
        os.kill(D.proc.pid, signal.SIGSTOP)
        try:
            # (3…): a listing may be in flight, asked for when the event
            # stream replayed the engine's record of the last hour
            s = tm.wait_for(r"local \(\d+…?\) ✗ down", timeout=20)
            self.assertRegex(s, r"local: the engine is not answering \(.*\); what it lists may be stale")
            self.assertIn("? web ", s)  # no longer said running
        finally:
            os.kill(D.proc.pid, signal.SIGCONT)
        tm.wait_for("the engine answers again", timeout=20)
        s = tm.wait_gone(r"✗ down", timeout=20)
        self.assertIn("● web running", s)

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
            s = tm.quit_fleetmux()
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
            s = hostname_and_size(tm)
            g = panes(s)[1]
            self.assertIn("web", pane_text(s, g))
            self.assertIn("%d %d" % (g[3], g[2]), pane_text(s, g))
            tm.type("exit 4")
            tm.keys("Enter")
            tm.wait_for(r"\[exited 4\]")
            self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
        finally:
            tm.kill()

    def test_details_say_there_are_no_events(self):
        tm = self.hyper_tm(self.sim.secret)
        try:
            tm.wait_for(r"● web running", timeout=20)
            tm.keys("/")
            tm.type("web")
            tm.keys("Enter", "i")
            s = tm.wait_for(r"Details of hyper/")
            self.assertIn("Hyper's API has no event stream that fleetmux follows", s)
            tm.keys("q")
            tm.wait_gone(r"Details of hyper/")
            self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
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
            self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
        finally:
            tm.kill()

    def test_run_once_across_a_dropped_stream(self):
        import subprocess
        self.sim.stop()
        self.sim = Fleetsim("--hyper-front", D.host, "--drop-after", "2", "--seed", "5")
        self.front = re.search(r"hyper-front=(\S+)", self.sim.line).group(1)
        env = dict(os.environ, HYPER_ACCESS=self.sim.key_id, HYPER_SECRET=self.sim.secret,
                   HOME="/nonexistent")
        D.docker("exec", "worker", "rm", "-f", "/tmp/ran")
        p = subprocess.run([FLEETMUX, "run", "--provider", "hyper", "--endpoint", self.front,
                            "--filter", "worker", "--timeout", "20", "--", "sh", "-c",
                            "echo ran >> /tmp/ran; sleep 4"],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("worker/worker = failed: connection lost after the command started (",
                      p.stdout)
        self.assertIn("it was ended in the container, and not run again", p.stdout)
        self.assertFalse([a for a in top("worker") if "sleep 4" in a], top("worker"))
        time.sleep(5)
        self.assertEqual(D.docker("exec", "worker", "cat", "/tmp/ran"), "ran")

    def test_debug_logs_the_signed_exec_start(self):
        """Exec start goes out on the raw connection, not through the HTTP
        client: --debug logs it too, its signature masked."""
        import subprocess
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "debug.log")
            env = {"PATH": os.environ["PATH"], "HOME": d, "HYPER_ACCESS": self.sim.key_id,
                   "HYPER_SECRET": self.sim.secret}
            p = subprocess.run([FLEETMUX, "--debug", log, "run", "--provider", "hyper",
                                "--endpoint", self.front, "--filter", "web", "--", "echo", "hi"],
                               capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(log) as f:
                text = f.read()
        self.assertRegex(text, r"http > POST %s/v1\.\d+/exec/[0-9a-f]+/start \(exec start" %
                         re.escape(self.front))
        self.assertRegex(text, r"http < (101|200) POST %s/v1\.\d+/exec/[0-9a-f]+/start \(\d+ ms\)"
                         % re.escape(self.front))
        start = text[text.index("(exec start"):]
        self.assertRegex(start, r"Authorization: HYPER-HMAC-SHA256 \S*\*\*\*")
        self.assertNotIn(self.sim.secret, text)

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


def top(name):
    """The command lines of what runs in a container (docker top)."""
    rows = D.docker("top", name, "-o", "pid,args").split("\n")[1:]
    return [r.strip().split(None, 1)[1] for r in rows if r.strip()]


def run_argv(*args):
    return [FLEETMUX, "run", "--provider", "docker", "--endpoint", D.host] + list(args)



class DockerLeavesNothing(unittest.TestCase):
    """What fleetmux starts in a container ends when fleetmux is done with it:
    an engine keeps an exec's process when its stream closes."""

    def test_run_timeout_kills_the_command(self):
        import subprocess
        p = subprocess.run(run_argv("--filter", "db", "--timeout", "1", "--", "sh", "-c",
                                    "sleep 3201 & sleep 3202"),
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("db/db = failed: timed out after 1 s; ended in the container", p.stdout)
        self.assertFalse([a for a in top("db") if "320" in a], top("db"))

    def test_run_ctrl_c_kills_the_command(self):
        import signal
        import subprocess
        proc = subprocess.Popen(run_argv("--filter", "worker", "--", "sh", "-c", "sleep 3203"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertTrue(wait_until(lambda: "sleep 3203" in top("worker")), top("worker"))
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("worker/worker = failed: interrupted (SIGINT); ended in the container", out)
        self.assertNotIn("sleep 3203", top("worker"))

    def test_closing_a_pane_and_quitting_leave_no_shell(self):
        tm = Tmux(wrap("%s --provider docker --endpoint %s --open local/web --open local/db" %
                       (FLEETMUX, D.host)))
        try:
            tm.wait_for(r"local/web/web \[live\]", timeout=20)
            tm.wait_for(r"local/db/db \[live\]", timeout=20)
            for n, mark in ((1, "3204"), (2, "3205")):
                tm.keys("C-b", str(n))
                tm.type("sleep %s & echo started-%s" % (mark, mark))
                tm.keys("Enter")
                tm.wait_for(r"(?m)│started-%s( |$)" % mark)
            self.assertTrue(wait_until(lambda: "sleep 3204" in top("web")))
            tm.keys("C-b", "1", "C-b", "x")
            tm.answer_yes()
            # The pane's shell and what it started are gone; the other stays.
            self.assertTrue(wait_until(lambda: not [a for a in top("web") if a != "sleep 100000"]),
                            top("web"))
            self.assertIn("sleep 3205", top("db"))
            self.assertIn("fleetmux-exit=0", tm.quit_fleetmux(timeout=20))
            # Quitting waited for the shells to end.
            self.assertEqual([a for a in top("db") if a != "sleep 100000"], [])
        finally:
            tm.kill()


class DockerRun(unittest.TestCase):
    def test_a_failed_provider_does_not_stop_the_others(self):
        import subprocess
        with tempfile.TemporaryDirectory() as home:
            cfg = os.path.join(home, "config")
            with open(cfg, "w") as f:
                f.write('[provider "prod"]\ntype = eci\nprofile = prod\n'
                        '[provider "engine"]\ntype = docker\nhost = %s\n' % D.host)
            env = {"HOME": home, "PATH": os.environ["PATH"]}
            p = subprocess.run([FLEETMUX, "run", "--config", cfg, "--dry-run"], capture_output=True,
                               text=True, timeout=60, env=env)
        missing = os.path.join(home, ".aliyun", "config.json")
        self.assertEqual(p.stderr.count(missing), 1, p.stderr)
        self.assertIn('provider "prod": %s: No such file or directory' % missing, p.stderr)
        self.assertEqual(sorted(p.stdout.split()), ["db/db", "web/web", "worker/worker"])
        self.assertEqual(p.returncode, 1)  # the fleet was not all there

    def test_debug_logs_the_exec_start(self):
        import subprocess
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "debug.log")
            p = subprocess.run(run_argv("--debug", log, "--filter", "web", "--", "echo", "hi"),
                               capture_output=True, text=True, timeout=60,
                               env={"PATH": os.environ["PATH"], "HOME": d})
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(log) as f:
                text = f.read()
        self.assertRegex(text, r"http > POST http://localhost/v1\.\d+/exec/[0-9a-f]+/start \(exec start")
        self.assertIn('body (28 bytes): {"Detach":false,"Tty":false}', text)
        self.assertRegex(text, r"http < (101|200) POST http://localhost/v1\.\d+/exec/[0-9a-f]+/start")

    def test_missing_client_certificate_in_words_once(self):
        import subprocess
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "debug.log")
            env = {"PATH": os.environ["PATH"], "HOME": d, "DOCKER_TLS_VERIFY": "1",
                   "DOCKER_CERT_PATH": os.path.join(d, "no-certs")}
            p = subprocess.run([FLEETMUX, "run", "--provider", "docker", "--endpoint", D.tls_host,
                                "--debug", log, "--", "true"], capture_output=True, text=True,
                               timeout=60, env=env)
            with open(log) as f:
                text = f.read()
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot read the client certificate %s: No such file or directory"
                      % os.path.join(d, "no-certs", "cert.pem"), p.stderr)
        self.assertEqual(text.count("http > "), 1, text)

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
        who = {"provider": "local", "region": "local", "container": "web"}
        out = [l for l in lines if l.get("target") == "web/web" and l.get("stream") == "stdout"]
        self.assertEqual(out[0]["data"], "hi-web")
        self.assertEqual({k: out[0][k] for k in who}, who)
        self.assertTrue(any(l.get("target") == "worker/worker" and l.get("stream") == "stderr"
                            and l.get("data") == "e" for l in lines), lines)


FMWATCH = os.path.join(os.path.dirname(FLEETMUX), "fmwatch")


def cid(name):
    return D.docker("inspect", "-f", "{{.Id}}", name)


def fmwatch(provider, endpoint, *args, env=None, timeout=60):
    cmd = [FMWATCH, "--provider", provider, "--endpoint", endpoint] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr


def lines(events, prefix=""):
    return [e for e in events if e["event"] == "line" and e["text"].startswith(prefix)]


def counted(events, prefix):
    return [int(e["text"][len(prefix):]) for e in lines(events, prefix)]


class DockerWatch(unittest.TestCase):
    """The Docker provider's logs and stats (through fmwatch, which drives
    them as the UI will) against the real engine."""

    @classmethod
    def setUpClass(cls):
        D.run("chatty", "sh", "-c", "i=0; while :; do i=$((i+1)); echo \"out $i\"; echo \"err $i\" >&2; "
              "sleep 0.1; done")
        D.docker("run", "-d", "-t", "--network", "none", "--name", "ttyc", IMAGE, "sh", "-c",
                 "i=0; while :; do i=$((i+1)); echo \"tty $i\"; sleep 0.2; done")
        D.run("busy", "sh", "-c", "while :; do :; done")

    @classmethod
    def tearDownClass(cls):
        for name in ("chatty", "ttyc", "busy"):
            D.docker("rm", "-f", name)

    def test_logs_demultiplexed_each_line_once_in_order(self):
        rc, ev, err = fmwatch("docker", D.host, "logs", "local", cid("chatty"), "chatty", "--tail", "6",
                              "--seconds", "4")
        self.assertEqual(rc, 0, err)
        self.assertEqual(ev[0], {"event": "state", "state": "live"})
        out, errs = counted(ev, "out "), counted(ev, "err ")
        self.assertGreater(len(out), 20)
        self.assertEqual(out, list(range(out[0], out[0] + len(out))))
        self.assertEqual(errs, list(range(errs[0], errs[0] + len(errs))))
        self.assertEqual({e["stream"] for e in lines(ev, "out ")}, {1})
        self.assertEqual({e["stream"] for e in lines(ev, "err ")}, {2})
        self.assertLessEqual(len(lines(ev)) - len(out) - len(errs), 0)
        t = lines(ev)[0]["time"]
        self.assertRegex(t, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")

    def test_closed_from_inside_its_callback(self):
        # The line arrives inside curl's write callback: closing there must
        # end the stream without a line more, and without harm.
        rc, ev, err = fmwatch("docker", D.host, "logs", "local", cid("chatty"), "chatty", "--tail", "20",
                              "--close-at", "5", "--seconds", "10")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(lines(ev)), 5)

    def test_tty_container_raw_lines(self):
        rc, ev, err = fmwatch("docker", D.host, "logs", "local", cid("ttyc"), "ttyc", "--tail", "3",
                              "--seconds", "3")
        self.assertEqual(rc, 0, err)
        n = counted(ev, "tty ")
        self.assertGreater(len(n), 5)
        self.assertEqual(n, list(range(n[0], n[0] + len(n))))
        self.assertFalse(any("\r" in e["text"] for e in lines(ev)))

    def test_a_restart_is_followed_without_repeats(self):
        D.run("again", "sh", "-c", "echo \"start $$\"; i=0; while :; do i=$((i+1)); echo \"tick $i\"; "
              "sleep 0.2; done")
        try:
            proc = subprocess.Popen([FMWATCH, "--provider", "docker", "--endpoint", D.host, "logs",
                                     "local", cid("again"), "again", "--seconds", "14"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(4)
            D.docker("restart", "-t", "1", "again")
            out, err = proc.communicate(timeout=60)
        finally:
            D.docker("rm", "-f", "again")
        self.assertEqual(proc.returncode, 0, err)
        ev = [json.loads(l) for l in out.splitlines()]
        starts = lines(ev, "start ")
        self.assertEqual(len(starts), 2, ev)  # both instances, each once
        seen = [(e["time"], e["text"]) for e in lines(ev)]
        self.assertEqual(len(seen), len(set(seen)), "a line came twice")
        # Each instance's ticks, whole: the first from 1 until it stopped, the
        # second from 1 again.
        ticks = counted(ev, "tick ")
        cut = ticks.index(1, 1)
        self.assertEqual(ticks[:cut], list(range(1, cut + 1)))
        self.assertEqual(ticks[cut:], list(range(1, len(ticks) - cut + 1)))
        self.assertGreater(len(ticks) - cut, 5)

    def test_no_previous_instance_log(self):
        rc, ev, _ = fmwatch("docker", D.host, "logs", "local", cid("chatty"), "chatty", "--previous")
        self.assertEqual(rc, 1)
        self.assertEqual((ev[-1]["state"], ev[-1]["code"]), ("failed", 9))  # FM_ENOTSUP
        self.assertIn("no separate log of a previous instance", ev[-1]["message"])
        rc, ev, _ = fmwatch("docker", D.host, "logs", "local", "no-such-container", "x", "--seconds", "5")
        self.assertEqual(rc, 1)
        self.assertEqual((ev[-1]["state"], ev[-1]["http_status"]), ("failed", 404))

    def test_stats_busy_and_idle(self):
        D.run("stopped", "true")
        time.sleep(1)
        ids = [cid("busy"), cid("web"), cid("stopped")]
        rc, ev, err = fmwatch("docker", D.host, "metrics", "local", *ids)
        D.docker("rm", "-f", "stopped")
        self.assertEqual(rc, 0, err)
        got = {s["group"]: s for s in ev[0]["samples"]}
        self.assertEqual(sorted(got), sorted(ids[:2]))  # a stopped container has no sample
        busy, idle = got[ids[0]], got[ids[1]]
        self.assertGreater(busy["cpu_percent"], 10)
        self.assertLess(idle["cpu_percent"], 5)
        self.assertGreater(busy["cpu_percent"], 5 * idle["cpu_percent"])
        for s in (busy, idle):
            self.assertGreater(s["mem_used"], 0)
            self.assertGreater(s["mem_limit"], s["mem_used"])
        self.assertEqual(busy["containers"][0]["name"], "busy")
        rc, ev, _ = fmwatch("docker", D.host, "metrics", "local", ids[0], "--history")
        self.assertEqual(rc, 1)
        self.assertEqual(ev[0]["error"]["code"], 9)

    def test_hyper_logs_and_stats_are_signed(self):
        with Fleetsim("--hyper-front", D.host) as sim:
            front = re.search(r"hyper-front=(\S+)", sim.line).group(1)
            env = {"HYPER_ACCESS": sim.key_id, "HYPER_SECRET": sim.secret, "HOME": "/nonexistent"}
            rc, ev, err = fmwatch("hyper", front, "logs", "hyper", cid("chatty"), "chatty", "--tail", "2",
                                  "--seconds", "3", env=env)
            self.assertEqual(rc, 0, err)
            out = counted(ev, "out ")
            self.assertGreater(len(out), 5)
            self.assertEqual(out, list(range(out[0], out[0] + len(out))))
            rc, ev, err = fmwatch("hyper", front, "metrics", "hyper", cid("busy"), env=env)
            self.assertEqual(rc, 0, err)
            self.assertEqual(len(ev[0]["samples"]), 1)
            env["HYPER_SECRET"] = "wrong"
            rc, ev, _ = fmwatch("hyper", front, "metrics", "hyper", cid("busy"), env=env)
            self.assertEqual(rc, 1)
            self.assertEqual(ev[0]["error"]["http_status"], 403)
