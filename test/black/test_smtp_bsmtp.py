"""Batched SMTP (-bS): no replies, HELO/EHLO as RSET, VRFY/EXPN/ETRN/HELP/NOOP
ignored, QUIT ends the batch, the first error stops it with exim4's reports
on stdout and stderr and exit code 1 (messages accepted before) or 2.
Expected outputs recorded from exim4 by test/expected/smtp/record_bsmtp.py."""
import re

import pytest

from conftest import expected, normalise

BSMTP_CONF = """\
primary_hostname = test.example
spool_directory = {tmp}/spool
log_file_path = {tmp}/log/%slog
queue_only
"""

MSG = "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nDATA\r\nSubject: {n}\r\n\r\nbody\r\n.\r\n"

BSMTP_CASES = {
    "ok": "HELO x\r\n" + MSG.format(n=1) + "NOOP\r\nVRFY x\r\n" + MSG.format(n=2) + "QUIT\r\nFOO\r\n",
    "unknown": "HELO x\r\n" + MSG.format(n=1) + MSG.format(n=2) + "VRFY x\r\nFOO\r\nMAIL FROM:<a@b.c>\r\n",
    "eof_in_data": "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nRCPT TO:x\r\nDATA\r\nSubject: 1\r\n\r\nb\r\n",
    "bad_sender": MSG.format(n=1) + "MAIL FROM:<a@b\r\n",
    "no_rcpt": "MAIL FROM:<a@b.c>\r\nDATA\r\n",
    "eof_after_rcpt": "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\n",
    "sender_twice": "MAIL FROM:<a@b.c>\r\nEHLO x\r\nMAIL FROM:<a@b.c>\r\nMAIL FROM:<a@b.c>\r\n",
}


@pytest.mark.parametrize("name", sorted(BSMTP_CASES))
def test_bsmtp(exim, tmp_path, name):
    for d in ("spool", "log"):
        (tmp_path / d).mkdir()
    r = exim(["-bS"], conf=BSMTP_CONF.format(tmp=tmp_path), input=BSMTP_CASES[name])
    got = f"rc={r.rc}\n{r.out}--- stderr\n{r.err}"
    assert normalise(got) == normalise(expected(f"smtp/bsmtp_{name}.txt"))
    accepted = len(re.findall(r" <= a@b.c U=\S+ P=local-bsmtp ", (tmp_path / "log" / "mainlog").read_text()
                              if (tmp_path / "log" / "mainlog").exists() else ""))
    assert accepted == {"ok": 2, "unknown": 2, "bad_sender": 1}.get(name, 0)


def test_bsmtp_not_smtp_start_acl(exim, tmp_path):
    # exim4 runs acl_not_smtp_start when DATA is reached and ignores its
    # result: the message is still accepted.
    for d in ("spool", "log"):
        (tmp_path / d).mkdir()
    conf = BSMTP_CONF.format(tmp=tmp_path) + ("acl_not_smtp_start = acl_s\nbegin acl\nacl_s:\n"
                                              "  warn logwrite = NOTSMTP_START $sender_address\n  deny\n")
    r = exim(["-bS"], conf=conf, input=MSG.format(n=1))
    assert (r.rc, r.out) == (0, "")
    log = (tmp_path / "log" / "mainlog").read_text()
    assert "NOTSMTP_START a@b.c\n" in log and " <= a@b.c " in log
