#!/usr/bin/python3
"""Record Exim 4.96's answers to command-line errors into
test/expected/cmdline/errors.json (run by hand on a machine with exim4; the
tests never need exim4).  Only cases that Exim rejects while parsing the
command line are kept: their stderr and exit status must match ours exactly.

Usage: /usr/bin/python3 test/black/cmdline_record.py
"""
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "cmdline" / "errors.json"
ID = "1xVTD9-0002qn-0J"

CASES = [
    # unknown / malformed options
    ["-Zfoo"], ["--foo"], ["-"], ["-bX"], ["-bdx"], ["-bpx"], ["-bvx"], ["-bpar"], ["-bpcx"],
    ["-bPx"], ["-bemx"], ["-bFx"], ["-bhx"], ["-bI"], ["-Ax"], ["-ea"], ["-ex"], ["-oe"],
    ["-oex"], ["-od"], ["-odx"], ["-odqx"], ["-oifalse"], ["-oZ"], ["-ox"], ["-oPfoo"],
    ["-Mx"], ["-Mvbx"], ["-MGx"], ["-Nx"], ["-mx"], ["-ix"], ["-vx"], ["-xy"], ["-tx"],
    ["-T"], ["-Tqt", "1s"], ["-Tqtx"], ["-tls-on-connectx"], ["-hx"], ["-oMx", "foo"],
    # missing arguments
    ["-f"], ["-r"], ["-F"], ["-C"], ["-L"], ["-h"], ["-p"], ["-bem"], ["-bh"], ["-bhc"],
    ["-bmalware"], ["-bF"], ["-bf"], ["-bfd"], ["-bfl"], ["-bfp"], ["-bfs"], ["-bfdx"],
    ["-X"], ["-O"], ["-z"], ["-oA"], ["-oMa"], ["-oMaa"], ["-oMai"], ["-oMas"], ["-oMi"],
    ["-oMm"], ["-oMr"], ["-oMs"], ["-oMt"], ["-oMx"], ["-or"], ["-os"], ["-R"], ["-S"],
    ["-Rf"], ["-qR"], ["-qS"], ["-qRf"], ["-qSrff"], ["-MCd"], ["-MCG"], ["-MCq"], ["-MCt"],
    ["-MCr"], ["-MCs"], ["-MCQ"],
    ["-M"], ["-Mc"], ["-Mar"], ["-Mes"], ["-Mf"], ["-Mg"], ["-Mmad"], ["-Mmd"], ["-Mrm"],
    ["-Mset"], ["-Mt"], ["-Mvb"], ["-Mvc"], ["-Mvh"], ["-Mvl"],
    # bad values
    ["-oBx"], ["-or", "5x"], ["-or5"], ["-or0"], ["-os1m30"], ["-bw0"], ["-bwx"], ["-q5x"],
    ["-qfff"], ["-q0"], ["-q", "foo"], ["-qGabc/5x"], ["-oMm", "bad"],
    ["-Lx123456789012345678901234567890123"],
    ["-Mrm", "notanid"], ["-Mrm", ID, "bad"], ["-Mes", "bad"], ["-M", ID, "-bt"],
    ["-MC", "a", "b", "c", "d"], ["-MC", "a", "b", "c", "d", "e"],
    ["-q", "-q"], ["-q", "1s", "-q"],
    # -D
    ["-D"], ["-Dfoo"], ["-D1"], ["-D", "BAR=1"], ["-DFOO BAR"], ["-DFOO-"], ['-D"FOO"'],
    ["-DA", "-DB", "-DC", "-DD", "-DE", "-DF", "-DG", "-DH", "-DI", "-DJ", "-DK"],
    # -d
    ["-d+foo"], ["-dfoo"], ["-dx"], ["-d+acl-foo"], ["-d+acl+"], ["-d+"], ["-d++acl"],
    ["-d-v"], ["-d+ACL"], ["-d0x10"], ["-d=z"], ["-d=ffffffff"], ["-d-all+v"], ["-dropcrx"],
    ["-dd+nothing"],
    # incompatible combinations
    ["-bd", "-bt"], ["-bP", "-bt"], ["-bt", "-bv"], ["-bs", "-f", "a@b"], ["-bd", "-f", "a@b"],
    ["-bw", "-q5m"], ["-Mset", ID], ["-bt", "-t"], ["-be", "-bP"], ["-bi", "-bt"],
    ["-bf", "/dev/null", "-bt"], ["-bd", "-q"], ["-bS", "-t"], ["-bv", "-bs"],
    ["-bP", "-bs"], ["-q", "-bi"],
]
CASES = [c for c in CASES if c]

NOISE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )?(Warning: purging the environment\.|"
                   r" Suggested action: use keep_environment\.|LOG: MAIN)$")


def main():
    d = tempfile.mkdtemp()
    os.chmod(d, 0o755)
    conf = Path(d) / "exim.conf"
    conf.write_text(f"primary_hostname = test.example\nspool_directory = {d}/spool\n")
    conf.chmod(0o644)
    out = []
    for args in CASES:
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf)] + args, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=20)
        err = "".join(l + "\n" for l in p.stderr.splitlines() if not NOISE.match(l))
        if p.returncode != 1 or p.stdout or err.count("\n") != 1:
            print("skipped (not a parse-time error):", args, p.returncode, repr(err[:80]))
            continue
        out.append({"args": args, "rc": p.returncode, "stderr": err})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(out)} cases written to {OUT}")


if __name__ == "__main__":
    main()
