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
from retry_cases import BAD, BRT, QUEUE_CONF, QUEUE_STEPS, RULES, config  # noqa: E402

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


def record_queue():
    """The main log of QUEUE_STEPS (test/expected/retry/queue.log)."""
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    for sub in ("log", "spool"):   # exim4 gives up root for a -C file
        os.mkdir(Path(d, sub), 0o777)
        os.chmod(Path(d, sub), 0o777)
    conf = Path(d, "exim.conf")
    conf.write_text(QUEUE_CONF.replace("@DIR@", d))
    os.chmod(conf, 0o644)
    for step in QUEUE_STEPS:
        subprocess.run(["/usr/sbin/exim4", "-C", str(conf)] + step, input="Subject: t\n\nbody\n",
                       text=True, check=True)
    log = Path(d, "log", "mainlog").read_text()
    (TOP / "test" / "expected" / "retry" / "queue.log").write_text(log)


def main():
    brt = [dict(rules=r, sender=s, args=a, **run(RULES[r], s, a)) for r, s, a in BRT]
    bad = [dict(rule=r, args=a, **run(r, None, a)) for r, a in BAD]
    out = TOP / "test" / "expected" / "retry" / "brt.json"
    out.write_text(json.dumps({"brt": brt, "bad": bad}, indent=1) + "\n")
    print(f"{len(brt)} -brt cases, {len(bad)} rule cases -> {out}")
    record_queue()


if __name__ == "__main__":
    main()
