#!/usr/bin/python3
"""Record how Exim 4.96 (exim4) extracts the working address of a mailbox,
for the cases in extract_cases.txt (one mailbox a line; \\xHH stands for a
byte that cannot be written plainly, {N*c} for N copies of c), into
extract.tsv for the unit test test/unit/test_address.c.

Each case goes through an exim4 -bh session twice: as the MAIL FROM
argument (an empty address allowed; the deny ACL prints $sender_address)
and as the RCPT TO argument (no empty address; only success or the error
text is used).  HELO, not EHLO, so the whole argument is the address.
Both with allow_domain_literals false and true.

extract.tsv: hex(mailbox) TAB literals(0|1) TAB kind(M|R) TAB ok(0|1) TAB
hex(result or error text).  An unqualified MAIL result is written without
the recording's qualify_domain.

Run as root: ./record_extract.py  (needs exim4; tests never do).
"""
import os
import re
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUAL = "Q.INVALID"
CONF = """primary_hostname = test.example
qualify_domain = %s
sender_unqualified_hosts = *
recipient_unqualified_hosts = *
allow_domain_literals = %s
acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt
begin acl
acl_mail:
  accept condition = ${if eq{$sender_address}{}}
  deny message = S=[$sender_address]
acl_rcpt:
  deny message = R=OK
"""


def unescape(line):
    line = re.sub(r"\{(\d+)\*(.)\}", lambda m: m.group(2) * int(m.group(1)), line)
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), line)


def replies(out):
    """The replies of a session, continuation lines joined by spaces."""
    res, cur = [], None
    for ln in out.split("\n"):
        ln = ln.rstrip("\r")
        if len(ln) < 4 or not ln[:3].isdigit():
            continue
        text = ln[4:] if cur is None else cur[1] + " " + ln[4:]
        cur = (ln[:3], text)
        if ln[3] == " ":
            res.append(cur)
            cur = None
    return res


def run(conf, case):
    data = ("HELO x\r\nMAIL FROM:%s\r\nRSET\r\nMAIL FROM:<>\r\nRCPT TO:%s\r\nQUIT\r\n"
            % (case, case)).encode("latin-1")
    p = subprocess.run(["/usr/sbin/exim4", "-C", conf, "-bh", "10.0.0.1"], input=data,
                       capture_output=True)
    r = replies(p.stdout.decode("latin-1"))
    # greeting, HELO, MAIL, RSET, MAIL, RCPT, QUIT
    return r[2], r[5]


def classify(case, kind, reply):
    code, text = reply
    if kind == "M":
        if code == "250":
            return "1", ""
        if code == "550" and text.startswith("S=[") and text.endswith("]"):
            a = text[3:-1]
            if a.endswith("@" + QUAL):
                a = a[:-len(QUAL) - 1]
            return "1", a
    elif code == "550" and text == "R=OK":
        return "1", ""
    pre = case + ": "
    if code == "501" and text.startswith(pre):
        return "0", text[len(pre):]
    return "0", code + " " + text


def main():
    cases = [unescape(c) for c in HERE.joinpath("extract_cases.txt").read_text(
        encoding="latin-1").split("\n") if c]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for lits in ("0", "1"):
            conf = Path(d) / ("conf" + lits)
            conf.write_text(CONF % (QUAL, "true" if lits == "1" else "false"))
            os.chmod(conf, 0o644)
            for c in cases:
                m, r = run(str(conf), c)
                for kind, rep in (("M", m), ("R", r)):
                    ok, out = classify(c, kind, rep)
                    rows.append("\t".join([c.encode("latin-1").hex() or "-", lits, kind, ok,
                                           out.encode("latin-1").hex() or "-"]))
    HERE.joinpath("extract.tsv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
