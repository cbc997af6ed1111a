#!/usr/bin/python3
"""Record what Exim 4.96 (/usr/sbin/exim4) does for the cases of
test/black/test_redirect_deliver.py into deliver_<name>.out here.
Run as root: /usr/bin/python3 test/expected/redirect/record_deliver.py"""
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from test_redirect_deliver import CASES, run_case  # noqa: E402

TOPDIR = "/tmp/redirect-deliver-record"
for name in sys.argv[1:] or sorted(CASES):
    shutil.rmtree(TOPDIR, ignore_errors=True)
    (HERE / f"deliver_{name}.out").write_text(run_case("/usr/sbin/exim4", name, TOPDIR + "/case"))
    print(name)
shutil.rmtree(TOPDIR, ignore_errors=True)
