"""-brt and the retry section's syntax (spec chapter 32, 5 -brt) against
exim4's answers recorded by record_retry.py (test/expected/retry/brt.json):
the rule chosen for address/domain, error and sender, how it is printed,
and the configuration errors of malformed rules (file and line)."""
import json
import re

import pytest

from conftest import EXPECTED
from retry_cases import RULES, config

DATA = json.loads((EXPECTED / "retry" / "brt.json").read_text())
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)


def check(exim, conf_text, sender, args, want):
    pre = ["-f", sender] if sender is not None else []
    r = exim(pre + ["-brt"] + args, conf=config(conf_text))
    err = DATE.sub("", r.err).replace(str(exim.conf_path), "@CONF@")
    assert (r.out, err, r.rc) == (want["out"], want["err"], want["rc"])


@pytest.mark.parametrize("case", DATA["brt"], ids=lambda c: f"{c['rules']}-{c['sender']}-{'_'.join(c['args'])}")
def test_brt(exim, case):
    check(exim, RULES[case["rules"]], case["sender"], case["args"], case)


@pytest.mark.parametrize("case", DATA["bad"], ids=lambda c: c["rule"][:40])
def test_rule_syntax(exim, case):
    check(exim, case["rule"], None, case["args"], case)


def test_bad_rule_fails_every_mode(exim):
    """A bad retry rule stops any use of the configuration, not just -brt."""
    r = exim(["-bP", "retry_interval_max"], conf=config("* * F,1h"))
    assert r.rc == 1
    assert "Exim configuration error in line 2 of" in r.err and "comma expected" in r.err
