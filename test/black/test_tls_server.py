"""TLS on incoming SMTP (spec chapter 43) against the daemon: STARTTLS
advertised and negotiated, $tls_in_* seen by ACLs in Exim's OpenSSL forms,
TLS-on-connect, client certificates (tls_verify_hosts required,
tls_try_verify_hosts optional), SNI re-expanding tls_certificate, ALPN,
OCSP stapling (openssl s_client -status), session resumption across
connections, tls_require_ciphers, and handshake failures logged with
Exim's "TLS error on connection from ..." line.

Certificates and OCSP responses come from a throwaway CA made at test time
(tls_helpers.make_pki)."""
import re
import socket
import ssl
from pathlib import Path

import pytest

from conftest import EXIM
from daemon_helpers import daemon, wait_for  # noqa: F401  (fixture)
from tls_helpers import (client_context, make_pki, reply, s_client, send, smtp_plain,
                         smtp_starttls)

BUILD = Path(EXIM).resolve().parent


def have(name):
    return f"#define HAVE_{name} 1" in (BUILD / "config.h").read_text()


pytestmark = pytest.mark.skipif(not have("TLS"), reason="built without TLS")

# An ACL that shows the TLS variables in its reply to RCPT, and one that
# logs them at QUIT (for openssl s_client, which can send only one command
# without breaking the pipelining rules).
VARS = ("c=$tls_in_cipher v=$tls_in_ver b=$tls_in_bits "
        "cv=$tls_in_certificate_verified dn=<$tls_in_peerdn> sni=<$tls_in_sni> "
        "std=$tls_in_cipher_std o=$tls_in_ocsp r=$tls_in_resumption")
SHOW = ("acl_smtp_rcpt = show\n"
        "acl_smtp_quit = quit\n"
        "begin acl\n"
        "quit:\n"
        f"  accept logwrite = QUIT {VARS}\n"
        "show:\n"
        "  deny message = TLS c=$tls_in_cipher v=$tls_in_ver b=$tls_in_bits "
        "cv=$tls_in_certificate_verified dn=<$tls_in_peerdn> sni=<$tls_in_sni> "
        "std=$tls_in_cipher_std o=$tls_in_ocsp r=$tls_in_resumption\n")


def conf(pki, extra=""):
    return (f"tls_certificate = {pki.srv_cert}\n"
            f"tls_privatekey = {pki.srv_key}\n" + extra + SHOW)


def quit_lines(d, n):
    """The variables logged by the QUIT ACL, once n connections logged them."""
    rx = re.compile(r"QUIT (c=.*)\n")
    lines = wait_for(lambda: (lambda m: m if len(m) >= n else None)(rx.findall(d.mainlog())),
                     what=f"{n} QUIT log lines")
    return [dict(kv.split("=", 1) for kv in re.findall(r"\w+=(?:<[^>]*>|\S*)", l)) for l in lines]


def show(s):
    send(s, "MAIL FROM:<a@example.com>")
    r = reply(s)
    assert r.startswith("250"), r
    send(s, "RCPT TO:<b@example.com>")
    return reply(s)


def ehlo(s, name="client.example"):
    send(s, f"EHLO {name}")
    return reply(s)


@pytest.fixture
def pki(tmp_path):
    return make_pki(tmp_path)


def test_starttls_advertised_and_negotiated(daemon, pki):
    d = daemon(conf(pki))
    s, before = smtp_starttls(d.port, client_context(pki))
    assert "250-STARTTLS\r\n" in before
    assert s.version() == "TLSv1.3"
    after = ehlo(s)
    assert after.startswith("250-")
    assert "STARTTLS" not in after
    r = show(s)
    assert r == ("550 TLS c=TLS1.3:TLS_AES_256_GCM_SHA384:256 v=TLS1.3 b=256 cv=0 dn=<> sni=<> "
                 "std=TLS_AES_256_GCM_SHA384 o=0 r=0\r\n")
    send(s, "QUIT")
    assert reply(s).startswith("221 ")
    s.close()


def test_starttls_not_advertised_outside_tls_advertise_hosts(daemon, pki):
    d = daemon(conf(pki, "tls_advertise_hosts = 192.0.2.1\n"))
    s, banner = smtp_plain(d.port)
    r = ehlo(s)
    assert "STARTTLS" not in r
    send(s, "STARTTLS")
    assert reply(s).startswith("503 ")
    s.close()


def test_tls_1_2_with_required_ciphers(daemon, pki):
    d = daemon(conf(pki, "tls_require_ciphers = ECDHE_ECDSA_AES128_GCM_SHA256\n"))
    ctx = client_context(pki, max_version=ssl.TLSVersion.TLSv1_2)
    s, _ = smtp_starttls(d.port, ctx)
    assert s.cipher()[0] == "ECDHE-ECDSA-AES128-GCM-SHA256"
    ehlo(s)
    r = show(s)
    assert "c=TLS1.2:ECDHE-ECDSA-AES128-GCM-SHA256:128 v=TLS1.2 b=128 " in r
    assert "std=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 " in r
    s.close()
    # a client offering none of them fails the handshake, which is logged
    ctx = client_context(pki, max_version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-ECDSA-AES256-GCM-SHA384")
    with pytest.raises((ssl.SSLError, ConnectionError)):
        smtp_starttls(d.port, ctx)
    d.wait_log(re.compile(r"TLS error on connection from .*\(SSL_accept\): error:\S+:SSL routines::"
                          r"no shared cipher"))


def test_garbage_after_starttls_is_logged_and_dropped(daemon, pki):
    d = daemon(conf(pki))
    s, _ = smtp_plain(d.port)
    ehlo(s)
    send(s, "STARTTLS")
    assert reply(s).startswith("220 ")
    s.sendall(b"EHLO not-a-client-hello\r\nMAIL FROM:<x@example.com>\r\n")
    rest = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            rest += b
    except (ConnectionResetError, socket.timeout):
        pass
    assert b"250" not in rest  # no cleartext command was executed
    d.wait_log(re.compile(r"TLS error on connection from .*\(SSL_accept\): error:\S+:SSL routines::"
                          r"wrong version number"))
    assert "<=" not in d.mainlog()


def test_tls_on_connect(daemon, pki):
    d = daemon(conf(pki, "tls_on_connect_ports = PORT\n").replace("PORT", "0"), start=False)
    d.conf_path.write_text(d.conf_path.read_text().replace("tls_on_connect_ports = 0",
                                                           f"tls_on_connect_ports = {d.port}"))
    d.start()
    raw = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    s = client_context(pki).wrap_socket(raw)
    banner = reply(s)
    assert banner.startswith("220 "), banner
    r = ehlo(s)
    assert "STARTTLS" not in r
    assert show(s).startswith("550 TLS c=TLS1.3:TLS_AES_256_GCM_SHA384:256 ")
    s.close()


def test_client_certificate_required(daemon, pki):
    d = daemon(conf(pki, f"tls_verify_hosts = 127.0.0.1\ntls_verify_certificates = {pki.ca}\n"))
    s, _ = smtp_starttls(d.port, client_context(pki, cert=pki.cli_cert, key=pki.cli_key))
    ehlo(s)
    r = show(s)
    assert " cv=1 dn=</CN=client.example> " in r
    s.close()
    # without a certificate the connection is dropped
    s, _ = smtp_starttls(d.port, client_context(pki))
    with pytest.raises((ssl.SSLError, ConnectionError, BrokenPipeError)):
        send(s, "EHLO client.example")
        assert reply(s) == ""
        raise ConnectionError("closed")
    d.wait_log(re.compile(r"TLS error on connection from .*\(SSL_accept\): .*peer did not return a certificate"))


def test_client_certificate_tried(daemon, pki):
    d = daemon(conf(pki, f"tls_try_verify_hosts = *\ntls_verify_certificates = {pki.ca}\n"))
    s, _ = smtp_starttls(d.port, client_context(pki, cert=pki.rogue_cert, key=pki.rogue_key))
    ehlo(s)
    assert " cv=0 dn=</CN=rogue.example> " in show(s)
    s.close()
    d.wait_log("SSL verify error: depth=0 error=self-signed certificate cert=/CN=rogue.example")
    s, _ = smtp_starttls(d.port, client_context(pki, cert=pki.cli_cert, key=pki.cli_key))
    ehlo(s)
    assert " cv=1 dn=</CN=client.example> " in show(s)
    s.close()


def test_sni_selects_second_certificate(daemon, pki):
    cert = ("tls_certificate = ${if eq{$tls_in_sni}{second.example}"
            f"{{{pki.second_both}}}{{{pki.srv_both}}}}}\n")
    d = daemon(cert + SHOW)
    ctx = client_context(pki)
    s, _ = smtp_starttls(d.port, ctx, server_hostname="second.example")
    assert s.getpeercert()["subject"] == ((("commonName", "second.example"),),)
    ehlo(s)
    assert " sni=<second.example> " in show(s)
    s.close()
    s, _ = smtp_starttls(d.port, ctx, server_hostname="server.example")
    assert s.getpeercert()["subject"] == ((("commonName", "server.example"),),)
    s.close()


def test_alpn(daemon, pki):
    d = daemon(conf(pki))
    s, _ = smtp_starttls(d.port, client_context(pki, alpn=["smtp"]))
    assert s.selected_alpn_protocol() == "smtp"
    s.close()
    with pytest.raises((ssl.SSLError, ConnectionError)):
        smtp_starttls(d.port, client_context(pki, alpn=["http/1.1"]))
    d.wait_log(re.compile(r"TLS error on connection from .*\(SSL_accept\): TLS ALPN \(http/1\.1\) rejected"))


@pytest.mark.skipif(not have("OCSP"), reason="built without OCSP")
def test_ocsp_staple(daemon, pki):
    d = daemon(conf(pki, f"tls_ocsp_file = {pki.ocsp_der}\n"))
    out = s_client(d.port, pki, "-status")
    assert "OCSP Response Status: successful (0x0)" in out
    assert "Cert Status: good" in out
    assert "221 " in out
    assert quit_lines(d, 1)[0]["o"] == "2"
    out = s_client(d.port, pki)
    assert "OCSP Response Status" not in out
    assert quit_lines(d, 2)[1]["o"] == "0"


@pytest.mark.skipif(not have("TLS_RESUME"), reason="built without TLS_RESUME")
def test_resumption_across_connections(daemon, pki, tmp_path):
    d = daemon(conf(pki, "tls_resumption_hosts = *\n"))
    sess = tmp_path / "sess.pem"
    out = s_client(d.port, pki, "-sess_out", str(sess))
    assert "New, TLSv1.3" in out
    r = int(quit_lines(d, 1)[0]["r"])
    assert r & 1 and r & 8 and not r & 16, r      # offered, ticket issued, not resumed
    out = s_client(d.port, pki, "-sess_in", str(sess))
    assert "Reused, TLSv1.3" in out
    r = int(quit_lines(d, 2)[1]["r"])
    assert r & 1 and r & 4 and r & 16, r          # client offered the session, resumed


@pytest.mark.skipif(not have("TLS_RESUME"), reason="built without TLS_RESUME")
def test_no_resumption_outside_tls_resumption_hosts(daemon, pki, tmp_path):
    d = daemon(conf(pki))
    sess = tmp_path / "sess.pem"
    s_client(d.port, pki, "-sess_out", str(sess))
    assert quit_lines(d, 1)[0]["r"] == "0"
    if sess.exists():
        out = s_client(d.port, pki, "-sess_in", str(sess))
        assert "New, TLSv1.3" in out


def test_configuration_problem_gives_454_and_the_session_goes_on(daemon, pki):
    """As exim4 does: 454, the error logged, and the session continues in
    clear (recorded with Exim 4.96: MAIL, NOOP and EHLO are then accepted,
    EHLO still offering STARTTLS)."""
    d = daemon("tls_certificate = /nonexistent/cert.pem\ntls_privatekey = /nonexistent/key.pem\n")
    s, _ = smtp_plain(d.port)
    ehlo(s)
    send(s, "STARTTLS")
    assert reply(s) == "454 TLS currently unavailable\r\n"
    send(s, "MAIL FROM:<a@example.com>")
    assert reply(s).startswith("250 ")
    assert "250-STARTTLS\r\n" in ehlo(s, "again.example")
    send(s, "QUIT")
    assert reply(s).startswith("221 ")
    d.wait_log(re.compile(r"TLS error on connection from \(client\.example\) \[127\.0\.0\.1\]:?\d* "
                          r"\(SSL_CTX_use_certificate_chain_file file=/nonexistent/cert\.pem\): "
                          r"error:\S+:system library::No such file or directory"))
    # the daemon warned about the missing files when it started
    assert "Warning: TLS: tls_certificate: cannot access '/nonexistent/cert.pem'" in d.mainlog()


def test_self_signed_certificate_when_unset(daemon, pki):
    d = daemon(SHOW)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s, _ = smtp_starttls(d.port, ctx)
    ehlo(s)
    assert show(s).startswith("550 TLS c=TLS1.3:TLS_AES_256_GCM_SHA384:256 ")
    s.close()
    out = s_client(d.port, pki)
    assert "CN = test.example" in out


def test_cleartext_pipelined_after_starttls_is_not_executed(daemon, pki):
    """RFC 3207 / CVE-2011-0411: commands sent in clear behind STARTTLS
    must not be run inside the protected session."""
    d = daemon(conf(pki))
    s, _ = smtp_plain(d.port)
    ehlo(s)
    s.sendall(b"STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n")
    r = reply(s)
    if r.startswith("554 "):
        # the SMTP layer treats it as a synchronisation error and drops
        # (Exim 4.96 instead answers 220 and discards the cleartext)
        assert r == "554 SMTP synchronization error\r\n"
        assert reply(s) == ""
        return
    assert r.startswith("220 "), r
    ts = client_context(pki).wrap_socket(s)
    ehlo(ts)
    send(ts, "RCPT TO:<b@example.com>")
    r = reply(ts)
    assert r.startswith("503 "), r      # no MAIL was given inside TLS
    send(ts, "QUIT")
    assert reply(ts).startswith("221 ")
    assert "injected" not in d.mainlog()


def test_tls_on_connect_handshake_failure_drops(daemon, pki):
    d = daemon(conf(pki), start=False)
    d.args = ["-tls-on-connect"]
    d.start()
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    s.sendall(b"EHLO plain.example\r\n")
    data = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except (ConnectionResetError, socket.timeout):
        pass
    assert b"220" not in data
    d.wait_log(re.compile(r"TLS error on connection from .*\(SSL_accept\): "
                          r"error:\S+:SSL routines::(wrong version number|http request)"))


def test_large_message_over_tls(daemon, pki):
    """Two megabytes through the TLS reader (many records, partial reads)
    arrive whole: the '<=' line shows the TLS values and the spool holds
    every body line."""
    d = daemon(conf(pki, "queue_only = true\nmessage_size_limit = 0\n").replace(
        "acl_smtp_rcpt = show\n", "acl_smtp_rcpt = accept\n"))
    s, _ = smtp_starttls(d.port, client_context(pki))
    ehlo(s)
    for c in ("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA"):
        send(s, c)
        assert reply(s)[:3] in ("250", "354")
    line = b"0123456789" * 9 + b"\r\n"          # 92 bytes a line
    n = 2 * 1024 * 1024 // len(line)
    s.sendall(b"Subject: big\r\n\r\n" + line * n + b".\r\n")
    r = reply(s)
    assert r.startswith("250 OK id="), r
    mid = r.split("id=")[1].strip()
    send(s, "QUIT")
    reply(s)
    s.close()
    m = d.wait_log(re.compile(re.escape(mid) + r" <= a@example\.com .* P=esmtps "
                              r"X=TLS1\.3:TLS_AES_256_GCM_SHA384:256 CV=no S=(\d+)"))
    body = next(d.spool.glob(f"input/**/{mid}-D")).read_bytes()
    assert body.count(b"0123456789" * 9 + b"\n") == n


def test_garbage_inside_tls_ends_the_session_cleanly(daemon, pki):
    """Bytes that are not TLS records after the handshake: the session
    ends (no reply, no crash, nothing in the panic log) and the daemon
    keeps serving."""
    import os
    d = daemon(conf(pki))
    s, _ = smtp_starttls(d.port, client_context(pki))
    ehlo(s)
    raw = socket.socket(fileno=os.dup(s.fileno()))
    raw.sendall(b"\x17\x03\x03\x00\x10" + b"\xAA" * 16 + b"\x16\x03\x03\xff\xff" + os.urandom(512))
    raw.settimeout(10)
    got = b""
    try:
        while True:
            b = raw.recv(4096)
            if not b:
                break
            got += b
    except (ConnectionResetError, socket.timeout):
        pass
    raw.close()
    s.close()
    assert b"250" not in got
    assert d.paniclog() == ""
    t, _ = smtp_starttls(d.port, client_context(pki))
    assert ehlo(t).startswith("250-")
    t.close()
