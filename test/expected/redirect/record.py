#!/usr/bin/python3
"""Record what Exim 4.96 (/usr/sbin/exim4) does for each case of
test/black/redirect_cases.py into test/expected/redirect/<name>.out.
Run as root: /usr/bin/python3 test/expected/redirect/record.py [name...]"""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from redirect_cases import CASES, run_case  # noqa: E402

TOPDIR = "/tmp/redirect-record"
for name in sys.argv[1:] or sorted(CASES):
    shutil.rmtree(TOPDIR, ignore_errors=True)
    (HERE / f"{name}.out").write_text(run_case("/usr/sbin/exim4", name, TOPDIR))
    print(name)
shutil.rmtree(TOPDIR, ignore_errors=True)
