#!/usr/bin/python3
"""Record the expected outputs of core_cases.txt (or the NAME.txt given as
argument, e.g. items_cases) from Exim 4.96 (exim4).

Each line of the case file is one expansion string; @FIX@ stands for the
fixture directory core_fix/.  Writes core_cases.json: a list of
{"in": string, "out": stdout of `exim4 -C conf -be string`} with the
fixture path put back as @FIX@.  Run by hand (as root) where exim4 is
installed; tests never need exim4.
"""
import json
import sys
import os
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIX = str(HERE / "core_fix")
CONF = "primary_hostname = test.example\nqualify_domain = example.org\n"


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "core_cases"
    cases = HERE.joinpath(name + ".txt").read_text().split("\n")
    if cases and cases[-1] == "":
        cases.pop()
    out = []
    with tempfile.TemporaryDirectory() as d:
        conf = Path(d) / "conf"
        conf.write_text(CONF)
        os.chmod(conf, 0o644)
        for c in cases:
            s = c.replace("@FIX@", FIX)
            p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be", s],
                               capture_output=True, text=True, errors="replace",
                               stdin=subprocess.DEVNULL)
            out.append({"in": c, "out": p.stdout.replace(FIX, "@FIX@")})
    HERE.joinpath(name + ".json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
