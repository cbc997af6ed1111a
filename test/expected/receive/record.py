#!/usr/bin/python3
"""Record what Exim 4.96 (/usr/sbin/exim4) does for each case of
test/black/receive_cases.py into test/expected/receive/<name>.out.
Run as root: /usr/bin/python3 test/expected/receive/record.py [name...]

Every case runs in the fixed directory /tmp/rcv-record/case, whose
exim.conf is listed in /etc/exim4/trusted_configs while recording, so that
exim4 keeps its privilege (setuid root) for callers other than root, as an
installed Exim does; the line is removed again at the end."""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from receive_cases import ALL_CASES, run_case  # noqa: E402

TOPDIR = "/tmp/rcv-record"
CONF = TOPDIR + "/case/exim.conf"
TRUSTED = Path("/etc/exim4/trusted_configs")
names = sys.argv[1:] or sorted(ALL_CASES)
old = TRUSTED.read_text() if TRUSTED.exists() else None
TRUSTED.write_text((old or "") + CONF + "\n")
try:
    for name in names:
        shutil.rmtree(TOPDIR, ignore_errors=True)
        text = run_case("/usr/sbin/exim4", name, TOPDIR + "/case")
        (HERE / f"{name}.out").write_text(text)
        print(name)
finally:
    if old is None:
        TRUSTED.unlink()
    else:
        TRUSTED.write_text(old)
    shutil.rmtree(TOPDIR, ignore_errors=True)
