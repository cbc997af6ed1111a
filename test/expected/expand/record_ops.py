#!/usr/bin/python3
"""Record the expansion operator cases (ops_cases.txt, one expansion string
per line) from the Exim 4.96 oracle (/usr/sbin/exim4 -be) into ops.json,
and derive ops_cases.tsv for the C unit test test/unit/test_ops_recorded.c.

ops.json: list of {"expr", "ok", "out"} where out is the printed result
(ok true) or the error text after "Failed: " (ok false).
ops_cases.tsv: word, argument, ok, out, each hex-encoded, one case a line,
only for cases of the plain form ${word:arg} whose argument holds no
expansion (the unit test calls the operator directly); cases that need a
configuration (listnamed) or the engine (expand) are left to -be tests.

Run as root: ./record_ops.py  (needs exim4 installed; tests never do).
"""
import json
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = """primary_hostname = test.example
headers_charset = UTF-8
domainlist dl = a.com : b.com : *.c.com
hostlist hl = 1.2.3.4 : <; ::1 ; 10.0.0.0/8
addresslist al = x@y : "a:b"@c
localpartlist ll = postmaster : abuse
domainlist nest = +dl : x.com : a::b
domainlist bad = +nope : x
"""


def unescape(s):
    """The backslash escapes of an expansion string (spec 11.1)."""
    out = bytearray()
    i = 0
    b = s.encode("latin-1")
    while i < len(b):
        c = b[i]
        if c != 0x5C or i + 1 >= len(b):
            out.append(c)
            i += 1
            continue
        n = chr(b[i + 1])
        if n in "ntr":
            out.append({"n": 10, "t": 9, "r": 13}[n])
            i += 2
        elif n == "x" and i + 2 < len(b) and chr(b[i + 2]) in "0123456789abcdefABCDEF":
            m = re.match(rb"[0-9a-fA-F]{1,2}", b[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(rb"[0-7]{1,3}", b[i + 1:])
            out.append(int(m.group(0), 8) & 255)
            i += 1 + len(m.group(0))
        else:
            out.append(b[i + 1])
            i += 2
    return bytes(out)


def main():
    exprs = []
    with open(os.path.join(HERE, "ops_cases.txt"), encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and line not in exprs:
                exprs.append(line)
    d = tempfile.mkdtemp()
    conf = os.path.join(d, "conf")
    with open(conf, "w") as f:
        f.write(CONF)
    os.chmod(conf, 0o644)
    cases, tsv = [], []
    for e in exprs:
        r = subprocess.run(["/usr/sbin/exim4", "-C", conf, "-be", e.encode("latin-1")],
                           capture_output=True)
        out = r.stdout[:-1] if r.stdout.endswith(b"\n") else r.stdout
        ok = not out.startswith(b"Failed: ")
        if not ok:
            out = out[len(b"Failed: "):]
        cases.append({"expr": e, "ok": ok, "out": out.decode("latin-1")})
        m = re.fullmatch(r"\$\{([a-z0-9_]+):(.*)\}", e, re.S)
        if not m or re.search(r"(?<!\\)[${}]", m.group(2)):
            continue
        word = m.group(1)
        if word.startswith(("listnamed", "expand", "stat", "utf8_")):
            continue
        arg = unescape(m.group(2))
        tsv.append("\t".join([word.encode().hex() or "-", arg.hex() or "-", "1" if ok else "0",
                              out.hex() or "-"]))
    with open(os.path.join(HERE, "ops.json"), "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=True)
        f.write("\n")
    with open(os.path.join(HERE, "ops_cases.tsv"), "w") as f:
        f.write("\n".join(tsv) + "\n")
    print(f"{len(cases)} cases recorded, {len(tsv)} for the unit test")


if __name__ == "__main__":
    main()
