"""fleetmux's Kubernetes provider end to end: fleetmux in tmux (and
fleetmux run) against fleetsim --k8s, with kubeconfigs written here: two
contexts at once, a shell into a pod that follows the pane's size, the exit
code from the channel-3 Status, RBAC's 403 in words, a cluster refused
without its CA, an exec credential plugin (a token renewed after a 401, a
plugin that fails, a plugin that answers with a client certificate), and
fleetmux run across pods."""
import base64
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim, alive, free_port, wait_until  # noqa: E402
from tui import FLEETMUX, Tmux, pane_text, panes  # noqa: E402

TOKEN = "k8s-tui-token"
SIM = None
TMP = None
KUBECONFIG = None   # fleetsim's own: two contexts, the CA, the token
SERVERS = {}        # context -> server URL
CA_DATA = None
CLIENT_DATA = None  # fleetsim's client certificate and key, base64

FLEET = {
    "regions": [
        {"id": "r1",
         "k8s_deny": [{"verb": "create", "resource": "pods/exec", "namespace": "data"}],
         "groups": [
             {"id": "eci-web1", "name": "web-1", "tags": {"app": "web"},
              "containers": [
                  {"name": "nginx", "image": "nginx:1",
                   "command": ["sh", "-c", "while true; do sleep 1; done"]},
                  {"name": "side", "image": "busybox",
                   "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
             {"id": "eci-wait1", "name": "wait-1", "status": "Pending",
              "containers": [{"name": "main", "image": "busybox", "state": "Waiting"}]},
             {"id": "eci-db1", "name": "db-1", "namespace": "data",
              "containers": [{"name": "pg", "image": "postgres:16",
                              "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
         ]},
        {"id": "r2", "namespace": "ops", "generate": {"count": 3, "name_prefix": "gen"}},
    ]
}


def setUpModule():
    global SIM, TMP, KUBECONFIG, CA_DATA, CLIENT_DATA
    TMP = tempfile.TemporaryDirectory()
    fleet = os.path.join(TMP.name, "fleet.json")
    with open(fleet, "w") as f:
        json.dump(FLEET, f)
    KUBECONFIG = os.path.join(TMP.name, "kubeconfig")
    SIM = Fleetsim("--k8s", "--k8s-token", TOKEN, "--write-kubeconfig", KUBECONFIG, fleet=fleet)
    with open(KUBECONFIG) as f:
        text = f.read()
    CA_DATA = re.search(r"certificate-authority-data: (\S+)", text).group(1)
    CLIENT_DATA = (re.search(r"client-certificate-data: (\S+)", text).group(1),
                   re.search(r"client-key-data: (\S+)", text).group(1))
    for region in ("r1", "r2"):
        SERVERS["fleetsim-" + region] = re.search(
            r'server: "?(https://127\.0\.0\.1:\d+/clusters/%s)"?' % region, text).group(1)


def tearDownModule():
    rc = SIM.stop()
    TMP.cleanup()
    assert rc == 0, "fleetsim exited %s: %s" % (rc, SIM.stderr)


def kubeconfig(name, user, ca=True, contexts=("fleetsim-r1", "fleetsim-r2"), cluster=""):
    """A kubeconfig of our own for fleetsim's clusters: user is the YAML of
    users[0].user, indented by 4."""
    lines = ["apiVersion: v1", "kind: Config", "clusters:"]
    for c in contexts:
        lines += ["- name: %s" % c, "  cluster:", "    server: %s" % SERVERS[c]]
        if ca:
            lines.append("    certificate-authority-data: %s" % CA_DATA)
        if cluster:
            lines.append("    " + cluster)
    lines += ["users:", "- name: u", "  user:"] + ["    " + l for l in user.split("\n")]
    lines.append("contexts:")
    for c in contexts:
        lines += ["- name: %s" % c, "  context:", "    cluster: %s" % c, "    user: u"]
    lines.append("current-context: %s" % contexts[0])
    path = os.path.join(TMP.name, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
    return path


def env_for(home, kc):
    """A clean environment: a HOME of its own, XDG dirs under it, no cloud
    credentials, no Docker, the kubeconfig given."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA", "ALICLOUD", "FLEETMUX", "HYPER", "XDG_", "KUBE"))}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local/share"),
               XDG_RUNTIME_DIR=home, KUBECONFIG=kc,
               DOCKER_HOST="unix:///nonexistent/fleetmux-tests/docker.sock")
    return env


def plugin(name, body):
    path = os.path.join(TMP.name, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


class K8sTui(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(dir=TMP.name)
        self.tm = None

    def tearDown(self):
        try:
            if self.tm is not None:
                s = self.tm.quit_fleetmux()
                self.assertIn("fleetmux-exit=0", s)
        finally:
            if self.tm is not None:
                self.tm.kill()
        # The private folder for -data files is gone with fleetmux.
        self.assertEqual([d for d in os.listdir(self.home) if d.startswith("fleetmux-k8s-")], [])

    def start(self, kc, *args, width=160, height=45):
        env = env_for(self.home, kc)
        cmd = "sh -c '%s %s; echo fleetmux-exit=$?; sleep 2'" % (FLEETMUX, " ".join(args))
        self.tm = Tmux(cmd, env=env, width=width, height=height)
        return self.tm

    def stty_matches(self):
        """stty size in pane 1 is the size it is drawn at."""
        tm = self.tm
        tm.type("clear; stty size")
        tm.keys("Enter")
        deadline = time.time() + 10
        while True:
            s = tm.screen()
            g = panes(s)[1]
            want = "%d %d" % (g[3], g[2])
            if want in pane_text(s, g):
                return want
            if time.time() > deadline:
                self.fail("stty size is not %s:\n%s" % (want, s))
            time.sleep(0.2)

    def test_two_contexts_shell_size_and_exit_code(self):
        """No config: the kubeconfig is found by itself, and both its
        contexts are listed at once; a pane into a pod of one of them."""
        tm = self.start(KUBECONFIG, "--open", "fleetsim-r1/default/web-1/nginx")
        s = tm.wait_for(r"(?s)fleetsim-r1.*web-1.*fleetsim-r2.*gen-00003")
        self.assertIn("db-1", s)
        # CPU and memory from metrics.k8s.io in the sidebar, memory as
        # used/limit (the limit from the pod spec: two containers of 2G).
        s = tm.wait_for(r"web-1 [^│\n]*\d%\s+[\d.]+[KMG]/4G│", timeout=30)
        # A pod whose container waits says why, as kubectl's STATUS does,
        # and the namespace is whole or left out, never cut (default/w).
        self.assertRegex(s, r"wait-1 ContainerCreating( default)? +│")
        tm.wait_for(r"\[live\]")
        tm.type("hostname")
        tm.keys("Enter")
        tm.wait_for(r"│web-1\s*\n")
        first = self.stty_matches()
        tm.resize(120, 36)
        time.sleep(0.5)
        self.assertNotEqual(self.stty_matches(), first)
        tm.type("exit 3")
        tm.keys("Enter")
        tm.wait_for(r"\[exited 3\]")

    def test_run_on_marked_pods_across_contexts(self):
        """C-b ! on containers of two contexts: the same exactly-once run
        as on every provider, into a results pane."""
        tm = self.start(KUBECONFIG, "--provider", "kubernetes")
        tm.wait_for("gen-00003")
        tm.keys("/")
        tm.type("gen-00001")
        tm.keys("Enter", "Space")
        tm.keys("/", "C-u")
        tm.type("web-1")
        tm.keys("Enter", "Space")
        tm.wait_for("3 marked|/web-1")
        tm.keys("C-b", "!")
        tm.wait_for(r"run on \d+ marked containers")
        tm.type("echo from-$(hostname); exit 5")
        tm.keys("Enter")
        s = tm.wait_for(r"targets, \d+ failed", timeout=30)
        self.assertIn("on 3 containers", s)
        for target in ("gen-00001/main", "web-1/nginx", "web-1/side"):
            self.assertIn("%s | from-%s" % (target, target.split("/")[0]), s)
        self.assertRegex(s, r"gen-00001/main = exit 5")

    def test_closed_pane_and_quit_leave_no_shell(self):
        """The container runtime keeps an exec's process when its stream
        closes (fleetsim too): a pane closed, or fleetmux quitting, ends
        what it started in the pod, through a second exec."""
        tm = self.start(KUBECONFIG, "--provider", "kubernetes", "--open",
                        "fleetsim-r1/default/web-1/nginx", "--open", "fleetsim-r2/ops/gen-00001/main")
        tm.wait_for(r"web-1/nginx \[live\]")
        tm.wait_for(r"gen-00001/main \[live\]")
        for n in (1, 2):
            tm.keys("C-b", str(n))
            tm.type("sleep 440%d & echo started-$((4400+%d))" % (n, n))
            tm.keys("Enter")
        self.assertTrue(wait_until(lambda: alive("^sleep 4401$") and alive("^sleep 4402$")))
        tm.keys("C-b", "1", "C-b", "x")
        tm.answer_yes(r"close pane 1 .*\(y/n\)")
        self.assertTrue(wait_until(lambda: not alive("^sleep 4401$")), alive("^sleep 4401$"))
        self.assertTrue(alive("^sleep 4402$"))
        tm.keys("C-b", "Q")
        tm.answer_yes(r"quit\? 1 live session will end \(y/n\)")
        self.assertIn("fleetmux-exit=0", tm.wait_for(r"fleetmux-exit=\d+", timeout=15))
        self.assertEqual(alive("^sleep 4402$"), [])

    def test_rbac_denial_in_words(self):
        tm = self.start(KUBECONFIG, "--provider", "kubernetes", "--open", "fleetsim-r1/data/db-1/pg")
        s = tm.wait_for(r"forbidden \(403\)")
        self.assertIn("exec", s)
        # The pane says so and fleetmux goes on.
        tm.wait_for("gen-00001")

    def test_container_not_running_in_words(self):
        tm = self.start(KUBECONFIG, "--provider", "kubernetes", "--open",
                        "fleetsim-r1/default/wait-1/main")
        tm.wait_for(r"container main of default/wait-1 is not running")

    def test_cluster_refused_without_its_ca(self):
        kc = kubeconfig("noca", 'token: "%s"' % TOKEN, ca=False)
        tm = self.start(kc, "--provider", "kubernetes")
        s = tm.wait_for(r"not trusted", timeout=20)
        self.assertNotIn("web-1", s)

    def test_tls_server_name(self):
        """tls-server-name is the name the certificate is checked for, by
        curl (the listing) and libwebsockets (exec) alike: fleetsim's is
        for 127.0.0.1 and localhost, not another name."""
        good = kubeconfig("sni-good", 'token: "%s"' % TOKEN, contexts=("fleetsim-r1",),
                          cluster="tls-server-name: localhost")
        tm = self.start(good, "--provider", "kubernetes", "--open", "fleetsim-r1/default/web-1/nginx")
        tm.wait_for(r"\[live\]")
        self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
        tm.kill()
        bad = kubeconfig("sni-bad", 'token: "%s"' % TOKEN, contexts=("fleetsim-r1",),
                         cluster="tls-server-name: elsewhere.example")
        self.tm = None
        tm = self.start(bad, "--provider", "kubernetes", "--open", "fleetsim-r1/default/web-1/nginx")
        s = tm.wait_for(r"not trusted|certificate", timeout=20)
        self.assertNotIn("[live]", s)

    def test_client_certificate(self):
        """A user with a client certificate and key as -data: written to
        private files (0600 in a 0700 folder) while fleetmux runs, removed
        when it ends (tearDown checks), and fleetsim lets it in."""
        user = "client-certificate-data: %s\nclient-key-data: %s" % CLIENT_DATA
        kc = kubeconfig("cert", user, contexts=("fleetsim-r2",))
        tm = self.start(kc, "--provider", "kubernetes", "--open", "fleetsim-r2/ops/gen-00002/main")
        tm.wait_for(r"\[live\]")
        tm.type("hostname")
        tm.keys("Enter")
        tm.wait_for(r"│gen-00002\s*\n")
        dirs = [d for d in os.listdir(self.home) if d.startswith("fleetmux-k8s-")]
        self.assertEqual(len(dirs), 1)
        d = os.path.join(self.home, dirs[0])
        self.assertEqual(os.stat(d).st_mode & 0o777, 0o700)
        files = sorted(os.listdir(d))
        self.assertEqual(files, ["0-ca.pem", "0-cert.pem", "0-key.pem"])
        for f in files:
            self.assertEqual(os.stat(os.path.join(d, f)).st_mode & 0o777, 0o600)
        # Without the certificate, the same cluster says 401 in words.
        self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
        tm.kill()
        self.tm = None
        kc = kubeconfig("nocert", "username: nobody", contexts=("fleetsim-r2",))
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for(r"401|credentials|sign-in|Unauthorized")

    def test_the_contexts_namespace_first(self):
        """A context's pods of several namespaces: its own namespace's
        first (default here), then the others by name (data), whatever the
        order the server lists them in (by namespace: data first)."""
        kc = kubeconfig("order", "token: %s" % TOKEN, contexts=("fleetsim-r1",))
        tm = self.start(kc, "--provider", "kubernetes")
        # One sidebar row after the other.
        tm.wait_for(r"fleetsim-r1 \(3\)[^\n]*\n[^\n]*wait-1 [^\n]*\n[^\n]*web-1 [^\n]*\n"
                    r"[^\n]*db-1 ")

    def test_token_file_and_one_context_from_the_config(self):
        tokfile = os.path.join(self.home, "token")
        with open(tokfile, "w") as f:
            f.write(TOKEN + "\n")
        kc = kubeconfig("tokfile", "tokenFile: %s" % tokfile)
        os.makedirs(os.path.join(self.home, ".config/fleetmux"))
        with open(os.path.join(self.home, ".config/fleetmux/config"), "w") as f:
            f.write('[provider "prod"]\ntype = kubernetes\nkubeconfig = %s\n'
                    'contexts = fleetsim-r2\n' % kc)
        tm = self.start("/nonexistent")
        s = tm.wait_for("gen-00002")
        self.assertNotIn("fleetsim-r1", s)
        self.assertIn("prod", s)

    def test_a_context_not_in_the_kubeconfig(self):
        """contexts = a good one and one the kubeconfig lacks: the good one
        is listed, the other is a region in error that says why; and
        --check-config says it first."""
        kc = kubeconfig("nope", 'token: "%s"' % TOKEN)
        conf = os.path.join(self.home, ".config/fleetmux")
        os.makedirs(conf)
        with open(os.path.join(conf, "config"), "w") as f:
            f.write('[provider "clusters"]\ntype = kubernetes\nkubeconfig = %s\n'
                    'contexts = fleetsim-r2, nope\n' % kc)
        p = subprocess.run([FLEETMUX, "--check-config"], capture_output=True, text=True,
                           timeout=30, env=env_for(self.home, "/nonexistent"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stderr, r"config:\d+: .*there is no context 'nope' in the kubeconfig")
        tm = self.start("/nonexistent")
        s = tm.wait_for(r"(?s)fleetsim-r2.*gen-00003.*nope \(0\) ✗ error")
        self.assertIn("clusters", s)

    def test_down_context_says_the_current_reason(self):
        """A cluster that goes away is down ("Connection refused"); when it
        comes back on its port with another CA, the retries go on by
        themselves and the region says why now (not trusted), with no r."""
        fleet = os.path.join(self.home, "one.json")
        with open(fleet, "w") as f:
            json.dump({"regions": [{"id": "b1", "groups": [
                {"id": "eci-b1", "name": "back-1", "containers": [{"name": "main"}]}]}]}, f)
        port = free_port()
        kc = os.path.join(self.home, "first-kubeconfig")
        sim = Fleetsim("--k8s", "--k8s-port", str(port), "--k8s-token", TOKEN,
                       "--write-kubeconfig", kc, fleet=fleet)
        self.addCleanup(sim.stop)
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for("back-1")
        sim.stop()
        tm.wait_for(r"fleetsim-b1 \(1\) ✗ down", timeout=30)
        again = Fleetsim("--k8s", "--k8s-port", str(port), "--k8s-token", TOKEN,
                         "--write-kubeconfig", os.path.join(self.home, "second-kubeconfig"),
                         fleet=fleet)
        self.addCleanup(again.stop)
        # The region's row, then its reason in the footer.
        tm.keys("g")
        tm.keys("j")
        s = tm.wait_for(r"(?s)fleetsim-b1: watching pods: .*not\s*trusted", timeout=40)
        self.assertIn("✗ down", s)

    def test_exec_plugin_renewed_after_401(self):
        """A plugin whose first token the cluster refuses: fleetmux asks it
        again, once, and goes on with the new one; two contexts of one user
        share its answers (a plugin that opens a browser opens one)."""
        count = os.path.join(self.home, "runs")
        script = plugin("plugin.sh", """
echo run >> "$RUNS"
[ -n "$KUBERNETES_EXEC_INFO" ] || { echo "no KUBERNETES_EXEC_INFO" >&2; exit 1; }
n=$(wc -l < "$RUNS")
if [ "$n" -eq 1 ]; then tok=revoked; else tok="$1"; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
printf '"status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\\n' "$tok"
""")
        user = ("exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: %s\n"
                "  args: [\"%s\"]\n  env:\n  - name: RUNS\n    value: %s\n"
                "  interactiveMode: Never" % (script, TOKEN, count))
        kc = kubeconfig("plugin", user)
        tm = self.start(kc, "--provider", "kubernetes", "--open", "fleetsim-r1/default/web-1/side")
        tm.wait_for(r"(?s)web-1.*gen-00003")
        tm.wait_for(r"\[live\]")
        tm.type("echo via-plugin")
        tm.keys("Enter")
        tm.wait_for(r"│via-plugin")
        with open(count) as f:
            runs = len(f.read().split())
        # Once refused, once renewed; cached after that (the pane's exec too),
        # and shared by the two contexts of the same user.
        self.assertEqual(runs, 2)

    def test_watch_keeps_the_sidebar_live(self):
        """A container that keeps crashing: its restart count goes up in
        the sidebar with nobody asking for a relisting (the type has no
        periodic relisting: only the watch can bring it)."""
        fleet = os.path.join(self.home, "crash.json")
        with open(fleet, "w") as f:
            json.dump({"regions": [{"id": "c1", "groups": [
                {"id": "eci-crash1", "name": "crash-1", "restart_backoff": 1,
                 "containers": [{"name": "main", "image": "busybox",
                                 "command": ["sh", "-c", "echo starting-$$; sleep 1; exit 3"]}]}]}]},
                      f)
        kc = os.path.join(self.home, "crash-kubeconfig")
        sim = Fleetsim("--k8s", "--k8s-token", TOKEN, "--write-kubeconfig", kc, fleet=fleet)
        self.addCleanup(sim.stop)
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for("crash-1")
        tm.keys("/")
        tm.type("crash-1")
        tm.keys("Enter", "Right")
        # The count stands before the image, and is not shown while 0.
        s = tm.wait_for(r"main \w+ ↻\d+ busybox")
        first = int(re.search(r"main \w+ ↻(\d+)", s).group(1))
        s = tm.wait_for(r"main \w+ ↻%d" % (first + 1), timeout=30)
        # The pod's row counts its containers' restarts, as ECI's badge.
        self.assertRegex(s, r"● crash-1 ↻%d " % (first + 1))
        # The previous instance's log (previous=true), whole, once.
        tm.keys("j", "p")
        s = tm.wait_for(r"\[log\].*\n(.*\n)*.*starting-\d+")
        self.assertNotIn("error", s.lower())

    def test_deleted_pod_ends_its_pane(self):
        """A pod deleted while a pane is open on it (issue 14): the shell
        ends as the runtime kills it, the reconnection finds no pod and
        stops there in words, and the sidebar no longer lists it."""
        fleet = os.path.join(self.home, "doomed.json")
        with open(fleet, "w") as f:
            json.dump({"regions": [{"id": "d1", "groups": [
                {"id": "eci-doomed1", "name": "doomed-1",
                 "containers": [{"name": "main", "image": "busybox",
                                 "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
                {"id": "eci-other1", "name": "other-1",
                 "containers": [{"name": "main", "image": "busybox",
                                 "command": ["sh", "-c", "while true; do sleep 1; done"]}]}]}]},
                      f)
        kc = os.path.join(self.home, "doomed-kubeconfig")
        sim = Fleetsim("--k8s", "--k8s-token", TOKEN, "--write-kubeconfig", kc, fleet=fleet)
        self.addCleanup(sim.stop)
        tm = self.start(kc, "--provider", "kubernetes", "--open", "fleetsim-d1/default/doomed-1/main")
        tm.wait_for(r"doomed-1/main \[live\]")
        tm.wait_for("other-1")
        tm.type("echo still-$((40+2))")
        tm.keys("Enter")
        tm.wait_for("still-42")
        with open(kc) as f:
            text = f.read()
        ca = base64.b64decode(re.search(r"certificate-authority-data: (\S+)", text).group(1))
        server = re.search(r'server: "?https://127\.0\.0\.1:(\d+)(/clusters/d1)"?', text)
        conn = http.client.HTTPSConnection(
            "127.0.0.1", int(server.group(1)), timeout=10,
            context=ssl.create_default_context(cadata=ca.decode()))
        conn.request("DELETE", server.group(2) + "/api/v1/namespaces/default/pods/doomed-1",
                     headers={"Authorization": "Bearer " + TOKEN})
        r = conn.getresponse()
        r.read()
        conn.close()
        self.assertEqual(r.status, 200)
        # The shell ends as the runtime kills it; the watch's DELETED lists
        # the context again, without the pod: the pane says why, once.
        s = tm.wait_for(r"\[fleetmux: pod default/doomed-1 was deleted: context fleetsim-d1 "
                        r"no longer lists it\]", timeout=20)
        tm.wait_for(r"doomed-1/main \[pod deleted\]")
        s = tm.wait_for(r"(?s)other-1.*id default/other-1")
        sidebar = "\n".join(line.split("│")[0] for line in s.splitlines())
        self.assertNotIn("doomed-1", sidebar)
        self.assertIn("other-1", sidebar)
        self.assertEqual(len(re.findall(r"\[fleetmux: pod default/doomed-1 was deleted", s)), 1)
        # C-b R tries again: the pod is not found, and that is the end.
        tm.keys("C-b", "R")
        tm.wait_for(r"failed: pod default/doomed-1 not found \(404\)")
        self.assertNotIn("reconnecting", tm.screen())

    def test_log_pane_follows_across_restarts(self):
        """A log pane on a container that restarts: each instance's lines
        once (the follower asks again with sinceTime after each end)."""
        fleet = os.path.join(self.home, "crash.json")
        with open(fleet, "w") as f:
            json.dump({"regions": [{"id": "c1", "groups": [
                {"id": "eci-tick1", "name": "tick-1", "restart_backoff": 1,
                 "containers": [{"name": "main", "image": "busybox", "command": [
                     "sh", "-c", "echo run-$$; for i in 1 2 3 4 5; do echo tick-$$-$i; sleep 0.4; "
                     "done; exit 3"]}]}]}]}, f)
        kc = os.path.join(self.home, "tick-kubeconfig")
        sim = Fleetsim("--k8s", "--k8s-token", TOKEN, "--write-kubeconfig", kc, fleet=fleet)
        self.addCleanup(sim.stop)
        tm = self.start(kc, "--provider", "kubernetes", height=60)
        tm.wait_for("tick-1")
        tm.keys("/")
        tm.type("tick-1")
        tm.keys("Enter", "Right", "j", "l")
        s = tm.wait_for(r"(?s)run-(\d+).*run-(?!\1)\d+.*tick-\d+-5", timeout=30)
        lines = [l.split("│")[-1].strip() for l in s.split("\n")]
        ticks = [l for l in lines if re.match(r"tick-\d+-\d$", l)]
        self.assertTrue(ticks, s)
        self.assertEqual(len(ticks), len(set(ticks)), "a line twice:\n" + s)

    def test_log_pane_on_a_quiet_container_is_live(self):
        """A container that has printed nothing: its log pane is live as
        soon as the API server answers, not 'connecting' until a line."""
        tm = self.start(KUBECONFIG, "--provider", "kubernetes", "--context", "fleetsim-r1")
        tm.wait_for("web-1")
        tm.keys("/")
        tm.type("web-1")
        tm.keys("Enter", "Right", "j", "l")
        tm.wait_for(r"nginx.*\[log\] \[live\]", timeout=20)

    def test_expiring_plugin_token_is_renewed(self):
        """A plugin's token lasts 13 s (renewed 10 s early): a pane opened
        after a few seconds runs the plugin again, without a 401 first."""
        count = os.path.join(self.home, "runs")
        script = plugin("expiring.sh", """
echo run >> "$RUNS"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$RUNS.info"
exp=$(date -u -d '+13 seconds' +%Y-%m-%dT%H:%M:%SZ)
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",'
printf '"status":{"token":"%s","expirationTimestamp":"%s"}}\\n' "$1" "$exp"
""")
        user = ("exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: %s\n"
                "  args: [\"%s\"]\n  env:\n  - name: RUNS\n    value: %s\n"
                "  provideClusterInfo: true" % (script, TOKEN, count))
        kc = kubeconfig("expiring", user, contexts=("fleetsim-r1",))
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for("web-1")
        time.sleep(4)
        with open(count) as f:
            before = len(f.read().split())
        tm.keys("C-b", ":")
        tm.type("open fleetsim-r1/default/web-1/nginx")
        tm.keys("Enter")
        tm.wait_for(r"\[live\]")
        with open(count) as f:
            after = len(f.read().split())
        self.assertEqual(before, 1)
        self.assertEqual(after, 2)
        # provideClusterInfo: the plugin is told which cluster, as client-go tells it.
        with open(count + ".info") as f:
            info = json.loads(f.read())
        self.assertEqual(info["kind"], "ExecCredential")
        self.assertEqual(info["apiVersion"], "client.authentication.k8s.io/v1beta1")
        self.assertEqual(info["spec"]["cluster"]["server"], SERVERS["fleetsim-r1"])
        self.assertFalse(info["spec"]["interactive"])

    def cert_plugin(self, name, lifetime):
        """A plugin that answers with fleetsim's client certificate and key
        (PEM, as clientCertificateData/clientKeyData) and no token, good for
        lifetime seconds; it counts its runs in the file it returns."""
        status = {"clientCertificateData": base64.b64decode(CLIENT_DATA[0]).decode(),
                  "clientKeyData": base64.b64decode(CLIENT_DATA[1]).decode()}
        with open(os.path.join(self.home, "status.json"), "w") as f:
            json.dump(status, f)
        count = os.path.join(self.home, "runs")
        # The JSON of the status, less its closing brace, then the time.
        script = plugin(name, """
echo run >> "$RUNS"
exp=$(date -u -d '+%d seconds' +%%Y-%%m-%%dT%%H:%%M:%%SZ)
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":'
head -c -1 "$STATUS"
printf ',"expirationTimestamp":"%%s"}}\\n' "$exp"
""" % lifetime)
        user = ("exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: %s\n"
                "  env:\n  - name: RUNS\n    value: %s\n  - name: STATUS\n    value: %s\n"
                "  interactiveMode: Never" % (script, count, os.path.join(self.home, "status.json")))
        return user, count

    def test_exec_plugin_client_certificate(self):
        """A plugin that hands out a client certificate, no token: listing,
        the pane's exec WebSocket and fleetmux run all present it; it is
        written to private files like a kubeconfig's -data (removed at the
        end: tearDown checks), and renewed before it expires (13 s, renewed
        10 s early), the new one used by a pane opened after."""
        user, count = self.cert_plugin("certplugin.sh", 13)
        kc = kubeconfig("certplugin", user)
        tm = self.start(kc, "--provider", "kubernetes", "--open", "fleetsim-r2/ops/gen-00002/main")
        tm.wait_for(r"(?s)web-1.*gen-00003")
        tm.wait_for(r"\[live\]")
        tm.type("hostname")
        tm.keys("Enter")
        tm.wait_for(r"│gen-00002\s*\n")
        d = [os.path.join(self.home, x) for x in os.listdir(self.home) if x.startswith("fleetmux-k8s-")]
        self.assertEqual(len(d), 1)
        files = sorted(os.listdir(d[0]))
        self.assertIn("1-exec1-cert.pem", files)
        self.assertIn("1-exec1-key.pem", files)
        for f in files:
            self.assertEqual(os.stat(os.path.join(d[0], f)).st_mode & 0o777, 0o600)
        with open(count) as f:
            self.assertEqual(len(f.read().split()), 1)
        time.sleep(4)
        tm.keys("C-b", ":")
        tm.type("open fleetsim-r1/default/web-1/nginx")
        tm.keys("Enter")
        tm.wait_for(r"(?s)\[live\].*\[live\]")
        tm.type("echo via-cert-$((6*7))")
        tm.keys("Enter")
        tm.wait_for(r"│via-cert-42")
        with open(count) as f:
            self.assertEqual(len(f.read().split()), 2)
        # The old answer's files are gone, the new one's are there.
        files = sorted(os.listdir(d[0]))
        self.assertNotIn("0-exec1-cert.pem", files)
        self.assertIn("0-exec2-cert.pem", files)

    def test_missing_plugin_is_said(self):
        user = ("exec:\n  apiVersion: client.authentication.k8s.io/v1\n"
                "  command: /nonexistent/gke-gcloud-auth-plugin\n  interactiveMode: Never\n"
                "  installHint: install it with gcloud components install")
        kc = kubeconfig("noplugin", user, contexts=("fleetsim-r2",))
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for(r"could not be run")
        tm.keys("C-b", "~")
        tm.wait_for(r"(?s)no such file.*install it with gcloud")
        tm.keys("q")

    def test_failing_plugin_says_its_stderr(self):
        script = plugin("bad.sh", 'echo "please run: cloud login (expired)" >&2\nexit 1\n')
        user = ("exec:\n  apiVersion: client.authentication.k8s.io/v1beta1\n  command: %s\n"
                % script)
        kc = kubeconfig("badplugin", user, contexts=("fleetsim-r2",))
        tm = self.start(kc, "--provider", "kubernetes")
        tm.wait_for(r"please run: cloud login")
        tm.keys("C-b", "~")
        tm.wait_for(r"failed \(exit 1\)")
        tm.keys("q")


class K8sRun(unittest.TestCase):
    def test_run_across_pods(self):
        home = tempfile.mkdtemp(dir=TMP.name)
        log = os.path.join(home, "debug.log")
        r = subprocess.run([FLEETMUX, "run", "--provider", "kubernetes", "--debug", log, "--",
                            "sh", "-c", "echo out-$(hostname); exit 4"],
                           env=env_for(home, KUBECONFIG), capture_output=True, text=True,
                           timeout=60)
        out = r.stdout
        for pod in ("gen-00001", "gen-00002", "gen-00003"):
            self.assertIn("%s/main | out-%s" % (pod, pod), out)
            self.assertIn("%s/main = exit 4" % pod, out)
        self.assertIn("web-1/nginx | out-web-1", out)
        self.assertIn("web-1/side = exit 4", out)
        self.assertRegex(out, r"db-1/pg = failed: forbidden \(403\)")
        self.assertEqual(r.returncode, 1, r.stderr)
        # v5 was offered first, and chosen; the token is not in the log.
        with open(log) as f:
            text = f.read()
        self.assertIn("open (v5.channel.k8s.io)", text)
        self.assertNotIn(TOKEN, text)

    def test_run_with_a_plugin_certificate(self):
        """fleetmux run as a user whose plugin answers with a client
        certificate and no token."""
        home = tempfile.mkdtemp(dir=TMP.name)
        t = K8sTui()
        t.home = home
        user, count = t.cert_plugin("runcert.sh", 3600)
        kc = kubeconfig("runcert", user, contexts=("fleetsim-r2",))
        r = subprocess.run([FLEETMUX, "run", "--provider", "kubernetes", "--",
                            "sh", "-c", "echo out-$(hostname)"],
                           env=env_for(home, kc), capture_output=True, text=True, timeout=60)
        for pod in ("gen-00001", "gen-00002", "gen-00003"):
            self.assertIn("%s/main | out-%s" % (pod, pod), r.stdout)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(count) as f:
            self.assertEqual(len(f.read().split()), 1)
        self.assertEqual([d for d in os.listdir(home) if d.startswith("fleetmux-k8s-")], [])

    def test_logs_of_a_quiet_container_end(self):
        """fleetmux logs without --follow on a container that has printed
        nothing ends at once: the stream's headers say it is open."""
        home = tempfile.mkdtemp(dir=TMP.name)
        r = subprocess.run([FLEETMUX, "logs", "--provider", "kubernetes", "--context", "fleetsim-r1",
                            "--tail", "5", "web-1/nginx"],
                           env=env_for(home, KUBECONFIG), capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")

    def test_context_and_namespace_options(self):
        home = tempfile.mkdtemp(dir=TMP.name)
        r = subprocess.run([FLEETMUX, "run", "--provider", "kubernetes", "--context", "fleetsim-r1",
                            "--namespace", "default", "--dry-run", "--", "true"],
                           env=env_for(home, KUBECONFIG), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("web-1/nginx", r.stdout)
        self.assertNotIn("db-1", r.stdout)
        self.assertNotIn("gen-", r.stdout)
        # A label selector, as the API server applies it.
        r = subprocess.run([FLEETMUX, "run", "--provider", "kubernetes", "--selector", "app=web",
                            "--dry-run", "--", "true"],
                           env=env_for(home, KUBECONFIG), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(r.stdout.split()), ["web-1/nginx", "web-1/side"])


if __name__ == "__main__":
    unittest.main()
