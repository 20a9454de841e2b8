"""Security: TLS is verified unless the user says otherwise (against fleetsim
serving HTTPS and WSS with a self-signed certificate), secrets never show in
what fleetmux prints, and credential files that others can read are named."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eci import Fleetsim  # noqa: E402
from tui import FLEETMUX  # noqa: E402

SECRET = "Sup3rS3cretValue-do-not-print"


def self_signed(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def run(sim, *args, secret=None, home=None, env_extra=None):
    env = {"PATH": os.environ["PATH"], "HOME": home or "/nonexistent",
           "ALIBABA_CLOUD_ACCESS_KEY_ID": sim.key_id,
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret or sim.secret}
    env.update(env_extra or {})
    return subprocess.run([FLEETMUX, "run", "--endpoint", sim.endpoint, "--region", "cn-hangzhou",
                           "--filter", "web-frontend-1"] + list(args) + ["--", "hostname"],
                          capture_output=True, text=True, env=env, timeout=60)


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fleetmux-tls-")
        cls.cert, cls.key = self_signed(cls.dir)
        cls.sim = Fleetsim("--tls-cert", cls.cert, "--tls-key", cls.key)

    @classmethod
    def tearDownClass(cls):
        rc = cls.sim.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)
        assert rc == 0, cls.sim.stderr

    def test_endpoint_is_https(self):
        self.assertTrue(self.sim.endpoint.startswith("https://127.0.0.1:"), self.sim.line)

    def test_self_signed_is_refused_by_default(self):
        r = run(self.sim)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        err = r.stdout + r.stderr
        self.assertIn("certificate", err)
        self.assertIn("--ca-file", err)
        self.assertIn("--insecure", err)
        self.assertNotIn("web-frontend-1/nginx | web-frontend-1", r.stdout)

    def test_ca_file_trusts_it_for_api_and_websocket(self):
        r = run(self.sim, "--ca-file", self.cert)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("web-frontend-1/nginx | web-frontend-1", r.stdout)

    def test_insecure_skips_the_check(self):
        r = run(self.sim, "--insecure")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("web-frontend-1/nginx | web-frontend-1", r.stdout)

    def test_missing_ca_file_is_said_once_and_not_retried(self):
        """A CA file that cannot be read fails the same way every time: it
        is said with the reason, after one try (it was tried five times)."""
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "debug.log")
            r = run(self.sim, "--ca-file", "/nonexistent/ca.pem", "--debug", log)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("cannot read the CA file /nonexistent/ca.pem: No such file or directory",
                          r.stderr)
            self.assertNotIn("tries", r.stderr)
            with open(log) as f:
                self.assertEqual(f.read().count("http > POST"), 1)
        # An untrusted certificate does not change either.
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "debug.log")
            r = run(self.sim, "--debug", log)
            with open(log) as f:
                self.assertEqual(f.read().count("http > POST"), 1)

    def test_http_to_the_https_port_in_words(self):
        http = self.sim.endpoint.replace("https://", "http://")
        env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent",
               "ALIBABA_CLOUD_ACCESS_KEY_ID": self.sim.key_id,
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.sim.secret}
        r = subprocess.run([FLEETMUX, "run", "--endpoint", http, "--dry-run"], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("select/poll", r.stderr)
        self.assertIn("the server closed the connection without an answer (if it serves HTTPS, "
                      "the URL should say https://)", r.stderr)

    def test_https_to_a_plain_port_in_words(self):
        with Fleetsim() as plain:
            env = {"PATH": os.environ["PATH"], "HOME": "/nonexistent",
                   "ALIBABA_CLOUD_ACCESS_KEY_ID": plain.key_id,
                   "ALIBABA_CLOUD_ACCESS_KEY_SECRET": plain.secret}
            r = subprocess.run([FLEETMUX, "run", "--endpoint",
                                plain.endpoint.replace("http://", "https://"), "--dry-run"],
                               capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("SSL routines", r.stderr)
        self.assertIn("the server does not speak TLS there (if it serves plain HTTP, the URL "
                      "should say http://)", r.stderr)

    def test_wrong_ca_is_refused(self):
        other = tempfile.mkdtemp(prefix="fleetmux-tls-other-")
        try:
            cert, _ = self_signed(other)
            r = run(self.sim, "--ca-file", cert)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("certificate", r.stdout + r.stderr)
        finally:
            shutil.rmtree(other, ignore_errors=True)


class Secrets(unittest.TestCase):
    def test_secret_never_printed(self):
        with Fleetsim() as sim:
            # A wrong secret: fleetsim refuses the signature; what fleetmux
            # prints must not carry the secret, nor does --debug.
            home = tempfile.mkdtemp(prefix="fleetmux-home-")
            log = os.path.join(home, "debug.log")
            try:
                r = run(sim, "--debug", log, secret=SECRET, home=home)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("SignatureDoesNotMatch", r.stdout + r.stderr)
                self.assertNotIn(SECRET, r.stdout + r.stderr)
                with open(log) as f:
                    text = f.read()
                self.assertIn("x-acs-action: DescribeRegions", text)
                self.assertIn("Authorization: ACS3-HMAC-SHA256 ***", text)
                self.assertNotIn(SECRET, text)
                # v1 signs in the query: the signature and key id are masked there.
                r = run(sim, "--debug", log, "--sign", "v1", secret=SECRET, home=home)
                self.assertNotIn(SECRET, r.stdout + r.stderr)
                with open(log) as f:
                    text = f.read()
                self.assertIn("Signature=***", text)
                self.assertIn("AccessKeyId=%s***" % sim.key_id[:4], text)
                self.assertNotRegex(text, r"Signature=[A-Za-z0-9%]{8}")
                # The good secret: the WebSocket token is masked too.
                r = run(sim, "--debug", log, home=home)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                with open(log) as f:
                    text = f.read()
                self.assertIn("ExecContainerCommand", text)
                self.assertIn("websocket", text)
                self.assertNotIn(sim.secret, text)
                self.assertIn("s=***", text)
                self.assertNotRegex(text, r"\bs=[0-9a-f]{8}")
            finally:
                shutil.rmtree(home, ignore_errors=True)

    def test_config_errors_do_not_echo_values(self):
        home = tempfile.mkdtemp(prefix="fleetmux-home-")
        try:
            conf = os.path.join(home, "fleetmux.conf")
            with open(conf, "w") as f:
                f.write('[provider "p"]\ntype = eci\naccess-key-secret = %s\n'
                        'no equals sign %s\n' % (SECRET, SECRET))
            os.chmod(conf, 0o600)
            r = subprocess.run([FLEETMUX, "--config", conf, "--check-config"], capture_output=True,
                               text=True, env={"PATH": os.environ["PATH"], "HOME": home}, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("%s:3" % conf, r.stdout + r.stderr)
            self.assertIn("%s:4" % conf, r.stdout + r.stderr)
            self.assertNotIn(SECRET, r.stdout + r.stderr)
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def test_readable_credentials_warn(self):
        with Fleetsim() as sim:
            home = tempfile.mkdtemp(prefix="fleetmux-home-")
            try:
                os.makedirs(os.path.join(home, ".aliyun"))
                path = os.path.join(home, ".aliyun", "config.json")
                with open(path, "w") as f:
                    json.dump({"current": "default", "profiles": [{
                        "name": "default", "mode": "AK", "access_key_id": sim.key_id,
                        "access_key_secret": sim.secret, "region_id": "cn-hangzhou"}]}, f)
                os.chmod(path, 0o644)
                env = {"PATH": os.environ["PATH"], "HOME": home}
                cmd = [FLEETMUX, "run", "--endpoint", sim.endpoint, "--region", "cn-hangzhou",
                       "--filter", "web-frontend-1", "--", "true"]
                r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
                self.assertIn(path, r.stderr)
                self.assertIn("others", r.stderr)
                self.assertNotIn(sim.secret, r.stdout + r.stderr)
                os.chmod(path, 0o600)
                r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn(path, r.stderr)
                # A config file others may write draws a warning too.
                conf = os.path.join(home, "fleetmux.conf")
                with open(conf, "w") as f:
                    f.write("[fleetmux]\nlayout = tiled\n")
                os.chmod(conf, 0o666)
                r = subprocess.run(cmd[:2] + ["--config", conf] + cmd[2:], capture_output=True,
                                   text=True, env=env, timeout=60)
                self.assertIn(conf, r.stderr)
            finally:
                shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
