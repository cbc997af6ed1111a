#!/usr/bin/python3
"""Record Exim 4.96's answers for the ${if} condition cases.

Run by hand (as root, with Debian's exim4 installed) when a case is added
to expand_cond_cases.py:
    /usr/bin/python3 test/black/record_expand_cond.py [EXIM4]
It writes test/expected/expand/cond.json (-be) and cond_bem.json (-bem on
the message MSG): lists of {"expr", "out", "rc"},
with the fixture directory written as @DIR@.  test_expand_cond.py never
runs exim4.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import expand_cond_cases as cc  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "expand" / "cond.json"
OUT_BEM = TOP / "test" / "expected" / "expand" / "cond_bem.json"


def setup(d: Path) -> Path:
    for name, text in cc.FILES.items():
        (d / name).write_text(text)
        (d / name).chmod(0o644)
    d.chmod(0o755)
    (d / "msg").write_text(cc.MSG)
    (d / "msg").chmod(0o644)
    conf = d / "exim.conf"
    conf.write_text(cc.CONF)
    conf.chmod(0o644)
    return conf


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    d = Path(tempfile.mkdtemp(prefix="cond-rec-"))
    try:
        conf = setup(d)
        rec = []
        for expr in cc.cases():
            p = subprocess.run([exim4, "-C", str(conf), "-be", expr.replace("@DIR@", str(d))],
                               capture_output=True, timeout=30)
            out = p.stdout.decode("utf-8", "surrogateescape").replace(str(d), "@DIR@")
            rec.append({"expr": expr, "out": out, "rc": p.returncode})
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
        print(f"recorded {len(rec)} cases into {OUT}")
        rec = []
        for expr in cc.BEM_CASES:
            p = subprocess.run([exim4, "-C", str(conf), "-bem", str(d / "msg"), expr],
                               capture_output=True, timeout=30)
            out = p.stdout.decode("utf-8", "surrogateescape").replace(str(d), "@DIR@")
            rec.append({"expr": expr, "out": out, "rc": p.returncode})
        OUT_BEM.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
        print(f"recorded {len(rec)} cases into {OUT_BEM}")
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
