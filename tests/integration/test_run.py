"""fleetmux run: one command across a selection, against fleetsim."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402
from tui import FLEETMUX  # noqa: E402

SIM = None


def setUpModule():
    global SIM
    SIM = Fleetsim()


def tearDownModule():
    assert SIM.stop() == 0, SIM.stderr


def run(*args, timeout=60):
    env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID=SIM.key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=SIM.secret, HOME="/nonexistent")
    env.pop("DOCKER_HOST", None)
    return subprocess.run([FLEETMUX, "run", "--provider", "eci", "--endpoint", SIM.endpoint] +
                          list(args), capture_output=True, text=True, timeout=timeout, env=env)


class Run(unittest.TestCase):
    def test_json_every_target_output_and_exit(self):
        p = run("--region", "cn-shanghai", "--json", "--",
                "sh", "-c", "echo out-$(hostname); echo err-line >&2")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        ends = {l["target"]: l for l in lines if "exit_code" in l}
        # cn-shanghai: 4 running groups, queue-worker has 2 containers.
        self.assertEqual(sorted(ends), ["postgres-primary/postgres", "postgres-replica/postgres",
                                        "queue-worker/sidecar", "queue-worker/worker",
                                        "缓存-redis/redis"])
        for target, end in ends.items():
            self.assertEqual(end["exit_code"], 0)
            self.assertIsInstance(end["duration_ms"], (int, float))
            group = target.split("/")[0]
            self.assertIn({"target": target, "stream": "stdout", "data": "out-" + group}, lines)
            self.assertIn({"target": target, "stream": "stderr", "data": "err-line"}, lines)

    def test_prefixed_lines_and_failure_status(self):
        p = run("--filter", "postgres", "--", "sh", "-c",
                'echo line1; echo line2; [ "$(hostname)" = postgres-primary ] && exit 5; exit 0')
        self.assertEqual(p.returncode, 1)
        out = p.stdout.splitlines()
        self.assertIn("postgres-primary/postgres | line1", out)
        self.assertIn("postgres-replica/postgres | line2", out)
        self.assertTrue(any(l.startswith("postgres-primary/postgres = exit 5") for l in out), out)
        self.assertTrue(any(l.startswith("postgres-replica/postgres = exit 0") for l in out), out)
        self.assertIn("2 targets, 1 failed", p.stderr)

    def test_tag_filter_parallel_and_timeout(self):
        p = run("--filter", "env=prod", "--parallel", "1", "--timeout", "1", "--json", "--",
                "sleep", "5", timeout=30)
        self.assertEqual(p.returncode, 1)
        ends = [json.loads(l) for l in p.stdout.splitlines() if '"exit_code"' in l]
        self.assertEqual(len(ends), 5)  # web-frontend-1/2 (2 each) and api-server
        for e in ends:
            self.assertIsNone(e["exit_code"])
            self.assertIn("timed out after 1 s", e["error"])

    def test_nothing_matches(self):
        p = run("--filter", "no-such-thing-anywhere", "--", "true")
        self.assertEqual(p.returncode, 3)
        self.assertIn("no running container matches", p.stderr)

    def test_bad_usage(self):
        p = run()
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: fleetmux run", p.stderr)
        p = run("--parallel", "0", "--", "true")
        self.assertEqual(p.returncode, 2)

    def test_api_error_is_reported(self):
        env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID=SIM.key_id,
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET="wrong", HOME="/nonexistent")
        p = subprocess.run([FLEETMUX, "run", "--provider", "eci", "--endpoint", SIM.endpoint, "--",
                            "true"], capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("SignatureDoesNotMatch", p.stderr)


if __name__ == "__main__":
    unittest.main()
