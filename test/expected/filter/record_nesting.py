#!/usr/bin/python3
"""Record exim4 -bf on the deeply nested filters of
test/black/filter_nesting_cases.py (RECORDED) into nesting.json here:
{name: [exit code, stdout]}.  Run as root: /usr/bin/python3 record_nesting.py"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from filter_nesting_cases import RECORDED  # noqa: E402

out = {}
with tempfile.TemporaryDirectory() as d:
    for name, text in RECORDED.items():
        f = Path(d) / "filter"
        f.write_text(text)
        with open(HERE / "msgs" / "basic", "rb") as m:
            p = subprocess.run(["/usr/sbin/exim4", "-C", str(HERE / "exim.conf"), "-bf", str(f)], stdin=m,
                               capture_output=True, timeout=60)
        out[name] = [p.returncode, p.stdout.decode("latin-1").replace(str(f), "FILTER")]
        print(name, out[name])
(HERE / "nesting.json").write_text(json.dumps(out, indent=1) + "\n")
