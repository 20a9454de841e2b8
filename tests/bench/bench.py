#!/usr/bin/python3
"""make bench: fleetmux against tmux, side by side in the same run, through a
PTY harness that plays the outer terminal (tests/bench/outer.py).

Prints a table; with --markdown FILE also writes it, with the machine and
the date, as BENCHMARKS.md does. Figures only: nothing here passes or fails
on time (the targets are printed next to the figures)."""
import argparse
import asyncio
import datetime
import json
import os
import re
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from outer import Outer, Timeout, cpu_seconds, rss_kb  # noqa: E402
from eci import Fleetsim  # noqa: E402
from tui import session_server  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
FLEETMUX = os.path.abspath(os.path.join(BUILD, "fleetmux"))
PREFIX = b"\x02"  # C-b, for both
SHELL = "/bin/sh"

ROWS = []


def row(bench, metric, fm, tm, target, note=""):
    ROWS.append((bench, metric, fm, tm, target, note))
    print("  %-12s %-28s fleetmux %-12s tmux %-12s %s %s" % (bench, metric, fm, tm, target, note),
          flush=True)


def fmt_ms(s):
    return "%.2f ms" % (s * 1000)


def ratio(a, b):
    return "%.2f×" % (a / b) if b else "-"


# --- the two programs, started the same way -----------------------------------

class Env:
    """A scratch directory with the fleet, fleetmux's config and tmux's."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fleetmux-bench-")
        fleet = {"regions": [
            {"id": "bench", "zones": ["bench-a"],
             "generate": {"count": 64, "name_prefix": "pane", "status": "Running"}}]}
        self.fleet = self.write("fleet.json", json.dumps(fleet))
        scale = {"regions": [
            {"id": "scale-%02d" % i, "zones": ["scale-%02d-a" % i],
             "generate": {"count": 500, "name_prefix": "svc%02d" % i, "status": "Running"}}
            for i in range(1, 21)]}
        self.scale_fleet = self.write("scale.json", json.dumps(scale))
        self.tmux_conf = self.write("tmux.conf", "\n".join([
            "set -g default-shell %s" % SHELL,
            "set -g default-command 'exec %s'" % SHELL,
            "set -g history-limit 10000",
            "set -g escape-time 0",
            "set -g status on", ""]))
        self.done = os.path.join(self.dir, "done")
        os.mkdir(self.done)
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home)
        # fleetmux's sessions are servers with sockets in here.
        self.run = os.path.join(self.dir, "run")
        os.mkdir(self.run, 0o700)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def clean_done(self):
        for f in os.listdir(self.done):
            os.unlink(os.path.join(self.done, f))

    def count_done(self):
        return len(os.listdir(self.done))

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def start_fleetmux(env, sim, cols, rows, opens=(), layout="tiled", args=()):
    conf = env.write("fleetmux.conf", "\n".join([
        "[fleetmux]", "layout = %s" % layout, "scrollback = 10000", "",
        '[provider "sim"]', "type = eci", "endpoint = %s" % sim.endpoint,
        "command = exec %s" % SHELL, ""]))
    argv = [FLEETMUX, "--config", conf]
    for o in opens:
        argv += ["--open", o]
    argv += list(args)
    o = Outer(argv, cols, rows, env=fleetmux_env(env, sim))
    o.kind = "fleetmux"
    # The first frame's footer; BENCH_READY lets an older build be measured.
    o.wait_for(os.environ.get("BENCH_READY", "groups"), timeout=20)
    # The session's server draws and does the work; the client only waits.
    o.server = session_server(env.run, o.pid) or o.pid
    return o


def fleetmux_env(env, sim):
    return {"HOME": env.home, "XDG_RUNTIME_DIR": env.run,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": sim.key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": sim.secret}


def fm_cpu_s(o):
    """fleetmux's CPU seconds: its session's server and the client."""
    return cpu_seconds(o.server) + (cpu_seconds(o.pid) if o.server != o.pid else 0)


def fm_rss_kb(o):
    return rss_kb(o.server) + (rss_kb(o.pid) if o.server != o.pid else 0)


def stop_fleetmux(o):
    # C-b Q ends the session (C-b d would only detach); y: it asks before
    # live sessions end.
    o.send(PREFIX + os.environ.get("BENCH_QUIT", "Q").encode() + b"y")
    try:
        o.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    o.close()
    if o.server != o.pid:
        try:
            os.kill(o.server, 15)
        except OSError:
            pass


class TmuxRun:
    """A private tmux server whose client runs in the outer terminal."""

    def __init__(self, env, cols, rows, panes=1):
        self.sock = "fmbench-%d" % os.getpid()
        self.env = env
        self.outer = Outer(["tmux", "-L", self.sock, "-f", env.tmux_conf, "new-session"],
                           cols, rows, env={"HOME": env.home, "PS1": "$ "})
        self.outer.kind = "tmux"
        self.first_frame = self.outer.wait_for("$ ", timeout=20)
        for _ in range(panes - 1):
            self.cmd("split-window")
            self.cmd("select-layout", "tiled")
        self.outer.quiet(200)
        self.server_pid = int(self.cmd("display-message", "-p", "#{pid}").strip())

    def cmd(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def cpu(self):
        return cpu_seconds(self.server_pid) + cpu_seconds(self.outer.pid)

    def rss(self):
        return rss_kb(self.server_pid) + rss_kb(self.outer.pid)

    def stop(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)
        self.outer.close()


def ready(o, settle=1.0):
    """Lets the panes' shells come up and the screen settle."""
    o.pump(settle)
    o.quiet(150)


# --- 1. throughput -------------------------------------------------------------

SEQ = "seq 1 %d; echo E''ND\r"

# What containers print, beside seq (the same command in both panes; awk and
# yes are the host's, which fleetsim's containers share).
REAL_OUTPUT = [
    ("coloured log lines (200,000; SGR on every line)",
     "awk 'BEGIN{for(i=1;i<=200000;i++) printf \"\\033[2m2026-12-01T10:%02d:%02d.%03dZ\\033[0m "
     "\\033[32mINFO\\033[0m \\033[36mapi\\033[0m request id=%d path=/v1/items "
     "status=\\033[1m200\\033[0m took=%dms\\n\", i%60, i%60, i%1000, i, i%97}'; echo E''ND\r"),
    ("lines that wrap (60,000 of 310 columns in 120)",
     "yes \"$(printf '%0310d' 0)\" | head -60000; echo E''ND\r"),
    ("CJK lines (200,000)",
     "yes '日志行：服务已启动，正在处理请求，中文字符测试，数据同步完成。' | head -200000; echo E''ND\r"),
]


def time_both(env, command, repeat):
    """Seconds from the command to END drawn, and the CPU seconds spent
    meanwhile, fleetmux and tmux, medians: (fm wall, tm wall, fm cpu, tm
    cpu, fleetsim cpu). fleetmux's CPU is its own process; tmux's is its
    server and client; fleetsim's (the network side, which tmux does not
    have) is given apart."""
    cols, rows = 120, 42  # both panes: 120×40 (fleetmux: title and status rows; tmux: status)
    fm_times, tm_times, fm_cpu, tm_cpu, sim_cpu = [], [], [], [], []
    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        for _ in range(repeat):
            o = start_fleetmux(env, sim, cols, rows, opens=["bench/pane-00001/main"])
            o.send(PREFIX + b"s")  # sidebar away: the pane is the screen
            ready(o)
            c0, s0 = fm_cpu_s(o), cpu_seconds(sim.proc.pid)
            t0 = o.send(command)
            fm_times.append(o.wait_for("END", timeout=600) - t0)
            fm_cpu.append(fm_cpu_s(o) - c0)
            sim_cpu.append(cpu_seconds(sim.proc.pid) - s0)
            stop_fleetmux(o)
    for _ in range(repeat):
        t = TmuxRun(env, cols, rows - 1)
        ready(t.outer, 0.5)
        c0 = t.cpu()
        t0 = t.outer.send(command)
        tm_times.append(t.outer.wait_for("END", timeout=600) - t0)
        tm_cpu.append(t.cpu() - c0)
        t.stop()
    med = statistics.median
    return med(fm_times), med(tm_times), med(fm_cpu), med(tm_cpu), med(sim_cpu)


def bench_throughput(env, lines, repeat):
    result = None
    for label, command in [("seq 1 %d" % lines, SEQ % lines)] + REAL_OUTPUT:
        f, t, fc, tc, sc = time_both(env, command, repeat)
        row("throughput", label + ", until END drawn", "%.2f s" % f, "%.2f s" % t, "≤ 1.0×",
            "ratio %s (median of %d)" % (ratio(f, t), repeat))
        row("throughput", label + ", CPU", "%.2f s" % fc, "%.2f s" % tc, "≤ 1.0×",
            "ratio %s; fleetsim (the network side) %.2f s" % (ratio(fc, tc), sc))
        if result is None:
            result = (f, t)
    return result


# --- 2. keystroke latency --------------------------------------------------------

def key_latencies(o, n):
    """A key into the outer terminal until its echo is drawn, n times, with the
    pane idle before each key."""
    out = []
    for i in range(n):
        if i % 50 == 0:
            o.send(b"\x15")  # ^U: a fresh line now and then
            o.quiet(60)
        t0 = o.send(b"z")
        out.append(o.wait_for(b"z", timeout=10) - t0)
        o.quiet(15)
    return out


def key_latencies_paced(o, n, seed=7):
    """Keys 10-30 ms apart, as a typist's: each echo is timed, and the next
    key goes as soon as its time comes (the last output is then often less
    than a frame old)."""
    import random
    rnd = random.Random(seed)
    out = []
    o.send(b"\x15")
    o.quiet(60)
    for i in range(n):
        if i % 50 == 49:
            o.send(b"\x15")
            o.quiet(60)
        t0 = o.send(b"z")
        out.append(o.wait_for(b"z", timeout=10) - t0)
        gap = rnd.uniform(0.010, 0.030) - (time.monotonic() - t0)
        if gap > 0:
            o.pump(gap)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def ws_latencies(sim, n):
    import websockets  # Debian's python3-websockets

    params = {"RegionId": "bench", "ContainerGroupId": "eci-bench-pane-00002",
              "ContainerName": "main", "Command": json.dumps([SHELL]), "TTY": "true"}
    uri = sim.client().call("ExecContainerCommand", params)["WebSocketUri"]

    async def run():
        out = []
        async with websockets.connect(uri, max_size=None) as ws:
            await ws.send(b"\x04" + json.dumps({"Width": 120, "Height": 40}).encode())
            await asyncio.sleep(0.5)
            while True:  # the prompt and anything else first
                try:
                    await asyncio.wait_for(ws.recv(), 0.3)
                except asyncio.TimeoutError:
                    break
            for i in range(n):
                if i % 50 == 0:
                    await ws.send(b"\x00\x15")
                    await asyncio.sleep(0.05)
                    while True:
                        try:
                            await asyncio.wait_for(ws.recv(), 0.05)
                        except asyncio.TimeoutError:
                            break
                t0 = time.monotonic()
                await ws.send(b"\x00z")
                while True:
                    m = await ws.recv()
                    if m[:1] == b"\x01" and b"z" in m[1:]:
                        break
                out.append(time.monotonic() - t0)
                await asyncio.sleep(0.015)
        return out

    return asyncio.run(run())


def bench_latency(env, n):
    cols, rows = 120, 42
    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        o = start_fleetmux(env, sim, cols, rows, opens=["bench/pane-00001/main"])
        o.send(PREFIX + b"s")
        ready(o)
        fm = key_latencies(o, n)
        fm_paced = key_latencies_paced(o, n)
        stop_fleetmux(o)
        ws = ws_latencies(sim, n)
    t = TmuxRun(env, cols, rows - 1)
    ready(t.outer, 0.5)
    tm = key_latencies(t.outer, n)
    tm_paced = key_latencies_paced(t.outer, n)
    t.stop()
    for p in (50, 99):
        row("latency", "key to echo drawn, after idle, p%d (%d keys)" % (p, n), fmt_ms(pct(fm, p)),
            fmt_ms(pct(tm, p)), "p99 ≤ 5 ms" if p == 99 else "≤ WS + 1 ms",
            "raw WebSocket round trip %s" % fmt_ms(pct(ws, p)))
    for p in (50, 90, 99):
        row("latency", "key to echo drawn, keys 10-30 ms apart, p%d" % p, fmt_ms(pct(fm_paced, p)),
            fmt_ms(pct(tm_paced, p)), "p90 ≤ 1.5 ms" if p == 90 else "≤ tmux + WS",
            "raw WebSocket round trip %s" % fmt_ms(pct(ws, min(p, 99))))
    return fm, tm, ws


# Ctrl-C into a coloured flood, behind an outer terminal that reads slowly
# (a remote link): how long until the shell's answer is drawn.
FLOOD = ("awk 'BEGIN{for(i=1;;i++) printf \"\\033[2m10:%02d:%02d\\033[0m \\033[32mINFO\\033[0m "
         "\\033[36mapi\\033[0m request id=%d path=/v1/items status=\\033[1m200\\033[0m took=%dms\\n\", "
         "i%60, i%60, i, i%97}'\r")


def interrupt_lags(o, rate, n=3):
    """Seconds from Ctrl-C to the last byte drawn before the screen rests
    (the flood's end and the prompt); drawn bytes are not searched for a
    marker, as a redraw may write only the cells that changed."""
    out = []
    o.rate = rate
    for k in range(n):
        o.send(FLOOD)
        o.pump(3)
        t0 = o.send(b"\x03")
        out.append(o.quiet(800, timeout=120) - t0)
    o.rate = None
    return out


def bench_slowterm(env, rates=(15000, 50000)):
    cols, rows = 200, 55
    for rate in rates:
        with Fleetsim("--quiet", fleet=env.fleet) as sim:
            o = start_fleetmux(env, sim, cols, rows, opens=["bench/pane-00001/main"])
            o.send(PREFIX + b"1")
            ready(o)
            fm = interrupt_lags(o, rate)
            stop_fleetmux(o)
        t = TmuxRun(env, cols, rows - 1)
        ready(t.outer, 0.5)
        tm = interrupt_lags(t.outer, rate)
        t.stop()
        row("slow term", "Ctrl-C in a flood to prompt, %d KB/s, median" % (rate // 1000),
            fmt_ms(statistics.median(fm)), fmt_ms(statistics.median(tm)), "≤ tmux",
            "fleetmux %s, tmux %s" % (" ".join("%.2f" % x for x in fm), " ".join("%.2f" % x for x in tm)))


# --- 3. fan-out -------------------------------------------------------------------

LINE = "fleetmux-bench-" + "0123456789" * 6  # 75 characters and a newline


def fanout_command(env, mb):
    # The first pane (pane-00001 in fleetsim, %0 in tmux) stays quiet and
    # echoes: the probe that input stays responsive while the others flood.
    return ('case "$(hostname)$TMUX_PANE" in pane-00001|*%%0) exec cat;; esac; '
            "yes %s | head -c %d; mktemp -p %s >/dev/null\r" % (LINE, mb * 1000 * 1000, env.done))


def probe_keys(o, n=20):
    """Keys into the quiet pane while the others flood: key to echo drawn."""
    out = []
    for _ in range(n):
        o.tail = b""
        t0 = o.send(b"z")
        out.append(o.wait_for(b"z", timeout=30) - t0)
        o.pump(0.2)
    return out


def wait_done(env, o, n, timeout):
    deadline = time.monotonic() + timeout
    while env.count_done() < n:
        if time.monotonic() > deadline:
            raise Timeout("%d of %d panes finished in %d s" % (env.count_done(), n, timeout))
        o.pump(0.1)
    return o.quiet(300)


def opens64():
    return ["bench/pane-%05d/main" % i for i in range(1, 65)]


def start_64(env, sim, cols, rows):
    """fleetmux with the 64 panes open, the sidebar hidden, the shells up."""
    o = start_fleetmux(env, sim, cols, rows, opens=opens64())
    o.send(PREFIX + b"s")
    ready(o, 3.0)
    return o


def bench_fanout(env, mb, timeout):
    cols, rows = 240, 72
    env.clean_done()
    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        o = start_64(env, sim, cols, rows)
        o.send(PREFIX + b"S")  # broadcast to every pane in view
        o.quiet(100)
        cpu0, sim0 = fm_cpu_s(o), cpu_seconds(sim.proc.pid)
        t0 = o.send(fanout_command(env, mb))
        o.pump(0.5)
        o.send(PREFIX + b"S")  # broadcast off; pane 1 is the quiet one
        o.send(PREFIX + b"1")
        o.pump(1.0)
        fm_keys = probe_keys(o)
        t1 = wait_done(env, o, 63, timeout)
        fm_wall, fm_cpu = t1 - t0, fm_cpu_s(o) - cpu0
        sim_cpu = cpu_seconds(sim.proc.pid) - sim0
        stop_fleetmux(o)
    env.clean_done()
    t = TmuxRun(env, cols, rows - 1, panes=64)
    ready(t.outer, 1.0)
    t.cmd("set-window-option", "synchronize-panes", "on")
    cpu0 = t.cpu()
    t0 = t.outer.send(fanout_command(env, mb))
    t.outer.pump(0.5)
    t.cmd("set-window-option", "synchronize-panes", "off")
    t.cmd("select-pane", "-t", "%0")
    t.outer.pump(1.0)
    tm_keys = probe_keys(t.outer)
    t1 = wait_done(env, t.outer, 63, timeout)
    tm_wall, tm_cpu = t1 - t0, t.cpu() - cpu0
    t.stop()
    row("fan-out", "63 panes × %d MB: wall" % mb, "%.1f s" % fm_wall, "%.1f s" % tm_wall, "",
        "ratio %s" % ratio(fm_wall, tm_wall))
    row("fan-out", "63 panes × %d MB: CPU" % mb, "%.1f s" % fm_cpu, "%.1f s" % tm_cpu, "≤ 1.0×",
        "ratio %s; fleetsim (the network side) %.1f s" % (ratio(fm_cpu, tm_cpu), sim_cpu))
    row("fan-out", "a key into the 64th pane, meanwhile", fmt_ms(statistics.median(fm_keys)),
        fmt_ms(statistics.median(tm_keys)), "responsive",
        "median of %d; max %s / %s" % (len(fm_keys), fmt_ms(max(fm_keys)), fmt_ms(max(tm_keys))))


# --- 4. memory --------------------------------------------------------------------

def memory_command(env, lines):
    return "seq -f %%0120.0f 1 %d; mktemp -p %s >/dev/null\r" % (lines, env.done)


def bench_memory(env, lines, timeout):
    # 8 × 8 panes, each 120 columns wide: lines of 120 fill a row exactly.
    cols, rows = 8 * 121 - 1, 8 * 7 + 2
    env.clean_done()
    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        o = start_64(env, sim, cols, rows)
        base = fm_rss_kb(o)
        o.send(PREFIX + b"S")
        o.quiet(100)
        o.send(memory_command(env, lines))
        wait_done(env, o, 64, timeout)
        fm = fm_rss_kb(o)
        o.send(PREFIX + b"S")
        stop_fleetmux(o)
    env.clean_done()
    t = TmuxRun(env, cols, rows - 1, panes=64)
    ready(t.outer, 1.0)
    tbase = t.rss()
    t.cmd("set-window-option", "synchronize-panes", "on")
    t.outer.send(memory_command(env, lines))
    wait_done(env, t.outer, 64, timeout)
    tm = t.rss()
    t.stop()
    row("memory", "RSS, 64 panes × %d lines" % lines, "%.1f MB" % (fm / 1024), "%.1f MB" % (tm / 1024),
        "≤ 1.0×", "ratio %s; before printing %.1f / %.1f MB" % (ratio(fm, tm), base / 1024, tbase / 1024))


# --- 5. sidebar scale -------------------------------------------------------------

def bench_sidebar(env, repeat):
    cols, rows = 160, 45
    startups, tstartups = [], []
    with Fleetsim("--quiet", "--latency", "20", fleet=env.scale_fleet) as sim:
        # Start-up to first frame, and until all 10,000 groups are listed.
        listed = []
        for _ in range(repeat):
            t0 = time.monotonic()
            o = Outer([FLEETMUX, "--endpoint", sim.endpoint], cols, rows,
                      env=fleetmux_env(env, sim))
            startups.append(o.wait_for("groups", timeout=20) - t0)
            o.server = session_server(env.run, o.pid) or o.pid
            listed.append(o.wait_for("10000 groups", timeout=60) - t0)
            o.quiet(200)
            last = o
            if _ < repeat - 1:
                stop_fleetmux(o)
        # One filter keystroke to the redrawn list.
        o = last
        o.send(b"/")
        o.quiet(100)
        keys = []
        for ch in "svc07-0042":
            t0 = o.send(ch)
            keys.append(o.quiet(100) - t0)
        o.send(b"\x1b")
        stop_fleetmux(o)
    for _ in range(repeat):
        t0 = time.monotonic()
        t = TmuxRun(env, cols, rows)
        tstartups.append(t.first_frame - t0)
        t.stop()
    row("sidebar", "start-up to first frame", fmt_ms(statistics.median(startups)),
        fmt_ms(statistics.median(tstartups)), "≤ 50 ms", "median of %d; tmux: to its prompt" % repeat)
    row("sidebar", "10,000 groups, 20 regions listed", "%.3f s" % statistics.median(listed), "-",
        "≤ 1 s", "API latency 20 ms, median of %d" % repeat)
    row("sidebar", "filter keystroke to redrawn list", fmt_ms(statistics.median(keys)), "-",
        "≤ 16 ms", "max %s over %d keys" % (fmt_ms(max(keys)), len(keys)))


def bench_sidebar_metrics(env, interval=2):
    """The 10,000 groups with their CPU and memory refreshing every interval
    seconds (500 DescribeMultiContainerGroupMetric calls a round, 20 ms
    each), sorted by CPU: one filter keystroke to the redrawn list, and what
    the refreshing costs fleetmux while nothing else happens."""
    cols, rows = 160, 45
    conf = env.write("metrics.conf", "[fleetmux]\nmetrics-interval = %d\n" % interval)
    with Fleetsim("--quiet", "--latency", "20", fleet=env.scale_fleet) as sim:
        o = Outer([FLEETMUX, "--config", conf, "--endpoint", sim.endpoint], cols, rows,
                  env=fleetmux_env(env, sim))
        o.wait_for("10000 groups", timeout=60)
        o.server = session_server(env.run, o.pid) or o.pid
        # The region's totals on the status line: its samples have come.
        o.wait_for("Σ", timeout=60)
        o.send(b"S")
        o.wait_for("by cpu", timeout=10)
        o.quiet(200)
        c0, t0 = fm_cpu_s(o), time.monotonic()
        o.pump(5 * interval)
        idle_cpu = (fm_cpu_s(o) - c0) / (time.monotonic() - t0)
        o.send(b"/")
        o.quiet(100)
        keys = []
        for ch in "svc07-0042":
            t0 = o.send(ch)
            keys.append(o.quiet(100) - t0)
        o.send(b"\x1b")
        stop_fleetmux(o)
    row("sidebar-metrics", "filter keystroke to redrawn list, metrics refreshing, by CPU",
        fmt_ms(statistics.median(keys)), "-", "≤ 16 ms",
        "max %s over %d keys; every %d s" % (fmt_ms(max(keys)), len(keys), interval))
    row("sidebar-metrics", "fleetmux CPU while 10,000 groups' metrics refresh", "%.1f %%" % (idle_cpu * 100),
        "-", "", "of one core, every %d s" % interval)


# --- 6. hostile bytes -----------------------------------------------------------------

HOSTILE = {
    "1 MB OSC title": b"\x1b]0;" + b"T" * (1 << 20) + b"\x07",
    "CSI, huge and negative parameters ×10k": (b"\x1b[99999999;99999999H\x1b[-5;-7H"
                                               b"\x1b[4294967295A\x1b[99999999999m") * 10000,
    "1 MB of invalid UTF-8": b"\xff\xfe\xc3\x28\xe2\x82\xf0\x28" * (1 << 17),
    "100,000 combining marks on one cell": b"e" + b"\xcc\x81" * 100000,
}


def bench_hostile(env):
    """cat of each payload until the marker after it is drawn: how long the
    pane (and the whole program) is busy with it."""
    cols, rows = 120, 42
    files = {}
    for i, (name, data) in enumerate(HOSTILE.items()):
        files[name] = env.write("hostile-%d" % i, "")
        with open(files[name], "wb") as f:
            f.write(data + b"\x1b[0m\x1b]0;x\x07\r\n")

    def run(o):
        out = {}
        for name, path in files.items():
            o.quiet(100)
            t0 = o.send("clear; cat %s; echo E''ND\r" % path)
            out[name] = o.wait_for("END", timeout=120) - t0
        return out

    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        o = start_fleetmux(env, sim, cols, rows, opens=["bench/pane-00001/main"])
        o.send(PREFIX + b"s")
        ready(o)
        fm = run(o)
        stop_fleetmux(o)
    t = TmuxRun(env, cols, rows - 1)
    ready(t.outer, 0.5)
    tm = run(t.outer)
    t.stop()
    for name in HOSTILE:
        row("hostile", name, fmt_ms(fm[name]), fmt_ms(tm[name]), "no stall > 100 ms",
            "cat until the next line is drawn")


# --- 7. merged logs -------------------------------------------------------------------

LOGEMIT = os.path.abspath(os.path.join(BUILD, "logemit"))
MERGED_LINE = re.compile(r"^(\S+) \| LE (\d+) (\d+)$")
SGR_RE = re.compile(r"\x1b\[[0-9;:?]*[a-zA-Z]")


def load():
    return "load %.2f" % os.getloadavg()[0]


class CastTail:
    """Follows an asciicast as fleetmux writes it (each event is flushed), so
    that an event's time since the recording began can be put on this
    program's wall clock: the recording began no later than the earliest
    (time read − event's time) of all events."""

    def __init__(self, path):
        self.path, self.pos, self.part, self.start = path, 0, b"", None

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return
        now = time.time()
        self.pos += len(data)
        lines = (self.part + data).split(b"\n")
        self.part = lines.pop()
        for line in lines:
            if line.startswith(b"["):
                t = now - float(line[1:line.index(b",")])
                self.start = t if self.start is None else min(self.start, t)


def merged_fleet(env, n, rate, quiet=0):
    """n groups of a container "log" running logemit; the last quiet of
    them print nothing (sleep)."""
    groups = [{"id": "eci-log-%03d" % i, "name": "e%03d" % i,
               "containers": [{"name": "log", "command": [LOGEMIT, str(rate)] if i <= n - quiet
                               else ["sleep", "100000"]}]}
              for i in range(1, n + 1)]
    return env.write("merged.json", json.dumps({"regions": [
        {"id": "bench", "zones": ["bench-a"], "groups": groups}]}))


def bench_merged(env, n=64, rate=1000, warmup=5.0, seconds=30.0, drain=5.0, quiet=0):
    """A merged view (L on the region) of n containers each logging rate
    lines a second (logemit), recorded: a line's lag is when its event was
    written to the recording less the time in the line. Lines emitted in the
    window [warmup, warmup + seconds] after all are live count; drain more
    seconds let the last of them come. quiet: of the n, how many print
    nothing (a fleet's usual mix)."""
    if not os.access(LOGEMIT, os.X_OK):
        sys.exit("bench: %s is missing; make bench builds it" % LOGEMIT)
    cols, rows = 160, 45
    casts = os.path.join(env.dir, "casts")
    fleet = merged_fleet(env, n, rate, quiet)
    with Fleetsim("--quiet", fleet=fleet) as sim:
        o = start_fleetmux(env, sim, cols, rows, args=["--record", casts])
        # Wait for all groups, then the region's row (under the provider's).
        o.wait_for("%d groups" % n, timeout=30)
        o.quiet(300)
        o.send(b"gj")
        o.quiet(200)
        o.send(b"L")
        o.wait_for("%d live" % n, timeout=60)
        path = None
        deadline = time.monotonic() + 10
        while path is None and time.monotonic() < deadline:
            o.pump(0.1)
            found = [f for f in os.listdir(casts) if "merged" in f] if os.path.isdir(casts) else []
            path = os.path.join(casts, found[0]) if found else None
        if path is None:
            raise Timeout("no recording of the merged pane in %s" % casts)
        tail = CastTail(path)
        end_warm = time.monotonic() + warmup
        while time.monotonic() < end_warm:
            o.pump(0.05)
            tail.poll()
        t0, c0, s0, m0 = time.time(), fm_cpu_s(o), cpu_seconds(sim.proc.pid), time.monotonic()
        load0 = os.getloadavg()[0]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            o.pump(0.05)
            tail.poll()
        t1, wall = time.time(), time.monotonic() - m0
        fm_cpu = (fm_cpu_s(o) - c0) / wall
        sim_cpu = (cpu_seconds(sim.proc.pid) - s0) / wall
        load1 = os.getloadavg()[0]
        end = time.monotonic() + drain
        while time.monotonic() < end:
            o.pump(0.05)
            tail.poll()
        stop_fleetmux(o)
    tail.poll()
    # Every line shown: (tag, seq, emit s, shown s), in the pane's order.
    shown = []
    with open(path) as f:
        next(f)
        for line in f:
            if not line.strip():
                continue
            ev = json.loads(line)
            if ev[1] != "o":
                continue
            at = tail.start + ev[0]
            for text in ev[2].split("\n"):
                m = MERGED_LINE.match(SGR_RE.sub("", text).rstrip("\r"))
                if m:
                    shown.append((m.group(1), int(m.group(2)), int(m.group(3)) / 1e9, at))
    seen, dup, ooo, inversions, newest, lags = {}, 0, 0, 0, 0.0, []
    last = {}
    for tag, seq, emit, at in shown:
        if (tag, seq) in seen:
            dup += 1
            continue
        seen[(tag, seq)] = emit
        if seq < last.get(tag, 0):
            ooo += 1
        last[tag] = max(seq, last.get(tag, 0))
        if emit < newest - 0.1 and t0 <= emit <= t1:
            inversions += 1
        newest = max(newest, emit)
        if t0 <= emit <= t1:
            lags.append((emit, at - emit))
    # Expected: per container, the seqs from its first to its last line
    # emitted in the window (the ends themselves are known only if seen).
    expected = got = 0
    for tag in {t for t, _ in seen}:
        inwin = sorted(s for (t, s), e in seen.items() if t == tag and t0 <= e <= t1)
        if inwin:
            expected += inwin[-1] - inwin[0] + 1
            got += len(inwin)
    lag = [l for _, l in lags]
    if not lag:
        row("merged-logs", "%d containers × %d lines/s" % (n, rate), "no line seen", "-",
            "p99 < 1 s", load())
        return
    lags.sort()
    tenth = max(1, len(lags) // 10)
    first = statistics.median(l for _, l in lags[:tenth])
    lastt = statistics.median(l for _, l in lags[-tenth:])
    note = "%d s window; load %.1f→%.1f on %d cores" % (seconds, load0, load1, os.cpu_count())
    label = "%d containers × %d lines/s" % (n - quiet, rate)
    if quiet:
        label += " + %d quiet" % quiet
    row("merged-logs", label + ": lag p50", "%.2f s" % pct(lag, 50), "-", "", note)
    row("merged-logs", label + ": lag p99", "%.2f s" % pct(lag, 99), "-", "< 1 s", note)
    row("merged-logs", label + ": lag max", "%.2f s" % max(lag), "-", "", note)
    # The least-squares slope of lag over emit time: lag that grows keeps
    # growing; noise of a loaded machine does not.
    mt, ml = statistics.fmean(e for e, _ in lags), statistics.fmean(lag)
    var = sum((e - mt) ** 2 for e, _ in lags)
    slope = sum((e - mt) * (l - ml) for e, l in lags) / var if var else 0.0
    row("merged-logs", label + ": growing lag (median, first → last tenth)",
        "%.2f → %.2f s" % (first, lastt), "-", "no growth",
        "slope %+.1f ms/min; %s" % (slope * 60000, note))
    row("merged-logs", label + ": lines seen", "%.1f %%" % (100.0 * got / expected if expected else 0),
        "-", "100 %", "%d of %d; %d duplicates, %d out of order in a container, "
        "%d behind the merged order by > 0.1 s (by emit time)" % (got, expected, dup, ooo, inversions))
    row("merged-logs", label + ": fleetmux CPU", "%.0f %%" % (fm_cpu * 100), "-", "reported",
        "of one core; fleetsim (the containers' side) %.0f %%; %s" % (sim_cpu * 100, note))


# --- the table --------------------------------------------------------------------

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    return ("%s, %d cores, %.0f GB, %s %s; %s; fleetmux %s" %
            (cpu, os.cpu_count(), mem, platform.system(), platform.release(), tmux, commit))


def markdown():
    out = ["| benchmark | measure | fleetmux | tmux | target | notes |",
           "|---|---|---|---|---|---|"]
    for r in ROWS:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


# --- sessions: attach, and a server nobody is attached to --------------------------

def bench_sessions(env, idle_seconds=30.0, repeat=5):
    """Attach to a session of 64 panes whose history is full: how long from
    `fleetmux attach` to its first whole frame (the status line, drawn
    last). Then a session of 200 quiet panes with no client: its server's
    CPU."""
    cols, rows = 240, 72
    env.clean_done()
    with Fleetsim("--quiet", fleet=env.fleet) as sim:
        o = start_64(env, sim, cols, rows)
        o.send(PREFIX + b"S")
        o.quiet(100)
        # 10,000 lines of history in each pane.
        o.send(memory_command(env, 10000))
        wait_done(env, o, 64, 600)
        o.send(PREFIX + b"S")
        o.quiet(200)
        server = o.server
        o.send(PREFIX + b"d")
        o.proc.wait(timeout=10)
        o.close()
        frames = []
        for _ in range(repeat):
            t0 = time.monotonic()
            a = Outer([FLEETMUX, "attach"], cols, rows, env=fleetmux_env(env, sim))
            frames.append(a.wait_for("groups", timeout=20) - t0)
            a.quiet(200)
            a.send(PREFIX + b"d")
            a.proc.wait(timeout=10)
            a.close()
        rss = rss_kb(server)
        subprocess.run([FLEETMUX, "kill-server"], env=dict(os.environ, **fleetmux_env(env, sim)),
                       capture_output=True, timeout=30)
        # Its panes' shells end before it does.
        deadline = time.monotonic() + 30
        while os.path.exists("/proc/%d" % server) and time.monotonic() < deadline:
            time.sleep(0.1)
    row("sessions", "attach to 64 panes × 10,000 lines: first frame", fmt_ms(statistics.median(frames)),
        "-", "≤ 50 ms", "median of %d, max %s; the server's RSS %.0f MB" % (
            repeat, fmt_ms(max(frames)), rss / 1024))
    # 200 panes into 200 containers, nobody attached, nothing printing.
    fleet = env.write("idle.json", json.dumps({"regions": [
        {"id": "idle", "zones": ["idle-a"],
         "generate": {"count": 200, "name_prefix": "svc", "status": "Running"}}]}))
    opens = ["idle/svc-%05d/main" % i for i in range(1, 201)]
    with Fleetsim("--quiet", fleet=fleet) as sim:
        conf = env.write("idle.conf", "\n".join([
            "[fleetmux]", "",
            '[provider "sim"]', "type = eci", "endpoint = %s" % sim.endpoint,
            "command = exec %s" % SHELL, ""]))
        argv = [FLEETMUX, "new", "-d", "-s", "idle", "--config", conf]
        for op in opens:
            argv += ["--open", op]
        e = dict(os.environ, **fleetmux_env(env, sim))
        subprocess.run(argv, env=e, check=True, timeout=60)
        server = session_server(env.run)
        time.sleep(30)  # every pane opened and its shell quiet
        c0, t0 = cpu_seconds(server), time.monotonic()
        time.sleep(idle_seconds)
        idle = (cpu_seconds(server) - c0) / (time.monotonic() - t0)
        panes = subprocess.run([FLEETMUX, "ls"], env=e, capture_output=True, text=True).stdout
        subprocess.run([FLEETMUX, "kill-server"], env=e, capture_output=True, timeout=60)
    row("sessions", "200 quiet panes, no client: server CPU", "%.2f %%" % (idle * 100), "-", "< 1 %",
        "of one core over %.0f s (%s)" % (idle_seconds, panes.strip()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append",
                    help="throughput, latency, slowterm, fanout, memory, sidebar, sidebar-metrics, hostile, "
                         "merged-logs, sessions")
    ap.add_argument("--lines", type=int, default=2000000, help="seq lines for throughput")
    ap.add_argument("--keys", type=int, default=500)
    ap.add_argument("--fanout-mb", type=int, default=20)
    ap.add_argument("--memory-lines", type=int, default=10000)
    ap.add_argument("--merged-seconds", type=float, default=30.0,
                    help="merged-logs: seconds measured (after 5 of warm-up)")
    ap.add_argument("--merged-quiet", type=int, default=0,
                    help="merged-logs: how many of the 64 containers print nothing")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--markdown", help="also write the table here")
    a = ap.parse_args()
    if not os.access(FLEETMUX, os.X_OK):
        sys.exit("bench: %s is missing; run make first" % FLEETMUX)
    if shutil.which("tmux") is None:
        sys.exit("bench: tmux is missing (scripts/deps.sh test installs it)")
    want = a.only or ["throughput", "latency", "slowterm", "fanout", "memory", "sidebar",
                      "sidebar-metrics", "hostile", "merged-logs", "sessions"]
    env = Env()
    print("machine: %s" % machine(), flush=True)
    try:
        if "throughput" in want:
            bench_throughput(env, a.lines, a.repeat)
        if "latency" in want:
            bench_latency(env, a.keys)
        if "slowterm" in want:
            bench_slowterm(env)
        if "fanout" in want:
            bench_fanout(env, a.fanout_mb, timeout=900)
        if "memory" in want:
            bench_memory(env, a.memory_lines, timeout=600)
        if "sidebar" in want:
            bench_sidebar(env, a.repeat)
        if "sidebar-metrics" in want:
            bench_sidebar_metrics(env)
        if "hostile" in want:
            bench_hostile(env)
        if "merged-logs" in want:
            bench_merged(env, seconds=a.merged_seconds, quiet=a.merged_quiet)
        if "sessions" in want:
            bench_sessions(env)
    finally:
        env.remove()
    print()
    print(markdown())
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("Measured %s on %s\n\n%s\n" % (datetime.date.today().isoformat(), machine(),
                                                   markdown()))


if __name__ == "__main__":
    main()
