"""The queuefile transport (experimental; seed "Queuefile transport"):
delivery copies the message's -D and -H spool files into the directory
option's (expanded) directory, keeping the spool format; errors defer.
exim4 (Debian) is built without it, so the checks are against the spool
files themselves."""
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from ptrans_cases import wait_for_processes

CONF = """
spool_directory = {top}/spool
log_file_path = {top}/log/%slog
primary_hostname = test.example
never_users =
begin routers
r:
  driver = accept
  transport = ${{if eq{{$local_part}}{{rel}}{{qrel}}{{${{if eq{{$local_part}}{{missing}}{{qmissing}}{{qf}}}}}}}}
begin transports
qf:
  driver = queuefile
  user = daemon
  group = root
  directory = {top}/out/${{substr_0_2:$domain}}
  headers_add = X-Ignored: yes
qrel:
  driver = queuefile
  user = daemon
  group = root
  directory = out
qmissing:
  driver = queuefile
  user = daemon
  group = root
  directory = {top}/nonexistent
"""


@pytest.fixture
def top():
    # the transport runs as daemon (group root, to read the spool files):
    # a directory it can reach, not under pytest's 0700 base directory
    d = Path(tempfile.mkdtemp(prefix="ptrans-qf-", dir="/tmp"))
    os.chmod(d, 0o777)
    os.makedirs(d / "out" / "te")
    os.chmod(d / "out", 0o777)
    os.chmod(d / "out" / "te", 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def send(exim, top, rcpt):
    r = exim(["-odi", "-f", "s@test.example", rcpt], conf=CONF.format(top=top),
             input="Subject: q\n\nbody line\n")
    # bounces of the deferred cases are delivered in the background
    wait_for_processes(exim.conf_path)
    log = (top / "log" / "mainlog").read_text()
    return r, log


def test_copies_spool_files(exim, top):
    r, log = send(exim, top, "u@test.example")
    assert r.rc == 0, r.err
    msgid = re.search(r" (\S+) <= ", log).group(1)
    assert f"{msgid} => u <u@test.example> R=r T=qf" in log
    out = top / "out" / "te"
    assert sorted(os.listdir(out)) == [f"{msgid}-D", f"{msgid}-H"]
    assert (out / f"{msgid}-D").read_text() == f"{msgid}-D\nbody line\n"
    h = (out / f"{msgid}-H").read_text()
    assert h.startswith(f"{msgid}-H\n")
    assert "u@test.example" in h and "Subject: q" in h
    assert "X-Ignored" not in h          # generic options are ignored


def test_relative_directory_defers(exim, top):
    r, log = send(exim, top, "rel@test.example")
    assert 'rel@test.example R=r T=qrel defer (-21): qrel transport directory "out" is not an absolute path' in log


def test_missing_directory_defers(exim, top):
    r, log = send(exim, top, "missing@test.example")
    assert f"missing@test.example R=r T=qmissing defer (2): No such file or directory: qmissing transport: " \
           f"{top}/nonexistent is not a directory" in log
