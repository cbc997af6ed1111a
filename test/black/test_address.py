"""Address parsing seen through -be: the address operators with the main
option allow_domain_literals off and on (it must reach the parser in
src/base/address.c), against test/expected/address/be.json recorded from
Exim 4.96 by test/expected/address/record_be.py, and 1500 pseudo-random
arguments (be_random.json, record_be_random.py).  The parser's own cases
are in test/unit/test_address.c."""
import json
import subprocess

import pytest

from conftest import EXIM, EXPECTED

CONF = "primary_hostname = test.example\nqualify_domain = example.org\n" \
       "allow_domain_literals = %s\n"
CASES = json.loads((EXPECTED / "address" / "be.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: "%s-%s" % (c["literals"], c["in"]))
def test_be_literals(exim, case):
    r = exim(["-be", case["in"]], conf=CONF % ("true" if case["literals"] else "false"),
             input="")
    assert r.rc == 0, r.err
    assert r.out == case["out"]


RANDOM = json.loads((EXPECTED / "address" / "be_random.json").read_text(encoding="utf-8"))


def test_be_random(exim):
    """1500 pseudo-random arguments of the four address operators
    (record_be_random.py), all in one -be run reading stdin."""
    conf = exim.write_conf(CONF % "false")
    lines = [c["in"] for c in RANDOM]
    p = subprocess.run([EXIM, "-C", str(conf), "-be"], capture_output=True, timeout=60,
                       input=("\n".join(lines) + "\n").encode("latin-1"))
    outs = p.stdout.decode("latin-1").split("\n")
    got = [o[2:] if o.startswith("> ") else o for o in outs[:len(lines)]]
    bad = [(c["in"], c["out"], g) for c, g in zip(RANDOM, got) if c["out"] != g]
    assert not bad, "%d differ, e.g. %r" % (len(bad), bad[:5])
