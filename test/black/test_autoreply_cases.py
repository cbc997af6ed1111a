"""The autoreply transport (spec 27) against exim4: each case of
ptrans_cases.AUTOREPLY delivers one message (some twice, for the once
record) with -odi; the log lines, the generated reply as delivered to the
sink mailbox (headers in exim4's order, text, file, returned message), the
transport's log file and the once file are compared with what exim4 did
(test/expected/ptrans/<case>.out)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from ptrans_cases import AUTOREPLY, AUTOREPLY_FILTER, run_case

# Where we still differ from exim4 (the reason is in the xfail; they run, and
# show as XPASS once the difference is gone).
KNOWN = {}


@pytest.fixture
def top():
    # the transport runs as another user: a directory it can reach
    d = tempfile.mkdtemp(prefix="ptrans-", dir="/tmp")
    Path(d).chmod(0o755)
    yield Path(d) / "case"
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n])) if n in KNOWN else n
                                  for n in list(AUTOREPLY) + list(AUTOREPLY_FILTER)])
def test_autoreply_case(name, top):
    want = (EXPECTED / "ptrans" / f"{name}.out").read_text()
    got = run_case(EXIM, name, top)
    assert got == want
