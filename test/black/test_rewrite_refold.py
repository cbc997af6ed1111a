"""Header rewriting continues a line after a changed address when the line
would reach column 40 with the comma and another address follows on the
same line: the comma and its white space stay, then newline and tab.
Cases (header as submitted with -t, the rewritten header as written to the
-H file) recorded from exim4 in test/expected/rewrite/refold_cases.json
with the rules below."""
import json
import re

import pytest

from conftest import EXPECTED

CASES = json.loads((EXPECTED / "rewrite" / "refold_cases.json").read_text())

CONF = """primary_hostname = test.example
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
begin rewrite
a@x  averyveryverylonglocalpart@averyverylongdomain.example.com  h
b@x  bb@y  h
begin routers
begin transports
"""


@pytest.mark.parametrize("header,want", CASES, ids=[c[0] for c in CASES])
def test_refold_as_exim4(exim, tmp_path, header, want):
    r = exim(["-odq", "-t", "-f", "s@q", "r@q"], conf=CONF.format(tmp=tmp_path),
             input=header + "\nSubject: s\n\nbody\n")
    assert r.rc == 0, r.err
    (hfile,) = (tmp_path / "spool" / "input").glob("*-H")
    lines = hfile.read_text().split("\n")
    start = next(i for i, l in enumerate(lines) if re.match(r"\d{3}[TC] ", l))
    end = next(i for i, l in enumerate(lines) if "Subject:" in l)
    assert "\n".join(lines[start:end]) == want
