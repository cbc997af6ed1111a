"""Syslog output (spec 53.4), checked by catching the datagrams that
syslog() sends: the test runs exim in a private mount namespace (unshare -m)
with a tmpfs over /dev and a Python datagram socket bound at /dev/log.
Skipped when not root or when unshare/mount are not permitted.

The expected datagrams were recorded from exim4 the same way
(python3 test/black/test_log_syslog.py --record writes
test/expected/log/syslog.json); dates and pids are normalised.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
EXPECTED = TOP / "test" / "expected" / "log" / "syslog.json"
EXIM = os.environ.get("EXIM", str(TOP / "build" / "exim"))

LISTENER = r'''
import os, socket, subprocess, sys, json
if os.path.exists("/dev/log"):
    os.unlink("/dev/log")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(0.3)
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
out = []
try:
    while True:
        out.append(s.recv(65536).decode())
except socket.timeout:
    pass
print(json.dumps({"rc": p.returncode, "datagrams": out}))
'''

BASE = "primary_hostname = test.example\nkeep_environment =\n"
LONG = "L " + "y" * 1800
CASES = {
    "local0_defaults": ("log_file_path = syslog\nsyslog_processname = eximtest\nsyslog_facility = local0\n",
                        ["-z", "to syslog"]),
    "no_pid_no_timestamp": ("log_file_path = syslog\nsyslog_pid = false\nsyslog_timestamp = false\n",
                            ["-z", "bare"]),
    "long_line_split": ("log_file_path = syslog\nsyslog_facility = LOG_NEWS\n", ["-z", LONG]),
    "file_and_syslog": ("log_file_path = syslog : @DIR@/%slog\n", ["-z", "both"]),
    "cmdline_L": ("log_file_path = syslog\n", ["-L", "mylabel", "-z", "labelled"]),
    "selector_pid": ("log_file_path = syslog\nlog_selector = +pid\nsyslog_pid = false\n", ["-z", "p"]),
    "duplication": ("log_file_path = syslog : @DIR@/%slog : @DIR@/y%slog\n", ["-z", "d"]),
    "no_duplication": ("log_file_path = syslog : @DIR@/%slog : @DIR@/y%slog\nsyslog_duplication = false\n",
                       ["-z", "d"]),
    "selector_pid_kept": ("log_file_path = syslog\nlog_selector = +pid\n", ["-z", "q"]),
}


def normalise(d: str) -> str:
    d = re.sub(r"^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d ", r"<\1>DATE ", d)
    d = re.sub(r"\[\d+\]", "[PID]", d)
    d = re.sub(r"/tmp/exim-syslog-[^/]+/", "@DIR@/", d)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "YYYY-MM-DD HH:MM:SS", d)


def run_case(binary, name):
    conf_text, args = CASES[name]
    d = Path(tempfile.mkdtemp(prefix="exim-syslog-"))
    try:
        d.chmod(0o777)   # exim4 writes its files as its own user
        conf = d / "exim.conf"
        conf.write_text(BASE + conf_text.replace("@DIR@", str(d)))
        conf.chmod(0o644)
        (d / "listen.py").write_text(LISTENER)
        script = ("mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && "
                  'exec "$0" "$@"')
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, sys.executable, str(d / "listen.py"),
                            binary, "-C", str(conf)] + args, capture_output=True, text=True, timeout=60)
        if p.returncode != 0 or not p.stdout.strip():
            return None
        r = json.loads(p.stdout)
        files = sorted(f.name + ":" + normalise(f.read_text()) for f in d.iterdir() if f.name.endswith("log"))
        return {"rc": r["rc"], "datagrams": [normalise(x) for x in r["datagrams"]], "files": files}
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    if sys.argv[1:] == ["--record"]:
        EXPECTED.write_text(json.dumps({n: run_case("/usr/sbin/exim4", n) for n in CASES}, indent=1) + "\n")
        sys.exit(0)

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def namespace_ok():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to fake /dev/log")
    p = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /dev"], capture_output=True)
    if p.returncode != 0:
        pytest.skip("mount namespaces not permitted here")


@pytest.mark.parametrize("name", list(CASES))
def test_syslog_as_exim4(namespace_ok, name):
    want = json.loads(EXPECTED.read_text())[name]
    got = run_case(EXIM, name)
    assert got == want
