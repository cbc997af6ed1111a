#!/usr/bin/python3
"""Record exim4 -bS runs for test/black/test_smtp_bsmtp.py (run as root with
Debian's exim4): test/expected/smtp/record_bsmtp.py
Writes bsmtp_<name>.txt: "rc=N", the stdout, "--- stderr", the stderr."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from test_smtp_bsmtp import BSMTP_CASES, BSMTP_CONF  # noqa: E402


def record(name):
    with tempfile.TemporaryDirectory() as t:
        os.chmod(t, 0o755)
        for d in ("spool", "log"):
            os.mkdir(f"{t}/{d}")
            subprocess.run(["chown", "Debian-exim:Debian-exim", f"{t}/{d}"], check=True)
        conf = Path(t) / "exim.conf"
        conf.write_text(BSMTP_CONF.format(tmp=t))
        conf.chmod(0o644)
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-bS"], input=BSMTP_CASES[name].encode(),
                           capture_output=True, timeout=60)
    err = "".join(l + "\n" for l in p.stderr.decode().splitlines()
                  if "purging the environment" not in l and "keep_environment" not in l)
    (HERE / f"bsmtp_{name}.txt").write_text(f"rc={p.returncode}\n{p.stdout.decode()}--- stderr\n{err}")


if __name__ == "__main__":
    for n in sys.argv[1:] or BSMTP_CASES:
        record(n)
