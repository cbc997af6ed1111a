#!/usr/bin/python3
"""Record Debian's /usr/sbin/exipick on the cases of
test/black/exipick_cases.py into <case>.json here (one [rc, stdout,
stderr] per run).  Run: /usr/bin/python3 test/expected/queue/exipick/record.py [case...]"""
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "black"))
from exipick_cases import CASES, run_case  # noqa: E402

for name in sys.argv[1:] or CASES:
    with tempfile.TemporaryDirectory() as d:
        out = run_case(["/usr/sbin/exipick"], Path(d), name)
    (HERE / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    print(name, json.dumps(out, indent=1))
