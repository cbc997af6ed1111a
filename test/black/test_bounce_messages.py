"""Bounces, DSN reports, success DSNs and delay warnings (spec chapter 50,
RFC 3464) compared byte for byte, after normalisation, with the messages
exim4 generated for the same cases (record_bounce.py,
test/expected/bounce/<name>.json): the header lines and their order, the
default and customised texts, the delivery-status part, the returned copy
of the message and its limits."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from bounce_cases import CASES, CONF, FILES
from conftest import EXIM, EXPECTED, normalise

NORM = [
    (re.compile(r"<E[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@"), "<EMSGID@"),
    (re.compile(r"\d+-eximdsn-\d+"), "BOUNDARY"),
    (re.compile(r"^From (\S+) \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$", re.M), r"From \1 MBOXDATE"),
    (re.compile(r"\w{3}, [ \d]?\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}"), "RFC2822DATE"),
    # the login of whoever submitted (exim4's bounce child runs as Debian-exim)
    (re.compile(r"^Received: from \S+ by ", re.M), "Received: from LOGIN by "),
    (re.compile(r"^Received: from \S+ \(helo=", re.M), "Received: from LOGIN (helo="),
]


def norm(text, d):
    text = text.replace(str(d), "@DIR@")
    for rx, rep in NORM:
        text = rx.sub(rep, text)
    return normalise(text)


def run_case(tmp, case):
    name, main, mode, sender, rcpts, text = case
    for sub in ("log", "spool", "mail"):
        (tmp / sub).mkdir()
        os.chmod(tmp / sub, 0o777)
    for fname, ftext in FILES.items():
        (tmp / fname).write_text(ftext)
        if fname.endswith(".sh"):
            (tmp / fname).chmod(0o755)
    conf = tmp / "exim.conf"
    conf.write_text(CONF.replace("@MAIN@", main).replace("@DIR@", str(tmp)))
    conf.chmod(0o644)
    base = [EXIM, "-C", str(conf)]
    rc = 0
    if mode == "oe":
        rc = subprocess.run(base + ["-odi", "-f", sender] + rcpts, input=text, text=True, timeout=30).returncode
    elif mode == "cmd":
        subprocess.run(base + ["-odi", "-f", sender] + rcpts, input=text, text=True, check=True, timeout=30)
    elif mode == "smtp":
        subprocess.run(base + ["-odi", "-bs"], input=text, text=True, check=True, capture_output=True, timeout=30)
    else:
        if mode.startswith("smtpwarn"):   # received over SMTP (DSN options), then as "warnN"
            subprocess.run(base + ["-odq", "-bs"], input=text, text=True, check=True, capture_output=True,
                           timeout=30)
            mode = mode[4:]
        else:
            subprocess.run(base + ["-odq", "-f", sender] + rcpts, input=text, text=True, check=True, timeout=30)
        (hfile,) = list((tmp / "spool" / "input").glob("*-H"))
        lines = hfile.read_text().split("\n")
        t, count = lines[3].split()
        digits = "".join(c for c in mode if c.isdigit())
        age = int(digits) if digits else 10       # "warnN"/"frozenN": received N seconds ago
        lines[3] = "%d %s" % (int(t) - age, count)
        hfile.write_text("\n".join(lines))
        if mode == "giveup":
            subprocess.run(base + ["-Mg", hfile.name[:-2]], check=True, timeout=30)
        elif mode.startswith("frozen"):   # frozen by root, then a queue run
            subprocess.run(base + ["-Mf", hfile.name[:-2]], check=True, capture_output=True, timeout=30)
            subprocess.run(base + ["-q"], check=True, timeout=30)
        else:
            subprocess.run(base + ["-M", hfile.name[:-2]], check=True, timeout=30)
    exp = EXPECTED / "bounce" / (name + ".json")
    want = json.loads(exp.read_text()) if exp.exists() else {"mail": {}}
    # generated messages are delivered by their own processes: wait until
    # every message logged as received has finished its delivery attempt
    log = tmp / "log" / "mainlog"
    deadline = time.time() + 15
    while time.time() < deadline:
        text = log.read_text() if log.exists() else ""
        ids = re.findall(r"^\S+ \S+ (\S+) <= ", text, re.M)
        if ids and all(re.search(r"^\S+ \S+ %s (Completed|Frozen|== )" % re.escape(i), text, re.M) for i in ids):
            break
        time.sleep(0.05)
    return want, {p.name: p.read_text() for p in sorted((tmp / "mail").iterdir())}, rc


@pytest.fixture
def run_dir():
    """A directory the transport's user (nobody) can reach: pytest's own
    tmp_path sits below a mode 0700 directory."""
    d = Path(tempfile.mkdtemp(prefix="bounce-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


# Cases whose generated message is right but that need pieces of other
# layers not yet in the tree (they pass once those arrive: strict=False).
PENDING = {
}


def _param(c):
    marks = [pytest.mark.xfail(reason=PENDING[c[0]], strict=False)] if c[0] in PENDING else []
    return pytest.param(c, id=c[0], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_generated_message(run_dir, case):
    tmp_path = run_dir
    want, got, rc = run_case(tmp_path, case)
    rec_dir = "/tmp/bounce-rec"
    assert rc == want.get("rc", 0)
    assert sorted(got) == sorted(want["mail"])
    for box, text in want["mail"].items():
        assert norm(got[box], tmp_path) == norm(text.replace(rec_dir, str(tmp_path)), tmp_path), box
    # what the bounce layer itself logs (NOTIFY=NEVER's "error ignored", a
    # refused submission)
    def own(text):
        return [ln.split(" ", 3)[3] for ln in text.splitlines()
                if re.search(r"error ignored|Process failed|Child mail process", ln)]
    log = (tmp_path / "log" / "mainlog").read_text()
    assert own(log) == own(want["mainlog"])


def test_bounce_reference_logged(run_dir):
    """The bounce's arrival names the failed message: '<= <> R=<id>'."""
    tmp_path = run_dir
    run_case(tmp_path, CASES[1])  # no_message: one bounce
    log = (tmp_path / "log" / "mainlog").read_text()
    first = re.search(r"(\S+) <= sender@example.com", log).group(1)
    assert re.search(r" <= <> R=%s U=\S+ P=local S=\d+" % re.escape(first), log), log


def test_missing_message_file_logged(run_dir):
    """An unreadable bounce_message_file: default texts, and exim4's line in
    the main and panic logs."""
    case = [c for c in CASES if c[0] == "message_file_missing"][0]
    want, got, rc = run_case(run_dir, case)

    def failed_open(text, d):
        return [norm(ln, d).split(" ", 3)[3] for ln in text.splitlines() if "Failed to open" in ln]

    expect = failed_open(want["mainlog"].replace("/tmp/bounce-rec", str(run_dir)), run_dir)
    assert expect and failed_open((run_dir / "log" / "mainlog").read_text(), run_dir) == expect
    assert failed_open((run_dir / "log" / "paniclog").read_text(), run_dir) == expect


def test_submission_command_line(run_dir):
    """Generated messages are submitted by running exim_path (when the
    configuration sets it) as '-C <conf> -t -oem -oi -f <> -E<id>' (-odi before -t in a foreground delivery,
    as exim4: its argv recorded with such a wrapper, the sender written "<>")."""
    wrapper = run_dir / "exim-wrapper"
    args = run_dir / "args"
    wrapper.write_text('#!/bin/sh\nprintf "%%s\\n" "$@" > %s\nexec %s "$@"\n' % (args, EXIM))
    wrapper.chmod(0o755)
    case = ("wrapped", "exim_path = %s" % wrapper, "cmd", "sender@example.com", ["bad@example.com"], CASES[0][5])
    run_case(run_dir, case)
    log = (run_dir / "log" / "mainlog").read_text()
    first = re.search(r"(\S+) <= sender@example.com", log).group(1)
    assert args.read_text().split("\n")[:-1] == ["-C", str(run_dir / "exim.conf"), "-odi", "-t", "-oem", "-oi",
                                                  "-f", "<>", "-E" + first]


def test_submission_child_failing(run_dir):
    """A submission child that exits 1 without reading is logged with its
    status and, retry rules being configured, the message is frozen, as
    exim4 (checked with an exim_path wrapper doing the same); not the end of
    the delivery process by SIGPIPE, and no line for the broken pipe."""
    wrapper = run_dir / "exim-wrapper"
    wrapper.write_text("#!/bin/sh\nexit 1\n")
    wrapper.chmod(0o755)
    body = "From: a@example.com\nSubject: big\n\n" + ("x" * 70 + "\n") * 4000
    case = ("dying", "exim_path = %s\nbounce_return_size_limit = 10M" % wrapper, "cmd",
            "sender@example.com", ["bad@example.com"], body)
    run_case(run_dir, case)
    log = (run_dir / "log" / "mainlog").read_text()
    assert "Process failed (1) when writing error message to sender@example.com (frozen)" in log, log
    assert "Broken pipe" not in log and " Completed" not in log, log
