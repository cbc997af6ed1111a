"""Rewriting at reception (spec 31.2): envelope sender and recipients,
the address headers received with the message (changed ones kept marked
'*' with the new one after them, X-rewrote-* records), qualification of
local messages' header addresses in the same pass, and SMTP-time (S)
rewriting of MAIL/RCPT.  Each case of rewrite_cases.RECEIVE must give
what Exim 4.96 gave (replies, logs, -H and -D files), recorded in
test/expected/rewrite/rcv_<case>.out."""
import pytest

from conftest import EXIM, EXPECTED
from rewrite_cases import RECEIVE, receive_run


@pytest.mark.parametrize("name", sorted(RECEIVE))
def test_receive_as_exim4(tmp_path, name):
    got = receive_run(EXIM, name, str(tmp_path / "case"))
    assert got == (EXPECTED / "rewrite" / f"rcv_{name}.out").read_bytes().decode()
