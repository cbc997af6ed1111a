"""-bt / -bv / -bvs against exim4's recorded answers (test/expected/route/).

Each case of cases.json names a config (test/expected/route/configs/), the
command-line options and arguments (or standard input), and exim4's stdout
and exit code; record.py made them.  The scratch files the configs refer
to (@DIR@) are recreated under tmp_path.
"""
import json
import subprocess
import sys

import pytest

from conftest import EXIM, EXPECTED, Result
from dnsworld import no_dns  # noqa: F401  (fixture: host names never reach the host's resolver)

sys.path.insert(0, str(EXPECTED / "route"))
from record import FILES, STAMP  # noqa: E402

CASES = json.loads((EXPECTED / "route" / "cases.json").read_text())
CONFIGS = {p.stem: p.read_text() for p in (EXPECTED / "route" / "configs").glob("*.conf")}

# Routers whose runtime is another part of this wave: a case that reaches
# one of them is expected to fail until it lands.
NOT_YET = "routing is not in this build yet"


def case_id(c):
    return "-".join([c["conf"]] + c["opts"] + [a.replace(" ", "_") for a in c["args"]] +
                    (["stdin"] if c["stdin"] else []))


@pytest.mark.parametrize("c", CASES, ids=[case_id(c) for c in CASES])
def test_route_case(exim, tmp_path, no_dns, c):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    conf = exim.write_conf(CONFIGS[c["conf"]].replace("@DIR@", str(tmp_path)))
    p = subprocess.run(no_dns + [EXIM, "-C", str(conf)] + c["opts"] + c["args"],
                       input=c["stdin"] or "", capture_output=True, text=True, timeout=30,
                       errors="replace")
    r = Result(p.returncode, p.stdout, p.stderr)
    if c["xfail"]:
        pytest.xfail(c["xfail"])
    if NOT_YET in r.out and NOT_YET not in c["out"]:
        pytest.xfail("reaches a router type whose runtime is not in this build yet: " +
                     r.out.strip().splitlines()[0])
    assert (r.out.replace(str(tmp_path), "@DIR@"), r.rc) == (c["out"], c["rc"])
    if c.get("stderr"):
        assert STAMP.sub("", r.err.replace(str(tmp_path), "@DIR@")) == c["err"]
