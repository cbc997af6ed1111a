#!/usr/bin/python3
"""Record Exim 4.96's -bh transcripts of the dnslists cases in
dnslists_cases.py, each in a DNS world of its own (dnsworld.py).

Run by hand as root (nsd, ip netns, Debian's exim4):
    /usr/bin/python3 test/black/record_dnslists.py [EXIM4]
Writes test/expected/dns/dnslists/<case>.out (SMTP replies) and .err (the
commentary and LOG: lines), with the case's directory as @DIR@.
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnslists_cases as dc  # noqa: E402
from dnsworld import DnsWorld  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "dns" / "dnslists"


def run_case(exim, d, case):
    name, acl, host, root, connect = case
    for sub in ("spool", "log"):
        (d / sub).mkdir(exist_ok=True)
    conf = d / "c.conf"
    conf.write_text(dc.config(str(d), acl, connect))
    conf.chmod(0o644)
    with DnsWorld(dc.ZONES, root=root) as w:
        r = w.run([exim, "-C", str(conf), "-bh", host], input=dc.SESSION)
    return r.stdout, r.stderr.replace(str(d), "@DIR@")


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    OUT.mkdir(parents=True, exist_ok=True)
    for case in dc.CASES:
        d = Path(tempfile.mkdtemp(prefix="dnsl-rec-"))
        d.chmod(0o755)
        try:
            out, err = run_case(exim4, d, case)
        finally:
            shutil.rmtree(d)
        (OUT / (case[0] + ".out")).write_text(out)
        (OUT / (case[0] + ".err")).write_text(err)
    print(f"recorded {len(dc.CASES)} cases into {OUT}")


if __name__ == "__main__":
    main()
