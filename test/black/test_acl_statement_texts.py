"""Which texts a rejection carries when earlier statements of the ACL failed
(recorded from exim4 -bh with this configuration, 2026-12-03):
  - a failed "accept verify = recipient" hands nothing to a later deny,
    whether that deny has a message (logged as such) or not (no text, the
    default "Administrative prohibition");
  - a failed sender verification puts "Verification failed for <x>" and the
    reason in front of the statement's message= text."""
import re

CONF = """primary_hostname = test.example
qualify_domain = localhost
domainlist local_domains = localhost
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
acl_smtp_rcpt = rcpt
begin acl
rcpt:
  accept  domains = +local_domains
          verify = recipient
  {final}
begin routers
known:
  driver = accept
  domains = +local_domains
  local_parts = known
  transport = t
begin transports
t:
  driver = appendfile
  file = /dev/null
"""

CASES = [
    ("deny message = relay not permitted", "a@localhost",
     ["LOG: H=(x) [127.0.0.1] F=<a@localhost> rejected RCPT <nosuch@localhost>: relay not permitted",
      "550 relay not permitted"]),
    ("deny", "a@localhost",
     ["LOG: H=(x) [127.0.0.1] F=<a@localhost> rejected RCPT <nosuch@localhost>",
      "550 Administrative prohibition"]),
    ("require message = m2\n          verify = sender", "a@nosuch.localhost",
     ["LOG: H=(x) [127.0.0.1] sender verify fail for <a@nosuch.localhost>: Unrouteable address",
      "LOG: H=(x) [127.0.0.1] F=<a@nosuch.localhost> rejected RCPT <nosuch@localhost>: Sender verify failed",
      "550-Verification failed for <a@nosuch.localhost>", "550-Unrouteable address", "550 m2"]),
]


def test_texts_of_earlier_statements(exim, tmp_path):
    for final, sender, want in CASES:
        conf = CONF.format(tmp=tmp_path, final=final)
        r = exim(["-bh", "127.0.0.1"], conf=conf,
                 input=f"HELO x\nMAIL FROM:<{sender}>\nRCPT TO:<nosuch@localhost>\nQUIT\n")
        logs = [l for l in r.err.splitlines() if l.startswith("LOG:")]
        replies = [l for l in r.out.splitlines() if re.match(r"5\d\d", l)]
        assert logs + replies == want, final


VERIFY_MESSAGE_CONF = """primary_hostname = test.example
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
acl_smtp_rcpt = r
domainlist local_domains = test.example
begin acl
r:
  warn !verify = sender
       logwrite = A <$acl_verify_message>
  warn logwrite = B <$acl_verify_message>
  warn !verify = sender
       logwrite = M <$acl_verify_message>
  warn logwrite = C <$acl_verify_message>
  accept
begin routers
r1:
  driver = redirect
  domains = nowhere
  data = x
"""


def test_acl_verify_message_is_the_statements_own(exim, tmp_path):
    """$acl_verify_message is empty again in the statement after the one
    whose verification set it; a repeated (cached) verification sets it
    again (recorded from exim4 -bh, 2026-12-03)."""
    r = exim(["-bh", "192.0.2.1"], conf=VERIFY_MESSAGE_CONF.format(tmp=tmp_path),
             input="helo x\nmail from:<nobody@test.example>\nrcpt to:<a@test.example>\nquit\n")
    logs = [l for l in r.err.splitlines() if l.startswith("LOG:")]
    assert logs == ["LOG: A <Sender verify failed>", "LOG: B <>",
                    "LOG: M <Sender verify failed>", "LOG: C <>"]
