"""The outer terminal for benchmarks: runs a program on a pseudo-terminal of a
given size, writes keys to it and watches what it draws for markers.

It reads everything the program writes as fast as it can (a real terminal
would too), so a program that floods the screen is never held back by the
harness more than by a terminal emulator."""
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time

from eci import rss_kb  # noqa: F401  (tests/integration, on the path)


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick


class Timeout(Exception):
    pass


class Outer:
    def __init__(self, argv, cols, rows, env=None):
        master, slave = os.openpty()
        set_size(slave, cols, rows)
        e = dict(os.environ)
        e.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        e.update(env or {})

        def child():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=e,
                                     preexec_fn=child, close_fds=True)
        os.close(slave)
        self.fd = master
        self.started = time.monotonic()
        self.tail = b""
        self.total = 0
        self.last_byte = self.started
        self.rate = None  # bytes/s: a slow terminal (a remote link) reads no faster

    @property
    def pid(self):
        return self.proc.pid

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        t = time.monotonic()
        os.write(self.fd, data)
        return t

    def resize(self, cols, rows):
        set_size(self.fd, cols, rows)
        os.kill(self.proc.pid, signal.SIGWINCH)

    def _read(self, timeout):
        """One read; returns the bytes, or None when nothing came in time."""
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return None
        t = time.monotonic()
        try:
            data = os.read(self.fd, 4096 if self.rate else 1 << 16)
        except OSError:
            data = b""
        if not data:
            raise EOFError("the program closed its terminal")
        if self.rate:
            time.sleep(max(0.0, len(data) / self.rate - (time.monotonic() - t)))
        self.total += len(data)
        self.last_byte = time.monotonic()
        return data

    def wait_for(self, marker, timeout=60):
        """Reads until marker has been drawn; returns when (monotonic)."""
        if isinstance(marker, str):
            marker = marker.encode()
        deadline = time.monotonic() + timeout
        buf = self.tail
        while True:
            i = buf.find(marker)
            if i >= 0:
                self.tail = buf[i + len(marker):]
                return self.last_byte
            buf = buf[-(len(marker) - 1):] if len(marker) > 1 else b""
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("%r not drawn in %d s" % (marker, timeout))
            data = self._read(left)
            if data:
                buf += data

    def quiet(self, ms=100, timeout=60):
        """Reads until nothing has come for ms; returns the last byte's time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._read(ms / 1000.0) is None:
                self.tail = b""
                return self.last_byte
        raise Timeout("still drawing after %d s" % timeout)

    def pump(self, seconds):
        """Keeps reading for a while (the program must never block on us)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._read(end - time.monotonic())
        self.tail = b""  # what was read here is gone: no marker may match in it

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            end = time.monotonic() + 5
            while self.proc.poll() is None and time.monotonic() < end:
                try:
                    self._read(0.05)
                except EOFError:
                    break
            if self.proc.poll() is None:
                self.proc.kill()
        self.proc.wait()
        os.close(self.fd)
