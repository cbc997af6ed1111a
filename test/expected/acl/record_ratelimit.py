#!/usr/bin/python3
"""Record ratelimit and seen cases from Exim 4.96: each case is a list of
-be strings run one after the other (separate exim4 processes) against
ratelimit.conf with a fresh spool directory (owned by Debian-exim, which
exim4 runs as), writing ratelimit_cases.json.  Run as root:
python3 test/expected/acl/record_ratelimit.py
"""
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
R = "${if acl{{%s}}{Y}{N}} ${acl{show}}"
CASES = [
    [R % "lk"] * 5,
    [R % "st"] * 4,
    [R % "ro"],
    [R % "lk", R % "lk", R % "ro", R % "nu", R % "ro"],
    ["%s %s %s" % (R % "pm", R % "pm", R % "pm"), R % "pm"],
    ["%s %s %s" % (R % "pc", R % "pc", R % "pc"), R % "pc"],
    ["${if acl{{un}{a}}{Y}{N}} ${if acl{{un}{b}}{Y}{N}} ${if acl{{un}{a}}{Y}{N}} ${acl{show}}"],
    ["${if acl{{un}{a}}{Y}{N}} ${acl{show}}", "${if acl{{un}{a}}{Y}{N}} ${acl{show}}",
     "${if acl{{un}{c}}{Y}{N}} ${acl{show}}", "${if acl{{un}{d}}{Y}{N}} ${acl{show}}"],
    [R % "cnt", R % "cnt"],
    [R % "big", R % "big"],
    [R % "bad1", R % "bad2"],
    ["${if acl{{sn}{k}}{Y}{N}}", "${if acl{{sn}{k}}{Y}{N}}", "${if acl{{sb}{k}}{Y}{N}}"],
    ["${if acl{{sr}{k}}{Y}{N}}", "${if acl{{sr}{k}}{Y}{N}}", "${if acl{{sb}{k}}{Y}{N}}",
     "${if acl{{sn}{k}}{Y}{N}}"],
    ["${if acl{{sb}{k}}{Y}{N}}", "${if acl{{sb}{k}}{Y}{N}}", "${if acl{{sw}{k}}{Y}{N}}",
     "${if acl{{sn}{k}}{Y}{N}}"],
]

out = []
conf_text = open(os.path.join(HERE, "ratelimit.conf")).read()
for case in CASES:
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        spool = os.path.join(d, "spool")
        os.mkdir(spool)
        shutil.chown(spool, "Debian-exim", "Debian-exim")
        conf = os.path.join(d, "c.conf")
        with open(conf, "w") as f:
            f.write(conf_text.replace("@SPOOL@", spool))
        os.chmod(conf, 0o644)
        res = []
        for s in case:
            p = subprocess.run(["exim4", "-C", conf, "-be", s], capture_output=True, text=True)
            res.append(p.stdout)
        out.append({"in": case, "out": res})
with open(os.path.join(HERE, "ratelimit_cases.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
