"""A transport's headers_rewrite (spec 31.1, 31.7): rules checked when the
option is read, with exim4's error texts, and applied to the headers the
transport writes (the working part of an address, or the whole item for
a w rule).  Expected texts were checked against exim4 4.96 by hand with
the same configurations."""
import os
import re
import shutil
import subprocess
import tempfile

from pathlib import Path

import pytest

from conftest import EXIM

TRANSPORT = """\
primary_hostname = test.ex
qualify_domain = test.ex
exim_user = root
exim_group = root
never_users =
keep_environment =
log_file_path = {d}/log/%slog
spool_directory = {d}/spool
begin routers
r:
  driver = accept
  transport = t
begin transports
t:
  driver = appendfile
  file = {d}/mbox
  user = nobody
  headers_rewrite = {rules}
"""


@pytest.mark.parametrize("rules,error", [
    ("a@b x@y F", "rewrite rule specifies a non-header rewrite - not allowed at transport time -"),
    ("a@b x@y S", "rewrite rule specifies a non-header rewrite - not allowed at transport time -"),
    ("a@b x@y Z", "unknown rewrite flag character 'Z' (could be missing quotes round replacement item)"),
    ("a@b", "missing rewrite replacement string"),
])
def test_bad_rules_are_configuration_errors(exim, tmp_path, rules, error):
    r = exim(["-bV"], conf=TRANSPORT.format(d=tmp_path, rules=rules))
    assert r.rc == 1
    lines = [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", x) for x in r.err.splitlines()]
    assert lines[-2:] == [f"Exim configuration error in line 18 of {tmp_path}/exim.conf:", "  " + error]


@pytest.fixture
def open_dir():
    """A directory the delivery user (nobody) can write in."""
    d = Path(tempfile.mkdtemp(prefix="rwt-"))
    os.chmod(d, 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_headers_rewritten_in_delivery(open_dir):
    d = open_dir
    for sub in ("log", "spool"):
        (d / sub).mkdir()
    rules = '*@old.example $1@new.example : fp@x.example "Ford <ford@y.example>" fw'
    conf = d / "exim.conf"
    conf.write_text(TRANSPORT.format(d=d, rules=rules))
    conf.chmod(0o644)
    msg = 'From: fp@x.example\nTo: a@old.example, b@z.example\nCc: "Q" <c@old.example>\nSubject: s\n\nbody\n'
    r = subprocess.run([EXIM, "-C", str(conf), "-odi", "-f", "s@old.example", "r@old.example"],
                       input=msg, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    text = (d / "mbox").read_text()
    kept = [x for x in text.splitlines()
            if not re.match(r"^(Received|Message-Id|Date|From [a-z]|\s)", x)]
    assert kept == ["From: Ford <ford@y.example>", "To: a@new.example, b@z.example",
                    'Cc: "Q" <c@new.example>', "Subject: s", "", "body", ""]
