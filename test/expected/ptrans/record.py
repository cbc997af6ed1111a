#!/usr/bin/python3
"""Record what Exim 4.96 (/usr/sbin/exim4) does for each case of
test/black/ptrans_cases.py (pipe, lmtp and autoreply transports) into
test/expected/ptrans/<name>.out.
Run as root: /usr/bin/python3 test/expected/ptrans/record.py [name...]

Every case runs in the fixed directory /tmp/ptrans-record/case, whose
exim.conf is listed in /etc/exim4/trusted_configs while recording (so that
exim4's own re-executions, as the autoreply's "exim -t", keep their
privilege); the line is removed again at the end."""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from ptrans_cases import ALL_CASES, run_case  # noqa: E402

TOPDIR = "/tmp/ptrans-record"
CONF = TOPDIR + "/case/exim.conf"
TRUSTED = Path("/etc/exim4/trusted_configs")
names = sys.argv[1:] or ALL_CASES
old = TRUSTED.read_text() if TRUSTED.exists() else None
TRUSTED.write_text((old or "") + CONF + "\n")
try:
    for name in names:
        text = run_case("/usr/sbin/exim4", name, TOPDIR + "/case")
        (HERE / f"{name}.out").write_text(text)
        print(name)
finally:
    if old is None:
        TRUSTED.unlink()
    else:
        TRUSTED.write_text(old)
    shutil.rmtree(TOPDIR, ignore_errors=True)
