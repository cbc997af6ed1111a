"""dnslookup and host finding (-bt / -bv) against exim4's recorded answers
(test/expected/dnslookup/, made by record.py from dnslookup_cases.py): each DNS world
of dnslookup_cases.py is started once per module (nsd in a network namespace,
test/black/dnsworld.py) and every case run inside it, so the host's own
resolver never matters.  Equal-preference MX hosts are in random order in
exim4 and here: those cases compare their host lines as sets.
Deliveries (-odi) through a dnslookup router check rewrite_headers: the
delivered file against exim4's (deliver_<name>.txt).
"""
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from dnsworld import DnsWorld, available

sys.path.insert(0, str(EXPECTED / "dnslookup"))
from dnslookup_cases import (ADDRESSES, DELIVER_CASES, WORLDS, conf_text,  # noqa: E402
                             deliver_run, prepare)

CASES = json.loads((EXPECTED / "dnslookup" / "cases.json").read_text())
# Differences that are not the routing's: name -> why.
XFAIL = {}
UNORDERED = {"bt_eq", "mr_randomize", "bt_multi.example.test"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)
BANNER_DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")

pytestmark = pytest.mark.skipif(not available(), reason="needs root, nsd and ip netns")


@pytest.fixture(scope="module")
def worlds():
    started = {}

    def get(name):
        if name not in started:
            spec = WORLDS[name]
            w = DnsWorld(spec["zones"], ADDRESSES, spec["root"], spec.get("search"))
            w.__enter__()
            started[name] = w
        return started[name]

    yield get
    for w in started.values():
        w.close()


def run(w, c, d):
    prepare(d)
    cp = d / "exim.conf"
    cp.write_text(conf_text(c).replace("@DIR@", str(d)))
    cp.chmod(0o644)
    return w.run([EXIM, "-C", str(cp)] + c["opts"] + c["args"], input=c["stdin"] or "",
                 env=c.get("env"))


LIST_LINE = re.compile(r"^>>> .* in .*\? (yes|no)|^>>> host in |^>>> looking up host name for |"
                       r"^>>> IP address lookup |^>>> gethostbyname2 looked up|^>>>   name=\S+ "
                       r"address=|^>>> {19}= \^\[\./\|\] : |^LOG: no host name found for IP ")


def bh_lines(text):
    return [ln for ln in text.splitlines() if not LIST_LINE.match(ln)]


def shape(text, unordered):
    text = BANNER_DATE.sub("DATE", text)
    return sorted(text.splitlines()) if unordered else text


@pytest.mark.parametrize("c", CASES, ids=[c["name"] for c in CASES])
def test_dnslookup_case(worlds, tmp_path, c):
    r = run(worlds(c["world"]), c, tmp_path)
    if c["name"] in XFAIL:
        pytest.xfail(XFAIL[c["name"]])
    out = r.stdout.replace(str(tmp_path), "@DIR@")
    un = c["name"] in UNORDERED
    assert (shape(out, un), r.returncode) == (shape(c["out"], un), c["rc"]), r.stderr
    err = r.stderr.replace(str(tmp_path), "@DIR@")
    if "-bh" in c["opts"]:
        # The routing commentary; list matching and the client's host name
        # lookup are other layers' (as in test_route_verify.py).
        assert bh_lines(err) == bh_lines(c["err"])
    elif c["err"]:
        assert STAMP.sub("", err) == STAMP.sub("", c["err"])


@pytest.mark.parametrize("case", DELIVER_CASES, ids=[c[0] for c in DELIVER_CASES])
def test_dnslookup_rewrite_headers(worlds, case):
    name, ropts, wname, msg = case
    # The transport runs as nobody: a directory it can reach (not under
    # pytest's private tmp_path).
    d = Path(tempfile.mkdtemp(prefix="dl-dlv-"))
    try:
        d.chmod(0o755)
        got = deliver_run(worlds(wname), d, EXIM, ropts, msg)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    assert got == (EXPECTED / "dnslookup" / f"deliver_{name}.txt").read_text()
