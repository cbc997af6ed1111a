"""The dnsdb lookup (spec 9.10-9.13) through `exim -be` in a DNS world of
its own (dnsworld.py), against Exim 4.96's transcripts of the same cases
(test/expected/dns/dnsdb_*.txt, written by record_dnsdb.py from
dnsdb_cases.py): every record type, separators, lists, defer_* and
dnssec_* modifiers, NXDOMAIN, REFUSED (a temporary error) in the world
without a root zone, and authenticated answers through dns_trust_aa.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnsdb_cases as dc  # noqa: E402
import dnsworld  # noqa: E402
from conftest import EXIM, EXPECTED  # noqa: E402


def split(transcript, n):
    """One -be transcript into the outputs of its n inputs."""
    assert transcript.startswith("> ")
    parts = transcript[2:].split("\n> ")
    assert len(parts) == n + 1, transcript
    return parts[:n]


def run_world(tmp, root, cases, text=dc.CONF):
    conf = tmp / "exim.conf"
    conf.write_text(text)
    conf.chmod(0o644)
    with dnsworld.DnsWorld(dc.ZONES, root=root) as w:
        r = w.run([EXIM, "-C", str(conf), "-be"], input="".join(c + "\n" for c in cases))
    return r.stdout


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    tmp = tmp_path_factory.mktemp("dnsdb")
    out = {}
    for name, root, cases, text in (("root", True, dc.WORLD_ROOT, dc.CONF),
                                    ("noroot", False, dc.WORLD_NOROOT, dc.CONF),
                                    ("trust", True, dc.WORLD_TRUST, dc.CONF_TRUST)):
        got = split(run_world(tmp, root, cases, text), len(cases))
        want = split((EXPECTED / "dns" / f"dnsdb_{name}.txt").read_text(), len(cases))
        out[name] = list(zip(cases, got, want))
    return out


@pytest.mark.parametrize("i", range(len(dc.WORLD_ROOT)))
def test_dnsdb_root_world(results, i):
    case, got, want = results["root"][i]
    assert got == want, case


@pytest.mark.parametrize("i", range(len(dc.WORLD_NOROOT)))
def test_dnsdb_refused_world(results, i):
    case, got, want = results["noroot"][i]
    assert got == want, case


@pytest.mark.parametrize("i", range(len(dc.WORLD_TRUST)))
def test_dnsdb_trust_aa_world(results, i):
    case, got, want = results["trust"][i]
    assert got == want, case
