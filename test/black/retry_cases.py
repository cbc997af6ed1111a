"""Cases for -brt and retry-rule syntax errors (spec chapter 32), shared by
record_retry.py (runs exim4, writes test/expected/retry/brt.json) and
test_retry_brt.py (runs ours against the recording).

RULES: named configurations' retry sections.  BRT: (rules name, -f sender or
None, -brt arguments).  BAD: single rule lines that each make a whole
configuration (tested with -brt x.y) plus its arguments.
"""

RULES = {
    "spec": r"""
alice@wonderland.fict.example quota_5d  F,7d,3h
wonderland.fict.example       quota_5d
wonderland.fict.example       *         F,1h,15m; G,2d,1h,2;
lookingglass.fict.example     *         F,24h,30m;
a.domain  rcpt_452  senders="xb.dom : yc.dom"  G,8h,10m,1.5
b.domain  rcpt_4xx  senders=:   F,1h,30m
c.domain  mail_45x  F,1h,30m
^\N[^@]+@xyz\d+\.abc\.example$\N  *  H,1h,10m,2
*                 refused_A   F,2h,20m;
*                 timeout_connect_MX   F,2h,20m;
*                 *           F,2h,15m; G,16h,1h,1.5; F,5d,8h
""",
    "errors": r"""
a.domain  rcpt_452  senders="xb.dom : yc.dom"  G,8h,10m,1.5
b.domain  rcpt_4xx  senders=:   F,1h,30m
c.domain  mail_45x  F,1h,30m
d.domain  data_4xx  F,1h,30m
e.domain  auth_failed  F,1h,30m
f.domain  lost_connection F,1h,30m
g.domain  lookup F,1h,30m
h.domain  refused_MX F,1h,30m
h.domain  refused F,2h,30m
i.domain  timeout_connect F,1h,30m
i.domain  timeout_A F,2h,30m
i.domain  timeout_MX F,3h,30m
i.domain  timeout F,4h,30m
j.domain  tls_required G,1h,10m,1.25
k.domain  quota G,90s,61m,3; H,8d,1d,2; F,100d,1m
k.domain  quota_2h F,1h,1h
*@l.domain  * F,1h,30m
!m.domain  * F,2h,30m
m.domain  * F,3h,30m
""",
}

_SPEC_ARGS = [
    "alice@wonderland.fict.example", "wonderland.fict.example",
    "bob@wonderland.fict.example quota_5d", "alice@wonderland.fict.example quota_6d",
    "alice@wonderland.fict.example quota_7d", "alice@wonderland.fict.example quota",
    "x.y", "x.y refused_A", "x.y refused", "a.domain rcpt_452", "xyz12.abc.example",
    "u@xyz12.abc.example", "c.domain mail_451", "c.domain mail_461", "x.y timeout_connect_MX",
    "x.y timeout", "x.y bogus", "x.y rcpt_4", "x.y quota_x", "zz", "Alice@Wonderland.Fict.Example quota_6d",
]
_ERR_ARGS = [
    "x@a.domain rcpt_452", "x@a.domain rcpt_45x", "b.domain rcpt_431", "b.domain",
    "d.domain data_452", "e.domain auth_failed", "f.domain lost_connection", "g.domain lookup",
    "h.domain refused_MX", "h.domain refused", "h.domain refused_A", "i.domain timeout_connect",
    "i.domain timeout_connect_A", "i.domain timeout_connect_MX", "i.domain timeout_A",
    "i.domain timeout_MX", "i.domain timeout", "j.domain tls_required", "k.domain quota",
    "k.domain quota_3h", "k.domain quota_1h", "l.domain", "q@l.domain", "m.domain", "zz x.y",
    "zz l.domain", "zz l.domain quota", "zz l.domain quota rcpt_400", "x.domain rcpt_4x1",
    "x.y h.domain refused_MX", "x.y k.domain quota_3h extra", "x.y foo", "q@", "@x.y",
]
BRT = ([("spec", None, a.split()) for a in _SPEC_ARGS] +
       [("errors", None, a.split()) for a in _ERR_ARGS] +
       [("errors", f, a.split()) for f in ("", "u@xb.dom", "u@xc.dom")
        for a in ("b.domain rcpt_431", "x@a.domain rcpt_452", "x@a.domain rcpt_4xx")])

BAD = [(r, ["x.y"]) for r in [
    "* * G,1h,10m,1.125; G,2h,1m,2.5; G,3h,1m,1.0005", "* * F,1h", "* * X,1h,1m",
    "* * F,1h,1m,3", "* * G,1h,1m", "* *", "* bogus F,1h,1m", "* rcpt_4x1 F,1h,1m",
    "* quota_zz F,1h,1m", "*", "* * F,1x,1m", "* * F,1h,1m;;", "* * F 1h 1m",
    "* * senders F,1h,1m", '"* * F,1h,1m', "* * F,1h,1m foo", "* * F,1h,1m; G,2h,2m,0.5",
    "* * F,-1h,1m", "* * F,1h,0", "* * F,1h,1m, F,2h,2m", "* * F,h,1m", "* * F,1h,-1m",
    "* * F,1h,1x", "* * F,,1m", "* * G,1h,1m,x", "* * G,1h,1m,1.5x", "* * f,1h,1m",
    "* * F,1h,1m ;G,2h,1m,2", "* * F , 1h , 1m", "* * F,1h,1m;", "* * G,1h,1m,1",
    "* * G,1h,1m,0", "* * F,0,1m", "* * F,1h,1h1m", "* senders=x F,1h,1m",
    "* * senders= F,1h,1m", "* * senders=x", '"a b" * F,1h,1m', '* "*" F,1h,1m',
    "* quota_ F,1h,1m", "* mail_4 F,1h,1m", "* mail_5xx F,1h,1m", "* rcpt_4d1 F,1h,1m",
    "* timeout_connect_X F,1h,1m", "* refused_X F,1h,1m", "* timeout_mx F,1h,1m",
    "* * H,1h,1m,2", "* quota_1h30m G,1h,1m,2"]] + [
    ("* timeout_connect_A F,1h,1m", ["x.y", "timeout_connect"]),
    ("* timeout F,1h,1m", ["x.y", "timeout_connect"]),
    ("* timeout_connect F,1h,1m", ["x.y", "timeout"]),
    ("* timeout_A F,1h,1m", ["x.y", "timeout_connect_A"]),
    ("* timeout_mx F,1h,1m", ["x.y", "timeout_MX"]),
    ("* mail_4xx F,1h,1m", ["x.y", "mail_45x"]),
    ("* mail_45x F,1h,1m", ["x.y", "mail_45x"]),
    ("* mail_45x F,1h,1m", ["x.y", "mail_4xx"]),
    ("* quota_1h F,1h,1m", ["x.y", "quota_1h"]),
    ("# a comment\n\n* * F,1h,1m\nx.y bad F,1h,1m", ["x.y"]),
]


def config(rules: str) -> str:
    return "begin retry\n" + rules.lstrip("\n") + "\n"

# A routing defer (":defer:") followed by queue runs: -q before the retry
# time skips the address ("retry time not reached"), -qf tries it.
QUEUE_CONF = """\
keep_environment =
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
primary_hostname = mail.example.com
qualify_domain = example.com
begin routers
defer_r:
  driver = redirect
  data = :defer: try again later
  allow_defer
begin retry
* * F,1h,10m
"""
QUEUE_STEPS = [["-odi", "-f", "sender@example.com", "later@later.example"], ["-q"], ["-qf"], ["-q"]]
