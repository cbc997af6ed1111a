"""SMTP AUTH on the server side through `exim -bh`: PLAIN, LOGIN and
CRAM-MD5 exchanges, failures (535, 435, bad base64, cancel, initial data
not expected), advertisement (auth_advertise_hosts default,
server_advertise_condition, none after authenticating), the synprot
errors, acl_smtp_auth, AUTH= on MAIL with and without acl_smtp_mailauth,
and the variables an authenticated session sets.  Each session is
compared with Exim 4.96's (test/expected/auth/bh_cases.json, recorded by
record_auth.py beside it)."""
import json

import pytest

import auth_cases
from conftest import EXIM, EXPECTED

RECORDED = json.loads((EXPECTED / "auth" / "bh_cases.json").read_text())


@pytest.mark.parametrize("name", sorted(auth_cases.CASES))
def test_auth_session(exim, name):
    cfg, steps = auth_cases.CASES[name]
    conf = exim.write_conf(auth_cases.config(cfg))
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.1"], steps)
    got = auth_cases.normalise(out, err)
    assert got == RECORDED[name], err


def test_auth_advertise_hosts(exim):
    """auth_advertise_hosts not matching: no AUTH in EHLO, AUTH refused."""
    conf = exim.write_conf("auth_advertise_hosts = 10.0.0.0/8\n" + auth_cases.config())
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.1"],
                               ["EHLO x", "AUTH PLAIN " + auth_cases.PLAIN_OK, "QUIT"])
    got = auth_cases.normalise(out, err)["replies"]
    assert not any(r.startswith("250-AUTH") for r in got)
    assert "503 AUTH command used when not advertised" in got
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "10.1.2.3"],
                               ["EHLO x", "AUTH PLAIN " + auth_cases.PLAIN_OK, "QUIT"])
    got = auth_cases.normalise(out, err)["replies"]
    assert "250-AUTH PLAIN LOGIN CRAM-MD5" in got
    assert "235 Authentication succeeded" in got


def test_auth_server_condition_commentary(exim):
    """-bh shows the server_condition check as exim4 does: $auth1..3, the
    numeric variables, server_debug_print's expansion, the result
    (recorded from exim4 -bh with this configuration)."""
    conf = exim.write_conf(
        "primary_hostname = test.example\n"
        "begin authenticators\n"
        "plain:\n"
        "  driver = plaintext\n"
        "  public_name = PLAIN\n"
        "  server_condition = yes\n"
        "  server_set_id = $auth2\n"
        "  server_debug_print = DEBUGPRINT <$auth2>\n")
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.1"],
                               ["EHLO x", "AUTH PLAIN " + auth_cases.PLAIN_OK, "QUIT"])
    assert (">>> plain authenticator server_condition:\n"
            ">>>   $auth1 = \n"
            ">>>   $auth2 = user\n"
            ">>>   $auth3 = secret\n"
            ">>>   $1 = \n"
            ">>>   $2 = user\n"
            ">>>   $3 = secret\n"
            ">>> DEBUGPRINT <user>\n"
            ">>> expanded string: yes\n") in err
    assert "235 Authentication succeeded" in out


def test_auth_log_host_with_port_and_interface(exim):
    """With +incoming_port +incoming_interface the failure and AUTH= lines
    carry the port and I= as exim4's (recorded with -oMi 192.0.2.2.25)."""
    conf = exim.write_conf("log_selector = +incoming_port +incoming_interface\n" + auth_cases.config())
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.1.1234", "-oMi", "192.0.2.2.25"],
                               ["EHLO x", "AUTH PLAIN " + auth_cases.PLAIN_BAD, "MAIL FROM:<a@b> AUTH=x@y",
                                "QUIT"])
    logs = auth_cases.normalise(out, err)["logs"]
    assert logs[:2] == [
        "LOG: plain authenticator failed for (x) [192.0.2.1]:1234 I=[192.0.2.2]:25: "
        "435 Unable to authenticate at present (set_id=user): wrong",
        "LOG: ignoring AUTH=x@y from H=(x) [192.0.2.1]:1234 I=[192.0.2.2]:25 (client not authenticated)"]


def test_cram_commentary(exim):
    """-bh commentary of a CRAM-MD5 success as exim4 prints it: user,
    challenge, received and computed digests, then the server_condition
    header with $auth1/$1 even though the option is unset."""
    import re
    conf = exim.write_conf(auth_cases.config())
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", "192.0.2.1"],
                               ["EHLO x", "AUTH CRAM-MD5", ("cram", "user", "secret"), "QUIT"])
    m = re.search(r">>> CRAM-MD5: user name = user\n"
                  r">>>           challenge = (<\d+\.\d+@test\.example>)\n"
                  r">>>           received  = ([0-9a-f]{32})\n"
                  r">>>           digest    = ([0-9a-f]{32})\n"
                  r">>> cram authenticator server_condition:\n"
                  r">>>   \$auth1 = user\n"
                  r">>>   \$1 = user\n", err)
    assert m, err
    assert m.group(2) == m.group(3)
    assert "235 Authentication succeeded" in out


def test_auth_hostile_input(exim):
    """Random AUTH commands and responses (fixed seed): every command gets
    a reply, the process ends normally and logs no panic."""
    import random
    rnd = random.Random(4954)
    lines = ["EHLO x"]
    mechs = ["PLAIN", "LOGIN", "CRAM-MD5", "plain", "X", ""]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*!\t \\$"
    for _ in range(300):
        data = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60)))
        lines.append(("AUTH %s %s" % (rnd.choice(mechs), data)).rstrip())
        if rnd.random() < 0.5:
            lines.append(auth_cases.b64(bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 40)))))
    lines.append("QUIT")
    conf = exim.write_conf("smtp_max_synprot_errors = 10000\nsmtp_max_unknown_commands = 10000\n"
                           "smtp_accept_max_nonmail = 0\n" +
                           auth_cases.config())
    r = exim(["-C", str(conf), "-bh", "192.0.2.1"], input="".join(l + "\r\n" for l in lines))
    assert r.rc == 0, r.err
    assert "221 test.example closing connection" in r.out
    assert "PANIC" not in r.err and "panic" not in r.err.lower()
