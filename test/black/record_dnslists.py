#!/usr/bin/python3
"""Record Exim 4.96's -bh transcripts of the dnslists cases in
dnslists_cases.py, each in a DNS world of its own (dnsworld.py).

Run by hand as root (nsd, ip netns, Debian's exim4):
    /usr/bin/python3 test/black/record_dnslists.py [EXIM4]
Writes test/expected/dns/dnslists/<case>.out (SMTP replies) and .err (the
commentary and LOG: lines), with the case's directory as @DIR@.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnslists_cases as dc  # noqa: E402
from bh_world import record, run_bh  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "test" / "expected" / "dns" / "dnslists"


def run_case(exim, d, case):
    name, acl, host, root, connect = case
    return run_bh(exim, d, dc.config(str(d), acl, connect), dc.ZONES, root, host, dc.SESSION)


if __name__ == "__main__":
    record(dc.CASES, OUT, run_case, "dnsl-rec-")
