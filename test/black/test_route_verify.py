"""verify = recipient / sender / header_sender in ACLs and SMTP VRFY/EXPN,
against exim4 -bh transcripts (test/expected/route/bh/, recorded by
record_verify.py from the cases in verify_cases.py): the SMTP replies, the
ACL and routing commentary and the LOG: lines.  List-matching commentary
belongs to the list layer and is left out; dates and message ids are
normalised."""
import re
import subprocess
import sys

import pytest

from conftest import EXIM, EXPECTED
from dnsworld import no_dns  # noqa: F401  (fixture: host names never reach the host's resolver)

sys.path.insert(0, str(EXPECTED / "route"))
from record import FILES  # noqa: E402
from verify_cases import CASES  # noqa: E402

# Not routing: list matching (the list layer), the host name lookup of the
# client (the resolver's answers depend on the machine), and the ACL
# layer's echo of the default config's local_parts after expansion (exim4
# does not show it; an ACL-layer difference).
LIST_LINE = re.compile(r"^>>> .* in .*\? (yes|no)|^>>> host in |^>>> looking up host name for |"
                       r"^>>> IP address lookup |^>>> gethostbyname2 looked up|^>>>   name=\S+ address=|"
                       r"^>>> {19}= \^\[\./\|\] : ")
DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
MSGID = re.compile(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b")


def norm(text):
    return [MSGID.sub("MSGID", DATE.sub("DATE", l)) for l in text.splitlines()
            if not LIST_LINE.match(l)]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_verify_session(tmp_path, no_dns, case):
    name, conf, session = case
    for sub in ("log", "spool"):
        (tmp_path / sub).mkdir()
    for f, text in FILES.items():
        (tmp_path / f).write_text(text)
    c = tmp_path / "c.conf"
    c.write_text(conf.replace("@DIR@", str(tmp_path)))
    c.chmod(0o644)
    p = subprocess.run(no_dns + [EXIM, "-C", str(c), "-bh", "10.0.0.1"], input=session,
                       capture_output=True, text=True, timeout=30)
    exp_out = (EXPECTED / "route" / "bh" / (name + ".out")).read_text()
    exp_err = (EXPECTED / "route" / "bh" / (name + ".err")).read_text()
    assert norm(p.stdout.replace(str(tmp_path), "@DIR@")) == norm(exp_out)
    assert norm(p.stderr.replace(str(tmp_path), "@DIR@")) == norm(exp_err)
