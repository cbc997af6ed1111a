#!/usr/bin/python3
"""Record exim4 -bh transcripts for bh_cases.py: for each case, stdout
(the SMTP responses) and stderr (the ACL commentary and LOG: lines) into
bh/<name>.out and bh/<name>.err.  Run as root:
python3 test/expected/acl/record_bh.py [name...]
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bh_cases import BASE, CASES, prepare  # noqa: E402

os.makedirs(os.path.join(HERE, "bh"), exist_ok=True)
for name, conf, session, host in CASES:
    if sys.argv[1:] and name not in sys.argv[1:]:
        continue
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        for sub in ("spool", "log"):
            os.mkdir(os.path.join(d, sub))
            shutil.chown(os.path.join(d, sub), "Debian-exim", "Debian-exim")
        c = os.path.join(d, "c.conf")
        with open(c, "w") as f:
            f.write(BASE.replace("@LOG@", d + "/log").replace("@SPOOL@", d + "/spool") +
                    prepare(d, name, conf))
        os.chmod(c, 0o644)
        p = subprocess.run(["exim4", "-C", c, "-bh", host], input=session, capture_output=True,
                           text=True)
        for ext, text in (("out", p.stdout), ("err", p.stderr)):
            with open(os.path.join(HERE, "bh", "%s.%s" % (name, ext)), "w") as f:
                f.write(text.replace(d, "@DIR@"))
