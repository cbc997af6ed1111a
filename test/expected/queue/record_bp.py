#!/usr/bin/python3
"""Record exim4's queue listings (-bp family) for the spools of
test/black/queue_cases.py into test/expected/queue/:
  <case>.out      exim4's stdout for each CASES entry
  sizes.tsv       size TAB first line of -bp for each SIZES value
  ages.tsv        age TAB first line of -bp for each AGES value
The messages in spool/ were written once by exim4 -odq (see README).
Run as root: /usr/bin/python3 test/expected/queue/record_bp.py
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
import queue_cases as q  # noqa: E402

EXIM4 = "/usr/sbin/exim4"


def run(d, args, split=False):
    conf = Path(d) / "conf"
    conf.write_text(q.conf_text(d, split))
    os.chmod(conf, 0o644)
    return subprocess.run([EXIM4, "-C", str(conf), *args], capture_output=True, text=True).stdout


def main():
    with tempfile.TemporaryDirectory() as d:
        spool = Path(d) / "spool"
        for name, (setup, args) in q.CASES.items():
            q.fresh(spool)
            setup(spool)
            (HERE / (name + ".out")).write_text(run(d, args, name.endswith("split")))
        rows = []
        for size in q.SIZES:
            q.fresh(spool)
            q.install(spool, q.M1, pad=size - q.BASE_SIZE)
            rows.append("%d\t%s" % (size, run(d, ["-bp"]).split("\n")[0]))
        (HERE / "sizes.tsv").write_text("\n".join(rows) + "\n")
        rows = []
        for age in q.AGES:
            q.fresh(spool)
            q.install(spool, q.M1, age=age)
            rows.append("%d\t%s" % (age, run(d, ["-bp"]).split("\n")[0]))
        (HERE / "ages.tsv").write_text("\n".join(rows) + "\n")


main()
