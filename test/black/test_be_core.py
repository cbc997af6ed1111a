"""-be: the expansion engine's core (parser, variables, ${if}, items),
against outputs recorded from Exim 4.96.

test/expected/expand/core_cases.json was written by
test/expected/expand/record_core.py (`exim4 -C conf -be STRING` per case);
@FIX@ stands for test/expected/expand/core_fix.  Cases where this build
differs from Exim on purpose are listed in KEPT_DIFFERENCES with the reason
and must give our documented output instead.
"""
import json
import os
import subprocess

import pytest

from conftest import EXIM, EXPECTED

FIX = str(EXPECTED / "expand" / "core_fix")
CONF = "primary_hostname = test.example\nqualify_domain = example.org\n"
CASES = json.loads((EXPECTED / "expand" / "core_cases.json").read_text())

# Differences kept on purpose: input -> (reason, our output prefix).
KEPT_DIFFERENCES = {
}

# Variables whose values depend on the build or the host, not the engine.
VARIABLE_CASES = {"$exim_version $version_number"}


def run_be(tmp_path, *strings, stdin=None):
    conf = tmp_path / "exim.conf"
    conf.write_text(CONF)
    conf.chmod(0o644)
    p = subprocess.run([EXIM, "-C", str(conf), "-be", *strings], capture_output=True,
                       text=True, errors="replace", input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL, timeout=30)
    return p


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("becore")
    out = {}
    for c in CASES:
        p = run_be(tmp, c["in"].replace("@FIX@", FIX))
        out[c["in"]] = p.stdout.replace(FIX, "@FIX@")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["in"][:40] for c in CASES])
def test_recorded(results, case):
    got = results[case["in"]]
    if case["in"] in KEPT_DIFFERENCES:
        assert got.startswith(KEPT_DIFFERENCES[case["in"]][1])
        return
    if case["in"] in VARIABLE_CASES:
        assert got.count(" ") == case["out"].count(" ") and got.strip()
        return
    assert got == case["out"]


def test_agreement_share(results):
    same = sum(1 for c in CASES if results[c["in"]] == c["out"])
    print(f"core -be cases agreeing with Exim 4.96: {same}/{len(CASES)}")
    assert same >= len(CASES) - len(KEPT_DIFFERENCES) - len(VARIABLE_CASES)


# Recorded from exim4: a "> " prompt before each line even when stdin is not
# a terminal, and a newline after the last one at end of input.
def test_stdin_lines(tmp_path):
    p = run_be(tmp_path, stdin="${lc:AB}\n$foo\nplain\n")
    assert p.stdout == "> ab\n> Failed: unknown variable name \"foo\"\n> plain\n> \n"


def test_stdin_continuation(tmp_path):
    p = run_be(tmp_path, stdin="${if eq{a}{a}\\\n{yes}{no}}\n")
    assert p.stdout == "> yes\n> \n"
    p = run_be(tmp_path, stdin="a\\\n  b\n\n  lead\nx\\")
    assert p.stdout == "> ab\n> \n>   lead\n> x\n> \n"


def test_deep_nesting_is_an_error(tmp_path):
    s = "${lc:" * 5000 + "x" + "}" * 5000
    p = run_be(tmp_path, stdin=s + "\n")
    assert p.returncode == 0
    assert p.stdout.startswith("> Failed: ")


def test_long_string(tmp_path):
    s = "a" * 200000 + "${uc:b}"
    p = run_be(tmp_path, stdin=s + "\n")
    assert p.stdout == "> " + "a" * 200000 + "B\n> \n"


def test_run_and_runrc(tmp_path):
    p = run_be(tmp_path, "${run{/bin/echo hi}}$runrc", "${run{/bin/false}{y}{n}}$runrc")
    assert p.stdout == "hi\n0\nn1\n"


def test_bem_headers_and_body(tmp_path):
    msg = tmp_path / "msg"
    msg.write_text("Subject:  hello there \nFrom: a@b\nX-L: one\nX-L: t:wo\n\nbody line\n")
    conf = tmp_path / "exim.conf"
    conf.write_text(CONF)
    conf.chmod(0o644)
    p = subprocess.run([EXIM, "-C", str(conf), "-bem", str(msg), "<$h_subject:>",
                        "<$rh_subject:>", "$lh_x-l:", "$h_x-l:", "${if def:h_from: {y}{n}}",
                        "${if def:h_cc: {y}{n}}", "$message_body", "$message_body_size",
                        "$message_size", "$body_linecount", "$sender_address"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    # recorded from exim4 -bem (which also adds Message-Id: and Date:, counted
    # in neither $message_size nor these headers' lists)
    assert p.stdout == ("<hello there>\n<  hello there \n>\n one: t::wo\none\nt:wo\ny\nn\n"
                        "body line \n10\n63\n1\nroot@example.org\n")
