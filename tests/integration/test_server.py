"""Sessions that outlive the terminal, in tmux against fleetsim: C-b d
detaches and `fleetmux attach` (from another terminal) finds every pane
live with its history; a killed client or a closed terminal loses
nothing; two clients of different sizes both draw; a read-only client
cannot send a byte (checked at the container); a client of another
protocol is refused naming both versions; the socket is the user's alone;
a terminal that stops reading does not grow the server."""
import json
import os
import pty
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import BUILD, Fleetsim, alive, rss_kb, wait_until  # noqa: E402
from test_tui import fleetmux_cmd  # noqa: E402
from tui import FLEETMUX, Tmux, panes  # noqa: E402

OPEN = ["--open", "cn-hangzhou/api-server/api"]


def as_nobody(script, path):
    """A Python script run as another user (nobody), with path."""
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "/usr/bin/python3", "-c", script, path], capture_output=True, text=True)


class Server(unittest.TestCase):
    def setUp(self):
        self.sim = Fleetsim()
        self.scratch = tempfile.mkdtemp(prefix="fm-server-")
        self.terms = []

    def tearDown(self):
        try:
            for tm in reversed(self.terms):
                tm.kill()
        finally:
            rc = self.sim.stop()
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.assertEqual(rc, 0, self.sim.stderr)

    def env(self, run_dir=None):
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
               "HOME": self.scratch, "XDG_CONFIG_HOME": self.scratch,
               "XDG_DATA_HOME": self.scratch, "XDG_STATE_HOME": self.scratch}
        if run_dir is not None:
            env["XDG_RUNTIME_DIR"] = run_dir
        return env

    def start(self, *args, width=160, height=45, extra=None):
        env = self.env()
        env.update(extra or {})
        tm = Tmux(fleetmux_cmd(self.sim, *args), env=env, width=width, height=height)
        self.terms.append(tm)
        return tm

    def attach(self, first, *args, width=160, height=45):
        """Another terminal, in the same user's session folder, attached."""
        cmd = "sh -c '%s attach %s; echo attach-exit=$?; sleep 30'" % (FLEETMUX, " ".join(args))
        tm = Tmux(cmd, env=self.env(first.run_dir), width=width, height=height)
        self.terms.append(tm)
        return tm

    def run_in(self, tm, line):
        tm.type(line)
        tm.keys("Enter")

    def test_detach_and_attach_keep_the_pane_live_with_its_history(self):
        tm = self.start(*OPEN)
        tm.wait_for(r"api-server/api \[live\]")
        self.run_in(tm, "seq -f line-%03g 1 300; echo before-$((40+2))")
        tm.wait_for("before-42")
        # Output goes on while nobody is attached.
        self.run_in(tm, "for i in 1 2 3 4 5 6 7 8; do echo tick-$((i*11)); sleep 0.4; done")
        tm.wait_for("tick-11")
        tm.keys("C-b", "d")
        s = tm.wait_for(r"fleetmux-exit=\d+")
        self.assertIn("[detached (from session 0)]", s)
        self.assertIn("fleetmux-exit=0", s)
        self.assertNotIn("[live]", s)  # the terminal was given back
        ls = tm.fleetmux("ls")
        self.assertEqual(ls.returncode, 0, ls.stderr)
        self.assertRegex(ls.stdout, r"^0: 1 pane \(created .*\)\n$")
        time.sleep(4)
        other = self.attach(tm)
        s = other.wait_for(r"tick-88")
        self.assertIn("api-server/api [live]", s)
        self.assertIn("before-42", s)  # what came before the detach
        self.assertRegex(tm.fleetmux("ls").stdout, r"^0: 1 pane .*\(attached\)")
        self.run_in(other, "echo after-$((2+2))")
        other.wait_for("after-4")
        # The history from before the detach: copy mode finds its top.
        other.keys("C-b", "[", "?")
        other.type("line-001")
        other.keys("Enter")
        other.wait_for(r"line-001\b")
        other.keys("q")
        other.keys("C-b", "Q")
        other.answer_yes(r"quit\? 1 live session will end \(y/n\)")
        self.assertIn("attach-exit=0", other.wait_for(r"attach-exit=\d+"))
        self.assertEqual(tm.fleetmux("ls").returncode, 1)

    def test_a_killed_client_or_a_closed_terminal_loses_nothing(self):
        tm = self.start(*OPEN)
        tm.wait_for(r"api-server/api \[live\]")
        self.run_in(tm, "sleep 5151 &")
        self.assertTrue(wait_until(lambda: alive("^sleep 5151$")))
        os.kill(tm.fleetmux_pid(), signal.SIGKILL)
        # (What the terminal shows then is a race: the shell's next line,
        # and the server giving the terminal back.)
        self.assertTrue(wait_until(lambda: "attached" not in tm.fleetmux("ls").stdout))
        self.assertRegex(tm.fleetmux("ls").stdout, r"^0: 1 pane \(created [^)]*\)\n$")
        self.assertTrue(alive("^sleep 5151$"))
        # A terminal closed (its tmux gone: SIGHUP) is a detach too.
        other = self.attach(tm)
        other.wait_for(r"api-server/api \[live\]")
        self.assertRegex(tm.fleetmux("ls").stdout, r"\(attached\)")
        other.tmux("kill-server", check=False)
        self.assertTrue(wait_until(lambda: "attached" not in tm.fleetmux("ls").stdout))
        self.assertTrue(alive("^sleep 5151$"))
        third = self.attach(tm)
        third.wait_for(r"api-server/api \[live\]")
        self.run_in(third, "kill %1; echo killed-$((5000+151))")
        third.wait_for("killed-5151")
        self.assertTrue(wait_until(lambda: not alive("^sleep 5151$")))

    def test_two_clients_of_different_sizes_both_draw(self):
        tm = self.start(*OPEN, width=160, height=45)
        tm.wait_for(r"api-server/api \[live\]")
        small = self.attach(tm, width=100, height=30)
        small.wait_for(r"api-server/api \[live\]")
        # The session is laid out at the smaller size, in both terminals.
        self.run_in(small, "stty size")
        for term in (small, tm):
            s = term.wait_for(r"(?m)^.*│28 63\s*$")
            self.assertEqual(panes(s)[1][2:], (63, 28), s)
            status = s.split("\n")[29]
            self.assertRegex(status, r"\d\d:\d\d\s*$")
        # Beyond the session's size, the larger terminal is blank, also
        # after the status line's last cell changed (a question, then back:
        # curses writes a screen's last cell by inserting it).
        for _ in range(2):
            tm.keys("C-b", "x")
            tm.wait_for(r"close pane 1 .*\(y/n\)")
            tm.keys("Escape")
            tm.wait_gone(r"close pane 1")
        big = tm.screen().split("\n")
        self.assertTrue(all(len(l.rstrip()) <= 100 for l in big), big)
        self.assertEqual([l for l in big[30:] if l.strip()], [])
        # The smaller one leaves: the session takes the larger size again.
        small.keys("C-b", "d")
        self.assertIn("[detached (from session 0)]", small.wait_for(r"attach-exit=0"))
        self.run_in(tm, "clear; stty size")
        s = tm.wait_for(r"(?m)^.*│43 123\s*$")
        self.assertEqual(panes(s)[1][2:], (123, 43))
        tm.quit_fleetmux()

    def test_a_read_only_client_cannot_send_a_byte(self):
        tm = self.start(*OPEN)
        tm.wait_for(r"api-server/api \[live\]")
        ro = self.attach(tm, "-r")
        ro.wait_for(r"api-server/api \[live\]")
        # Each says so on its own status line: the watcher is read-only,
        # and both see that two watch.
        self.assertRegex(ro.wait_for(r"0: 2 clients").split("\n")[44], r"^READ-ONLY ")
        # The writer's broadcast and focus are untouched by the watcher's keys below.
        self.assertNotIn("READ-ONLY", tm.wait_for(r"0: 2 clients"))
        self.run_in(ro, "sleep 6161")
        ro.wait_for(r"refused: keys to containers")
        ro.keys("C-b", "x")
        ro.wait_for(r"refused: close-pane")
        ro.keys("C-b", "]")
        ro.wait_for(r"refused: paste")
        time.sleep(1)
        self.assertEqual(alive("^sleep 6161$"), [])
        self.assertNotIn("6161", tm.screen())  # nothing reached the shell
        self.assertEqual(sorted(panes(tm.screen())), [1])
        # The writer types as before, and the watcher sees it.
        self.run_in(tm, "sleep 6262 & echo started-$((6000+262))")
        self.assertTrue(wait_until(lambda: alive("^sleep 6262$")))
        ro.wait_for("started-6262")
        # Watching: the list of keys, copy mode's history, in views of the
        # watcher's own: the writer sees neither.
        ro.keys("C-b", "?")
        ro.wait_for(r"Keys, as bound")
        self.assertNotIn("Keys, as bound", tm.screen())
        ro.keys("q")
        ro.keys("C-b", "[")
        ro.wait_for(r"\[copy \d+/\d+\]")
        self.assertNotIn("[copy", tm.screen())
        # Nothing the watcher presses moves the writer: not the focus, the
        # sidebar, nor a prefix left pending.
        ro.keys("q", "C-b", "Tab")
        ro.wait_for(r"refused: switch-side")
        self.assertNotIn("refused:", tm.screen())  # said to the watcher alone
        ro.keys("C-b")
        self.run_in(tm, "echo still-$((7*6))")
        tm.wait_for("still-42")
        ro.wait_for("still-42")
        ro.keys("d")  # its own prefix was still pending: C-b d
        self.assertIn("attach-exit=0", ro.wait_for(r"attach-exit=\d+"))
        self.run_in(tm, "kill %1")
        tm.quit_fleetmux()

    def test_a_copy_goes_to_the_clipboard_of_the_terminal_that_copied(self):
        """OSC 52 reaches the copying client's terminal only (each tmux here
        keeps what it receives as a buffer)."""
        tm = self.start(*OPEN)
        tm.tmux("set", "-g", "set-clipboard", "on")
        tm.wait_for(r"api-server/api \[live\]")
        self.run_in(tm, "echo copyme please")
        tm.wait_for(r"(?m)^.*│copyme please")
        watcher = self.attach(tm, "-r")
        watcher.tmux("set", "-g", "set-clipboard", "on")
        watcher.wait_for(r"copyme please")
        # The watcher copies (copy mode is a view): the word on the line
        # above the prompt.
        watcher.keys("C-b", "[", "k", "0", "v", "e", "y")
        watcher.wait_for(r"copied 6 bytes")
        self.assertEqual(watcher.tmux("show-buffer", check=False), "copyme")
        self.assertEqual(tm.tmux("show-buffer", check=False), "")
        # And the writer's copy is the writer's.
        tm.keys("C-b", "[", "k", "0", "v", "e", "y")
        tm.wait_for(r"copied 6 bytes")
        self.assertEqual(tm.tmux("show-buffer", check=False), "copyme")
        tm.quit_fleetmux()

    def test_a_terminal_the_server_does_not_know_is_refused(self):
        tm = self.start(*OPEN)
        tm.wait_for(r"api-server/api \[live\]")
        cmd = "sh -c 'TERM=no-such-term %s attach; echo attach-exit=$?; sleep 30'" % FLEETMUX
        other = Tmux(cmd, env=self.env(tm.run_dir))
        self.terms.append(other)
        s = other.wait_for(r"attach-exit=\d+")
        self.assertIn("the server knows no terminal 'no-such-term' (TERM)", s)
        self.assertIn("attach-exit=1", s)
        # The session is as it was, and another terminal attaches.
        third = self.attach(tm)
        third.wait_for(r"api-server/api \[live\]")
        self.run_in(third, "echo fine-$((1+1))")
        third.wait_for("fine-2")

    def test_another_protocol_is_refused_naming_both_versions(self):
        tm = self.start()
        tm.wait_for(r"cn-hangzhou")
        path = os.path.join(tm.run_dir, "fleetmux", "0")
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        hello = (b"protocol=999\nversion=9.9.9\ncommand=attach\nreadonly=0\nterm=xterm\n"
                 b"rows=24\ncols=80\n")
        s.sendall(struct.pack(">IB", len(hello) + 1, 1) + hello)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        n, kind = struct.unpack(">IB", data[:5])
        self.assertEqual(kind, 3)  # EXIT
        code, text = data[5:4 + n].decode().split("\n", 1)
        self.assertEqual(code, "1")
        self.assertIn("fleetmux 9.9.9 (protocol 999)", text)
        version = subprocess.run([FLEETMUX, "--version"], capture_output=True,
                                 text=True).stdout.split()[1]
        self.assertIn("fleetmux %s (protocol 1)" % version, text)
        # Garbage is not a hello either; the session lives on.
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.sendall(b"\xff\xff\xff\xff\x01garbage")
        self.assertEqual(s.recv(4096)[4], 3)
        s.close()
        tm.wait_for(r"cn-hangzhou")
        self.assertEqual(tm.fleetmux("ls").returncode, 0)

    def test_a_client_attaching_among_pending_connections(self):
        """An attach that arrives while other connections wait (one that
        never says hello): every client is kept apart, and one leaving
        takes only itself."""
        tm = self.start(*OPEN)
        tm.wait_for(r"api-server/api \[live\]")
        path = os.path.join(tm.run_dir, "fleetmux", "0")
        master, slave = pty.openpty()
        first, idle = socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)
        first.connect(path)
        idle.connect(path)  # after the first, and silent
        hello = (b"protocol=1\nversion=test\ncommand=attach\nreadonly=0\nterm=xterm\n"
                 b"rows=40\ncols=140\n")
        socket.send_fds(first, [struct.pack(">IB", len(hello) + 1, 1) + hello], [slave, slave])
        os.close(slave)
        seen, deadline = b"", time.time() + 15
        while b"groups" not in seen and time.time() < deadline:
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                seen += os.read(master, 65536)
        self.assertIn(b"groups", seen)
        self.assertIn("(attached: 2 clients)", tm.fleetmux("ls").stdout)
        first.close()  # it goes: the idle one and the terminal stay
        self.assertTrue(wait_until(lambda: "(attached)" in tm.fleetmux("ls").stdout))
        self.run_in(tm, "echo alive-$((2*21))")
        tm.wait_for("alive-42")
        idle.close()
        os.close(master)
        self.assertRegex(tm.fleetmux("ls").stdout, r"^0: 1 pane .*\(attached\)\n$")
        tm.quit_fleetmux()

    def test_the_socket_is_the_users_alone(self):
        tm = self.start()
        tm.wait_for(r"cn-hangzhou")
        folder = os.path.join(tm.run_dir, "fleetmux")
        self.assertEqual(stat.S_IMODE(os.stat(folder).st_mode), 0o700)
        self.assertIsNotNone(shutil.which("setpriv"), "setpriv (util-linux) is missing")
        # Another user: the folder does not let it reach the socket.
        os.chmod(tm.run_dir, 0o755)
        probe = ("import socket,sys\ns=socket.socket(socket.AF_UNIX)\n"
                 "try:\n s.connect(sys.argv[1]); print('connected')\n"
                 "except OSError as e: print('refused', e.errno)\n")
        r = as_nobody(probe, os.path.join(folder, "0"))
        self.assertIn("refused", r.stdout, r.stderr)
        # Were the folder open, the server itself refuses another user: the
        # connection is closed before any answer.
        os.chmod(folder, 0o755)
        os.chmod(os.path.join(folder, "0"), 0o777)
        probe = ("import socket,struct,sys\ns=socket.socket(socket.AF_UNIX)\n"
                 "s.connect(sys.argv[1])\nh=b'protocol=1\\ncommand=info\\n'\n"
                 "try:\n"
                 " s.sendall(struct.pack('>IB',len(h)+1,1)+h)\n"
                 " print('answer', len(s.recv(4096)))\n"
                 "except (ConnectionResetError, BrokenPipeError) as e: print('answer 0', e)\n")
        r = as_nobody(probe, os.path.join(folder, "0"))
        self.assertIn("answer 0", r.stdout, r.stderr)
        os.chmod(os.path.join(folder, "0"), 0o755)
        os.chmod(folder, 0o700)
        # A folder others may enter is refused, and said why.
        os.chmod(folder, 0o755)
        r = tm.fleetmux("ls")
        self.assertEqual(r.returncode, 1)
        self.assertIn("may be entered by others (mode 755): refused", r.stderr)
        os.chmod(folder, 0o700)
        self.assertEqual(tm.fleetmux("ls").returncode, 0)

    def test_a_terminal_that_stops_reading_does_not_grow_the_server(self):
        cfg = os.path.join(self.scratch, "config")
        with open(cfg, "w") as f:
            f.write("[fleetmux]\nscrollback = 200\n")
        extra = {}
        if "asan" in BUILD:
            # AddressSanitizer keeps freed memory in quarantine (256 MB): a
            # small one lets the RSS say what the program holds.
            extra["ASAN_OPTIONS"] = ":".join(filter(None, [
                os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=4",
                "thread_local_quarantine_size_kb=64"]))
        tm = self.start("--config", cfg, *OPEN, extra=extra)
        tm.wait_for(r"api-server/api \[live\]")
        server = tm.server_pid()
        self.assertIsNotNone(server)
        # A terminal nobody reads: a pty whose master is never read.
        master, slave = pty.openpty()
        env = dict(tm.env)
        stuck = subprocess.Popen([FLEETMUX, "attach"], stdin=slave, stdout=slave,
                                 stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        try:
            self.assertTrue(wait_until(lambda: "(attached: 2 clients)" in tm.fleetmux("ls").stdout))
            self.run_in(tm, "yes 0123456789abcdefghijklmnopqrstuvwxyz-flood")
            time.sleep(3)
            before = rss_kb(server)
            time.sleep(8)
            after = rss_kb(server)
            self.assertLess(after - before, 8 * 1024, (before, after))
            # The reading terminal is drawn all the while.
            tm.keys("C-c")
            self.run_in(tm, "echo calm-$((3*3))")
            tm.wait_for(r"calm-9")
        finally:
            stuck.kill()
            stuck.wait()
            os.close(master)
        tm.quit_fleetmux()

    def test_session_commands(self):
        tm = self.start()
        tm.wait_for(r"cn-hangzhou")
        env = dict(tm.env)
        base = [FLEETMUX, "--endpoint", self.sim.endpoint]
        env.update({"ALIBABA_CLOUD_ACCESS_KEY_ID": self.sim.key_id,
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.sim.secret})

        def fm(*args):
            return subprocess.run(args, capture_output=True, text=True, env=env, timeout=20)

        r = fm(FLEETMUX, "new", "-d", "-s", "prod", "--endpoint", self.sim.endpoint)
        self.assertEqual(r.returncode, 0, r.stderr)
        ls = fm(FLEETMUX, "ls").stdout
        self.assertRegex(ls, r"(?m)^0: 0 panes \(created .*\) \(attached\)$")
        self.assertRegex(ls, r"(?m)^prod: 0 panes \(created [^)]*\)$")
        r = fm(FLEETMUX, "new", "-d", "-s", "prod", "--endpoint", self.sim.endpoint)
        self.assertEqual(r.returncode, 1)
        self.assertIn("a session named 'prod' exists (fleetmux attach -t prod)", r.stderr)
        r = fm(FLEETMUX, "new", "-s", "no/slash")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot name a session", r.stderr)
        r = fm(FLEETMUX, "attach", "-t", "nope")
        self.assertEqual(r.returncode, 2)  # no terminal here: said first
        r = fm(FLEETMUX, "kill-session", "-t", "prod")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("prod", fm(FLEETMUX, "ls").stdout)
        r = fm(FLEETMUX, "kill-session", "-t", "prod")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no session 'prod' answers", r.stderr)
        del base
        # The attached session is killed from outside: its client is told.
        r = fm(FLEETMUX, "kill-server")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = tm.wait_for(r"fleetmux-exit=\d+")
        self.assertIn("[the session was killed]", s)
        self.assertIn("fleetmux-exit=0", s)
        self.assertEqual(fm(FLEETMUX, "ls").returncode, 1)

    def fleetmux_new(self, *args):
        """fleetmux new ARGS in a terminal of its own, as fleetmux_cmd."""
        return "sh -c 'env ALIBABA_CLOUD_ACCESS_KEY_ID=%s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s %s new %s " \
            "--endpoint %s; echo fleetmux-exit=$?; sleep 2'" % (
                self.sim.key_id, self.sim.secret, FLEETMUX, " ".join(args), self.sim.endpoint)

    def test_a_workspace_comes_back_after_the_server_is_killed(self):
        tm = Tmux(self.fleetmux_new("-w", "work", "--open", "cn-hangzhou/api-server/api",
                                    "--open", "cn-hangzhou/web-frontend-1/nginx"),
                  env=self.env())
        self.terms.append(tm)
        tm.wait_for(r"(?s)api-server/api \[live\].*web-frontend-1/nginx \[live\]")
        tm.keys("C-b", "l")
        tm.wait_for(r"web-frontend-1/nginx \[log\]")
        tm.keys("C-b", "1", "C-b", "m", "C-b", "3", "C-b", "z")
        tm.wait_for(r"\(zoomed\)")
        path = os.path.join(self.scratch, "fleetmux", "workspaces", "work.json")

        def saved():
            try:
                with open(path) as f:
                    w = json.load(f)
            except (OSError, ValueError):
                return None
            return w if len(w["panes"]) == 3 and w["zoomed"] == 2 and \
                w["panes"][0].get("marked") else None
        self.assertTrue(wait_until(saved, timeout=10))
        self.assertEqual([(p["name"], p["kind"]) for p in saved()["panes"]],
                         [("api-server", "shell"), ("web-frontend-1", "shell"),
                          ("web-frontend-1", "log")])
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        # The server dies hard (as in a reboot): the file is what is left.
        os.kill(tm.server_pid(), signal.SIGKILL)
        # (The session took its workspace's name, which was free.)
        tm.wait_for(r"\[lost the server of session work\]")
        self.assertEqual(tm.fleetmux("ls").returncode, 1)
        env = dict(tm.env)
        env.update(self.env(tm.run_dir))
        listed = subprocess.run([FLEETMUX, "workspaces"], capture_output=True, text=True,
                                env=env)
        self.assertRegex(listed.stdout, r"^work: 3 panes, saved ")
        # A killed server leaves its lock's file (the lock itself went
        # with it: the next session takes it).
        self.assertEqual(sorted(os.listdir(os.path.dirname(path))), ["work.json", "work.lock"])
        again = Tmux(self.fleetmux_new("--workspace", "work"), env=self.env(tm.run_dir))
        self.terms.append(again)
        s = again.wait_for(r"─ 3 cn-hangzhou/web-frontend-1/nginx \[log\] \[live\] \(zoomed\)")
        again.keys("C-b", "z")
        s = again.wait_for(r"(?s)─ 1\* cn-hangzhou/api-server/api \[live\].*─ 2 ")
        self.assertIn("[fleetmux: a new shell; what ran here before is gone]", s)
        # One session a workspace: another does not start, and says where
        # the workspace is.
        third = Tmux(self.fleetmux_new("-w", "work"), env=self.env(tm.run_dir))
        self.terms.append(third)
        s = third.wait_for(r"fleetmux-exit=\d+")
        self.assertIn("workspace work is in use by session work (fleetmux attach -t work)", s)
        self.assertIn("fleetmux-exit=1", s)
        again.keys("C-b", "1")
        self.run_in(again, "echo back-$((6*7))")
        again.wait_for("back-42")
        # :save writes another name, at once.
        again.keys("C-b", ":")
        again.type("save other")
        again.keys("Enter")
        again.wait_for(r"workspace other saved")
        with open(os.path.join(self.scratch, "fleetmux", "workspaces", "other.json")) as f:
            self.assertEqual(len(json.load(f)["panes"]), 3)
        again.quit_fleetmux()
        # A session that ends leaves its workspaces, not their locks.
        self.assertEqual(sorted(os.listdir(os.path.dirname(path))), ["other.json", "work.json"])

    def test_a_bad_workspace_file_is_said_and_left_alone(self):
        folder = os.path.join(self.scratch, "fleetmux", "workspaces")
        os.makedirs(folder)
        bad = os.path.join(folder, "bad.json")
        text = '{"version": 1, "layout": "tiled", "panes": [{"provider": "eci"}]}'
        with open(bad, "w") as f:
            f.write(text)
        tm = Tmux(self.fleetmux_new("-w", "bad"), env=self.env())
        self.terms.append(tm)
        tm.wait_for(r"cn-hangzhou")
        tm.keys("C-b", "~")
        s = tm.wait_for(r"panes\[0\]\.region: missing")
        self.assertIn("workspace bad:", s)
        tm.keys("q")
        time.sleep(1.5)
        with open(bad) as f:
            self.assertEqual(f.read(), text)  # not written over
        tm.quit_fleetmux()


if __name__ == "__main__":
    unittest.main()
