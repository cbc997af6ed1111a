"""-brw (spec 31.3) and the rewriting rules themselves (31.4-31.10): each
case of rewrite_cases.BRW must print what Exim 4.96 printed (stdout,
stderr with the log lines, exit status), recorded in
test/expected/rewrite/brw_<case>.out by test/expected/rewrite/record.py."""
import pytest

from conftest import EXIM, EXPECTED
from rewrite_cases import BRW, brw_run


@pytest.mark.parametrize("name", sorted(BRW))
def test_brw_as_exim4(tmp_path, name):
    got = brw_run(EXIM, name, str(tmp_path / "case"))
    assert got == (EXPECTED / "rewrite" / f"brw_{name}.out").read_text()
