"""fleetmux end to end: in tmux, against fleetsim, as a user types."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import ROOT, Fleetsim, alive, free_port, wait_until  # noqa: E402
from tui import FLEETMUX, NO_DOCKER, Tmux, pane_text, panes, styled_cells  # noqa: E402




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
        self.prefix = "C-b"

    def tearDown(self):
        try:
            if self.tm is not None:
                # fleetmux must end cleanly, under the sanitizers too.
                s = self.tm.quit_fleetmux(prefix=self.prefix)
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

    def test_deleted_group_ends_its_pane(self):
        """ECI: DeleteContainerGroup while a pane is open on the group. The
        shell ends (137, as the runtime kills it); the next listing has no
        such group, and the pane says it was deleted."""
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"api-server/api \[live\]")
        tm.type("echo still-$((40+2))")
        tm.keys("Enter")
        tm.wait_for("still-42")
        self.sim.client().call("DeleteContainerGroup", {
            "RegionId": "cn-hangzhou", "ContainerGroupId": "eci-bp1api000000000001"})
        tm.wait_for(r"\[exited 137\]")
        # ECI has no watch: a relisting (r in the sidebar) finds it gone
        tm.keys("C-b", "Tab", "r")
        s = tm.wait_for(r"\[fleetmux: container group eci-bp1api000000000001 was deleted: "
                        r"region cn-hangzhou no longer lists it\]")
        sidebar = "\n".join(line.split("│")[0] for line in s.splitlines())
        self.assertNotIn("api-server", sidebar)
        tm.wait_for(r"api-server/api \[container group deleted\]")

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

    def test_resize_rewraps_long_lines(self):
        """A line wider than the pane is cut again at the new width when the
        pane narrows, and joined again when it widens (libvterm 0.1.4 only
        cuts rows, losing their ends). Side by side with tmux, which rewraps:
        a tmux pane of the same size, fed the same line, resized the same
        way, must show the same rows (the cursor keeps its row in both, so
        rows go to history and come back alike)."""
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        g = panes(tm.screen())[1]
        peer = Tmux("sh", width=g[2], height=g[3])
        self.addCleanup(peer.kill)
        words = " ".join("%03d-" % i for i in range(45))  # 180 characters
        for t in (tm, peer):
            t.type("clear; printf '%s' " + words + "; echo; echo DONE")
            t.keys("Enter")
        tm.wait_for(r"│DONE *\n")
        peer.wait_for(r"\nDONE *\n")

        def rows_upto_done(text):
            rows = [r.rstrip() for r in text.split("\n")]
            return rows[:rows.index("DONE") + 1] if "DONE" in rows else rows

        for width in (100, 160, 131, 70):
            tm.resize(width, 45)
            deadline = time.time() + 10
            while True:
                s = tm.screen()
                g = panes(s)[1]
                peer.resize(g[2], g[3])
                ours = rows_upto_done(pane_text(s, g))
                theirs = rows_upto_done(peer.screen())
                if ours == theirs and ours[-1] == "DONE" and len(ours) > 2:
                    break
                if time.time() > deadline:
                    self.fail("at %d columns:\nfleetmux:\n%s\ntmux:\n%s" %
                              (g[2], "\n".join(ours), "\n".join(theirs)))
                time.sleep(0.2)

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
        s = tm.wait_for(r"62 groups: 58 running 2 pending 2 failed", timeout=30)
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
        tm.type("sleep 3303 & echo before-$((1+1))")
        tm.keys("Enter")
        tm.wait_for("before-2")
        self.assertTrue(wait_until(lambda: alive("^sleep 3303$")))
        s = tm.wait_for(r"connection lost", timeout=15)
        s = tm.wait_for(r"reconnected: a new session", timeout=15)
        # Scrollback of the screen is kept: what was there before the drop.
        self.assertIn("before-2", s)
        # One shell at a time: the dropped one and what it started are gone.
        self.assertTrue(wait_until(lambda: not alive("^sleep 3303$")), alive("^sleep 3303$"))
        tm.wait_for(r"\[live\]")
        tm.type("echo after-$((2+2))")
        tm.keys("Enter")
        tm.wait_for("after-4", timeout=10)

    def test_reconnect_leaves_the_dropped_programs_screen(self):
        """A program's alternate screen and modes end with its session: after
        a drop, the pane is back on its main screen, with its history, and
        the notice and the new shell are not written over the old program."""
        self.sim.stop()
        self.sim = Fleetsim("--drop-after", "4", "--seed", "5")
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("echo main-$((3+3)); printf '\\033[?1049h\\033[?1000h\\033[HALT-%s' SCREEN; sleep 30")
        tm.keys("Enter")
        tm.wait_for("ALT-SCREEN")
        s = tm.wait_for(r"reconnected: a new session", timeout=20)
        self.assertNotIn("ALT-SCREEN", s)
        self.assertIn("main-6", s)

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
        tm.keys("C-b", "[", "?")
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

    def test_copy_mode_copies_by_columns_wrapped_lines_and_rectangles(self):
        """é is one column and copied whole, into the paste buffer and the
        outer clipboard (OSC 52: this tmux keeps it as a buffer); a line
        autowrap cut comes back whole; a rectangle takes the same columns of
        each line, wide glyphs whole."""
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.tmux("set", "-g", "set-clipboard", "on")
        tm.wait_for(r"\[live\]")
        tm.type(r"printf 'h\303\251llo w\n'")
        tm.keys("Enter")
        tm.wait_for("héllo w\n")
        # Columns 0-1 are "hé", not "h" and half of é.
        tm.keys("C-b", "[", "k", "0", "v", "l", "y")
        tm.wait_for("copied 3 bytes")
        self.assertEqual(tm.tmux("show-buffer"), "hé")
        tm.keys("C-b", "[", "k", "0", "v", "e", "y")
        tm.wait_for("copied 6 bytes")
        self.assertEqual(tm.tmux("show-buffer"), "héllo")
        tm.type("echo pasted-")
        tm.keys("C-b", "]", "Enter")
        tm.wait_for("pasted-héllo\n")
        # 200 columns in a pane of 123: two rows, one line, no newline.
        tm.type("clear; printf '%0200d\\n' 0")
        tm.keys("Enter")
        tm.wait_for("0" * 50)
        tm.keys("C-b", "[", "k", "V", "k", "y")
        tm.wait_for("copied 200 bytes")
        self.assertEqual(tm.tmux("show-buffer"), "0" * 200)
        tm.type(r"clear; printf 'r1-abcdef\nr2-\344\270\255\346\226\207xy\nr3-12\n'")
        tm.keys("Enter")
        tm.wait_for("r3-12\n")
        tm.keys("C-b", "[", "k", "k", "k", "0", *(["l"] * 4), "C-v", "j", "j", "l", "y")
        tm.wait_for("copied 11 bytes")
        self.assertEqual(tm.tmux("show-buffer"), "bc\n中文\n2")

    def test_copy_mode_highlights_search_matches(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.type("clear; printf 'aa hi%s bb hi%s\\n' t t")
        tm.keys("Enter")
        tm.wait_for("aa hit bb hit\n")
        tm.keys("C-b", "[", "?")
        tm.type("hit")
        tm.keys("Enter")
        tm.wait_for(r"\[copy ")

        def styles():
            """The SGR codes before each "hit" of the output line."""
            s = tm.screen(colors=True)
            line = [l for l in s.split("\n") if re.search(r"aa \S*hit", l)][0]
            return [set(";".join(re.findall(r"\x1b\[([0-9;]*)m", m)).split(";"))
                    for m in re.findall(r"((?:\x1b\[[0-9;]*m)*)hit", line)]

        # Both in view are highlighted, the current one (searching up from
        # the bottom: the last) magenta, the other cyan.
        st = styles()
        self.assertEqual(len(st), 2, st)
        self.assertIn("46", st[0])
        self.assertIn("45", st[1])
        tm.keys("n")
        time.sleep(0.3)
        st = styles()
        self.assertIn("45", st[0])
        self.assertIn("46", st[1])
        tm.keys("q")
        tm.wait_gone(r"\[copy ")
        st = styles()
        self.assertFalse(st[0] & {"45", "46"}, st)

    def test_more_than_nine_panes_chooser_and_numbers(self):
        tm = self.start(*(["--open", "cn-hangzhou/api-server/api"] * 12))
        s = tm.wait_for(r"(?s)(root@api-server.*){12}", timeout=40)
        self.assertEqual(sorted(panes(s)), list(range(1, 13)))
        marks = iter(range(100, 200))

        def typing_lands_in(n):
            """Typing reaches pane n, and no other."""
            m = next(marks)
            tm.type("echo mark-$((%d+1))" % (m - 1))
            tm.keys("Enter")
            s = tm.wait_for("mark-%d" % m)
            where = [k for k, g in panes(s).items() if "mark-%d" % m in pane_text(s, g)]
            self.assertEqual(where, [n], s)

        # The list, with the arrows: from pane 1 down to 12.
        tm.keys("C-b", "1", "C-b", "w")
        s = tm.wait_for("choose a pane")
        for n in range(1, 13):
            self.assertRegex(s, r"│ +%d  cn-hangzhou/api-server/api  \[live\]" % n)
        tm.keys(*(["Down"] * 11), "Enter")
        tm.wait_gone("choose a pane")
        typing_lands_in(12)
        # The list, by number: 1 could be 10, 11 or 12; 2 makes it 12.
        tm.keys("C-b", "1", "C-b", "w")
        tm.wait_for("choose a pane")
        tm.type("1")
        tm.wait_for("pane 1…")
        tm.type("2")
        tm.wait_gone("choose a pane")
        typing_lands_in(12)
        # C-b q: each pane's number, large; typed, it focuses that pane.
        tm.keys("C-b", "q")
        s = tm.wait_for("██")
        font = {"1": [" # ", "## ", " # ", " # ", "###"],
                "2": ["###", "  #", "###", "#  ", "###"]}
        rows = ["  ".join("".join("██" if c == "#" else "  " for c in font[d][y]) for d in "12")
                for y in range(5)]
        text = pane_text(s, panes(s)[12]).split("\n")
        found = [(i, l.find(rows[0])) for i, l in enumerate(text) if rows[0] in l]
        self.assertTrue(found, s)
        i, x = found[0]
        for y in range(5):
            self.assertEqual(text[i + y][x:x + len(rows[y])].rstrip(), rows[y].rstrip(), s)
        tm.type("11")
        tm.wait_gone("██")
        typing_lands_in(11)
        # The shells end themselves (broadcast), so that quitting has no
        # twelve processes to end in containers at once.
        tm.keys("C-b", "S")
        tm.type("exit")
        tm.keys("Enter", "C-b", "w")
        tm.wait_for(r"(?s)(\[exited 0\].*){12}")
        tm.keys("Escape")

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
        # The results pane's title counts; it is no session's exit code.
        self.assertRegex(s, r"─ 1 [^\n]*\[1 of 2 failed\]")
        self.assertNotIn("[exited", s)
        self.assertIn("postgres-primary/postgres | postgres-primary", s)
        self.assertIn("postgres-replica/postgres = exit 3", s)
        self.assertIn("postgres-primary/postgres = exit 0", s)
        self.assertIn("postgres-primary/postgres ! oops", s)
        # The chooser says what the title says.
        tm.keys("C-b", "w")
        s = tm.wait_for(r"│ +1 [^\n│]*\]│")
        self.assertRegex(s, r"│ +1 [^\n│]*  \[1 of 2 failed\]│")
        tm.keys("Escape")

    def test_exec_refused_shows_failed(self):
        tm = self.start("--open", "cn-hangzhou/deploy-canary/nginx")
        s = tm.wait_for(r"\[failed: IncorrectStatus")
        self.assertIn("Pending", s)

    def test_closed_pane_and_quit_leave_no_shell(self):
        # fleetsim, like a real ECI, keeps an exec's process when its socket
        # closes: fleetmux must end what it started.
        tm = self.start("--open", "cn-hangzhou/api-server/api", "--open",
                        "cn-hangzhou/web-frontend-1/nginx")
        tm.wait_for(r"api-server/api \[live\]")
        tm.wait_for(r"web-frontend-1/nginx \[live\]")
        self.run_in(1, "sleep 3301 & echo started-$((3300+1))")
        self.run_in(2, "sleep 3302 & echo started-$((3300+2))")
        self.assertTrue(wait_until(lambda: alive("^sleep 3301$") and alive("^sleep 3302$")))
        tm.keys("C-b", "1", "C-b", "x")
        tm.answer_yes(r"close pane 1 \(api-server/api\)\? its live session will end \(y/n\)")
        self.assertTrue(wait_until(lambda: not alive("^sleep 3301$")), alive("^sleep 3301$"))
        self.assertTrue(alive("^sleep 3302$"))
        tm.keys("C-b", "Q")
        tm.answer_yes(r"quit\? 1 live session will end \(y/n\)")
        self.assertIn("fleetmux-exit=0", tm.wait_for(r"fleetmux-exit=\d+", timeout=15))
        # fleetmux waited for the shell to end before it exited.
        self.assertEqual(alive("^sleep 3302$"), [])

    def test_quit_leaves_terminal_and_closes_sessions(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", "Q")
        tm.answer_yes()
        s = tm.wait_for(r"fleetmux-exit=\d+", timeout=10)
        self.assertIn("fleetmux-exit=0", s)
        # The outer terminal is back to normal: nothing of fleetmux's screen.
        self.assertNotIn("[live]", s)


def write_config(text):
    import tempfile
    cfg = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    cfg.write(text)
    cfg.close()
    return cfg.name


def sidebar_rows(tm, width=36):
    """The sidebar's rows as (text, cells) from a coloured capture."""
    rows = []
    for line in tm.screen(colors=True).split("\n"):
        cells = styled_cells(line)[:width]
        rows.append(("".join(c[0] for c in cells), cells))
    return rows


def cursor_row(tm, width=36):
    """The text of the sidebar's row in reverse video (the default theme's
    cursor, the sidebar focused), or None."""
    for text, cells in sidebar_rows(tm, width):
        if cells and all("reverse" in c[3] for c in cells):
            return text.rstrip()
    return None


class Edges(unittest.TestCase):
    """Issue 12: rough edges a new user met."""

    def setUp(self):
        self.sim = Fleetsim()
        self.tm = None
        self.prefix = "C-b"
        self.files = []

    tearDown = Tui.tearDown

    def start(self, *args, width=160, height=45):
        self.tm = Tmux(fleetmux_cmd(self.sim, *args), width=width, height=height)
        return self.tm

    def status(self):
        return self.tm.lines()[-2] if self.tm.lines()[-1] == "" else self.tm.lines()[-1]

    def test_expired_message_goes_and_keys_go_where_they_should(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api")
        tm.wait_for(r"\[live\]")
        # C-b ! then Escape: nothing of the prompt stays on the status line.
        tm.keys("C-b", "Tab", "/")
        tm.type("postgres")
        tm.keys("Enter", "Space", "Space")
        tm.wait_for(r"(?s)\*● postgres-primary.*\*● postgres-replica")
        tm.keys("C-b", "!")
        tm.wait_for("run on 2 marked containers: ")
        tm.type("ec")
        tm.wait_for("run on 2 marked containers: ec_")
        tm.keys("Escape")
        s = tm.wait_gone("run on 2 marked")
        self.assertNotIn("ec_", s)
        # A message is there for a few seconds, then gone by itself.
        tm.keys("C-b", "Tab", "C-b", "Space")
        t0 = time.time()
        # (The cursor's region's CPU and memory totals may come before it.)
        tm.wait_for(r"layout [a-z-]+ +\S* ?(\S+ Σ [^│]+│ )?1:api-server/api │")
        time.sleep(2.5)
        self.assertRegex(self.status(), r"layout [a-z-]+")
        tm.wait_gone(r"layout [a-z-]+", timeout=8)
        self.assertGreater(time.time() - t0, 3)
        self.assertRegex(self.status(), r"failed │ +(│ \S+ Σ [^│]+)?│ 1:api-server/api │ \d\d:\d\d\s*$")
        # What is typed then goes to the pane, not to any prompt.
        tm.type("echo typed-$((2+3))")
        tm.keys("Enter")
        s = tm.wait_for(r"│typed-5")
        self.assertIn("typed-5", pane_text(s, panes(s)[1]))
        self.assertNotIn("typed", self.status())

    def test_status_line_keeps_its_right_part(self):
        """Broadcast on and a narrow terminal: the counts are cut, the
        focused pane and the clock stay."""
        tm = self.start("--open", "cn-hangzhou/api-server/api", width=100)
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", "S")
        tm.wait_for("BROADCAST→1")
        line = self.status()
        self.assertRegex(line, r"^BROADCAST→1 .* 1:api-server/api │ \d\d:\d\d\s*$")
        self.assertLessEqual(len(line), 100, line)
        tm.keys("C-b", "S")
        tm.wait_gone("BROADCAST")

    def test_title_keeps_its_badges_in_a_40_column_pane(self):
        import shutil
        import tempfile
        d = tempfile.mkdtemp(prefix="fm-rec-")
        self.addCleanup(shutil.rmtree, d)
        tm = self.start("--record", d, "--open", "cn-hangzhou/web-frontend-1/log-shipper",
                        width=40, height=20)
        tm.wait_for(r"│─")
        tm.keys("C-b", "s")  # the pane alone: 40 columns
        tm.wait_for(r"\[live\]")
        tm.keys("C-b", "S")
        tm.type("exit 2")
        tm.keys("Enter")
        s = tm.wait_for(r"\[exited 2\]")
        title = [l for l in s.split("\n") if l.startswith("─ 1 ")][0]
        self.assertRegex(title, r"^─ 1 …\S+ \[exited 2\] ⇶B  ●REC─*$")
        self.assertLessEqual(len(title), 40)
        tm.keys("C-b", "[")
        s = tm.wait_for(r"\[copy \d+/\d+\]")
        title = [l for l in s.split("\n") if l.startswith("─ 1 ")][0]
        self.assertRegex(title, r"^─ 1 (…\S* )?\[exited 2\] ⇶B  ●REC \[copy \d+/\d+\]─*$")
        tm.keys("q", "C-b", "S")

    def test_custom_prefix_is_shown_and_sidebar_width(self):
        cfg = write_config("[fleetmux]\nprefix = C-a\nsidebar-width = 44\n")
        self.addCleanup(os.unlink, cfg)
        self.prefix = "C-a"
        tm = self.start("--config", cfg)
        s = tm.wait_for("C-a Q quits")
        self.assertNotIn("C-b", s)
        # The sidebar is as wide as the config says.
        self.assertEqual(s.split("\n")[0].index("│"), 44)
        tm.keys("C-a")
        self.assertIn("[C-a]", tm.wait_for(r"\[C-a\]"))
        tm.keys("!")
        tm.wait_for(r"C-a !: mark containers in the sidebar first")
        self.assertNotIn("C-b", tm.screen())
        # C-a < and >: narrower, wider.
        tm.keys("C-a", "<", "C-a", "<")
        tm.wait_for(r"(?m)^.{36}│")
        tm.keys("C-a", ">")
        tm.wait_for(r"(?m)^.{40}│")

    def test_refresh_keeps_the_cursor_and_open_groups(self):
        tm = self.start()
        tm.wait_for(r"\d+ groups  / filter")
        # web-frontend-1 unfolded; the cursor on postgres-replica.
        tm.keys("Enter")
        tm.wait_for("log-shipper")
        tm.keys(*["j"] * 9)
        tm.wait_for("postgres-replica")
        before = cursor_row(tm)
        self.assertIn("postgres-replica", before or "")
        tm.keys("r")
        # Said while it lasts, and said done when it is (not left there).
        s = tm.wait_for(r"refreshed: \d+ groups")
        self.assertNotIn("refreshing", s)
        tm.wait_for(r"\d+ groups  / filter")
        time.sleep(0.3)
        self.assertEqual(cursor_row(tm), before)
        s = tm.screen()
        self.assertIn("nginx", s)
        self.assertIn("log-shipper", s)
        tm.wait_gone(r"\(listing…\)")

    def test_marks_by_group_region_and_filter(self):
        tm = self.start()
        tm.wait_for(r"\d+ groups  / filter")
        # The cursor starts on web-frontend-1 (2 containers): Space marks both.
        self.assertIn("web-frontend-1", cursor_row(tm))
        tm.keys("Space")
        tm.wait_for("2 marked")
        tm.keys("Space")  # the cursor moved on: web-frontend-2 too
        tm.wait_for("4 marked")
        # The region's row: every container in it (7), and again: none.
        tm.keys("k", "k", "k")
        self.assertIn("cn-hangzhou", cursor_row(tm))
        tm.keys("Space")
        tm.wait_for("7 marked")
        # The provider's row (Space moved the cursor down): all, then none.
        tm.keys("k", "k", "Space")
        tm.wait_for(r"\d\d+ marked")
        tm.keys("k", "Space")
        tm.wait_for(r"\d+ groups  / filter")
        # Under a filter: regions count what passes; a marks all it shows.
        tm.keys("/")
        tm.type("postgres")
        tm.keys("Enter")
        s = tm.wait_for(r"cn-shanghai \(2/4\)")
        self.assertIn("cn-hangzhou (0/5)", s) if "cn-hangzhou" in s else None
        tm.keys("a")
        tm.wait_for("2 containers marked")
        tm.keys("/", "C-u", "Enter")
        tm.wait_for("2 marked")
        # A filter that finds nothing says so.
        tm.keys("/")
        tm.type("no-such-group")
        tm.keys("Enter")
        tm.wait_for(r'no group matches "no-such-group"')
        tm.wait_for(r"/no-such-group  no match")

    def test_details_line_shows_the_whole_id(self):
        tm = self.start()
        tm.wait_for(r"\d+ groups  / filter")
        s = tm.wait_for("id eci-bp1web000000000001")
        row = s.split("\n")[2]
        self.assertIn("web-frontend-1", row)
        self.assertNotIn("eci-bp1web000000000001", row)  # the row has the id's start only

    def test_quit_and_close_ask_first(self):
        tm = self.start("--open", "cn-hangzhou/api-server/api", "--open",
                        "cn-hangzhou/web-frontend-1/nginx")
        tm.wait_for(r"(?s)\[live\].*\[live\]")
        tm.keys("C-b", "Q")
        tm.wait_for(r"quit\? 2 live sessions will end \(y/n\)")
        tm.keys("n")
        tm.wait_gone(r"quit\?")
        tm.keys("C-b", "x")
        tm.wait_for(r"close pane 2 \(web-frontend-1/nginx\)\? its live session will end \(y/n\)")
        tm.keys("Escape")
        tm.wait_gone(r"close pane")
        # Nothing was closed, and typing reaches the pane.
        self.assertEqual(sorted(panes(tm.screen())), [1, 2])
        tm.type("echo still-$((3*3))")
        tm.keys("Enter")
        tm.wait_for("still-9")
        tm.keys("C-b", "x")
        tm.answer_yes(r"close pane 2")
        tm.wait_gone(r"─ 2 ")
        tm.keys("C-b", "Q")
        tm.answer_yes(r"quit\? 1 live session will end \(y/n\)")
        self.assertIn("fleetmux-exit=0", tm.wait_for(r"fleetmux-exit=\d+"))

    def test_cursor_row_is_highlighted_in_every_theme(self):
        """Every cell of the cursor's row, from the left edge to the
        separator, in the theme's cursor colours (or reverse)."""
        want = {"light": "44", "solarized-dark": "48;5;37", "high-contrast": "103",
                "default": None}
        for theme, bg in want.items():
            tm = self.start("--theme", theme)
            tm.wait_for(r"\d+ groups  / filter")
            tm.keys("j", "j")  # api-server: a status dot in green
            deadline = time.time() + 5
            while True:
                rows = [(t, c) for t, c in sidebar_rows(tm) if "api-server" in t]
                cells = rows[0][1] if rows else []
                if bg is None:
                    ok = cells and all("reverse" in c[3] for c in cells)
                else:
                    ok = cells and all(c[2] == bg for c in cells)
                if ok or time.time() > deadline:
                    break
                time.sleep(0.2)
            self.assertTrue(ok, "%s: %r" % (theme, cells))
            self.assertEqual(len(cells), 36)
            tm.quit_fleetmux()
            tm.kill()
            self.tm = None


def cli_env(home):
    """What fleetmux reads besides its arguments, pinned: no credentials, no
    engine, no config but the one a test names."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA", "ALICLOUD", "FLEETMUX", "HYPER", "XDG_"))}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local/share"), DOCKER_HOST=NO_DOCKER)
    return env


def cli(*args, home="/nonexistent", **kw):
    return subprocess.run([FLEETMUX] + list(args), capture_output=True, text=True,
                          env=cli_env(home), **kw)


def listed_options(text):
    """The --name of each entry of a --help option list."""
    return {m.group(1) for m in re.finditer(r"^  (?:-\w, )?--([a-z][a-z-]*)", text, re.M)}


def synopsis_options(text):
    """The [--name ...] of a usage line, up to the blank line after it."""
    return set(re.findall(r"\[--([a-z][a-z-]*)", text.split("\n\n")[0]))


def man_options(path):
    with open(path) as f:
        troff = f.read()
    return {m.replace("\\-", "-") for m in re.findall(r"\\fB\\-\\-((?:[a-z]|\\-)+)\\fR", troff)}


# A value for each option that takes one, as a user would give it. An
# option new to --help and missing here fails the test: give it one.
SAMPLES = {"provider": "docker", "endpoint": "http://127.0.0.1:9", "region": "r1",
           "profile": "p", "access-key-id": "id", "access-key-secret": "secret",
           "security-token": "t", "open": "r/g/c", "layout": "tiled", "theme": "light",
           "record": "/tmp", "ca-file": "/etc/hostname", "sign": "v1", "config": None,
           "debug": None, "filter": "web", "parallel": "2", "timeout": "5", "since": "10m",
           "tail": "20", "grep": "err(or)?", "context": "prod", "namespace": "default",
           "selector": "app=web"}
NO_VALUE = {"insecure", "check-config", "json", "dry-run", "version", "help", "follow", "timestamps"}


class Cli(unittest.TestCase):
    def test_version_help_and_bad_flags(self):
        out = subprocess.run([FLEETMUX, "--version"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^fleetmux \d+\.\d+")
        out = subprocess.run([FLEETMUX, "--help"], capture_output=True, text=True)
        self.assertIn("--open REGION/GROUP/CONTAINER", out.stdout)
        for args in (["--layout", "spiral"], ["--provider", "gce"], ["--bogus"], ["--sign", "v2"],
                     ["--json"], ["--layout"], ["run", "--layout", "tiled", "--", "true"],
                     ["--theme", "light", "run", "--", "true"], ["stray"]):
            out = subprocess.run([FLEETMUX] + args, capture_output=True, text=True)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn("fleetmux", out.stderr)
        # An option of the other mode says where it belongs.
        self.assertIn("--json is an option of fleetmux run", cli("--json").stderr)
        self.assertIn("--layout needs an argument", cli("--layout").stderr)

    def test_run_bogus_prints_runs_usage(self):
        for args in (["run", "--bogus", "--", "true"], ["run", "--filter"], ["run"]):
            out = cli(*args)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn("usage: fleetmux run ", out.stderr, args)
            self.assertNotIn("usage: fleetmux [", out.stderr, args)
        self.assertIn("fleetmux run: unknown option '--bogus'", cli("run", "--bogus").stderr)

    def test_help_is_the_option_table_and_the_man_page(self):
        """Both --help texts list every option they take, in the usage line
        and the option list alike, and the man page lists the same; each
        listed option is taken (the help is made from the table that reads
        them: this checks that nothing listed is refused)."""
        main = cli("--help")
        run = cli("run", "--help")
        logs = cli("logs", "--help")
        self.assertEqual(main.returncode, 0)
        self.assertEqual(run.returncode, 0)
        self.assertEqual(logs.returncode, 0)
        tui_listed = listed_options(main.stdout.split("Options of fleetmux run")[0])
        run_listed = listed_options(run.stdout)
        logs_listed = listed_options(logs.stdout)
        for name in ("since", "tail", "follow", "grep", "json", "timestamps", "filter", "region"):
            self.assertIn(name, logs_listed)
        # Every flag fleetmux had to be told about (issue 12) is there.
        for name in ("config", "check-config", "theme", "record", "access-key-id",
                     "access-key-secret", "security-token", "debug", "sign", "open"):
            self.assertIn(name, tui_listed)
            self.assertIn(name, synopsis_options(main.stdout))
        self.assertIn("fleetmux run [OPTIONS] -- CMD", main.stdout)
        self.assertEqual(synopsis_options(main.stdout), tui_listed)
        self.assertIn("fleetmux logs [OPTIONS] [TARGET...]", main.stdout)
        self.assertEqual(synopsis_options(run.stdout), run_listed)
        self.assertEqual(synopsis_options(logs.stdout), logs_listed)
        self.assertEqual(listed_options(main.stdout), tui_listed | run_listed | logs_listed)
        self.assertEqual(man_options(os.path.join(ROOT, "man", "fleetmux.1")),
                         tui_listed | run_listed | logs_listed)
        with tempfile.TemporaryDirectory() as home:
            empty = os.path.join(home, "config")
            open(empty, "w").close()
            for mode, names in (([], tui_listed), (["run"], run_listed), (["logs"], logs_listed)):
                for name in sorted(names):
                    args = mode + ["--" + name]
                    if name in ("config", "debug"):
                        args.append(os.path.join(home, name))
                    elif name not in NO_VALUE:
                        self.assertIn(name, SAMPLES, "a new option: give SAMPLES a value for it")
                        args.append(SAMPLES[name])
                    out = cli(*args, "--config", empty, "--check-config", home=home)
                    self.assertEqual(out.returncode, 0, (args, out.stderr))

    def test_global_flags_before_run(self):
        with tempfile.TemporaryDirectory() as home:
            log = os.path.join(home, "debug.log")
            out = cli("--debug", log, "--provider", "docker", "--endpoint",
                      "unix:///nonexistent/docker.sock", "run", "--dry-run", home=home)
            self.assertEqual(out.returncode, 1, out.stderr)
            self.assertIn("/nonexistent/docker.sock", out.stderr)
            with open(log) as f:
                self.assertIn("http > GET", f.read())

    def test_check_config_reports_lines(self):
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
            self.assertIn("ok, 1 provider\n", out.stdout)

    def test_check_config_in_file_order_once_each(self):
        """The lines main checks ([keys], [fleetmux] values), the registry
        checks (provider keys) and the reader finds come out in the file's
        order; a second [provider "x"] is reported; every line that is not
        INI is, not only the first."""
        text = ('[keys]\n'                      # 1
                'q = fly\n'                     # 2: main
                'not ini\n'                     # 3: the reader
                '[provider "x"]\n'              # 4
                'type = docker\n'               # 5
                'tls-verify = maybe\n'          # 6: the registry
                '[fleetmux]\n'                  # 7
                'layout = spiral\n'             # 8: main
                'nor this\n'                    # 9: the reader
                '[provider "x"]\n'              # 10
                'type = eci\n')                 # 11
        with tempfile.TemporaryDirectory() as home:
            path = os.path.join(home, "config")
            with open(path, "w") as f:
                f.write(text)
            out = cli("--config", path, "--check-config", home=home)
        self.assertEqual(out.returncode, 1)
        lines = out.stderr.splitlines()
        self.assertEqual([l.split(":")[1] for l in lines], ["2", "3", "6", "8", "9", "10"], lines)
        self.assertIn('provider "x" is already defined at line 4', lines[5])

    def test_config_that_cannot_be_read(self):
        """A directory, or a file that may not be read, is an error with its
        reason (not "ok, 0 providers" and exit 1), with and without
        --check-config, given with --config or found at the default path."""
        with tempfile.TemporaryDirectory() as home:
            os.chmod(home, 0o755)
            os.makedirs(os.path.join(home, ".config", "fleetmux", "config"))
            for args in (["--config", home, "--check-config"], ["--check-config"],
                         ["run", "--dry-run"]):
                out = cli(*args, home=home)
                self.assertEqual(out.returncode, 1, args)
                self.assertIn("Is a directory", out.stderr, args)
                self.assertNotIn("ok,", out.stdout, args)
            path = os.path.join(home, "locked")
            with open(path, "w") as f:
                f.write('[provider "x"]\ntype = docker\n')
            os.chmod(path, 0)
            argv = [FLEETMUX, "--config", path, "--check-config"]
            if os.geteuid() == 0:
                # root reads any file: ask as nobody.
                argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
            out = subprocess.run(argv, capture_output=True, text=True, env=cli_env(home))
            self.assertEqual(out.returncode, 1, out.stderr)
            self.assertIn("Permission denied", out.stderr)
            self.assertNotIn("ok,", out.stdout)

    def test_no_credentials(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA", "ALICLOUD"))}
        env["HOME"] = "/nonexistent"
        env["DOCKER_HOST"] = NO_DOCKER
        tm = Tmux("sh -c '%s --endpoint http://127.0.0.1:9; sleep 3'" % FLEETMUX, env=env)
        try:
            s = tm.wait_for("no ECI credentials")
            self.assertIn("no Docker engine at %s" % NO_DOCKER, s)
        finally:
            tm.kill()


if __name__ == "__main__":
    unittest.main()
