"""The dnslists ACL condition (spec 44.27-44.37) in -bh sessions inside a
DNS world of their own, against exim4's transcripts
(test/expected/dns/dnslists/, recorded by record_dnslists.py from
dnslists_cases.py): SMTP replies, the ">>> dnslists ..." commentary,
$dnslist_* values and the LOG: lines (defer and non-127/8 answers).
List-matching lines (">>> x in list? yes") belong to the list layer and
are left out of the comparison, as in test_acl_bh.py.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnslists_cases as dc  # noqa: E402
import dnsworld  # noqa: E402
from conftest import EXIM, EXPECTED  # noqa: E402
from bh_world import assert_as_recorded  # noqa: E402
from record_dnslists import run_case  # noqa: E402

DIR = EXPECTED / "dns" / "dnslists"


@pytest.mark.parametrize("case", dc.CASES, ids=[c[0] for c in dc.CASES])
def test_dnslists_bh(tmp_path, case):
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    tmp_path.chmod(0o755)
    out, err = run_case(EXIM, tmp_path, case)
    assert_as_recorded(out, err, DIR, case[0])
