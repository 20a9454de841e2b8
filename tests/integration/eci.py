"""An independent ECI OpenAPI client for tests: signs v1 (HMAC-SHA1) and v3
(ACS3-HMAC-SHA256) with Python's own hashlib/hmac, so that fleetsim's
verifier is checked against a second implementation, not against itself."""
import atexit
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
FLEETSIM = os.path.join(ROOT, BUILD, "fleetsim")
DEMO_FLEET = os.path.join(ROOT, "tests", "fixtures", "demo-fleet.json")


def free_port():
    """A loopback port nobody listens on now (for a server that must come
    back on the same port)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kb(pid):
    """A process's resident memory, from /proc."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def alive(pattern):
    """Host processes whose command line matches (fleetsim's containers run
    real processes on this host)."""
    p = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return p.stdout.split()


def wait_until(cond, timeout=15):
    """Poll cond until it holds or timeout seconds pass; its last answer."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def pct(s):
    return urllib.parse.quote(str(s), safe="-_.~")


def now_iso(offset=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers
        self.code = body.get("Code") if isinstance(body, dict) else None
        super().__init__("%s %s: %s" % (status, self.code, body))


class Client:
    def __init__(self, endpoint, key_id, secret, token=None, version="v3"):
        self.endpoint = endpoint.rstrip("/")
        self.key_id = key_id
        self.secret = secret
        self.token = token
        self.version = version

    def call(self, action, params=None, method="POST", sign=None, nonce=None, skew=0,
             secret=None, form=False):
        params = {k: str(v) for k, v in (params or {}).items()}
        sign = sign or self.version
        secret = self.secret if secret is None else secret
        nonce = nonce or uuid.uuid4().hex
        headers = {}
        body = b""
        if sign == "v1":
            q = dict(params)
            q.update({"Action": action, "Format": "JSON", "Version": "2018-08-08",
                      "AccessKeyId": self.key_id, "SignatureMethod": "HMAC-SHA1",
                      "SignatureVersion": "1.0", "SignatureNonce": nonce,
                      "Timestamp": now_iso(skew)})
            if self.token:
                q["SecurityToken"] = self.token
            canon = "&".join("%s=%s" % (pct(k), pct(q[k])) for k in sorted(q))
            sts = "%s&%s&%s" % (method, pct("/"), pct(canon))
            digest = hmac.new((secret + "&").encode(), sts.encode(), hashlib.sha1).digest()
            q["Signature"] = base64.b64encode(digest).decode()
            if form:
                body = "&".join("%s=%s" % (pct(k), pct(v)) for k, v in q.items()).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                url = self.endpoint + "/"
            else:
                url = self.endpoint + "/?" + "&".join("%s=%s" % (pct(k), pct(v)) for k, v in q.items())
        else:
            host = urllib.parse.urlparse(self.endpoint).netloc
            headers = {"host": host, "x-acs-action": action, "x-acs-version": "2018-08-08",
                       "x-acs-date": now_iso(skew), "x-acs-signature-nonce": nonce,
                       "x-acs-content-sha256": hashlib.sha256(body).hexdigest()}
            if self.token:
                headers["x-acs-security-token"] = self.token
            cq = "&".join("%s=%s" % (pct(k), pct(params[k])) for k in sorted(params))
            names = sorted(headers)
            ch = "".join("%s:%s\n" % (n, headers[n].strip()) for n in names)
            sh = ";".join(names)
            creq = "\n".join([method, "/", cq, ch, sh, hashlib.sha256(body).hexdigest()])
            sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(creq.encode()).hexdigest()
            sig = hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest()
            headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s" % (
                self.key_id, sh, sig)
            del headers["host"]
            url = self.endpoint + "/" + ("?" + "&".join(
                "%s=%s" % (pct(k), pct(v)) for k, v in params.items()) if params else "")
        req = urllib.request.Request(url, data=body if method == "POST" else None,
                                     method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw
            raise ApiError(e.code, parsed, dict(e.headers)) from None


_started = []


def _stop_all():
    # A test that failed half-way must not leave a fleetsim running.
    for p in _started:
        if p.poll() is None:
            p.kill()


atexit.register(_stop_all)


class Fleetsim:
    """Starts fleetsim on a free loopback port; stops it and checks that it
    left no process behind."""

    def __init__(self, *args, fleet=None):
        listen = [] if "--listen" in args else ["--listen", "127.0.0.1:0"]
        cmd = [FLEETSIM] + listen + ["--fleet", fleet or DEMO_FLEET] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _started.append(self.proc)
        line = self.proc.stdout.readline()
        m = re.search(r"endpoint=(\S+) access-key-id=(\S+) access-key-secret=(\S+)", line)
        if not m:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise RuntimeError("fleetsim did not start: %r %s" % (line, err))
        self.endpoint, self.key_id, self.secret = m.groups()
        self.line = line

    def client(self, **kw):
        return Client(self.endpoint, self.key_id, self.secret, **kw)

    def stop(self):
        if self.proc.stdout.closed:
            return self.proc.returncode
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
