"""util/exiqgrep, util/exiqsumm and util/exipick (spec 54), this project's
own Perl scripts, run against our exim on the spools of queue_cases.py.
exiqsumm's output is compared with Debian's exiqsumm on the same input
(test/expected/queue/record_exiqsumm.sh); exiqgrep's and exipick's formats
were checked against Debian's scripts (which list in hash order, so the
expectations here are written out, in id order)."""
import subprocess
from pathlib import Path

import pytest

import queue_cases as q
from conftest import EXIM, EXPECTED, TOP

M1, M2 = q.M1, q.M2


@pytest.fixture
def spool(tmp_path):
    s = tmp_path / "spool"
    q.fresh(s)
    q.standard(s)       # M1: 2h, frozen, a@b.example (c@d.example done); M2: <>, 3.2K
    conf = tmp_path / "conf"
    conf.write_text(q.conf_text(str(tmp_path)))
    conf.chmod(0o644)
    return tmp_path


def util(name, args, stdin=None):
    p = subprocess.run(["/usr/bin/perl", str(TOP / "util" / name), *args], input=stdin,
                       capture_output=True, text=True, timeout=30)
    return p


def exiqgrep(d, *args):
    return util("exiqgrep", ["-E", EXIM, "-C", str(d / "conf"), *args])


def exipick(d, *args):
    return util("exipick", ["--spool", str(d / "spool"), *args])


HEAD1 = f" 2h   279 {M1} <sender@x.example> *** frozen ***"
HEAD2 = f" 0m  3.2K {M2} <>"


@pytest.mark.parametrize("args,out", [
    (["-i", "-r", "B.EXAMPLE"], f"{M1}\n{M2}\n"),
    (["-R", "-i", "-r", "."], f"{M2}\n{M1}\n"),
    (["-f", "^<>$", "-b"], f"{M2} From: <> To: z@b.example\n"),
    (["-z"], f"{HEAD1}\n\t  a@b.example\n\n"),
    (["-z", "-a"], f"{HEAD1}\n\t  a@b.example\n\t  D c@d.example\n\n"),
    (["-x", "-c"], "1 matches out of 2 messages\n"),
    (["-r", "c@d", "-c"], "0 matches out of 2 messages\n"),
    (["-r", "c@d", "-c", "-a"], "1 matches out of 2 messages\n"),
    (["-s", r"^3\.2K$", "-i"], f"{M2}\n"),
    (["-o", "3600", "-i"], f"{M1}\n"),
    (["-y", "3600", "-i"], f"{M2}\n"),
    (["-x"], f"{HEAD2}\n\t  z@b.example\n\n"),
])
def test_exiqgrep(spool, args, out):
    p = exiqgrep(spool, *args)
    assert (p.returncode, p.stdout, p.stderr) == (0, out, "")


def test_exiqgrep_needs_a_selection(spool):
    p = exiqgrep(spool)
    assert p.returncode == 1 and "-r <regex>" in p.stdout


def test_exiqgrep_named_queue(spool):
    q.install(spool / "spool" / "slow", q.M2, age=30)
    (spool / "spool" / "input" / (M2 + "-H")).unlink()
    assert exiqgrep(spool, "-c", "-r", ".").stdout == "1 matches out of 1 messages\n"
    assert exiqgrep(spool, "-G", "slow", "-i", "-r", ".").stdout == f"{M2}\n"


@pytest.mark.parametrize("name", sorted(p.name for p in (EXPECTED / "queue").glob("exiqsumm*.out")))
def test_exiqsumm_as_debian(name):
    opt = name[len("exiqsumm"):-len(".out")]
    src = "" if opt == "_empty" else (EXPECTED / "queue" / "exiqsumm.in").read_text()
    args = [] if opt in ("_none", "_empty") else [opt]
    p = util("exiqsumm", args, stdin=src)
    assert (p.returncode, p.stdout) == (0, (EXPECTED / "queue" / name).read_text())


def test_exiqsumm_reads_our_listing(spool):
    listing = subprocess.run([EXIM, "-C", str(spool / "conf"), "-bp"], capture_output=True,
                             text=True).stdout
    p = util("exiqsumm", [], stdin=listing)
    assert p.stdout.splitlines()[4:7] == [
        "    2    3555      2h      0m  b.example",
        "-" * 63,
        "    2    3555      2h      0m  TOTAL"]


@pytest.mark.parametrize("args,out", [
    ([], (EXPECTED / "queue" / "bp.out").read_text().replace(" 2h ", " 2h ")),
    (["-bpc"], "2\n"),
    (["-c", "-r", "a@b"], "1 matches out of 2 messages\n"),
    (["-i", "$recipients_count > 1"], f"{M1}\n"),
    (["-i", "$message_size > 1K"], f"{M2}\n"),
    (["-i", "$sender_address = SENDER@X.example"], f"{M1}\n"),
    (["-i", "$sender_address eq SENDER@X.example"], ""),
    (["-i", "$h_subject eq two"], f"{M2}\n"),
    (["-i", "$message_body =~ /body line/"], f"{M1}\n"),
    (["-i", "!$deliver_freeze"], f"{M2}\n"),
    (["-i", "-z"], f"{M1}\n"),
    (["-i", "--or", "$deliver_freeze", "$sender_address eq "], f"{M1}\n{M2}\n"),
    (["-i", "--not", "$deliver_freeze"], f"{M2}\n"),
    (["-i", "$message_age > 1h"], f"{M1}\n"),
    (["-i", "$recipients_undel =~ /c@d/"], ""),
    (["-i", "-R", "--sort", "message_size"], f"{M2}\n{M1}\n"),
    (["-b"], f"{M1} From: <sender@x.example> To: a@b.example\n{M2} From: <> To: z@b.example\n"),
    (["--flatq", "-x"], f"{HEAD2} z@b.example\n"),
    (["-i", "-x", "--show-vars", "sender_address,recipients_count"],
     f"{M2} sender_address='' recipients_count='1'\n"),
    (["-bpu", "-z"], f"{HEAD1}\n          a@b.example\n\n"),
    (["-bpa", "-z"], f"{HEAD1}\n          a@b.example\n        D c@d.example\n"
                     "       +D b@x.example\n       +D gen@x.example\n\n"),
])
def test_exipick(spool, args, out):
    p = exipick(spool, *args)
    assert (p.returncode, p.stdout, p.stderr) == (0, out, "")


def test_scripts_are_built_beside_exim():
    for name in ("exiqgrep", "exiqsumm", "exipick"):
        built = Path(EXIM).parent / name
        assert built.read_bytes() == (TOP / "util" / name).read_bytes()
