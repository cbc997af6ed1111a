"""When delivery starts after reception (spec 3.4, -odb/-odi/-odq,
control = queue, queue_only_file): log lines as exim4 wrote them for the
same input (seen with -bs and with the command line)."""
import re

import pytest

from deliver_helpers import DeliverEnv

SMTP_TWO = ("HELO x\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@test.example>\r\nDATA\r\nSubject: s\r\n\r\n"
            "body\r\n.\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\nSubject: s\r\n\r\n"
            "body\r\n.\r\nQUIT\r\n")


def smtp_env(exim, tmp_path, main=""):
    env = DeliverEnv(exim, tmp_path)
    env.config(main="acl_smtp_rcpt = accept\n" + main)
    return env


def test_bs_odi_delivers_each_message_before_the_next(exim, tmp_path):
    env = smtp_env(exim, tmp_path)
    r = env.run(["-bs", "-odi"], input=SMTP_TWO)
    assert r.rc == 0
    assert len([x for x in r.out.splitlines() if x.startswith("250 OK id=")]) == 2
    assert env.mainlog() == [
        "MSGID <= s@x.example U=root P=local-smtp S=298",
        "MSGID => a <a@test.example> R=local T=t_mbox",
        "MSGID Completed",
        "MSGID <= s@x.example U=root P=local-smtp S=298",
        "MSGID => b <b@test.example> R=local T=t_mbox",
        "MSGID Completed",
    ]
    assert env.mbox("a") and env.mbox("b")


def test_bs_background_delivery(exim, tmp_path):
    env = smtp_env(exim, tmp_path)
    r = env.run(["-bs"], input=SMTP_TWO)
    assert r.rc == 0
    assert env.wait_for_log(r"^MSGID => b ") and env.wait_for_log(r"Completed")
    done = [x for x in env.mainlog() if x.endswith("Completed")]
    for _ in range(500):
        if len(done) == 2:
            break
        env.wait_for_log(r"Completed", 0.01)
        done = [x for x in env.mainlog() if x.endswith("Completed")]
    assert len(done) == 2
    assert sorted(x for x in env.mainlog() if "=>" in x) == [
        "MSGID => a <a@test.example> R=local T=t_mbox", "MSGID => b <b@test.example> R=local T=t_mbox"]


def test_odb_from_the_command_line(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    r = env.send(["a@test.example"], args=["-odb"])
    assert r.rc == 0
    assert env.wait_for_log(r"^MSGID Completed$") and env.settle()
    assert env.mainlog()[1] == "MSGID => a <a@test.example> R=local T=t_mbox"


def test_control_queue_is_not_overridden_by_odi(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(main="acl_not_smtp = ns\nbegin acl\nns:\n  accept control = queue\n")
    env.send(["a@test.example"], body="Subject: s\n\nbody\n", args=["-odi"])
    env.send(["a@test.example"], body="Subject: s\n\nbody\n", args=[])
    assert env.mainlog() == [
        "MSGID <= root@test.example U=root P=local S=302",
        "MSGID no immediate delivery: queued by ACL",
        "MSGID <= root@test.example U=root P=local S=302",
        "MSGID no immediate delivery: queued by ACL",
    ]
    assert len(env.queue_ids()) == 2


def test_queue_only_file(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    flag = tmp_path / "hold"
    env.config(main=f"queue_only_file = {flag}\n")
    flag.write_text("")
    env.send(["a@test.example"], args=[])
    assert len(env.queue_ids()) == 1 and env.mbox("a") is None
    flag.unlink()
    env.send(["b@test.example"], args=["-odi"])
    assert env.mbox("b") is not None, env.mainlog_raw()


def test_notify_success_sends_a_report(exim, tmp_path):
    # exim4: the report ("<= <> R=<id>") is delivered to the sender; exim4
    # delivers it before the original's Completed (its -odi reaches the
    # report's submission), here it may come after
    env = smtp_env(exim, tmp_path)
    env.config(main="acl_smtp_rcpt = accept\ndsn_advertise_hosts = *\n",
               routers="local:\n  driver = accept\n  local_parts = a : s\n  transport = t_mbox\n")
    r = env.run(["-bs", "-odi"], input="EHLO x\r\nMAIL FROM:<s@test.example>\r\n"
                "RCPT TO:<a@test.example> NOTIFY=SUCCESS\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    assert r.rc == 0
    assert env.wait_for_log(r"^MSGID => s <s@test.example> R=local T=t_mbox$")
    log = env.mainlog()
    assert log[:2] == ["MSGID <= s@test.example U=root P=local-esmtp S=305",
                       "MSGID => a <a@test.example> R=local T=t_mbox"]
    assert any(x.startswith("MSGID <= <> R=MSGID U=root P=local ") for x in log)
    assert "Delivery Status Notification" in env.mbox("s")
    assert env.settle()


def test_queue_only_load_even_with_odi(exim, tmp_path):
    # exim4: "no immediate delivery: load average 3.67", with -odi too
    with open("/proc/loadavg") as f:
        if float(f.read().split()[0]) <= 0.01:
            pytest.skip("the load average is too low to test queue_only_load")
    env = DeliverEnv(exim, tmp_path)
    env.config(main="queue_only_load = 0.001\n")
    env.send(["a@test.example"], body="Subject: s\n\nbody\n", args=[])
    env.send(["b@test.example"], body="Subject: s\n\nbody\n", args=["-odi"])
    log = env.mainlog()
    assert [x.split(":")[0] for x in log[1::2]] == ["MSGID no immediate delivery"] * 2
    assert all(re.fullmatch(r"MSGID no immediate delivery: load average \d+\.\d\d", x) for x in log[1::2])
    assert len(env.queue_ids()) == 2


def test_smtp_accept_queue_per_connection(exim, tmp_path):
    # exim4 -bs: the second and later messages of the session are queued
    env = smtp_env(exim, tmp_path, main="smtp_accept_queue_per_connection = 1\n")
    three = SMTP_TWO.replace("QUIT\r\n", "MAIL FROM:<s@x.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\n"
                             "Subject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    env.run(["-bs", "-odi"], input=three)
    assert env.mainlog() == [
        "MSGID <= s@x.example U=root P=local-smtp S=298",
        "MSGID => a <a@test.example> R=local T=t_mbox",
        "MSGID Completed",
        "MSGID <= s@x.example U=root P=local-smtp S=298",
        "MSGID no immediate delivery: more than 1 messages received in one connection",
        "MSGID <= s@x.example U=root P=local-smtp S=298",
        "MSGID no immediate delivery: more than 1 messages received in one connection",
    ]
