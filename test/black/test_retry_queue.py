"""Retry records at work (spec 32): after a routing defer, a queue run
before the retry time skips the address with 'retry time not reached', a
forced run (-qf) tries it again, and the record keeps holding it back;
the main log is compared with exim4's (record_retry.py,
test/expected/retry/queue.log)."""
import re
import subprocess

import pytest

from conftest import EXIM, EXPECTED
from retry_cases import QUEUE_CONF, QUEUE_STEPS


def lines(text):
    out = []
    for ln in text.splitlines():
        ln = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", ln)
        ln = re.sub(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b", "MSGID", ln)
        ln = re.sub(r"pid=\d+", "pid=PID", ln)
        ln = re.sub(r" S=\d+", " S=SIZE", ln)
        if "lost privilege" in ln:   # exim4's -C notice for its exim user
            continue
        out.append(ln)
    return out


def test_retry_time_not_reached(tmp_path):
    conf = tmp_path / "exim.conf"
    conf.write_text(QUEUE_CONF.replace("@DIR@", str(tmp_path)))
    conf.chmod(0o644)
    for step in QUEUE_STEPS:
        subprocess.run([EXIM, "-C", str(conf)] + step, input="Subject: t\n\nbody\n", text=True,
                       check=True, timeout=30)
    got = lines((tmp_path / "log" / "mainlog").read_text())
    want = lines((EXPECTED / "retry" / "queue.log").read_text())
    assert got == want
    assert (tmp_path / "spool" / "db" / "retry").exists()
