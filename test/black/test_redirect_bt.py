"""The redirect router (spec chapter 22) through -bt and -bv: each case of
redirect_cases.py must give what Exim 4.96 gave (exit status, stdout,
stderr, log lines), recorded in test/expected/redirect/<case>.out by
test/expected/redirect/record.py."""
import pytest

from conftest import EXIM, EXPECTED
from redirect_cases import CASES, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_redirect_as_exim4(tmp_path, name):
    got = run_case(EXIM, name, str(tmp_path / "case"))
    assert got == (EXPECTED / "redirect" / f"{name}.out").read_text()


def _run(tmp_path, name):
    return run_case(EXIM, name, str(tmp_path / "case"))


def test_pfr_children_get_their_transports(tmp_path):
    out = _run(tmp_path, "pipe")
    assert "|/bin/cat -n" in out and "address_pipe" in out
    out = _run(tmp_path, "dir")
    assert "@DIR@/maildir/" in out and "address_dir" in out and "address_file" not in out


def test_forbidden_pfr_children_get_no_transport(tmp_path):
    out = _run(tmp_path, "forbid_all")
    assert "|/bin/cat -n" in out and "address_pipe" not in out and "address_file" not in out
    assert "included files not permitted" in out and '":blackhole:" is not permitted' in out


def test_skipped_syntax_error_is_logged(tmp_path):
    out = _run(tmp_path, "skip_syntax_errors")
    assert 'aliases router: skipped error: "@" or "." expected after "oops" in "<oops, user2"' in out
    assert "user1@test.ex\n    <-- bad2@test.ex" in out
    out = _run(tmp_path, "skip_syntax_errors_all_next")
    assert "userfwd router: skipped error: domain missing or malformed in \"a@@b\"" in out
    assert "user1@test.ex\n  router = localuser, transport = local_delivery" in out


def test_filter_pfr_children_get_their_transports(tmp_path):
    out = _run(tmp_path, "filter_save_pipe")
    assert "@DIR@/box" in out and "address_file" in out and "|/bin/cat" in out and "address_pipe" in out
    out = _run(tmp_path, "filter_forbid_file")
    assert "address_file" not in out
