"""Address parsing seen through -be: the address operators with the main
option allow_domain_literals off and on (it must reach the parser in
src/base/address.c), against test/expected/address/be.json recorded from
Exim 4.96 by test/expected/address/record_be.py.  The parser's own cases
are in test/unit/test_address.c."""
import json

import pytest

from conftest import EXPECTED

CONF = "primary_hostname = test.example\nqualify_domain = example.org\n" \
       "allow_domain_literals = %s\n"
CASES = json.loads((EXPECTED / "address" / "be.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=lambda c: "%s-%s" % (c["literals"], c["in"]))
def test_be_literals(exim, case):
    r = exim(["-be", case["in"]], conf=CONF % ("true" if case["literals"] else "false"),
             input="")
    assert r.rc == 0, r.err
    assert r.out == case["out"]
