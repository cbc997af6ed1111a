"""SMTP sessions with a real TCP peer (-bs on an accepted socket, as inetd
runs it) and local -bs: PIPELINING synchronisation, timeouts, oversized and
NUL command lines, log lines.  Expected texts and log lines are exim4's
(checked with the same sessions against /usr/sbin/exim4 in inetd mode)."""
import os
import re

import pytest

from smtp_helpers import InetdSession, read_log, run_bs, smtp_conf, wait_for

SYNC = "SMTP protocol synchronization error"


def conf_file(exim, tmp_path, extra=""):
    return exim.write_conf(smtp_conf(tmp_path, "acl_smtp_rcpt = accept\n" + extra))


def test_input_before_greeting(exim, tmp_path):
    conf = conf_file(exim, tmp_path, "log_selector = +smtp_connection\n")
    with InetdSession(conf, early=b"EHLO x\r\n") as s:
        assert s.client.read_all() == "554 SMTP synchronization error\r\n"
        assert s.wait()[0] == 0          # exim4's exit code for this one
    log = read_log(tmp_path)
    assert "SMTP connection from [127.0.0.1] (via inetd)" in log
    assert (SYNC + ' (input sent without waiting for greeting): rejected connection from H=[127.0.0.1] '
            'input="EHLO x\\r\\n"') in log
    assert SYNC in read_log(tmp_path, "reject")


def test_ehlo_must_be_last(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path)) as s:
        c = s.client
        c.expect(220)
        c.send("EHLO x\r\nNOOP\r\n")
        assert c.read_all() == "554 SMTP synchronization error\r\n"
        assert s.wait()[0] == 1
    assert (SYNC + ' (next input sent too soon: pipelining was not advertised): rejected "EHLO x" '
            'H=[127.0.0.1] next input="NOOP\\r\\n"') in read_log(tmp_path)


def test_mail_rcpt_need_pipelining(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path)) as s:
        c = s.client
        c.expect(220)
        c.cmd("HELO x")
        c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\n")
        assert c.read_all() == "554 SMTP synchronization error\r\n"
        s.wait()
    assert 'rejected "MAIL FROM:<a@b.c>" H=(x) [127.0.0.1] next input="RCPT TO:<r@test.example>\\r\\n"' \
        in read_log(tmp_path)


def test_pipelined_group_answered_together(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path)) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nRSET\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\n")
        assert [c.reply()[0] for _ in range(6)] == [250, 250, 250, 250, 250, 354]
        c.send("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n")
        code, text = c.reply()
        assert code == 250 and re.match(r"OK id=\w{6}-\w{6}-\w{2}$", text[0])
        c.expect(221, "test.example closing connection")
        assert s.wait()[0] == 0


def test_data_must_be_last(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path)) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\nSubject: x\r\n")
        assert c.read_all() == "250 OK\r\n250 Accepted\r\n554 SMTP synchronization error\r\n"
        s.wait()
    assert ('(next input sent too soon: pipelining was advertised): rejected "DATA" H=(x) [127.0.0.1] '
            'next input="Subject: x\\r\\n"') in read_log(tmp_path)


def test_unknown_command_must_be_last(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path)) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        c.send("FOO\r\nNOOP\r\n")
        assert c.read_all() == "554 SMTP synchronization error\r\n"
        s.wait()


def _have_pipe_connect(exim):
    return "PIPECONNECT" in exim(["-bV"]).out


def _pipe_connect_conf(exim, tmp_path):
    """A configuration that offers PIPECONNECT to every host (skips the test
    when the build lacks it)."""
    if not _have_pipe_connect(exim):
        pytest.skip("built without PIPECONNECT")
    return exim.write_conf(smtp_conf(tmp_path, "acl_smtp_rcpt = accept\n").replace(
        "pipelining_connect_advertise_hosts =\n", "pipelining_connect_advertise_hosts = *\n"))


@pytest.mark.parametrize("greeting,group,want", [
    # recorded by hand from exim4 (inetd mode, pipelining_connect_advertise_hosts = *):
    # a host offered PIPECONNECT meets no synchronisation point at all
    ("HELO x", ["NOOP", "NOOP"], [250, 250]),
    ("EHLO x", ["FOO", "NOOP"], [500, 250]),
    ("EHLO x", ["HELO y", "NOOP"], [250, 250]),
    (None, ["NOOP", "VRFY a@b.c", "NOOP"], [250, 252, 250]),
])
def test_pipe_connect_host_has_no_sync_points(exim, tmp_path, greeting, group, want):
    conf = _pipe_connect_conf(exim, tmp_path)
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        if greeting:
            c.cmd(greeting)
        assert [r[0] for r in c.pipeline(group + ["QUIT"])] == want + [221]
        assert s.wait()[0] == 0
    assert SYNC not in read_log(tmp_path)


def test_pipe_connect_host_data_takes_what_follows(exim, tmp_path):
    """exim4: behind DATA the next lines are the message, not a sync error."""
    conf = _pipe_connect_conf(exim, tmp_path)
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n")
        assert [c.reply()[0] for _ in range(4)] == [250, 250, 354, 250]
        c.cmd("QUIT")
        assert s.wait()[0] == 0


def test_no_enforce_sync(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path, "smtp_enforce_sync = false\n")) as s:
        c = s.client
        c.expect(220)
        replies = c.pipeline(["EHLO x", "NOOP", "QUIT"])
        assert [r[0] for r in replies] == [250, 250, 221]
        s.wait()


def test_command_timeout(exim, tmp_path):
    conf = conf_file(exim, tmp_path, "smtp_receive_timeout = 1s\n")
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        assert c.read_all() == "421 test.example: SMTP command timeout - closing connection\r\n"
        assert s.wait()[0] == 1
    assert "SMTP command timeout on connection from (x) [127.0.0.1]" in read_log(tmp_path)


def test_long_and_nul_lines(exim, tmp_path):
    with InetdSession(conf_file(exim, tmp_path, "smtp_max_unknown_commands = 10\n")) as s:
        c = s.client
        c.expect(220)
        c.send("NOOP " + "x" * 20000 + "\r\n")
        c.expect(500, "unrecognized command")   # the first 16384 bytes
        c.expect(500, "unrecognized command")   # the rest, read as a command
        c.send("NO\0OP\r\n")
        c.expect(501, "NUL characters are not allowed in SMTP commands")
        c.cmd("QUIT")
        s.wait()


def test_bs_local(exim, tmp_path):
    conf = smtp_conf(tmp_path, "log_selector = +smtp_connection\n")
    r = run_bs(exim, conf, "HELO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r>\r\nQUIT\r\n")
    lines = r.out.splitlines()
    assert lines[0].startswith("220 test.example ESMTP Exim 4.96 ")
    login = re.search(r"250 test.example Hello (\S+) at x$", lines[1]).group(1)
    assert lines[2:] == ["250 OK", "250 Accepted", "221 test.example closing connection"]
    log = read_log(tmp_path)
    assert f"SMTP connection from {login}\n" in log
    assert f"SMTP connection from {login} closed by QUIT" in log


def test_bs_needs_helo(exim, tmp_path):
    r = run_bs(exim, smtp_conf(tmp_path), "MAIL FROM:<a@b.c>\r\nQUIT\r\n")
    assert r.out.splitlines()[1:] == ["503 HELO or EHLO required", "221 test.example closing connection"]
    assert re.search(r"rejected MAIL from \S+: no HELO/EHLO given", read_log(tmp_path))


def test_bs_receives_message(exim, tmp_path):
    r = run_bs(exim, smtp_conf(tmp_path), "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\n"
               "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    assert "354 Enter message, ending with \".\" on a line by itself" in r.out
    m = re.search(r"250 OK id=(\w{6}-\w{6}-\w{2})", r.out)
    assert m
    assert (tmp_path / "spool" / "input" / f"{m.group(1)}-H").exists()
    assert " P=local-esmtp " in read_log(tmp_path)


def test_pipelining_logged_L(exim, tmp_path):
    # exim4: "L" once a group was pipelined on the connection (also on later
    # messages), "L-" when advertised but not used; -bh never counts as used.
    conf = conf_file(exim, tmp_path, "log_selector = +pipelining\nqueue_only\n")
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        c.cmd("EHLO x")
        c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\n")
        assert [c.reply()[0] for _ in range(3)] == [250, 250, 354]
        c.send("Subject: x\r\n\r\nb\r\n.\r\n")
        c.expect(250)
        for line, code in (("MAIL FROM:<a@b.c>", 250), ("RCPT TO:<r@test.example>", 250), ("DATA", 354)):
            assert c.cmd(line)[0] == code
        c.send("Subject: x\r\n\r\nb\r\n.\r\n")
        c.expect(250)
        c.cmd("QUIT")
        s.wait()
    arrivals = [l for l in read_log(tmp_path).splitlines() if " <= " in l]
    assert len(arrivals) == 2 and all(" P=esmtp L S=" in l for l in arrivals)


def test_pipelining_bh_is_L_dash(exim, tmp_path):
    from smtp_helpers import run_bh
    r = run_bh(exim, smtp_conf(tmp_path, "acl_smtp_rcpt = accept\nlog_selector = +pipelining\n"),
               "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nBDAT 3 LAST\r\nabcQUIT\r\n")
    assert re.search(r"LOG: \S+ <= a@b.c H=\(x\) \[192.0.2.1\] P=esmtp L- K S=\d+", r.err)


def early_conf(exim, tmp_path, extra=""):
    # smtp_conf() switches PIPECONNECT off; these tests want exim4's default ("*").
    text = smtp_conf(tmp_path, "acl_smtp_rcpt = accept\nlog_selector = +pipelining +smtp_connection\n"
                     "queue_only\n" + extra).replace("pipelining_connect_advertise_hosts =\n", "")
    return exim.write_conf(text)


def test_pipe_connect_early_input(exim, tmp_path):
    # A client that cached PIPECONNECT sends before the banner: all answered,
    # the arrival logged with L* (exim4).
    early = b"EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\n"
    with InetdSession(early_conf(exim, tmp_path), early=early) as s:
        c = s.client
        c.expect(220)
        assert "PIPECONNECT" in c.expect(250)
        assert [c.reply()[0] for _ in range(3)] == [250, 250, 354]
        c.send("Subject: x\r\n\r\nb\r\n.\r\nQUIT\r\n")
        c.expect(250)
        c.expect(221)
        s.wait()
    log = read_log(tmp_path)
    assert re.search(r"<= a@b.c H=\(x\) \[127.0.0.1\] P=esmtp L\* S=", log)
    assert "SMTP connection from (x) [127.0.0.1] (via inetd) closed by QUIT" in log


def test_pipe_connect_not_offered(exim, tmp_path):
    conf = early_conf(exim, tmp_path, "pipelining_connect_advertise_hosts = 192.0.2.1\n")
    with InetdSession(conf, early=b"HELO x\r\n") as s:
        assert s.client.read_all() == "554 SMTP synchronization error\r\n"
        s.wait()
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        assert "PIPECONNECT" not in c.cmd("EHLO x")[1]
        c.cmd("QUIT")
        s.wait()


def test_etrn_serialized(exim, tmp_path):
    # exim4: a second ETRN for the same argument while the first command runs
    # gets "458 Already processing <arg>"; the record goes when it ends.
    conf = smtp_conf(tmp_path, "acl_smtp_etrn = accept\nsmtp_etrn_command = /bin/sleep 1\n")
    r = run_bs(exim, conf, "EHLO x\r\nETRN #abc\r\nETRN #abc\r\nETRN #def\r\nQUIT\r\n")
    assert [l for l in r.out.splitlines() if not l.startswith("250-")][2:] == [
        "250 OK", "458 Already processing #abc", "250 OK", "221 test.example closing connection"]

    def again():
        r2 = run_bs(exim, conf, "EHLO x\r\nETRN #abc\r\nQUIT\r\n")
        return "458" not in r2.out
    assert wait_for(again, timeout=15, step=0.3)


def test_etrn_bh_runs_nothing(exim, tmp_path):
    from smtp_helpers import run_bh
    r = run_bh(exim, smtp_conf(tmp_path, "acl_smtp_etrn = accept\nsmtp_etrn_command = /bin/touch "
                                         f"{tmp_path}/ran\n"), "EHLO x\r\nETRN #abc\r\nQUIT\r\n")
    assert f">>> ETRN command is: /bin/touch {tmp_path}/ran\n>>> ETRN command execution skipped\n" in r.err
    assert "250 OK" in r.out and not (tmp_path / "ran").exists()


def test_etrn_runs_command(exim, tmp_path):
    conf = smtp_conf(tmp_path, f"acl_smtp_etrn = accept\nsmtp_etrn_command = /bin/touch {tmp_path}/ran\n")
    r = run_bs(exim, conf, "EHLO x\r\nETRN #abc\r\nQUIT\r\n")
    assert "250 OK" in r.out
    assert wait_for(lambda: (tmp_path / "ran").exists(), timeout=10)


def test_client_gone_before_reply(exim, tmp_path):
    # The client sends and closes at once: our replies fail to write, the
    # session ends normally (no SIGPIPE death), and says so in the log.
    conf = conf_file(exim, tmp_path, "log_selector = +smtp_connection\n")
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        c.send("EHLO x\r\n" * 50)
        c.sock.close()
        rc, err = s.wait()
    assert rc == 1, err                  # the synchronisation error's code, not death by SIGPIPE
    assert "SMTP connection from [127.0.0.1] (via inetd)" in read_log(tmp_path)


def test_bs_with_host_address_is_not_local_protocol(exim, tmp_path):
    # exim4 -bs -oMa: "<= ... H=(x) [1.2.3.4] U=root P=esmtp" (no "local-")
    conf = smtp_conf(tmp_path, "acl_smtp_rcpt = accept\nqueue_only\n")
    r = run_bs(exim, conf, "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@test.example>\r\nDATA\r\n"
               "Subject: x\r\n\r\nb\r\n.\r\nQUIT\r\n", args=["-oMa", "1.2.3.4"])
    assert "250 OK id=" in r.out
    assert re.search(r"<= a@b.c H=\(x\) \[1.2.3.4\] U=\S+ P=esmtp S=", read_log(tmp_path))


def test_rfc1413_ident(exim, tmp_path):
    # exim4 asks "<client port> , <our port>" on the client's port 113 and
    # takes the USERID answer as the ident (not shown on the connection lines).
    import socket
    import threading
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind(("127.0.0.1", 113))
    except OSError:
        pytest.skip("port 113 is not free here")
    srv.listen(2)
    srv.settimeout(10)
    queries = []

    def serve():
        try:
            c, _ = srv.accept()
        except OSError:
            return
        q = c.recv(100).decode()
        queries.append(q)
        c.sendall((q.strip() + " : USERID : UNIX : alice\r\n").encode())
        c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    conf = conf_file(exim, tmp_path, "rfc1413_hosts = *\nrfc1413_query_timeout = 5s\n"
                                     "log_selector = +smtp_connection\n")
    try:
        with InetdSession(conf) as s:
            c = s.client
            c.expect(220)
            assert c.cmd("HELO x") == (250, ["test.example Hello alice at x [127.0.0.1]"])
            c.cmd("QUIT")
            s.wait()
            client_port = c.sock.getsockname()[1]
    finally:
        srv.close()
        t.join(5)
    assert re.fullmatch(rf"{client_port} , \d+\r\n", queries[0])
    assert "SMTP connection from (x) [127.0.0.1] (via inetd) closed by QUIT" in read_log(tmp_path)


@pytest.mark.parametrize("remember,code", [(False, 503), (True, 250)])
def test_starttls_forgets_ehlo_unless_tls_remember_esmtp(exim, tmp_path, remember, code):
    # RFC 3207: after STARTTLS the client must say EHLO again (MAIL first is
    # "503 HELO or EHLO required"); tls_remember_esmtp keeps the state.
    import ssl
    from smtp_helpers import SmtpClient
    from tls_helpers import make_pki
    pki = make_pki(tmp_path, ocsp=False)
    extra = (f"tls_advertise_hosts = *\ntls_certificate = {pki.srv_cert}\ntls_privatekey = {pki.srv_key}\n"
             + ("tls_remember_esmtp = true\n" if remember else ""))
    conf = exim.write_conf(smtp_conf(tmp_path, extra).replace("tls_advertise_hosts =\n", ""))
    with InetdSession(conf) as s:
        c = s.client
        c.expect(220)
        assert "STARTTLS" in c.cmd("EHLO x")[1]
        c.send("STARTTLS\r\n")
        c.expect(220, "TLS go ahead")
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        t = SmtpClient(ctx.wrap_socket(c.sock, server_hostname="test.example"))
        assert t.cmd("MAIL FROM:<a@b.c> SIZE=10")[0] == code
        t.cmd("QUIT")
        s.wait()
