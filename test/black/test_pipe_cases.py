"""The pipe transport (spec 29) against exim4: each case of
ptrans_cases.PIPE / PIPE_MULTI delivers one message with -odi and compares
the log lines of the delivery and every file the command wrote with what
exim4 did (test/expected/ptrans/<case>.out, record.py beside them)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from ptrans_cases import PIPE, PIPE_MULTI, run_case

# Where we still differ from exim4 (the reason is in the xfail; they run, and
# show as XPASS once the difference is gone).
KNOWN = {
}


@pytest.fixture
def top():
    # the commands run as nobody: a directory they can reach (pytest's
    # own base directory is reset to mode 0700 by concurrent sessions)
    d = tempfile.mkdtemp(prefix="ptrans-", dir="/tmp")
    Path(d).chmod(0o755)
    yield Path(d) / "case"
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n])) if n in KNOWN else n
                                  for n in list(PIPE) + list(PIPE_MULTI)])
def test_pipe_case(name, top):
    want = (EXPECTED / "ptrans" / f"{name}.out").read_text()
    got = run_case(EXIM, name, top)
    assert got == want
