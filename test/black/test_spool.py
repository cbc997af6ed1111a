"""Spool files written by src/spool, compared with what exim4 4.96 reads.

build/<BUILD>/unit/test_spool has a "write SPOOL [split]" mode that writes a
message with every kind of -H field into SPOOL and prints its id.  The -H and
-D files must equal test/expected/spool/rich.H and rich.D (recorded after
exim4 -bp, -Mvh and -Mset read that spool; see test/expected/spool/README)
once the id and the reception second are normalised.  exim4 is not run here.
"""
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED

TEST_SPOOL = Path(EXIM).parent / "unit" / "test_spool"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_RE = re.compile(r"^[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}$")


def b62(s):
    n = 0
    for c in s:
        n = n * 62 + B62.index(c)
    return n


def write_spool(spool, *extra):
    if not TEST_SPOOL.exists():
        pytest.fail(f"{TEST_SPOOL} is missing: run make unit (test/run does)")
    return subprocess.run([str(TEST_SPOOL), "write", str(spool), *extra],
                          capture_output=True, text=True, timeout=30)


def normalise(text, msgid):
    text = text.replace(msgid, "<ID>")
    sec = str(b62(msgid[:6]))
    return text.replace(sec, "<TIME>")


@pytest.mark.parametrize("split", [False, True])
def test_written_files_match_what_exim4_read(tmp_path, split):
    spool = tmp_path / "spool"
    before = int(time.time())
    r = write_spool(spool, *(["split"] if split else []))
    assert r.returncode == 0, r.stderr
    msgid = r.stdout.strip()
    assert ID_RE.match(msgid)
    # time part: the reception second, base 62
    assert before - 1 <= b62(msgid[:6]) <= int(time.time()) + 1
    indir = spool / "input" / (msgid[5] if split else "")
    assert sorted(os.listdir(indir)) == [msgid + "-D", msgid + "-H"]
    h = (indir / (msgid + "-H")).read_bytes().decode()
    d = (indir / (msgid + "-D")).read_bytes().decode()
    assert normalise(h, msgid) == (EXPECTED / "spool" / "rich.H").read_text()
    assert d.replace(msgid, "<ID>") == (EXPECTED / "spool" / "rich.D").read_text()
    # exim4 -Mvh printed exactly the file we write
    assert (EXPECTED / "spool" / "rich.exim4-Mvh").read_text() == \
        (EXPECTED / "spool" / "rich.H").read_text()
    # exim4 listed both layouts the same way
    assert (EXPECTED / "spool" / "rich-split.exim4-bp").read_text() == \
        (EXPECTED / "spool" / "rich.exim4-bp").read_text()


def test_ids_differ_between_messages(tmp_path):
    ids = set()
    for _ in range(3):
        r = write_spool(tmp_path / "spool")
        assert r.returncode == 0, r.stderr
        ids.add(r.stdout.strip())
    assert len(ids) == 3
    assert len(os.listdir(tmp_path / "spool" / "input")) == 6


def test_unwritable_spool_leaves_nothing(tmp_path):
    # The spool directory's path runs through a regular file: nothing can be
    # created and the writer reports why.
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    r = write_spool(blocker / "spool")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"failed to create directory {blocker}/spool: Not a directory")
    assert os.listdir(tmp_path) == ["blocker"]



def _small_tmpfs_write(tmp_path, *args):
    """Runs the writer in a private mount namespace on a 4k tmpfs; skips when
    this machine does not allow it (not root, no unshare)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = (f'mount -t tmpfs -o size=4k none {mnt} || exit 77; '
              f'{TEST_SPOOL} write {mnt}/spool {" ".join(args)}; rc=$?; '
              f'find {mnt}/spool -type f; exit $rc')
    try:
        p = subprocess.run(["unshare", "-m", "sh", "-c", script],
                           capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("unshare is not installed")
    if p.returncode == 77 or "unshare failed" in p.stderr:
        pytest.skip("cannot mount a private tmpfs here: " + p.stderr.strip())
    return p


@pytest.mark.parametrize("args,stage", [([], "hdr."), (["body=65536"], "dat.")])
def test_full_disk_leaves_no_files(tmp_path, args, stage):
    # A real ENOSPC: on a 4k tmpfs the -H (small body) or the -D (64k body)
    # cannot be written; the writer says so and no file is left behind.
    if not TEST_SPOOL.exists():
        pytest.fail(f"{TEST_SPOOL} is missing: run make unit (test/run does)")
    p = _small_tmpfs_write(tmp_path, *args)
    assert p.returncode == 1, p.stderr
    assert p.stdout == ""            # no id printed, no file found
    assert re.match(r"write failed for .*/spool/input/" + re.escape(stage) +
                    r"[0-9A-Za-z-]{16}: No space left on device$", p.stderr.strip())
