"""-bh cases for the ACL engine: (name, configuration, SMTP input, host).
Shared by record_bh.py (runs exim4) and test/black/test_acl_bh.py.
@DIR@ in a configuration is the case's directory; FILES[name] lists files
to create there first."""

BASE = "primary_hostname = test.example\nlog_file_path = @LOG@/%slog\nspool_directory = @SPOOL@\n"

SESSION = "helo x.example\nmail from:<s@sender.example>\nrcpt to:<a@local.example>\nrcpt to:<b@other.example>\nrcpt to:<c@local.example>\nquit\n"

CASES = [
    ("verbs", """acl_smtp_rcpt = r
begin acl
r:
  warn    log_message = warned $local_part
  deny    local_parts = b
          message = 550 5.7.1 no b here
          log_message = b refused
  defer   local_parts = c
          message = try $local_part later
  require domains = local.example
          message = require failed
  accept  message = 250 2.1.5 fine $local_part
""", SESSION, "10.0.0.1"),
    ("drop", """acl_smtp_rcpt = r
begin acl
r:
  drop    local_parts = b
          message = go away
  accept
""", SESSION, "10.0.0.1"),
    ("discard", """acl_smtp_rcpt = r
begin acl
r:
  discard local_parts = a
          log_message = discarded $local_part
  accept
""", SESSION, "10.0.0.1"),
    ("conditions", """acl_smtp_rcpt = r
acl_smtp_mail = m
begin acl
m:
  deny    senders = x@y
  accept  sender_domains = sender.example
          set acl_m_ok = mail ok
r:
  accept  hosts = 10.0.0.0/8 : 192.168.0.1
          domains = other.example
          message = other $acl_m_ok
  accept  recipients = c@local.example
          condition = ${if eq{$acl_m_ok}{mail ok}}
          message = c by recipients
  deny    !authenticated = *
          message = not authenticated
""", SESSION, "10.0.0.1"),
    ("nesting", """acl_smtp_rcpt = r
begin acl
inner:
  deny    condition = ${if eq{$acl_arg1}{b}}
          message = inner says no to $acl_arg1 of $acl_narg
  accept
r:
  require acl = inner $local_part two
  accept  acl = accept hosts = 10.0.0.1
          message = nested ok
""", SESSION, "10.0.0.1"),
    ("logwrite", """acl_smtp_rcpt = r
begin acl
r:
  warn    logwrite = :main,reject: both $local_part
  warn    logwrite = :reject: only reject
  warn    logwrite = plain
  accept  log_reject_target = reject
          local_parts = a
  deny    log_reject_target =
          local_parts = b
  deny
""", SESSION, "10.0.0.1"),
    ("where_errors", """acl_smtp_mail = m
acl_smtp_rcpt = r
begin acl
m:
  accept  domains = x
r:
  accept
""", SESSION, "10.0.0.1"),
    ("connect_deny", """acl_smtp_connect = c
begin acl
c:
  deny    hosts = 10.0.0.2
          message = not you
  accept
""", SESSION, "10.0.0.2"),
    ("connect_discard", """acl_smtp_connect = c
begin acl
c:
  discard
""", SESSION, "10.0.0.1"),
    ("undefined", """acl_smtp_rcpt = r
begin acl
r:
  accept  acl = nosuchacl
""", SESSION, "10.0.0.1"),
    ("controls", """acl_smtp_connect = c
acl_smtp_rcpt = r
begin acl
c:
  accept  control = no_multiline_responses
r:
  deny    local_parts = a
          message = line one\\nline two
  deny    local_parts = b
          control = freeze
          message = frozen
  deny    control = submission/sender_retain/domain=x.example
          control = nosuch
""", SESSION, "10.0.0.1"),
    ("control_where", """acl_smtp_connect = c
acl_smtp_helo = h
begin acl
c:
  accept  control = allow_auth_unadvertised
h:
  accept  control = caseful_local_part
""", SESSION, "10.0.0.1"),
    ("endpass", """acl_smtp_rcpt = r
begin acl
r:
  accept  domains = local.example
          endpass
          local_parts = a
          message = endpass rejects $local_part
  deny    message = end
""", SESSION, "10.0.0.1"),
    ("ratelimit", """acl_smtp_rcpt = r
begin acl
r:
  warn    ratelimit = 1 / 1h / per_rcpt / strict
          log_message = rate $sender_rate/$sender_rate_period limit $sender_rate_limit
  warn    ratelimit = 0 / 1h / per_conn
          log_message = conn rate $sender_rate
  accept
""", SESSION, "10.0.0.1"),
    ("delay", """acl_smtp_rcpt = r
begin acl
r:
  accept  delay = 2s
""", "helo x\nmail from:<>\nrcpt to:<a@b.example>\nquit\n", "10.0.0.1"),
    ("verify_helo", """acl_smtp_rcpt = r
begin acl
r:
  deny    !verify = helo
          message = helo not verified
  accept
""", "helo [10.0.0.1]\nmail from:<>\nrcpt to:<a@b.example>\nhelo other.invalid\nmail from:<>\nrcpt to:<a@b.example>\nquit\n", "10.0.0.1"),
    ("condition_invalid", """acl_smtp_rcpt = r
begin acl
r:
  accept  condition = maybe
""", SESSION, "10.0.0.1"),
    ("set_vars", """acl_smtp_rcpt = r
acl_smtp_mail = m
begin acl
m:
  accept  set acl_c_n = ${eval:0$acl_c_n+1}
r:
  accept  message = c=$acl_c_n m=$acl_m_x
          set acl_m_x = $local_part
""", "helo x\nmail from:<>\nrcpt to:<a@b.example>\nrcpt to:<b@b.example>\nrset\nmail from:<>\nrcpt to:<c@b.example>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("data_vars", """acl_smtp_rcpt = r
acl_smtp_mail = m
begin acl
m:
  accept  senders = lsearch;@DIR@/senders
          hosts = net24-lsearch;@DIR@/hosts
          set acl_m_h = $host_data/$sender_data
r:
  accept  domains = lsearch;@DIR@/domains
          local_parts = lsearch;@DIR@/locals
          message = $domain_data/$local_part_data/$acl_m_h
  accept  recipients = lsearch;@DIR@/rcpts
          message = rcpt $recipient_data
""", SESSION, "10.0.0.1"),
]

FILES = {
    "data_vars": {
        "domains": "local.example: domdata\n",
        "locals": "a: lpdata\n",
        "senders": "s@sender.example: senddata\n",
        "hosts": "10.0.0.0/24: hostdata\n",
        "rcpts": "c@local.example: rcptdata\n",
    },
}


def prepare(d, name, conf):
    """Write the case's files into d and return the configuration text."""
    import os
    for fn, text in FILES.get(name, {}).items():
        with open(os.path.join(d, fn), "w") as f:
            f.write(text)
    return conf.replace("@DIR@", d)

CASES += [
    ("warn_defer", """acl_smtp_rcpt = r
begin acl
r:
  warn    condition = maybe
          log_message = never
  warn    acl = dd
  accept
dd:
  defer   message = nested defer
""", "helo x\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("arg_errors", 'acl_smtp_mail = m\nbegin acl\nm:\n  accept  senders = s0@x\n          ratelimit = 1/1h/per_rcpt/strict\n  accept  senders = s1@x\n          ratelimit = 1/xx\n  accept  senders = s2@x\n          ratelimit = 1/1h/per_mail/per_rcpt\n  accept  senders = s3@x\n          ratelimit = 1/1h/leaky/strict\n  accept  senders = s4@x\n          ratelimit = 1/1h/count=x\n  accept  senders = s5@x\n          ratelimit = x/1h\n  accept  senders = s6@x\n          ratelimit = 1\n  accept  senders = s7@x\n          seen = x\n  accept  senders = s8@x\n          seen = 1h/foo\n  accept  senders = s9@x\n          seen = 1h/refresh=x\n  accept  senders = s10@x\n          seen = ${if eq{1}{1}{}}\n', 'helo x\nmail from:<s0@x>\nmail from:<s1@x>\nmail from:<s2@x>\nmail from:<s3@x>\nmail from:<s4@x>\nmail from:<s5@x>\nmail from:<s6@x>\nmail from:<s7@x>\nmail from:<s8@x>\nmail from:<s9@x>\nmail from:<s10@x>\nquit\n', "10.0.0.1"),
]

CASES += [
    ("file_acl", """acl_smtp_rcpt = @DIR@/f.acl
acl_smtp_mail = m
begin acl
m:
  accept  acl = @DIR@/f.acl
""", "helo x\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
    ("too_deep", """acl_smtp_rcpt = r
begin acl
r:
  accept  acl = loop
loop:
  accept  acl = loop
""", "helo x\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]
FILES["file_acl"] = {"f.acl": "# comment\n\nwarn logwrite = in file\n\naccept hosts = 10.0.0.1\n  message = file ok\n"}

CASES += [
    ("authenticated", open(__file__.replace("bh_cases.py", "authenticated.conf")).read(),
     "ehlo x\nauth PLAIN AHVzZXIAc2VjcmV0\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("ratelimit_unique", """acl_smtp_rcpt = r
begin acl
r:
  warn ratelimit = 10 / 1h / per_addr / strict
       logwrite = addr $sender_rate
  warn ratelimit = 10 / 1h / per_mail / unique=$local_part / strict
       logwrite = uniq $sender_rate
  warn ratelimit = 1 / 1h / per_rcpt / readonly / $local_part
       logwrite = readonly $sender_rate
  accept
""", "helo x\nmail from:<>\nrcpt to:<a@b>\nrcpt to:<a@b>\nrcpt to:<c@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("seen", """acl_smtp_rcpt = r
begin acl
r:
  warn seen = 1h / key=$local_part
       logwrite = seen $local_part
  warn seen = -1h / key=b$local_part / readonly
  warn seen = -0s / key=c$local_part / write
       logwrite = seen before now
  accept
""", "helo x\nmail from:<>\nrcpt to:<a@b>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("modifiers_controls", 'acl_smtp_connect = c\nacl_smtp_helo = h\nacl_smtp_mail = m\nacl_smtp_rcpt = r\nacl_smtp_predata = p\nbegin acl\nc:\n  accept control = no_pipelining\n         control = enforce_sync\n         set acl_c_x = $sender_host_address\nh:\n  accept control = allow_auth_unadvertised\n         condition = ${if eq{$sender_helo_name}{x}}\nm:\n  warn   control = submission/sender_retain\n  warn   control = freeze/no_tell\n         log_message = frozen\n  accept control = queue/first_pass_route\n         control = fakereject/go away\n         continue = ${if eq{1}{1}{}}\nr:\n  warn   add_header = X-R: $local_part\n  warn   remove_header = x-y\n  warn   control = caseful_local_part\n  warn   !senders = a@b\n         logwrite = :reject: sender check\n  accept log_reject_target = main\n         queue = myq\n         control = cutthrough_delivery\np:\n  deny   condition = $acl_c_x\n         log_reject_target = main:reject:panic\n         message = predata deny\n', "helo x\nmail from:<s@x>\nrcpt to:<a@b>\ndata\nquit\n", "10.0.0.1"),
]

CASES += [
    ("tainted", """acl_smtp_rcpt = ${if eq{$local_part}{x}{accept}{${if eq{$local_part}{y}{r}{$local_part}}}}
begin acl
acc:
  accept
r:
  accept acl = $local_part
""", "helo x\nmail from:<>\nrcpt to:<acc@b>\nrcpt to:<x@b>\nrcpt to:<y@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("verify_where", """acl_smtp_mail = m
acl_smtp_rcpt = r
begin acl
m:
  warn    verify = header_names_ascii
  accept
r:
  warn    verify = certificate
          logwrite = has a certificate
  warn    verify = not_blind
  accept
""", "helo x\nmail from:<>\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("list_case", 'acl_smtp_mail = m\nacl_smtp_rcpt = r\nbegin acl\nm:\n  warn   senders = :\n         logwrite = null sender\n  warn   sender_domains = x.example\n         logwrite = sender domain $sender_data\n  warn   senders = *@X.EXAMPLE\n         logwrite = caseless domain\n  warn   senders = A@x.example\n         logwrite = caseful local part match\n  accept\nr:\n  warn   local_parts = A\n         logwrite = lp caseless?\n  warn   domains = B.EXAMPLE\n         logwrite = domain caseless\n  warn   recipients = a@B.example\n         logwrite = rcpt match\n  accept hosts = !10.0.0.2\n', "helo x\nmail from:<>\nrcpt to:<a@b.example>\nrset\nmail from:<a@x.example>\nrcpt to:<A@b.example>\nquit\n", "10.0.0.1"),
    ("list_data", 'acl_smtp_mail = m\nacl_smtp_rcpt = r\nbegin acl\nm:\n  warn   senders = a@x.example\n         logwrite = sender_data [$sender_data]\n  accept\nr:\n  warn   domains = B.EXAMPLE\n         local_parts = a\n         hosts = 10.0.0.0/8\n         logwrite = data [$domain_data] [$local_part_data] [$host_data]\n  warn   recipients = a@b.example\n         logwrite = rcpt [$recipient_data]\n  accept\n', "helo x\nmail from:<a@x.example>\nrcpt to:<A@b.example>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("local_part_case", 'acl_smtp_rcpt = r\nbegin acl\nr:\n  warn logwrite = lp=$local_part dom=$domain\n  warn control = caseful_local_part\n       logwrite = caseful lp=$local_part\n  warn control = caselower_local_part\n       logwrite = lower lp=$local_part\n  accept\n', "helo x\nmail from:<>\nrcpt to:<AbC@B.Example>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("logwrite_names", 'acl_smtp_rcpt = r\nbegin acl\nr:\n  warn logwrite = :panic: to panic\n  warn logwrite = :reject,main: both\n  warn logwrite = :nolog: what\n  warn logwrite = :odd\n  warn logwrite = :main:\n  accept\n', "helo x\nmail from:<>\nrcpt to:<a@b>\nquit\n", "10.0.0.1"),
]

CASES += [
    ("verify_sender_null", """acl_smtp_mail = m
begin acl
m:
  require verify = sender
          logwrite = bounce sender passes
  accept
""", "helo x\nmail from:<>\nquit\n", "10.0.0.1"),
    ("verify_recipient_where", """acl_smtp_connect = c
begin acl
c:
  warn    verify = recipient
  accept
""", "helo x\nquit\n", "10.0.0.1"),
]

# verify = recipient: a redirection's ":defer:"/":fail:" text with an SMTP
# code is the reply (a code of the wrong class replaced, its extended code
# dropped) and the log line shows it so.
CASES += [
    ("verify_recipient_codes", """acl_smtp_rcpt = r
begin acl
r:
  require verify = recipient
  accept
begin routers
r1:
  driver = redirect
  allow_fail
  allow_defer
  data = ${if eq{$local_part}{d1}{:defer: 452 4.2.2 Mailbox full}{${if eq{$local_part}{d2}{:defer: try later}\\
         {${if eq{$local_part}{d3}{:defer: 552 5.2.2 bad code}{${if eq{$local_part}{f1}{:fail: 550 5.1.1 No such}\\
         {:fail: 450 4.1.1 temp-ish}}}}}}}}
""", "helo x\nmail from:<s@sender.example>\nrcpt to:<d1@test.example>\nrcpt to:<d2@test.example>\n"
     "rcpt to:<d3@test.example>\nrcpt to:<f1@test.example>\nrcpt to:<f2@test.example>\nquit\n", "10.0.0.1"),
]
