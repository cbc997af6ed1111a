"""Cases for the dnslists ACL condition (spec 44.27-44.37), shared by
record_dnslists.py (runs exim4 -bh in a DNS world) and test_dnslists.py.

Each case: (name, acl_rcpt text, calling host, root).  root=False: names
outside the zones are REFUSED (a temporary error).
"""

ZONES = {
    "bl.test": """
1.2.0.192 A 127.0.0.2
1.2.0.192 TXT "listed: 192.0.2.1"
2.2.0.192 A 127.0.0.2
2.2.0.192 A 127.0.0.3
2.2.0.192 TXT "two records"
3.2.0.192 A 192.0.2.99
4.2.0.192 A 127.0.0.10
5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 A 127.0.0.6
5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 TXT "v6 " "listed"
spam.example.test A 127.0.0.4
spam.example.test TXT "spammy domain"
""",
    "example.test": "a1 A 192.0.2.1\n",
}

BASE = """primary_hostname = test.example
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
acl_smtp_rcpt = rcpt
acl_smtp_connect = connect
begin acl
connect:
@CONNECT@
  accept
rcpt:
"""

SESSION = "helo x\nmail from:<a@spam.example.test>\nrcpt to:<b@example.test>\nquit\n"

V = "$dnslist_domain|$dnslist_matched|$dnslist_value|$dnslist_text"

BASIC = f"""  warn dnslists = bl.test
       logwrite = M1 {V}
  warn dnslists = nx.test : bl.test=127.0.0.3
       logwrite = M2 {V}
  warn dnslists = bl.test/${{domain:$sender_address}}
       logwrite = M3 {V}
  accept
"""

RESTRICT = f"""  warn dnslists = bl.test=127.0.0.3
       logwrite = A1 {V}
  warn dnslists = bl.test==127.0.0.3
       logwrite = A2 yes
  warn dnslists = bl.test!=127.0.0.3
       logwrite = A3 yes
  warn dnslists = bl.test!==127.0.0.3
       logwrite = A4 yes
  warn dnslists = bl.test&0.0.0.2
       logwrite = A5 yes
  warn dnslists = bl.test=&0.0.0.2
       logwrite = A6 yes
  warn dnslists = bl.test!&0.0.0.1
       logwrite = A7 yes
  warn dnslists = bl.test!=&0.0.0.1
       logwrite = A8 yes
  warn dnslists = other.test,bl.test=127.0.0.3
       logwrite = A9 {V}
  warn dnslists = bl.test,bl.test=127.0.0.2,127.0.0.9
       logwrite = A10 {V}
  warn dnslists = bl.test/<;192.0.2.7;192.0.2.1;x
       logwrite = A11 {V}
  warn dnslists = bl.test=127.0.0.2/192.0.2.3::192.0.2.4::192.0.2.1
       logwrite = A12 {V}
  warn !dnslists = bl.test
       logwrite = A13 not listed
  accept
"""

UNKNOWN = f"""  warn dnslists = bl.test
       logwrite = B1 {V}
  warn dnslists = +include_unknown : nowhere.other
       logwrite = B2 yes {V}
  warn dnslists = nowhere.other
       logwrite = B3 yes
  warn dnslists = +exclude_unknown : nowhere.other : bl.test
       logwrite = B4 yes
  warn dnslists = +defer_unknown : nowhere.other
       logwrite = B5 yes
  warn dnslists = bl.test/nowhere.other::192.0.2.4
       logwrite = B6 {V}
  deny dnslists = bl.test
"""

SINGLE = f"""  warn dnslists = bl.test!==127.0.0.2
       logwrite = C1 yes
  warn dnslists = other.test,bl.test=127.0.0.9
       logwrite = C2 yes
  warn dnslists = bl.test!&0.0.0.1
       logwrite = C3 yes
  warn dnslists = bl.test=&0.0.0.3
       logwrite = C4 yes
  warn dnslists = bl.test&0.0.0.3
       logwrite = C5 yes
  warn dnslists = bl.test/
       logwrite = C6 yes
  warn dnslists = bl.test=127.0.0.2,127.0.0.3/192.0.2.1
       logwrite = C7 {V}
  warn dnslists = bl.test=junk
       logwrite = C8 yes
  deny message = $sender_host_address is listed at $dnslist_domain ($dnslist_value): $dnslist_text
       dnslists = nx.test : bl.test
"""

DEFER = """  deny dnslists = +defer_unknown : nowhere.other : bl.test
  accept
"""

DEFER_SUBLIST = f"""  warn dnslists = +defer_unknown : bl.test/<;nowhere.other;192.0.2.1
       logwrite = D1 {V}
  deny dnslists = +defer_unknown : bl.test/<;192.0.2.9;nowhere.other
  accept
"""

# The list domain "test" has no zone in the world without a root: keys
# under bl.test are answered, others are REFUSED (temporary errors).
DEFER_OVERRIDDEN = f"""  warn dnslists = +defer_unknown : test/<;nowhere;spam.example.test.bl
       logwrite = D2 {V}
  warn dnslists = +defer_unknown : test/<;nowhere;nx.bl
       logwrite = D3 yes
  warn dnslists = +include_unknown : test/<;nx.bl;nowhere
       logwrite = D4 {V}
  accept
"""

CONNECT = "  deny message = listed: $dnslist_text\n       dnslists = bl.test\n"

CASES = [
    ("basic", BASIC, "192.0.2.2", True, ""),
    ("restrict", RESTRICT, "192.0.2.2", True, ""),
    ("unknown3", UNKNOWN, "192.0.2.3", False, ""),
    ("unknown4", UNKNOWN, "192.0.2.4", False, ""),
    ("single", SINGLE, "192.0.2.1", True, ""),
    ("notlisted", SINGLE, "192.0.2.9", True, ""),
    ("ipv6", BASIC, "2001:db8::5", True, ""),
    ("defer", DEFER, "192.0.2.1", False, ""),
    ("defer_sublist", DEFER_SUBLIST, "192.0.2.1", False, ""),
    ("connect", "  accept\n", "192.0.2.1", True, CONNECT),
    ("defer_overridden", DEFER_OVERRIDDEN, "192.0.2.1", False, ""),
]


def config(d, acl, connect):
    return BASE.replace("@DIR@", d).replace("@CONNECT@", connect) + acl
