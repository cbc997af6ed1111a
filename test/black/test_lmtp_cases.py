"""The lmtp transport (spec 28) against exim4: command= and socket= forms
with the Python LMTP server of lmtp_server.py; each case of
ptrans_cases.LMTP delivers one message with -odi and compares the log lines
(per-recipient results after DATA, C="..." confirmations, error texts) and
the server's transcript with exim4's (test/expected/ptrans/<case>.out)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from ptrans_cases import LMTP, run_case

# Where we still differ from exim4 (the reason is in the xfail; they run, and
# show as XPASS once the difference is gone).
KNOWN = {}


@pytest.fixture
def top():
    # the commands run as nobody: a directory they can reach (pytest's
    # own base directory is reset to mode 0700 by concurrent sessions)
    d = tempfile.mkdtemp(prefix="ptrans-", dir="/tmp")
    Path(d).chmod(0o755)
    yield Path(d) / "case"
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n])) if n in KNOWN else n
                                  for n in list(LMTP)])
def test_lmtp_case(name, top):
    want = (EXPECTED / "ptrans" / f"{name}.out").read_text()
    got = run_case(EXIM, name, top)
    assert got == want
