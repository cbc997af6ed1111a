#!/usr/bin/python3
"""Record the messages exim4 generates for the cases in bounce_cases.py into
test/expected/bounce/<name>.json: every mailbox file written and the main
log.  Run as root on a machine with exim4 (the config path is added to
/etc/exim4/trusted_configs so that exim4 keeps root for deliveries):
    /usr/bin/python3 test/black/record_bounce.py [names...]
The run directory is written back as @DIR@.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bounce_cases import CASES, CONF, FILES  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
DIR = "/tmp/bounce-rec"
EXIM = "/usr/sbin/exim4"


def setup(main):
    subprocess.run(["rm", "-rf", DIR], check=True)
    for d in ("", "/log", "/spool", "/mail"):
        os.makedirs(DIR + d, exist_ok=True)
        os.chmod(DIR + d, 0o777)
    for name, text in FILES.items():
        Path(DIR, name).write_text(text)
        if name.endswith(".sh"):
            os.chmod(Path(DIR, name), 0o755)
    conf = Path(DIR, "conf")
    conf.write_text(CONF.replace("@MAIN@", main).replace("@DIR@", DIR))
    os.chmod(conf, 0o644)
    tc = Path("/etc/exim4/trusted_configs")
    if str(conf) not in (tc.read_text().split() if tc.exists() else []):
        with tc.open("a") as f:
            f.write(str(conf) + "\n")
    return str(conf)


def run(case):
    name, main, mode, sender, rcpts, text = case
    conf = setup(main.replace("@DIR@", DIR))
    rc = 0
    if mode == "cmd":
        subprocess.run([EXIM, "-C", conf, "-odi", "-f", sender] + rcpts, input=text, text=True, check=True)
    elif mode == "oe":
        rc = subprocess.run([EXIM, "-C", conf, "-odi", "-f", sender] + rcpts, input=text, text=True).returncode
        for _ in range(100):   # the report is delivered by its own process
            if Path(DIR, "mail", "sender").exists() and "Completed" in Path(DIR, "log", "mainlog").read_text():
                break
            time.sleep(0.1)
        time.sleep(0.5)
    elif mode == "smtp":
        subprocess.run([EXIM, "-C", conf, "-odi", "-bs"], input=text, text=True, check=True,
                       capture_output=True)
    else:
        if mode.startswith("smtpwarn"):   # received over SMTP (DSN options), then as "warnN"
            subprocess.run([EXIM, "-C", conf, "-odq", "-bs"], input=text, text=True, check=True,
                           capture_output=True)
            mode = mode[4:]
        else:
            subprocess.run([EXIM, "-C", conf, "-odq", "-f", sender] + rcpts, input=text, text=True, check=True)
        ids = subprocess.run([EXIM, "-C", conf, "-bpru"], capture_output=True, text=True).stdout
        mid = ids.split()[2]
        age = int("".join(c for c in mode if c.isdigit()) or 0)
        if age:   # "warnN": the message made N seconds older in its -H file
            h = next(Path(DIR, "spool", "input").glob("*-H"))
            lines = h.read_text().split("\n")
            t, count = lines[3].split()
            lines[3] = "%d %s" % (int(t) - age, count)
            h.write_text("\n".join(lines))
        else:
            time.sleep(2)
        if mode == "giveup":
            subprocess.run([EXIM, "-C", conf, "-Mg", mid], check=True)
        elif mode.startswith("frozen"):   # "frozenN": frozen, N seconds old, then a queue run
            subprocess.run([EXIM, "-C", conf, "-Mf", mid], check=True, capture_output=True)
            subprocess.run([EXIM, "-C", conf, "-q"], check=True)
        else:
            subprocess.run([EXIM, "-C", conf, "-M", mid], check=True)
        for _ in range(30 if "none" in name or "condition" in name else 100):   # the warning is delivered by its own process
            if Path(DIR, "mail", "sender").exists() and "Completed" in Path(DIR, "log", "mainlog").read_text().split("R=" + mid)[-1]:
                break
            time.sleep(0.1)
    mail = {p.name: p.read_text() for p in sorted(Path(DIR, "mail").iterdir())}
    log = Path(DIR, "log", "mainlog").read_text()
    return {"mail": mail, "mainlog": log, "rc": rc}


def main():
    names = sys.argv[1:]
    for case in CASES:
        if names and case[0] not in names:
            continue
        out = TOP / "test" / "expected" / "bounce" / (case[0] + ".json")
        out.write_text(json.dumps(run(case), indent=1) + "\n")
        print(case[0], "->", out)


if __name__ == "__main__":
    main()
