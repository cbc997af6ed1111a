"""The -bh commentary of the host and domain lists the SMTP session itself
checks (">>> host in helo_verify_hosts? no (option unset)", ">>> x in
helo_lookup_domains? no (end of list)", ">>> host in
pipelining_connect_advertise_hosts? yes (matched "*")"), compared line for
line and in order with what exim4 printed in the -bh transcripts recorded
for the ACL tests (test/expected/acl/bh/, test_acl_bh.py) and the host
lookup tests (test/expected/dns/host_lookup/, test_host_lookup.py).
smtputf8_advertise_hosts is left out: this build has no SMTPUTF8, exim4's
has; so is dns_again_means_nonexist, the DNS layer's (and the ACL
engine's own list lines, ">>> host in "..."?",
are the list layer's)."""
import re

import pytest

import dnsworld
import host_lookup_cases as hc
from conftest import EXIM, EXPECTED
from record_host_lookup import run_case as run_dns_case
from test_acl_bh import CASES, run_case

SESSION_LINE = re.compile(r"^>>> \S+ in (?!smtputf8_advertise_hosts|dns_again_means_nonexist)[a-z0-9_]+\? (yes|no) ")


def session_lines(text):
    return [l for l in text.splitlines() if SESSION_LINE.match(l)]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_session_list_commentary(tmp_path, case):
    p = run_case(tmp_path, case)
    exp = (EXPECTED / "acl" / "bh" / (case[0] + ".err")).read_text()
    assert session_lines(p.stderr.replace(str(tmp_path), "@DIR@")) == session_lines(exp)


@pytest.mark.parametrize("case", hc.CASES, ids=[c[0] for c in hc.CASES])
def test_session_list_commentary_dns_world(tmp_path, case):
    """The same for the host lookup cases, where the host name matters."""
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    tmp_path.chmod(0o755)
    _, err = run_dns_case(EXIM, tmp_path, case)
    exp = (EXPECTED / "dns" / "host_lookup" / (case[0] + ".err")).read_text()
    assert session_lines(err) == session_lines(exp)
