#!/usr/bin/python3
"""Record exim4 -bh transcripts for the cases of verify_cases.py into
bh/<name>.out (SMTP replies) and bh/<name>.err (ACL commentary, LOG: lines).
Run as root with Exim 4.96 as /usr/sbin/exim4."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from record import FILES
from verify_cases import CASES

HERE = Path(__file__).resolve().parent


def main():
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
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(c), "-bh", "10.0.0.1"], input=session,
                           capture_output=True, text=True)
        (HERE / "bh" / (name + ".out")).write_text(p.stdout.replace(str(d), "@DIR@"))
        (HERE / "bh" / (name + ".err")).write_text(p.stderr.replace(str(d), "@DIR@"))
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
