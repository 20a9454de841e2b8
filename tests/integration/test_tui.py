"""fleetmux end to end: in tmux, against fleetsim, as a user types."""
import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim, free_port  # noqa: E402
from tui import FLEETMUX, Tmux, pane_text, panes  # noqa: E402


def fleetmux_cmd(sim, *args, secret=None):
    env = "ALIBABA_CLOUD_ACCESS_KEY_ID=%s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s" % (
        sim.key_id, secret or sim.secret)
    # The shell says how fleetmux ended, for the test to read.
    return "sh -c 'env %s %s --endpoint %s %s; echo fleetmux-exit=$?; sleep 2'" % (
        env, FLEETMUX, sim.endpoint, " ".join(args))


class Tui(unittest.TestCase):
    def setUp(self):
        self.sim = Fleetsim()
        self.tm = None

    def tearDown(self):
        try:
            if self.tm is not None:
                if "fleetmux-exit=" not in self.tm.screen():
                    self.tm.keys("C-b", "d")
                # fleetmux must end cleanly, under the sanitizers too.
                s = self.tm.wait_for(r"fleetmux-exit=\d+", timeout=15)
                self.assertIn("fleetmux-exit=0", s)
        finally:
            if self.tm is not None:
                self.tm.kill()
            rc = self.sim.stop()
        self.assertEqual(rc, 0, self.sim.stderr)

    def sim_on_fixed_port(self):
        """Restart fleetsim on a port it can come back to; returns it."""
        port = free_port()
        self.sim.stop()
        self.sim = Fleetsim("--listen", "127.0.0.1:%d" % port)
        return port

    def start(self, *args, width=160, height=45, secret=None):
        self.tm = Tmux(fleetmux_cmd(self.sim, *args, secret=secret), width=width, height=height)
        return self.tm

    def run_in(self, number, command):
        self.tm.keys("C-b", str(number))
        self.tm.type(command)
        self.tm.keys("Enter")

    def check_sizes(self):
        """stty size in every pane equals the size it is drawn at."""
        tm = self.tm
        for n in sorted(panes(tm.screen())):
            self.run_in(n, "clear; stty size")
        deadline = time.time() + 10
        while True:
            s = tm.screen()
            geo = panes(s)
            bad = []
            for n, g in geo.items():
                want = "%d %d" % (g[3], g[2])
                if want not in pane_text(s, g):
                    bad.append((n, want, pane_text(s, g).strip()[:80]))
            if not bad:
                return geo
            if time.time() > deadline:
                self.fail("stty size differs from the drawn size: %r\n%s" % (bad, s))
            time.sleep(0.2)

    def test_four_panes_from_sidebar_hostnames_and_resizes(self):
        tm = self.start()
        tm.wait_for("postgres-primary")
        # Filter, mark, and again: marks survive a new filter.
        tm.keys("/")
        tm.type("postgres")
        # A new filter puts the cursor on the first match.
        tm.keys("Enter", "Space", "Space")
        tm.keys("/", "C-u")
        tm.type("edge-proxy")
        tm.keys("Enter", "Space", "Space")
        tm.wait_for("4 marked|/edge-proxy")
        tm.keys("o")
        s = tm.wait_for(r"(?s)(\[live\].*){4}")
        geo = panes(s)
        self.assertEqual(sorted(geo), [1, 2, 3, 4], s)
        for n in range(1, 5):
            self.run_in(n, "hostname")
        time.sleep(1)
        s = tm.screen()
        names = {}
        for n, g in panes(s).items():
            title = [l for l in s.split("\n") if "─ %d " % n in l][0]
            group = re.search(r"─ %d [^/]+/([^/]+)/" % n, title).group(1)
            names[n] = group
            self.assertIn("\n" + group, "\n" + pane_text(s, g), "pane %d:\n%s" % (n, s))
        self.assertEqual(sorted(names.values()), ["edge-proxy-sg", "edge-proxy-sg-2",
                                                  "postgres-primary", "postgres-replica"])
        self.check_sizes()
        # A burst of window sizes, then one settled size.
        for w, h in ((120, 40), (100, 30), (150, 50), (131, 37)):
            tm.resize(w, h)
            time.sleep(0.02)
        time.sleep(0.5)
        geo = self.check_sizes()
        self.assertEqual(sum(g[2] for g in geo.values() if g[1] == min(x[1] for x in geo.values())),
                         131 - 37 - 1)
        # Zoom, layout change and hiding the sidebar all resize too.
        tm.keys("C-b", "z")
        time.sleep(0.3)
        tm.keys("C-b", "z", "C-b", "Space")
        time.sleep(0.3)
        tm.keys("C-b", "s")
        time.sleep(0.3)
        self.check_sizes()

    def test_alternate_screen_vim_and_less(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("printf 'before-%s\\n' 1 2 3")
        tm.keys("Enter")
        tm.wait_for("before-3")
        tm.type("seq 1 500 | less")
        tm.keys("Enter")
        s = tm.wait_for(r"│40 *\n")
        self.assertNotIn("before-3", s)
        tm.keys("q")
        s = tm.wait_for("before-3")
        self.assertNotRegex(s, r"│40 *\n")
        tm.type("vim -u NONE -N /tmp/fleetmux-vim-test")
        tm.keys("Enter")
        s = tm.wait_for("~\\s*\n.*~")
        self.assertNotIn("before-3", s)
        tm.type(":q!")
        tm.keys("Enter")
        s = tm.wait_for("before-3")
        self.assertNotIn("~  ", s)

    def test_colours_attributes_and_wide_glyphs(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("clear; printf '\\033[38;5;196mRED196\\033[0m \\033[38;2;10;200;30mTRUEGRN\\033[0m "
                "\\033[1mBOLDX\\033[0m \\033[4mUNDERX\\033[0m \\033[7mREVX\\033[0m "
                "\\344\\270\\255\\346\\226\\207ok\\n'")
        tm.keys("Enter")
        s = tm.wait_for("TRUEGRN.*\n.*#", colors=True)
        self.assertRegex(s, r"\x1b\[38;5;196mRED196")
        self.assertRegex(s, r"\x1b\[38;5;40mTRUEGRN")
        self.assertRegex(s, r"\x1b\[1mBOLDX")
        self.assertRegex(s, r"\x1b\[4mUNDERX")
        self.assertRegex(s, r"\x1b\[7mREVX")
        self.assertIn("中文ok", tm.screen())

    def test_exit_code_badge(self):
        tm = self.start("--open", "cn-shanghai/queue-worker/worker")
        tm.wait_for(r"\[live\]")
        tm.type("exit 3")
        tm.keys("Enter")
        tm.wait_for(r"\[exited 3\]")
        # The pane stays, and closing it works.
        tm.keys("C-b", "x")
        tm.wait_for("No panes yet")

    def test_api_error_is_readable_and_harmless(self):
        tm = self.start(secret="wrong-secret")
        tm.wait_for("SignatureDoesNotMatch")
        tm.keys("j", "Enter", "/", "x", "Enter", "r")
        time.sleep(0.5)
        self.assertFalse(tm.pane_dead(), tm.screen())
        tm.wait_for("SignatureDoesNotMatch")

    def test_listing_survives_throttling_and_failures(self):
        """Throttled and failed calls are retried with backoff: the whole
        fleet still arrives."""
        self.sim.stop()
        self.sim = Fleetsim("--throttle-rate", "0.3", "--fail-rate", "0.1", "--seed", "11")
        tm = self.start()
        s = tm.wait_for(r"60 groups: 56 running 2 pending 2 failed", timeout=30)
        self.assertNotIn("(listing", s)

    def test_bell_marks_pane(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api", "--open",
                        "cn-hangzhou/web-frontend-2/nginx")
        tm.wait_for(r"(?s)\[live\].*\[live\]")
        self.run_in(1, "sleep 1; printf '\\a'")
        self.run_in(2, "true")
        tm.wait_for(r"─ 1 [^\n]*\[live\] ♪")
        tm.keys("C-b", "1")
        tm.wait_gone("♪")

    def test_broadcast_reaches_exactly_the_chosen_panes(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api", "--open",
                        "cn-shanghai/postgres-primary/postgres", "--open",
                        "cn-shanghai/queue-worker/worker")
        tm.wait_for(r"(?s)(\[live\].*){3}")
        # Mark panes 1 and 3; broadcast goes to the marked ones only.
        tm.keys("C-b", "1", "C-b", "m", "C-b", "3", "C-b", "m", "C-b", "S")
        s = tm.wait_for("BROADCAST→2")
        self.assertEqual(s.count("⇶B"), 2)
        tm.type("echo bc-$((6*7))")
        tm.keys("Enter")
        time.sleep(1)
        s = tm.screen()
        geo = panes(s)
        self.assertIn("bc-42", pane_text(s, geo[1]))
        self.assertIn("bc-42", pane_text(s, geo[3]))
        self.assertNotIn("bc-", pane_text(s, geo[2]))
        # Unmarked: every pane in view.
        tm.keys("C-b", "1", "C-b", "m", "C-b", "3", "C-b", "m")
        tm.wait_for("BROADCAST→3")
        tm.type("echo all-$((7*6))")
        tm.keys("Enter")
        time.sleep(1)
        s = tm.screen()
        geo = panes(s)
        for n in (1, 2, 3):
            self.assertIn("all-42", pane_text(s, geo[n]), s)
        # Off: only the focused pane.
        tm.keys("C-b", "S", "C-b", "2")
        tm.wait_gone("BROADCAST")
        tm.type("echo solo-$((2*2))")
        tm.keys("Enter")
        time.sleep(1)
        s = tm.screen()
        geo = panes(s)
        self.assertIn("solo-4", pane_text(s, geo[2]))
        self.assertNotIn("solo-4", pane_text(s, geo[1]) + pane_text(s, geo[3]))

    def test_recording_plays_back_with_asciinema(self):
        import shutil
        import tempfile
        d = tempfile.mkdtemp(prefix="fm-rec-")
        try:
            tm = self.start("--record", d + "/casts", "--open", "cn-hangzhou/api-server/api")
            tm.wait_for(r"\[live\] ●REC")
            tm.type("echo rec-$((40+2)); printf '\\344\\270\\255\\n'")
            tm.keys("Enter")
            tm.wait_for("rec-42")
            tm.keys("C-b", "s")  # hiding the sidebar resizes: an "r" event
            time.sleep(0.3)
            tm.keys("C-b", "r")  # stop: the file is complete
            tm.wait_for("recording saved to")
            files = os.listdir(d + "/casts")
            self.assertEqual(len(files), 1, files)
            path = os.path.join(d, "casts", files[0])
            self.assertRegex(files[0], r"^\d{8}T\d{6}-1-api-server-api\.cast$")
            with open(path) as f:
                header = json.loads(f.readline())
                events = [json.loads(l) for l in f]
            self.assertEqual(header["version"], 2)
            self.assertEqual(header["title"], "cn-hangzhou/api-server/api")
            self.assertTrue(any(e[1] == "r" for e in events))
            # asciinema cat wants a terminal: script(1) lends it one.
            out = subprocess.run(["script", "-qec", "asciinema cat " + path, "/dev/null"],
                                 capture_output=True, text=True, timeout=30,
                                 stdin=subprocess.DEVNULL)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("rec-42", out.stdout)
            self.assertIn("中", out.stdout)
        finally:
            shutil.rmtree(d)

    def test_reconnect_after_drops_keeps_the_pane(self):
        self.sim.stop()
        self.sim = Fleetsim("--drop-after", "4", "--seed", "5")
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("echo before-$((1+1))")
        tm.keys("Enter")
        tm.wait_for("before-2")
        s = tm.wait_for(r"connection lost", timeout=15)
        s = tm.wait_for(r"reconnected: a new session", timeout=15)
        # Scrollback of the screen is kept: what was there before the drop.
        self.assertIn("before-2", s)
        tm.wait_for(r"\[live\]")
        tm.type("echo after-$((2+2))")
        tm.keys("Enter")
        tm.wait_for("after-4", timeout=10)

    def test_keys_typed_while_reconnecting_arrive_after(self):
        port = self.sim_on_fixed_port()
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        self.sim.stop()
        tm.wait_for(r"connection lost", timeout=10)
        tm.type("echo held-$((5+5))")
        tm.keys("Enter")
        self.sim = Fleetsim("--listen", "127.0.0.1:%d" % port)
        s = tm.wait_for(r"held-10\n", timeout=20)
        self.assertIn("reconnected", s)

    def test_gives_up_then_retry_key_reconnects(self):
        port = self.sim_on_fixed_port()
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        self.sim.stop()  # the service goes away
        tm.wait_for(r"\[reconnecting\]|connection lost", timeout=10)
        tm.type("echo held")  # not live: held while reconnecting, or refused
        s = tm.wait_for(r"\[failed: gave up after 6 tries: ", timeout=40)
        tm.keys("C-u")
        tm.wait_for("input not sent|gave up")
        self.sim = Fleetsim("--listen", "127.0.0.1:%d" % port)
        tm.keys("C-b", "R")
        tm.wait_for(r"retrying")
        tm.wait_for(r"\[live\]", timeout=15)
        tm.type("echo back-$((3+4))")
        tm.keys("Enter")
        tm.wait_for("back-7")

    def test_copy_mode_search_5000_lines_back_copy_and_paste(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("seq -f 'row-%g' 1 6000")
        tm.keys("Enter")
        tm.wait_for(r"row-6000\n")
        tm.keys("C-b", "[", "/")
        tm.type("row-1000")
        tm.keys("Enter")
        s = tm.wait_for(r"\[copy \d+/\d+\]")
        self.assertIn("row-1000\n", s)
        self.assertNotIn("row-6000", s)
        # Select "row-1000" (the cursor sits on its first character) and copy.
        tm.keys("Space", *(["l"] * 7), "Enter")
        tm.wait_for("copied 8 bytes")
        tm.wait_gone(r"\[copy ")
        tm.type("echo pasted-")
        tm.keys("C-b", "]", "Enter")
        tm.wait_for("pasted-row-1000\n")

    def test_mouse_wheel_scrolls_history(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("seq -f 'w-%g' 1 300")
        tm.keys("Enter")
        tm.wait_for(r"w-300\n")
        # A wheel-up report (X10 encoding, as kmous says), over the pane.
        for _ in range(5):
            tm.tmux("send-keys", "-t", "main", "-l", "\033[M" + chr(32 + 64) + chr(33 + 80) +
                    chr(33 + 20))
        s = tm.wait_for(r"\[copy ")
        self.assertNotIn("w-300", s)

    def test_rebound_key_and_theme_from_config(self):
        import tempfile
        cfg = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        cfg.write("[fleetmux]\ntheme = high-contrast\n[keys]\nv = zoom\n")
        cfg.close()
        try:
            tm = self.start("--config", cfg.name, "--open", "cn-hangzhou/api-server/api", "--open",
                            "cn-hangzhou/web-frontend-1/nginx")
            tm.wait_for(r"(?s)\[live\].*\[live\]")
            tm.keys("C-b", "v")
            tm.wait_for(r"\(zoomed\)")
            s = tm.screen(colors=True)
            # high-contrast: the focused border is bright yellow (colour 11).
            self.assertRegex(s, r"\x1b\[(93|38;5;11)m[^\n]*─ 2 ")
        finally:
            os.unlink(cfg.name)

    def test_run_on_marked_containers_into_a_results_pane(self):
        tm = self.start()
        tm.wait_for("postgres-primary")
        tm.keys("/")
        tm.type("postgres")
        tm.keys("Enter", "Space", "Space")
        tm.wait_for("2 marked|/postgres")
        tm.keys("C-b", "!")
        tm.wait_for("run on 2 marked containers")
        tm.type("hostname; echo oops >&2; [ $(hostname) = postgres-replica ] && exit 3; true")
        tm.keys("Enter")
        s = tm.wait_for("2 targets, 1 failed")
        self.assertIn("postgres-primary/postgres | postgres-primary", s)
        self.assertIn("postgres-replica/postgres = exit 3", s)
        self.assertIn("postgres-primary/postgres = exit 0", s)
        self.assertIn("postgres-primary/postgres ! oops", s)

    def test_exec_refused_shows_failed(self):
        tm = self.start("--open", "cn-hangzhou/deploy-canary/nginx")
        s = tm.wait_for(r"\[failed: IncorrectStatus")
        self.assertIn("Pending", s)

    def test_quit_leaves_terminal_and_closes_sessions(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", "d")
        s = tm.wait_for(r"fleetmux-exit=\d+", timeout=10)
        self.assertIn("fleetmux-exit=0", s)
        # The outer terminal is back to normal: nothing of fleetmux's screen.
        self.assertNotIn("[live]", s)


class Cli(unittest.TestCase):
    def test_version_help_and_bad_flags(self):
        out = subprocess.run([FLEETMUX, "--version"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^fleetmux \d+\.\d+")
        out = subprocess.run([FLEETMUX, "--help"], capture_output=True, text=True)
        self.assertIn("--open REGION/GROUP/CONTAINER", out.stdout)
        for args in (["--layout", "spiral"], ["--provider", "gce"], ["--bogus"], ["--sign", "v2"]):
            out = subprocess.run([FLEETMUX] + args, capture_output=True, text=True)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn("fleetmux", out.stderr)

    def test_check_config_reports_lines(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write('[provider "x"]\ntype = docker\nhost = unix:///x\nzone = 1\n[keys]\nq = fly\n')
            f.flush()
            out = subprocess.run([FLEETMUX, "--config", f.name, "--check-config"], capture_output=True,
                                 text=True)
            self.assertEqual(out.returncode, 1)
            self.assertIn(f.name + ":4: unknown key 'zone'", out.stderr)
            self.assertIn(f.name + ":6: 'fly' is not an action", out.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write('[provider "x"]\ntype = docker\n')
            f.flush()
            out = subprocess.run([FLEETMUX, "--config", f.name, "--check-config"], capture_output=True,
                                 text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("ok, 1 providers", out.stdout)

    def test_no_credentials(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA", "ALICLOUD"))}
        env["HOME"] = "/nonexistent"
        env.pop("DOCKER_HOST", None)
        tm = Tmux("sh -c '%s --endpoint http://127.0.0.1:9; sleep 3'" % FLEETMUX, env=env)
        try:
            s = tm.wait_for("no ECI credentials")
            self.assertIn("no Docker engine at /var/run/docker.sock", s)
        finally:
            tm.kill()


if __name__ == "__main__":
    unittest.main()
