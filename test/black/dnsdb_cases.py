"""Cases for the dnsdb lookup (spec 9.10-9.13), shared by the recorder
(record_dnsdb.py, runs /usr/sbin/exim4) and test_dnsdb.py (runs ours).

Three case lists: WORLD_ROOT has a root zone (unknown names are NXDOMAIN);
WORLD_NOROOT has none, so names outside the zones are REFUSED, which the
resolver reports as a temporary error (defer); WORLD_TRUST runs with
CONF_TRUST (dns_trust_aa) in a world with a root zone.
"""

ZONES = {
    "example.test": """
a1 A 192.0.2.1
multi A 192.0.2.2
multi A 192.0.2.3
v6 AAAA 2001:db8::1
both A 192.0.2.4
both AAAA 2001:db8::4
alias CNAME a1
alias2 CNAME alias
mx MX 10 mx1
mx MX 20 mx2
mx1 A 192.0.2.11
mx2 A 192.0.2.12
txt TXT "hello world"
txt2 TXT "part one" "part two"
txtm TXT "first"
txtm TXT "second"
spf SPF "v=spf1" " -all"
spft TXT "v=spf1 ip4:192.0.2.0/24 -all"
_smtp._tcp.srv SRV 0 5 25 mx1
_smtp._tcp.srv SRV 10 1 587 mx2
_25._tcp.mx1 TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
_client._smtp.csa SRV 1 2 0 csa
csa A 192.0.2.21
_client._smtp.csano SRV 1 1 0 csano
csano A 192.0.2.22
_client._smtp.csax SRV 1 3 0 .
_client._smtp.csaq SRV 1 0 0 csaq
csaq A 192.0.2.23
_client._smtp.c SRV 1 2 0 csa
_client._smtp.nd TXT "no SRV here"
_client._smtp.example.test. SRV 1 2 1 csa
_client._smtp.deep.a.b.c TXT "no SRV here"
nsname NS ns1.elsewhere.test.
nsname NS ns2.elsewhere.test.
""",
    "2.0.192.in-addr.arpa": """
1 PTR a1.example.test.
2 PTR multi.example.test.
2 PTR other.example.test.
""",
    "8.b.d.0.1.0.0.2.ip6.arpa": """
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR v6.example.test.
""",
}

CONF = "primary_hostname = test.example\n"

_COMMON = [
    "${lookup dnsdb{a=a1.example.test}}",
    "${lookup dnsdb{a=multi.example.test}}",
    "${lookup dnsdb{>: a=multi.example.test}}",
    "${lookup dnsdb{> a=multi.example.test}}",
    "${lookup dnsdb{>;a=multi.example.test}}",
    "${lookup dnsdb{A=a1.example.test}}",
    "${lookup dnsdb{a = a1.example.test}}",
    "${lookup dnsdb{a=nx.example.test}{found}{not found}}",
    "${lookup dnsdb{a=v6.example.test}{found $value}{not found}}",
    "${lookup dnsdb{aaaa=v6.example.test}}",
    "${lookup dnsdb{aaaa=both.example.test}}",
    "${lookup dnsdb{a+=both.example.test}}",
    "${lookup dnsdb{>, a+=both.example.test}}",
    "${lookup dnsdb{a+=a1.example.test}}",
    "${lookup dnsdb{a+=v6.example.test}}",
    "${lookup dnsdb{a=alias.example.test}}",
    "${lookup dnsdb{a=alias2.example.test}}",
    "${lookup dnsdb{cname=alias.example.test}}",
    "${lookup dnsdb{cname=a1.example.test}{y:$value}{n}}",
    "${lookup dnsdb{mx=mx.example.test}}",
    "${lookup dnsdb{>:,/ mx=mx.example.test}}",
    "${lookup dnsdb{mxh=mx.example.test}}",
    "${lookup dnsdb{>; mxh=mx.example.test}}",
    "${lookup dnsdb{mx=a1.example.test}{y}{n}}",
    "${lookup dnsdb{ns=nsname.example.test}}",
    "${lookup dnsdb{ns=example.test}}",
    "${lookup dnsdb{zns=example.test}}",
    "${lookup dnsdb{zns=a.b.c.example.test}}",
    "${lookup dnsdb{zns=nsname.example.test}}",
    "${lookup dnsdb{ptr=192.0.2.1}}",
    "${lookup dnsdb{ptr=192.0.2.2}}",
    "${lookup dnsdb{ptr=1.2.0.192.in-addr.arpa}}",
    "${lookup dnsdb{ptr=2001:db8::1}}",
    "${lookup dnsdb{ptr=<; 2001:db8::1 ; 192.0.2.1}}",
    "${lookup dnsdb{ptr=192.0.2.1:192.0.2.9}}",
    "${lookup dnsdb{ptr=192.0.2.9}{y}{n}}",
    "${lookup dnsdb{soa=example.test}}",
    "${lookup dnsdb{soa=a.b.example.test}}",
    "${lookup dnsdb{>:,; soa=a.b.example.test}}",
    "${lookup dnsdb{>:, soa=example.test}}",
    "${lookup dnsdb{spf=spf.example.test}}",
    "${lookup dnsdb{>:,| spf=spf.example.test}}",
    "${lookup dnsdb{srv=_smtp._tcp.srv.example.test}}",
    "${lookup dnsdb{>;,: srv=_smtp._tcp.srv.example.test}}",
    "${lookup dnsdb{tlsa=_25._tcp.mx1.example.test}}",
    "${lookup dnsdb{>:,/ tlsa=_25._tcp.mx1.example.test}}",
    "${lookup dnsdb{txt=txt.example.test}}",
    "${lookup dnsdb{txt.example.test}}",
    "${lookup dnsdb{txt=txt2.example.test}}",
    "${lookup dnsdb{>\\n,: txt=txt2.example.test}}",
    "${lookup dnsdb{>\\n; txt=txt2.example.test}}",
    "${lookup dnsdb{>/,+ txt=txt2.example.test:txtm.example.test}}",
    "${lookup dnsdb{txt=txtm.example.test}}",
    "${lookup dnsdb{txt=spft.example.test}}",
    "${lookup dnsdb{csa=csa.example.test}}",
    "${lookup dnsdb{csa=csano.example.test}}",
    "${lookup dnsdb{csa=csax.example.test}}",
    "${lookup dnsdb{csa=csaq.example.test}}",
    "${lookup dnsdb{csa=a.b.c.example.test}{$value}{n}}",
    "${lookup dnsdb{csa=nx.example.test}{$value}{n}}",
    "${lookup dnsdb{csa=nd.example.test}}",
    "${lookup dnsdb{csa=deep.a.b.c.example.test}}",
    "${lookup dnsdb{csa=x.nd.example.test}{y}{n}}",
    "${lookup dnsdb{csa=example.test}}",
    "${lookup dnsdb{csa=[192.0.2.1]}{y}{n}}",
    "${lookup dnsdb{txt=_client._smtp.nd.example.test}}",
    "${lookup dnsdb{a=a1.example.test:multi.example.test}}",
    "${lookup dnsdb{>, a=a1.example.test:nx.example.test:multi.example.test}}",
    "${lookup dnsdb{a=<;a1.example.test;v6.example.test}}",
    "${lookup dnsdb{a=nx.example.test:nx2.example.test}{y}{n}}",
    "${lookup dnsdb{defer_strict,a=a1.example.test}}",
    "${lookup dnsdb{defer_never,a=a1.example.test}}",
    "${lookup dnsdb{dnssec_strict,a=a1.example.test}{y}{n}}",
    "${lookup dnsdb{dnssec_lax,a=a1.example.test}}$lookup_dnssec_authenticated",
    "${lookup dnsdb{dnssec_never,a=a1.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{retrans_2s,a=a1.example.test}}",
    "${lookup dnsdb{retry_2,a=a1.example.test}}",
    "${lookup dnsdb{retrans_2s,retry_1,defer_never,a=a1.example.test}}",
    "${lookup dnsdb{bogus=a1.example.test}{y}{n}}",
    "${lookup dnsdb{defer_bogus,a=a1.example.test}{y}{n}}",
    "${lookup dnsdb{dnssec_bogus,a=a1.example.test}{y}{n}}",
    "${lookup dnsdb{a=}{y}{n}}",
    "${lookup dnsdb{a=a1.example.test}{$value}}",
    "${lookup dnsdb{mx=nx.example.test}{y}{n}}",
    "${lookup dnsdb{>: mxh=mx.example.test:a1.example.test}}",
]

WORLD_ROOT = _COMMON + [
    "${lookup dnsdb{a=nowhere.invalid}{y}{n}}",
    "${lookup dnsdb{zns=nowhere.invalid}{y}{n}}",
    "${lookup dnsdb{soa=nowhere.invalid}{y}{n}}",
]

WORLD_NOROOT = [
    "${lookup dnsdb{a=a1.example.test}}",
    "${lookup dnsdb{a=nowhere.other}{y}{n}}",
    "${lookup dnsdb{defer_strict,a=nowhere.other}{y}{n}}",
    "${lookup dnsdb{defer_never,a=nowhere.other}{y}{n}}",
    "${lookup dnsdb{defer_lax,a=nowhere.other}{y}{n}}",
    "${lookup dnsdb{a=nowhere.other:a1.example.test}{y:$value}{n}}",
    "${lookup dnsdb{defer_strict,a=a1.example.test:nowhere.other}{y:$value}{n}}",
    "${lookup dnsdb{defer_never,a=nowhere.other:a1.example.test}{y:$value}{n}}",
    "${lookup dnsdb{defer_lax,a=nx.example.test:nowhere.other}{y:$value}{n}}",
    "${lookup dnsdb{defer_never,a=nx.example.test:nowhere.other}{y:$value}{n}}",
    "${lookup dnsdb{a+=nowhere.other}{y}{n}}",
    "${lookup dnsdb{zns=x.nowhere.other}{y}{n}}",
    "${lookup dnsdb{csa=nowhere.other}{y}{n}}",
    "${lookup dnsdb{ptr=192.0.3.1}{y}{n}}",
]

# dns_trust_aa: nsd's authoritative answers for example.test count as
# authenticated, which $lookup_dnssec_authenticated and dnssec_strict see.
CONF_TRUST = CONF + "dns_trust_aa = example.test\n"

WORLD_TRUST = [
    "${lookup dnsdb{a=a1.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{dnssec_strict,a=a1.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{dnssec_strict,ptr=192.0.2.1}{y}{n}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{dnssec_lax,ptr=192.0.2.1}{y}{n}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{a=a1.example.test:alias.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{mx=mx.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{dnssec_never,a=a1.example.test}}<$lookup_dnssec_authenticated>",
    "${lookup dnsdb{a=nx.example.test}{y}{n}}<$lookup_dnssec_authenticated>",
]
