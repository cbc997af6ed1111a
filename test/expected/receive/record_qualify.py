#!/usr/bin/python3
"""Record how Exim 4.96 (exim4) qualifies unqualified addresses in the
headers of a local message: for each Cc: value in qualify_cases.txt, the
Cc: header that `exim4 -odq -t` keeps (qualify_domain = q.invalid), into
qualify.tsv: hex(value) TAB hex(new value).  test_receive_local.py runs
our exim the same way and compares.

Run as root: ./record_qualify.py  (needs exim4; tests never do).
"""
import glob
import os
import re
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONF = """primary_hostname = test.example
qualify_domain = q.invalid
spool_directory = %s/spool
log_file_path = %s/%%slog
exim_user = root
exim_group = root
"""


def main():
    values = [c for c in HERE.joinpath("qualify_cases.txt").read_text().split("\n") if c]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        conf = Path(d) / "conf"
        conf.write_text(CONF % (d, d))
        os.chmod(conf, 0o644)
        for v in values:
            for f in glob.glob(d + "/spool/input/*"):
                os.unlink(f)
            subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-odq", "-t"],
                           input=("To: t@keep.example\nCc: %s\nSubject: x\n\nbody\n" % v).encode(),
                           capture_output=True, check=True)
            text = Path(glob.glob(d + "/spool/input/*-H")[0]).read_text()
            m = re.search(r"^\d{3}C Cc: (.*)$", text, re.M)
            rows.append(v.encode().hex() + "\t" + m.group(1).encode().hex())
    HERE.joinpath("qualify.tsv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
