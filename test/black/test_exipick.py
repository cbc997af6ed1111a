"""util/exipick against Debian's exipick 4.96 on the same spool
(exipick_cases.py; recordings in test/expected/queue/exipick/)."""
import json

import pytest

from conftest import EXPECTED, TOP
from exipick_cases import CASES, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_exipick_as_debian(tmp_path, name):
    want = json.loads((EXPECTED / "queue" / "exipick" / f"{name}.json").read_text())
    got = run_case(["/usr/bin/perl", str(TOP / "util" / "exipick")], tmp_path, name)
    assert got == want
