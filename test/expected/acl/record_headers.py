#!/usr/bin/python3
"""Record where add_header/remove_header/message-on-warn put header lines:
exim4 -C headers.conf -odq a@b with a small message, then the header part
of the spool -H file (lengths, dates and ids left out) into headers.H.
Run as root: python3 test/expected/acl/record_headers.py
"""
import glob
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MESSAGE = "To: a@b\nSubject: s\nX-Gone: g\n\nbody\n"


def headers_of(hfile):
    """The header lines of a -H file without length, ids and dates."""
    lines = open(hfile).read().split("\n")
    for i, l in enumerate(lines):
        if l[:3].isdigit() and len(l) > 4 and l[4] == " " and l[3] in "ABCDEFGHIJKLMNOPQRSTUVWXYZ* ":
            break
    out = []
    for l in lines[i:]:
        l = l.lstrip("0123456789")
        if not l or l.startswith("\t") or "Message-Id:" in l or " Date:" in l:
            continue
        out.append(l)
    return "\n".join(out) + "\n"


def record(exim, d):
    spool = os.path.join(d, "spool")
    conf = os.path.join(d, "c.conf")
    with open(conf, "w") as f:
        f.write(open(os.path.join(HERE, "headers.conf")).read().replace("@DIR@", d))
    os.chmod(conf, 0o644)
    subprocess.run([exim, "-C", conf, "-odq", "a@b"], input=MESSAGE, text=True, check=True)
    return headers_of(glob.glob(os.path.join(spool, "input", "*-H"))[0])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        os.mkdir(os.path.join(d, "spool"))
        shutil.chown(os.path.join(d, "spool"), "Debian-exim", "Debian-exim")
        shutil.chown(d, "Debian-exim", "Debian-exim")
        text = record("exim4", d)
    with open(os.path.join(HERE, "headers.H"), "w") as f:
        f.write(text)
