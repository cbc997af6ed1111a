"""A private Dovecot authentication server for the dovecot authenticator
tests: `dovecot -F -c <tmp>/dovecot.conf` with a passwd-file passdb, an
auth service listening on a UNIX socket and on a TCP port of 127.0.0.1
(the two server_socket forms of the dovecot authenticator).

  with Dovecot(tmp_path, {"user": "secret"}) as dv:    # socket_mode="0666"
                                                        # for a non-root client;
                                                        # debug=True: requests
                                                        # logged (dv.log)
      dv.socket   # UNIX socket path
      dv.port     # TCP port on 127.0.0.1

Dovecot runs as root in the foreground; its auth processes run as root
too, since pytest's temporary directories are private to root.  When
Dovecot is missing or cannot start, Dovecot.unavailable() says why (the
tests then skip with that reason).
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Dovecot:
    def __init__(self, tmp, users, mechanisms="plain login", socket_mode="0600", cleartext=True,
                 debug=False):
        # A short directory of its own: dovecot's sockets live under it, and a
        # unix socket path must fit in 108 bytes (pytest's tmp paths grow).
        self.dir = Path(tempfile.mkdtemp(prefix="dv-", dir="/tmp"))
        self.socket = str(self.dir / "auth-client")
        self.port = free_port()
        self.log = self.dir / "dovecot.log"
        self.proc = None
        (self.dir / "passwd").write_text("".join("%s:{PLAIN}%s::::::\n" % kv for kv in users.items()))
        (self.dir / "run").mkdir()
        (self.dir / "state").mkdir()
        d = str(self.dir)
        self.conf = self.dir / "dovecot.conf"
        self.conf.write_text(f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
instance_name = mtatest-{self.port}
protocols =
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = {'no' if cleartext else 'yes'}
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
auth_debug = {'yes' if debug else 'no'}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={d}/home/%u
}}
service auth {{
  user = root
  unix_listener auth-client {{
    path = {self.socket}
    mode = {socket_mode}
  }}
  inet_listener exim {{
    address = 127.0.0.1
    port = {self.port}
  }}
}}
service auth-worker {{
  user = root
}}
service anvil {{
  chroot =
}}
""")

    @staticmethod
    def unavailable():
        if not os.path.exists(DOVECOT):
            return "dovecot is not installed (util/install-deps installs dovecot-core)"
        if os.geteuid() != 0:
            return "dovecot needs root to start here"
        return None

    def _ready(self):
        if not os.path.exists(self.socket):
            return False
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def __enter__(self):
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(self.conf)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self._ready():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        out = self.proc.stdout.read().decode(errors="replace") if self.proc.poll() is not None else ""
        log = self.log.read_text() if self.log.exists() else ""
        self.__exit__(None, None, None)
        raise RuntimeError("dovecot did not start: %s %s" % (out, log))

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


# The dovecot authenticator sessions (recorded from Exim 4.96 by
# test/expected/auth/record_auth.py, replayed by test_auth_dovecot.py).
EXIM_CONFIG = r"""
primary_hostname = test.example
acl_smtp_mail = acl_mail
acl_smtp_rcpt = accept

begin acl
acl_mail:
  accept logwrite = MAIL auth AI=<$authenticated_id> SHA=<$sender_host_authenticated> P=$received_protocol

begin authenticators
dplain:
  driver = dovecot
  public_name = PLAIN
  server_socket = SOCKET
  server_set_id = $auth1
dlogin:
  driver = dovecot
  public_name = LOGIN
  server_socket = 127.0.0.1 PORT
  server_set_id = $auth1
dcram:
  driver = dovecot
  public_name = CRAM-MD5
  server_socket = SOCKET
dgone:
  driver = dovecot
  public_name = X-GONE
  server_socket = DIR/nonexistent
dbad:
  driver = dovecot
  public_name = X-BAD
  server_socket = 127.0.0.1
"""

USERS = {"user": "secret", "other": "pass word"}


def _b64(s):
    import base64
    return base64.b64encode(s.encode()).decode()


# Dovecot delays the next request from an address that failed (its auth
# penalty, which Exim does not ask it to skip): each session comes from an
# address of its own, and a failure is the last AUTH of its session.
# name -> (-bh address, client lines)
CASES = {
    "plain_unix": ("192.0.2.11", ["EHLO x", "AUTH PLAIN", "*", "AUTH PLAIN", _b64("\0user\0secret"),
                                  "MAIL FROM:<a@b>", "QUIT"]),
    "plain_initial": ("192.0.2.12", ["EHLO x", "AUTH PLAIN " + _b64("\0other\0pass word"),
                                     "MAIL FROM:<a@b>", "QUIT"]),
    "plain_wrong": ("192.0.2.13", ["EHLO x", "AUTH PLAIN " + _b64("\0user\0wrong"), "QUIT"]),
    "plain_unknown_user": ("192.0.2.14", ["EHLO x", "AUTH PLAIN " + _b64("\0nobody\0x"), "QUIT"]),
    "plain_not_base64": ("192.0.2.15", ["EHLO x", "AUTH PLAIN !!", "QUIT"]),
    "login_inet": ("192.0.2.16", ["EHLO x", "AUTH LOGIN", "*", "AUTH LOGIN", _b64("user"), _b64("secret"),
                                  "MAIL FROM:<a@b>", "QUIT"]),
    "login_inet_wrong": ("192.0.2.17", ["EHLO x", "AUTH LOGIN", _b64("user"), _b64("wrong"), "QUIT"]),
    "login_initial": ("192.0.2.18", ["EHLO x", "AUTH LOGIN " + _b64("user"), _b64("secret"), "QUIT"]),
    "not_offered": ("192.0.2.19", ["EHLO x", "AUTH CRAM-MD5", "QUIT"]),
    "plain_equals": ("192.0.2.21", ["EHLO x", "AUTH PLAIN =", "QUIT"]),
    "unreachable": ("192.0.2.20", ["EHLO x", "AUTH X-GONE", "AUTH X-BAD", "QUIT"]),
}


def exim_config(dv):
    return (EXIM_CONFIG.replace("SOCKET", dv.socket).replace("PORT", str(dv.port))
            .replace("DIR", str(dv.dir)))


def normalise_logs(lines, dv):
    return [ln.replace(str(dv.dir), "DIR").replace(str(dv.port), "PORT") for ln in lines]


class TlsRelay:
    """Dovecot's auth service speaks no TLS itself: for server_tls the tests
    put this TLS-terminating relay in front of its TCP listener (a
    certificate made at start with openssl req; one thread per client).

      with TlsRelay(tmp_path, dv.port) as relay:  relay.port, relay.sessions
    """

    def __init__(self, tmp, target_port):
        import ssl
        self.dir = tmp / "relay"
        self.dir.mkdir()
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.target = target_port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.sessions = 0
        self.closing = False

    def _pipe(self, conn):
        import select
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
            self.sessions += 1
            up = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            tls.settimeout(10)
            end = time.time() + 30
            while time.time() < end:
                if tls.pending():
                    r = [tls]
                else:
                    r, _, _ = select.select([tls, up], [], [], 1)
                for s in r:
                    data = s.recv(4096)
                    if not data:
                        return
                    (up if s is tls else tls).sendall(data)
        except OSError:
            pass
        finally:
            conn.close()

    def _serve(self):
        import threading
        while not self.closing:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(conn,), daemon=True).start()

    def __enter__(self):
        import threading
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.closing = True
        self.sock.close()
        return False
