#!/usr/bin/python3
"""Record Exim 4.96's -bh transcripts of the host name lookup and CSA cases
in host_lookup_cases.py, each in a DNS world of its own (dnsworld.py).

Run by hand as root (nsd, ip netns, Debian's exim4):
    /usr/bin/python3 test/black/record_host_lookup.py [EXIM4]
Writes test/expected/dns/host_lookup/<case>.out (SMTP replies) and .err (the
commentary and LOG: lines), with the case's directory as @DIR@.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import host_lookup_cases as dc  # noqa: E402
from bh_world import record, run_bh  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "test" / "expected" / "dns" / "host_lookup"


def run_case(exim, d, case):
    name, main, acl, host, root, helo = case
    return run_bh(exim, d, dc.config(str(d), main, acl), dc.ZONES, root, host, dc.session(helo))


if __name__ == "__main__":
    record(dc.CASES, OUT, run_case, "hl-rec-")
