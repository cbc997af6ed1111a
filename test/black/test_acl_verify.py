"""verify = header_syntax and verify = not_blind in the non-SMTP ACL
(spec 44.26), and the verifications this build cannot make yet, which
must end the ACL with an error, never a pass.  The rejection log lines were
recorded from exim4 (exim4 -C conf -odq [-t] with the same configuration
and messages; recipients on the command line, not -t, so that only the
ACL looks at the headers).
"""
import pytest

CONF = """\
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
acl_not_smtp = dd
begin acl
dd:
  deny !verify = header_syntax
       message = HS: $acl_verify_message
  deny !verify = not_blind
       message = NB: $acl_verify_message
  accept
"""

CASES = [
    # (arguments, message, rejection text or None when accepted)
    (["a@b"], "To: a@b, bad@@x\nSubject: x\n\nbody\n",
     'domain missing or malformed: failing address in "To:" header is: bad@@x'),
    (["a@b"], "To: a@b\nReply-To: \"q <q@x>\n\nbody\n",
     'unmatched doublequote in local part: failing address in "Reply-To:" header is: "q <q@x>'),
    (["c@d"], "To: a@b, x\nSubject: x\n\nbody\n", "bcc recipient detected"),
    (["a@b"], "To: a@b, x\nSubject: x\n\nbody\n", None),
    (["a@b", "c@d"], "To: A@b\nCc: Someone <c@d>\n\nbody\n", None),
]


@pytest.mark.parametrize("args,msg,reject", CASES)
def test_header_checks_non_smtp(exim, tmp_path, args, msg, reject):
    r = exim(["-odq"] + args, conf=CONF.format(tmp=tmp_path), input=msg)
    log = (tmp_path / "mainlog").read_text() if (tmp_path / "mainlog").exists() else ""
    if reject is None:
        assert r.rc == 0, r.err
        assert "rejected" not in log
    else:
        assert r.rc == 1
        assert "rejected by non-SMTP ACL: %s\n" % reject in log


@pytest.mark.parametrize("what", ["recipient", "sender", "header_sender"])
def test_missing_layers_are_errors(exim, what):
    conf = "begin acl\na:\n  accept verify = %s\n" % what
    r = exim(["-be", "${acl{a}}"], conf=conf)
    assert r.out == 'Failed: ERROR from acl "a"\n'


@pytest.mark.parametrize("what", ["reverse_host_lookup", "csa"])
def test_host_verifications_without_a_host_accept(exim, what):
    # exim4 -be: no calling host, nothing to check: the condition is true
    conf = "begin acl\na:\n  accept verify = %s\n" % what
    r = exim(["-be", "${acl{a}}"], conf=conf)
    assert r.out == "\n"


def test_unknown_verify_is_an_error(exim):
    r = exim(["-be", "${acl{a}}"], conf="begin acl\na:\n  accept verify = nonsense\n")
    assert r.out == 'Failed: ERROR from acl "a"\n'


def test_outside_smtp_and_messages(exim, tmp_path):
    # recorded from exim4 -be / -bem: header checks have no message to
    # look at (an error); verify = helo without SMTP fails.
    msg = tmp_path / "msg"
    msg.write_text("To: a@b\nSubject: y\n\nbody\n")
    conf = "begin acl\ns:\n  deny !verify = header_syntax\n  accept\nh:\n  deny !verify = helo\n  accept\n"
    r = exim(["-bem", str(msg), "${if acl{{s}}{ok}{bad}}"], conf=conf)
    assert r.out == 'Failed: ERROR from acl "s"\n'
    r = exim(["-be", "${if acl{{h}}{ok}{bad}}"], conf=conf)
    assert r.out == "bad\n"
