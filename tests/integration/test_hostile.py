"""Hostile input: bytes no container should send, answers no API should give,
and outer sizes no window should have. fleetmux says what went wrong, keeps
everything else, and never crashes."""
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Hostile  # noqa: E402
from eci import rss_kb  # noqa: E402
from tui import FLEETMUX, Tmux, panes  # noqa: E402


class HostileInput(unittest.TestCase):
    def setUp(self):
        self.api = Hostile()
        cmd = ("sh -c 'env ALIBABA_CLOUD_ACCESS_KEY_ID=k ALIBABA_CLOUD_ACCESS_KEY_SECRET=s "
               "%s --endpoint %s --open ok/evil/evil --open ok/big/big; echo fleetmux-exit=$?; sleep 2'" %
               (FLEETMUX, self.api.endpoint))
        self.tm = Tmux(cmd, width=160, height=45)

    def tearDown(self):
        try:
            self.assertIn("fleetmux-exit=0", self.tm.quit_fleetmux())
        finally:
            self.tm.kill()
            self.api.stop()

    def test_bytes_answers_and_sizes(self):
        tm = self.tm
        # The pane took every hostile byte and still draws what came after.
        tm.wait_for("survived-the-bytes", timeout=30)
        pid = tm.server_pid()  # what holds the panes and their memory
        tm.keys("C-b", "1")
        # Typing still reaches the container, and only this pane.
        tm.type("still-typing")
        tm.wait_for("still-typing")
        self.assertIn(b"still-typing", b"".join(self.api.typed))
        # The title is shown without its control characters, and the
        # container's title never became the outer terminal's.
        tm.wait_for("title")
        self.assertNotIn("\x01", tm.screen())
        outer_title = tm.tmux("display-message", "-p", "-t", "main", "#{pane_title}").strip()
        self.assertNotIn("TTTT", outer_title)
        self.assertNotIn("title", outer_title)

        # Bad answers: each region says it failed; the good one lists.
        s = tm.wait_for(r"trunc \(0\) ✗ error", timeout=20)
        self.assertRegex(s, r"types \(\d+\)")
        self.assertRegex(tm.wait_for(r"huge \(0\) ✗ error", timeout=30), r"huge \(0\) ✗ error")
        self.assertIn("ok (3)", tm.screen())

        # A 17 MB WebSocket message: that session is refused with a reason.
        tm.wait_for(r"over 16 MiB", timeout=60)
        self.assertLess(rss_kb(pid), 400 * 1024, "memory must stay bounded")

        # Outer sizes from 1×1 to 1000×1000 and back.
        for w, h in ((1, 1), (2, 1), (1000, 1000), (3, 3), (160, 45)):
            tm.resize(w, h)
            time.sleep(0.3)
        tm.wait_for("survived-the-bytes|still-typing", timeout=15)
        # Those words may be on the screen before the last size is drawn:
        # wait for the frame at 160x45 (slow under the sanitizers).
        deadline = time.time() + 15
        while len(panes(tm.screen())) != 2 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(len(panes(tm.screen())), 2, tm.screen())
        self.assertIsNone(subprocess.run(["kill", "-0", str(pid)]).returncode or None)


class UnconfirmedFraming(unittest.TestCase):
    """ECI documents no framing for its exec WebSocket: what is not a
    channel-1/2 frame is never shown as output, never crashes, and is said
    in the debug log."""

    def test_text_and_unknown_channels(self):
        api = Hostile()
        log = os.path.join(os.environ.get("TMPDIR", "/tmp"), "fm-frames-%d.log" % os.getpid())
        cmd = ("sh -c 'env ALIBABA_CLOUD_ACCESS_KEY_ID=k ALIBABA_CLOUD_ACCESS_KEY_SECRET=s "
               "%s --endpoint %s --debug %s --open ok/frames/frames; echo fleetmux-exit=$?; "
               "sleep 2'" % (FLEETMUX, api.endpoint, log))
        tm = Tmux(cmd, width=120, height=30)
        try:
            s = tm.wait_for("frames-ok", timeout=20)
            for junk in ("TEXT-FRAME", "CHANNEL-SEVEN", "CHANNEL-255"):
                self.assertNotIn(junk, s)
            # What the status channel said that is not a status is shown as
            # the server's words, marked.
            self.assertIn("[exec: {not json]", s)
            self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
            with open(log) as f:
                text = f.read()
            self.assertIn("a text message of 21 bytes without channel framing, ignored", text)
        finally:
            tm.kill()
            api.stop()
            if os.path.exists(log):
                os.unlink(log)


if __name__ == "__main__":
    unittest.main()
