"""The ratelimit and seen ACL conditions (spec 44.38-44.44) and the hints
databases behind them (<spool>/db/ratelimit, <spool>/db/seen with their
.lockfile).  Expected outputs were recorded from Exim 4.96 by
test/expected/acl/record_ratelimit.py (each case: -be runs one after the
other against a fresh spool directory).
"""
import json
import re
import struct
import subprocess

import pytest

from conftest import EXIM, EXPECTED

CONF = (EXPECTED / "acl" / "ratelimit.conf").read_text()
CASES = json.loads((EXPECTED / "acl" / "ratelimit_cases.json").read_text())


def make_spool(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    conf = tmp_path / "exim.conf"
    conf.write_text(CONF.replace("@SPOOL@", str(spool)))
    conf.chmod(0o644)
    return conf, spool


def be(conf, s):
    p = subprocess.run([EXIM, "-C", str(conf), "-be", s], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    return p.stdout


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_recorded(tmp_path, case):
    conf, _ = make_spool(tmp_path)
    got = [be(conf, s) for s in case["in"]]
    assert got == case["out"]


def test_database_files_and_layout(tmp_path):
    conf, spool = make_spool(tmp_path)
    assert be(conf, "${if acl{{st}}{Y}{N}}") == "N\n"
    assert be(conf, "${if acl{{sn}{key1}}{Y}{N}}") == "N\n"
    db = spool / "db"
    names = sorted(p.name for p in db.iterdir())
    assert names == ["ratelimit", "ratelimit.lockfile", "seen", "seen.lockfile"]
    # Berkeley DB hash files (magic 0x061561 at offset 12)
    for n in ("ratelimit", "seen"):
        magic = struct.unpack("<I", (db / n).read_bytes()[12:16])[0]
        assert magic == 0x061561
    assert b"1h/per_cmd/k1\0" in (db / "ratelimit").read_bytes()
    assert b"key1\0" in (db / "seen").read_bytes()


def test_four_processes_share_the_rate_under_the_lock(tmp_path):
    # Four processes each count 250 events on one key; with the lock held
    # for each read-modify-write no update is lost and the rate reaches
    # 1000 (without the lock updates get lost: checked by hand).
    conf, _ = make_spool(tmp_path)
    conf.write_text(conf.read_text() + "inc:\n  accept ratelimit = 1000 / 1d / per_cmd / strict / shared\n"
                    "rd:\n  warn ratelimit = 1000 / 1d / per_cmd / readonly / shared\n"
                    "  accept message = $sender_rate\n")
    s = " ".join(["${if acl{{inc}}{}{}}"] * 250)
    procs = [subprocess.Popen([EXIM, "-C", str(conf), "-be", s], stdout=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) for _ in range(4)]
    for p in procs:
        p.communicate(timeout=60)
        assert p.returncode == 0
    assert be(conf, "${acl{rd}}") == "1000.0\n"


def test_readonly_without_database(tmp_path):
    conf, spool = make_spool(tmp_path)
    assert be(conf, "${if acl{{ro}}{Y}{N}} ${acl{show}}") == "N 0.0/1/1h\n"
    assert not (spool / "db" / "ratelimit").exists()


def test_non_smtp_per_byte_per_rcpt_and_log_ids(tmp_path):
    # recorded with exim4 -odq a@b c@d: per_byte counts the message size,
    # per_rcpt the recipients, logwrite lines carry the message id
    # (:main,panic: writes both logs).
    conf = tmp_path / "exim.conf"
    conf.write_text("spool_directory = %s/spool\nlog_file_path = %s/%%slog\nacl_not_smtp = n\n"
                    "begin acl\nn:\n"
                    "  warn ratelimit = 1 / 1h / per_byte / strict\n"
                    "       logwrite = :main,panic: byte rate $sender_rate size $message_size\n"
                    "  warn ratelimit = 100 / 1h / per_mail\n"
                    "       logwrite = mail rate $sender_rate\n"
                    "  warn ratelimit = 0 / 1h / per_rcpt\n"
                    "       logwrite = rcpt rate $sender_rate\n"
                    "  accept\n" % (tmp_path, tmp_path))
    conf.chmod(0o644)
    p = subprocess.run([EXIM, "-C", str(conf), "-odq", "a@b", "c@d"], input="Subject: x\n\nbody\n",
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    main = re.sub(r"^\S+ \S+ ", "", (tmp_path / "mainlog").read_text(), flags=re.M)
    ids = re.findall(r"^(\S+) (?:byte|rcpt) rate", main, flags=re.M)
    assert len(ids) == 2 and ids[0] == ids[1]
    assert "%s byte rate 17.0 size 17\n" % ids[0] in main
    assert "%s rcpt rate 2.0\n" % ids[0] in main
    assert "mail rate" not in main
    assert "%s byte rate 17.0 size 17" % ids[0] in (tmp_path / "paniclog").read_text()
