#!/usr/bin/python3
"""Record exim4's answers for test/black/route_texts_cases.py into
test/expected/route_texts/cases.json.  Run as root where exim4 is installed:
    /usr/bin/python3 test/expected/route_texts/record.py
The config's path is listed in /etc/exim4/trusted_configs while recording
(exim4 keeps root for the delivery) and removed afterwards."""
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from route_texts_cases import prepare, run  # noqa: E402

D = Path("/tmp/route-texts-rec")
TRUSTED = Path("/etc/exim4/trusted_configs")
conf = prepare(D, "Debian-exim")
lines = TRUSTED.read_text().split("\n") if TRUSTED.exists() else []
FWD = str(D / "fwd.conf")
TRUSTED.write_text("\n".join([str(conf), FWD] + [x for x in lines if x not in (str(conf), FWD)]))
try:
    out = run("/usr/sbin/exim4", D, conf)
finally:
    TRUSTED.write_text("\n".join(x for x in TRUSTED.read_text().split("\n") if x not in (str(conf), FWD)))
    shutil.rmtree(D, ignore_errors=True)
(HERE / "cases.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out, indent=1))
