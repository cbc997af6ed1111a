"""The "<=" line of a message received over TLS: with log_selector
+tls_resumption the X= cipher gets a '*' when the session was resumed
(seed "TLS Session Resumption": bit 16 of $tls_in_resumption), and none
on the first, full handshake."""
import re
from pathlib import Path

import pytest

from conftest import EXIM
from daemon_helpers import daemon, wait_for  # noqa: F401  (fixture)
from tls_helpers import client_context, make_pki, reply, send, smtp_starttls

BUILD = Path(EXIM).resolve().parent


def have(name):
    return f"#define HAVE_{name} 1" in (BUILD / "config.h").read_text()


pytestmark = pytest.mark.skipif(not (have("TLS") and have("TLS_RESUME")),
                                reason="built without TLS or TLS_RESUME")


@pytest.fixture
def pki(tmp_path):
    return make_pki(tmp_path, ocsp=False)


def one_message(d, ctx, session=None):
    s, _ = smtp_starttls(d.port, ctx, server_hostname="server.example", session=session)
    for line, code in (("EHLO client.example", "250"), ("MAIL FROM:<s@x.example>", "250"),
                       ("RCPT TO:<a@b.example>", "250"), ("DATA", "354")):
        send(s, line)
        assert reply(s).startswith(code)
    s.sendall(b"Subject: t\r\n\r\nbody\r\n.\r\n")
    assert reply(s).startswith("250")
    send(s, "QUIT")
    reply(s)
    resumed, sess = s.session_reused, s.session
    s.close()
    return resumed, sess


@pytest.mark.parametrize("selector,star", [("+tls_resumption", True), ("", False)])
def test_resumed_session_marks_cipher(daemon, pki, selector, star):
    d = daemon(f"tls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n"
               "tls_resumption_hosts = *\nacl_smtp_rcpt = ok\n"
               f"log_selector = {selector}\n"
               "begin acl\nok:\n  accept\n")
    ctx = client_context(pki)
    resumed, sess = one_message(d, ctx)
    assert not resumed
    resumed, _ = one_message(d, ctx, session=sess)
    assert resumed
    lines = wait_for(lambda: (lambda m: m if len(m) >= 2 else None)(
        re.findall(r" <= s@x\.example .* X=(\S+) .*\n", d.mainlog())), what="two arrivals")
    assert not lines[0].endswith("*")
    assert lines[1].endswith("*") == star
