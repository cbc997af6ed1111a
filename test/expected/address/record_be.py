#!/usr/bin/python3
"""Record exim4 -be results of the address operators for be_cases.txt (one
expansion string a line) with allow_domain_literals false and true, into
be.json: a list of {"in", "literals", "out"} (stdout of exim4 -be).
test/black/test_address.py runs them against build/exim: they check that
the configuration's allow_domain_literals reaches the address parser.

Run as root: ./record_be.py  (needs exim4 installed; tests never do).
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONF = "primary_hostname = test.example\nqualify_domain = example.org\n" \
       "allow_domain_literals = %s\n"


def main():
    cases = [c for c in HERE.joinpath("be_cases.txt").read_text().split("\n") if c]
    out = []
    with tempfile.TemporaryDirectory() as d:
        for lits in (False, True):
            conf = Path(d) / "conf"
            conf.write_text(CONF % ("true" if lits else "false"))
            os.chmod(conf, 0o644)
            for c in cases:
                p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be", c],
                                   capture_output=True, text=True, errors="replace",
                                   stdin=subprocess.DEVNULL)
                out.append({"in": c, "literals": lits, "out": p.stdout})
    HERE.joinpath("be.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
