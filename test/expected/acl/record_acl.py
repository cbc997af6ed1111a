#!/usr/bin/python3
"""Record the ACL expansion cases from Exim 4.96: run
`exim4 -C expand.conf -be STRING` for each input below and write
expand_cases.json (input, stdout).  Needs root (exim4 wants a root-owned
config); run from anywhere: python3 test/expected/acl/record_acl.py
"""
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = []
for a in ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a10", "a11", "a12", "a13", "a14",
          "a15", "a16", "a17", "a18", "a19", "a20", "a21", "a22", "a23", "o1", "o2", "o3",
          "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13", "nosuch", "accept", "deny message = xx", "accept condition = 0",
          "accept condition = yes", "accept condition = 17", "accept condition = -1",
          "accept condition = +1", "accept condition = 1.5", "accept condition = 00",
          "accept condition = -0", "accept condition = YES", "accept condition = True",
          "warn set acl_c_z = 5\naccept message = $acl_c_z"]:
    INPUTS.append("[${acl{%s}{x}{y}}] ${if acl{{%s}{x}}{T}{F}}" % (a, a))
INPUTS += ["${acl{a9}{p}{q}}", "${acl{a9}}", "${acl{a1}}", "$acl_narg ${acl{a9}{1}{2}} $acl_narg",
           "${acl{a9}{1}{2}{3}{4}{5}{6}{7}{8}{9}}",
           "${acl{outer}{x}{y}} $acl_narg"]

with tempfile.TemporaryDirectory() as d:
    conf = os.path.join(d, "expand.conf")
    shutil.copy(os.path.join(HERE, "expand.conf"), conf)
    os.chmod(conf, 0o644)
    out = []
    for s in INPUTS:
        p = subprocess.run(["exim4", "-C", conf, "-be", s], capture_output=True, text=True)
        out.append({"in": s, "out": p.stdout})
with open(os.path.join(HERE, "expand_cases.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
