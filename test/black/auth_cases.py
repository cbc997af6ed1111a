"""SMTP AUTH sessions shared by the recorder (test/expected/auth/record_auth.py,
run against Exim 4.96) and test_auth_bh.py (run against our build): the
configuration, the client's side of each session, and the driver that plays
it through `exim -bh 192.0.2.1` interactively (CRAM-MD5 answers are computed
from the challenge the server sends).

A client step is a line to send, or ("cram", user, secret) for the CRAM-MD5
response to the last 334 challenge.  What is compared: the server's replies
(EHLO continuation lines other than AUTH are dropped: they belong to the
SMTP layer) and the LOG lines about authentication.
"""
import base64
import hmac
import os
import re
import select
import subprocess
import time

CONFIG = r"""
primary_hostname = test.example
acl_smtp_auth = acl_auth
acl_smtp_mail = acl_mail
acl_smtp_rcpt = accept
MAILAUTH

begin acl
acl_auth:
  deny condition = ${if eq{$sender_helo_name}{deny.example}}
  accept
acl_mailauth:
  accept condition = ${if eq{$authenticated_sender}{ok@x}}
  defer condition = ${if eq{$authenticated_sender}{later@x}}
        message = try later
  deny
acl_mail:
  accept logwrite = MAIL AS=<$authenticated_sender> AI=<$authenticated_id> P=$received_protocol SHA=<$sender_host_authenticated> AF=<$authentication_failed> AFI=<$authenticated_fail_id>

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if eq{$auth2}{user}{${if eq{$auth3}{secret}{yes}{$auth3}}}{no}}
  server_set_id = $auth2
  server_mail_auth_condition = ${if !eq{$authenticated_sender}{nope@x}}
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${if eq{$auth1}{bad}{${lookup{x}lsearch{/nonexistent/file}}}{${if eq{$auth1}{user}{${if eq{$auth2}{secret}{yes}{no}}}fail}}}
  server_set_id = $auth1
cram:
  driver = cram_md5
  public_name = CRAM-MD5
  server_secret = ${if eq{$auth1}{bad}{${lookup{x}lsearch{/nonexistent/file}}}{${if eq{$auth1}{user}{secret}fail}}}
  server_set_id = $auth1
hidden:
  driver = plaintext
  public_name = HIDDEN
  server_condition = yes
  server_advertise_condition = ${if eq{$sender_helo_name}{hidden.example}}
"""


# Expansion failures in the authenticators' options.
FAILURES_CONFIG = r"""
primary_hostname = test.example
begin authenticators
p1:
  driver = plaintext
  public_name = P1
  server_prompts = ${lookup{x}lsearch{/nonexistent/file}}
  server_condition = yes
p2:
  driver = plaintext
  public_name = P2
  server_condition = yes
  server_set_id = ${lookup{x}lsearch{/nonexistent/file}}
p3:
  driver = plaintext
  public_name = P3
  server_condition = yes
  server_advertise_condition = ${lookup{x}lsearch{/nonexistent/file}}
p4:
  driver = plaintext
  public_name = P4
  server_condition = yes
  server_advertise_condition = ${if eq{a}{b}{yes}fail}
p5:
  driver = plaintext
  public_name = P5
  server_prompts = ${if eq{a}{b}{yes}fail}
  server_condition = yes
"""


def _unadvertised_config():
    return (CONFIG.replace("MAILAUTH", "acl_smtp_connect = acl_conn")
            .replace("begin acl\n", "begin acl\nacl_conn:\n  accept control = allow_auth_unadvertised\n"))


def config(mailauth=False):
    """mailauth: True/False for CONFIG with or without acl_smtp_mailauth,
    or a whole configuration text."""
    if isinstance(mailauth, str):
        return mailauth
    return CONFIG.replace("MAILAUTH", "acl_smtp_mailauth = acl_mailauth" if mailauth else "")


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


PLAIN_OK = b64("\0user\0secret")
PLAIN_BAD = b64("\0user\0wrong")

# name -> (mailauth ACL on? or a configuration text, client steps)
CASES = {
    "plain_ok": (False, ["EHLO x", "AUTH PLAIN " + PLAIN_OK, "MAIL FROM:<a@b>", "QUIT"]),
    "not_advertised": (False, ["AUTH PLAIN " + PLAIN_OK, "HELO x", "AUTH PLAIN " + PLAIN_OK, "QUIT"]),
    "mechanisms": (False, ["EHLO x", "AUTH FOO", "AUTH F!OO", "AUTH HIDDEN", "AUTH cram-md5 abcd", "QUIT"]),
    "too_many_errors": (False, ["EHLO x", "AUTH FOO", "AUTH FOO", "AUTH FOO", "AUTH FOO", "QUIT"]),
    "failures": (False, ["EHLO x", "AUTH PLAIN " + PLAIN_BAD, "AUTH PLAIN !!!", "AUTH PLAIN", "!",
                         "AUTH PLAIN", "*", "AUTH PLAIN AHVzZXIAc2VjcmV", "MAIL FROM:<a@b>", "QUIT"]),
    "defer": (False, ["EHLO x", "AUTH PLAIN " + b64("\0user\0maybe"), "AUTH LOGIN " + b64("bad"),
                      b64("x"), "QUIT"]),
    "login": (False, ["EHLO x", "AUTH LOGIN", b64("user"), b64("wrong"), "AUTH LOGIN " + b64("nobody"),
                      b64("x"), "AUTH LOGIN", b64("user"), b64("secret"), "MAIL FROM:<a@b>", "QUIT"]),
    "empty_initial": (False, ["EHLO x", "AUTH PLAIN =", "AUTH PLAIN", PLAIN_OK, "QUIT"]),
    "already": (False, ["EHLO x", "AUTH PLAIN " + PLAIN_OK, "AUTH PLAIN " + PLAIN_OK, "EHLO y",
                        "AUTH PLAIN " + PLAIN_OK, "QUIT"]),
    "cram": (False, ["EHLO x", "AUTH CRAM-MD5", ("cram", "user", "wrong"), "AUTH CRAM-MD5",
                     ("cram", "nobody", "secret"), "AUTH CRAM-MD5", ("cram", "user", "secret"),
                     "MAIL FROM:<a@b>", "QUIT"]),
    "cram_secret_failures": (False, ["EHLO x", "AUTH CRAM-MD5", b64("bad 0123"), "AUTH CRAM-MD5",
                                     ("cram", "bad", "secret"), "AUTH CRAM-MD5", b64("user"), "QUIT"]),
    "hidden": (False, ["EHLO hidden.example", "AUTH HIDDEN", "QUIT"]),
    "acl_deny": (False, ["EHLO deny.example", "AUTH PLAIN " + PLAIN_OK, "QUIT"]),
    "mail_auth_unauthenticated": (False, ["EHLO x", "MAIL FROM:<a@b> AUTH=ok@x", "QUIT"]),
    "mail_auth": (False, ["EHLO x", "AUTH PLAIN " + PLAIN_OK, "MAIL FROM:<a@b> AUTH=ok@x", "RSET",
                          "MAIL FROM:<a@b> AUTH=nope@x", "RSET", "MAIL FROM:<a@b> AUTH=<>", "QUIT"]),
    "in_transaction": (False, ["EHLO x", "MAIL FROM:<a@b>", "AUTH PLAIN " + PLAIN_OK, "AUTH FOO", "AUTH FOO",
                               "AUTH FOO", "QUIT"]),
    "in_transaction_authenticated": (False, ["EHLO x", "AUTH PLAIN " + PLAIN_OK, "MAIL FROM:<a@b>",
                                             "AUTH PLAIN " + PLAIN_OK, "RSET", "AUTH PLAIN " + PLAIN_OK,
                                             "QUIT"]),
    "expansion_failures": (FAILURES_CONFIG, ["EHLO x", "AUTH P1", "AUTH P5", "AUTH P2 =", "QUIT"]),
    "allow_unadvertised": (_unadvertised_config(), ["AUTH PLAIN " + PLAIN_BAD, "HELO x", "AUTH PLAIN " + PLAIN_BAD,
                                                   "AUTH HIDDEN", "AUTH PLAIN " + PLAIN_OK, "QUIT"]),
    "synprot_logging": ("log_selector = +smtp_protocol_error +smtp_syntax_error\n" + config(False),
                        ["AUTH FOO", "EHLO x", "AUTH F!OO", "AUTH FOO", "AUTH PLAIN " + PLAIN_OK, "AUTH FOO",
                         "QUIT"]),
    "no_set_id": (config(False).replace("  server_set_id = $auth2\n", ""),
                  ["EHLO x", "AUTH PLAIN " + PLAIN_OK, "EHLO x", "MAIL FROM:<a@b>", "QUIT"]),
    "long_response": (False, ["EHLO x", "AUTH PLAIN", "A" * 20000, "NOOP", "QUIT"]),
    "nul_response": (False, ["EHLO x", "AUTH PLAIN", "AH\0Vz", "QUIT"]),
    "mailauth_acl": (True, ["EHLO x", "MAIL FROM:<a@b> AUTH=ok@x", "RSET", "MAIL FROM:<a@b> AUTH=bad@x",
                            "RSET", "MAIL FROM:<a@b> AUTH=later@x", "QUIT"]),
}


def cram_response(challenge_line, user, secret):
    ch = base64.b64decode(challenge_line[4:].strip())
    digest = hmac.new(secret.encode(), ch, "md5").hexdigest()
    return b64("%s %s" % (user, digest))


class _Reader:
    def __init__(self, fd, deadline):
        self.fd, self.buf, self.deadline = fd, b"", deadline

    def line(self):
        while b"\n" not in self.buf:
            left = self.deadline - time.time()
            if left <= 0:
                raise TimeoutError("no reply from exim")
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            data = os.read(self.fd, 4096)
            if not data:
                raise EOFError("exim closed its output")
            self.buf += data
        ln, self.buf = self.buf.split(b"\n", 1)
        return ln.decode(errors="replace").rstrip("\r")

    def reply(self):
        """Lines up to and including the last line of one reply."""
        out = []
        while True:
            ln = self.line()
            out.append(ln)
            if re.match(r"^\d\d\d( |$)", ln):
                return out


def play(cmd, steps, timeout=20, interactive=True):
    """Run cmd (an -bh invocation) with the client steps; returns
    (stdout lines, stderr text).  interactive=False sends every line at
    once (exim4 -bh leaves a dovecot authenticator's 334 unflushed, so
    those sessions cannot wait for it); CRAM-MD5 steps need interactive."""
    if not interactive:
        p = subprocess.run(cmd, input="".join(st + "\r\n" for st in steps).encode(), capture_output=True,
                           timeout=timeout)
        return p.stdout.decode(errors="replace").replace("\r", "").split("\n"), p.stderr.decode(errors="replace")
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rd = _Reader(p.stdout.fileno(), time.time() + timeout)
    out = []
    try:
        out += rd.reply()                      # banner
        last = ""
        for st in steps:
            if isinstance(st, tuple):
                st = cram_response(last, st[1], st[2])
            p.stdin.write((st + "\r\n").encode())
            p.stdin.flush()
            r = rd.reply()
            out += r
            last = r[-1]
            if last.startswith("221 ") or " Too many syntax or protocol errors" in last:
                break
    except (EOFError, BrokenPipeError):
        pass
    finally:
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
        p.stdin = None
        rest, err = p.communicate(timeout=timeout)
    out += (rd.buf + rest).decode(errors="replace").replace("\r", "").split("\n")
    return out, err.decode(errors="replace")


def normalise(out, err):
    """What the tests compare: replies (without the SMTP layer's EHLO
    keywords, the banner's date and CRAM-MD5 challenges) and the
    authentication-related LOG lines."""
    replies = []
    for ln in out:
        if not re.match(r"^\d\d\d[ -]", ln):
            continue
        if ln.startswith("250-") and not ln.startswith("250-AUTH"):
            continue
        ln = re.sub(r"^220 .*", "220 BANNER", ln)
        if ln.startswith("334 ") and len(ln) > 40:
            ln = "334 CHALLENGE"
        replies.append(ln)
    logs = [ln for ln in err.split("\n") if ln.startswith("LOG: ") and
            re.search(r"auth|AUTH|AS=|syntax or protocol", ln)]
    return {"replies": replies, "logs": logs}
