"""List matching through `exim -be` (spec chapter 10 with 11.7's match_*
and inlist conditions): numeric variables set by matching, \\N-protected
regexes, named lists that need expansion (cached or not, forced failure,
expansion errors), $value nesting.  Expected outputs recorded from exim4 by
record_lists_be.py (test/expected/expand/lists_be.json); the per-case list
matrix of lists.json is run through -be here too.
"""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import EXPECTED  # noqa: E402
from lists_cases import CONFIG_BE, FILES  # noqa: E402

BE_CASES = json.loads((EXPECTED / "expand" / "lists_be.json").read_text())
MATRIX = json.loads((EXPECTED / "expand" / "lists.json").read_text())

# Differences kept on purpose (expansion -> reason): exim4's deferral reason
# here is the literal "NULL" or a wrong one; ours names the real problem.
# Only the text after the list differs, which check() verifies.
KNOWN = {
    "${if match_address{x@y}{x@+nosuch}{Y:$value}{N}}":
        'exim4 says "DNS lookup of ... deferred" for an unknown named domain list',
    "${if match_domain{x.y}{+nosuch}{Y:$value}{N}}": 'exim4 gives "NULL" as the reason',
    "${if match_local_part{X}{!+caseful}{Y:$value}{N}}": 'exim4 gives "NULL" as the reason',
    "${if match_domain{a.example}{+broken}{Y:$value}{N}}": 'exim4 gives "NULL" as the reason',
}


def make_conf(exim, tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return CONFIG_BE.replace("@FIX@", str(tmp_path))


def same_failure(want, got):
    """Both deferred, on the same list ("Failed: unable to complete match
    against "LIST": REASON"); only the reason differs."""
    head = want.split('": ')[0]
    return want.startswith("Failed:") and got.startswith(head)


def check(exim, tmp_path, expr, case):
    conf = make_conf(exim, tmp_path)
    r = exim(["-be", expr.replace("@FIX@", str(tmp_path))], conf=conf)
    out = r.out.replace(str(tmp_path), "@FIX@")
    if case["rc"] != 0:
        assert r.rc != 0 and case["stderr"].strip() in r.err.replace(str(tmp_path), "@FIX@"), r
        return
    assert r.rc == 0, r
    if expr in KNOWN:
        assert out != case["stdout"], "now agrees: drop it from KNOWN"
        assert same_failure(case["stdout"], out), (out, case)
    else:
        assert out == case["stdout"], (out, case)
    for line in case["stderr"].splitlines():
        assert line in r.err.replace(str(tmp_path), "@FIX@"), (line, r.err)


@pytest.mark.parametrize("case", BE_CASES, ids=lambda c: c["expr"])
def test_be(exim, tmp_path, case):
    check(exim, tmp_path, case["expr"], case)


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: "%s{%s}{%s}" % (c["kind"], c["subject"],
                                                                     c["list"]))
def test_matrix_be(exim, tmp_path, case):
    expr = "${if %s{%s}{%s}{Y:$value}{N}}" % (case["kind"], case["subject"], case["list"])
    check(exim, tmp_path, expr, case)


def test_named_list_loops(exim, tmp_path):
    """exim4 4.96 crashes (SIGSEGV) on a named list that refers to itself;
    ours stops at a nesting limit and defers with a clear reason."""
    conf = "domainlist loop = +loop : a\ndomainlist l1 = +l2\ndomainlist l2 = +l1\n"
    r = exim(["-be", "${if match_domain{a}{+loop}{Y}{N}}"], conf=conf)
    assert r.rc == 0
    assert r.out == ('Failed: unable to complete match against "+loop": named domain lists '
                     'nested too deeply at "+loop"\n')
    r = exim(["-be", "${if match_domain{a}{+l1}{Y}{N}}"], conf=conf)
    assert r.out == ('Failed: unable to complete match against "+l1": named domain lists '
                     'nested too deeply at "+l1"\n')


def test_mx_items_defer(exim, tmp_path):
    """@mx_any and friends need MX lookups: until the DNS layer exists they
    defer with a reason saying so (exim4 looks the MX records up)."""
    for item in ("@mx_any", "@mx_primary", "@mx_secondary/ignore=127.0.0.1"):
        r = exim(["-be", "${if match_domain{x.example}{%s}{Y}{N}}" % item], conf="")
        assert r.rc == 0
        assert r.out.startswith('Failed: unable to complete match against "%s": "%s" needs an '
                                'MX lookup of "x.example": DNS lookups arrive with the DNS '
                                'layer' % (item, item)), r.out


def test_debug_lists(exim, tmp_path):
    """-d+lists shows each list check and its result."""
    r = exim(["-d+lists", "-be", "${if match_domain{b.example}{a.example : b.example}{Y}{N}}"],
             conf="")
    assert r.out == "Y\n"
    assert 'b.example in "a.example : b.example"? yes (matched "b.example")' in r.err
    r = exim(["-d+lists", "-be", "${if match_domain{q}{+dl}{Y}{N}}"],
             conf="domainlist dl = a.example : !c.example\n")
    assert r.out == "Y\n"
    assert 'q in "a.example : !c.example"? yes (end of list)' in r.err
    assert 'q in "+dl"? yes (matched "+dl")' in r.err
