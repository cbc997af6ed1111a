#!/usr/bin/python3
"""Compare our -bh with exim4's on random command sequences (a development
tool, not a test: it needs /usr/sbin/exim4).  Prints the differing
transcripts (replies and LOG: lines) and a count.

    EXIM=build-a/exim test/expected/smtp/compare_random.py SEED COUNT

Known remaining differences: exim4's choice of whether DATA's 503 repeats
an earlier RCPT error after refused HELO/EHLO commands.
"""
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'black'))  # noqa: E402
from smtp_helpers import BASE, replies, log_lines
OURS = os.environ.get("EXIM", str(Path(__file__).resolve().parents[3] / "build" / "exim"))
seed = int(sys.argv[1]); N = int(sys.argv[2])
rng = random.Random(seed)
WORDS = ["EHLO x", "HELO y", "EHLO", "HELO a_b", "MAIL FROM:<a@b.c>", "MAIL FROM:<a@b.c> SIZE=10", "MAIL FROM:<a@b.c> BODY=8BITMIME",
         "MAIL FROM:<> RET=HDRS", "MAIL FROM:<x>", "MAIL FROM:a@b.c", "RCPT TO:<r@test.example>", "RCPT TO:<r@other.example>",
         "RCPT TO:<r@test.example> NOTIFY=SUCCESS", "RCPT TO:x", "RCPT TO:<>", "DATA", "RSET", "NOOP", "QUIT", "VRFY a@b", "VRFY",
         "EXPN x", "ETRN #x", "ETRN", "HELP", "STARTTLS", "AUTH PLAIN", "BDAT 0 LAST", "BDAT", "FOO", "MAIL", "RSET x", "DATA x", "NOOP x"]
extra = """dsn_advertise_hosts = *
smtp_max_unknown_commands = %d
smtp_max_synprot_errors = %d
smtp_accept_max_nonmail = %d
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept domains = test.example
  deny message = relay not permitted
"""
bad = 0
for i in range(N):
    n = rng.randint(1, 15)
    cmds = [rng.choice(WORDS) for _ in range(n)]
    data = "".join(c + "\r\n" for c in cmds)
    ex = extra % (rng.choice([3, 100]), rng.choice([3, 100]), rng.choice([3, 10, 100]))
    outs = []
    for exe in ("/usr/sbin/exim4", OURS):
        t = tempfile.mkdtemp(); os.chmod(t, 0o755)
        conf = os.path.join(t, "exim.conf")
        open(conf, "w").write(BASE + f"spool_directory = {t}/spool\nlog_file_path = {t}/log/%slog\n" + ex)
        os.chmod(conf, 0o644)
        p = subprocess.run([exe, "-C", conf, "-bh", "192.0.2.1"], input=data.encode(), capture_output=True, timeout=30)
        outs.append(("\n".join(replies(p.stdout.decode('latin-1'))), "\n".join(l for l in log_lines(p.stderr.decode('latin-1')))))
    if outs[0] != outs[1]:
        bad += 1
        print("=== MISMATCH", repr(cmds), ex.split("\n")[1:4])
        import difflib
        for a, b in zip(outs[0], outs[1]):
            for l in difflib.unified_diff(a.splitlines(), b.splitlines(), "exim4", "ours", lineterm="", n=1):
                print(l)
        if bad > 4: break
print("mismatches", bad, "of", i + 1)
