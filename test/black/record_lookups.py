#!/usr/bin/python3
"""Record Exim 4.96's answers for the ${lookup} cases of lookups_cases.py.

Run by hand (as root, with Debian's exim4 installed):
    /usr/bin/python3 test/black/record_lookups.py [EXIM4]
It writes test/expected/lookups/lookups.json: a list of {"expr", "out",
"rc"} with the fixture directory written as @DIR@.  DBM fixtures are made
with Debian's /usr/sbin/exim_dbmbuild.  test_lookups.py never runs exim4.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lookups_cases as lc  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "lookups" / "lookups.json"


def run(exim, conf, d, expr):
    p = subprocess.run([exim, "-C", str(conf), "-be", expr.replace("@DIR@", str(d))],
                       capture_output=True, timeout=30, cwd="/")
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape").replace(str(d), "@DIR@")


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    d = Path(tempfile.mkdtemp(prefix="lookups-rec-"))
    try:
        lc.make_fixtures(d, "/usr/sbin/exim_dbmbuild")
        conf = d / "exim.conf"
        conf.write_text(lc.CONF)
        conf.chmod(0o644)
        rec = []
        for expr in lc.cases():
            rc, out = run(exim4, conf, d, expr)
            rec.append({"expr": expr, "out": out, "rc": rc})
        OUT.parent.mkdir(parents=True, exist_ok=True)
        from test_lookups import debug_lines  # noqa: E402
        (OUT.parent / "debug_lookup.txt").write_text(debug_lines(exim4, d))
        OUT.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
        print(f"recorded {len(rec)} cases into {OUT}")
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
