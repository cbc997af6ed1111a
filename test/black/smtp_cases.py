"""-bh sessions whose transcripts were recorded from exim4 (Exim 4.96) into
test/expected/smtp/<name>.txt by test/expected/smtp/record.py.

Each case: name -> (extra configuration, SMTP input, host).  The configuration
is smtp_helpers.BASE plus the extra text; "spool_directory" and "log_file_path"
are added by whoever runs the case.
"""

RCPT_ACL = """\
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept domains = test.example
  deny message = relay not permitted
"""

MANY_ERRORS = "smtp_max_synprot_errors = 100\nsmtp_max_unknown_commands = 100\n"

MSG = "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\n"

NOTQUIT = ("acl_smtp_notquit = acl_nq\nbegin acl\nacl_nq:\n  warn logwrite = NOTQUIT $smtp_notquit_reason\n"
           "  accept message = notquit message\n")

BDAT = "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\n"

CASES = {
    "basic": ("message_size_limit = 1M\n" + RCPT_ACL,
              "EHLO client.example\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\n"
              "RCPT TO:<x@other.example>\r\nRSET\r\nNOOP\r\nHELP\r\nFOO\r\nQUIT\r\n", "192.0.2.1"),
    "helo_syntax": (MANY_ERRORS + "helo_allow_chars = _\n",
                    "HELO\r\nEHLO\r\nHELO a..b\r\nHELO [1.2.3.4]\r\nHELO [1.2.3]\r\nHELO [IPv6:::1]\r\n"
                    "HELO foo bar\r\nHELO\tfoo\r\nHELO  spaced  \r\nHELO -x\r\nHELO x!\r\nHELO a_b\r\nQUIT\r\n",
                    "192.0.2.1"),
    # RCPT pipelined behind a refused MAIL: a failed recipient, not a protocol
    # error (DATA's 503 says "Valid"); the unknown lines then end the session
    "rcpt_behind_refused_mail": ("acl_smtp_mail = m\nbegin acl\nm:\n  defer\n",
                                 "EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\n"
                                 "Subject: smtp\r\n\r\nbody\r\n.\r\nQUIT\r\n", "192.0.2.1"),
    "helo_strict": (MANY_ERRORS, "HELO a_b\r\nEHLO x.y\r\nQUIT\r\n", "192.0.2.1"),
    "order": (MANY_ERRORS + RCPT_ACL,
              "MAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\nDATA\r\nEHLO x.y\r\nRCPT TO:<x@test.example>\r\n"
              "DATA\r\nMAIL FROM:<a@b.c>\r\nDATA\r\nMAIL FROM:<a@b.c>\r\nRSET x\r\nNOOP x\r\nNOOPX\r\nnoop\r\n"
              "DATA x\r\nQUIT x\r\n", "192.0.2.1"),
    "mail_params": (MANY_ERRORS + "message_size_limit = 1M\n" + RCPT_ACL,
                    "EHLO x.y\r\nMAIL FROM:<a@b.c> SIZE=2000000\r\nMAIL FROM:<a@b.c> SIZE=200\r\nRSET\r\n"
                    "MAIL FROM:<a@b.c> FOO=bar\r\nMAIL FROM:<a@b.c> BODY=9BIT\r\n"
                    "MAIL FROM:<a@b.c> BODY=8BITMIME RET=HDRS\r\nRSET\r\nMAIL FROM:a@b.c\r\nRSET\r\n"
                    "MAIL FROM:<a@b\r\nMAIL TO:<x>\r\nMAIL\r\nMAIL FROM:<a@b.c> SMTPUTF8\r\n"
                    "MAIL FROM:<a@b.c> AUTH=<>\r\nRCPT TO:<x@test.example> NOTIFY=NEVER\r\nRCPT TO:x\r\n"
                    "RCPT TO:<>\r\nRCPT FROM:<x@test.example>\r\nmail from: <a@b.c>\r\nRCPT TO: <x@test.example>\r\n"
                    "RSET\r\nMAIL FROM: <a@b.c> ENVID=x RET=FULL\r\nRSET\r\nMAIL FROM:<a@b.c> SIZE=abc\r\nQUIT\r\n",
                    "192.0.2.1"),
    "helo_no_size": (MANY_ERRORS + "message_size_limit = 0\n", "HELO x.y\r\nEHLO x.y\r\nQUIT\r\n", "192.0.2.1"),
    "dsn": (MANY_ERRORS + "dsn_advertise_hosts = *\n" + RCPT_ACL,
            "EHLO x.y\r\nMAIL FROM:<a@b.c> ENVID=x RET=FULL\r\nRCPT TO:<x@test.example> NOTIFY=NEVER ORCPT=rfc822;x@y\r\n"
            "RCPT TO:<x@test.example> NOTIFY=SUCCESS,NEVER\r\nRCPT TO:<x@test.example> NOTIFY=FOO\r\n"
            "RCPT TO:<x@test.example> NOTIFY=success,delay\r\nRCPT TO:<x@test.example> FOO=1\r\nQUIT\r\n",
            "192.0.2.1"),
    "no_rcpt_acl": ("", "EHLO x.y\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\nDATA\r\nQUIT\r\n", "192.0.2.1"),
    "synprot_drop": ("", "EHLO x\r\nMAIL FROM:<a@b.c>\r\nMAIL FROM:<a@b.c>\r\nFOO\r\nBAR\r\nMAIL FROM:<a@b.c>\r\nNOOP\r\n",
                     "192.0.2.1"),
    "synprot_helo_drop": ("", "MAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\nDATA\r\nHELO\r\nEHLO\r\nHELO a_b\r\n",
                          "192.0.2.1"),
    "unknown_drop": ("", "EHLO x\r\nFOO\r\nBAR\r\nBAZ\r\nBAX\r\nNOOP\r\n", "192.0.2.1"),
    "vrfy_expn_etrn": (MANY_ERRORS, "EHLO x\r\nVRFY a@b.c\r\nVRFY\r\nVRFY x\r\nEXPN y\r\nETRN z\r\nHELP\r\nSTARTTLS\r\n"
                       "AUTH PLAIN\r\nQUIT\r\n", "192.0.2.1"),
    "etrn_acl": (MANY_ERRORS + "acl_smtp_etrn = acl_ok\nacl_smtp_vrfy = acl_ok\nacl_smtp_expn = acl_ok\n"
                 "begin acl\nacl_ok:\n  accept\n",
                 "EHLO x\r\nETRN x\r\nHELP\r\nQUIT\r\n", "192.0.2.1"),
    "bdat_errors": (MANY_ERRORS + RCPT_ACL,
                    "EHLO x\r\nBDAT 3\r\nMAI\r\nBDAT\r\nBDAT x\r\nMAIL FROM:<a@b.c>\r\nBDAT 3\r\nabcRCPT TO:<x@test.example>\r\n"
                    "RSET\r\nHELO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\nBDAT 1\r\nQUIT\r\n", "192.0.2.1"),
    "bdat_not_last": (MANY_ERRORS + RCPT_ACL,
                      "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\nBDAT 3\r\nabcNOOP\r\nNOOP\r\n\r\nBDAT 1\r\n"
                      "QUIT\r\nRSET\r\nNOOP\r\nQUIT\r\n",
                      "192.0.2.1"),
    "eof_logging": ("log_selector = +smtp_connection +smtp_no_mail +smtp_protocol_error +smtp_syntax_error\n",
                    "EHLO x.y\r\nNOOP\r\nFOO\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n", "192.0.2.1"),
    "quit_logging": ("log_selector = +smtp_connection +smtp_no_mail\n", "EHLO x.y\r\nQUIT\r\n", "192.0.2.1"),
    "banner_multiline": ("smtp_banner = first line\\nsecond ${if eq{1}{1}{yes}}\n", "QUIT\r\n", "192.0.2.1"),
    "host_port": ("log_selector = +smtp_connection +incoming_port\n", "HELO x\r\nQUIT\r\n", "192.0.2.9.1234"),
    "acl_replies": (MANY_ERRORS + """\
acl_smtp_helo = acl_helo
acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt
acl_smtp_predata = acl_predata
begin acl
acl_helo:
  deny condition = ${if eq{$sender_helo_name}{deny}}
  deny condition = ${if eq{$sender_helo_name}{denymsg}}
       message = 554 5.7.1 go away\\nsecond line
  defer condition = ${if eq{$sender_helo_name}{defer}}
  accept
acl_mail:
  deny senders = a@deny
  deny senders = a@code
       message = 450 wrong class
  deny senders = a@code2
       message = 551 5.1.1 right class
       log_message = logged text
  defer senders = a@defer
  drop senders = a@drop
     message = dropped you
  accept
acl_rcpt:
  deny local_parts = deny
  defer local_parts = defer
  defer local_parts = defer2
     message = 452 4.3.1 nope
  accept
acl_predata:
  deny senders = p@deny
  accept
""", "HELO deny\r\nHELO denymsg\r\nHELO defer\r\nHELO x\r\nMAIL FROM:<a@deny>\r\nMAIL FROM:<a@code>\r\n"
     "MAIL FROM:<a@code2>\r\nMAIL FROM:<a@defer>\r\nMAIL FROM:<p@deny>\r\nRCPT TO:<deny@x>\r\nRCPT TO:<defer@x>\r\n"
     "RCPT TO:<defer2@x>\r\nRCPT TO:<ok@x>\r\nDATA\r\nRSET\r\nMAIL FROM:<a@drop>\r\nNOOP\r\n", "192.0.2.1"),
    "connect_deny": ("acl_smtp_connect = acl_conn\nbegin acl\nacl_conn:\n  deny hosts = 192.0.2.2\n  accept\n",
                     "HELO x\r\nQUIT\r\n", "192.0.2.2"),
    "quit_acl": ("acl_smtp_quit = acl_quit\nbegin acl\nacl_quit:\n  accept message = bye bye\n",
                 "HELO x\r\nQUIT\r\n", "192.0.2.1"),
    "data_then_commands": (RCPT_ACL, "EHLO client.example\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@test.example>\r\n"
                           "DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nVRFY x\r\nEXPN y\r\nETRN z\r\nHELP\r\nFOO\r\n"
                           "NOOP\r\nRSET\r\nQUIT\r\n", "192.0.2.1"),
    "max_per_connection": ("smtp_accept_max_per_connection = 2\nacl_smtp_rcpt = accept\nlog_selector = +smtp_connection\n",
                           "EHLO x\r\n" + MSG * 2 + "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nNOOP\r\n", "192.0.2.1"),
    "recipients_max": ("recipients_max = 2\nacl_smtp_rcpt = accept\nhosts_connection_nolog = 192.0.2.5\n"
                       "log_selector = +smtp_connection\n",
                       "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nRCPT TO:<s@x.y>\r\nRCPT TO:<t@x.y>\r\n"
                       "RCPT TO:<u@x.y>\r\nQUIT\r\n", "192.0.2.5"),
    "host_lookup_failed": ("host_lookup = *\nlog_selector = +smtp_connection +host_lookup_failed\n",
                           "EHLO x\r\nQUIT\r\n", "192.0.2.1"),
    "bh_ipv6": ("log_selector = +smtp_connection\n", "HELO x\r\nQUIT\r\n", "2001:db8::1"),
    "notquit_eof": (NOTQUIT, "EHLO x\r\n", "192.0.2.1"),
    "notquit_unknown": (NOTQUIT, "EHLO x\r\nA\r\nB\r\nC\r\nD\r\n", "192.0.2.1"),
    "notquit_nonmail": ("smtp_accept_max_nonmail = 1\n" + NOTQUIT, "EHLO x\r\nNOOP\r\nNOOP\r\n", "192.0.2.1"),
    "notquit_synprot": (NOTQUIT, "EHLO x\r\nRCPT TO:<a@b>\r\nRCPT TO:<a@b>\r\nRCPT TO:<a@b>\r\nRCPT TO:<a@b>\r\n",
                        "192.0.2.1"),
    "notquit_quit": (NOTQUIT, "EHLO x\r\nQUIT\r\n", "192.0.2.1"),
    "helo_verify": ("helo_verify_hosts = *\n", "HELO bogus.example\r\nHELO [192.0.2.1]\r\nMAIL FROM:<a@b.c>\r\nQUIT\r\n",
                    "192.0.2.1"),
    "helo_verify_first": ("helo_verify_hosts = *\n", "MAIL FROM:<a@b.c>\r\nHELO [192.0.2.2]\r\nQUIT\r\n", "192.0.2.1"),
    "bare_lf": (RCPT_ACL, "EHLO x\nMAIL FROM:<a@b.c>\nRCPT TO:<r@test.example>\nNOOP\r\rNOOP\nNOOP \r\nQUIT\n",
                "192.0.2.1"),
    "nul_and_long": ("smtp_max_unknown_commands = 10\n", "EHLO x\r\nNO\0OP\r\nNOOP " + "y" * 17000 + "\r\nQUIT\r\n",
                     "192.0.2.1"),
    "active_hostname": ("smtp_active_hostname = ${if eq{$sender_host_address}{192.0.2.1}{active.example}{}}\n",
                        "EHLO x\r\nFOO\r\nQUIT\r\n", "192.0.2.1"),
    "syntax_logging": (MANY_ERRORS + "dsn_advertise_hosts = *\nlog_selector = +smtp_syntax_error +smtp_protocol_error\n"
                       + RCPT_ACL,
                       "MAIL FROM:<a@b.c>\r\nEHLO x\r\nRCPT TO:<r@test.example>\r\nDATA\r\nMAIL FROM:<a@b\r\n"
                       "MAIL FROM:<a@b.c> BODY=9BIT\r\nMAIL FROM:<a@b.c> SMTPUTF8\r\nMAIL FROM:\r\n"
                       "MAIL FROM:<x>\r\nMAIL FROM:<a@b.c>\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:\r\nRCPT TO:<x>\r\n"
                       "RCPT TO:<a@b> NOTIFY=BAD\r\nRCPT TO:<>\r\nDATA x\r\nRSET x\r\nBDAT\r\nVRFY\r\nVRFY x\r\n"
                       "NO\0OP\r\nETRN\r\nSTARTTLS\r\nAUTH PLAIN\r\nQUIT x\r\nQUIT\r\n", "192.0.2.1"),
    "prdr": ("prdr_enable = true\nacl_smtp_rcpt = accept\n",
             "EHLO x\r\nMAIL FROM:<a@b.c> PRDR\r\nRCPT TO:<a@x.y>\r\nRCPT TO:<b@x.y>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\n"
             "HELO x\r\nMAIL FROM:<a@b.c> PRDR\r\nQUIT\r\n", "192.0.2.1"),
    "no_multiline": ("""acl_smtp_helo = acl_helo
begin acl
acl_helo:
  deny condition = ${if eq{$sender_helo_name}{multi}}
       message = first\\nsecond\\nthird
  deny condition = ${if eq{$sender_helo_name}{single}}
       control = no_multiline_responses
       message = 550-5.7.1 first\\nsecond
  accept
""", "HELO multi\r\nHELO single\r\nHELO multi\r\nEHLO x\r\nQUIT\r\n", "192.0.2.1"),
    "helo_lookup_domains": ("", "HELO test.example\r\nHELO x\r\nQUIT\r\n", "192.0.2.1"),
    "eof_no_lost_selector": ("log_selector = +smtp_connection -lost_incoming_connection\n",
                             "EHLO x\r\nMAIL FROM:<a@b.c>\r\n", "192.0.2.1"),
    "host_reject_connection": ("host_reject_connection = 192.0.2.0/24\nlog_selector = +smtp_connection\n",
                               "EHLO x\r\nQUIT\r\n", "192.0.2.1"),
    "host_reject_other": ("host_reject_connection = 192.0.2.0/24\n", "HELO x\r\nQUIT\r\n", "198.51.100.1"),
    "no_helo_required": ("hosts_require_helo =\nacl_smtp_rcpt = accept\n",
                         "MAIL FROM:<a@b.c> SIZE=10\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<r@x.y>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\n"
                         "QUIT\r\n", "192.0.2.1"),
    "bdat_totals": ("acl_smtp_rcpt = accept\n",
                    "EHLO x\r\n" + "".join(BDAT + b for b in (
                        "BDAT 20 LAST\r\nSubject: x\r\n\r\nbody\r\n", "BDAT 12 LAST\r\nSubject: x\r\n",
                        "BDAT 1 LAST\r\nx", "BDAT 3 LAST\r\nx\r\n", "BDAT 4\r\nab\r\nBDAT 4 LAST\r\ncd\r\n",
                        "BDAT 6 LAST\r\nab\r\ncd", "BDAT 10 LAST\r\nSubject: x")) + "QUIT\r\n", "192.0.2.1"),
    "history_overflow": ("log_selector = +smtp_no_mail\nsmtp_accept_max_nonmail = 100\n",
                         "EHLO x\r\n" + "NOOP\r\n" * 25 + "QUIT\r\n", "192.0.2.1"),
    "nonmail_verb": ("smtp_accept_max_nonmail = 1\n",
                     "HELO x\r\nNOOP 123456789012345678901234567890\r\nVRFY 1234567890123456789012345@x.y\r\n",
                     "192.0.2.1"),
    # counting rules found by comparing random sessions with exim4
    "count_synprot": ("smtp_max_synprot_errors = 2\n" + RCPT_ACL,
                      "MAIL FROM:<a@b.c>\r\nMAIL FROM:<a@b.c>\r\nEHLO x\r\nMAIL FROM:<x>\r\nMAIL FROM:<a@b\r\n"
                      "RCPT TO:<r@test.example>\r\nRCPT TO:<r@test.example>\r\nVRFY\r\nMAIL FROM:<a@b.c>\r\n"
                      "RCPT TO:x\r\nRCPT TO:x\r\nRSET x\r\nDATA x\r\nQUIT\r\n", "192.0.2.1"),
    "count_nonmail": ("smtp_accept_max_nonmail = 2\nsmtp_max_synprot_errors = 100\n" + RCPT_ACL,
                      "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRSET\r\nSTARTTLS\r\nSTARTTLS\r\nRSET x\r\nRSET x\r\nNOOP\r\n"
                      "NOOP\r\nQUIT\r\n", "192.0.2.1"),
    "data_503_forms": ("smtp_max_synprot_errors = 100\n" + RCPT_ACL,
                       "EHLO x\r\nRCPT TO:<r@test.example>\r\nDATA\r\nRCPT TO:<r@test.example>\r\nDATA\r\n"
                       "MAIL FROM:<a@b.c>\r\nRCPT TO:<r@other.example>\r\nDATA\r\nRSET\r\nMAIL FROM:<a@b.c>\r\n"
                       "RCPT TO:<r@other.example>\r\nRCPT TO:x\r\nDATA\r\nRSET\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:x\r\n"
                       "DATA\r\nQUIT\r\n", "192.0.2.1"),
    "discard_and_vrfy": ("""acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  deny local_parts = multi
       message = line one\\nline two
  discard local_parts = discard
  accept domains = test.example
  deny message = relay not permitted
""", "HELO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<multi@test.example>\r\nRCPT TO:<discard@test.example>\r\n"
     "QUIT\r\n", "192.0.2.1"),
    "accept_messages": ("""acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt
begin acl
acl_mail:
  accept message = mail fine\\nline two
acl_rcpt:
  discard local_parts = d
          message = gone $local_part
          log_message = dropped $local_part
  accept  local_parts = e
          endpass
          message = never seen
  accept  message = 250 2.1.5 ok $local_part
""", "EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@test.example>\r\nRCPT TO:<e@test.example>\r\n"
     "RCPT TO:<f@test.example>\r\nQUIT\r\n", "192.0.2.1"),
    "postmaster_unqualified": ("""qualify_recipient = qr.example
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept message = lp=$local_part d=$domain
""", "HELO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<PostMaster>\r\nRCPT TO:postmaster\r\nRCPT TO:<a>\r\n"
     "RCPT TO:<a@>\r\nRCPT TO:b\r\nQUIT\r\n", "192.0.2.1"),
    "vrfy_acl_address": ("""acl_smtp_vrfy = acl_vrfy
begin acl
acl_vrfy:
  accept domains = test.example
         local_parts = a
  deny   local_parts = c
  deny   message = no $local_part $domain
""", "HELO x\r\nVRFY a@test.example\r\nVRFY <b@other.example>\r\nVRFY c@other.example\r\nQUIT\r\n",
     "192.0.2.1"),
    "acl_m_reset": ("""acl_smtp_connect = acl_conn
acl_smtp_helo = acl_helo
acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt
acl_smtp_vrfy = acl_vrfy
begin acl
acl_conn:
  accept set acl_m_c = conn
         message = hi there c=[$acl_m_c]
acl_helo:
  accept message = h m=[$acl_m_x] c=[$acl_m_c] hh=[$acl_m_h]
         set acl_m_h = helo
acl_mail:
  accept message = m m=[$acl_m_x] c=[$acl_m_c] hh=[$acl_m_h]
acl_rcpt:
  accept set acl_m_x = $local_part
         message = r m=[$acl_m_x]
acl_vrfy:
  deny message = v m=[$acl_m_x] c=[$acl_m_c] hh=[$acl_m_h]
""", "VRFY a@b.c\r\nHELO x\r\nVRFY a@b.c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<one@e.c>\r\nVRFY a@b.c\r\nRSET\r\n"
     "VRFY a@b.c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<two@e.c>\r\nHELO y\r\nVRFY a@b.c\r\nEHLO z\r\nQUIT\r\n",
     "192.0.2.1"),
    "nonmail_limit": ("smtp_accept_max_nonmail = 3\n", "HELO x\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n", "192.0.2.1"),
}
