"""Configuration reader (spec chapter 6) against answers recorded from Exim 4.96.

Every case in readconf_cases.py runs build/exim and compares stdout, stderr
and the exit status with test/expected/readconf/ (recorded by
record_readconf.py from exim4).  Error cases run -bV and compare the error
text on stderr; output cases run -bP config / macros / +list.
"""
import pytest

import readconf_cases as rc
from conftest import EXIM, EXPECTED
from readconf_run import run_case

EXP = EXPECTED / "readconf"


def expected_of(name):
    return ((EXP / f"{name}.out").read_text(), (EXP / f"{name}.err").read_text(),
            int((EXP / f"{name}.rc").read_text()))


@pytest.mark.parametrize("name", sorted(rc.ERRORS))
def test_error(name):
    out, err, code = expected_of("err_" + name)
    r = run_case(EXIM, rc.ERRORS[name], rc.ERROR_FILES.get(name, {}), ["-bV"])
    assert r.err == err
    assert r.rc == code == 1


@pytest.mark.parametrize("name", sorted(rc.OUTPUTS))
def test_output(name):
    conf, files, args, user = rc.OUTPUTS[name]
    out, err, code = expected_of(name)
    r = run_case(EXIM, conf, files, args, user)
    if "macros" in args:
        # built-in macros depend on the build: compare the user's macros
        assert rc.user_macros(r.out) == rc.user_macros(out)
    else:
        assert r.out == out
    assert r.err == err
    assert r.rc == code


@pytest.mark.parametrize("name", sorted(rc.FILES))
def test_file_search_and_ownership(name):
    kw = dict(rc.FILES[name])
    args = kw.pop("args")
    out, err, code = expected_of(name)
    r = run_case(EXIM, rc.FILES_CONF, {}, args, None, **kw)
    if "-bV" not in args:  # -bV's own text is not the reader's business
        assert r.out == out
    assert r.err == err
    assert r.rc == code
