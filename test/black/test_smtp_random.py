"""Hostile input: random mixtures of SMTP commands, message text, binary
junk and odd line endings through -bh, -bs and -bS.  Whatever comes in,
the process ends by itself with exit code 0, 1 or 2 (a crash, a sanitizer
report - exit 99 under make asan - or a hang fails the test).  Fixed seeds:
the same inputs every run."""
import random

import pytest

WORDS = ["EHLO x", "HELO y", "MAIL FROM:<a@b.c>",
         "MAIL FROM:<a@b.c> SIZE=10 BODY=8BITMIME RET=HDRS ENVID=x PRDR AUTH=<>", "RCPT TO:<r@x.y>",
         "RCPT TO:<r@x.y> NOTIFY=SUCCESS ORCPT=rfc822;a@b", "DATA", "BDAT 5", "BDAT 3 LAST", "BDAT 0 LAST",
         "RSET", "NOOP", "QUIT", "VRFY a@b", "EXPN x", "ETRN #x", "HELP", "STARTTLS", "AUTH PLAIN",
         "Subject: x", "", ".", "abc", "\x00", "\xff\xfe", 'MAIL FROM:<"a b"@c> SIZE=99999999999999999999',
         "BDAT 18446744073709551615", "RCPT TO:<@a,@b:c@d>", "MAIL FROM:<" + "x" * 3000 + "@y>"]

CONF = """\
primary_hostname = test.example
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
acl_smtp_rcpt = accept
dsn_advertise_hosts = *
smtp_max_unknown_commands = 50
smtp_max_synprot_errors = 50
acl_smtp_etrn = accept
smtp_etrn_command = /bin/true
"""


def session(rng):
    parts = []
    for _ in range(rng.randint(1, 30)):
        w = rng.choice(WORDS)
        if rng.random() < 0.2:
            w = "".join(chr(rng.randint(0, 255)) for _ in range(rng.randint(0, 40)))
        parts.append(w + rng.choice(["\r\n", "\n", "\r", ""]))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(4))
def test_random_sessions(exim, tmp_path, seed):
    rng = random.Random(seed)
    conf = CONF.format(tmp=tmp_path)
    for _ in range(10):
        data = session(rng)
        for mode in (["-bh", "192.0.2.1"], ["-bs"], ["-bS"]):
            r = exim(mode, conf=conf, input=data, timeout=30)
            assert r.rc in (0, 1, 2), (mode, r.rc, repr(data[:200]), r.err[-2000:])
