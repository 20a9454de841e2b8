"""Drive fleetmux as a person would: inside a tmux server that the test
starts, typing with send-keys and reading the screen with capture-pane."""
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata

from eci import BUILD, ROOT

FLEETMUX = os.path.join(ROOT, BUILD, "fleetmux")
# Where no Docker engine answers: without --provider or a config, fleetmux
# adds the engine it finds, so a test that does not want one says so, and
# passes alike on machines with and without an engine on the default socket.
NO_DOCKER = "unix:///nonexistent/fleetmux-tests/docker.sock"
_ids = itertools.count()


def cell_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def to_cells(line):
    """A captured line as a list of cells (wide glyphs take two)."""
    cells = []
    for ch in line:
        w = cell_width(ch)
        if w == 0 and cells:
            cells[-1] += ch
            continue
        cells.append(ch)
        if w == 2:
            cells.append("")
    return cells


class Tmux:
    def __init__(self, command, env=None, width=160, height=45):
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed (scripts/deps.sh test installs it)")
        self.sock = "fmtest-%d-%d" % (os.getpid(), next(_ids))
        self.conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        self.conf.write("set -g default-terminal tmux-256color\nset -g status off\n"
                        "set -g remain-on-exit on\nset -g escape-time 0\n"
                        "set -g history-limit 100\n")
        self.conf.close()
        full_env = dict(os.environ)
        full_env["DOCKER_HOST"] = NO_DOCKER
        # fleetmux's sessions are servers with sockets in here: the
        # test's own, ended with it (kill).
        self.run_dir = tempfile.mkdtemp(prefix="fmrun-")
        full_env["XDG_RUNTIME_DIR"] = self.run_dir
        full_env.update(env or {})
        if "asan" in BUILD:
            # The session's server has no terminal: what the sanitizers
            # find, in it or in the client, is written here and read by
            # kill().
            san = os.path.join(self.run_dir, "san")
            for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
                full_env[var] = ":".join(filter(None, [full_env.get(var), "log_path=" + san]))
        full_env.pop("TMUX", None)
        self.env = full_env
        subprocess.run(["tmux", "-L", self.sock, "-f", self.conf.name, "new-session", "-d",
                        "-s", "main", "-x", str(width), "-y", str(height), command],
                       check=True, env=full_env)

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), capture_output=True,
                              text=True, check=check, env=self.env).stdout

    def keys(self, *keys, literal=False):
        for k in keys:
            self.tmux("send-keys", "-t", "main", *(["-l", k] if literal else [k]))
            time.sleep(0.03)

    def type(self, text):
        self.keys(text, literal=True)

    def screen(self, colors=False):
        args = ["capture-pane", "-p", "-t", "main"] + (["-e"] if colors else [])
        return self.tmux(*args)

    def lines(self):
        return self.screen().split("\n")

    def wait_for(self, pattern, timeout=15, colors=False):
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        s = ""
        while time.time() < deadline:
            s = self.screen(colors)
            if rx.search(s):
                return s
            time.sleep(0.1)
        raise AssertionError("screen never showed %r; it shows:\n%s" % (pattern, s))

    def wait_gone(self, pattern, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.screen()
            if not re.search(pattern, s):
                return s
            time.sleep(0.1)
        raise AssertionError("screen still shows %r:\n%s" % (pattern, s))

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def pane_dead(self):
        return self.tmux("display", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def pane_pid(self):
        return int(self.tmux("display", "-p", "-t", "main", "#{pane_pid}").strip())

    def fleetmux_pid(self):
        """The fleetmux under the test's sh -c in this pane."""
        out = subprocess.run(["pgrep", "-P", str(self.pane_pid()), "-x", "fleetmux"],
                             capture_output=True, text=True).stdout.split()
        return int(out[0])

    def answer_yes(self, question=r"\(y/n\)", timeout=10):
        """Wait for fleetmux's y/n question and say y; returns the screen
        that asked."""
        s = self.wait_for(question, timeout=timeout)
        self.keys("y")
        return s

    def quit_fleetmux(self, timeout=15, prefix="C-b"):
        """C-b Q (and y, when live sessions make fleetmux ask) unless it
        already ended; returns the screen with its exit line."""
        if "fleetmux-exit=" not in self.screen():
            self.keys(prefix, "Q")
            s = self.wait_for(r"fleetmux-exit=\d+|quit\? \d+ live sessions? will end \(y/n\)",
                              timeout=timeout)
            if "fleetmux-exit=" not in s:
                self.keys("y")
        return self.wait_for(r"fleetmux-exit=\d+", timeout=timeout)

    def fleetmux(self, *args, timeout=20):
        """fleetmux ARGS beside the terminal (ls, attach's peers, kill-server),
        in the test's environment."""
        return subprocess.run([FLEETMUX] + list(args), capture_output=True, text=True,
                              env=self.env, timeout=timeout)

    def servers(self):
        """The pids of this test's fleetmux processes (sessions' servers,
        clients)."""
        return session_pids(self.run_dir)

    def server_pid(self):
        """The session's server (the pane's fleetmux is its client, which
        only waits)."""
        pid = session_server(self.run_dir)
        if pid is None:
            raise AssertionError("no fleetmux session server for %s" % self.run_dir)
        return pid

    def kill(self):
        self.tmux("kill-server", check=False)
        # Sessions left running (a test that failed, or detached) end too,
        # and what the sanitizers said in them is the test's.
        try:
            self.fleetmux("kill-server")
        except subprocess.TimeoutExpired:
            pass
        deadline = time.time() + 20
        while self.servers() and time.time() < deadline:
            time.sleep(0.1)
        os.unlink(self.conf.name)
        reports = [f for f in os.listdir(self.run_dir) if f.startswith("san.")]
        said = ""
        for f in reports:
            with open(os.path.join(self.run_dir, f), errors="replace") as r:
                said += r.read()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        # (LeakSanitizer lists the suppressions it used even when it found
        # nothing: that alone is no report.)
        if re.search(r"ERROR: |runtime error|SUMMARY: ", said):
            raise AssertionError("the sanitizers reported:\n" + said[-6000:])


def session_pids(run_dir):
    """fleetmux processes whose XDG_RUNTIME_DIR is run_dir: a test's
    session servers (and clients)."""
    want = ("XDG_RUNTIME_DIR=%s" % run_dir).encode()
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                env = f.read().split(b"\0")
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv0 = f.read().split(b"\0")[0]
        except OSError:
            continue
        if want in env and os.path.basename(argv0) == b"fleetmux":
            pids.append(int(d))
    return pids


def session_server(run_dir, client=None):
    """The session server among them: the fleetmux that leads its own
    session (setsid), other than client (which a harness that runs it on a
    pty of its own makes a session leader too); None when there is none."""
    for pid in session_pids(run_dir):
        try:
            if pid != client and os.getsid(pid) == pid:
                return pid
        except OSError:
            pass
    return None


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def styled_cells(line):
    """A line of capture-pane -e as cells: (text, fg, bg, attrs), colours as
    SGR says them ("34", "38;5;37", None for the terminal's), attrs a set of
    "bold", "reverse", "dim", "underline"."""
    fg = bg = None
    attrs = set()
    cells = []
    pos = 0
    for m in list(SGR.finditer(line)) + [None]:
        text = line[pos:m.start()] if m else line[pos:]
        for ch in to_cells(text):
            cells.append((ch, fg, bg, frozenset(attrs)))
        if m is None:
            break
        pos = m.end()
        params = m.group(1).replace(":", ";").split(";") if m.group(1) else ["0"]
        i = 0
        while i < len(params):
            p = int(params[i] or 0)
            if p == 0:
                fg = bg = None
                attrs = set()
            elif p in (1, 2, 4, 7):
                attrs.add({1: "bold", 2: "dim", 4: "underline", 7: "reverse"}[p])
            elif p in (22, 24, 27):
                attrs -= {22: {"bold", "dim"}, 24: {"underline"}, 27: {"reverse"}}[p]
            elif p in (38, 48) and i + 2 < len(params) and params[i + 1] == "5":
                v = "%d;5;%s" % (p, params[i + 2])
                if p == 38:
                    fg = v
                else:
                    bg = v
                i += 2
            elif 30 <= p <= 37 or 90 <= p <= 97:
                fg = str(p)
            elif 40 <= p <= 47 or 100 <= p <= 107:
                bg = str(p)
            elif p == 39:
                fg = None
            elif p == 49:
                bg = None
            i += 1
    return cells


def panes(screen):
    """Find fleetmux's panes on a captured screen: {number: (x, y, w, h)} of
    each pane's terminal area, measured from its title line, the separators
    and the next title below it."""
    rows = [to_cells(l) for l in screen.split("\n")]
    height = len(rows) - 1 if rows and rows[-1] == [] else len(rows)
    found = {}
    title = re.compile(r"─ (\d+)\*? ")
    for y, cells in enumerate(rows):
        text = "".join(c if c else "\0" for c in cells)
        for m in title.finditer(text):
            x = m.start()
            # The pane starts at the title's first cell: left of it is the
            # sidebar's or another pane's separator, or the screen edge.
            if x > 0 and cells[x - 1] != "│":
                continue
            end = x
            while end < len(cells) and cells[end] != "│":
                end += 1
            found[int(m.group(1))] = [x, y + 1, end - x, None]
    # Height: down to the next title in the same columns, or the status line.
    status_row = height - 1
    while status_row > 0 and not "".join(rows[status_row]).strip():
        status_row -= 1
    for n, p in found.items():
        x, y = p[0], p[1]
        h = 0
        while y + h < status_row:
            cells = rows[y + h]
            if x < len(cells) and cells[x] == "─" and title.match("".join(cells[x:x + 8])):
                break
            h += 1
        p[3] = h
    return {n: tuple(p) for n, p in found.items()}


def pane_text(screen, geometry):
    x, y, w, h = geometry
    rows = [to_cells(l) for l in screen.split("\n")]
    out = []
    for r in range(y, y + h):
        if r < len(rows):
            out.append("".join(rows[r][x:x + w]))
    return "\n".join(out)
