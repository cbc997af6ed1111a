"""Cases for generated messages (spec chapter 50): bounces, DSN reports,
success DSNs and delay warnings; shared by record_bounce.py (runs exim4,
writes test/expected/bounce/<name>.json) and test_bounce_*.py.

Each case: name, extra main options, input mode ("cmd": sendmail command
line with -odi, "smtp": -bs -odi with the SMTP lines given, "warn": queued
with -odq, made older, then delivered with -M, "oe": the options given
instead of recipients, exit code recorded; "frozenN": queued, frozen with
-Mf, made N seconds older, then a queue run -q; "giveup": queued, then
-Mg), sender, recipients, input.
Mailboxes are files under @DIR@/mail named after the local part.
"""

CONF = """\
keep_environment =
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
primary_hostname = mail.example.com
qualify_domain = example.com
never_users =
dsn_advertise_hosts = *
acl_smtp_rcpt = accept
@MAIN@
begin routers
list_r:
  driver = redirect
  domains = example.com
  local_parts = ^list
  data = ${if eq{$local_part}{list2}{list@example.com}{${if eq{$local_part}{list3}{seen1@example.com}\
         {${if eq{$local_part}{list4}{later1@later.example}{bad1@example.com, good@example.com, bad2@example.com}}}}}}
nopipe_r:
  driver = redirect
  domains = example.com
  local_parts = ^nopipe
  data = |/bin/true
  forbid_pipe
tmp_r:
  driver = accept
  domains = example.com
  local_parts = ^tmpfail : ^rootuser
  transport = ${if match{$local_part}{^root}{p4}{p3}}
unseen_r:
  driver = accept
  domains = example.com
  local_parts = ^seen
  unseen
  transport = mbox
fail_r:
  driver = redirect
  domains = example.com
  local_parts = ^bad
  data = :fail: mailbox is gone
  allow_fail
defer_r:
  driver = redirect
  domains = later.example
  local_parts = ^later
  data = :defer: try again later
  allow_defer
errto_r:
  driver = redirect
  domains = example.com
  local_parts = ^errto
  errors_to = other@example.com
  data = :fail: gone with errors_to
  allow_fail
fwd_r:
  driver = redirect
  domains = example.com
  local_parts = ^fwd
  data = |/bin/false
  pipe_transport = p2
  user = nobody
hide_r:
  driver = redirect
  domains = example.com
  local_parts = ^hide
  data = |/bin/false
  pipe_transport = p2
  hide_child_in_errmsg
  user = nobody
pipe_r:
  driver = accept
  domains = example.com
  local_parts = ^pipe
  transport = ${if eq{$local_part}{pipe1}{p}{p2}}
local_r:
  driver = accept
  domains = example.com
  local_parts = sender : good : postmaster : other
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = @DIR@/mail/$local_part_data
  user = nobody
p:
  driver = pipe
  command = /bin/sh -c 'echo line one of output; echo line two; exit 1'
  return_fail_output
  user = nobody
p4:
  driver = pipe
  command = /bin/true
  user = root
p3:
  driver = pipe
  command = /bin/sh -c 'exit 75'
  user = nobody
p2:
  driver = pipe
  command = /bin/sh -c 'echo not returned; exit 1'
  user = nobody
begin retry
* * F,1d,10m
"""

MSG = ("From: Sender <sender@example.com>\nTo: bad@example.com\nSubject: test one\n"
       "Message-ID: <m1@example.com>\n\nHello body line 1\nline 2\n")
BIG = MSG + "".join("line %04d of a long body, to be cut by bounce_return_size_limit\n" % i
                    for i in range(200))


def smtp(mail, rcpts, body="Subject: dsn\r\n\r\nbody\r\n"):
    lines = ["EHLO x", "MAIL FROM:" + mail] + ["RCPT TO:" + r for r in rcpts] + ["DATA"]
    return "\r\n".join(lines) + "\r\n" + body + ".\r\nQUIT\r\n"


S = "sender@example.com"
# a message of about 3.9k
MOAN_BIG = ("From: sender@example.com\nTo: good@example.com\nSubject: big one\n\n"
       + "body line xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * 100)
CASES = [
    ("basic", "", "cmd", S, ["bad@example.com", "good@example.com", "bad2@nowhere.test"], MSG),
    ("no_message", "bounce_return_message = false", "cmd", S, ["bad@example.com"], MSG),
    ("no_body", "bounce_return_body = false", "cmd", S, ["bad@example.com"], MSG),
    ("size_limit", "bounce_return_size_limit = 1K", "cmd", S, ["bad@example.com"], BIG),
    ("message_text", "bounce_message_text = Please call the help desk.", "cmd", S,
     ["bad@example.com"], MSG),
    ("reply_to", "errors_reply_to = helpdesk@example.com", "cmd", S, ["bad@example.com"], MSG),
    ("errors_to", "", "cmd", S, ["errtoa@example.com"], MSG),
    ("dsn_full", "", "smtp", S, None, smtp(
        "<sender@example.com> RET=FULL ENVID=abc123",
        ["<bad@example.com> NOTIFY=FAILURE ORCPT=rfc822;orig@example.com",
         "<good@example.com> NOTIFY=SUCCESS", "<bad3@example.com> NOTIFY=NEVER"])),
    ("dsn_hdrs", "", "smtp", S, None, smtp(
        "<sender@example.com> RET=HDRS", ["<bad@example.com> NOTIFY=FAILURE,DELAY"])),
    ("dsn_never", "", "smtp", S, None, smtp(
        "<sender@example.com>", ["<bad@example.com> NOTIFY=NEVER"])),
    ("dsn_never_first", "", "smtp", S, None, smtp(
        "<sender@example.com>", ["<bad@example.com> NOTIFY=NEVER", "<bad3@example.com> NOTIFY=FAILURE"])),
    ("dsn_success", "", "smtp", S, None, smtp(
        "<sender@example.com> ENVID=e-1", ["<good@example.com> NOTIFY=SUCCESS,FAILURE",
                                            "<other@example.com>"])),
    ("linesize", "bounce_return_linesize_limit = 40", "cmd", S, ["bad@example.com"],
     MSG + "x" * 100 + "\n"),
    ("message_file", "bounce_message_file = @DIR@/bounce.txt", "cmd", S, ["bad@example.com"], MSG),
    ("message_file_missing", "bounce_message_file = @DIR@/none.txt", "cmd", S, ["bad@example.com"], MSG),
    # (the delayed addresses are in a domain of their own: its routing retry
    # record must not hold up the warning to sender@example.com)
    ("warning", "delay_warning = 1s:1h", "warn", S, ["later@later.example", "good@example.com"], MSG),
    ("warn_file", "delay_warning = 1s\nwarn_message_file = @DIR@/warn.txt", "warn", S,
     ["later@later.example"], MSG),
    ("warn_reply_to", "delay_warning = 1s\nerrors_reply_to = helpdesk@example.com", "warn", S,
     ["later@later.example"], MSG),
    ("warn_hours", "delay_warning = 2h", "warn7300", S, ["later@later.example"], MSG),
    ("warn_minutes", "delay_warning = 90m", "warn5500", S, ["later@later.example"], MSG),
    ("retry_timeout", "", "warn90000", S, ["later@later.example"], MSG),
    # frozen (-Mf) for longer than timeout_frozen_after: a queue run cancels it
    ("frozen_timeout", "timeout_frozen_after = 1h", "frozen7200", S, ["good@example.com", "other@example.com"], MSG),
    # addresses a redirection generated: "(generated from ...)", the
    # original recipient in the delivery-status part
    ("generated_child", "", "cmd", S, ["list@example.com", "bad@example.com"], MSG),
    ("generated_deep", "", "cmd", S, ["list2@example.com"], MSG),
    # retry timeouts: a router's :defer: text kept, a transport's error not;
    # the last to time out listed first
    ("retry_timeout_mixed", "", "warn90000", S, ["later@later.example", "tmpfail1@example.com"], MSG),
    # a deferral before the transport ran (never_users): no reason but the timeout
    ("retry_timeout_uid", "", "warn90000", S, ["rootuser1@example.com", "tmpfail2@example.com"], MSG),
    # a delay warning for a generated address
    ("warn_generated", "delay_warning = 1h", "warn4000", S, ["list4@example.com"], MSG),
    # the address going on after an unseen router fails: listed as itself
    # at the top level, "ultimately" generated under a redirection
    ("unseen_goes_on", "", "cmd", S, ["seen2@example.com", "list3@example.com"], MSG),
    # a pipe the redirection may not make: no reason under it
    ("forbidden_pipe", "", "cmd", S, ["nopipe1@example.com"], MSG),
    # errors_copy: bcc copies of the bounce (the first matching item)
    ("errors_copy", "errors_copy = nomatch@example.com other@example.com : *@example.com "
     "postmaster@example.com, ${if eq{$local_part}{sender}{other}{x}}@example.com", "cmd", S, ["bad@example.com"], MSG),
    # -Mg: the same report
    ("give_up", "", "giveup", S, ["good@example.com", "other@example.com", "postmaster@example.com"], MSG),
    ("warn_notify_first", "delay_warning = 1h", "smtpwarn4000", S, None, smtp(
        "<sender@example.com>", ["<later1@later.example> NOTIFY=DELAY", "<later2@later.example> NOTIFY=FAILURE"])),
    ("warn_notify_none", "delay_warning = 1h", "smtpwarn4000", S, None, smtp(
        "<sender@example.com>", ["<later1@later.example> NOTIFY=FAILURE", "<later2@later.example> NOTIFY=DELAY"])),
    ("warn_condition", "delay_warning = 1s\ndelay_warning_condition = ${if eq{$domain}{later.example}{no}{yes}}",
     "warn", S, ["later@later.example"], MSG),
    ("warning_two", "delay_warning = 1s", "warn", S, ["later1@later.example", "later2@later.example"], MSG),
    ("return_output", "", "cmd", S, ["pipe1@example.com", "bad@example.com"], MSG),
    ("generated", "", "cmd", S, ["fwd1@example.com", "hide1@example.com"], MSG),
    ("local_failed", "", "cmd", S, ["pipe2@example.com"], MSG),
    # "oe": errors in a non-SMTP message mailed to the sender (-oee/-oem);
    # the fifth field is the command line's options, the exit code is kept
    ("moan_norcpt", "", "oe", S, ["-oem", "-t"], "From: sender@example.com\nSubject: none\n\nbody\n"),
    ("moan_bad", "", "oe", S, ["-oem", "-t"],
     "From: sender@example.com\nTo: bad@@y\nSubject: bad rcpt\n\nbody\n"),
    ("moan_bad_oee", "", "oe", S, ["-oee", "-t"],
     "From: sender@example.com\nTo: bad@@y\nSubject: bad rcpt\n\nbody\n"),
    ("moan_bad_others", "", "oe", S, ["-oem", "-t"],
     "From: sender@example.com\nTo: good@example.com, bad@@y, x@@z\nSubject: bad rcpt\n\nbody\n"),
    # errors found while reading (receive_local.c); the limit depends on the
    # sender so that the report itself, with its copy, is not too big
    ("moan_too_big", "message_size_limit = ${if def:sender_address {2000}{0}}", "oe", S,
     ["-oem", "good@example.com"], MOAN_BIG),
    ("moan_too_big_oee", "message_size_limit = ${if def:sender_address {3000}{0}}", "oe", S,
     ["-oee", "good@example.com"], MOAN_BIG),
    # (exim4 copies only what it read of the header section when the input
    # fits its first 4k read; beyond that it adds whatever stdin still holds)
    ("moan_header_big", "header_maxsize = 600", "oe", S, ["-oem", "good@example.com"],
     "X-Long: " + "y" * 700 + "\nSubject: long\n\nbody\n"),
    ("moan_header_big_more", "header_maxsize = 600", "oe", S, ["-oem", "good@example.com"],
     "X-Long: " + "y" * 700 + "\nSubject: long\n\n" + "".join("body line %04d\n" % i for i in range(400))),
    ("moan_header_line_big", "header_line_maxsize = 100", "oe", S, ["-oem", "good@example.com"],
     "X-Long: " + "y" * 200 + "\nSubject: long\n\nbody\n"),
    ("moan_acl", "acl_not_smtp = d\nbegin acl\nd:\n  deny senders = sender@example.com\n"
     "       message = not wanted here\n  accept", "oe", S, ["-oem", "good@example.com"], MOAN_BIG),
    ("moan_acl_nomsg", "acl_not_smtp = d\nbegin acl\nd:\n  deny senders = sender@example.com\n  accept",
     "oe", S, ["-oee", "good@example.com"], MOAN_BIG),
    ("moan_bad_arg", "", "oe", S, ["-oem", "a@b@c"], MOAN_BIG),
    ("moan_bad_arg_oee", "", "oe", S, ["-oee", "good@example.com, a@b@c"], MOAN_BIG),
    # the submission child exits 1 (exim_path a script doing that): a
    # warning's refusal is not logged (a failure report's: deliver case
    # bounce_refused)
    ("warn_refused", "delay_warning = 1h\nexim_path = @DIR@/fail.sh", "warn4000", S, ["later@later.example"], MSG),
]

FILES = {
    "fail.sh": "#!/bin/sh\nexit 1\n",   # an exim_path refusing every submission (made executable)
    "bounce.txt": ("Subject: Undeliverable: $h_subject\nX-Bounce-To: $bounce_recipient\n****\n"
                   "Your message could not be delivered (limit $bounce_return_size_limit).\n"
                   "Failed:\n****\nText from the transport:\n****\n----- copy -----\n****\n"
                   "----- cut at $bounce_return_size_limit -----\n"),
    "warn.txt": ("Subject: Still trying: $h_subject after $warn_message_delay\n****\n"
                 "Message $message_exim_id to $warn_message_recipients is delayed.\n****\n"
                 "We keep trying.\n"),
}
