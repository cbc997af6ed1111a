"""Expansion items (spec 11.5) through `exim -be`, against outputs recorded
from Exim 4.96 (test/expected/expand/items_cases.json, written by
test/expected/expand/record_core.py items_cases), plus cases whose answer
depends on the day or needs a live peer (prvs, readsocket, taint).
"""
import hashlib
import hmac
import json
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import EXIM, EXPECTED

FIX = str(EXPECTED / "expand" / "core_fix")
CONF = "primary_hostname = test.example\nqualify_domain = example.org\n"
CASES = json.loads((EXPECTED / "expand" / "items_cases.json").read_text())

# Differences kept on purpose: input -> (reason, start of our output).
KEPT_DIFFERENCES = {
    "${perl{x}}": ("no embedded Perl in this build", "Failed: Perl support is not in this build"),
    "${dlfunc{a}{b}}": ("no dlfunc in this build", "Failed: dlfunc support is not in this build"),
    "${srs_encode{a}{b}{c}}": ("SRS arrives with its module", "Failed: SRS support is not in this build"),
}


def run_be(tmp_path, *strings, conf=CONF, stdin=None, bem=None):
    c = tmp_path / "exim.conf"
    c.write_text(conf)
    c.chmod(0o644)
    args = [EXIM, "-C", str(c)] + (["-bem", str(bem)] if bem else ["-be"]) + list(strings)
    return subprocess.run(args, capture_output=True, text=True, errors="replace", input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL, timeout=30)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("beitems")
    out = {}
    for c in CASES:
        p = run_be(tmp, c["in"].replace("@FIX@", FIX))
        out[c["in"]] = p.stdout.replace(FIX, "@FIX@")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["in"][:40] for c in CASES])
def test_recorded(results, case):
    got = results[case["in"]]
    if case["in"] in KEPT_DIFFERENCES:
        assert got.startswith(KEPT_DIFFERENCES[case["in"]][1])
    else:
        assert got == case["out"]


def test_agreement_share(results):
    same = sum(1 for c in CASES if results[c["in"]] == c["out"])
    print(f"item cases agreeing with Exim 4.96: {same}/{len(CASES)}")
    assert same == len(CASES) - len(KEPT_DIFFERENCES)


def prvs(addr, secret, key="0", days=7):
    day = "%03d" % ((int(time.time()) // 86400 + days) % 1000)
    h = hmac.new(secret.encode(), (key + day + addr).encode(), hashlib.sha1).hexdigest()[:6]
    return f"prvs={key}{day}{h}={addr}"


def test_prvs(tmp_path):
    p = run_be(tmp_path, "${prvs{user@example.com}{secret}}", "${prvs{u@x.y}{k}{3}}")
    assert p.stdout == prvs("user@example.com", "secret") + "\n" + prvs("u@x.y", "k", "3") + "\n"


def test_prvscheck(tmp_path):
    good = prvs("user@example.com", "secret")
    old = prvs("user@example.com", "secret", days=-2)
    p = run_be(tmp_path, "${prvscheck{%s}{secret}}$prvscheck_result" % good,
               "${prvscheck{%s}{$prvscheck_keynum$prvscheck_address}{R=$prvscheck_result}}" % good,
               "${prvscheck{%s}{secret}{R=$prvscheck_result}}" % old,
               "${prvscheck{%s}{wrong}{R=$prvscheck_result:$prvscheck_address}}" % good,
               "${prvscheck{user@example.com}{s}{x}}")
    assert p.stdout.split("\n") == ["user@example.com1", "R=", "R=", "R=:user@example.com", "", ""]


def test_taint_readfile_and_run(tmp_path):
    msg = tmp_path / "msg"
    msg.write_text(f"Subject: /bin/echo\nX-F: {FIX}/lines.txt\n\nbody\n")
    p = run_be(tmp_path, "${readfile{$h_x-f:}}", "${run{$h_subject:}}",
               "${run{/bin/echo $h_subject:}}", "${run,preexpand{/bin/echo $h_subject:}}",
               bem=msg)
    lines = p.stdout.split("\n")
    # recorded from exim4 -bem: the open and the exec are refused
    assert lines[0].startswith(f"Failed: failed to open {FIX}/lines.txt: Permission denied (euid=")
    assert lines[1] == "Failed: couldn't create child process: Operation not permitted"
    assert lines[2:5] == ["/bin/echo", "", "Failed: couldn't create child process: Operation not permitted"]


def test_taint_survives_items(tmp_path):
    """Results built from a header stay tainted through items and operators,
    so a file name made from them is still refused."""
    msg = tmp_path / "msg"
    msg.write_text(f"X-F: {FIX}/lines.txt\n\nbody\n")
    p = run_be(tmp_path, "${readfile{${tr{$h_x-f:}{x}{x}}}}", "${readfile{${lc:$h_x-f:}}}",
               "${readfile{${sg{$h_x-f:}{x}{x}}}}", "${readfile{${listquote{;}{$h_x-f:}}}}",
               "${readfile{${extract{1}{:}{$h_x-f:}}}}", "${readfile{%s/lines.txt}}" % FIX,
               bem=msg)
    lines = p.stdout.split("\n")
    for line in lines[:5]:
        assert line.startswith(f"Failed: failed to open {FIX}/lines.txt: Permission denied")
    assert lines[5:] == ["one", "two", "three", "", ""]


def serve_once(sock, reply, seen):
    conn, _ = sock.accept()
    with conn:
        data = b""
        conn.settimeout(5)
        try:
            while True:
                d = conn.recv(4096)
                if not d:
                    break
                data += d
        except socket.timeout:
            pass
        seen.append(data)
        conn.sendall(reply)


def test_readsocket_unix_and_inet(tmp_path):
    path = str(tmp_path / "sock")
    us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    us.bind(path)
    us.listen(1)
    ins = socket.socket()
    ins.bind(("127.0.0.1", 0))
    ins.listen(1)
    port = ins.getsockname()[1]
    seen = []
    t1 = threading.Thread(target=serve_once, args=(us, b"line1\nline2\n", seen))
    t2 = threading.Thread(target=serve_once, args=(ins, b"pong\n", seen))
    t1.start()
    t2.start()
    p = run_be(tmp_path, "${readsocket{%s}{hello}{5s}{|}}" % path,
               "<${readsocket{inet:127.0.0.1:%d}{ping}}>" % port)
    t1.join(5)
    t2.join(5)
    us.close()
    ins.close()
    assert p.stdout == "line1|line2|\n<pong\n>\n"
    assert sorted(seen) == [b"hello", b"ping"]


def test_readsocket_timeout_uses_fail_string(tmp_path):
    ins = socket.socket()
    ins.bind(("127.0.0.1", 0))
    ins.listen(1)
    port = ins.getsockname()[1]
    p = run_be(tmp_path, "${readsocket{inet:127.0.0.1:%d}{x}{1s:shutdown=no}{}{TIMEOUT}}" % port)
    ins.close()
    assert p.stdout == "TIMEOUT\n"


def test_env_keep_and_add(tmp_path):
    conf = CONF + "keep_environment = KEEPME\nadd_environment = ADDED=yes\n"
    e = dict(os.environ, KEEPME="kept", OTHER="x")
    c = tmp_path / "exim.conf"
    c.write_text(conf)
    c.chmod(0o644)
    p = subprocess.run([EXIM, "-C", str(c), "-be", "${env{KEEPME}}", "${env{OTHER}{y}{n}}",
                        "${env{ADDED}}"], capture_output=True, text=True, env=e,
                       stdin=subprocess.DEVNULL)
    assert p.stdout == "kept\nn\nyes\n"


def test_branch_not_taken_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    p = run_be(tmp_path, "${if eq{a}{b}{${run{/bin/touch %s}}}{no}}" % marker)
    assert p.stdout == "no\n"
    assert not marker.exists()
