#!/usr/bin/python3
"""Record exim4's answers for EXPR_CASES of lists_cases.py (whole -be
expansions) into test/expected/expand/lists_be.json:
    /usr/bin/python3 test/black/record_lists_be.py
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lists_cases import CONFIG_BE, EXPR_CASES, FILES  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
FIX = "/tmp/lists-fixtures"


def main():
    os.makedirs(FIX, exist_ok=True)
    for name, text in FILES.items():
        Path(FIX, name).write_text(text)
    conf = Path(tempfile.mkdtemp(), "conf")
    conf.write_text(CONFIG_BE.replace("@FIX@", FIX))
    os.chmod(conf, 0o644)
    out = []
    for e in EXPR_CASES:
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be", e.replace("@FIX@", FIX)],
                           capture_output=True, text=True)
        err = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", p.stderr, flags=re.M)
        out.append({"expr": e, "stdout": p.stdout.replace(FIX, "@FIX@"),
                    "stderr": err.replace(FIX, "@FIX@"), "rc": p.returncode})
    dest = TOP / "test" / "expected" / "expand" / "lists_be.json"
    dest.write_text(json.dumps(out, indent=1) + "\n")
    print("recorded %d cases into %s" % (len(out), dest))


if __name__ == "__main__":
    main()
