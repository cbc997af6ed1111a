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
    elif "-bV" not in args:
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


def test_builtin_macros_listed(exim):
    """-bP macros lists the built-ins first, all "=y", with the documented
    prefixes (spec 6.9), then the user's macros in definition order."""
    r = exim(["-bP", "macros"], conf="ZZ = last\nAA = first\n")
    assert r.rc == 0
    lines = r.out.splitlines()
    assert lines[-2:] == ["ZZ=last", "AA=first"]
    builtins = lines[:-2]
    prefixes = ("_HAVE_", "_DRIVER_ROUTER_", "_DRIVER_TRANSPORT_", "_DRIVER_AUTHENTICATOR_", "_LOG_",
                "_OPT_MAIN_", "_OPT_ROUTERS_", "_OPT_TRANSPORTS_", "_OPT_AUTHENTICATORS_",
                "_OPT_ROUTER_", "_OPT_TRANSPORT_", "_OPT_AUTHENTICATOR_")
    for l in builtins:
        assert l.startswith(prefixes) and l.endswith("=y"), l
    for name in ("_OPT_MAIN_QUALIFY_DOMAIN", "_OPT_ROUTERS_DOMAINS", "_DRIVER_ROUTER_REDIRECT",
                 "_OPT_ROUTER_REDIRECT_DATA", "_OPT_TRANSPORTS_BODY_ONLY",
                 "_DRIVER_TRANSPORT_PIPE", "_OPT_TRANSPORT_PIPE_COMMAND"):
        assert name + "=y" in builtins
    # A name that is a prefix of another comes after it, so it never eats
    # the longer one during substitution.
    names = [l.split("=")[0] for l in builtins]
    pos = {n: i for i, n in enumerate(names)}
    for n in names:
        for m in names:
            if m != n and m.startswith(n):
                assert pos[m] < pos[n], (m, n)
    r = exim(["-bP", "macro_list"], conf="ZZ = last\n")
    assert r.out.splitlines() == names + ["ZZ"]


EXAMPLE = (EXPECTED.parent / "conf" / "example.conf").read_text()


def test_example_conf_accepted():
    """Exim's default configuration (test/conf/example.conf, unchanged) is
    accepted."""
    r = run_case(EXIM, EXAMPLE, {}, ["-bV"])
    assert r.err == ""
    assert r.rc == 0
    assert r.out.splitlines()[-1] == "Configuration file is CONFDIR/exim.conf"


@pytest.mark.parametrize("name", sorted(rc.example_cases(EXPECTED.parents[1])))
def test_example_conf_bp_config(name):
    conf, args, user = rc.example_cases(EXPECTED.parents[1])[name]
    out, err, code = expected_of(name)
    r = run_case(EXIM, conf, {}, args, user)
    assert (r.out, r.err, r.rc) == (out, err, code)


def test_long_lines(exim):
    """Lines of any length, continued, and long macro values (no fixed
    buffer); exim4 gives the same values."""
    a, b, x = "a" * 100000, "b" * 100000, "x" * 50000
    conf = (f"primary_hostname = {a} \\\n  {b}\nLONG = {x}\nqualify_domain = LONG.LONG\n")
    r = exim(["-bP", "primary_hostname", "qualify_domain"], conf=conf)
    assert r.rc == 0
    assert r.out == f"primary_hostname = {a} {b}\nqualify_domain = {x}.{x}\n"
