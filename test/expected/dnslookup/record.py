#!/usr/bin/python3
"""Record exim4's answers for the dnslookup cases (dnslookup_cases.py).

Run as root on a machine with Exim 4.96 as /usr/sbin/exim4, nsd and ip:
    test/expected/dnslookup/record.py [name-substring]
writes test/expected/dnslookup/cases.json: each case with exim4's stdout,
exit code and (with "stderr") its standard error.  Each world of dnslookup_cases.py
is started once (test/black/dnsworld.py) and every case of it run inside.
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "black"))
from dnslookup_cases import (ADDRESSES, CASES, DELIVER_CASES, WORLDS, conf_text,  # noqa: E402
                             deliver_run, prepare)
from dnsworld import DnsWorld  # noqa: E402

EXIM4 = "/usr/sbin/exim4"


def run_case(w, c, d, exe):
    prepare(d)
    cp = d / "exim.conf"
    cp.write_text(conf_text(c).replace("@DIR@", str(d)))
    os.chmod(cp, 0o644)
    return w.run([exe, "-C", str(cp)] + c["opts"] + c["args"], input=c["stdin"] or "", env=c.get("env"))


# exim4 keeps root (to deliver as the transport's user) only for a
# configuration listed in /etc/exim4/trusted_configs, and reads only the
# first kilobyte or so of that file: one fixed path, listed once.
DELIVER_DIR = Path("/tmp/d1rw/w")


def record_deliveries(only):
    """deliver_<name>.txt: the file the message was delivered to, normalised."""
    tc = Path("/etc/exim4/trusted_configs")
    conf = DELIVER_DIR / "exim.conf"
    if str(conf) not in (tc.read_text().split() if tc.exists() else []):
        with tc.open("a") as f:
            f.write(str(conf) + "\n")
    for name, ropts, wname, msg in DELIVER_CASES:
        if only and only not in "deliver_" + name:
            continue
        spec = WORLDS[wname]
        shutil.rmtree(DELIVER_DIR, ignore_errors=True)
        DELIVER_DIR.mkdir(parents=True)
        DELIVER_DIR.chmod(0o755)
        with DnsWorld(spec["zones"], ADDRESSES, spec["root"], spec.get("search")) as w:
            text = deliver_run(w, DELIVER_DIR, EXIM4, ropts, msg)
        (HERE / f"deliver_{name}.txt").write_text(text)
        print("deliver_" + name, text.replace("\n", " | ")[:300])


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    out_path = HERE / "cases.json"
    old = {c["name"]: c for c in json.loads(out_path.read_text())} if out_path.exists() else {}
    results = dict(old)
    for wname, spec in WORLDS.items():
        todo = [c for c in CASES if c["world"] == wname and (not only or only in c["name"])]
        if not todo:
            continue
        with DnsWorld(spec["zones"], ADDRESSES, spec["root"], spec.get("search")) as w:
            for c in todo:
                d = Path(tempfile.mkdtemp(prefix="dl-rec-"))
                os.chmod(d, 0o755)
                r = run_case(w, c, d, EXIM4)
                e = dict(c)
                e["out"] = r.stdout.replace(str(d), "@DIR@")
                e["rc"] = r.returncode
                e["err"] = r.stderr.replace(str(d), "@DIR@")
                results[c["name"]] = e
                print(c["name"], r.returncode, e["out"].strip().replace("\n", " | ")[:300])
    record_deliveries(only)
    names = [c["name"] for c in CASES]
    ordered = [results[n] for n in names if n in results]
    out_path.write_text(json.dumps(ordered, indent=1) + "\n")


if __name__ == "__main__":
    main()
