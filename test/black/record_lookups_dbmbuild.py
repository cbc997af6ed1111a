#!/usr/bin/python3
"""Record exim_dbmbuild's answers from Debian's exim4 build
(/usr/sbin/exim_dbmbuild) into test/expected/lookups/dbmbuild.json.
Paths are written with the temporary directory replaced by DIR."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lookups_dbmbuild_cases import CASES, SRC  # noqa: E402

TOP = Path(__file__).resolve().parents[2]


def run_case(prog, args, stdin):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "src.txt").write_text(SRC)
        fill = {"src": f"{d}/src.txt", "out": f"{d}/out.db", "dir": d}
        argv = [prog] + [a.format(**fill) for a in args]
        p = subprocess.run(argv, input=stdin if stdin is not None else "",
                           capture_output=True, text=True, cwd=d)
        return {"stdout": p.stdout.replace(d, "DIR"), "stderr": p.stderr.replace(d, "DIR"),
                "rc": p.returncode}


if __name__ == "__main__":
    out = {name: run_case("/usr/sbin/exim_dbmbuild", args, stdin) for name, args, stdin in CASES}
    dest = TOP / "test" / "expected" / "lookups" / "dbmbuild.json"
    dest.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"{len(out)} cases written to {dest}")
