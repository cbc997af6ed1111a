#!/usr/bin/python3
"""Record Exim 4.96's -bh transcripts of the host name lookup and CSA cases
in host_lookup_cases.py, each in a DNS world of its own (dnsworld.py).

Run by hand as root (nsd, ip netns, Debian's exim4):
    /usr/bin/python3 test/black/record_host_lookup.py [EXIM4]
Writes test/expected/dns/host_lookup/<case>.out (SMTP replies) and .err (the
commentary and LOG: lines), with the case's directory as @DIR@.
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import host_lookup_cases as dc  # noqa: E402
from dnsworld import DnsWorld  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "dns" / "host_lookup"


def run_case(exim, d, case):
    name, main, acl, host, root, helo = case
    for sub in ("spool", "log"):
        (d / sub).mkdir(exist_ok=True)
    conf = d / "c.conf"
    conf.write_text(dc.config(str(d), main, acl))
    conf.chmod(0o644)
    with DnsWorld(dc.ZONES, root=root) as w:
        r = w.run([exim, "-C", str(conf), "-bh", host], input=dc.session(helo))
    return r.stdout, r.stderr.replace(str(d), "@DIR@")


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    OUT.mkdir(parents=True, exist_ok=True)
    for case in dc.CASES:
        d = Path(tempfile.mkdtemp(prefix="hl-rec-"))
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
