"""control = ... (spec 44.22): the ACLs each control is refused in, the
errors for unknown controls and bad options, as recorded from exim4 -bh by
test/expected/acl/record_controls.py; control = debug writing a debug log.
"""
import json
import sys

import pytest

from conftest import EXIM, EXPECTED

sys.path.insert(0, str(EXPECTED / "acl"))
import record_controls  # noqa: E402

EXPECTED_WHERE = json.loads((EXPECTED / "acl" / "controls_where.json").read_text())


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    spool = tmp_path_factory.mktemp("spool")
    return record_controls.run(EXIM, str(spool))


@pytest.mark.parametrize("control", record_controls.CONTROLS)
def test_where_refused(ours, control):
    assert ours[control] == EXPECTED_WHERE[control]


def test_debug_control_writes_debuglog(exim, tmp_path):
    conf = ("log_file_path = %s/%%slog\nbegin acl\nd:\n  accept control = debug/tag=.x/opts=+acl\n"
            "k:\n  accept control = debug/kill\n" % tmp_path)
    r = exim(["-be", "${acl{d}}"], conf=conf)
    assert r.out == "\n"
    log = (tmp_path / "debuglog.x").read_text()
    assert log.startswith("debug file opened by ACL (control = debug) in unknown ACL\n")
    r = exim(["-be", "${acl{d}}${acl{k}}"], conf=conf)
    assert not (tmp_path / "debuglog.x").exists()


def test_debug_control_bad_options(exim):
    conf = "begin acl\nd:\n  accept control = debug/opts=+nosuch\n"
    r = exim(["-be", "${acl{d}}"], conf=conf)
    assert r.out == 'Failed: ERROR from acl "d"\n'
