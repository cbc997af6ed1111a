#!/usr/bin/python3
"""Record exim4's behaviour for the cases in appendfile_cases.py into
test/expected/appendfile/<name>.json: the first message's delivery lines
and everything under mail/ (type, mode, owner, normalised content).
Run as root where exim4 is installed (the config path goes into
/etc/exim4/trusted_configs so that exim4 keeps root for deliveries):
    /usr/bin/python3 test/black/record_appendfile.py [names...]
"""
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from appendfile_cases import (CASES, delivery_lines, mail_tree, prepare, release, run_case,  # noqa: E402
                              tmp_after)

TOP = Path(__file__).resolve().parents[2]
BASE = Path("/tmp/appendfile-rec")


def record(name, case):
    tmp = BASE / name
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    tmp.mkdir(parents=True)
    conf_text, holders = prepare(tmp, case)
    conf = tmp / "conf"
    conf.write_text(conf_text)
    os.chmod(conf, 0o644)
    tc = Path("/etc/exim4/trusted_configs")
    if str(conf) not in (tc.read_text().split() if tc.exists() else []):
        with tc.open("a") as f:
            f.write(str(conf) + "\n")
    try:
        p = run_case("/usr/sbin/exim4", conf, tmp, case)
    finally:
        release(holders)
        # exim4 reads only the first 32 lines of that list: leave no entry behind
        lines = tc.read_text().split("\n")
        tc.write_text("\n".join(x for x in lines if x != str(conf)))
    out = dict(rc=p.returncode, deliveries=delivery_lines(tmp), mail=mail_tree(tmp))
    if case.get("tmpfs"):
        out["tmp_after"] = tmp_after(tmp)
    d = TOP / "test" / "expected" / "appendfile"
    d.mkdir(exist_ok=True)
    (d / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    print(name, json.dumps(out, indent=1))


if __name__ == "__main__":
    for n in sys.argv[1:] or CASES:
        record(n, CASES[n])
