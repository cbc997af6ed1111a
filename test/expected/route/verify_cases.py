"""-bh sessions for verify = recipient / sender / header_sender and VRFY /
EXPN through routing: (name, config, SMTP input).  @DIR@ in a config is the
case's directory (log/ and spool/ are made there).  Shared by
record_verify.py (runs exim4) and test/black/test_route_verify.py."""

CONF_RCPT = 'primary_hostname = test.example\nlog_file_path = @DIR@/log/%slog\nspool_directory = @DIR@/spool\ndomainlist local_domains = test.example\nacl_smtp_rcpt = r\nacl_smtp_mail = m\nacl_smtp_vrfy = v\nacl_smtp_expn = e\nbegin acl\nm:\n  warn    !verify = sender\n          set acl_m_sv = [$sender_verify_failure] [$acl_verify_message]\n  accept\nr:\n  deny    local_parts = sv\n          !verify = sender\n  deny    local_parts = svn\n          !verify = sender/no_details\n  accept  local_parts = de\n          verify = recipient/defer_ok\n  deny    local_parts = rv\n          !verify = recipient\n          message = rv: [$recipient_verify_failure] [$acl_verify_message] [$acl_m_sv]\n  deny    local_parts = other\n          !verify = sender=other@nowhere.example\n  deny    local_parts = hs\n          !verify = header_sender\n  deny    local_parts = cb\n          !verify = recipient/callout=10s\n  warn    local_parts = nd\n          !verify = recipient/no_details\n          set acl_m_x = [$recipient_verify_failure] [$acl_verify_message]\n  deny    local_parts = nd\n          message = nd $acl_m_x\n  require verify = recipient\n  accept\nv:\n  accept\ne:\n  accept\nbegin routers\ndefer:\n  driver = manualroute\n  domains = defer.example\n  route_list = * no-such.invalid byname\n  transport = remote\nlocaluser:\n  driver = accept\n  check_local_user\n  domains = +local_domains\n  transport = local\nbegin transports\nremote:\n  driver = smtp\nlocal:\n  driver = appendfile\n  file = /dev/null\n'

CONF_DATA = 'primary_hostname = test.example\nlog_file_path = @DIR@/log/%slog\nspool_directory = @DIR@/spool\ndomainlist local_domains = test.example\nacl_smtp_data = d\nacl_smtp_rcpt = accept\nbegin acl\nd:\n  warn    !verify = header_sender\n          set acl_m_x = [$acl_verify_message]\n  deny    condition = ${if eq{$h_subject:}{hs}}\n          !verify = header_sender\n          message = hs [$acl_m_x]\n  deny    condition = ${if eq{$h_subject:}{hs2}}\n          !verify = header_sender\n  accept\nbegin routers\nlocaluser:\n  driver = accept\n  check_local_user\n  domains = +local_domains\n  transport = local\nbegin transports\nlocal:\n  driver = appendfile\n  file = /dev/null\n'

def crlf(s):
    return s.replace("\n", "\r\n")

# Exim's default configuration (its RCPT ACL verifies senders and
# recipients); the aliases file is under @DIR@.
def default_conf():
    from record import default_conf as d
    return d().replace("primary_hostname = test.example\n",
                       "primary_hostname = test.example\nspool_directory = @DIR@/spool\n"
                       "log_file_path = @DIR@/log/%slog\n")

# Redirection during verification: success_on_redirect, one child / several.
CONF_REDIR = """primary_hostname = test.example
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
domainlist local_domains = test.example
acl_smtp_mail = m
acl_smtp_rcpt = r
begin acl
m:
  deny    !verify = sender
  accept
r:
  accept  local_parts = single
          verify = recipient/success_on_redirect
  require verify = recipient
  accept
begin routers
aliases:
  driver = redirect
  domains = +local_domains
  allow_fail
  data = ${lookup{$local_part}lsearch{@DIR@/aliases}}
localuser:
  driver = accept
  check_local_user
  domains = +local_domains
  transport = local
begin transports
local:
  driver = appendfile
  file = /dev/null
"""

CASES = [
    ("rcpt_sender", CONF_RCPT, 'helo x\nmail from:<bad@test.example>\nrcpt to:<root@test.example>\nrcpt to:<bad@test.example>\nrcpt to:<x@defer.example>\nrcpt to:<sv@test.example>\nrcpt to:<svn@test.example>\nrcpt to:<rv@test.example>\nrcpt to:<de@defer.example>\nrcpt to:<other@test.example>\nrset\nmail from:<u@defer.example>\nrcpt to:<sv@test.example>\nrcpt to:<rv@test.example>\nvrfy root@test.example\nvrfy bad@test.example\nvrfy x@defer.example\nvrfy root\nexpn root@test.example\nexpn bad@test.example\nquit\n'),
    ("defer", CONF_RCPT, 'helo x\nmail from:<u@defer.example>\nrcpt to:<x@defer.example>\nrcpt to:<de@defer.example>\nrcpt to:<sv@test.example>\nrcpt to:<svn@test.example>\nrcpt to:<rv@defer.example>\nrcpt to:<hs@test.example>\nrcpt to:<nd@test.example>\nrcpt to:<cb@test.example>\nvrfy x@defer.example\nexpn x@defer.example\nquit\n'),
    ("header_sender", CONF_DATA, crlf('helo x\nmail from:<root@test.example>\nrcpt to:<root@test.example>\ndata\nFrom: bad@test.example\nSubject: hs\n\nbody\n.\nmail from:<root@test.example>\nrcpt to:<root@test.example>\ndata\nFrom: bad@test.example, root@test.example\nSubject: hs\n\nbody\n.\nmail from:<root@test.example>\nrcpt to:<root@test.example>\ndata\nFrom: x <bad@test.example>\nReply-To: y@test.example\nSubject: hs2\n\nbody\n.\nquit\n')),
    ("same_sender_next_message", CONF_RCPT, crlf(
        "helo x\nmail from:<bad@test.example>\nrcpt to:<sv@test.example>\nrset\n"
        "mail from:<bad@test.example>\nrcpt to:<sv@test.example>\nquit\n")),
    ("redirect", CONF_REDIR, crlf(
        "helo x\nmail from:<bad@test.example>\nmail from:<multi@test.example>\n"
        "rcpt to:<single@test.example>\nrcpt to:<multibad@test.example>\n"
        "rcpt to:<fail@test.example>\nrcpt to:<chain@test.example>\nrcpt to:<bh@test.example>\n"
        "quit\n")),
    ("default_config", default_conf(), crlf(
        "helo x\nmail from:<root@test.example>\nrcpt to:<root@test.example>\n"
        "rcpt to:<nosuchuser@test.example>\nrcpt to:<postmaster@test.example>\n"
        "rcpt to:<x@example.org>\nrcpt to:<a!b@test.example>\nrset\n"
        "mail from:<nosuch@test.example>\nrcpt to:<root@test.example>\nquit\n")),
]
