"""The ACL engine through ${acl{name}{args}} and ${if acl{{name}...}} in -be
(spec 44, 11.5): verbs, messages, nesting with $acl_arg*, load-time errors
worded as Exim words them.  Expected outputs were recorded from Exim 4.96
(exim4 -C conf -be ...) with test/expected/acl/expand.conf by
test/expected/acl/record_acl.py.
"""
import json

import pytest

from conftest import EXPECTED

CONF = (EXPECTED / "acl" / "expand.conf").read_text()

CASES = json.loads((EXPECTED / "acl" / "expand_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["in"][:40] for c in CASES])
def test_expand_recorded(exim, case):
    r = exim(["-be", case["in"]], conf=CONF)
    assert r.out == case["out"]


def test_logwrite_in_be_goes_to_stderr(exim):
    r = exim(["-be", "${acl{a1}{x}{y}}"], conf=CONF)
    assert r.out == "yes x\n"
    assert r.err.count(" hi x 2\n") == 1


LOAD_ERRORS = [
    ("  foo hosts = *", 'unknown ACL verb "foo" in "foo hosts = *"'),
    ("  accept foo = *", 'unknown ACL condition/modifier in "accept foo = *"'),
    ("  accept hosts *", '"=" missing after ACL "hosts" condition'),
    ("  deny endpass", 'ACL error: "endpass" is not allowed with "deny"'),
    ("  accept !message = x", 'ACL error: negation is not allowed with "message"'),
    ("  accept set acl_mx = 1", 'invalid variable name after "set" in ACL modifier "set acl_mx = 1" '
                                "(digit or underscore must follow acl_c or acl_m)"),
    ("  accept set acl_x = 1", 'invalid variable name after "set" in ACL modifier "set acl_x = 1" '
                               '(must start "acl_c" or "acl_m")'),
    ("  accept set acl_m_a 1", '"=" missing after ACL "set" modifier'),
    ("  accept !endpass", 'ACL error: negation is not allowed with "endpass"'),
    ("  !hosts = x", 'unknown ACL verb "hosts" in "!hosts = x"'),
    ("  !accept", 'malformed ACL line "!accept"'),
    ("  123 x", 'unknown ACL verb "" in "123 x"'),
    ("  accept hosts2 = x", 'unknown ACL condition/modifier in "accept hosts2 = x"'),
    ("  accept_x", 'unknown ACL verb "accept_x" in "accept_x"'),
    ("  ACCEPT", 'unknown ACL verb "ACCEPT" in "ACCEPT"'),
]


@pytest.mark.parametrize("line,msg", LOAD_ERRORS)
def test_load_errors(exim, line, msg):
    r = exim(["-bV"], conf="begin acl\na1:\n" + line + "\n")
    assert r.rc == 1
    assert "Exim configuration error in line 3 of " in r.err
    assert "  error in ACL: " + msg + "\n" in r.err


def test_two_acls_same_name(exim):
    r = exim(["-bV"], conf="begin acl\na1:\n  accept\na1:\n  deny\n")
    assert r.rc == 1
    assert 'there are two ACLs called "a1"' in r.err


def test_default_configuration_loads(exim):
    conf = (EXPECTED.parent / "conf" / "example.conf").read_text()
    r = exim(["-bV"], conf=conf)
    assert r.rc == 0, r.err
    r = exim(["-be", "${acl{acl_check_rcpt}}|${if acl{{acl_check_rcpt}}{T}{F}}"], conf=conf)
    assert r.out == "|T\n"


def test_acl_file(exim, tmp_path):
    f = tmp_path / "file.acl"
    f.write_text("# a comment\n\ndeny message = from \\\n   the file\n")
    r = exim(["-be", "${acl{%s}}" % f], conf=CONF)
    assert r.out == "from the file\n"


def test_strict_acl_vars(exim):
    conf = ("strict_acl_vars = true\nbegin acl\na:\n  accept message = [$acl_m_x]\n"
            "b:\n  accept set acl_m_x = 1\n  message = [$acl_m_x]\n")
    r = exim(["-be", "[$acl_m_x]"], conf=conf)
    assert r.out == 'Failed: unknown variable name "acl_m_x" (strict_acl_vars is set)\n'
    # a message that fails to expand is ignored, and logged
    r = exim(["-be", "${acl{a}}"], conf=conf)
    assert r.out == "\n"
    assert ('failed to expand ACL message "[$acl_m_x]": unknown variable name "acl_m_x" '
            "(strict_acl_vars is set)\n") in r.err
    r = exim(["-be", "${acl{b}} $acl_m_x"], conf=conf)
    assert r.out == "[1] 1\n"



@pytest.mark.parametrize("cond,need", [
    ("spam = nobody", "content scanning (WITH_CONTENT_SCAN)"),
    ("dkim_status = pass", "DKIM (DISABLE_DKIM unset)"),
    ("spf = pass", "SUPPORT_SPF"),
])
def test_conditions_of_absent_parts_refused_at_load(exim, cond, need):
    r = exim(["-bV"], conf="begin acl\na:\n  deny %s\n" % cond)
    assert r.rc == 1
    name = cond.split()[0]
    assert ('error in ACL: the "%s" ACL condition is not available in this build: it needs %s\n'
            % (name, need)) in r.err


def test_udpsend(exim):
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)
    port = s.getsockname()[1]
    conf = "begin acl\na:\n  accept udpsend = 127.0.0.1 : %d : hello $acl_arg1 a::b\n" % port
    r = exim(["-be", "${acl{a}{world}}"], conf=conf)
    assert r.out == "\n"
    assert s.recv(100) == b" hello world a::b"   # the rest of the text, as exim4 sends it
    s.close()
    r = exim(["-be", "${acl{b}}"], conf=conf + "b:\n  accept udpsend = 127.0.0.1\n")
    assert r.out == 'Failed: ERROR from acl "b"\n'


def test_delay_waits(exim):
    import time
    conf = "begin acl\nd:\n  accept delay = 1s\n         message = waited\nb:\n  accept delay = soon\n"
    t0 = time.monotonic()
    r = exim(["-be", "${acl{d}}"], conf=conf)
    assert r.out == "waited\n"
    assert time.monotonic() - t0 >= 1.0
    r = exim(["-be", "${acl{b}}"], conf=conf)
    assert r.out == 'Failed: ERROR from acl "b"\n'


def test_text_after_acl_name_is_ignored(exim):
    # exim4: "a1: deny" starts ACL a1; the "deny" is not a statement
    r = exim(["-be", "${acl{a1}}"], conf="begin acl\na1: deny\n  accept message = ok\n")
    assert r.out == "ok\n"
    r = exim(["-bV"], conf="begin acl\na1: accept\n  message = hi\n")
    assert r.rc == 1
    assert 'error in ACL: unknown ACL verb "message" in "message = hi"' in r.err
