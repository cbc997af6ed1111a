"""SMTP sessions over -bh compared with exim4's transcripts
(test/expected/smtp/<case>.txt, recorded by test/expected/smtp/record.py from
the cases in smtp_cases.py): every reply line, and every log line except
reception's "<=" line."""
import pytest

from conftest import expected
from smtp_cases import CASES
from smtp_helpers import log_lines, replies, run_bh, smtp_conf


@pytest.mark.parametrize("name", sorted(CASES))
def test_bh_transcript(exim, tmp_path, name):
    extra, data, host = CASES[name]
    r = run_bh(exim, smtp_conf(tmp_path, extra), data, host=host)
    got = "\n".join(replies(r.out)) + "\n--- log\n" + "\n".join(log_lines(r.err)) + "\n"
    assert got == expected(f"smtp/{name}.txt"), r.err


def test_bh_commentary(exim, tmp_path):
    r = run_bh(exim, smtp_conf(tmp_path), "QUIT\r\n")
    assert r.rc == 0
    assert r.out.startswith("\n**** SMTP testing session as if from host 192.0.2.1\n"
                            "**** but without any ident (RFC 1413) callback.\n"
                            "**** This is not for real!\n\n220 test.example ESMTP Exim 4.96 ")
    assert r.out.endswith("\n221 test.example closing connection\n")


def test_bh_bad_address(exim, tmp_path):
    r = run_bh(exim, smtp_conf(tmp_path), "QUIT\r\n", host="foo")
    assert r.rc == 1
    assert 'exim abandoned: "foo" is not an IP address' in r.err


def test_bh_writes_no_log_files(exim, tmp_path):
    r = run_bh(exim, smtp_conf(tmp_path, "log_selector = +smtp_connection\n"), "HELO x\r\nQUIT\r\n")
    assert "LOG: SMTP connection from [192.0.2.1]" in r.err
    assert not any((tmp_path / "log").iterdir())
