"""List matching (spec chapter 10) against exim4's recorded answers.

Cases are in lists_cases.py; exim4's answers for
${if KIND{SUBJECT}{LIST}{Y:$value}{N}} in test/expected/expand/lists.json
(record_lists.py).  Each case runs through build/unit/test_match --case,
which calls match_list_check() the way the condition of that name does, so
the matcher is checked on its own; "Failed: ..." from exim4 corresponds to a
deferred match ("D:..."), and exim4's panics (exit 1) to ours.

Differences kept on purpose are listed in KNOWN_DIFFERENCES with the reason.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import EXPECTED, TOP  # noqa: E402
from lists_cases import CONFIG, FILES  # noqa: E402

BUILD = Path(os.environ.get("BUILD", str(TOP / "build")))
if not BUILD.is_absolute():
    BUILD = TOP / BUILD
MATCHER = BUILD / "unit" / "test_match"
# The condition, not the matcher, refuses a match_ip subject that is not an
# IP address: those cases are checked through -be in test_lists_be.py.
CASES = [c for c in json.loads((EXPECTED / "expand" / "lists.json").read_text())
         if "is not an IP address" not in c["stdout"]]

# (kind, subject, list): why ours differs from exim4.
KNOWN_DIFFERENCES = {}


@pytest.fixture(scope="module")
def fixdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("lists")
    for name, text in FILES.items():
        (d / name).write_text(text)
    conf = d / "exim.conf"
    conf.write_text(CONFIG.replace("@FIX@", str(d)))
    conf.chmod(0o644)
    return d


def run_case(fixdir, case):
    lst = case["list"].replace("@FIX@", str(fixdir))
    p = subprocess.run([str(MATCHER), "--case", str(fixdir / "exim.conf"), case["kind"],
                        case["subject"], lst], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.replace(str(fixdir), "@FIX@"), \
        p.stderr.replace(str(fixdir), "@FIX@")


def agrees(case, rc, out, err):
    want = case["stdout"]
    if case["rc"] != 0:
        # exim4 died (panic): so must we, with its message.
        return rc != 0 and case["stderr"].strip() in err
    if rc != 0:
        return False
    if want.startswith("Failed:"):
        if not out.startswith("D:"):
            return False
    elif out != want:
        return False
    # Lines exim4 logged (e.g. "no @ found ...") appear in our log too.
    return all(line in err for line in case["stderr"].splitlines())


@pytest.mark.parametrize("case", CASES, ids=lambda c: "%s{%s}{%s}" % (c["kind"], c["subject"],
                                                                      c["list"]))
def test_list_case(fixdir, case):
    rc, out, err = run_case(fixdir, case)
    key = (case["kind"], case["subject"], case["list"])
    if key in KNOWN_DIFFERENCES:
        assert not agrees(case, rc, out, err), "now agrees: drop it from KNOWN_DIFFERENCES"
        assert rc == 0 and out.startswith("D:"), (rc, out, err)
        return
    assert agrees(case, rc, out, err), (case, rc, out, err)


def test_agreement_share(fixdir):
    """The share of recorded cases where ours and exim4 agree."""
    n = sum(1 for c in CASES if agrees(c, *run_case(fixdir, c)))
    assert n == len(CASES) - len(KNOWN_DIFFERENCES), (n, len(CASES))
