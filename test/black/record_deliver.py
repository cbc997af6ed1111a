#!/usr/bin/python3
"""Record exim4's behaviour for the cases in deliver_cases.py into
test/expected/deliver/<name>.json: main log lines, the first message's
msglog and the mailboxes, normalised as deliver_helpers normalises ours.
Run as root where exim4 is installed (the config path goes into
/etc/exim4/trusted_configs so that exim4 keeps root for deliveries):
    /usr/bin/python3 test/black/record_deliver.py [names...]
"""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from deliver_cases import CASES  # noqa: E402
from deliver_helpers import SIMPLE_ROUTERS, SIMPLE_TRANSPORTS, build_config, header_envelope_tail, normalise_mail, set_creator  # noqa: E402
from conftest import normalise  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
DIR = Path("/tmp/deliver-rec")


def strip(lines):
    return [re.sub(r"^YYYY-MM-DD HH:MM:SS ", "", x) for x in normalise(lines).splitlines()]


def record(name, case):
    subprocess.run(["rm", "-rf", str(DIR)], check=True)
    (DIR / "spool").mkdir(parents=True)
    (DIR / "mail").mkdir()
    os.chmod(DIR / "mail", 0o777)
    for d in case.get("dirs", ()):   # made writable for everyone (hints written as nobody)
        (DIR / d).mkdir(parents=True, exist_ok=True)
        os.chmod(DIR / d, 0o777)
    for fname, text in case.get("files", {}).items():
        (DIR / fname).write_text(text.replace("@T@", str(DIR)))
    conf = DIR / "conf"
    conf.write_text(build_config(DIR, case.get("main", ""), case.get("routers", SIMPLE_ROUTERS),
                                 case.get("transports", SIMPLE_TRANSPORTS), case.get("retry")))
    os.chmod(conf, 0o644)
    tc = Path("/etc/exim4/trusted_configs")
    if str(conf) not in (tc.read_text().split() if tc.exists() else []):
        with tc.open("a") as f:
            f.write(str(conf) + "\n")
    p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf)] + case["args"],
                       input=case.get("input", "Subject: hi\n\nbody\n"), capture_output=True, text=True)
    if case.get("creator"):   # queued (-odq): another creator, then -M
        ids = set_creator(DIR / "spool" / "input", case["creator"])
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-M"] + ids, capture_output=True, text=True)
    for extra in case.get("then", ()):   # later runs (queue runs)
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf)] + extra, capture_output=True, text=True)
    time.sleep(0.5)
    raw = (DIR / "spool" / "log" / "mainlog").read_text()
    ids = re.findall(r"^\S+ \S+ (\S+) <= ", raw, re.M)
    first = ids[0] if ids else "NONE"   # a message refused at reception
    ml = None
    qdir = DIR / "spool" / case.get("queue", "")   # a named queue's directory
    for d in ("msglog", "msglog.OLD"):
        f = qdir / d / first
        if f.exists():
            ml = strip(f.read_text().replace(str(DIR), "@T@"))
    mail = {f.name: normalise_mail(f.read_text()) for f in sorted((DIR / "mail").iterdir()) if f.is_file()}
    lines = strip(raw.replace(str(DIR), "@T@"))
    if case.get("first_only"):
        lines = strip("\n".join(x for x in raw.replace(str(DIR), "@T@").splitlines() if f" {first} " in x))
    hfile = qdir / "input" / (first + "-H")
    out = dict(rc=p.returncode, mainlog=lines, msglog=ml, mail=mail,
               header=header_envelope_tail(hfile.read_text().replace(str(DIR), "@T@")) if hfile.exists() else None,
               stderr=strip(p.stderr.replace(str(DIR), "@T@")) if case.get("stderr") else None,
               first_queued=hfile.exists())
    (TOP / "test" / "expected" / "deliver" / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    print(name, json.dumps(out, indent=1))


if __name__ == "__main__":
    for name in sys.argv[1:] or CASES:
        record(name, CASES[name])
