"""${lookup} on the single-key lookups (spec chapter 9) through `exim -be`,
against answers recorded from Exim 4.96 (test/expected/lookups/lookups.json,
written by record_lookups.py from lookups_cases.py).  Fixtures: text files,
cdb files from our writer of the format, DBM files from our exim_dbmbuild.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lookups_cases as lc  # noqa: E402
from conftest import EXIM, EXPECTED  # noqa: E402
from record_lookups import run  # noqa: E402

RECORDED = json.loads((EXPECTED / "lookups" / "lookups.json").read_text())
DBMBUILD = str(Path(EXIM).parent / "exim_dbmbuild")

# Differences kept on purpose (expected text is ours; Exim's is in the JSON).
KEPT = {}

# Cases where another layer does not yet agree with Exim; strict, so that a
# fix shows up here.
PENDING = {}


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("lookups")
    lc.make_fixtures(d, DBMBUILD)
    conf = d / "exim.conf"
    conf.write_text(lc.CONF)
    conf.chmod(0o644)
    probe = subprocess.run([EXIM, "-C", str(conf), "-be", "x"], capture_output=True, text=True)
    if "is not available yet" in probe.stderr:
        pytest.skip("-be is not in this build yet: " + probe.stderr.strip())
    return d


def _params():
    out = []
    for c in RECORDED:
        marks = []
        why = PENDING.get(c["expr"])
        if why:
            marks.append(pytest.mark.xfail(reason=why, strict=True))
        out.append(pytest.param(c, marks=marks, id=c["expr"]))
    return out


def test_recorded_cases_are_current():
    assert [c["expr"] for c in RECORDED] == lc.cases(), \
        "lookups_cases.py changed: re-run record_lookups.py"


@pytest.mark.parametrize("case", _params())
def test_lookup_as_exim(fixture_dir, case):
    rc, out = run(EXIM, fixture_dir / "exim.conf", fixture_dir, case["expr"])
    assert (out, rc) == (KEPT.get(case["expr"], case["out"]), case["rc"])


# Taint (spec "tainted data"): a file name from the message is refused and
# the attempt logged; lookup results (and ret=key) are untainted, so they
# can name a file.  Exim 4.96 prints "Failed: (null)" / "Failed: " here (its
# error text is lost); we keep the logged text as the error (kept
# difference).  Lines 2-5 are exim4's answers.
TAINT_CASES = [
    ("${lookup{alpha}lsearch{$h_subject:}{[$value]}{NOTFOUND}}",
     "Failed: Tainted filename for search: '@DIR@/ls1'"),
    ("${lookup{$h_x-key:}lsearch{@DIR@/ls1}{[$value]}{NOTFOUND}}", "[one]"),
    ("${lookup{$h_x-key:}lsearch,ret=key{@DIR@/ls1}{${if eq{$value}{alpha}{y}{n}}}{NOTFOUND}}",
     "y"),
    ("${lookup{alpha}lsearch{${lookup{$h_x-key:}lsearch,ret=key{@DIR@/ls1}{@DIR@/ls1}}}"
     "{[$value]}{NOTFOUND}}", "[one]"),
    ("${lookup{alpha}lsearch{${lookup{$h_x-key:}lsearch{@DIR@/ls1}{@DIR@/ls1}}}"
     "{[$value]}{NOTFOUND}}", "[one]"),
    ("${lookup{file1}dsearch{$h_subject:}{[$value]}{NOTFOUND}}",
     "Failed: Tainted filename for search: '@DIR@/ls1'"),
]


@pytest.mark.parametrize("expr,want", TAINT_CASES, ids=[c[0] for c in TAINT_CASES])
def test_lookup_taint(fixture_dir, expr, want):
    d = fixture_dir
    msg = d / "taint.msg"
    msg.write_text(f"Subject: {d}/ls1\nX-Key: alpha\n\nbody\n")
    p = subprocess.run([EXIM, "-C", str(d / "exim.conf"), "-bem", str(msg),
                        expr.replace("@DIR@", str(d))], capture_output=True, timeout=30)
    out = p.stdout.decode().replace(str(d), "@DIR@")
    assert out == want + "\n"
    if want.startswith("Failed: Tainted"):
        assert f"Tainted filename for search: '{d}/ls1'" in p.stderr.decode()


def test_bV_lookups_and_berkeley_db(tmp_path):
    """-bV names the lookups in exim4's order (ours: the single-key ones of
    this layer, plus lmdb when built) and prints Berkeley DB's version line
    as exim4 does, right after the copyright lines."""
    conf = tmp_path / "exim.conf"
    conf.write_text("primary_hostname = test.example\n")
    conf.chmod(0o644)
    out = subprocess.run([EXIM, "-C", str(conf), "-bV"], capture_output=True,
                         text=True).stdout.splitlines()
    ref = (EXPECTED / "bV.exim4").read_text().splitlines()
    ours = [ln for ln in out if ln.startswith("Lookups (built-in):")][0].split()[2:]
    theirs = [ln for ln in ref if ln.startswith("Lookups (built-in):")][0].split()[2:]
    assert ours[:10] == ["lsearch", "wildlsearch", "nwildlsearch", "iplsearch", "cdb", "dbm",
                         "dbmjz", "dbmnz", "dnsdb", "dsearch"]
    known = [x for x in ours if x in theirs]
    assert known == [x for x in theirs if x in ours]
    bdb = [ln for ln in ref if ln.startswith("Berkeley DB: ")][0]
    assert out[3] == bdb


DEBUG_EXPR = ("${lookup{a.fict.example}partial-lsearch*{@DIR@/ls1}}"
              "${lookup{a.fict.example}partial-lsearch*{@DIR@/ls1}}"
              "${lookup{nosuch}lsearch*@,ret=key{@DIR@/ls1}}"
              "${lookup{u@example.com}lsearch*@{@DIR@/ls1}}")
DEBUG_KEEP = re.compile(r"^ (search_open|  cached open|search_find|  key=|internal_search_find|"
                        r"  type=|file lookup required|cached data used|  in |creating new|"
                        r"lookup failed|lookup yielded|trying )")


def debug_lines(exim, d):
    # on standard input: exim4 limits the length of command-line arguments
    p = subprocess.run([exim, "-C", str(d / "exim.conf"), "-d+lookup", "-be"],
                       input=(DEBUG_EXPR.replace("@DIR@", str(d)) + "\n").encode(),
                       capture_output=True, timeout=30, cwd="/")
    text = p.stderr.decode().replace(str(d), "@DIR@")
    return "".join(ln + "\n" for ln in text.splitlines() if DEBUG_KEEP.match(ln))


def test_debug_lookup_lines(fixture_dir):
    """-d+lookup: the search layer's lines as exim4 writes them (recorded by
    record_lookups.py into debug_lookup.txt; exim4's "LRU list" lines are
    not reproduced)."""
    assert debug_lines(EXIM, fixture_dir) == (EXPECTED / "lookups" / "debug_lookup.txt").read_text()
