"""Deeply nested Exim filters and Sieve scripts (filter_nesting_cases.py):
what exim4 copes with gives exim4's -bf output (recorded in
test/expected/filter/nesting.json), deeper is refused without a crash."""
import json
import os
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
    text, last = REFUSED[name]
    rc, out = run_bf(tmp_path, text)
    assert out.rstrip("\n").split("\n")[-1] == last
