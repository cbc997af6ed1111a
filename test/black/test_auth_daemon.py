"""SMTP AUTH over a real socket: the daemon (-bdf on a loopback port) with
plaintext (PLAIN, LOGIN), cram_md5 and dovecot server authenticators,
driven by Python's smtplib (its own PLAIN, LOGIN and CRAM-MD5 client code)
and raw exchanges; checks the replies, the main and reject log lines of
failures, and Dovecot's "secured" flag for a connection whose client and
server addresses are equal (Dovecot then allows cleartext mechanisms even
with disable_plaintext_auth = yes, which -bh from another address does
not get)."""
import base64
import hmac
import smtplib
import time

import pytest

import auth_cases
import dovecot_helpers
from conftest import EXIM
from daemon_helpers import daemon  # noqa: F401  (fixture)

CONF = """
acl_smtp_rcpt = accept
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{eq{$auth2}{user}}{eq{$auth3}{secret}}}}
  server_set_id = $auth2
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${if and {{eq{$auth1}{user}}{eq{$auth2}{secret}}}}
  server_set_id = $auth1
cram:
  driver = cram_md5
  public_name = CRAM-MD5
  server_secret = ${if eq{$auth1}{user}{secret}fail}
  server_set_id = $auth1
"""


def smtp(d):
    s = smtplib.SMTP("127.0.0.1", d.port, timeout=10)
    s.ehlo("client.example")
    return s


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_daemon_auth_mechanisms(daemon, mech):  # noqa: F811
    d = daemon(CONF)
    s = smtp(d)
    assert s.esmtp_features["auth"].split() == ["PLAIN", "LOGIN", "CRAM-MD5"]
    s.user, s.password = "user", "wrong"
    obj = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
    with pytest.raises(smtplib.SMTPAuthenticationError) as e:
        s.auth(mech, obj)
    assert e.value.smtp_code == 535
    assert e.value.smtp_error == b"Incorrect authentication data"
    s.password = "secret"
    code, text = s.auth(mech, obj)
    assert (code, text) == (235, b"Authentication succeeded")
    # authenticated: AUTH is not offered again and is refused
    s.ehlo("client.example")
    assert "auth" not in s.esmtp_features
    assert s.docmd("AUTH", "PLAIN " + auth_cases.PLAIN_OK) == (503, b"AUTH command used when not advertised")
    s.quit()
    name = {"PLAIN": "plain", "LOGIN": "login", "CRAM-MD5": "cram"}[mech]
    line = "%s authenticator failed for (client.example) [127.0.0.1]:" % name
    d.wait_log(line)
    # failures go to the reject log too
    d.wait_log(line + " 535 Incorrect authentication data (set_id=user)", which="reject")


def test_daemon_cram_challenge_and_case(daemon):  # noqa: F811
    """The CRAM-MD5 challenge is <pid.time@primary_hostname> from the
    process serving the connection; an upper-case hex digest is accepted."""
    d = daemon(CONF)
    sock = d.connect()
    assert d.reply(sock).startswith("220 ")
    d.send(sock, "EHLO client.example")
    assert "AUTH PLAIN LOGIN CRAM-MD5" in d.reply(sock)
    d.send(sock, "AUTH CRAM-MD5")
    r = d.reply(sock)
    assert r.startswith("334 ")
    ch = base64.b64decode(r[4:].strip()).decode()
    left, at, host = ch.partition("@")
    assert ch.startswith("<") and host == "test.example>"
    pid, dot, t = left[1:].partition(".")
    assert pid.isdigit() and int(pid) != d.pid and t.isdigit()
    digest = hmac.new(b"secret", ch.encode(), "md5").hexdigest().upper()
    d.send(sock, base64.b64encode(("user " + digest).encode()).decode())
    assert d.reply(sock) == "235 Authentication succeeded\r\n"
    d.send(sock, "QUIT")
    assert d.reply(sock).startswith("221 ")
    sock.close()


def test_daemon_dovecot_secured(daemon, tmp_path):  # noqa: F811
    """Over the daemon from 127.0.0.1 to 127.0.0.1 the request to Dovecot
    carries "secured" with lip/rip (Dovecot's debug log shows the request);
    through -bh from another address it does not.  Both socket forms."""
    why = dovecot_helpers.Dovecot.unavailable()
    if why:
        pytest.skip(why)
    with dovecot_helpers.Dovecot(tmp_path, dovecot_helpers.USERS, debug=True) as dv:
        conf = dovecot_helpers.exim_config(dv).replace("primary_hostname = test.example\n", "")
        d = daemon(conf, subdir="d")
        s = smtp(d)
        s.user, s.password = "user", "secret"
        assert s.auth("PLAIN", s.auth_plain) == (235, b"Authentication succeeded")
        s.quit()
        s = smtp(d)
        s.user, s.password = "other", "pass word"
        assert s.auth("LOGIN", s.auth_login) == (235, b"Authentication succeeded")
        s.quit()
        out, err = auth_cases.play([EXIM, "-C", str(d.conf_path), "-bh", "192.0.2.50"],
                                   ["EHLO x", "AUTH PLAIN " + auth_cases.PLAIN_OK, "QUIT"],
                                   interactive=False)
        assert "235 Authentication succeeded" in auth_cases.normalise(out, err)["replies"]
        log = dv.log.read_text()
        assert "client in: AUTH\t1\tPLAIN\tservice=smtp\tsecured\trip=127.0.0.1\tlip=127.0.0.1\tnologin\tresp=" in log
        assert "client in: AUTH\t1\tLOGIN\tservice=smtp\tsecured\trip=127.0.0.1\tlip=127.0.0.1\tnologin\tresp=" in log
        assert "client in: AUTH\t1\tPLAIN\tservice=smtp\trip=192.0.2.50\tnologin\tresp=" in log


def test_daemon_auth_after_starttls(daemon, tmp_path):  # noqa: F811
    """server_advertise_condition = ${if def:tls_in_cipher} (spec 34.1):
    no AUTH before STARTTLS, PLAIN after it; the message then has
    P=esmtpsa and $sender_host_authenticated; the '<=' line carries A=."""
    from tls_helpers import client_context, make_pki, reply, send, smtp_starttls
    pki = make_pki(tmp_path, ocsp=False)
    conf = (f"tls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n"
            "acl_smtp_mail = acl_mail\n" +
            CONF.replace("begin authenticators\n",
                         "begin acl\nacl_mail:\n  accept logwrite = MAILACL P=$received_protocol "
                         "SHA=$sender_host_authenticated AI=$authenticated_id\n"
                         "begin authenticators\n")
                .replace("  public_name = PLAIN\n",
                         "  public_name = PLAIN\n  server_advertise_condition = ${if def:tls_in_cipher}\n"))
    d = daemon(conf, subdir="d")
    s, ehlo = smtp_starttls(d.port, client_context(pki))
    assert "250-AUTH LOGIN CRAM-MD5\r\n" in ehlo
    send(s, "EHLO client.example")
    assert "250-AUTH PLAIN LOGIN CRAM-MD5\r\n" in reply(s)
    send(s, "AUTH PLAIN " + auth_cases.PLAIN_OK)
    assert reply(s) == "235 Authentication succeeded\r\n"
    send(s, "MAIL FROM:<a@b.example>")
    assert reply(s).startswith("250 ")
    send(s, "RCPT TO:<c@d.example>")
    assert reply(s).startswith("250 ")
    send(s, "DATA")
    assert reply(s).startswith("354 ")
    send(s, "Subject: t\r\n\r\nbody\r\n.")
    assert reply(s).startswith("250 OK id=")
    send(s, "QUIT")
    reply(s)
    s.close()
    d.wait_log("MAILACL P=esmtpsa SHA=plain AI=user")
    d.wait_log(" P=esmtpsa ")
    d.wait_log(" A=plain:user ")


def test_daemon_dovecot_valid_client_cert(daemon, tmp_path):  # noqa: F811
    """Under TLS with a verified client certificate the request to Dovecot
    carries "secured" and "valid-client-cert" (spec 37); without a client
    certificate only "secured"."""
    why = dovecot_helpers.Dovecot.unavailable()
    if why:
        pytest.skip(why)
    from tls_helpers import client_context, make_pki, reply, send, smtp_starttls
    pki = make_pki(tmp_path, ocsp=False)
    with dovecot_helpers.Dovecot(tmp_path, dovecot_helpers.USERS, debug=True) as dv:
        conf = (f"tls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n"
                f"tls_verify_certificates = {pki.ca}\ntls_try_verify_hosts = *\n" +
                dovecot_helpers.exim_config(dv).replace("primary_hostname = test.example\n", ""))
        d = daemon(conf, subdir="d")
        for cert, key in ((pki.cli_cert, pki.cli_key), (None, None)):
            s, _ = smtp_starttls(d.port, client_context(pki, cert=cert, key=key))
            send(s, "EHLO client.example")
            assert "250-AUTH PLAIN LOGIN" in reply(s)
            send(s, "AUTH PLAIN " + auth_cases.PLAIN_OK)
            assert reply(s) == "235 Authentication succeeded\r\n"
            send(s, "QUIT")
            reply(s)
            s.close()
        want = ["client in: AUTH\t1\tPLAIN\tservice=smtp\tsecured\tvalid-client-cert\t"
                "rip=127.0.0.1\tlip=127.0.0.1\tnologin\tresp=",
                "client in: AUTH\t1\tPLAIN\tservice=smtp\tsecured\t"
                "rip=127.0.0.1\tlip=127.0.0.1\tnologin\tresp="]
        # Dovecot writes its debug log on its own schedule: wait (bounded)
        # until both requests are there before asserting.
        deadline = time.monotonic() + 10
        log = dv.log.read_text()
        while not all(w in log for w in want) and time.monotonic() < deadline:
            time.sleep(0.05)
            log = dv.log.read_text()
        assert want[0] in log
        assert want[1] in log


def test_daemon_starttls_forgets_authentication(daemon, tmp_path):  # noqa: F811
    """As exim4: STARTTLS after a successful AUTH forgets it (AUTH offered
    again, P=esmtps and no $sender_host_authenticated until a new AUTH,
    AUTH= on MAIL ignored); a new AUTH gives esmtpsa.  Without
    server_set_id the protocol still gets its "a"."""
    from tls_helpers import client_context, make_pki, reply, send
    import socket
    pki = make_pki(tmp_path, ocsp=False)
    conf = (f"tls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n"
            "acl_smtp_mail = acl_mail\n" +
            CONF.replace("begin authenticators\n",
                         "begin acl\nacl_mail:\n  accept logwrite = MAILACL P=$received_protocol "
                         "SHA=<$sender_host_authenticated> AS=<$authenticated_sender>\n"
                         "begin authenticators\n")
                .replace("  server_set_id = $auth2\n", ""))
    d = daemon(conf, subdir="d")
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    assert reply(s).startswith("220 ")
    send(s, "EHLO client.example")
    assert "250-AUTH PLAIN LOGIN CRAM-MD5\r\n" in reply(s)
    send(s, "AUTH PLAIN " + auth_cases.PLAIN_OK)
    assert reply(s) == "235 Authentication succeeded\r\n"
    send(s, "MAIL FROM:<a@b.example>")
    assert reply(s).startswith("250 ")
    send(s, "RSET")
    reply(s)
    send(s, "STARTTLS")
    assert reply(s).startswith("220 ")
    s = client_context(pki).wrap_socket(s)
    send(s, "EHLO client.example")
    assert "250-AUTH PLAIN LOGIN CRAM-MD5\r\n" in reply(s)
    send(s, "MAIL FROM:<a@b.example> AUTH=x@y.example")
    assert reply(s).startswith("250 ")
    send(s, "RSET")
    reply(s)
    send(s, "AUTH PLAIN " + auth_cases.PLAIN_OK)
    assert reply(s) == "235 Authentication succeeded\r\n"
    send(s, "MAIL FROM:<a@b.example> AUTH=x@y.example")
    assert reply(s).startswith("250 ")
    send(s, "QUIT")
    reply(s)
    s.close()
    d.wait_log("MAILACL P=esmtpa SHA=<plain> AS=<>")
    d.wait_log("ignoring AUTH=x@y.example from H=(client.example) [127.0.0.1] (client not authenticated)")
    d.wait_log("MAILACL P=esmtps SHA=<> AS=<>")
    d.wait_log("MAILACL P=esmtpsa SHA=<plain> AS=<x@y.example>")
