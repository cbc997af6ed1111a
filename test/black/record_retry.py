#!/usr/bin/python3
"""Record exim4's -brt answers and retry-rule errors for retry_cases.py into
test/expected/retry/brt.json.  Run as root on a machine with exim4:
    /usr/bin/python3 test/black/record_retry.py
stdout, stderr (the log-style date prefix removed) and the exit code of
each run are stored; the config file's name is written as @CONF@.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from retry_cases import BAD, BRT, RULES, config  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)


def run(conf_text, sender, args):
    d = tempfile.mkdtemp()
    conf = Path(d, "exim.conf")
    conf.write_text(config(conf_text))
    os.chmod(conf, 0o644)
    cmd = ["/usr/sbin/exim4", "-C", str(conf)]
    if sender is not None:
        cmd += ["-f", sender]
    p = subprocess.run(cmd + ["-brt"] + args, capture_output=True, text=True)
    err = DATE.sub("", p.stderr).replace(str(conf), "@CONF@")
    return {"out": p.stdout, "err": err, "rc": p.returncode}


def main():
    brt = [dict(rules=r, sender=s, args=a, **run(RULES[r], s, a)) for r, s, a in BRT]
    bad = [dict(rule=r, args=a, **run(r, None, a)) for r, a in BAD]
    out = TOP / "test" / "expected" / "retry" / "brt.json"
    out.write_text(json.dumps({"brt": brt, "bad": bad}, indent=1) + "\n")
    print(f"{len(brt)} -brt cases, {len(bad)} rule cases -> {out}")


if __name__ == "__main__":
    main()
