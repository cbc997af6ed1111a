#!/usr/bin/python3
"""Record exim4's queue runs (test/black/queue_run_cases.py) into
test/expected/queue/runs/<case>.out.
Run as root: /usr/bin/python3 test/expected/queue/record_runs.py [case...]
"""
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
import queue_run_cases as c  # noqa: E402

(HERE / "runs").mkdir(exist_ok=True)
for name in sys.argv[1:] or sorted(c.CASES):
    with tempfile.TemporaryDirectory() as d:
        (HERE / "runs" / (name + ".out")).write_text(c.run_case("/usr/sbin/exim4", name, d))
    print(name)
