"""errors_to of a router that fails the address itself (a redirection's
":fail:"): the bounce goes to the errors_to address, as exim4's recorded
errors_to case shows (test/expected/bounce/errors_to.json; the whole
message is compared by test_bounce_messages.py)."""
from bounce_cases import CASES
from test_bounce_messages import run_case, run_dir  # noqa: F401 (fixture)


def test_failing_router_errors_to_gets_the_bounce(run_dir):  # noqa: F811
    case = next(c for c in CASES if c[0] == "errors_to")
    want, got, rc = run_case(run_dir, case)
    assert rc == want.get("rc", 0)
    assert sorted(got) == sorted(want["mail"]) == ["other"]
    assert "X-Failed-Recipients: errtoa@example.com" in got["other"]
    log = (run_dir / "log" / "mainlog").read_text()
    assert "** errtoa@example.com R=errto_r: gone with errors_to" in log
