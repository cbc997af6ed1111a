#!/usr/bin/python3
"""Record Exim 4.96's answers to the dnsdb cases of dnsdb_cases.py.

Run by hand as root (needs nsd, ip netns and Debian's exim4):
    /usr/bin/python3 test/black/record_dnsdb.py [EXIM4]
Writes test/expected/dns/dnsdb_root.txt, dnsdb_noroot.txt and
dnsdb_trust.txt: the -be transcript of each case list.  test_dnsdb.py never runs exim4.
"""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnsdb_cases as dc  # noqa: E402
from dnsworld import DnsWorld  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "dns"


def transcript(exim, conf, zones, root, cases, text=None):
    if text is not None:
        conf.write_text(text)
        conf.chmod(0o644)
    with DnsWorld(zones, root=root) as w:
        r = w.run([exim, "-C", str(conf), "-be"], input="".join(c + "\n" for c in cases))
        return r.stdout


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    d = Path(tempfile.mkdtemp(prefix="dnsdb-rec-"))
    conf = d / "exim.conf"
    conf.write_text(dc.CONF)
    conf.chmod(0o644)
    os.chmod(d, 0o755)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dnsdb_root.txt").write_text(transcript(exim4, conf, dc.ZONES, True, dc.WORLD_ROOT))
    (OUT / "dnsdb_noroot.txt").write_text(transcript(exim4, conf, dc.ZONES, False, dc.WORLD_NOROOT))
    (OUT / "dnsdb_trust.txt").write_text(transcript(exim4, conf, dc.ZONES, True, dc.WORLD_TRUST,
                                                    dc.CONF_TRUST))
    conf.unlink()
    d.rmdir()
    print("recorded into", OUT)


if __name__ == "__main__":
    main()
