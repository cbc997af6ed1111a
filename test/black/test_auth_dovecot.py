"""The dovecot authenticator against a real Dovecot (dovecot-core): a
private instance with a passwd-file passdb whose auth service listens on a
UNIX socket (server_socket = /path) and on 127.0.0.1:port (the seed's
"host port" form).  Sessions through `exim -bh` compared with Exim 4.96's
(test/expected/auth/dovecot_cases.json, recorded by record_auth.py):
PLAIN with and without initial response, LOGIN over TCP, wrong password,
unknown user, cancel, data Dovecot refuses, a mechanism Dovecot does not
offer, unreachable and malformed sockets; $auth1 from user= as
server_set_id, $sender_host_authenticated, esmtpa."""
import json

import pytest

import auth_cases
import dovecot_helpers
from conftest import EXIM, EXPECTED

RECORDED = json.loads((EXPECTED / "auth" / "dovecot_cases.json").read_text())


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory):
    why = dovecot_helpers.Dovecot.unavailable()
    if why:
        pytest.skip(why)
    with dovecot_helpers.Dovecot(tmp_path_factory.mktemp("dv"), dovecot_helpers.USERS) as dv:
        yield dv


@pytest.mark.parametrize("name", sorted(dovecot_helpers.CASES))
def test_dovecot_session(exim, dovecot, name):
    ip, steps = dovecot_helpers.CASES[name]
    conf = exim.write_conf(dovecot_helpers.exim_config(dovecot))
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", ip], steps, interactive=False)
    got = auth_cases.normalise(out, err)
    got["logs"] = dovecot_helpers.normalise_logs(got["logs"], dovecot)
    assert got == RECORDED[name], err


def test_dovecot_server_tls(exim, dovecot, tmp_path):
    """server_tls (the seed's inet form): the connection to Dovecot is TLS
    (through a TLS-terminating relay, Dovecot's auth listener having no
    TLS of its own); against a listener without TLS the attempt defers.
    Exim 4.96 has no server_tls: not recorded, checked here."""
    with dovecot_helpers.TlsRelay(tmp_path, dovecot.port) as relay:
        conf = exim.write_conf(
            "primary_hostname = test.example\n"
            "acl_smtp_mail = acl_mail\n"
            "begin acl\n"
            "acl_mail:\n"
            "  accept logwrite = MAIL auth AI=<$authenticated_id>\n"
            "begin authenticators\n"
            "tls:\n"
            "  driver = dovecot\n"
            "  public_name = PLAIN\n"
            "  server_socket = 127.0.0.1 %d\n"
            "  server_tls = true\n"
            "  server_set_id = $auth1\n"
            "notls:\n"
            "  driver = dovecot\n"
            "  public_name = LOGIN\n"
            "  server_socket = 127.0.0.1 %d\n"
            "  server_tls = true\n" % (relay.port, dovecot.port))
        out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.40"],
                                   ["EHLO x", "AUTH LOGIN", "AUTH PLAIN",
                                    auth_cases.b64("\0user\0secret"), "MAIL FROM:<a@b>", "QUIT"],
                                   interactive=False)
        got = auth_cases.normalise(out, err)
        assert got["replies"][-5:] == ["435 Unable to authenticate at present", "334 ",
                                       "235 Authentication succeeded", "250 OK",
                                       "221 test.example closing connection"], err
        assert relay.sessions == 1
        assert got["logs"][0].startswith(
            "LOG: notls authenticator failed for (x) [192.0.2.40]: "
            "435 Unable to authenticate at present: TLS connect to 127.0.0.1 failed: ")
        assert got["logs"][1] == "LOG: MAIL auth AI=<user>"


def test_dovecot_local_not_secured(exim, tmp_path):
    """Local SMTP (-bs) has no TLS and no client address equal to ours: the
    request carries no "secured" (as exim4's, seen in Dovecot's log)."""
    why = dovecot_helpers.Dovecot.unavailable()
    if why:
        pytest.skip(why)
    with dovecot_helpers.Dovecot(tmp_path, dovecot_helpers.USERS, debug=True) as dv:
        spool = tmp_path / "spool"
        spool.mkdir()
        conf = (f"spool_directory = {spool}\nlog_file_path = {spool}/%slog\n" +
                dovecot_helpers.exim_config(dv))
        r = exim(["-bs"], conf=conf, input="EHLO x\r\nAUTH PLAIN " + auth_cases.PLAIN_OK + "\r\nQUIT\r\n")
        assert "235 Authentication succeeded" in r.out, r.out + r.err
        reqs = [ln for ln in dv.log.read_text().split("\n") if "client in: AUTH" in ln]
        assert len(reqs) == 1 and reqs[0].endswith("client in: AUTH\t1\tPLAIN\tservice=smtp\tnologin\tresp=<hidden>")
