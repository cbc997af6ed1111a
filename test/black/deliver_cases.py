"""Delivery cases recorded from exim4 (record_deliver.py) and replayed by
test_deliver_log.py: each is a configuration (main options, routers,
transports as in deliver_helpers) and one message sent with args.  What
is compared: the main log lines and the msglog of the first message
(normalised), the mailboxes written."""
from pathlib import Path

from deliver_helpers import SIMPLE_ROUTERS, SIMPLE_TRANSPORTS

NO_USER_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
"""

ALIAS_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list : hole : deep
  data = ${if eq{$local_part}{list}{a, b@test.example, a}{${if eq{$local_part}{deep}{list, c}{:blackhole:}}}}
""" + SIMPLE_ROUTERS

FREEZE_ACL = """\
acl_not_smtp = freeze_it
begin acl
freeze_it:
  accept control = freeze
"""

PFR_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list
  data = @T@/mail/filed, |/bin/cat, a
  user = nobody
  file_transport = address_file
  pipe_transport = address_pipe
""" + SIMPLE_ROUTERS

PFR_TRANSPORTS = SIMPLE_TRANSPORTS + """\
address_file:
  driver = appendfile
address_pipe:
  driver = pipe
"""

DEFER_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
  user = ${if eq{$local_part}{b}{root}{nobody}}
"""

BATCH_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/batched
  batch_max = 2
  user = nobody
"""

ERRORS_TO_ROUTERS = """\
local:
  driver = accept
  local_parts = a : b : c
  errors_to =
  transport = t_mbox
"""

FILTER_ROUTERS = """\
userfilter:
  driver = redirect
  local_parts = f
  allow_filter
  user = nobody
  file = @T@/forward
  file_transport = address_file
""" + SIMPLE_ROUTERS

VARS_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
  user = nobody
  headers_add = X-Vars: $message_exim_id|$sender_address|$message_size|$message_linecount|\\
    $body_linecount|$received_protocol|$recipients_count|${length_10:$message_body}|\\
    $message_body_size|$h_subject:|$received_count|$originator_uid|$authenticated_id|$return_path
"""

HOST_VARS_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
  user = nobody
  headers_add = X-Host: $sender_host_address|$sender_host_port|$sender_helo_name|$received_protocol|\\
    $sender_host_name|$received_ip_address|$received_port|$sender_fullhost|$acl_m_x|$authenticated_sender
"""

SMTP_ONE = ("EHLO client.example\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@test.example>\r\nDATA\r\n"
            "Subject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n")

UNSEEN_ROUTERS = """\
copy:
  driver = accept
  local_parts = a
  unseen
  transport = t_copy
""" + SIMPLE_ROUTERS

COPY_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_copy:
  driver = appendfile
  file = @T@/mail/copy
  user = nobody
"""

FAIL_ROUTERS = """\
alias:
  driver = redirect
  local_parts = gone : later
  allow_fail
  allow_defer
  data = ${if eq{$local_part}{gone}{:fail: no such list}{:defer: try later}}
""" + SIMPLE_ROUTERS

CLU_ROUTERS = """\
users:
  driver = accept
  check_local_user
  transport = t_user
"""

CLU_TRANSPORTS = """\
t_user:
  driver = appendfile
  file = @T@/mail/$local_part_data-$home
"""

SFILTER = "system_filter = @T@/filter\npreserve_message_logs\n"

FILE_TRANSPORT = """\
t_file:
  driver = appendfile
  user = nobody
"""

FORBID_ROUTERS = PFR_ROUTERS.replace("  user = nobody\n", "  user = nobody\n  forbid_pipe\n  forbid_file\n")

NOPIPE_ROUTERS = PFR_ROUTERS.replace("  pipe_transport = address_pipe\n", "")

DEVNULL_ROUTERS = PFR_ROUTERS.replace("@T@/mail/filed, |/bin/cat, a", "/dev/null, a")

ONE_TIME_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list
  data = a, b
  one_time
""" + SIMPLE_ROUTERS

SIZE_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list
  data = /dev/null
  file_transport = t_mbox
md:
  driver = accept
  local_parts = m
  transport = t_maildir
pp:
  driver = accept
  local_parts = p
  transport = t_crlf_pipe
bb:
  driver = accept
  local_parts = b1 : b2
  transport = t_batch
""" + SIMPLE_ROUTERS

SIZE_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_maildir:
  driver = appendfile
  directory = @T@/mail/md
  maildir_format
  user = nobody
t_crlf_pipe:
  driver = pipe
  command = /bin/cat
  use_crlf
  user = nobody
t_batch:
  driver = appendfile
  file = @T@/mail/batch
  batch_max = 5
  user = nobody
"""

CREATOR_ROUTERS = """\
forward:
  driver = redirect
  local_parts = f1 : f2
  data = |/usr/bin/id
  pipe_transport = t_creator
  user = ${if eq{$local_part}{f2}{mail}{daemon}}
  group = ${if eq{$local_part}{f2}{nogroup}{daemon}}
forward0:
  driver = redirect
  local_parts = f0
  data = |/usr/bin/id
  pipe_transport = t_creator
a1:
  driver = accept
  local_parts = a1
  transport = t_creator
a2:
  driver = accept
  local_parts = a2
  user = mail
  transport = t_creator
a3:
  driver = accept
  local_parts = a3
  group = nogroup
  transport = t_creator
"""

CREATOR_TRANSPORTS = """\
t_creator:
  driver = pipe
  command = /usr/bin/id
  pipe_as_creator
  log_output
"""

UNSEEN_ON_ROUTERS = """\
copy:
  driver = accept
  local_parts = x
  unseen
  transport = t_mbox
""" + SIMPLE_ROUTERS

SHADOW_ROUTERS = """\
quiet:
  driver = accept
  local_parts = q
  transport = t_quiet
""" + SIMPLE_ROUTERS

SHADOW_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
  user = nobody
  shadow_transport = t_shadow
  shadow_condition = ${if eq{$local_part}{b}{no}{yes}}
t_shadow:
  driver = pipe
  command = /bin/sh -c "cat >> @T@/mail/shadow; exit ${if eq{$local_part}{c}{1}{0}}"
  user = nobody
t_quiet:
  driver = appendfile
  file = @T@/mail/quiet
  user = nobody
  disable_logging
"""

HOLD_ROUTERS = """\
other:
  driver = accept
  domains = hold.example : q.example
  transport = t_other
""" + SIMPLE_ROUTERS

HOLD_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_other:
  driver = appendfile
  file = @T@/mail/other
  user = nobody
"""

ORDER_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list : l2 : l3
  data = ${if eq{$local_part}{list}{a, |/bin/cat, b, @T@/mail/f}{${if eq{$local_part}{l2}{c, |/bin/echo}{y1, a, y2}}}}
  user = nobody
  file_transport = address_file
  pipe_transport = address_pipe
""" + SIMPLE_ROUTERS

FAIL_AFTER_ROUTERS = """\
alias:
  driver = redirect
  local_parts = list : l3
  allow_fail
  data = ${if eq{$local_part}{list}{a, :fail: gone away}{|/bin/cat, :fail: no}}
  pipe_transport = address_pipe
  user = nobody
""" + SIMPLE_ROUTERS

REMOTE_ROUTERS = """\
remote:
  driver = manualroute
  domains = ! test.example
  route_list = * 192.0.2.1
  transport = t_smtp
""" + SIMPLE_ROUTERS

REMOTE_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_smtp:
  driver = smtp
  user = nobody
"""

LMTP_SIZE_ROUTERS = """\
l:
  driver = accept
  local_parts = l1 : l2
  transport = t_lmtp
""" + SIMPLE_ROUTERS

LMTP_SIZE_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_lmtp:
  driver = lmtp
  command = /usr/bin/python3 %s
  batch_max = 10
  user = nobody
""" % (Path(__file__).resolve().parent / "lmtp_server.py")

# queue = NAME at RCPT: the message lives in <spool>/q2; its delivery lines
# carry Q=q2, and its bounce goes to the same queue
NAMED_QUEUE_MAIN = "acl_smtp_rcpt = nq\nbegin acl\nnq:\n  accept queue = q2\n"
NAMED_QUEUE_ROUTERS = SIMPLE_ROUTERS + "later:\n  driver = redirect\n  local_parts = d\n  allow_defer\n  data = :defer: later\n"
NAMED_QUEUE_SMTP = ("EHLO client.example\r\nMAIL FROM:<c@test.example>\r\nRCPT TO:<a@test.example>\r\n"
                    "RCPT TO:<b@test.example>\r\nRCPT TO:<d@test.example>\r\nRCPT TO:<x@test.example>\r\n"
                    "DATA\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n")

# manualroute to a local transport: the host list is passed on as one
# string ($host) and named on the delivery lines as H=
LOCAL_HOSTS_ROUTERS = """\
mr:
  driver = manualroute
  local_parts = p : r : s
  route_list = * 192.0.2.5
  transport = t_pipe
mr2:
  driver = manualroute
  local_parts = q
  route_list = * "localhost : 192.0.2.6" byname
  transport = t_pipe
""" + SIMPLE_ROUTERS

LOCAL_HOSTS_TRANSPORTS = SIMPLE_TRANSPORTS + """\
t_pipe:
  driver = pipe
  command = /bin/sh -c "cat > @T@/mail/piped-$local_part_data; exit ${if eq{$local_part}{r}{1}{${if eq{$local_part}{s}{75}{0}}}}"
  user = nobody
  headers_add = X-Host: $host
"""

# a report's submission refused by acl_not_smtp (the child exits 1)
REFUSE_BOUNCE_MAIN = "acl_not_smtp = ns\nbegin acl\nns:\n  deny senders = :\n  accept\n"
REFUSE_DSN_MAIN = ("dsn_advertise_hosts = *\nacl_smtp_rcpt = acc\nacl_not_smtp = ns\nbegin acl\nacc:\n  accept\n"
                   "ns:\n  deny senders = :\n  accept\n")
REFUSE_ALL_MAIN = "acl_not_smtp = ns\nbegin acl\nns:\n  deny senders = : c@test.example\n  accept\n"

SIZE_INPUT = "Subject: hi\n\nbody\n.dot\nFrom x\n"

CASES = {
    # three local deliveries, preserved msglog
    "three_local": dict(main="preserve_message_logs\n", args=["-odi", "a@test.example", "b", "c@test.example"]),
    # -N: "*>" lines, nothing written
    "dont_deliver": dict(main="preserve_message_logs\n", args=["-odi", "-N", "a@test.example", "b@test.example"],
                         no_mail=True),
    # the transport would run as root: fixed_never_users
    "never_users_fixed": dict(main="", args=["-odi", "a@test.example"], transports=NO_USER_TRANSPORTS,
                              first_only=True, no_mail=True),
    # never_users option naming nobody
    "never_users_option": dict(main="never_users = nobody\n", args=["-odi", "a@test.example"],
                               first_only=True, no_mail=True),
    # the queue_time selectors on delivery and Completed lines (QT=0s)
    "log_selectors": dict(main="log_selector = +sender_on_delivery +return_path_on_delivery\n",
                          args=["-odi", "-f", "s@x.example", "a@test.example"]),
    # -odq: nothing is delivered
    "odq": dict(main="", args=["-odq", "a@test.example"], no_mail=True),
    # queue_only, and -odi overriding it
    "queue_only": dict(main="queue_only\n", args=["a@test.example"], no_mail=True),
    "queue_only_odi": dict(main="queue_only\n", args=["-odi", "a@test.example"]),
    "queue_only_no_override": dict(main="queue_only\nno_queue_only_override\n",
                                   args=["-odi", "a@test.example"], no_mail=True),
    # redirection: children, a duplicate, "children all complete" in the msglog
    "redirect_children": dict(main="preserve_message_logs\n", routers=ALIAS_ROUTERS,
                              args=["-odi", "list@test.example", "c"]),
    # two levels: the intermediate parent in parentheses
    "redirect_two_levels": dict(main="preserve_message_logs\n", routers=ALIAS_ROUTERS,
                                args=["-odi", "deep@test.example"]),
    "blackhole": dict(main="preserve_message_logs\n", routers=ALIAS_ROUTERS,
                      args=["-odi", "hole@test.example", "a"]),
    # a routing failure is logged before the deliveries (the bounce's own lines are left out)
    "unrouteable": dict(main="", args=["-odi", "a@test.example", "x@test.example"], first_only=True),
    # frozen by the non-SMTP ACL: not delivered
    "frozen_by_acl": dict(main=FREEZE_ACL, args=["-odi", "a@test.example"], no_mail=True),
    # the system filter: freeze, fail, defer, a significant delivery elsewhere,
    # an unseen copy to a file, headers added and removed
    "sfilter_freeze": dict(main=SFILTER, files={"filter": "# Exim filter\nfreeze text \"looks odd\"\n"},
                           args=["-odi", "a@test.example"], no_mail=True),
    "sfilter_fail": dict(main=SFILTER, files={"filter": "# Exim filter\nfail text \"<<logged>>not wanted\"\n"},
                         args=["-odi", "a@test.example"], first_only=True),
    "sfilter_defer": dict(main=SFILTER, files={"filter": "# Exim filter\ndefer text \"later\"\n"},
                          args=["-odi", "a@test.example"]),
    "sfilter_deliver": dict(main=SFILTER, files={"filter": "# Exim filter\ndeliver b@test.example\n"},
                            args=["-odi", "a@test.example"]),
    "sfilter_unseen_save": dict(main=SFILTER + "system_filter_file_transport = t_file\n",
                                transports=SIMPLE_TRANSPORTS + FILE_TRANSPORT,
                                files={"filter": "# Exim filter\nunseen save @T@/mail/saved\n"},
                                args=["-odi", "a@test.example"]),
    "sfilter_headers": dict(main=SFILTER, files={"filter": "# Exim filter\nheaders add \"X-Added: yes\"\n"
                                                           "headers remove Subject\n"},
                            args=["-odi", "a@test.example"]),
    # -v: log lines and "delivering <id>" on stderr
    "verbose": dict(main="", args=["-odi", "-v", "a@test.example", "b@test.example"], stderr=True),
    "dont_deliver_verbose": dict(main="", args=["-odi", "-N", "a@test.example"], stderr=True, no_mail=True),
    # a redirection to a file and a pipe (their transports from the router)
    "redirect_pfr": dict(main="preserve_message_logs\n", routers=PFR_ROUTERS, transports=PFR_TRANSPORTS,
                         args=["-odi", "list@test.example"]),
    # deliver_time and queue_time selectors (DT=0s, QT=0s on a fast machine)
    "time_selectors": dict(main="log_selector = +deliver_time +queue_time +queue_time_overall\n",
                           args=["-odi", "a@test.example"]),
    # a temporary failure with a retry rule: the message stays, the rest is delivered
    "defer_retry": dict(main="preserve_message_logs\n", transports=DEFER_TRANSPORTS, retry="* * F,1h,10m\n",
                        args=["-odi", "a@test.example", "b@test.example", "c@test.example"]),
    # the same with a redirection: the parent is not complete while a child defers
    "defer_child": dict(main="", routers=ALIAS_ROUTERS, transports=DEFER_TRANSPORTS, retry="* * F,1h,10m\n",
                        args=["-odi", "list@test.example"]),
    # batch_max: one transport run for two addresses, the second logged "->"
    "batch_two": dict(main="preserve_message_logs\n", transports=BATCH_TRANSPORTS,
                      args=["-odi", "a@test.example", "b@test.example", "c@test.example"]),
    # errors_to = (empty): the failure is not reported
    "errors_to_empty": dict(main="", routers=ERRORS_TO_ROUTERS, transports=NO_USER_TRANSPORTS,
                            args=["-odi", "a@test.example"], first_only=True),
    # a user filter saving the message and delivering it elsewhere
    "filter_save": dict(main="preserve_message_logs\n", routers=FILTER_ROUTERS, transports=PFR_TRANSPORTS,
                        files={"forward": "# Exim filter\nsave @T@/mail/saved\ndeliver a@test.example\n"},
                        args=["-odi", "f@test.example"]),
    # expansion variables of the message in a transport
    "message_vars": dict(main="", transports=VARS_TRANSPORTS, args=["-odi", "a@test.example", "b@test.example"],
                         input="Subject: vars\nX-A: 1\n\nline one of the body\nline two\n"),
    # host variables of an SMTP message, and an ACL variable kept in -H
    "host_vars": dict(main="acl_smtp_rcpt = r\nbegin acl\nr:\n  accept set acl_m_x = kept\n",
                      transports=HOST_VARS_TRANSPORTS, input=SMTP_ONE,
                      args=["-bs", "-odi", "-oMa", "192.0.2.7.1234", "-oMi", "192.0.2.1.25", "-oMs", "c.example"]),
    # unseen: a copy, and the address goes on to the next router
    "unseen": dict(main="preserve_message_logs\n", routers=UNSEEN_ROUTERS, transports=COPY_TRANSPORTS,
                   args=["-odi", "a@test.example", "b@test.example"]),
    # :fail: and :defer: from a redirection
    "redirect_fail_defer": dict(main="", routers=FAIL_ROUTERS, retry="* * F,1h,10m\n",
                                args=["-odi", "gone@test.example", "later@test.example", "a"], first_only=True),
    # the same recipient twice
    "duplicate_recipients": dict(main="", args=["-odi", "a@test.example", "a", "A@test.example"]),
    # check_local_user: the user's uid and home
    "check_local_user": dict(main="", routers=CLU_ROUTERS, transports=CLU_TRANSPORTS,
                             args=["-odi", "nobody@test.example"], first_only=True),
    # two routing failures and two transport deferrals: their order
    "order_of_failures": dict(main="", transports=DEFER_TRANSPORTS, retry="* * F,1h,10m\n",
                              args=["-odi", "x@test.example", "b@test.example", "y@test.example", "a", "b"],
                              first_only=True),
    # freeze_tell: the system filter freezes, a message goes to freeze_tell first
    "sfilter_freeze_tell": dict(main=SFILTER + "freeze_tell = pm@test.example\n",
                                routers=SIMPLE_ROUTERS.replace("a : b : c", "a : b : c : pm"),
                                files={"filter": "# Exim filter\nif $sender_address is not \"\" then "
                                                 "freeze text \"looks odd\" endif\n"},
                                args=["-odi", "-f", "s@x.example", "a@test.example"],
                                first_only=True, wait_for=r"^MSGID => pm "),
    # P= shows the delivery's return path: errors_to, a transport's return_path
    "return_path_logged": dict(main="log_selector = +return_path_on_delivery\n",
                               routers="local:\n  driver = accept\n  local_parts = a : b\n"
                                       "  errors_to = ${if eq{$local_part}{a}{pm@test.example}{}}\n"
                                       "  transport = t_mbox\n",
                               transports=SIMPLE_TRANSPORTS + "  return_path = ${if eq{$local_part}{b}{rp@x.example}fail}\n",
                               args=["-odi", "-f", "s@x.example", "a@test.example", "b@test.example"]),
    # the system filter saves to a file without system_filter_file_transport
    "sfilter_save_no_transport": dict(main=SFILTER, files={"filter": "# Exim filter\nunseen save @T@/mail/saved\n"},
                                      args=["-odi", "a@test.example"], first_only=True),
    # redirect: forbidden pipe and file fail, an unset pipe_transport defers,
    # /dev/null is bypassed, a child duplicating a top-level recipient once
    "redirect_forbid": dict(main="", routers=FORBID_ROUTERS, transports=PFR_TRANSPORTS,
                            args=["-odi", "list@test.example"], first_only=True),
    "redirect_no_pipe_transport": dict(main="", routers=NOPIPE_ROUTERS, transports=PFR_TRANSPORTS,
                                       args=["-odi", "list@test.example"], first_only=True),
    "redirect_devnull": dict(main="preserve_message_logs\n", routers=DEVNULL_ROUTERS, transports=PFR_TRANSPORTS,
                             args=["-odi", "list@test.example"]),
    "redirect_dup_toplevel": dict(main="preserve_message_logs\n", routers=PFR_ROUTERS.replace(
                                      "@T@/mail/filed, |/bin/cat, a", "a, b"),
                                  transports=PFR_TRANSPORTS, args=["-odi", "list@test.example", "a@test.example"]),
    # -odi: the bounce is delivered before its parent's Completed (exim4)
    "bounce_odi": dict(main="", args=["-odi", "a@test.example", "x@test.example"]),
    # a filter's delivery that fails: routing and transport failures
    "filter_child_fails": dict(main="", routers=FILTER_ROUTERS, transports=DEFER_TRANSPORTS,
                               files={"forward": "# Exim filter\ndeliver x@test.example\ndeliver a@test.example\n"},
                               args=["-odi", "f@test.example"], first_only=True),
    # one_time: a deferred child becomes a top-level recipient, its parent is done
    "one_time_defer": dict(main="preserve_message_logs\n", routers=ONE_TIME_ROUTERS, transports=DEFER_TRANSPORTS,
                           retry="* * F,1h,10m\n", args=["-odi", "list@test.example"]),
    # "retry timeout exceeded" is in the main log only, not the msglog
    "retry_timeout_msglog": dict(main="preserve_message_logs\n", transports=DEFER_TRANSPORTS, first_only=True,
                                 routers=SIMPLE_ROUTERS + "later:\n  driver = redirect\n  local_parts = d\n"
                                                          "  allow_defer\n  data = :defer: later\n",
                                 args=["-odi", "a@test.example", "b@test.example", "d@test.example"]),
    # newlines in a text are logged as "\n" (tabs as they are); the system
    # filter failing the bounce itself drops it (Completed)
    "sfilter_fail_newline": dict(main=SFILTER, files={"filter": "# Exim filter\nfail text \"no\\nway\"\n"},
                                 args=["-odi", "a@test.example"]),
    "sfilter_freeze_newline": dict(main=SFILTER, files={"filter": "# Exim filter\nfreeze text \"one\\ntwo\\tthree\"\n"},
                                   args=["-odi", "a@test.example"], no_mail=True),
    # the deferred child is a recipient of its own in the next run, logged
    # with the address that generated it
    "one_time_defer_later": dict(main="", routers=ONE_TIME_ROUTERS, transports=DEFER_TRANSPORTS,
                                 retry="* * F,1h,10m\n", args=["-odi", "list@test.example"], then=[["-qf"]]),
    # a filter that sets up no delivery: "=> discarded" (exim4)
    "filter_discard": dict(main="preserve_message_logs\n", routers=FILTER_ROUTERS, transports=PFR_TRANSPORTS,
                           files={"forward": "# Exim filter\nseen finish\n"}, args=["-odi", "f@test.example"]),
    # +delivery_size: S= is what the transport wrote (mbox with its From line and
    # escapes, maildir, a CRLF pipe, a batch, /dev/null 0), 0 under -N, where
    # a batch's later address still shows "->"
    "delivery_size": dict(main="log_selector = +delivery_size\n", routers=SIZE_ROUTERS, transports=SIZE_TRANSPORTS,
                          input=SIZE_INPUT, args=["-odi", "list@test.example", "m", "p", "b1", "b2", "a"]),
    # LMTP: the bytes of the message as sent (CRLF, final dot)
    "delivery_size_lmtp": dict(main="log_selector = +delivery_size\n", routers=LMTP_SIZE_ROUTERS,
                               transports=LMTP_SIZE_TRANSPORTS,
                               args=["-odi", "l1@test.example", "l2@test.example", "a@test.example"]),
    "delivery_size_N": dict(main="log_selector = +delivery_size\n", routers=SIZE_ROUTERS,
                            transports=SIZE_TRANSPORTS, input=SIZE_INPUT, no_mail=True,
                            args=["-odi", "-N", "a@test.example", "b1", "b2", "p"]),
    # the address going on after an unseen router is shown as itself
    # when it fails (no "<x@...>" after it)
    "unseen_goes_on_fails": dict(main="", routers=UNSEEN_ON_ROUTERS, first_only=True,
                                 args=["-odi", "x@test.example"]),
    # exim4's order: each pass looks at its addresses in turn (pipes and
    # files queued at once), then routes them last first; what a
    # redirection generates is the next pass; deliveries are made last
    # queued first, and of two duplicates the first made wins
    "order_list_c": dict(main="", routers=ORDER_ROUTERS, transports=PFR_TRANSPORTS,
                         args=["-odi", "list@test.example", "c"]),
    "order_c_list": dict(main="", routers=ORDER_ROUTERS, transports=PFR_TRANSPORTS,
                         args=["-odi", "c@test.example", "list"]),
    "order_l2_list": dict(main="", routers=ORDER_ROUTERS, transports=PFR_TRANSPORTS,
                          args=["-odi", "l2@test.example", "list"]),
    "order_duplicates": dict(main="preserve_message_logs\n", routers=ORDER_ROUTERS, transports=PFR_TRANSPORTS,
                             args=["-odi", "a@test.example", "list", "c", "l2"]),
    # routing failures are logged as they happen, in that order
    "order_failures": dict(main="", routers=ORDER_ROUTERS, transports=PFR_TRANSPORTS, first_only=True,
                           args=["-odi", "l3@test.example", "x", "l2"]),
    # items before :fail: in a redirection list are still delivered (exim4),
    # while the address itself fails
    "redirect_children_then_fail": dict(main="preserve_message_logs\n", routers=FAIL_AFTER_ROUTERS,
                                        transports=PFR_TRANSPORTS, first_only=True,
                                        args=["-odi", "list@test.example", "l3@test.example"]),
    # -odqs and queue_smtp_domains: routed, local deliveries made, the smtp
    # transport's addresses deferred for a queue runner (exim4 runs the
    # transport, which writes the wait- hints as nobody: spool/db writable)
    "odqs": dict(main="preserve_message_logs\n", routers=REMOTE_ROUTERS, transports=REMOTE_TRANSPORTS,
                 dirs=["spool/db"], args=["-odqs", "-odi", "a@test.example", "r@remote.example"]),
    "odqs_queue_only": dict(main="queue_only\n", routers=REMOTE_ROUTERS, transports=REMOTE_TRANSPORTS,
                            dirs=["spool/db"], args=["-odqs", "a@test.example", "r@remote.example"],
                            wait_for=r"^MSGID == r@remote"),
    "odqs_never_users": dict(main="", routers=REMOTE_ROUTERS, transports=SIMPLE_TRANSPORTS + "t_smtp:\n  driver = smtp\n",
                             args=["-odqs", "-odi", "r@remote.example"]),
    "queue_smtp_domains": dict(main="preserve_message_logs\nqueue_smtp_domains = remote.example\n",
                               routers=REMOTE_ROUTERS, transports=REMOTE_TRANSPORTS, dirs=["spool/db"],
                               args=["-odi", "a@test.example", "r@remote.example"]),
    # shadow_transport: ST= on the line (with the shadow's error when it
    # failed), not when shadow_condition says no; disable_logging: no main
    # log line (the msglog keeps one)
    "shadow_transport": dict(main="log_selector = +delivery_size +queue_time\npreserve_message_logs\n",
                             routers=SHADOW_ROUTERS, transports=SHADOW_TRANSPORTS,
                             args=["-odi", "a@test.example", "b@test.example", "c@test.example", "q@test.example"]),
    # hold_domains: deferred unrouted each time until forced; queue_domains:
    # not routed right after reception, delivered by the next queue run
    "hold_queue_domains": dict(main="preserve_message_logs\nhold_domains = hold.example\nqueue_domains = q.example\n",
                               routers=HOLD_ROUTERS, transports=HOLD_TRANSPORTS,
                               args=["-odi", "q@q.example", "h@hold.example", "a@test.example"],
                               then=[["-q"], ["-q"], ["-qf"]]),
    # deliver_queue_load_max: a queue run is abandoned above it (needs a
    # load average of at least 0.02 to show), a forced one is not
    "queue_load_max": dict(main="deliver_queue_load_max = 0.01\n", args=["-odq", "a@test.example"],
                           then=[["-q"], ["-qf"]], needs_load=0.02),
    # pipe_as_creator: the uid of the message's creator (line 2 of -H,
    # changed before -M), its gid unless the router gives one; root as the
    # creator is on the fixed never_users list
    "pipe_as_creator": dict(main="", routers=CREATOR_ROUTERS, transports=CREATOR_TRANSPORTS, creator="daemon 1 1",
                            args=["-odq", "a1@test.example", "a2", "a3"], no_mail=True),
    "pipe_as_creator_forward": dict(main="", routers=CREATOR_ROUTERS, transports=CREATOR_TRANSPORTS,
                                    creator="daemon 1 1", args=["-odq", "f0@test.example"], no_mail=True),
    "pipe_as_creator_forward2": dict(main="", routers=CREATOR_ROUTERS, transports=CREATOR_TRANSPORTS,
                                     creator="daemon 1 1", args=["-odq", "f2@test.example"], no_mail=True),
    "pipe_as_creator_root": dict(main="", routers=CREATOR_ROUTERS, transports=CREATOR_TRANSPORTS,
                                 creator="root 0 0", args=["-odq", "a1@test.example"], first_only=True,
                                 no_mail=True),
    # a named queue: Q= on "=>", "==", "**" lines and in the msglog, the
    # bounce queued in the same queue; then a forced run of that queue
    "named_queue": dict(main="preserve_message_logs\n" + NAMED_QUEUE_MAIN, queue="q2", input=NAMED_QUEUE_SMTP,
                        routers=NAMED_QUEUE_ROUTERS, transports=DEFER_TRANSPORTS, retry="d@test.example * F,1h,10m\n",
                        args=["-bs", "-odi"], then=[["-qfGq2"], ["-qGq2"]]),
    # a held domain's deferral on a named queue
    "named_queue_hold": dict(main="hold_domains = hold.example\n" + NAMED_QUEUE_MAIN, queue="q2",
                             input=NAMED_QUEUE_SMTP.replace("<a@test.example>", "<h@hold.example>"),
                             args=["-bs", "-odi"], first_only=True),
    # -v shows a line written under a log_selector item with its name:
    # "LOG: skip_delivery MAIN", "LOG: queue_run MAIN"
    "verbose_skip_delivery": dict(main=FREEZE_ACL, args=["-odi", "a@test.example"], then=[["-v", "-qi"]],
                                  stderr=True, no_mail=True),
    "verbose_retry_defer": dict(main="", transports=DEFER_TRANSPORTS, retry="* * F,1h,10m\n",
                                args=["-odi", "b@test.example"], then=[["-v", "-q"]], stderr=True, no_mail=True),
    # manualroute hosts with a local transport: H=<the list> on its lines
    "local_transport_hosts": dict(main="preserve_message_logs\nlog_selector = +delivery_size\n",
                                  routers=LOCAL_HOSTS_ROUTERS, transports=LOCAL_HOSTS_TRANSPORTS,
                                  retry="* * F,1h,10m\n",
                                  args=["-odi", "p@test.example", "q@test.example", "r@test.example", "s@test.example"]),
    # a refused failure report: "Process failed (1) when writing error
    # message", the message completes; a refused success report: no line;
    # a refused reception error report: "Child mail process returned status 1"
    "bounce_refused": dict(main=REFUSE_BOUNCE_MAIN, args=["-odi", "-f", "c@test.example", "a@test.example",
                                                          "x@test.example"]),
    "dsn_refused": dict(main=REFUSE_DSN_MAIN, args=["-bs", "-odi"],
                        input=SMTP_ONE.replace("<s@x.example>", "<c@test.example>").replace(
                            "<a@test.example>", "<a@test.example> NOTIFY=SUCCESS")),
    "moan_refused": dict(main=REFUSE_ALL_MAIN, args=["-odi", "-f", "c@test.example", "a@test.example"],
                         no_mail=True),
    # the same with those selectors off: -v still shows the lines, the main
    # log has none of them; no other line for the frozen message
    "verbose_selectors_off": dict(main="log_selector = -skip_delivery -queue_run -retry_defer\n" + FREEZE_ACL,
                                  args=["-odi", "a@test.example"], then=[["-v", "-qf"]], stderr=True, no_mail=True),
    # the freeze_tell report refused by its submission child
    "sfilter_freeze_tell_refused": dict(main=SFILTER + "freeze_tell = pm@test.example\n" + REFUSE_BOUNCE_MAIN,
                                        files={"filter": "# Exim filter\nif $sender_address is not \"\" then "
                                                         "freeze text \"looks odd\" endif\n"},
                                        args=["-odi", "-f", "s@x.example", "a@test.example"], no_mail=True),
    # the same with retry rules configured: the failure stays and the
    # message is frozen ("(frozen)", also in the msglog); -M tries again
    "bounce_refused_frozen": dict(main="preserve_message_logs\n" + REFUSE_BOUNCE_MAIN, retry="* * F,1d,10m\n",
                                  args=["-odi", "-f", "c@test.example", "a@test.example", "x@test.example"],
                                  creator="root 0 0"),
    # -v: the bounce's submission child is verbose on the same stderr; a
    # panic line is shown as "LOG: MAIN PANIC", not copied raw as well
    "verbose_bounce": dict(main="", transports=DEFER_TRANSPORTS,
                           args=["-odi", "-v", "-f", "c@test.example", "a@test.example", "b@test.example",
                                 "x@test.example"], stderr=True),
    # -v without -odi: the background delivery writes on the same stderr
    "verbose_background": dict(main="", args=["-v", "a@test.example"], stderr=True),
}
