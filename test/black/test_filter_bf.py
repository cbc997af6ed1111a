"""-bf / -bF filter testing against outputs recorded from exim4 4.96
(test/expected/filter/record_filter.py, cases.txt -> cases.json): Exim
filter commands, conditions and their -v trace, error texts with line
numbers, the system filter's commands, Sieve results and -v trace.
The envelope defaults to the caller, recorded as root@test.ex: these
cases need to run as root."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import EXIM, EXPECTED

HERE = EXPECTED / "filter"
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
# Differences from exim4 that are known and documented (doc/filter.txt).
KNOWN_DIFFERENT = {}


_MSGID = re.compile(r"[0-9A-Za-z]{6,7}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b(@[^>\s\\]*)?")
_DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")


def normalise(text):
    """Message ids (with the host after them) and dates vary."""
    return _DATE.sub("DATE", _MSGID.sub("MSGID", text))


def run_case(tmp_path, case):
    conf = tmp_path / "exim.conf"
    shutil.copy(HERE / "exim.conf", conf)
    conf.chmod(0o644)
    f = tmp_path / "filter"
    f.write_text(case["filter"], encoding="utf-8")
    argv = [EXIM, "-C", str(conf)]
    if case["mode"] == "bF":
        argv += ["-bF", str(f)]
    elif case["mode"] == "bFbf":
        u = tmp_path / "userfilter"
        u.write_text(case["user"] or "", encoding="utf-8")
        argv += ["-bF", str(f), "-bf", str(u)]
    else:
        argv += ["-bf", str(f)]
    argv += case["args"]
    with open(HERE / "msgs" / case["msg"], "rb") as m:
        p = subprocess.run(argv, stdin=m, capture_output=True, timeout=30)
    out = p.stdout.decode("latin-1").replace(str(tmp_path / "userfilter"), "USERFILTER")
    out = out.replace(str(f), "FILTER")
    err = p.stderr.decode("latin-1").replace(str(f), "FILTER")
    return out, err, p.returncode


@pytest.mark.skipif(os.getuid() != 0, reason="the recorded envelope is root@test.ex")
@pytest.mark.parametrize("name", sorted(CASES))
def test_filter_case(tmp_path, name):
    if name in KNOWN_DIFFERENT:
        pytest.xfail(KNOWN_DIFFERENT[name])
    case = CASES[name]
    out, err, rc = run_case(tmp_path, case)
    assert normalise(out) == normalise(case["stdout"])
    assert rc == case["rc"]
    if "-v" in case["args"]:
        assert err == case["stderr"]


def test_bI_sieve(exim):
    r = exim(["-bI:sieve"], conf="qualify_domain = test.ex\n")
    assert r.rc == 0
    assert r.out == ("comparator-i;ascii-numeric\ncopy\nencoded-character\nenotify\nenvelope\n"
                     "fileinto\nsubaddress\nvacation\n")


def _bf(exim, tmp_path, text):
    f = tmp_path / "hostile"
    f.write_text(text)
    return exim(["-bf", str(f)], conf="qualify_domain = test.ex\n", input="Subject: x\n\nbody\n", timeout=60)


def test_deep_nesting_is_refused_not_a_crash(exim, tmp_path):
    # beyond what exim4 survives (test_filter_nesting.py): 10000 nested ifs
    # and brackets, 30000 levels with and/or chains, 32000 in Sieve
    deep = [
        "# Exim filter\n" + "if a is a then " * 10001 + "endif " * 10001 + "\n",
        "# Exim filter\nif " + "(" * 10000 + "a is a" + ")" * 10000 + " then endif\n",
        "# Exim filter\nif " + " and ".join(["a is a"] * 30001) + " then endif\n",
        "# Exim filter\nif " + " or ".join(["a is b"] * 30001) + " then endif\n",
    ]
    for text in deep:
        r = _bf(exim, tmp_path, text)
        assert r.rc == 1
        assert r.out.splitlines()[-1] == "Filter error: filter nested too deeply near line 2 of filter file"
    for text in ["# Sieve filter\n" + "if true { " * 32001 + "}" * 32001 + "\n",
                 "# Sieve filter\nif " + "anyof(" * 32001 + "true" + ")" * 32001 + " {}\n"]:
        r = _bf(exim, tmp_path, text)
        assert r.rc == 0
        assert r.out.splitlines()[-1] == "Sieve error: nested too deeply in line 2"


def test_nesting_within_the_limit_works(exim, tmp_path):
    r = _bf(exim, tmp_path, "# Exim filter\n" + "if a is a then " * 3000 + "testprint deep " + "endif " * 3000 + "\n")
    assert "Testprint: deep" in r.out and r.rc == 0
    # a run of "not" is one negation or none, however long
    r = _bf(exim, tmp_path, "# Exim filter\nif " + "not " * 100001 + "a is b then testprint odd endif\n")
    assert "Testprint: odd" in r.out


def test_sieve_matches_has_no_exponential_backtracking(exim, tmp_path):
    r = _bf(exim, tmp_path, '# Sieve filter\nif header :matches "subject" "' + "*a" * 60 + 'b" { discard; }\n')
    assert r.rc == 0 and r.out.splitlines()[-1] == "Implicit keep"
