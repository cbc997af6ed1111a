#!/usr/bin/python3
"""Record Exim 4.96's answers for the configuration reader's cases.

Run by hand (as root, with Debian's exim4 installed) when a case is added to
readconf_cases.py:  /usr/bin/python3 test/black/record_readconf.py [EXIM4]
It writes test/expected/readconf/<case>.{out,err,rc}.  The tests themselves
(test_readconf*.py) never run exim4.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import readconf_cases as rc  # noqa: E402
from readconf_run import run_case  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "test" / "expected" / "readconf"


def record(name, conf, files, args, user, exim4, **kw):
    r = run_case(exim4, conf, files, args, user, **kw)
    (OUT / f"{name}.out").write_text(r.out)
    (OUT / f"{name}.err").write_text(r.err)
    (OUT / f"{name}.rc").write_text(f"{r.rc}\n")


def main():
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    OUT.mkdir(parents=True, exist_ok=True)
    for name, conf in rc.ERRORS.items():
        record("err_" + name, conf, rc.ERROR_FILES.get(name, {}), ["-bV"], None, exim4)
    for name, (conf, files, args, user) in rc.OUTPUTS.items():
        record(name, conf, files, args, user, exim4)
    for name, (conf, args, user) in rc.example_cases(TOP).items():
        record(name, conf, {}, args, user, exim4)
    for name, kw in rc.FILES.items():
        kw = dict(kw)
        args = kw.pop("args")
        record(name, rc.FILES_CONF, {}, args, None, exim4, **kw)


if __name__ == "__main__":
    main()
