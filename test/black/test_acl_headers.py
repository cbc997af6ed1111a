"""add_header (:at_start:, :after_received:, default at the end, lines
that are not headers), remove_header and message= on warn, seen in the
spool -H file of a message accepted by the non-SMTP ACL; recorded from
exim4 by test/expected/acl/record_headers.py.
"""
import sys

from conftest import EXIM, EXPECTED

sys.path.insert(0, str(EXPECTED / "acl"))
import record_headers  # noqa: E402


def test_header_placement(tmp_path):
    (tmp_path / "spool").mkdir()
    got = record_headers.record(EXIM, str(tmp_path))
    assert got == (EXPECTED / "acl" / "headers.H").read_text()
