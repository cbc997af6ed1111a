"""Cases for host name lookups through the DNS (host_lookup,
host_lookup_order, verify = reverse_host_lookup, host list items that need
the name, verify = helo) and verify = csa (spec 44.52), shared by
record_host_lookup.py (exim4 -bh in a DNS world) and test_host_lookup.py.

Each case: (name, main options, acl_smtp_rcpt text, calling host, root,
HELO command).  root=False: names outside the zones (198.51.100.0/24's
reverse zone, nowhere.other) are REFUSED, a temporary error.
"""

ZONES = {
    "example.test": """
good A 192.0.2.1
multi A 192.0.2.2
alias CNAME good
bad A 192.0.2.77
v6 AAAA 2001:db8::1
_client._smtp.good SRV 1 2 0 good
_client._smtp.nocsa SRV 1 1 0 good
_client._smtp.example.test. SRV 1 2 1 good
_client._smtp.nd TXT "no SRV here"
_client._smtp.v6t SRV 1 2 0 v6
_client._smtp.notarget SRV 1 2 0 nonexist
_client._smtp.unk SRV 1 3 0 good
_client._smtp.v2 SRV 2 2 0 good
""",
    "2.0.192.in-addr.arpa": """
1 PTR good.example.test.
2 PTR multi.example.test.
2 PTR other.example.test.
3 PTR bad.example.test.
4 PTR nonexist.example.test.
""",
    "8.b.d.0.1.0.0.2.ip6.arpa": """
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR v6.example.test.
2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR good.example.test.
""",
}

BASE = """primary_hostname = test.example
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
acl_smtp_rcpt = rcpt
@MAIN@
begin acl
rcpt:
"""

NAMES = """  warn logwrite = N <$sender_host_name> <$host_lookup_failed> <$host_lookup_deferred>
  warn verify = reverse_host_lookup
       logwrite = RHL ok
  warn hosts = *.example.test
       logwrite = H1 yes
  accept
"""

ON_DEMAND = """  warn verify = reverse_host_lookup/defer_ok
       logwrite = RHL1 ok
  warn verify = reverse_host_lookup
       logwrite = RHL2 ok <$sender_host_name> <$host_lookup_failed> <$host_lookup_deferred>
  warn hosts = good.example.test
       logwrite = H2 yes
  warn hosts = *.example.test : 192.0.2.0/24
       logwrite = H3 yes
  accept
"""

LIST_FIRST = """  warn hosts = ^good.example.test
       logwrite = H4 <$sender_host_name>
  warn hosts = !*.example.test : *
       logwrite = H5 yes
  accept
"""

HELO = """  warn verify = helo
       logwrite = HELO ok <$sender_host_name>
  accept
"""

CSA = """  warn !verify = csa
       logwrite = CSA1 failed <$csa_status> <$acl_verify_message>
  warn logwrite = CSA1 <$csa_status>
  warn verify = csa/nocsa.example.test
       logwrite = CSA2 ok <$csa_status>
  warn logwrite = CSA2 after <$csa_status>
  accept
"""

LOOKUP = "host_lookup = *"

CASES = [
    ("names_good", LOOKUP, NAMES, "192.0.2.1", True, "helo x"),
    ("names_alias", LOOKUP, NAMES, "192.0.2.2", True, "helo x"),
    ("names_mismatch", LOOKUP, NAMES, "192.0.2.3", True, "helo x"),
    ("names_noaddr", LOOKUP, NAMES, "192.0.2.4", True, "helo x"),
    ("names_noptr", LOOKUP, NAMES, "192.0.2.9", True, "helo x"),
    ("names_bydns_only", LOOKUP + "\nhost_lookup_order = bydns", NAMES, "192.0.2.9", True, "helo x"),
    ("names_byaddr", LOOKUP + "\nhost_lookup_order = byaddr", NAMES, "192.0.2.2", True, "helo x"),
    ("names_byaddr_first", LOOKUP + "\nhost_lookup_order = byaddr:bydns", NAMES, "192.0.2.9", True,
     "helo x"),
    ("names_ipv6", LOOKUP, NAMES, "2001:db8::1", True, "helo x"),
    ("names_ipv6_mismatch", LOOKUP, NAMES, "2001:db8::2", True, "helo x"),
    ("demand_good", "", ON_DEMAND, "192.0.2.1", False, "helo x"),
    ("demand_mismatch", "", ON_DEMAND, "192.0.2.3", False, "helo x"),
    ("demand_defer", "", ON_DEMAND, "198.51.100.1", False, "helo x"),
    ("lists_good", "", LIST_FIRST, "192.0.2.1", True, "helo x"),
    ("lists_noptr", "", LIST_FIRST, "192.0.2.9", True, "helo x"),
    ("helo_name", "", HELO, "192.0.2.1", True, "helo good.example.test"),
    ("helo_alias", "", HELO, "192.0.2.1", True, "helo alias.example.test"),
    ("helo_other", "", HELO, "192.0.2.1", True, "helo multi.example.test"),
    ("helo_literal", "", HELO, "192.0.2.1", True, "helo [192.0.2.1]"),
    ("helo_lookup_domains", "", HELO, "192.0.2.1", True, "helo test.example"),
    ("csa_ok", "", CSA, "192.0.2.1", False, "helo good.example.test"),
    ("csa_no", "", CSA, "192.0.2.1", False, "helo nocsa.example.test"),
    ("csa_none", "", CSA, "192.0.2.1", False, "helo x.y.example.test"),
    ("csa_defer", "", CSA, "192.0.2.1", False, "helo nowhere.other"),
    ("csa_literal", "", CSA, "192.0.2.1", False, "helo [192.0.2.1]"),
    ("csa_mismatch", "", CSA, "192.0.2.2", False, "helo good.example.test"),
    ("csa_explicit", "", CSA, "192.0.2.2", False, "helo nd.example.test"),
    ("csa_v6target", "", CSA, "192.0.2.2", False, "helo v6t.example.test"),
    ("csa_notarget", "", CSA, "192.0.2.2", False, "helo notarget.example.test"),
    ("csa_unknown", "", CSA, "192.0.2.2", False, "helo unk.example.test"),
    ("csa_version2", "", CSA, "192.0.2.2", False, "helo v2.example.test"),
    ("csa_noparent", "dns_csa_search_limit = 0", CSA, "192.0.2.2", False, "helo nd.example.test"),
]


def config(d, main, acl):
    return BASE.replace("@DIR@", d).replace("@MAIN@", main) + acl


def session(helo):
    return f"{helo}\nmail from:<a@example.test>\nrcpt to:<b@example.test>\nquit\n"
