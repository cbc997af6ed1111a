"""Non-SMTP reception (exim [options] address..., -t, -i, -f, -F, -G, -oep):
every case of receive_cases.py must give what Exim 4.96 gave (exit status,
stderr, main/reject/panic log lines, the -H and -D files byte for byte after
receive_normalise()), recorded in test/expected/receive/<case>.out by
test/expected/receive/record.py.  exim4 is not run here."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from receive_cases import BASE, CASES, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_as_exim4(tmp_path, name):
    got = run_case(EXIM, name, str(tmp_path / "case"))
    assert got == (EXPECTED / "receive" / f"{name}.out").read_text()


def _conf(tmp_path, extra=""):
    d = tmp_path / "case"
    (d / "spool" / "log").mkdir(parents=True)
    conf = d / "exim.conf"
    conf.write_text(BASE.replace("@DIR@", str(d)) + extra)
    conf.chmod(0o644)
    return d, conf


def test_rejected_message_leaves_no_files(tmp_path):
    d, conf = _conf(tmp_path, "acl_not_smtp = deny\n")
    p = subprocess.run([EXIM, "-C", str(conf), "-oep", "a@b.example"], input=b"Subject: x\n\nb\n",
                       capture_output=True, timeout=30)
    assert p.returncode == 1
    indir = d / "spool" / "input"
    assert not indir.exists() or os.listdir(indir) == []


@pytest.fixture
def open_dir():
    """A directory other users can reach (pytest's tmp_path is private)."""
    d = Path(tempfile.mkdtemp(prefix="rcv-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_untrusted_caller_gets_sender_header(open_dir):
    tmp_path = open_dir
    # Spec 48.16: a From: that is not the caller's address gets a Sender:,
    # an existing Sender: is removed, and -f is ignored without
    # untrusted_set_sender.
    d, conf = _conf(tmp_path)
    for p in (tmp_path, d, d / "spool", d / "spool" / "log"):
        os.chmod(p, 0o777)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", EXIM, "-C",
                        str(conf), "-f", "x@y.example", "a@b.example"],
                       input=b"From: someone@else.example\nSender: s@t.example\n\nb\n",
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    text = h.read_text()
    lines = text.split("\n")
    assert lines[1] == "nobody 65534 65534"
    assert lines[2] == "<nobody@test.example>"
    assert "\n-local\n" in text and "-auth_id nobody\n" in text
    assert "* Sender: s@t.example\n" in text
    assert "S Sender: nobody <nobody@test.example>\n" in text or \
        "S Sender: nobody@test.example\n" in text


def test_untrusted_set_sender_allows_f(open_dir):
    tmp_path = open_dir
    d, conf = _conf(tmp_path, "untrusted_set_sender = *@x.example\n")
    for p in (tmp_path, d, d / "spool", d / "spool" / "log"):
        os.chmod(p, 0o777)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", EXIM, "-C",
                        str(conf), "-f", "me@x.example", "a@b.example"],
                       input=b"Subject: s\n\nb\n", capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    text = h.read_text()
    assert text.split("\n")[2] == "<me@x.example>"
    assert "-sender_set_untrusted\n" in text
    assert "\n-local\n" not in text
