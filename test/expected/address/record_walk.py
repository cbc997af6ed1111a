#!/usr/bin/python3
"""Record how Exim 4.96 (exim4) walks the address list of a To: header, for
the values in walk_cases.txt (one a line; \\n and \\t stand for a newline
and a tab, for folded values), into walk.tsv for test/unit/test_address.c:

  hex(value) TAB hex(verify) TAB hex(recipients)

verify: what `verify = header_syntax` says in a DATA ACL (exim4 -bh):
"OK", or the error and the failing item as "ERROR\\tITEM".
recipients: the envelope recipients that `exim4 -t` takes from the header
(queued only, -odq, in a temporary spool), one per line, in order; an
unqualified one gets the recording's qualify_domain q.invalid.

Run as root: ./record_walk.py  (needs exim4; tests never do).
"""
import glob
import os
import re
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACL_CONF = """primary_hostname = test.example
qualify_domain = q.invalid
acl_smtp_rcpt = acl_rcpt
acl_smtp_data = acl_data
begin acl
acl_rcpt:
  accept
acl_data:
  require verify = header_syntax
  deny message = OK
"""
T_CONF = """primary_hostname = test.example
qualify_domain = q.invalid
spool_directory = %s/spool
log_file_path = %s/%%slog
exim_user = root
exim_group = root
"""


def unescape(line):
    return line.replace("\\n", "\n").replace("\\t", "\t")


def verify(conf, value):
    data = ("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nTo: %s\r\nSubject: x\r\n"
            "\r\nbody\r\n.\r\nQUIT\r\n" % value.replace("\n", "\r\n")).encode("latin-1")
    p = subprocess.run(["/usr/sbin/exim4", "-C", conf, "-bh", "192.0.2.1"], input=data,
                       capture_output=True)
    for ln in p.stderr.decode("latin-1").split("\n"):
        m = re.match(r'LOG: .* rejected after DATA: (.*): failing address in "To:" header '
                     r'is: (.*)$', ln)
        if m:
            return m.group(1) + "\t" + m.group(2)
        if ln.startswith("LOG: ") and ln.endswith("rejected after DATA: OK"):
            return "OK"
    return "?"


def recipients(d, conf, value):
    for f in glob.glob(d + "/spool/input/*"):
        os.unlink(f)
    subprocess.run(["/usr/sbin/exim4", "-C", conf, "-odq", "-t"],
                   input=("To: %s\nSubject: x\n\nbody\n" % value).encode("latin-1"),
                   capture_output=True)
    for h in glob.glob(d + "/spool/input/*-H"):
        text = Path(h).read_text(encoding="latin-1")
        if "\n-local\n" not in text:
            continue   # a bounce about bad addresses
        lines = text.split("\n")
        i = lines.index("XX")
        n = int(lines[i + 1])
        return "\n".join(lines[i + 2:i + 2 + n])
    return ""


def main():
    values = [unescape(c) for c in HERE.joinpath("walk_cases.txt").read_text().split("\n") if c]
    rows = []
    # a bounce about bad addresses may still be written as the directory goes
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as d:
        aconf = Path(d) / "acl.conf"
        aconf.write_text(ACL_CONF)
        tconf = Path(d) / "t.conf"
        tconf.write_text(T_CONF % (d, d))
        for c in (aconf, tconf):
            os.chmod(c, 0o644)
        for v in values:
            rows.append("\t".join(x.encode("latin-1").hex() or "-" for x in
                                  (v, verify(str(aconf), v), recipients(d, str(tconf), v))))
    HERE.joinpath("walk.tsv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
