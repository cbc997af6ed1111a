"""Routing failure texts, error numbers and log lines against exim4's
(route_texts_cases.py; recorded in test/expected/route_texts/cases.json by
test/expected/route_texts/record.py)."""
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from route_texts_cases import prepare, run

WANT = json.loads((EXPECTED / "route_texts" / "cases.json").read_text())


@pytest.fixture(scope="module")
def got():
    # the transports run as nobody: a directory it can reach
    d = Path(tempfile.mkdtemp(prefix="route-texts-", dir="/tmp"))
    d.chmod(0o755)
    try:
        yield run(EXIM, d / "case", prepare(d / "case"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("part", ["rc", "mainlog", "paniclog", "bt_rc", "bt_out", "bt_err",
                                  "bt2_rc", "bt2_out", "bt2_err", "bt3_rc", "bt3_out",
                                  "bt4_rc", "bt4_out", "bt4_err", "fwd_mainlog"])
def test_route_texts(got, part):
    assert got[part] == WANT[part]
