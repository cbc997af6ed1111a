"""Host name lookups through the DNS and verify = csa in -bh sessions
inside a DNS world of their own, against exim4's transcripts
(test/expected/dns/host_lookup/, recorded by record_host_lookup.py from
host_lookup_cases.py): host_lookup and host_lookup_order, the forward
check of every PTR name (">>> looking up host name for ...", ">>>
checking addresses for ..."), $sender_host_name, $host_lookup_failed and
_deferred, verify = reverse_host_lookup[/defer_ok], host list items that
need the name, verify = helo, $csa_status and CSA's failure texts.
List-matching lines and gethostbyaddr's h_errno (machine-dependent) are
left out of the comparison, as in test_acl_bh.py.
"""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnsworld  # noqa: E402
import host_lookup_cases as hc  # noqa: E402
from conftest import EXIM, EXPECTED  # noqa: E402
from record_host_lookup import run_case  # noqa: E402

LIST_LINE = re.compile(r"^>>> .* in .*\? (yes|no)|^>>> host in |^>>> IP address lookup failed: h_errno=")
DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
DIR = EXPECTED / "dns" / "host_lookup"

# Kept differences (case -> reason); compared strictly otherwise.
PENDING = {}


def filtered(text):
    return [l for l in text.splitlines() if not LIST_LINE.match(l)]


@pytest.mark.parametrize("case", hc.CASES, ids=[c[0] for c in hc.CASES])
def test_host_lookup_bh(tmp_path, case):
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    tmp_path.chmod(0o755)
    out, err = run_case(EXIM, tmp_path, case)
    name = case[0]
    assert filtered(err) == filtered((DIR / (name + ".err")).read_text())
    assert DATE.sub("DATE", out) == DATE.sub("DATE", (DIR / (name + ".out")).read_text())
