"""fleetmux under valgrind for a whole session: two panes, typing, a resize,
zoom, copy mode, a pane closed, quit. No invalid read or write, no definite
leak (valgrind's exit code says so), and the session still works. In the
sanitizer build (make asan) the same session runs under ASan and LSan
instead, whose exit code says the same: the two tools do not mix."""
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import BUILD, Fleetsim  # noqa: E402
from tui import FLEETMUX, Tmux  # noqa: E402


SANITIZED = "asan" in BUILD


class Valgrind(unittest.TestCase):
    def test_session(self):
        self.assertIsNotNone(shutil.which("valgrind"), "valgrind is missing (scripts/deps.sh test)")
        tmp = tempfile.mkdtemp(prefix="fleetmux-vg-")
        # The client and the session's server (a fork) each write theirs.
        log = os.path.join(tmp, "valgrind.%p.log")
        checker = "" if SANITIZED else (
            "valgrind --log-file=%s --leak-check=full --show-leak-kinds=definite "
            "--errors-for-leak-kinds=definite --error-exitcode=99 " % log)
        sim = Fleetsim()
        tm = None
        try:
            cmd = ("sh -c 'env HOME=%s ALIBABA_CLOUD_ACCESS_KEY_ID=%s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s "
                   "%s%s --endpoint %s --open cn-hangzhou/web-frontend-1/nginx "
                   "--open cn-hangzhou/api-server/api; echo fleetmux-exit=$?; sleep 2'" %
                   (tmp, sim.key_id, sim.secret, checker, FLEETMUX, sim.endpoint))
            tm = Tmux(cmd, width=160, height=45)
            tm.wait_for(r"(?s)\[live\].*\[live\]", timeout=120)
            tm.type("echo hello-$((6*7))")
            tm.keys("Enter")
            tm.wait_for("hello-42", timeout=60)
            tm.resize(120, 40)
            tm.keys("C-b", "z")
            tm.keys("C-b", "z")
            tm.keys("C-b", "[", "k", "k", "q")
            tm.keys("C-b", "2", "C-b", "x")
            tm.answer_yes(timeout=60)
            tm.wait_gone(r"─ 2 ", timeout=60)
            s = tm.quit_fleetmux(timeout=120)
            self.assertIn("fleetmux-exit=0", s)
            if SANITIZED:
                return

            def reports():
                out = []
                for f in sorted(os.listdir(tmp)):
                    if f.startswith("valgrind."):
                        with open(os.path.join(tmp, f)) as r:
                            out.append(r.read())
                return out
            # Both have ended once both summed up.
            deadline = time.time() + 120
            while time.time() < deadline and not (
                    len(reports()) >= 2 and all("ERROR SUMMARY" in r for r in reports())):
                time.sleep(0.5)
            found = reports()
            self.assertGreaterEqual(len(found), 2, found)
            for report in found:
                self.assertRegex(report, r"ERROR SUMMARY: 0 errors", report[-3000:])
                self.assertNotRegex(report, r"Invalid (read|write)")
                m = re.search(r"definitely lost: ([\d,]+) bytes", report)
                self.assertTrue(m is None or m.group(1) == "0", report[-3000:])
        finally:
            if tm is not None:
                tm.kill()
            sim.stop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
