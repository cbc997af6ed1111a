"""Shared helpers for tests that talk SMTP to build/exim.

  smtp_conf(tmp_path, extra="")      a configuration text: primary_hostname
        test.example, spool and logs under tmp_path, nothing advertised that
        differs between builds (STARTTLS, PIPECONNECT, SMTPUTF8 switched off
        with .ifdef so that exim4 and ours read the same file), then extra.
  run_bh(exim, conf, data, host="192.0.2.1", args=())  -> Result
        one -bh session with data (str or bytes) on stdin.
  run_bs(exim, conf, data, args=())  -> Result          one -bs session.
  replies(out)      the SMTP reply lines of a -bh transcript (commentary and
                    blank lines dropped), dates normalised.
  log_lines(err)    the "LOG: ..." lines of a -bh stderr ("<=" lines of
                    reception left out unless keep_arrivals).
  SmtpClient        raw-socket client: send(), reply() (a whole multi-line
                    reply as (code, [lines])), cmd(), expect(), pipeline(),
                    close(); every wait is bounded.
  InetdSession      build/exim -bs on an accepted TCP socket as inetd starts
                    it: a real remote peer for synchronisation tests, without
                    the daemon.  Use as a context manager; .client is an
                    SmtpClient.
"""
import os
import re
import socket
import subprocess
import time
from pathlib import Path

from conftest import EXIM, Result, normalise

DATE_RX = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")

BASE = """\
primary_hostname = test.example
qualify_domain = test.example
.ifdef _HAVE_TLS
tls_advertise_hosts =
.endif
.ifdef _HAVE_PIPE_CONNECT
pipelining_connect_advertise_hosts =
.endif
.ifdef _HAVE_I18N
smtputf8_advertise_hosts =
.endif
"""


def smtp_conf(tmp_path, extra=""):
    tmp = Path(tmp_path)
    (tmp / "spool").mkdir(exist_ok=True)
    (tmp / "log").mkdir(exist_ok=True)
    return (BASE + f"spool_directory = {tmp}/spool\nlog_file_path = {tmp}/log/%slog\n"
            + extra)


def _as_text(data):
    return data.decode("latin-1") if isinstance(data, bytes) else data


def run_bh(exim, conf, data, host="192.0.2.1", args=(), timeout=30):
    cmd = ["-bh", host] + list(args)
    return exim(cmd, conf=conf, input=_as_text(data), timeout=timeout)


def run_bs(exim, conf, data, args=(), timeout=30):
    return exim(["-bs"] + list(args), conf=conf, input=_as_text(data), timeout=timeout)


def replies(out):
    lines = []
    for line in out.splitlines():
        if not line or line.startswith("****"):
            continue
        lines.append(normalise(DATE_RX.sub("DATE", line)))
    return lines


def log_lines(err, keep_arrivals=False):
    res = []
    for line in err.splitlines():
        if not line.startswith("LOG: "):
            continue
        line = normalise(line)
        if not keep_arrivals and re.match(r"LOG: MSGID <= ", line):
            continue
        res.append(line)
    return res


class SmtpClient:
    """A raw SMTP client over a socket; every read waits at most timeout s."""

    def __init__(self, sock, timeout=10):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.buf = b""

    @classmethod
    def connect(cls, host, port, timeout=10):
        return cls(socket.create_connection((host, port), timeout=timeout), timeout)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def _line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; unread: %r" % self.buf)
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r").decode("latin-1")

    def reply(self):
        """One whole reply: (code, [text of each line])."""
        texts = []
        while True:
            line = self._line()
            texts.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), texts

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def expect(self, code, text=None):
        got, texts = self.reply()
        assert got == code, (got, texts)
        if text is not None:
            assert re.search(text, "\n".join(texts)), texts
        return texts

    def pipeline(self, lines):
        """Send all lines in one write, then read one reply per line."""
        self.send("".join(l + "\r\n" for l in lines))
        return [self.reply() for _ in lines]

    def read_all(self):
        """Everything until the server closes (bounded by the timeout)."""
        data = self.buf
        self.buf = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        return data.decode("latin-1")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class InetdSession:
    """build/exim -C conf -bs with a TCP socket as stdin/stdout (inetd)."""

    def __init__(self, conf_path, args=(), timeout=10, exim=None, early=b""):
        self.conf_path = str(conf_path)
        self.args = list(args)
        self.timeout = timeout
        self.exim = exim or EXIM
        self.early = early      # sent before the server starts (no greeting seen)

    def __enter__(self):
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        port = lsock.getsockname()[1]
        csock = socket.create_connection(("127.0.0.1", port), timeout=self.timeout)
        ssock, _ = lsock.accept()
        lsock.close()
        if self.early:
            csock.sendall(self.early)
        self.proc = subprocess.Popen([self.exim, "-C", self.conf_path, "-bs"] + self.args,
                                     stdin=ssock.fileno(), stdout=ssock.fileno(),
                                     stderr=subprocess.PIPE, close_fds=True)
        ssock.close()
        self.client = SmtpClient(csock, self.timeout)
        return self

    def wait(self, timeout=None):
        """Wait for the server process; returns (rc, stderr text)."""
        try:
            _, err = self.proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err.decode("latin-1")

    def __exit__(self, *exc):
        self.client.close()
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        return False


def wait_for(cond, timeout=10, step=0.02):
    """Poll cond() until true or timeout; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def read_log(tmp_path, which="main"):
    p = Path(tmp_path) / "log" / f"{which}log"
    return p.read_text() if p.exists() else ""
