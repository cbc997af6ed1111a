"""The daemon's deliveries: periodic queue runners (-q<time> alone and with
-bd, named queues), and the delivery of messages received over SMTP by a
process the daemon starts (deliver_notify_fd) rather than by a queue run.
Deliveries go to a :blackhole: redirection, which needs no transport.
Waits are bounded polls of the main log."""
import os
import re
import signal
import smtplib
import subprocess

from conftest import EXIM
from daemon_helpers import daemon, wait_for  # noqa: F401 (fixture)

CONF = """exim_user = root
exim_group = root
acl_smtp_rcpt = accept
begin routers
bh:
  driver = redirect
  data = :blackhole:
"""


def queue_message(d, rcpt="a@b.example", extra=()):
    p = subprocess.run([EXIM, "-C", str(d.conf_path), "-odq", *extra, rcpt],
                       input="Subject: q\n\nbody\n", capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return re.findall(r"(\S{6}-\S{6}-\S{2}) <= ", d.mainlog())[-1]


def test_q_time_alone_runs_the_queue(daemon):
    d = daemon(CONF, start=False, ox="")
    ids = [queue_message(d), queue_message(d)]
    pidfile = d.tmp / "q.pid"
    p = subprocess.run([EXIM, "-C", str(d.conf_path), "-q1s", "-oP", str(pidfile)],
                       capture_output=True, text=True, timeout=30)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")     # it went to the background
    pid = int(wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), what="pid file"))
    try:
        for i in ids:
            d.wait_log(f"{i} Completed")
        d.wait_log(re.compile(r"(?s)Start queue run: pid=\d+\n.*End queue run: pid=\d+\n.*"
                              r"Start queue run: pid=\d+\n"))   # and again a second later
        log = d.mainlog()
        assert re.search(rf"exim 4\.96 daemon started: pid={pid}, -q1s, not listening for SMTP\n", log)
        assert re.search(r"End queue run: pid=\d+\n", log)
    finally:
        os.kill(pid, signal.SIGTERM)


def test_bd_with_named_queue_runs(daemon):
    d = daemon(CONF, args=["-qGslow/1h"])
    log = d.wait_log(re.compile(r"Start 'slow' queue run: pid=\d+\n.*End 'slow' queue run: pid=\d+\n", re.S))
    assert log
    assert re.search(r"daemon started: pid=\d+, -qGslow/1h, listening for SMTP on \[127\.0\.0\.1\]:%d\n"
                     % d.port, d.mainlog())


def test_smtp_message_delivered_by_the_daemon(daemon):
    d = daemon(CONF, args=["-d+deliver"])     # the debug output names who starts the delivery
    assert ", no queue runs, listening for SMTP" in d.mainlog()
    with smtplib.SMTP("127.0.0.1", d.port, timeout=10) as s:
        s.sendmail("x@y.example", ["a@b.example"], "Subject: s\n\nbody\n")
    msgid = d.wait_log(re.compile(r"(\S{6}-\S{6}-\S{2}) <= x@y\.example")).group(1)
    d.wait_log(f"{msgid} => :blackhole: <a@b.example> R=bh\n")
    d.wait_log(f"{msgid} Completed\n")
    assert "Start queue run" not in d.mainlog()
    wait_for(lambda: f"daemon: delivery of {msgid} (received by a child)" in
             (d.tmp / "daemon.out").read_text(errors="replace"), what="the daemon's debug line")
    wait_for(lambda: not list((d.spool / "input").glob("*-H")), what="the spool to empty")


def test_queue_run_max_holds_back_runners(daemon):
    # the first runner waits in a pipe delivery until the test lets it go;
    # meanwhile the 1s timer finds queue_run_max (1) runners busy
    import shutil
    import tempfile
    gate = tempfile.mkdtemp(prefix="qrmax")     # the pipe runs as nobody: not under tmp_path
    os.chmod(gate, 0o755)
    try:
        d = daemon(CONF.split("begin routers")[0] + f"""queue_run_max = 1
begin routers
wait:
  driver = accept
  transport = hold
begin transports
hold:
  driver = pipe
  command = /bin/sh -c 'while [ ! -e {gate}/go ]; do sleep 0.05; done'
  user = nobody
  timeout = 30s
""", start=False, args=["-q1s", "-d+deliver"])
        msgid = queue_message(d)
        d.start()
        wait_for(lambda: "queue_run_max (1) reached: no queue run now" in
                 (d.tmp / "daemon.out").read_text(errors="replace"), what="a run held back")
        assert len(re.findall(r"Start queue run: pid=\d+\n", d.mainlog())) == 1
        open(os.path.join(gate, "go"), "w").close()
        d.wait_log(f"{msgid} => a <a@b.example> R=wait T=hold\n")
        d.wait_log(f"{msgid} Completed")
        d.wait_log(re.compile(r"(?s)(Start queue run: pid=\d+\n.*){2}"))
    finally:
        shutil.rmtree(gate, ignore_errors=True)
