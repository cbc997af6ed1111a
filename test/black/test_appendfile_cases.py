"""The appendfile transport and the message writer against exim4's
recordings (test/expected/appendfile/*.json, made by
record_appendfile.py from the cases in appendfile_cases.py): delivery log
lines and every file and directory the delivery leaves, with its mode,
owner and content."""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from appendfile_cases import (CASES, args_for, delivery_lines, mail_tree, message_for, prepare, release, run_case,
                              tmp_after, tmp_writable_by_nobody)
from conftest import EXIM, EXPECTED


def delivery_calls(op):
    """Whether the delivery process's sources call transport_ops.<op>."""
    from conftest import TOP
    return any(f"->{op}(" in p.read_text() for p in (TOP / "src" / "deliver").glob("*.c"))


def same_arrow(lines):
    return sorted(x.replace("MSGID -> ", "MSGID => ") for x in lines)


@pytest.fixture
def world_dir():
    """A directory outside pytest's own tree: that tree's top is reset to
    mode 0700 whenever another pytest session starts, which would lock the
    transports (running as nobody) out of mail/ in the middle of a case."""
    d = Path(tempfile.mkdtemp(prefix="appendfile-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_appendfile_case(exim, world_dir, name):
    tmp_path = world_dir
    case = CASES[name]
    if case.get("xfail"):
        pytest.xfail(case["xfail"])
    if case.get("xfail_unless") and not delivery_calls(case["xfail_unless"]):
        pytest.xfail(f"the delivery process does not call transport_ops.{case['xfail_unless']} yet")
    if case.get("notmp") and tmp_writable_by_nobody():
        pytest.skip("recorded where /tmp is not writable by nobody")
    want = json.loads((EXPECTED / "appendfile" / f"{name}.json").read_text())
    conf, holders = prepare(tmp_path, case)
    try:
        if case.get("tmpfs"):
            # a private /tmp (mount namespace): see appendfile_cases.py
            conf_path = tmp_path / "conf"
            conf_path.write_text(conf)
            os.chmod(conf_path, 0o644)
            p = run_case(EXIM, conf_path, tmp_path, case)
            if "unshare" in p.stderr or "mount" in p.stderr:
                pytest.skip("no private mount namespace here: " + p.stderr.strip())
            rc, err = p.returncode, p.stderr
        else:
            r = exim(args_for(case), conf=conf, input=message_for(case))
            rc, err = r.rc, r.err
    finally:
        release(holders)
    assert rc == want["rc"], err
    if "tmp_after" in want:
        assert tmp_after(tmp_path) == want["tmp_after"]
    got = mail_tree(tmp_path)
    assert sorted(got) == sorted(want["mail"])
    for k in want["mail"]:
        assert got[k] == want["mail"][k], k
    if case.get("log_differs"):
        pytest.xfail("delivery log: " + case["log_differs"])
    # Later addresses of a batch are logged "->" by exim4; that mark is the
    # delivery log's business (deliver_log), not the transport's: both
    # sides are compared with "=>".
    got_d = same_arrow(delivery_lines(tmp_path)); want_d = same_arrow(want["deliveries"])
    assert got_d == want_d, "\n".join(x for x in got_d if x not in want_d)
