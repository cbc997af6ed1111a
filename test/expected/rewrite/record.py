#!/usr/bin/python3
"""Record what Exim 4.96 (/usr/sbin/exim4) does for the rewriting cases of
test/black/rewrite_cases.py into test/expected/rewrite/<name>.out.
Run as root: /usr/bin/python3 test/expected/rewrite/record.py [name...]"""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
import rewrite_cases  # noqa: E402

TOPDIR = "/tmp/rewrite-record"
names = sys.argv[1:] or sorted(rewrite_cases.BRW) + sorted(rewrite_cases.RECEIVE)
for name in names:
    shutil.rmtree(TOPDIR, ignore_errors=True)
    if name in rewrite_cases.BRW:
        text = rewrite_cases.brw_run("/usr/sbin/exim4", name, TOPDIR)
        (HERE / f"brw_{name}.out").write_text(text)
    else:
        text = rewrite_cases.receive_run("/usr/sbin/exim4", name, TOPDIR)
        (HERE / f"rcv_{name}.out").write_text(text)
    print(name)
shutil.rmtree(TOPDIR, ignore_errors=True)
