#!/usr/bin/python3
"""Record exim4 -bh transcripts for test/black/smtp_cases.py (run as root,
with Debian's exim4 installed): test/expected/smtp/record.py [name...]

Each <name>.txt holds the SMTP replies (commentary and blank lines dropped,
the banner date as DATE, message ids as MSGID), a line "--- log", then the
"LOG:" lines exim4 wrote to stderr (ACL/host-list trace lines ">>>" and
reception's "<=" lines left out).
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from smtp_cases import CASES  # noqa: E402
from smtp_helpers import BASE, replies, log_lines  # noqa: E402


def record(name):
    extra, data, host = CASES[name]
    with tempfile.TemporaryDirectory() as t:
        os.chmod(t, 0o755)
        conf = Path(t) / "exim.conf"
        conf.write_text(BASE + f"spool_directory = {t}/spool\nlog_file_path = {t}/log/%slog\n" + extra)
        conf.chmod(0o644)
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-bh", host], input=data.encode("latin-1"),
                           capture_output=True, timeout=60)
    out = p.stdout.decode("latin-1")
    err = p.stderr.decode("latin-1")
    text = "\n".join(replies(out)) + "\n--- log\n" + "\n".join(log_lines(err)) + "\n"
    (HERE / f"{name}.txt").write_text(text)


if __name__ == "__main__":
    for n in sys.argv[1:] or CASES:
        record(n)
