"""Deeply nested Exim filters and Sieve scripts (filter_nesting_cases.py):
what exim4 copes with gives exim4's -bf output (recorded in
test/expected/filter/nesting.json), deeper is refused without a crash."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import EXIM, EXPECTED
from filter_nesting_cases import RECORDED, REFUSED

HERE = EXPECTED / "filter"
WANT = json.loads((HERE / "nesting.json").read_text())


def run_bf(tmp_path, text):
    conf = tmp_path / "exim.conf"
    shutil.copy(HERE / "exim.conf", conf)
    conf.chmod(0o644)
    f = tmp_path / "filter"
    f.write_text(text)
    with open(HERE / "msgs" / "basic", "rb") as m:
        p = subprocess.run([EXIM, "-C", str(conf), "-bf", str(f)], stdin=m, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("latin-1").replace(str(f), "FILTER")


@pytest.mark.skipif(os.getuid() != 0, reason="the recorded envelope is root@test.ex")
@pytest.mark.parametrize("name", sorted(RECORDED))
def test_nesting_exim4_copes_with(tmp_path, name):
    assert list(run_bf(tmp_path, RECORDED[name])) == WANT[name]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_nesting_beyond_is_refused(tmp_path, name):
    """Refused at the fixed limit's line, or earlier when the stack guard
    (src/base/stack.c) trips first: bigger frames (sanitizers), a smaller
    ulimit -s."""
    text, last = REFUSED[name]
    rc, out = run_bf(tmp_path, text)
    got = out.rstrip("\n").split("\n")[-1]
    limit_line = int(re.search(r"line (\d+)", last).group(1))
    pattern = re.escape(last).replace(r"line\ %d" % limit_line, r"line\ (\d+)")
    m = re.fullmatch(pattern, got)
    assert m and int(m.group(1)) <= limit_line, got


def test_nesting_refused_with_a_small_stack(tmp_path):
    """With ulimit -s 1024 the stack guard refuses what the fixed limit
    allows, instead of the process dying of a stack overflow."""
    text = REFUSED["sieve_blocks_32001"][0]
    conf = tmp_path / "exim.conf"
    shutil.copy(HERE / "exim.conf", conf)
    conf.chmod(0o644)
    f = tmp_path / "filter"
    f.write_text(text)
    with open(HERE / "msgs" / "basic", "rb") as m:
        p = subprocess.run(["sh", "-c", 'ulimit -s 1024 && exec "$0" "$@"', EXIM, "-C", str(conf), "-bf",
                            str(f)], stdin=m, capture_output=True, timeout=60)
    last = p.stdout.decode("latin-1").rstrip("\n").split("\n")[-1]
    assert re.fullmatch(r"Sieve error: nested too deeply in line \d+", last), (p.returncode, last)
