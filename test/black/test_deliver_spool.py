"""The delivery process and the spool: the -J journal of a run that died
(nothing in it is delivered again), spool files that are missing, corrupt
or locked (logged with exim4's texts and left as they are), frozen
messages, and the files removed on completion.  Expected texts were seen
with exim4 (-odq, then -M)."""
import fcntl
import os
import re

import pytest

from deliver_helpers import SIMPLE_ROUTERS, SIMPLE_TRANSPORTS, DeliverEnv

RCPTS = ["a@test.example", "b@test.example", "c@test.example"]


def queued(exim, tmp_path, rcpts=RCPTS, args=("-odq",), retry=None):
    env = DeliverEnv(exim, tmp_path)
    if retry:
        env.config(retry=retry)
    r = env.send(rcpts, args=args)
    assert r.rc == 0, r.err
    (msgid,) = env.queue_ids()
    return env, msgid


def deliver(env, msgid):
    r = env.run(["-M", msgid])
    if "not available yet" in r.err:
        pytest.xfail("-M arrives with the queue layer")
    return r


def snapshot(env):
    d = env.input_dir()
    return {f.name: f.read_bytes() for f in d.iterdir()}


def test_journal_of_crashed_run_is_not_delivered_again(exim, tmp_path):
    env, msgid = queued(exim, tmp_path)
    (env.input_dir() / f"{msgid}-J").write_text("b@test.example\n")
    deliver(env, msgid)
    assert env.mainlog()[1:] == ["MSGID => a <a@test.example> R=local T=t_mbox",
                                 "MSGID => c <c@test.example> R=local T=t_mbox",
                                 "MSGID Completed"]
    assert env.mbox("b") is None and env.mbox("a") and env.mbox("c")
    assert env.spool_files() == []


def test_journal_recovered_into_header_when_rest_defers(exim, tmp_path):
    env, msgid = queued(exim, tmp_path, retry="* * F,1h,10m\n")
    (env.input_dir() / f"{msgid}-J").write_text("b@test.example\n")
    os.chmod(env.mail, 0o755)          # nobody cannot write: a and c defer
    deliver(env, msgid)
    h = (env.input_dir() / f"{msgid}-H").read_text()
    assert "\nYY b@test.example\n" in h or "\nNN b@test.example\n" in h
    assert not (env.input_dir() / f"{msgid}-J").exists()
    assert not any("=> b" in x for x in env.mainlog())


def test_corrupt_header_is_logged_and_left(exim, tmp_path):
    env, msgid = queued(exim, tmp_path)
    h = env.input_dir() / f"{msgid}-H"
    h.write_bytes(h.read_bytes()[:100])
    before = snapshot(env)
    deliver(env, msgid)
    assert env.mainlog()[-1] == "MSGID Format error in spool file MSGID-H: size=100"
    assert snapshot(env) == before
    assert env.mailboxes() == {}


def test_missing_header(exim, tmp_path):
    env, msgid = queued(exim, tmp_path)
    (env.input_dir() / f"{msgid}-H").unlink()
    deliver(env, msgid)
    assert env.mainlog()[-1] == "MSGID Error reading spool file MSGID-H: No such file or directory"
    assert env.spool_files() == [f"{msgid}-D"]


def test_missing_data_file(exim, tmp_path):
    env, msgid = queued(exim, tmp_path)
    (env.input_dir() / f"{msgid}-D").unlink()
    deliver(env, msgid)
    assert env.mainlog()[-1] == "MSGID Spool file MSGID-D not found"
    assert env.spool_files() == [f"{msgid}-H"]


def test_locked_message_is_left_alone(exim, tmp_path):
    # exim4: the skip_delivery line (a default selector), nothing touched
    env, msgid = queued(exim, tmp_path)
    before = snapshot(env)
    with open(env.input_dir() / f"{msgid}-D", "r+b") as f:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        deliver(env, msgid)
    assert env.mainlog()[1:] == [
        "MSGID Spool file for MSGID is locked (another process is handling this message)"]
    assert snapshot(env) == before
    assert env.mailboxes() == {}


def test_locked_message_quiet_without_skip_delivery(exim, tmp_path):
    # exim4 with -skip_delivery: no line for a locked or a frozen message
    env = DeliverEnv(exim, tmp_path)
    env.config(main="log_selector = -skip_delivery\n" + FROZEN)
    env.send(["a@test.example"], args=["-odq"])
    (msgid,) = env.queue_ids()
    with open(env.input_dir() / f"{msgid}-D", "r+b") as f:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        deliver(env, msgid)
    env.run(["-q"])
    assert [x for x in env.mainlog() if not x.startswith(("Start", "End"))][1:] == ["MSGID frozen by ACL"]


def test_forced_delivery_thaws(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(main="acl_not_smtp = acl_ns\nbegin acl\nacl_ns:\n  accept control = freeze\n")
    env.send(["a@test.example"], args=["-odi"])
    (msgid,) = env.queue_ids()
    assert env.mainlog()[1:] == ["MSGID frozen by ACL"]
    deliver(env, msgid)
    assert env.mainlog()[2:] == ["MSGID Unfrozen by forced delivery",
                                 "MSGID => a <a@test.example> R=local T=t_mbox",
                                 "MSGID Completed"]
    assert env.spool_files() == []


def test_msglog_removed_unless_preserved(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.send(["a@test.example"])
    (msgid,) = env.message_ids()
    assert not (env.spool / "msglog" / msgid).exists()
    assert not (env.spool / "msglog.OLD").exists()
    assert env.mainlog()[-1] == "MSGID Completed"


def test_split_spool_directory(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(main="split_spool_directory\nqueue_only\n")
    env.send(["a@test.example"], args=[])
    (msgid,) = env.message_ids()
    sub = env.input_dir() / msgid[5]
    assert (sub / f"{msgid}-H").exists()
    assert (env.spool / "msglog" / msgid[5] / msgid).exists()
    deliver(env, msgid)
    assert env.mainlog()[-1] == "MSGID Completed"
    assert list(sub.iterdir()) == []


def age_message(env, msgid, seconds):
    """Move the reception time of a queued message back."""
    h = env.input_dir() / f"{msgid}-H"
    lines = h.read_text().split("\n")
    t = int(lines[3].split()[0])
    lines[3] = f"{t - seconds} 0"
    h.write_text("\n".join(lines))


FROZEN = "acl_not_smtp = ns\nbegin acl\nns:\n  accept control = freeze\n"


def test_timeout_frozen_after_cancels(exim, tmp_path):
    # exim4 (a queue run): "cancelled by timeout_frozen_after", a bounce for a
    # message with a sender, and Completed without "**" lines; for a bounce
    # the same without any bounce (it wins over ignore_bounce_errors_after)
    env = DeliverEnv(exim, tmp_path)
    env.config(main="timeout_frozen_after = 1h\nignore_bounce_errors_after = 1h\n" + FROZEN)
    env.send(["a@test.example"], args=["-odq", "-f", "<>"])
    (msgid,) = env.queue_ids()
    age_message(env, msgid, 7200)
    r = env.run(["-q"])
    if "not available yet" in r.err:
        pytest.xfail("-q arrives with the queue layer")
    assert [x for x in env.mainlog() if not x.startswith(("Start", "End"))][2:] == [
        "MSGID cancelled by timeout_frozen_after", "MSGID Completed"]
    assert env.queue_ids() == []


def test_frozen_message_not_delivered_by_queue_run(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(main=FROZEN)
    env.send(["a@test.example"], args=["-odq"])
    r = env.run(["-q"])
    if "not available yet" in r.err:
        pytest.xfail("-q arrives with the queue layer")
    assert not any("=>" in x for x in env.mainlog())
    assert len(env.queue_ids()) == 1


def test_give_up_cancels_with_the_callers_name(exim, tmp_path):
    # exim4 -Mg: "cancelled by root", the bounce, Completed (no "**" lines)
    env, msgid = queued(exim, tmp_path, rcpts=["a@test.example"])
    r = env.run(["-Mg", msgid])
    if "not available yet" in r.err:
        pytest.xfail("-Mg arrives with the queue layer")
    raw = env.mainlog_raw().splitlines()
    mine = [x for x, y in zip(env.mainlog(), raw) if f" {msgid} " in y]
    assert mine[1:] == ["MSGID cancelled by root", "MSGID Completed"]
    assert env.mbox("a") is None


def test_give_up_bounce_gives_no_reason(exim, tmp_path):
    # exim4 -Mg's bounce lists "  a@test.example" with no reason line under it
    env, msgid = queued(exim, tmp_path, rcpts=["a@test.example"])
    env.run(["-Mg", msgid])
    env.settle()
    texts = [p.read_text() for p in env.input_dir().glob("*-D")] + list(env.mailboxes().values())
    bounce = [t for t in texts if "The following address(es) failed:" in t]
    assert bounce, texts
    part = bounce[0].split("The following address(es) failed:\n\n", 1)[1]
    assert part.startswith("  a@test.example\n\n"), part[:200]


def test_queue_run_waits_for_the_retry_time(exim, tmp_path):
    # exim4: a queue run before the retry time logs (main log only)
    # "== b@test.example R=local T=t_mbox defer (-53): Retry time not yet
    # reached"; a forced run (-qf) tries again
    env = DeliverEnv(exim, tmp_path)
    env.config(transports="t_mbox:\n  driver = appendfile\n  file = @T@/mail/$local_part_data\n"
                          "  user = ${if eq{$local_part}{b}{root}{nobody}}\n",
               retry="* * F,1h,10m\n")
    env.send(["a@test.example", "b@test.example"])
    (msgid,) = env.queue_ids()
    n = len(env.mainlog())
    r = env.run(["-q"])
    if "not available yet" in r.err:
        pytest.xfail("-q arrives with the queue layer")
    new = [x for x in env.mainlog()[n:] if not x.startswith(("Start", "End"))]
    assert new == ["MSGID == b@test.example R=local T=t_mbox defer (-53): Retry time not yet reached"]
    assert "Retry time" not in "\n".join(env.msglog(msgid))
    n = len(env.mainlog())
    env.run(["-qf"])
    new = [x for x in env.mainlog()[n:] if not x.startswith(("Start", "End"))]
    assert new == [
        "MSGID User 0 set for t_mbox transport is on the fixed_never_users list",
        "MSGID == b@test.example R=local T=t_mbox defer (-29): User 0 set for t_mbox transport is on "
        "the fixed_never_users list"]


def test_system_filter_runs_as_system_filter_user(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    (env.tmp / "filter").write_text('# Exim filter\nheaders add "X-Uid: ${run{/usr/bin/id -u}}"\n'
                                     'if $h_subject: is "hi" then deliver b@test.example endif\n')
    env.config(main=f"system_filter = {env.tmp}/filter\nsystem_filter_user = nobody\n")
    env.send(["a@test.example"])
    assert env.mainlog()[1:] == ["MSGID original recipients ignored (system filter)",
                                 "MSGID => b <system-filter> R=local T=t_mbox", "MSGID Completed"]
    assert "\nX-Uid: 65534\n" in env.mbox("b")


def test_errors_to_receives_the_bounce(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(routers="local:\n  driver = accept\n  local_parts = a : b : pm : s\n"
                       "  errors_to = ${if eq{$local_part}{b}{pm@test.example}{}}\n  transport = t_mbox\n",
               transports="t_mbox:\n  driver = appendfile\n  file = @T@/mail/$local_part_data\n"
                          "  user = ${if eq{$local_part}{b}{root}{nobody}}\n")
    env.send(["a@test.example", "b@test.example"], args=["-odi", "-f", "s@test.example"])
    first = env.message_ids()[0]
    assert env.wait_for_log(r"^MSGID => pm <pm@test.example> R=local T=t_mbox$") and env.settle()
    assert "X-Failed-Recipients: b@test.example" in env.mbox("pm")
    assert env.mbox("s") is None
    raw = env.mainlog_raw().splitlines()
    mine = [x for x, y in zip(env.mainlog(), raw) if f" {first} " in y]
    assert mine[-2:] == ["MSGID ** b@test.example: retry timeout exceeded", "MSGID Completed"]


def test_ql_leaves_remote_deliveries(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(routers="remote:\n  driver = manualroute\n  domains = remote.example\n"
                       "  route_list = * 192.0.2.1\n  transport = t_smtp\n" +
                       "local:\n  driver = accept\n  local_parts = a\n  transport = t_mbox\n",
               transports="t_mbox:\n  driver = appendfile\n  file = @T@/mail/$local_part_data\n"
                          "  user = nobody\nt_smtp:\n  driver = smtp\n")
    env.send(["a@test.example", "x@remote.example"], args=["-odq"])
    (msgid,) = env.queue_ids()
    r = env.run(["-ql"])
    if "not available yet" in r.err:
        pytest.xfail("-ql arrives with the queue layer")
    assert [x for x in env.mainlog()[1:] if not x.startswith(("Start", "End"))] == [
        "MSGID => a <a@test.example> R=local T=t_mbox"]
    assert env.queue_ids() == [msgid]


def test_forced_delivery_overrides_system_filter_freeze(exim, tmp_path):
    # exim4: "Frozen by the system filter: looks odd", then -M:
    # "Unfrozen by forced delivery" and the filter's freeze no longer applies
    env = DeliverEnv(exim, tmp_path)
    (env.tmp / "filter").write_text('# Exim filter\nfreeze text "looks odd"\n')
    env.config(main=f"system_filter = {env.tmp}/filter\n")
    env.send(["a@test.example"])
    (msgid,) = env.queue_ids()
    deliver(env, msgid)
    assert env.mainlog()[1:] == ["MSGID Frozen by the system filter: looks odd",
                                 "MSGID Unfrozen by forced delivery",
                                 "MSGID => a <a@test.example> R=local T=t_mbox", "MSGID Completed"]


def test_journal_line_cut_short_is_ignored(exim, tmp_path):
    env, msgid = queued(exim, tmp_path)
    (env.input_dir() / f"{msgid}-J").write_text("b@test.example\nc@test.exa")
    deliver(env, msgid)
    assert env.mainlog()[1:] == ["MSGID => a <a@test.example> R=local T=t_mbox",
                                 "MSGID => c <c@test.example> R=local T=t_mbox",
                                 "MSGID Completed"]


def test_failed_bounce_frozen_then_ignored_after_timer(exim, tmp_path):
    # exim4: "** x: Unrouteable address", "Frozen (delivery error message)";
    # two hours later with ignore_bounce_errors_after = 1h a queue run logs
    # "Unfrozen by errmsg timer", the failure again, "x: error ignored", Completed
    env = DeliverEnv(exim, tmp_path)
    env.config(main="ignore_bounce_errors_after = 1h\n")
    env.send(["x@test.example"], body="Subject: s\n\nbody\n", args=["-odi", "-f", "<>"])
    assert env.mainlog()[1:] == ["MSGID ** x@test.example: Unrouteable address",
                                 "MSGID Frozen (delivery error message)"]
    (msgid,) = env.queue_ids()
    age_message(env, msgid, 7200)
    r = env.run(["-q"])
    if "not available yet" in r.err:
        pytest.xfail("-q arrives with the queue layer")
    assert [x for x in env.mainlog()[3:] if not x.startswith(("Start", "End"))] == [
        "MSGID Unfrozen by errmsg timer", "MSGID ** x@test.example: Unrouteable address",
        "MSGID x@test.example: error ignored", "MSGID Completed"]
    assert env.queue_ids() == []


def test_auto_thaw(exim, tmp_path):
    # exim4: frozen two hours ago, auto_thaw = 1h: "Unfrozen by auto-thaw" in a queue run
    env = DeliverEnv(exim, tmp_path)
    env.config(main="auto_thaw = 1h\n" + FROZEN)
    env.send(["a@test.example"], args=["-odi", "-f", "s@x.example"])
    (msgid,) = env.queue_ids()
    h = env.input_dir() / f"{msgid}-H"
    h.write_text(re.sub(r"-frozen (\d+)", lambda m: "-frozen %d" % (int(m.group(1)) - 7200), h.read_text()))
    r = env.run(["-q"])
    if "not available yet" in r.err:
        pytest.xfail("-q arrives with the queue layer")
    assert [x for x in env.mainlog()[2:] if not x.startswith(("Start", "End"))] == [
        "MSGID Unfrozen by auto-thaw", "MSGID => a <a@test.example> R=local T=t_mbox", "MSGID Completed"]


def test_no_message_logs(exim, tmp_path):
    env = DeliverEnv(exim, tmp_path)
    env.config(main="no_message_logs\n", transports="t_mbox:\n  driver = appendfile\n"
               "  file = @T@/mail/$local_part_data\n  user = ${if eq{$local_part}{b}{root}{nobody}}\n",
               retry="* * F,1h,10m\n")
    env.send(["a@test.example", "b@test.example"])
    assert len(env.queue_ids()) == 1
    assert not (env.spool / "msglog").exists() or list((env.spool / "msglog").iterdir()) == []


def test_system_filter_save_runs_as_system_filter_user(exim, tmp_path):
    # spec 47: the filter's pipes, files and replies are delivered as
    # system_filter_user unless their transport sets a user
    env = DeliverEnv(exim, tmp_path)
    (env.tmp / "filter").write_text(f"# Exim filter\nunseen save {env.tmp}/mail/saved\n")
    env.config(main=f"system_filter = {env.tmp}/filter\nsystem_filter_user = nobody\n"
                    "system_filter_file_transport = t_file\n",
               transports="t_mbox:\n  driver = appendfile\n  file = @T@/mail/$local_part_data\n  user = nobody\n"
                          "t_file:\n  driver = appendfile\n")
    env.send(["a@test.example"])
    assert env.mainlog()[-2:] == ["MSGID => @T@/mail/saved <system-filter> T=t_file", "MSGID Completed"]
    assert (env.mail / "saved").stat().st_uid == 65534


def test_queue_run_ends_after_report_deliveries(exim, tmp_path):
    """'End queue run' is logged once the bounce a delivery of the run
    submitted has been delivered too (its detached delivery process
    included), as exim4's runs always showed it (-qG runs of a named queue
    with a failing recipient, three times).  The bounce's delivery is made
    slow (a pipe that pauses) so that the order cannot come by chance."""
    env = DeliverEnv(exim, tmp_path)
    env.config(routers="slow:\n  driver = accept\n  local_parts = c\n  transport = t_slow\n" + SIMPLE_ROUTERS,
               transports=SIMPLE_TRANSPORTS + "t_slow:\n  driver = pipe\n  user = nobody\n"
               "  command = /bin/sh -c 'sleep 0.3; cat > @T@/mail/c'\n")
    r = env.send(["a@test.example", "x@test.example"], args=("-odq", "-f", "c@test.example"))
    assert r.rc == 0, r.err
    (msgid,) = env.queue_ids()
    r = env.run(["-q"])
    assert r.rc == 0, r.err
    lines = env.mainlog()
    assert lines[-1].startswith("End queue run: pid="), "\n".join(lines)
    bounce = [x.split()[0] for x in lines if " <= <> R=MSGID " in x]
    assert len(bounce) == 1, lines
    assert "MSGID => c <c@test.example> R=slow T=t_slow" in lines, "\n".join(lines)
    assert lines.count("MSGID Completed") == 2, lines
    assert env.queue_ids() == []
