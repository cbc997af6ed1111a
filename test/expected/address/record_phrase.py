#!/usr/bin/python3
"""Record how Exim 4.96 (exim4) writes a full name into the From: header it
adds for a local message (exim4 -t -F NAME), for the 7-bit names in
phrase_cases.txt (one a line; \\t for a tab, {N*c} for N copies of c), into
phrase.tsv: hex(name) TAB hex(phrase as written before " <address>").
test/unit/test_address.c checks address_fix_phrase() against it.

Run as root: ./record_phrase.py  (needs exim4; tests never do).  The
messages are only queued (-odq) in a temporary spool.
"""
import glob
import os
import re
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def unescape(line):
    line = re.sub(r"\{(\d+)\*(.)\}", lambda m: m.group(2) * int(m.group(1)), line)
    return line.replace("\\t", "\t")


def main():
    names = [unescape(c) for c in HERE.joinpath("phrase_cases.txt").read_text().split("\n") if c]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        conf = Path(d) / "conf"
        conf.write_text("primary_hostname = test.example\nqualify_domain = q.invalid\n"
                        "spool_directory = %s/spool\nlog_file_path = %s/%%slog\n"
                        "exim_user = root\nexim_group = root\n" % (d, d))
        os.chmod(conf, 0o644)
        for n in names:
            for f in glob.glob(d + "/spool/input/*"):
                os.unlink(f)
            subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-odq", "-t", "-F", n],
                           input=b"To: a@b\nSubject: x\n\nbody\n", capture_output=True, check=True)
            h = [f for f in glob.glob(d + "/spool/input/*-H")]
            text = Path(h[0]).read_text(encoding="latin-1")
            m = re.search(r"^\d{3}F From: (.*) <root@q\.invalid>$", text, re.M)
            rows.append(n.encode("latin-1").hex() + "\t" + m.group(1).encode("latin-1").hex())
    HERE.joinpath("phrase.tsv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
