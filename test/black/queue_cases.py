"""Spools for the queue listing tests (-bp family), shared by the recorder
test/expected/queue/record_bp.py (runs exim4) and test_queue_bp.py (runs
ours).  The messages themselves are test/expected/queue/spool/*-H / *-D,
written by exim4 -odq; each case copies them into a fresh spool and
changes them the same way (reception time, frozen, delivered and generated
addresses, padding of -D, corrupt -H), so both programs list identical
spools.
"""
import os
import shutil
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "expected" / "queue" / "spool"
M1 = "1xZ3vz-00026Q-1H"   # sender@x.example -> a@b.example c@d.example
M2 = "1xZ3vz-00026S-1K"   # <> -> z@b.example, 3K body

CONF = """exim_user = root
exim_group = root
spool_directory = {d}/spool
log_file_path = {d}/%slog
primary_hostname = test.example
qualify_domain = test.example
split_spool_directory = {split}
"""


def conf_text(d, split=False):
    return CONF.format(d=d, split="true" if split else "false")


def _indir(spool, msgid, split):
    d = Path(spool) / "input"
    if split:
        d = d / msgid[5]
    d.mkdir(parents=True, exist_ok=True)
    return d


def install(spool, msgid, split=False, age=0, frozen=False, tree=None, pad=None, header=None):
    """Copy message msgid into spool; age in seconds before now; tree the
    non-recipients lines ("YN c@d.example" ...); pad: make the message size
    that exim -bp shows (before padding) larger by this many bytes, or
    negative to drop the -D file; header: replace the -H text entirely."""
    d = _indir(spool, msgid, split)
    h = (SRC / (msgid + "-H")).read_text()
    lines = h.split("\n")
    lines[3] = "%d 0" % (int(time.time()) - age)
    h = "\n".join(lines)
    if frozen:
        h = h.replace("-deliver_firsttime\n", "-deliver_firsttime\n-frozen %d\n" % (int(time.time()) - age))
    if tree is not None:
        h = h.replace("\nXX\n", "\n" + "".join(t + "\n" for t in tree))
    if header is not None:
        h = header
    (d / (msgid + "-H")).write_text(h)
    if pad is None or pad >= 0:
        data = (SRC / (msgid + "-D")).read_bytes()
        with open(d / (msgid + "-D"), "wb") as f:
            f.write(data)
            f.truncate(len(data) + (pad or 0))   # sparse: only the size matters


# name -> (list of install() keyword sets, exim arguments)
TREE = ["YY c@d.example", "NN b@x.example", "NN gen@x.example"]   # pre-order, sorted


def standard(spool, split=False):
    install(spool, M1, split=split, age=7230, frozen=True, tree=TREE)
    install(spool, M2, split=split, age=30)


CASES = {
    "bp": (standard, ["-bp"]),
    "bpa": (standard, ["-bpa"]),
    "bpu": (standard, ["-bpu"]),
    "bpr": (standard, ["-bpr"]),
    "bpra": (standard, ["-bpra"]),
    "bpru": (standard, ["-bpru"]),
    "bpc": (standard, ["-bpc"]),
    "bp_split": (lambda s: standard(s, True), ["-bp"]),
    "bp_ids": (standard, ["-bp", M2, "1xZ4AA-000000-00", M1]),
    "bp_missing_D": (lambda s: install(s, M1, pad=-1), ["-bp"]),
    "bp_corrupt": (lambda s: install(s, M1, header=M1 + "-H\nroot 0 0\n"), ["-bp", M1]),
    "bp_empty": (lambda s: os.makedirs(Path(s) / "input", exist_ok=True), ["-bp"]),
}

# sizes (as exim -bp shows them) and ages to try on M1
SIZES = [279, 999, 1023, 1024, 1075, 1076, 10188, 10189, 10239, 10240, 10751, 10752,
         1048063, 1048064, 1048575, 1048576, 1100000, 10485759, 10485760, 11000000]
BASE_SIZE = 279   # what exim4 -bp shows for M1 unpadded
# all boundaries are whole minutes: 30 s away from them a test never races
AGES = [30, 90, 3570, 3630, 3690, 5370, 5430, 5490, 88230, 172830, 259230, 260970, 262830,
        302430, 386970, 388830, 8640030]


def fresh(spool):
    shutil.rmtree(spool, ignore_errors=True)
    os.makedirs(spool)
