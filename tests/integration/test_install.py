"""make install PREFIX=... after a plain make, and the programs run from
another directory: the installed ones find the installed themes and demo
fleet, the ones in build/ find the source tree's; make uninstall takes back
what install put. No path is compiled in (issue 12: a plain make baked in
/usr/local, and build/fleetsim looked for the demo fleet in the current
directory)."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import BUILD, FLEETSIM, ROOT  # noqa: E402
from tui import FLEETMUX, NO_DOCKER, Tmux  # noqa: E402


def clean_env(home, **extra):
    """Nothing that would point the programs at their data from outside."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA", "ALICLOUD", "FLEETMUX", "FLEETSIM", "HYPER", "XDG_"))}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local/share"), DOCKER_HOST=NO_DOCKER)
    env.update(extra)
    return env


def start_sim(program, cwd, env):
    """fleetsim with no --fleet: the demo fleet it finds itself."""
    p = subprocess.Popen([program, "--listen", "127.0.0.1:0", "--quiet"], cwd=cwd, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if "endpoint=" not in line:
        p.kill()
        raise AssertionError("%s did not start: %r %s" % (program, line, p.stderr.read()))
    return p, line


def stop_sim(p):
    p.terminate()
    p.wait(timeout=15)
    p.stdout.close()
    p.stderr.close()
    return p.returncode


def make(*args, env):
    return subprocess.run(["make", "-s", "BUILD=" + BUILD] + list(args), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


class Install(unittest.TestCase):
    def assert_demo_fleet(self, line):
        """fleetsim's first line names the demo fleet: its 4 regions and
        its groups (60 and more: the fleet grows with what it demonstrates;
        a fleet not found would have none)."""
        m = re.search(r"regions=4 groups=(\d+)", line)
        self.assertIsNotNone(m, line)
        self.assertGreaterEqual(int(m.group(1)), 60, line)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.home = os.path.join(self.tmp.name, "home")
        self.elsewhere = os.path.join(self.tmp.name, "elsewhere")  # not the source tree
        os.makedirs(self.home)
        os.makedirs(self.elsewhere)
        self.env = clean_env(self.home)
        self.empty_config = os.path.join(self.home, "config")
        open(self.empty_config, "w").close()
        os.chmod(self.empty_config, 0o600)

    def tearDown(self):
        self.tmp.cleanup()

    def check_programs(self, bindir, installed):
        sim, line = start_sim(os.path.join(bindir, "fleetsim"), self.elsewhere, self.env)
        try:
            self.assert_demo_fleet(line)
            endpoint = re.search(r"endpoint=(\S+)", line).group(1)
            fleetmux = os.path.join(bindir, "fleetmux")
            p = subprocess.run([fleetmux, "--theme", "light", "--config", self.empty_config,
                                "--check-config"], cwd=self.elsewhere, env=self.env,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            env = dict(self.env, ALIBABA_CLOUD_ACCESS_KEY_ID="fleetsim",
                       ALIBABA_CLOUD_ACCESS_KEY_SECRET="fleetsim-secret")
            p = subprocess.run([fleetmux, "run", "--provider", "eci", "--endpoint", endpoint,
                                "--filter", "api-server", "--", "hostname"], cwd=self.elsewhere,
                               env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.stdout.splitlines()[0], "api-server/api | api-server", p.stderr)
            if installed:
                # The TUI itself, in the light theme: the status line is
                # white on blue.
                tm = Tmux("cd %s && %s --theme light --config %s --provider eci --endpoint %s; "
                          "echo fleetmux-exit=$?; sleep 5" % (self.elsewhere, fleetmux,
                                                             self.empty_config, endpoint),
                          env=env)
                try:
                    tm.wait_for("api-server")
                    self.assertRegex(tm.screen(colors=True), r"\x1b\[[0-9;]*(44|48;5;4)m")
                    self.assertIn("fleetmux-exit=0", tm.quit_fleetmux())
                finally:
                    tm.kill()
        finally:
            self.assertEqual(stop_sim(sim), 0)

    def test_install_after_make_then_uninstall(self):
        prefix = os.path.join(self.tmp.name, "prefix")
        p = make("install", "PREFIX=" + prefix, env=self.env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for f in ("bin/fleetmux", "bin/fleetsim", "share/fleetmux/demo-fleet.json",
                  "share/fleetmux/themes/light.theme", "share/man/man1/fleetmux.1"):
            self.assertTrue(os.path.exists(os.path.join(prefix, f)), f)
        self.check_programs(os.path.join(prefix, "bin"), installed=True)
        # Nothing else to go on: a theme not installed is not found, and the
        # message says where it was looked for.
        os.unlink(os.path.join(prefix, "share/fleetmux/themes/light.theme"))
        p = subprocess.run([os.path.join(prefix, "bin/fleetmux"), "--theme", "light", "--config",
                            self.empty_config, "--check-config"], cwd=self.elsewhere,
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn(os.path.join(prefix, "share/fleetmux/themes/light.theme"), p.stderr)
        p = make("uninstall", "PREFIX=" + prefix, env=self.env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        left = [os.path.join(d, f) for d, _, files in os.walk(prefix) for f in files]
        self.assertEqual(left, [])
        self.assertFalse(os.path.exists(os.path.join(prefix, "share/fleetmux")))

    def test_destdir_staging(self):
        stage = os.path.join(self.tmp.name, "stage")
        p = make("install", "DESTDIR=" + stage, "PREFIX=/usr", env=self.env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        sim, line = start_sim(os.path.join(stage, "usr/bin/fleetsim"), self.elsewhere, self.env)
        self.assert_demo_fleet(line)
        self.assertEqual(stop_sim(sim), 0)

    def test_build_directory_from_elsewhere(self):
        self.check_programs(os.path.dirname(FLEETMUX), installed=False)
        self.assertEqual(os.path.dirname(FLEETSIM), os.path.dirname(FLEETMUX))


if __name__ == "__main__":
    unittest.main()
