"""A real Docker engine for the tests: dockerd on a private socket and data
root, with a busybox image built offline (docker import of busybox-static),
containers run with --network none. If dockerd cannot start here, the tests
that need it fail with the reason: they never pass by skipping."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

from eci import free_port

IMAGE = "fleetmux-busybox"


class DockerError(Exception):
    pass



class Dockerd:
    def __init__(self):
        for tool in ("dockerd", "busybox"):
            if shutil.which(tool) is None and not os.path.exists("/bin/" + tool):
                raise DockerError("%s is not installed (scripts/deps.sh test installs docker.io "
                                  "and busybox-static)" % tool)
        if os.geteuid() != 0:
            raise DockerError("dockerd needs root here")
        self.dir = tempfile.mkdtemp(prefix="fm-dockerd-")
        self.sock = os.path.join(self.dir, "docker.sock")
        self.host = "unix://" + self.sock
        self.certs = os.path.join(self.dir, "certs")
        self.make_certs()
        self.tls_port = free_port()
        self.tls_host = "tcp://127.0.0.1:%d" % self.tls_port
        self.log = open(os.path.join(self.dir, "dockerd.log"), "w")
        self.proc = subprocess.Popen(
            ["dockerd", "--iptables=false", "--bridge=none", "--host", self.host,
             "--host", self.tls_host, "--tlsverify",
             "--tlscacert", os.path.join(self.certs, "ca.pem"),
             "--tlscert", os.path.join(self.certs, "server-cert.pem"),
             "--tlskey", os.path.join(self.certs, "server-key.pem"),
             "--data-root", os.path.join(self.dir, "data"),
             "--exec-root", os.path.join(self.dir, "exec"),
             "--pidfile", os.path.join(self.dir, "docker.pid")],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise DockerError("dockerd exited %d:\n%s" % (self.proc.returncode, self.log_text()))
            try:
                self.api("GET", "/_ping")
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise DockerError("dockerd did not answer in 60 s:\n" + self.log_text())
        self.build_image()

    def make_certs(self):
        """A CA, a server certificate for 127.0.0.1 and a client certificate,
        laid out as DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem)."""
        os.makedirs(self.certs)

        def ssl(*args):
            subprocess.run(["openssl"] + list(args), cwd=self.certs, check=True,
                           capture_output=True)
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=fleetmux-test-ca",
            "-keyout", "ca-key.pem", "-out", "ca.pem")
        for name, ext in (("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                          ("client", "extendedKeyUsage=clientAuth")):
            key = "server-key.pem" if name == "server" else "key.pem"
            cert = "server-cert.pem" if name == "server" else "cert.pem"
            with open(os.path.join(self.certs, name + ".ext"), "w") as f:
                f.write(ext.replace("\\n", "\n") + "\n")
            ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key,
                "-out", name + ".csr")
            ssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", cert)

    def log_text(self):
        with open(os.path.join(self.dir, "dockerd.log")) as f:
            return f.read()[-3000:]

    def api(self, method, path, body=None):
        """One HTTP request over the socket; returns (status, parsed body)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(self.sock)
        data = json.dumps(body).encode() if body is not None else b""
        req = "%s /v1.41%s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n" % (method, path)
        if body is not None:
            req += "Content-Type: application/json\r\n"
        req += "Content-Length: %d\r\n\r\n" % len(data)
        s.sendall(req.encode() + data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        head, _, rest = out.partition(b"\r\n\r\n")
        status = int(head.split()[1])
        if b"chunked" in head.lower():
            body_bytes, rest2 = b"", rest
            while rest2:
                size_line, _, rest2 = rest2.partition(b"\r\n")
                size = int(size_line, 16)
                if size == 0:
                    break
                body_bytes += rest2[:size]
                rest2 = rest2[size + 2:]
            rest = body_bytes
        try:
            return status, json.loads(rest) if rest else None
        except ValueError:
            return status, rest

    def docker(self, *args, input=None):
        env = dict(os.environ, DOCKER_HOST=self.host)
        p = subprocess.run(["docker"] + list(args), env=env, input=input, capture_output=True,
                           timeout=120)
        if p.returncode != 0:
            raise DockerError("docker %s: %s" % (" ".join(args), p.stderr.decode()[-500:]))
        return p.stdout.decode().strip()

    def build_image(self):
        root = tempfile.mkdtemp(prefix="fm-bb-")
        for d in ("bin", "tmp", "proc", "sys", "dev", "etc"):
            os.makedirs(os.path.join(root, d))
        busybox = shutil.which("busybox") or "/bin/busybox"
        shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
        applets = subprocess.run([busybox, "--list"], capture_output=True, text=True).stdout.split()
        for a in applets:
            if a != "busybox":
                os.symlink("busybox", os.path.join(root, "bin", a))
        tar = subprocess.run(["tar", "-C", root, "-c", "."], capture_output=True, check=True).stdout
        shutil.rmtree(root)
        self.docker("import", "-", IMAGE, input=tar)

    def run(self, name, *cmd):
        self.docker("run", "-d", "--network", "none", "--name", name, "--hostname", name, IMAGE,
                    *(cmd or ("sleep", "100000")))

    def stop(self):
        if self.proc.poll() is None:
            try:
                for c in self.docker("ps", "-aq").split():
                    self.docker("rm", "-f", c)
            except Exception:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        subprocess.run(["umount", "-R", os.path.join(self.dir, "data")], capture_output=True)
        subprocess.run(["umount", "-R", os.path.join(self.dir, "exec")], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
