"""-bf / -bF filter testing against outputs recorded from exim4 4.96
(test/expected/filter/record_filter.py, cases.txt -> cases.json): Exim
filter commands, conditions and their -v trace, error texts with line
numbers, the system filter's commands, Sieve results and -v trace.
The envelope defaults to the caller, recorded as root@test.ex: these
cases need to run as root."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import EXIM, EXPECTED

HERE = EXPECTED / "filter"
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
# Differences from exim4 that are known and documented (doc/filter.txt).
KNOWN_DIFFERENT = {}


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
    assert out == case["stdout"]
    assert rc == case["rc"]
    if "-v" in case["args"]:
        assert err == case["stderr"]


def test_bI_sieve(exim):
    r = exim(["-bI:sieve"], conf="qualify_domain = test.ex\n")
    assert r.rc == 0
    assert r.out == ("comparator-i;ascii-numeric\ncopy\nencoded-character\nenotify\nenvelope\n"
                     "fileinto\nsubaddress\nvacation\n")
