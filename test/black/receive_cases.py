"""Cases for the reception black-box tests (test_receive_*.py).

Each case was run once against Exim 4.96 (Debian's exim4) by
test/expected/receive/record.py, which stored what it saw (exit status,
stdout, stderr, main and reject log lines, the -H and -D files) in
test/expected/receive/<name>.out after receive_normalise(); the tests run
build/exim on the same case and compare.  The tests never need exim4.

A case: name -> dict with
  args   command-line arguments after "-C <conf>"
  input  standard input (str)
  conf   extra main-section lines (added to BASE)
  acl    "begin acl" section text, or absent
  user   "nobody" to run as that user (default: root)
  rewrite "begin rewrite" section text, or absent
"""
import re

BASE = """\
primary_hostname = test.example
qualify_domain = test.example
spool_directory = @DIR@/spool
log_file_path = @DIR@/spool/log/%slog
keep_environment =
exim_user = root
exim_group = root
"""
# Options that vary between runs stay off in the +all selector.
ALL_SELECTORS = "log_selector = +all -pid -millisec -arguments -receive_time -queue_time\n"

PLAIN = "Subject: hi\n\nbody\n"

CASES = {
    "plain": dict(args=["-odq", "a@b.example", "c@d.example"], input=PLAIN),
    "plain_all_selectors": dict(args=["-odq", "a@b.example"], input=PLAIN, conf=ALL_SELECTORS),
    "sender_f": dict(args=["-odq", "-f", "s@x.example", "a@b.example"], input=PLAIN),
    "sender_f_empty": dict(args=["-odq", "-f", "<>", "a@b.example"], input=PLAIN),
    "sender_f_fullname": dict(args=["-odq", "-f", "s@x.example", "-F", "A, B", "a@b.example"], input=PLAIN),
    "report_E_no_from": dict(args=["-odq", "-E", "-f", "<>", "a@b.example"], input=PLAIN),
    "report_E_fullname": dict(args=["-odq", "-E", "-F", "Al Bee", "-f", "<>", "a@b.example"], input=PLAIN),
    "report_t_E": dict(args=["-odq", "-t", "-oem", "-oi", "-f", "", "-E1abcde-000001-xy"],
                       input="To: a@b.example\nSubject: hi\n\nbody\n"),
    "sender_f_unqualified": dict(args=["-odq", "-f", "someone", "a@b.example"], input=PLAIN),
    "fullname_F": dict(args=["-odq", "-F", "Alice Example", "a@b.example"], input=PLAIN),
    "fullname_phrase": dict(args=["-odq", "-F", "A, B", "a@b.example"], input=PLAIN),
    "fullname_quote": dict(args=["-odq", "-F", '  Al "x', "a@b.example"], input=PLAIN),
    "fullname_8bit": dict(args=["-odq", "-F", 'Jos\u00e9 "q"', "a@b.example"], input=PLAIN,
                          conf="headers_charset = UTF-8\n"),
    "unqualified_recipient": dict(args=["-odq", "alice"], input=PLAIN),
    "dot_ends": dict(args=["-odq", "a@b.example"], input="Subject: d\n\nline1\n.\nafter dot\n"),
    "dot_i": dict(args=["-odq", "-i", "a@b.example"], input="Subject: d\n\nline1\n.\nafter dot\n"),
    "dot_oi": dict(args=["-odq", "-oi", "a@b.example"], input="Subject: d\n\nline1\n.\nafter dot\n"),
    "dot_crlf": dict(args=["-odq", "a@b.example"], input="Subject: d\r\n\r\nline1\r\n.\r\nafter\r\n"),
    "crlf_lines": dict(args=["-odq", "-i", "a@b.example"], input="Subject: c\r\nX-A: 1\r\n\r\nb1\r\nb2\r\n"),
    "no_headers": dict(args=["-odq", "a@b.example"], input="just a body line\nsecond\n"),
    "no_blank_line": dict(args=["-odq", "a@b.example"], input="Subject: x\nX-Other: y\n"),
    "empty": dict(args=["-odq", "a@b.example"], input=""),
    "continuation": dict(args=["-odq", "a@b.example"],
                         input="Subject: one\n two\n\tthree\nX-Y: z\n\nbody\n"),
    "all_present": dict(args=["-odq", "a@b.example"],
                        input="From: root@test.example\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
                              "Message-ID: <x@y>\nTo: a@b.example\nSubject: s\n\nbody\n"),
    "removed_headers": dict(args=["-odq", "a@b.example"],
                            input="Return-path: <x@y>\nEnvelope-to: q@r\nDelivery-date: now\n"
                                  "Subject: s\n\nbody\n"),
    "keep_removed_headers": dict(args=["-odq", "a@b.example"],
                                 conf="return_path_remove = false\nenvelope_to_remove = false\n"
                                      "delivery_date_remove = false\n",
                                 input="Return-path: <x@y>\nEnvelope-to: q@r\nDelivery-date: now\n"
                                       "Subject: s\n\nbody\n"),
    "header_types": dict(args=["-odq", "a@b.example"],
                         input="To: a@b.example\nCc: c@d.example\nBcc: e@f.example\n"
                               "Reply-To: r@s.example\nSender: x@y.example\nFrom: f@g.example\n"
                               "Subject: types\n\nbody\n"),
    "resent": dict(args=["-odq", "a@b.example"],
                   input="Resent-To: z@y.example\nSubject: r\n\nbody\n"),
    "from_login": dict(args=["-odq", "a@b.example"], input="From: root\nSubject: s\n\nbody\n"),
    "t_extract": dict(args=["-odq", "-t"],
                      input="To: a@b.example, Name <c@d.example>\nCc: e@f.example\n"
                            "Bcc: g@h.example\nSubject: t\n\nbody\n"),
    "t_subtract": dict(args=["-odq", "-t", "c@d.example"],
                       input="To: a@b.example, c@d.example\nSubject: t\n\nbody\n"),
    "t_no_recipients": dict(args=["-odq", "-oep", "-t"], input="Subject: none\n\nbody\n"),
    "t_group": dict(args=["-odq", "-t"], input="To: Friends: a@b.example, c@d.example;\nSubject: g\n\nb\n"),
    "t_resent": dict(args=["-odq", "-t"],
                     input="To: a@b.example\nResent-To: r@s.example\nSubject: rt\n\nbody\n"),
    "no_recipients": dict(args=["-odq", "-bm"], input=PLAIN),
    "received_max": dict(args=["-odq", "a@b.example"], conf="received_headers_max = 2\n",
                         input="Received: one\nReceived: two\nReceived: three\nSubject: loop\n\nbody\n"),
    "message_id_options": dict(args=["-odq", "a@b.example"],
                               conf="message_id_header_domain = dom.example\n"
                                    "message_id_header_text = txt\n", input=PLAIN),
    "received_header_text": dict(args=["-odq", "a@b.example"],
                                 conf="received_header_text = X-Got: by $primary_hostname from $sender_address\n",
                                 input=PLAIN),
    "not_smtp_deny": dict(args=["-odq", "-oep", "a@b.example"], conf="acl_not_smtp = deny_it\n",
                          acl="deny_it:\n  deny message = go away\n", input=PLAIN),
    "not_smtp_deny_nomsg": dict(args=["-odq", "-oep", "a@b.example"], conf="acl_not_smtp = d\n",
                                acl="d:\n  deny\n", input=PLAIN),
    "not_smtp_defer_logmsg": dict(args=["-odq", "-oep", "a@b.example"], conf="acl_not_smtp = d\n",
                                  acl="d:\n  defer log_message = lm\n", input=PLAIN),
    "bad_recipient_list": dict(args=["-odq", "-oep", "good@example.com, a@b@c"], input=PLAIN),
    "local_named_queue": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp_start = s\n",
                              acl="s:\n  accept queue = bar\n", input=PLAIN),
    "local_named_queue_empty": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp_start = s\n",
                                    acl="s:\n  accept queue = ${if eq{1}{2}{x}}\n", input=PLAIN),
    # -oem with an empty sender: no report can go; exim4 logs what it would say
    "moan_nosender_bad_arg": dict(args=["-odq", "-oem", "-f", "<>", "a@b@c"], input=PLAIN),
    "moan_nosender_bad_t": dict(args=["-odq", "-oem", "-f", "<>", "-t", "-E1abcde-000001-xy"],
                                input="To: bad@@y\nSubject: hi\n\nbody\n"),
    "moan_nosender_norcpt": dict(args=["-odq", "-oem", "-f", "<>", "-t"], input=PLAIN),
    "moan_nosender_line": dict(args=["-odq", "-oem", "-f", "<>", "a@b.example"], conf="header_line_maxsize = 50\n",
                               input="X-Long: " + "y" * 80 + "\nSubject: hi\n\nbody\n"),
    "moan_nosender_header": dict(args=["-odq", "-oem", "-f", "<>", "a@b.example"], conf="header_maxsize = 50\n",
                                 input="X-Long: " + "y" * 80 + "\nSubject: hi\n\nbody\n"),
    "moan_nosender_too_big": dict(args=["-odq", "-oee", "-f", "<>", "a@b.example"], conf="message_size_limit = 100\n",
                                  input="Subject: big\n\n" + "z" * 200 + "\n"),
    "moan_nosender_acl": dict(args=["-odq", "-oem", "-f", "<>", "a@b.example"], conf="acl_not_smtp = d\n",
                              acl="d:\n  deny message = no thanks\n", input=PLAIN),
    # -oM values of a trusted caller for non-SMTP input
    "oM_host": dict(args=["-odq", "-oMa", "192.0.2.1.1234", "-oMs", "host.example", "-oMi", "192.0.2.2.25",
                          "-oMr", "myproto", "a@b.example"], input=PLAIN),
    "oM_address_only": dict(args=["-odq", "-oMa", "192.0.2.1", "a@b.example"], input=PLAIN),
    "oM_protocol": dict(args=["-odq", "-oMr", "myproto", "a@b.example"], input=PLAIN),
    "oM_empty_ident": dict(args=["-odq", "-oMa", "192.0.2.1.1234", "-oMs", "host.example", "-oMt", "",
                                 "a@b.example"], input=PLAIN),
    "oM_ident_t": dict(args=["-odq", "-oMa", "192.0.2.1.1234", "-oMt", "idt", "-t"],
                       input="To: a@b.example\nSubject: hi\n\nbody\n"),
    "oM_auth": dict(args=["-odq", "-oMa", "192.0.2.1.1234", "-oMs", "h.example", "-oMaa", "plainauth", "-oMai",
                          "someone", "-oMas", "x@y.example", "a@b.example"], input=PLAIN),
    "not_smtp_accept_addheader": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp = ok\n",
                                      acl="ok:\n  accept add_header = X-Added: $message_size\n", input=PLAIN),
    "not_smtp_start_deny": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp_start = no\n",
                                acl="no:\n  deny message = not now\n", input=PLAIN),
    "suppress_fixups_G": dict(args=["-odq", "-G", "a@b.example"], input=PLAIN),
    "unqualified_header_addresses": dict(args=["-odq", "a@b.example"],
                                         input="To: bob, Carol <carol>\nCc: dave@x.example\nSubject: q\n\nb\n"),
    "uucp_from_line": dict(args=["-odq", "a@b.example"],
                           input="From someone@else.example Fri Jan  5 12:35 GMT 1996\nSubject: u\n\nb\n"),
    "acl_variables": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp = setvars\n",
                          acl="setvars:\n  warn set acl_m_one = first\n  warn set acl_m2 = second\n"
                              "  accept set acl_c_x = conn\n", input=PLAIN),
    "acl_variables_order": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp = setvars\n",
                                acl="setvars:\n  warn set acl_m_a = 1\n  warn set acl_m_b = 2\n"
                                    "  warn set acl_m_c = 3\n  warn set acl_m_d = 4\n  accept\n", input=PLAIN),
    "not_smtp_discard": dict(args=["-odq", "-oep", "a@b.example"], conf="acl_not_smtp = dis\n",
                             acl="dis:\n  discard log_message = dropped it\n", input=PLAIN),
    "not_smtp_freeze": dict(args=["-odq", "a@b.example"], conf="acl_not_smtp = frz\n",
                            acl="frz:\n  accept control = freeze\n", input=PLAIN),
    "subject_encoded": dict(args=["-odq", "a@b.example"], conf=ALL_SELECTORS + "headers_charset = UTF-8\n",
                            input='Subject: =?utf-8?q?h=C3=A9llo?= "quoted" \\ back\n\nb\n'),
    "local_size_limit": dict(args=["-odq", "-oep", "a@b.example"], conf="message_size_limit = 100\n",
                             input="Subject: big\n\n" + "x" * 300 + "\n"),
    "local_header_maxsize": dict(args=["-odq", "-oep", "a@b.example"], conf="header_maxsize = 50\n",
                                 input="Subject: " + "h" * 80 + "\n\nb\n"),
    "t_bad_address": dict(args=["-odq", "-oep", "-t"],
                          input="To: good@x.example, bad@@y\nCc: worse@\nSubject: t\n\nb\n"),
    "t_one_bad_address": dict(args=["-odq", "-oep", "-t"], input="To: a@b, bad@@x\nSubject: x\n\nbody\n"),
    "nul_in_header": dict(args=["-odq", "a@b.example"], input="Subject: a\0b\nX: y\n\nbody\n"),
    "header_name_8bit": dict(args=["-odq", "a@b.example"],
                             input="Subject: s\nX\u00e9: v\nX\u007f: w\nX-After: 1\n\nbody\n"),
    "nul_in_body": dict(args=["-odq", "a@b.example"], input="Subject: z\n\na\0b\n"),
    "bad_recipient": dict(args=["-odq", "-oep", "a@b@c"], input=PLAIN),
    # message_size_limit in the header section: checked when a header is complete (read=)
    "local_size_limit_in_header": dict(args=["-odq", "-oep", "a@b.example"], conf="message_size_limit = 100\n",
                                       input="Subject: " + "h" * 200 + "\n\nb\n"),
    "local_size_limit_continued": dict(args=["-odq", "-oep", "a@b.example"], conf="message_size_limit = 100\n",
                                       input="X-A: " + "1" * 40 + "\nX-B: " + "2" * 40 + "\n " + "3" * 20
                                             + "\nX-C: 4\n\nb\n"),
    "local_size_limit_report_refused": dict(args=["-odq", "-oem", "a@b.example"], conf="message_size_limit = 100\n",
                                            input="Subject: big\n\n" + "z" * 300 + "\n"),
    # -oMa without a port: no ":0" / "port=0" even with incoming_port
    "oM_no_port_all": dict(args=["-odq", "-oMa", "192.0.2.9", "-oMs", "h.example", "-oMt", "ident", "a@b.example"],
                           input=PLAIN, conf=ALL_SELECTORS),
    "oM_no_port_noname_all": dict(args=["-odq", "-oMa", "192.0.2.9", "-oMt", "ident", "a@b.example"],
                                  input=PLAIN, conf=ALL_SELECTORS),
    # received_recipients: the addresses as written, before qualifying and rewriting
    "rr_as_given": dict(args=["-odq", "c", "X Y <d@e.example>", "q@r.example, s"], input=PLAIN,
                        conf="log_selector = +received_recipients\n",
                        rewrite="c@test.example x@y.example T\nq@r.example z@y.example T\n"),
    "rr_t_as_given": dict(args=["-odq", "-t"], conf="log_selector = +received_recipients\n",
                          input="To: bob, Carol <carol>, x@y.example\nCc: dave\nSubject: t\n\nbody\n"),
    # +arguments (cwd and argv, quoted and escaped) and +receive_time
    "args_and_rt": dict(args=["-odq", "-F", "", "-oMt", "a\tb", "-oMs", "h \u00e9", "-oMr", "x\"y\\z",
                              "-oMaa", "\x01\n", "a@b.example"], input=PLAIN,
                        conf="log_selector = +arguments +receive_time\n"),
    "args_and_rt_all": dict(args=["-odq", "a@b.example"], input=PLAIN,
                            conf="log_selector = +all -pid -queue_time\n"),
}


# ---- SMTP cases (-bs as root, -bh): the input is the client's side.
SMTP_ACL = "accept_rcpt:\n  accept\n"
SMTP_CONF = "acl_smtp_rcpt = accept_rcpt\n"


def smtp(*cmds, msg="Subject: smtp\r\n\r\nbody\r\n"):
    """EHLO, MAIL, RCPT..., DATA with msg, QUIT (extra commands first)."""
    lines = ["EHLO client.example"] + list(cmds) + ["DATA"]
    return "\r\n".join(lines) + "\r\n" + msg + ".\r\nQUIT\r\n"


MAILRCPT = ("MAIL FROM:<s@x.example>", "RCPT TO:<a@b.example>")
HOST = ["-oMa", "192.0.2.1.1234", "-oMi", "192.0.2.2.25"]
SMTP_ALL = "log_selector = +all -pid -millisec -arguments -receive_time -queue_time -smtp_connection " \
           "-smtp_no_mail -smtp_incomplete_transaction\n"

SMTP_CASES = {
    "smtp_local": dict(args=["-odq", "-bs"], input=smtp(*MAILRCPT)),
    "smtp_local_all": dict(args=["-odq", "-bs"], input=smtp(*MAILRCPT), conf=SMTP_ALL),
    "smtp_host": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT)),
    "smtp_host_name": dict(args=["-odq", "-bs", "-oMs", "host.example"] + HOST, input=smtp(*MAILRCPT)),
    "smtp_host_all": dict(args=["-odq", "-bs", "-oMs", "host.example", "-oMt", "idt"] + HOST,
                          input=smtp(*MAILRCPT, "RCPT TO:<c@d.example>"), conf=SMTP_ALL),
    "smtp_host_auth": dict(args=["-odq", "-bs", "-oMaa", "plainauth", "-oMai", "someone"] + HOST,
                           input=smtp("MAIL FROM:<s@x.example> AUTH=<>", "RCPT TO:<a@b.example>"),
                           conf=SMTP_ALL),
    "smtp_headers_kept": dict(args=["-odq", "-bs"] + HOST, input=smtp(
        *MAILRCPT, msg="Return-path: <r@p>\r\nTo: a@b.example\r\nBcc: x@y\r\nSubject: s\r\n\r\nb\r\n")),
    "smtp_dots": dict(args=["-odq", "-bs"] + HOST,
                      input=smtp(*MAILRCPT, msg="Subject: d\r\n\r\n..one\r\n...\r\n..two\r\n")),
    "smtp_no_headers": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT, msg="plain body\r\n")),
    "smtp_two_messages": dict(args=["-odq", "-bs"] + HOST,
                              input="EHLO c.example\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                    "DATA\r\nSubject: one\r\n\r\n1\r\n.\r\nMAIL FROM:<>\r\n"
                                    "RCPT TO:<b@b.example>\r\nDATA\r\nSubject: two\r\n\r\n2\r\n.\r\nQUIT\r\n"),
    "smtp_data_deny": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                           conf="acl_smtp_data = data_deny\n",
                           acl="data_deny:\n  deny message = no thanks $h_subject:\n"),
    "smtp_data_defer": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                            conf="acl_smtp_data = data_defer\n",
                            acl="data_defer:\n  defer message = later\n"),
    "smtp_data_vars": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT, msg="Subject: v\r\nX-A: 1\r\n\r\nl1\r\nl2\r\n"),
                           conf="acl_smtp_data = data_vars\n",
                           acl="data_vars:\n  accept add_header = X-Vars: size=$message_size "
                               "lines=$message_linecount body=$body_linecount subj=$h_subject: "
                               "rc=$recipients_count mb=$message_body id=$message_exim_id\n"),
    # per-message variables end with the message (the next MAIL and QUIT
    # see none of them; $max_received_linelength and $received_time stay)
    "smtp_vars_cleared": dict(args=["-odq", "-bs"] + HOST,
                              input="EHLO c.example\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                    "DATA\r\nSubject: one\r\n\r\n1\r\n.\r\nMAIL FROM:<>\r\n"
                                    "RCPT TO:<b@b.example>\r\nRSET\r\nQUIT\r\n",
                              conf="acl_smtp_mail = vm\nacl_smtp_quit = vq\nacl_smtp_data = vd\n",
                              acl="vm:\n  warn logwrite = MAIL id=<$message_exim_id> mid=<$message_id> "
                                  "rc=<$recipients_count> r=<$recipients> rf=<$received_for> h=<$h_subject:>\n"
                                  "  accept\nvd:\n  warn logwrite = DATA rf=<$received_for> rc=<$recipients_count>\n"
                                  "  accept\nvq:\n  warn logwrite = QUIT id=<$message_exim_id> "
                                  "rc=<$recipients_count> h=<$h_subject:>\n  accept\n"),
    "smtp_submission": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                            conf="acl_smtp_mail = sub\n", acl="sub:\n  accept control = submission\n"),
    "smtp_submission_domain": dict(args=["-odq", "-bs", "-oMaa", "plainauth", "-oMai", "user"] + HOST,
                                   input=smtp(*MAILRCPT, msg="From: other@x.example\r\nSubject: s\r\n\r\nb\r\n"),
                                   conf="acl_smtp_mail = sub\n",
                                   acl="sub:\n  accept control = submission/domain=sub.example/name=The User\n"),
    "smtp_data_discard": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                              conf="acl_smtp_data = dd\n", acl="dd:\n  discard log_message = gone\n"),
    "smtp_fakereject": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                            conf="acl_smtp_data = fr\n", acl="fr:\n  accept control = fakereject/kept it\n"),
    "smtp_fakedefer": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                           conf="acl_smtp_data = fd\n", acl="fd:\n  accept control = fakedefer\n"),
    "smtp_data_addheader_positions": dict(
        args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT, msg="Resent-To: x@y.example\r\nSubject: p\r\n\r\nb\r\n"),
        conf="acl_smtp_data = ah\n",
        acl="ah:\n  warn add_header = :at_start:X-Start: 1\n  warn add_header = :after_received:X-AR: 2\n"
            "  warn add_header = :at_start_rfc:X-RFC: 3\n  warn add_header = not a header\n"
            "  accept remove_header = Subject\n"),
    "smtp_prdr": dict(args=["-odq", "-bs"] + HOST,
                      input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>", "RCPT TO:<c@d.example>"),
                      conf="prdr_enable = true\nacl_smtp_data_prdr = pr\n",
                      acl="pr:\n  deny condition = ${if eq{$local_part}{c}}\n    message = not for c\n  accept\n"),
    "smtp_prdr_all_reject": dict(args=["-odq", "-bs"] + HOST,
                                 input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>"),
                                 conf="prdr_enable = true\nacl_smtp_data_prdr = pr\n",
                                 acl="pr:\n  deny message = nobody\n"),
    "smtp_named_queue": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT), conf=SMTP_ALL + "acl_smtp_mail = q\n",
                             acl="q:\n  accept queue = foo\n"),
    "smtp_named_queue_split": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                                   conf="acl_smtp_mail = q\nsplit_spool_directory = true\n",
                                   acl="q:\n  accept queue = ${if eq{$sender_address}{s@x.example}{sx}{}}\n"),
    "smtp_named_queue_slash": dict(args=["-odq", "-bs"] + HOST, conf="acl_smtp_mail = q\n",
                                   input="EHLO c.example\r\nMAIL FROM:<s@x.example>\r\nQUIT\r\n",
                                   acl="q:\n  accept queue = a/b\n"),
    "smtp_unknown_drop_ident": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT), conf="acl_smtp_mail = q\n",
                                    acl="q:\n  defer\n"),
    "smtp_synprot_drop_ident": dict(args=["-odq", "-bs"] + HOST,
                                    input="EHLO c\r\n" + "RCPT TO:<a@b.example>\r\n" * 4 + "QUIT\r\n"),
    "smtp_named_queue_dots": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT), conf="acl_smtp_mail = q\n",
                                  acl="q:\n  accept queue = ..x\n"),
    "smtp_named_queue_two": dict(args=["-odq", "-bs"] + HOST,
                                 input="EHLO c.example\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                       "DATA\r\nSubject: one\r\n\r\n1\r\n.\r\nMAIL FROM:<t@x.example>\r\n"
                                       "RCPT TO:<b@b.example>\r\nDATA\r\nSubject: two\r\n\r\n2\r\n.\r\nQUIT\r\n",
                                 conf="acl_smtp_mail = q\n",
                                 acl="q:\n  accept queue = ${if eq{$sender_address}{s@x.example}{sx}{}}\n"),
    # $sender_rcvhost: a line break only with the address, helo= and ident= all there
    "smtp_rcvhost_name_only": dict(args=["-odq", "-bs", "-oMs", "client.example", "-oMt", ""] + HOST,
                                   input=smtp(*MAILRCPT)),
    "smtp_rcvhost_name_helo": dict(args=["-odq", "-bs", "-oMs", "host.example", "-oMt", ""] + HOST,
                                   input=smtp(*MAILRCPT)),
    "smtp_freeze": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                        conf="acl_smtp_data = fz\n", acl="fz:\n  accept control = freeze\n"),
    "smtp_freeze_rcpt": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT),
                             conf="acl_smtp_mail = fz\n", acl="fz:\n  accept control = freeze\n"),
    "smtp_prdr_accept_all": dict(args=["-odq", "-bs"] + HOST,
                                 input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>",
                                            "RCPT TO:<c@d.example>"),
                                 conf="prdr_enable = true\n"),
    "smtp_prdr_deny_all": dict(args=["-odq", "-bs"] + HOST,
                               input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>",
                                          "RCPT TO:<c@d.example>"),
                               conf="prdr_enable = true\nacl_smtp_data_prdr = pr\n",
                               acl="pr:\n  deny message = nobody $local_part\n"),
    "smtp_prdr_defer_one": dict(args=["-odq", "-bs"] + HOST,
                                input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>",
                                           "RCPT TO:<c@d.example>"),
                                conf="prdr_enable = true\nacl_smtp_data_prdr = pr\nacl_smtp_data = dd\n",
                                acl="pr:\n  defer condition = ${if eq{$local_part}{a}}\n  accept\n"
                                    "dd:\n  accept add_header = X-Rc: $recipients_count\n"),
    "smtp_prdr_defer_all": dict(args=["-odq", "-bs"] + HOST,
                                input=smtp("MAIL FROM:<s@x.example> PRDR", "RCPT TO:<a@b.example>",
                                           "RCPT TO:<c@d.example>"),
                                conf="prdr_enable = true\nacl_smtp_data_prdr = pr\n",
                                acl="pr:\n  defer condition = ${if eq{$local_part}{a}}\n  deny\n"),
    "smtp_header_maxsize": dict(args=["-odq", "-bs"] + HOST,
                                input=smtp(*MAILRCPT, msg="Subject: " + "x" * 120 + "\r\n\r\nb\r\n"),
                                conf="header_maxsize = 100\n"),
    "smtp_header_line_maxsize": dict(args=["-odq", "-bs"] + HOST,
                                     input=smtp(*MAILRCPT, msg="Subject: " + "x" * 60 + "\r\n" + " y" * 40
                                                + "\r\n\r\nb\r\n"),
                                     conf="header_line_maxsize = 100\n"),
    "smtp_size_limit": dict(args=["-odq", "-bs"] + HOST, input=smtp(*MAILRCPT, msg="Subject: s\r\n\r\n" + "z" * 200 + "\r\n"),
                            conf="message_size_limit = 100\n"),
    "smtp_bh": dict(args=["-odq", "-bh", "192.0.2.1"], input=smtp(*MAILRCPT)),
    # +smtp_incomplete_transaction: RSET, QUIT, a lost connection; HELO/EHLO do not log it
    "smtp_incomplete": dict(args=["-odq", "-bs"] + HOST, conf="log_selector = +smtp_incomplete_transaction\n",
                            input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                  "RCPT TO:<b@b.example>\r\nRSET\r\nMAIL FROM:<s@x.example>\r\nRSET\r\n"
                                  "MAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nEHLO d\r\n"
                                  "MAIL FROM:<>\r\nRCPT TO:<a@b.example>\r\nMAIL FROM:<t@x.example>\r\n"
                                  "QUIT\r\n"),
    "smtp_incomplete_unknown": dict(args=["-odq", "-bs"] + HOST, conf="log_selector = +smtp_incomplete_transaction\n",
                                    input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                          + "FOO\r\n" * 4 + "QUIT\r\n"),
    "smtp_incomplete_nonmail": dict(args=["-odq", "-bs"] + HOST,
                                    conf="log_selector = +smtp_incomplete_transaction\nsmtp_accept_max_nonmail = 2\n",
                                    input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                          + "NOOP\r\n" * 4 + "QUIT\r\n"),
    # rejections name the host with its ident (-oMa on -bs: not the login); a
    # refused MAIL spares the "no MAIL" line; a HELO refused by helo_verify_hosts
    # stays the HELO name
    "smtp_reject_host_ident": dict(args=["-odq", "-bs"] + HOST,
                                   conf="log_selector = +all -pid -millisec -arguments\n"
                                        "helo_verify_hosts = 192.0.2.0/24\n",
                                   input="EHLO a_b\r\nEHLO ab\r\nMAIL FROM:<s@x.example>\r\nETRN x\r\nQUIT\r\n"),
    "smtp_ident_oMt": dict(args=["-odq", "-bs", "-oMs", "host.example", "-oMt", "idx"] + HOST,
                           conf="log_selector = +all -pid -millisec -arguments\n", input=smtp(*MAILRCPT)),
    "smtp_incomplete_lost": dict(args=["-odq", "-bs"] + HOST, conf="log_selector = +smtp_incomplete_transaction\n",
                                 input="EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b.example>\r\n"),
    "smtp_lost_after_header": dict(args=["-odq", "-bs"] + HOST,
                                   input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                         "DATA\r\nSubject: x\r\n y\r\n"),
    "smtp_lost_in_header": dict(args=["-odq", "-bs"] + HOST,
                                input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n"
                                      "DATA\r\nSubject: x"),
    # -oMa makes -bs input a remote host's: unqualified addresses refused
    "smtp_unqualified_oMa": dict(args=["-odq", "-bs"] + HOST,
                                 input="EHLO c\r\nMAIL FROM:<s>\r\nVRFY c\r\nMAIL FROM:<s@x.example>\r\n"
                                       "RCPT TO:<c>\r\nRCPT TO:<a@b.example>\r\nQUIT\r\n"),
    "smtp_unqualified_local": dict(args=["-odq", "-bs"], conf="log_selector = +received_recipients\n",
                                   input="EHLO c\r\nMAIL FROM:<s>\r\nRCPT TO:<c>\r\nDATA\r\nSubject: u\r\n"
                                         "\r\nb\r\n.\r\nQUIT\r\n"),
    "smtp_all_full": dict(args=["-odq", "-bs"] + HOST, conf="log_selector = +all -pid\n",
                          input=smtp(*MAILRCPT, "RCPT TO:<c@d.example>") .replace("QUIT", "MAIL FROM:<s@x.example>\r\n"
                                                                                "RCPT TO:<z@b.example>\r\nQUIT")),
    "smtp_local_all_full": dict(args=["-odq", "-bs"], conf="log_selector = +all -pid\n",
                                input=smtp(*MAILRCPT).replace("QUIT", "MAIL FROM:<s@x.example>\r\nQUIT")),
    # local input (-bs on a pipe, -bS): a bare LF ends lines, LF "." LF the data, as exim4
    "smtp_local_lf_lines": dict(args=["-odq", "-bs"],
                                input="EHLO c\nMAIL FROM:<s@x.example>\nRCPT TO:<a@b.example>\nDATA\n"
                                      "Subject: b\n\n..dot\n.x\nl\r\n.\nQUIT\n"),
    "bsmtp_lf_lines": dict(args=["-odq", "-bS"], conf="log_selector = +all -pid -millisec -receive_time\n",
                           input="MAIL FROM:<s@x.example>\nRCPT TO:<a@b.example>\nDATA\n"
                                 "Subject: b\n\n..dot\n.x\nl\r\n.\nQUIT\n"),
    # a batch's syntax errors are not logged (stderr only), even with smtp_syntax_error
    "bsmtp_error_all": dict(args=["-odq", "-bS"], conf="log_selector = +all -pid -millisec -receive_time\n",
                            input="MAIL FROM:<s@x.example>\nRCPT TO:<a@b.example>\nRCPT TO:<bad@@x>\nQUIT\n"),
    # local -bs without a host: "unexpected EOF" (a host's: "unexpected disconnection")
    "smtp_local_eof_all": dict(args=["-odq", "-bs"], conf="log_selector = +all -pid\n",
                               input="HELO c\r\nMAIL FROM:<>\r\n"),
    "smtp_local_eof_nomail_all": dict(args=["-odq", "-bs"], conf="log_selector = +all -pid\n", input="HELO c\r\n"),
    "smtp_bh_data_deny": dict(args=["-odq", "-bh", "192.0.2.1"], input=smtp(*MAILRCPT),
                              conf="acl_smtp_data = data_deny\n",
                              acl="data_deny:\n  deny message = no thanks\n"),
}
for _name, _case in SMTP_CASES.items():
    _case["conf"] = SMTP_CONF + _case.get("conf", "")
    _case["acl"] = SMTP_ACL + _case.get("acl", "")
# every recipient discarded by the MAIL or RCPT ACL: the message is still
# taken, no DATA ACL, "=> blackhole (X ACL discarded recipients)" (own ACLs)
_DISCARD_INPUT = smtp("MAIL FROM:<s@x.example>", "RCPT TO:<a@b.example>", "RCPT TO:<bad@b.example>")
SMTP_CASES["smtp_rcpt_discard_all"] = dict(
    args=["-odq", "-bs"] + HOST, input=_DISCARD_INPUT,
    conf="log_selector = +received_recipients\nacl_smtp_rcpt = r\nacl_smtp_data = d\n",
    acl="r:\n  discard log_message = gone\nd:\n  warn logwrite = DATA ACL rc=$recipients_count\n  accept\n")
SMTP_CASES["smtp_mail_discard"] = dict(
    args=["-odq", "-bs"] + HOST, input=_DISCARD_INPUT,
    conf="log_selector = +received_recipients\nacl_smtp_mail = m\nacl_smtp_rcpt = r\nacl_smtp_data = d\n",
    acl="m:\n  discard log_message = mgone\nr:\n  warn logwrite = RCPT ACL for $local_part\n"
        "  deny local_parts = bad\n  accept\nd:\n  warn logwrite = DATA ACL rc=$recipients_count\n  accept\n")
# -bh: the last message's id stays on the LOG: lines of the next transaction
SMTP_CASES["smtp_bh_id_after_mail"] = dict(
    args=["-odq", "-bh", "192.0.2.1.1234"], conf="log_selector = +smtp_incomplete_transaction\nacl_smtp_rcpt = r\n",
    acl="r:\n  deny local_parts = bad\n  accept\n",
    input="EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\nSubject: b\r\n\r\nbody\r\n"
          ".\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<bad@b.example>\r\nRCPT TO:<b@b.example>\r\nRSET\r\n"
          "QUIT\r\n")
ALL_CASES = {**CASES, **SMTP_CASES}


_ID = re.compile(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}(?![0-9A-Za-z])")
_TS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.M)
_RFCDATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                      r" \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
_EPOCH = re.compile(r"^\d{10}( \d+)$", re.M)
_USEC = re.compile(r"^(-received_time_usec) \.\d{6}$", re.M)
_COMPLETE = re.compile(r"^(-received_time_complete) \d{10}\.\d{6}$", re.M)
_FROZEN = re.compile(r"^(-frozen) \d{10}$", re.M)
_RT = re.compile(r" (RT|D)=(\d+\.\d{3}|\d+)s")
_MS = re.compile(r"^(<TS>)\.\d{3}", re.M)


def receive_normalise(text: str, casedir: str) -> str:
    text = text.replace(casedir, "@DIR@")
    text = _ID.sub("<ID>", text)
    text = _TS.sub("<TS>", text)
    text = _RFCDATE.sub("<DATE>", text)
    text = _EPOCH.sub(r"<TIME>\1", text)
    text = _USEC.sub(r"\1 <USEC>", text)
    text = _COMPLETE.sub(r"\1 <TIME>.<USEC>", text)
    text = _FROZEN.sub(r"\1 <TIME>", text)
    text = _RT.sub(lambda m: f" {m.group(1)}=" + ("<N.NNN>" if "." in m.group(2) else "<N>") + "s", text)
    text = _MS.sub(r"\1.<MS>", text)
    return text


def case_conf(case: dict, casedir: str) -> str:
    text = BASE + case.get("conf", "")
    if "acl" in case:
        text += "\nbegin acl\n" + case["acl"]
    if "rewrite" in case:
        text += "\nbegin rewrite\n" + case["rewrite"]
    return text.replace("@DIR@", casedir)


def run_case(binary: str, name: str, casedir: str) -> str:
    """Run one case with binary in casedir (made fresh, world-writable so an
    untrusted user can write its spool) and return the normalised record."""
    import os
    import subprocess
    from pathlib import Path
    case = ALL_CASES[name]
    d = Path(casedir)
    d.mkdir(parents=True, exist_ok=True)
    for parent in (d.parent, d):
        os.chmod(parent, 0o755)
    spool = d / "spool"
    spool.mkdir(exist_ok=True)
    (spool / "log").mkdir(exist_ok=True)
    os.chmod(spool, 0o777)
    os.chmod(spool / "log", 0o777)
    conf = d / "exim.conf"
    conf.write_text(case_conf(case, casedir))
    os.chmod(conf, 0o644)
    cmd = [binary, "-C", str(conf)] + case["args"]
    if case.get("user"):
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    p = subprocess.run(cmd, input=case["input"].encode(), capture_output=True, timeout=30,
                       cwd=str(d), env={"PATH": "/usr/bin:/bin", "TZ": "UTC"})
    out = [f"== rc\n{p.returncode}\n", "== stdout\n" + p.stdout.decode(errors="replace"),
           "== stderr\n" + p.stderr.decode(errors="replace")]
    for log in ("mainlog", "rejectlog", "paniclog"):
        f = spool / "log" / log
        if f.exists():
            out.append(f"== {log}\n" + f.read_text(errors="replace"))
    indir = spool / "input"
    if indir.exists():
        for f in sorted(indir.iterdir()):
            suffix = f.name[-2:]
            out.append(f"== {suffix}\n" + f.read_text(errors="replace"))
    # named queues (queue = NAME): <spool>/NAME/input[/<split>]/ and msglog/
    for q in sorted(p for p in spool.iterdir() if p.is_dir() and p.name not in ("input", "msglog", "log", "db")):
        for f in sorted(x for x in q.rglob("*") if x.is_file()):
            parts = f.relative_to(q).parts
            where = "/".join(parts[:-1][:1] + (("<split>",) if len(parts) > 2 else ()))
            out.append(f"== {q.name}/{where} {f.name[-2:] if parts[0] == 'input' else 'msglog'}\n"
                       + (f.read_text(errors="replace") if parts[0] == "input" else ""))
    text = "".join(s if s.endswith("\n") else s + "\n" for s in out).replace(" args: " + binary + " ", " args: <EXIM> ")
    return receive_normalise(text, casedir)
