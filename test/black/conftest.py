"""Shared helpers for black-box tests: run build/exim the way a user does.

Every test gets its own temporary directory (pytest's tmp_path); configs are
written there owned by the caller with mode 0644, which satisfies the
configuration file ownership rules when tests run as root.

Fixtures and helpers:
  exim(args, conf=None, input=None, env=None)  -> Result(rc, out, err)
      runs build/exim (EXIM env var overrides the binary: `make asan` sets it)
      with -C <tmp>/exim.conf when conf is given (text of the config).
  normalise(text) -> text with dates, pids, message ids, temp paths replaced.
  expected(name) -> contents of test/expected/<name> (recorded from Exim 4.96).
"""
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
EXIM = os.environ.get("EXIM", str(TOP / "build" / "exim"))
EXPECTED = TOP / "test" / "expected"


@dataclass
class Result:
    rc: int
    out: str
    err: str


class EximRunner:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.conf_path = tmp / "exim.conf"

    def write_conf(self, text: str, name: str = "exim.conf") -> Path:
        p = self.tmp / name
        p.write_text(text)
        p.chmod(0o644)
        return p

    def __call__(self, args, conf=None, input=None, env=None, timeout=30, conf_name="exim.conf"):
        cmd = [EXIM]
        if conf is not None:
            cmd += ["-C", str(self.write_conf(conf, conf_name))]
        cmd += list(args)
        e = dict(os.environ)
        if env:
            e.update(env)
        p = subprocess.run(cmd, input=input, capture_output=True, text=True,
                           timeout=timeout, env=e, errors="replace")
        return Result(p.returncode, p.stdout, p.stderr)


@pytest.fixture
def exim(tmp_path):
    return EximRunner(tmp_path)


_NORMALISERS = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( [-+]\d{4})?"), "YYYY-MM-DD HH:MM:SS"),
    (re.compile(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{11}-[0-9A-Za-z]{4}\b"), "MSGID"),
    (re.compile(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b"), "MSGID"),
    (re.compile(r"/tmp/pytest-[^/\s]+/[^/\s]+"), "TMPDIR"),
    (re.compile(r"\[\d+\]"), "[PID]"),
]


def normalise(text: str) -> str:
    for rx, rep in _NORMALISERS:
        text = rx.sub(rep, text)
    return text


def expected(name: str) -> str:
    return (EXPECTED / name).read_text()
