#!/usr/bin/python3
"""Record exim4 -bh transcripts for the cases of verify_cases.py into
bh/<name>.out (SMTP replies) and bh/<name>.err (ACL commentary, LOG: lines).
Run as root with Exim 4.96 as /usr/sbin/exim4."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from record import FILES
from verify_cases import CASES

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from dnsworld import DnsWorld  # noqa: E402


def main():
    # Inside a DNS world of nothing but the root zone: no name reaches this
    # machine's resolver.
    with DnsWorld({}) as w:
        record(w.prefix())


def record(prefix):
    for name, conf, session in CASES:
        d = Path(tempfile.mkdtemp(prefix="route-bh-"))
        os.chmod(d, 0o755)
        for sub in ("log", "spool"):
            (d / sub).mkdir()
            os.chmod(d / sub, 0o777)
        for f, text in FILES.items():
            (d / f).write_text(text)
            os.chmod(d / f, 0o644)
        c = d / "c.conf"
        c.write_text(conf.replace("@DIR@", str(d)))
        os.chmod(c, 0o644)
        p = subprocess.run(prefix + ["/usr/sbin/exim4", "-C", str(c), "-bh", "10.0.0.1"],
                           input=session, capture_output=True, text=True)
        (HERE / "bh" / (name + ".out")).write_text(p.stdout.replace(str(d), "@DIR@"))
        (HERE / "bh" / (name + ".err")).write_text(p.stderr.replace(str(d), "@DIR@"))
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
