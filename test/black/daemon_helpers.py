"""Run build/exim as a listening daemon for a test, the way TESTING.md says:
in the foreground (-bdf) on a free loopback port, with spool and logs under
the test's tmp_path, stopped by pid at teardown.

    from daemon_helpers import daemon            # the pytest fixture
    def test_x(daemon):
        d = daemon("acl_smtp_rcpt = accept\n")   # main-section text (and more)
        s = d.connect(); assert d.reply(s).startswith("220 ")
        d.wait_log("some line")

daemon(conf, args=(), ox=None, pid_file=True, start=True, family=4)
    conf    configuration text; the fixture puts spool_directory,
            log_file_path (spool/log/%slog) and primary_hostname
            (test.example, unless conf sets one) in front of it
    args    extra command-line arguments
    ox      the -oX value; default "127.0.0.1.<port>" (or "<; ::1.<port>"
            with family=6)
    pid_file  pass -oP <tmp>/exim.pid (the default daemon writes none with -oX)
Daemon: .port .pid .proc .pid_path .spool .conf_path
    .connect(timeout) -> socket   .reply(sock) -> one SMTP reply (all lines)
    .send(sock, line)  .mainlog() .paniclog()
    .wait_log(text_or_regex, timeout)  .wait_gone(timeout)  .stop()
free_port(family) -> a port that was free a moment ago.
"""
import os
import re
import signal
import socket
import subprocess
import time
import weakref
from pathlib import Path

import pytest

from conftest import EXIM


def free_port(family=socket.AF_INET):
    s = socket.socket(family)
    s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ipv6_available():
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def wait_for(cond, timeout=10.0, what="condition"):
    """Poll cond() until it is true (bounded); returns its value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


_REPLY_END = re.compile(rb"(?m)^\d\d\d [^\n]*\n")


class Daemon:
    def __init__(self, tmp, conf, args=(), ox=None, pid_file=True, family=4, port=None):
        self.tmp = Path(tmp)
        self.spool = self.tmp / "spool"
        self.spool.mkdir(exist_ok=True)
        self.family = family
        self.port = port or free_port(socket.AF_INET6 if family == 6 else socket.AF_INET)
        head = f"spool_directory = {self.spool}\nlog_file_path = {self.spool}/log/%slog\n"
        if not re.search(r"(?m)^\s*primary_hostname\s*=", conf):
            head += "primary_hostname = test.example\n"
        self.conf_path = self.tmp / "exim.conf"
        self.conf_path.write_text(head + conf)
        self.conf_path.chmod(0o644)
        self.pid_path = self.tmp / "exim.pid" if pid_file else None
        if ox is None:
            ox = f"<; ::1.{self.port}" if family == 6 else f"127.0.0.1.{self.port}"
        self.ox = ox
        self.args = list(args)
        self.proc = None
        self.pid = None
        self._buf = weakref.WeakKeyDictionary()   # per socket object: read-ahead

    def command(self, mode="-bdf"):
        cmd = [EXIM, "-C", str(self.conf_path), mode]
        if self.ox:
            cmd += ["-oX", self.ox]
        if self.pid_path:
            cmd += ["-oP", str(self.pid_path)]
        return cmd + self.args

    def start(self, mode="-bdf"):
        out = open(self.tmp / "daemon.out", "w")
        self.proc = subprocess.Popen(self.command(mode), stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT)
        out.close()
        self.pid = self.proc.pid
        # listening once the start-up line is logged (written after bind/listen)
        def started():
            if self.proc.poll() is not None:
                raise AssertionError("daemon exited with %s: %s" % (
                    self.proc.returncode, (self.tmp / "daemon.out").read_text()))
            return "daemon started" in self.mainlog()
        wait_for(started, what="the daemon to start")
        return self

    def log(self, which):
        p = self.spool / "log" / f"{which}log"
        return p.read_text(errors="replace") if p.exists() else ""

    def mainlog(self):
        return self.log("main")

    def paniclog(self):
        return self.log("panic")

    def wait_log(self, pattern, timeout=10.0, which="main"):
        rx = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        return wait_for(lambda: rx.search(self.log(which)), timeout, f"log line {pattern!r}")

    def connect(self, timeout=10.0, addr=None):
        fam = socket.AF_INET6 if self.family == 6 else socket.AF_INET
        s = socket.socket(fam)
        s.settimeout(timeout)
        s.connect((addr or ("::1" if self.family == 6 else "127.0.0.1"), self.port))
        return s

    def reply(self, s):
        """One complete SMTP reply (every line up to "NNN "), or what came
        before EOF."""
        buf = self._buf.get(s, b"")
        while True:
            m = _REPLY_END.search(buf)
            if m:
                self._buf[s] = buf[m.end():]
                return buf[:m.end()].decode(errors="replace")
            d = s.recv(4096)
            if not d:
                self._buf[s] = b""
                return buf.decode(errors="replace")
            buf += d

    def send(self, s, line):
        s.sendall(line.encode() + b"\r\n")

    def alive(self):
        if self.proc is not None and self.proc.pid == self.pid:
            return self.proc.poll() is None
        return os.path.exists(f"/proc/{self.pid}")

    def wait_gone(self, timeout=10.0):
        wait_for(lambda: not self.alive(), timeout, "the daemon to end")

    def stop(self):
        if self.pid is None or not self.alive():
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
            self.wait_gone(10)
        except (ProcessLookupError, AssertionError):
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def daemon(tmp_path):
    started = []

    def make(conf="", args=(), ox=None, pid_file=True, start=True, family=4, port=None, subdir=None):
        where = tmp_path / subdir if subdir else tmp_path
        where.mkdir(exist_ok=True)
        d = Daemon(where, conf, args=args, ox=ox, pid_file=pid_file, family=family, port=port)
        started.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in started:
        d.stop()
