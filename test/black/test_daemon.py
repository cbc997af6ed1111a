"""The listening daemon (-bd, -bdf, -oX, -oP, limits, SIGHUP, SIGTERM)
over real loopback sockets.  Log lines and refusal replies are compared
with Exim 4.96's, recorded in test/expected/daemon/daemon.json by
test/expected/daemon/record_daemon.py."""
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest
from pathlib import Path

from conftest import EXIM, EXPECTED
from daemon_helpers import daemon, free_port, ipv6_available, wait_for  # noqa: F401 (fixture)

REC = json.loads((EXPECTED / "daemon" / "daemon.json").read_text())
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)


def recorded(key, *ports):
    text = REC[key]
    for i, p in enumerate(ports):
        text = text.replace(f"PORT{i}", str(p))
    return text


def log_lines(d):
    return [STAMP.sub("TIME ", l) for l in d.mainlog().splitlines()]


def started_line(d):
    return [l for l in log_lines(d) if "daemon started" in l][-1]


def with_pid(text, pid):
    return text.replace("pid=PID", f"pid={pid}").replace("pid PID", f"pid {pid}")


def test_start_line_pid_file_and_banner(daemon):
    d = daemon("")
    assert started_line(d) == with_pid(recorded("start_one", d.port), d.pid)
    assert d.pid_path.read_text() == f"{d.pid}\n"
    s = d.connect()
    assert re.fullmatch(r"220 test\.example ESMTP Exim 4\.96 \w\w\w, \d\d \w\w\w \d{4} \d\d:\d\d:\d\d [-+]\d{4}\r\n",
                        d.reply(s))
    d.send(s, "QUIT")
    assert d.reply(s) == "221 test.example closing connection\r\n"
    s.close()


def test_oX_two_addresses_one_ipv6(daemon):
    if not ipv6_available():
        pytest.skip("no IPv6 loopback")
    p0, p1 = free_port(), free_port(socket.AF_INET6)
    d = daemon("", ox=f"<; 127.0.0.1.{p0} ; [::1]:{p1}", port=p0)
    assert started_line(d) == with_pid(recorded("start_two", p0, p1), d.pid)
    s = socket.create_connection(("::1", p1), timeout=10)
    assert d.reply(s).startswith("220 test.example ESMTP")
    s.close()


def test_oX_ports_only_use_local_interfaces(daemon):
    if not ipv6_available():
        pytest.skip("no IPv6 loopback")
    p0, p1 = free_port(), free_port()
    d = daemon("local_interfaces = <; 127.0.0.1 ; ::1\n", ox=f"{p0}:{p1}")
    assert started_line(d) == with_pid(recorded("start_ports", p0, p1), d.pid)
    for addr in ("127.0.0.1", "::1"):
        for p in (p0, p1):
            s = socket.create_connection((addr, p), timeout=10)
            assert d.reply(s).startswith("220 ")
            s.close()


def test_wildcard_forms(daemon):
    p0, p1 = free_port(), free_port()
    d = daemon("", ox=f"0.0.0.0.{p0}")
    assert started_line(d) == with_pid(recorded("start_wild4", p0), d.pid)
    d.stop()
    if not ipv6_available():
        return
    d = daemon("", ox=f"{p0}:{p1}", subdir="default_interfaces")
    assert started_line(d) == with_pid(recorded("start_wild_ports", p0, p1), d.pid)
    for addr in ("127.0.0.1", "::1"):
        s = socket.create_connection((addr, p1), timeout=10)
        assert d.reply(s).startswith("220 ")
        s.close()
    d.stop()
    d = daemon("", ox=f"<; ::0.{p0} ; 127.0.0.1.{p1}", subdir="six_and_one")
    assert started_line(d) == with_pid(recorded("start_wild6_and_one", p0, p1), d.pid)


def test_ipv6_loopback_session(daemon):
    if not ipv6_available():
        pytest.skip("no IPv6 loopback")
    d = daemon("", family=6)
    s = d.connect()
    assert d.reply(s).startswith("220 test.example ESMTP")
    d.send(s, "EHLO client.example")
    assert d.reply(s).startswith("250-test.example Hello client.example [::1]\r\n")
    s.close()


def test_smtp_accept_max(daemon):
    d = daemon("smtp_accept_max = 1\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    b = d.connect()
    assert d.reply(b) == REC["max_reply"]
    assert d.reply(b) == ""          # and closed
    d.wait_log("refused")
    assert log_lines(d)[-1] == recorded("max_log")
    a.close()
    # once the first child is reaped a new connection is served again
    def served():
        s = d.connect()
        r = d.reply(s)
        s.close()
        return r.startswith("220 ")
    wait_for(served, what="a free slot after the first connection ended")


def test_smtp_accept_max_per_host_is_expanded(daemon):
    d = daemon("smtp_accept_max = 5\n"
               "smtp_accept_max_per_host = ${if eq{$sender_host_address}{127.0.0.1}{1}{5}}\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    b = d.connect()
    assert d.reply(b) == REC["per_host_reply"]
    d.wait_log("refused")
    assert log_lines(d)[-1] == recorded("per_host_log")


def test_smtp_accept_reserve(daemon):
    d = daemon("smtp_accept_max = 2\nsmtp_accept_reserve = 1\nsmtp_reserve_hosts = 10.0.0.1\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    b = d.connect()
    assert d.reply(b) == REC["reserve_reply"]
    d.wait_log("refused")
    assert log_lines(d)[-1] == recorded("reserve_log")


def test_smtp_reserve_hosts_get_the_reserved_slot(daemon):
    d = daemon("smtp_accept_max = 2\nsmtp_accept_reserve = 1\nsmtp_reserve_hosts = 127.0.0.1\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    b = d.connect()
    assert d.reply(b).startswith("220 ")
    c = d.connect()
    assert d.reply(c) == REC["max_reply"]


def test_smtp_load_reserve(daemon):
    if os.getloadavg()[0] == 0.0:
        pytest.skip("load average is exactly 0")
    d = daemon("smtp_load_reserve = 0\n")
    s = d.connect()
    assert d.reply(s) == REC["load_reply"]
    d.wait_log("refused")
    line = re.sub(r"= [\d.]+$", "= LOAD", log_lines(d)[-1])
    assert line == REC["load_log"]


def test_sighup_reexecs_with_new_configuration(daemon):
    d = daemon("smtp_accept_max = 1\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    b = d.connect()
    assert d.reply(b) == REC["max_reply"]
    d.conf_path.write_text(d.conf_path.read_text().replace("smtp_accept_max = 1", "smtp_accept_max = 3"))
    os.kill(d.pid, signal.SIGHUP)
    d.wait_log(re.compile(r"(?s)SIGHUP received: re-exec daemon\n.*daemon started"))
    lines = log_lines(d)
    i = lines.index(f"TIME pid {d.pid}: SIGHUP received: re-exec daemon")
    assert "\n".join(lines[i:i + 2]) == with_pid(recorded("sighup_log", d.port), d.pid)
    assert d.alive()
    c = d.connect()
    assert d.reply(c).startswith("220 ")       # the new limit applies
    a.close()


def test_sighup_with_broken_configuration_keeps_serving(daemon):
    d = daemon("")
    d.conf_path.write_text(d.conf_path.read_text() + "no_such_option = 1\n")
    os.kill(d.pid, signal.SIGHUP)
    d.wait_log("cannot be used")
    lines = log_lines(d)
    assert lines[-2] == f"TIME pid {d.pid}: SIGHUP received: re-exec daemon"
    assert lines[-1] == ("TIME SIGHUP received, but the new configuration cannot be used; the daemon goes on "
                         "with the old one: Exim configuration error in line 4 of "
                         f"{d.conf_path}: main option \"no_such_option\" unknown")
    assert "no_such_option" in d.paniclog()
    assert sum("daemon started" in l for l in lines) == 1
    s = d.connect()
    assert d.reply(s).startswith("220 test.example ESMTP")


def test_sigterm_stops_and_removes_pid_file(daemon):
    d = daemon("")
    s = d.connect()
    assert d.reply(s).startswith("220 ")
    os.kill(d.pid, signal.SIGTERM)
    assert d.proc.wait(10) == 0
    assert not d.pid_path.exists()
    assert REC["sigterm_pidfile_removed"]
    # Exim 4.96 writes no log line for SIGTERM
    assert [l for l in log_lines(d) if "daemon started" not in l] == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", d.port), timeout=2)
    s.close()


def test_bd_detaches_and_writes_pid_file(daemon):
    d = daemon("", start=False)
    r = subprocess.run(d.command("-bd"), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.err
    wait_for(lambda: d.pid_path.exists() and d.pid_path.read_text().endswith("\n"), what="pid file")
    d.pid = int(d.pid_path.read_text())
    assert d.pid != os.getpid()
    with open(f"/proc/{d.pid}/stat") as f:
        stat = f.read().rsplit(")", 1)[1].split()
    assert int(stat[1]) != os.getpid()          # not our child
    assert int(stat[3]) == d.pid                # its own session (setsid)
    d.wait_log("daemon started")
    s = d.connect()
    assert d.reply(s).startswith("220 ")
    # SIGHUP: the re-executed daemon keeps its pid (it does not detach again)
    os.kill(d.pid, signal.SIGHUP)
    wait_for(lambda: d.mainlog().count("daemon started") == 2, what="the re-executed daemon")
    assert started_line(d) == with_pid(recorded("start_one", d.port), d.pid)
    assert d.pid_path.read_text() == f"{d.pid}\n"
    s2 = d.connect()
    assert d.reply(s2).startswith("220 ")
    os.kill(d.pid, signal.SIGTERM)
    d.wait_gone()
    assert not d.pid_path.exists()


def test_pid_file_paths(daemon, tmp_path):
    port = free_port()
    conf = f"daemon_smtp_ports = {port}\nlocal_interfaces = 127.0.0.1\n"
    # no -oX: the default file in the spool directory
    d = daemon(conf, ox="", pid_file=False)
    assert (d.spool / "exim-daemon.pid").read_text() == f"{d.pid}\n"
    d.stop()
    assert not (d.spool / "exim-daemon.pid").exists()
    # pid_file_path is expanded
    d = daemon(conf + "pid_file_path = ${spool_directory}/other-$primary_hostname.pid\n", ox="",
               pid_file=False, subdir="opt")
    assert (d.spool / "other-test.example.pid").read_text() == f"{d.pid}\n"
    d.stop()
    # -oX without -oP: no pid file at all
    d = daemon(conf, ox=f"127.0.0.1.{free_port()}", pid_file=False, subdir="ox")
    assert not (d.spool / "exim-daemon.pid").exists()


START_ERRORS = [("ox_bad_port", "", "127.0.0.1.notaport"), ("ox_bad_bracket", "", "<; [::1]x25"),
                ("ox_bad_address", "", "1.2.3.999.25"), ("ox_bad_service", "", "nosuchservice"),
                ("li_bad_port", "local_interfaces = 127.0.0.1.notaport\n", ""),
                ("li_bad_address", "local_interfaces = 1.2.3.999\n", ""),
                ("ports_bad_service", "daemon_smtp_ports = nosuch\n", ""),
                ("tls_ports_bad_service", "tls_on_connect_ports = nosuch\n", "")]


@pytest.mark.parametrize("name,conf,ox", START_ERRORS, ids=[e[0] for e in START_ERRORS])
def test_start_errors(daemon, name, conf, ox):
    if name.startswith("tls") and not have("TLS"):
        pytest.skip("built without TLS")
    d = daemon(conf, ox=ox, start=False)
    r = subprocess.run(d.command(), capture_output=True, text=True, timeout=30)
    rec = REC["start_errors"][name]
    assert r.returncode == rec["rc"]
    assert STAMP.sub("TIME ", r.stderr) == rec["stderr"]
    assert not d.pid_path.exists()


@pytest.mark.parametrize("form", ["127", "0", "192"])
def test_bind_failure_retries_then_abandons(daemon, form):
    # in use (127.0.0.1, 0.0.0.0) or not a local address (192.0.2.77): exim4 retries both
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    ox = {"127": "127.0.0.1", "0": "0.0.0.0", "192": "192.0.2.77"}[form] + f".{port}"
    d = daemon("daemon_startup_retries = 1\ndaemon_startup_sleep = 1s\n", ox=ox, pid_file=False, start=False)
    t = time.monotonic()
    r = subprocess.run(d.command(), capture_output=True, text=True, timeout=30)
    rec = REC["bind_in_use"][form]
    assert r.returncode == rec["rc"]
    assert time.monotonic() - t >= 1
    sub = lambda text: text.replace("PORT0", str(port))
    assert STAMP.sub("TIME ", r.stderr) == sub(rec["stderr"])
    assert log_lines(d) == [sub(x) for x in rec["mainlog"]]
    assert STAMP.sub("TIME ", d.paniclog()) == sub(rec["paniclog"])
    busy.close()


def have(name):
    from pathlib import Path
    return f"#define HAVE_{name} 1" in (Path(EXIM).resolve().parent / "config.h").read_text()


@pytest.mark.skipif(not have("TLS"), reason="built without TLS")
def test_tls_on_connect_ports(daemon, tmp_path):
    import ssl
    from tls_helpers import client_context, make_pki
    pki = make_pki(tmp_path, ocsp=False)
    p0, p1 = free_port(), free_port()
    d = daemon(f"tls_on_connect_ports = {p1}\ntls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n",
               ox=f"<; 127.0.0.1.{p0} ; 127.0.0.1.{p1}", port=p0)
    assert started_line(d) == with_pid(recorded("start_tls_on_connect", p0, p1), d.pid)
    plain = d.connect()
    assert d.reply(plain).startswith("220 test.example ESMTP")
    raw = socket.create_connection(("127.0.0.1", p1), timeout=10)
    s = client_context(pki).wrap_socket(raw, server_hostname="server.example")
    assert d.reply(s).startswith("220 test.example ESMTP")
    d.send(s, "EHLO client.example")
    ehlo = d.reply(s)
    assert "STARTTLS" not in ehlo and ehlo.startswith("250-test.example Hello")
    s.close()


def bw_run(d, arg, connect=True, wait=True):
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(5)
    port = lsock.getsockname()[1]
    proc = subprocess.Popen([EXIM, "-C", str(d.conf_path), arg], stdin=lsock.fileno(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lsock.close()
    d.proc, d.pid = proc, proc.pid
    d.wait_log("daemon started")
    banner = None
    if connect:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        banner = d.reply(s)
        s.close()
    return proc, banner


def test_bw_inetd_wait_with_timeout(daemon):
    d = daemon("", start=False)
    t = time.monotonic()
    proc, banner = bw_run(d, "-bw2s")
    assert banner.startswith("220 test.example ESMTP Exim 4.96")
    assert proc.wait(20) == 0
    assert 1.9 <= time.monotonic() - t < 10
    rec = REC["bw"]["-bw2s"]["log"]
    assert [with_pid(x, proc.pid) for x in rec] == log_lines(d)


def test_bw_without_timeout_and_long_time(daemon):
    d = daemon("", start=False)
    proc, banner = bw_run(d, "-bw")
    assert banner.startswith("220 test.example ESMTP")
    proc.terminate()
    assert proc.wait(10) == 0
    assert log_lines(d) == [with_pid(x, proc.pid) for x in REC["bw"]["-bw"]["log"]]
    d2 = daemon("", start=False, subdir="long")
    proc, _ = bw_run(d2, "-bw1m30s", connect=False)
    proc.terminate()
    assert proc.wait(10) == 0
    assert log_lines(d2) == [with_pid(x, proc.pid) for x in REC["bw"]["-bw1m30s"]["log"]]


@pytest.mark.parametrize("opt", ["smtp_accept_queue = 5", "smtp_accept_max_per_host = 2"])
def test_limits_need_smtp_accept_max(daemon, opt):
    # recorded from exim4 -bd: the check is made when the daemon starts
    d = daemon(f"smtp_accept_max = 0\n{opt}\n", start=False)
    r = subprocess.run(d.command(), capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert STAMP.sub("", r.stderr) == ("Exim configuration error:\n  smtp_accept_max must be set if "
                                       "smtp_accept_queue or smtp_accept_max_per_host is set\n")


def test_message_accepted_through_the_daemon(daemon):
    d = daemon("acl_smtp_rcpt = accept\nqueue_only\n")
    s = d.connect()
    assert d.reply(s).startswith("220 ")
    for line, code in (("EHLO client.example", "250-"), ("MAIL FROM:<a@b.example>", "250 "),
                       ("RCPT TO:<x@y.example>", "250 "), ("DATA", "354 ")):
        d.send(s, line)
        assert d.reply(s).startswith(code)
    s.sendall(b"Subject: through the daemon\r\n\r\nbody\r\n.\r\n")
    m = re.fullmatch(r"250 OK id=(\w{6}-\w{6}-\w{2})\r\n", d.reply(s))
    assert m
    msgid = m.group(1)
    d.send(s, "QUIT")
    assert d.reply(s).startswith("221 ")
    d.wait_log(f"{msgid} <=")
    assert f"{msgid} <= a@b.example H=(client.example) [127.0.0.1] P=esmtp S=" in d.mainlog()
    hdr = d.spool / "input" / f"{msgid}-H"
    assert hdr.exists() and (d.spool / "input" / f"{msgid}-D").exists()
    assert "Subject: through the daemon" in hdr.read_text()


def test_bw_needs_a_listening_socket(daemon):
    d = daemon("", start=False)
    r = subprocess.run([EXIM, "-C", str(d.conf_path), "-bw"], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30)
    assert (r.returncode, r.stderr) == (1, "exim: -bw: standard input is not a listening TCP socket\n")


def test_daemon_smtp_ports_by_service_name(daemon):
    port = socket.getservbyname("amanda", "tcp") if os.path.exists("/etc/services") else None
    if port is None:
        pytest.skip("no /etc/services")
    try:
        probe = socket.socket()
        probe.bind(("127.0.0.1", port))
        probe.close()
    except OSError:
        pytest.skip(f"port {port} is busy")
    d = daemon("daemon_smtp_ports = amanda\nlocal_interfaces = 127.0.0.1\n", ox="", port=port)
    assert started_line(d).endswith(f"listening for SMTP on [127.0.0.1]:{port}")
    s = d.connect()
    assert d.reply(s).startswith("220 ")


def test_smtp_accept_max_per_host_expansion_failure(daemon):
    # exim4: logged (main and panic) with the host, and the connection served
    d = daemon("smtp_accept_max_per_host = ${lookup{x}lsearch{/nonexist}}\n")
    s = d.connect()
    assert d.reply(s).startswith("220 ")
    d.wait_log("expansion of smtp_accept_max_per_host failed")
    assert log_lines(d)[-1] == REC["per_host_fail_log"]
    assert STAMP.sub("TIME ", d.paniclog()) == REC["per_host_fail_panic"]


def test_connection_process_runs_as_exim_user():
    import pwd
    import shutil
    import tempfile
    try:
        ent = pwd.getpwnam("Debian-exim")
    except KeyError:
        pytest.skip("no Debian-exim user")
    if os.geteuid() != 0:
        pytest.skip("needs root")
    top = tempfile.mkdtemp(prefix="exim-daemon-uid-")
    try:
        os.chmod(top, 0o755)
        (Path(top) / "spool").mkdir()
        os.chown(Path(top) / "spool", ent.pw_uid, ent.pw_gid)
        from daemon_helpers import Daemon
        d = Daemon(top, "exim_user = Debian-exim\nacl_smtp_rcpt = accept\nqueue_only\n")
        d.start()
        try:
            s = d.connect()
            assert d.reply(s).startswith("220 ")
            kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(d.pid)], capture_output=True,
                                  text=True).stdout.split()
            assert len(kids) == 1
            with open(f"/proc/{kids[0]}/status") as f:
                st = dict(l.split(":", 1) for l in f.read().splitlines())
            assert st["Uid"].split() == [str(ent.pw_uid)] * 4
            assert st["Gid"].split() == [str(ent.pw_gid)] * 4
            with open(f"/proc/{d.pid}/status") as f:
                assert "Uid:\t0\t0\t0\t0" in f.read()      # the daemon keeps root
            for line in ("EHLO c.example", "MAIL FROM:<a@b.example>", "RCPT TO:<x@y.example>", "DATA"):
                d.send(s, line)
                d.reply(s)
            s.sendall(b"Subject: x\r\n\r\nbody\r\n.\r\n")
            m = re.fullmatch(r"250 OK id=(\S+)\r\n", d.reply(s))
            assert m, "message not accepted"
            assert (d.spool / "input" / f"{m.group(1)}-H").stat().st_uid == ent.pw_uid
        finally:
            d.stop()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_disable_ipv6_skips_ipv6_items(daemon):
    p0, p1 = free_port(), free_port()
    d = daemon("disable_ipv6\n", ox=f"<; ::1.{p0} ; 127.0.0.1.{p1}", port=p1)
    assert started_line(d) == with_pid(recorded("start_disable_ipv6", p0, p1), d.pid)
    d.stop()
    d = daemon("disable_ipv6\n", ox=f"<; ::0.{p0} ; 0.0.0.0.{p0}", port=p0, subdir="wild")
    assert started_line(d) == with_pid(recorded("start_disable_ipv6_wild", p0), d.pid)
    s = d.connect()
    assert d.reply(s).startswith("220 ")


@pytest.mark.skipif(not have("TLS"), reason="built without TLS")
def test_tls_on_connect_handshake_failure_logged(daemon, tmp_path):
    from tls_helpers import make_pki
    pki = make_pki(tmp_path, ocsp=False)
    port = free_port()
    d = daemon(f"tls_on_connect_ports = {port}\ntls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n",
               port=port)
    # exim4 logs "TLS error on connection from [127.0.0.1] (<call>): <reason>"
    # and drops the connection (the reason is the TLS library's)
    assert started_line(d).endswith(f"listening for SMTPS on [127.0.0.1]:{d.port}")
    s = d.connect()
    s.sendall(b"EHLO plain.example\r\n")
    try:
        data = s.recv(100)
    except ConnectionResetError:
        data = b""
    assert not data.startswith(b"220")
    d.wait_log("TLS error on connection from")
    assert re.search(r"\nTIME TLS error on connection from \[127\.0\.0\.1\] \(SSL_accept\): \S",
                     "\n" + "\n".join(log_lines(d)))


def test_smtp_connection_lines_count_connections(daemon):
    d = daemon("log_selector = +smtp_connection\n")
    a = d.connect()
    assert d.reply(a).startswith("220 ")
    d.wait_log("connection count = 1")
    b = d.connect()
    assert d.reply(b).startswith("220 ")
    d.send(b, "QUIT")
    assert d.reply(b).startswith("221 ")
    d.wait_log("closed by QUIT")
    a.close()
    d.wait_log(" lost ")
    dur = lambda l: re.sub(r" D=\S+$", " D=N", l)
    assert [dur(l) for l in log_lines(d) if "daemon started" not in l] == [dur(l) for l in REC["smtp_connection_log"]]


def test_many_connections_limit_and_reaping(daemon):
    d = daemon("smtp_accept_max = 5\n")
    socks = [d.connect() for _ in range(12)]
    replies = [d.reply(s)[:4] for s in socks]
    assert replies.count("220 ") == 5 and replies.count("421 ") == 7
    for s in socks:
        s.close()
    def no_children():
        out = subprocess.run(["ps", "-o", "pid=,stat=", "--ppid", str(d.pid)], capture_output=True, text=True).stdout
        return out.strip() == ""
    wait_for(no_children, what="every connection process reaped (no zombies)")
    again = [d.connect() for _ in range(5)]
    assert [d.reply(s)[:4] for s in again] == ["220 "] * 5
