#!/usr/bin/python3
"""Record exim4's answers for the list-matching cases in lists_cases.py into
test/expected/expand/lists.json.  Run as root on a machine with exim4:
    /usr/bin/python3 test/black/record_lists.py
Each case is expanded with `exim4 -C conf -be '${if KIND{S}{L}{Y:$value}{N}}'`;
stdout, stderr (dates removed) and the exit code are stored; the fixture
directory is written back as @FIX@.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lists_cases import CASES, CONFIG, FILES  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
FIX = "/tmp/lists-fixtures"


def expr(kind, subject, lst):
    return "${if %s{%s}{%s}{Y:$value}{N}}" % (kind, subject, lst)


def main():
    os.makedirs(FIX, exist_ok=True)
    for name, text in FILES.items():
        Path(FIX, name).write_text(text)
    d = tempfile.mkdtemp()
    conf = Path(d, "conf")
    conf.write_text(CONFIG.replace("@FIX@", FIX))
    os.chmod(conf, 0o644)
    out = []
    for kind, subject, lst in CASES:
        e = expr(kind, subject, lst.replace("@FIX@", FIX))
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be", e],
                           capture_output=True, text=True)
        err = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", p.stderr, flags=re.M)
        out.append({"kind": kind, "subject": subject, "list": lst,
                    "stdout": p.stdout.replace(FIX, "@FIX@"),
                    "stderr": err.replace(FIX, "@FIX@"), "rc": p.returncode})
    dest = TOP / "test" / "expected" / "expand" / "lists.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=1) + "\n")
    print("recorded %d cases into %s" % (len(out), dest))


if __name__ == "__main__":
    main()
