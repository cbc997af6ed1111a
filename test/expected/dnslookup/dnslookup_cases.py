"""The dnslookup / host finding cases: DNS zones, configs and the commands
(-bt, -bv, -bvs, -bh) run against them.  Shared by record.py (runs exim4
inside a DnsWorld) and test/black/test_dnslookup_bt.py (runs ours in the
same world).

A case is a dict: name, world (a key of WORLDS), conf (a key of CONFS, or
text), opts (command-line options), args, stdin.  @DIR@ in a config is the
case's scratch directory; @OPTS@ in a CONFS template is replaced by the
case's router options ("ropts").
"""

# Addresses put on the world's loopback: 192.0.2.99 is "this host".
ADDRESSES = ["192.0.2.99"]

EXAMPLE_TEST = """
@        MX 10 mx1
@        MX 20 mx2
mx1      A 192.0.2.25
mx2      A 192.0.2.26
mx2      AAAA 2001:db8::26
aonly    A 192.0.2.30
v6only   AAAA 2001:db8::31
dual     A 192.0.2.32
dual     AAAA 2001:db8::32
cname    CNAME aonly
cnmx     CNAME mxd
mxd      MX 5 mx1
mxcname  MX 10 cname
nodata   TXT "no mail here"
nxmx     MX 10 nosuchhost
nxmx2    MX 10 nosuchhost
nxmx2    MX 20 mx1
mxlit    MX 10 192.0.2.40.example.test.
lo       MX 10 loop
loop     A 127.0.0.1
lo2      MX 10 loop
lo2      MX 20 mx1
loa      A 127.0.0.1
self     MX 10 me
me       A 192.0.2.99
selfsec  MX 10 mx1
selfsec  MX 20 me
selfsec  MX 30 mx2
selflow  MX 10 me
selflow  MX 20 mx1
selfa    A 192.0.2.99
eq       MX 10 mx1
eq       MX 10 mx1b
mx1b     A 192.0.2.27
multi    MX 10 multia
multia   A 192.0.2.41
multia   A 192.0.2.42
srvd     MX 10 mx2
_smtp._tcp.srvd SRV 10 0 2525 mx1
_smtp._tcp.srvnull SRV 0 0 0 .
srvnull  MX 10 mx1
_smtp._tcp.srvonly SRV 10 0 26 mx2
sub      MX 10 mx1
w.sub    MX 10 mx2
mxnull   MX 0 .
mxempty  MX 10 mx1
mxip     MX 10 192.0.2.40.
mxagain  MX 10 host.again.test.
mxagain2 MX 10 host.again.test.
mxagain2 MX 20 mx1
*.wild   MX 10 mx2
"""

WORLDS = {
    "main": {"zones": {"example.test": EXAMPLE_TEST, "other.test": "@ A 192.0.2.50\n"},
             "root": True},
    # Names outside the zones are REFUSED: the resolver's TRY_AGAIN.
    "again": {"zones": {"example.test": EXAMPLE_TEST}, "root": False},
    # resolv.conf with "search example.test".
    "search": {"zones": {"example.test": EXAMPLE_TEST}, "root": True, "search": "example.test"},
}

BASE = """primary_hostname = test.example
domainlist local_domains = @ : localhost
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
@MAIN@
begin routers
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote_smtp
@OPTS@
  no_more
localuser:
  driver = accept
  check_local_user
  transport = local
begin transports
remote_smtp:
  driver = smtp
local:
  driver = appendfile
  file = /dev/null
"""

CASES = []


def conf_text(c):
    """The configuration of case c (@DIR@ still to be filled in)."""
    text = c["conf"] or BASE
    return text.replace("@OPTS@", c["ropts"]).replace("@MAIN@", c["main"])


def prepare(d):
    """The scratch directory of a case: spool, log, an aliases file."""
    (d / "spool").mkdir(exist_ok=True)
    (d / "log").mkdir(exist_ok=True)
    (d / "aliases").write_text("postmaster: root\n")
    (d / "aliases").chmod(0o644)


def default_conf():
    """Exim's default configure (test/conf/example.conf is Exim 4.96's)."""
    from pathlib import Path
    return (Path(__file__).resolve().parents[2] / "conf" / "example.conf").read_text()


def crlf(s):
    return s.replace("\n", "\r\n")


def case(name, args, ropts="", main="", opts=("-bt",), world="main", stdin=None, conf=None,
         env=None):
    if "ignore_target_hosts" not in ropts and conf is None:
        ropts = "  ignore_target_hosts = 0.0.0.0 : 127.0.0.0/8\n" + ropts
    CASES.append({"name": name, "world": world, "opts": list(opts), "args": list(args),
                  "stdin": stdin, "ropts": ropts, "main": main, "conf": conf, "env": env})


for d in ["example.test", "aonly.example.test", "v6only.example.test", "dual.example.test",
          "cname.example.test", "cnmx.example.test", "mxcname.example.test",
          "nodata.example.test", "nxmx.example.test", "nxmx2.example.test",
          "mxlit.example.test", "lo.example.test", "lo2.example.test", "loa.example.test",
          "self.example.test", "selfsec.example.test", "selflow.example.test",
          "selfa.example.test", "multi.example.test", "srvd.example.test", "mxnull.example.test",
          "x.wild.example.test", "nosuch.example.test", "nosuch.test", "other.test",
          "sub", "w.sub"]:
    case("bt_" + d, ["u@" + d])
    case("bv_" + d, ["u@" + d], opts=["-bv"])
case("bt_upper", ["U@MX1.Example.Test"])
case("bt_eq", ["u@eq.example.test"])

# Options of the dnslookup router.
case("mx_domains", ["u@aonly.example.test", "u@example.test", "u@other.test"],
     ropts="  mx_domains = *.example.test")
case("mx_fail_domains", ["u@nxmx.example.test", "u@nosuch.again.test", "u@example.test"],
     ropts="  mx_fail_domains = *", world="again")
case("srv_fail_domains", ["u@nosuch.again.test"],
     ropts="  check_srv = smtp\n  srv_fail_domains = *", world="again")
case("check_srv", ["u@srvd.example.test", "u@srvnull.example.test", "u@srvonly.example.test",
                   "u@example.test", "u@aonly.example.test"], ropts="  check_srv = smtp")
case("check_srv_other", ["u@srvd.example.test"], ropts="  check_srv = submission")
case("check_srv_expand", ["u@srvd.example.test", "u@example.test"],
     ropts="  check_srv = ${if eq{$domain}{srvd.example.test}{smtp}fail}")
case("check_secondary_mx", ["u@selfsec.example.test", "u@example.test", "u@aonly.example.test"],
     ropts="  check_secondary_mx")
case("qualify_single", ["u@sub", "u@w.sub", "u@mx1", "u@nosuch"], world="search")
case("qualify_upper", ["U@Sub", "x-u@mx1"], world="search")
case("qualify_single_bv", ["u@sub"], world="search", opts=["-bv"])
case("no_qualify_single", ["u@sub", "u@mx1"], ropts="  qualify_single = false", world="search")
case("search_parents", ["u@sub", "u@w.sub", "u@mx2", "u@nosuch.x"], ropts="  search_parents",
     world="search")
case("widen_domains", ["u@sub", "u@w.sub", "u@aonly", "u@nosuch"],
     ropts="  widen_domains = nosuch.test : example.test")
case("widen_bv", ["u@sub"], ropts="  widen_domains = example.test", opts=["-bv"])
case("widen_bvs", ["u@sub"], ropts="  widen_domains = example.test", opts=["-bvs"])
case("widen_bvs_no_rewrite", ["u@sub"],
     ropts="  widen_domains = example.test\n  rewrite_headers = false", opts=["-bvs"])
case("widen_v", ["u@sub"], ropts="  widen_domains = example.test", opts=["-v", "-bv"])
case("widen_no_rewrite", ["u@sub"], ropts="  widen_domains = example.test\n  rewrite_headers = false")
case("again", ["u@nosuch.again.test", "u@example.test"], world="again")
case("again_bv", ["u@nosuch.again.test"], world="again", opts=["-bv"])
case("again_pass", ["u@nosuch.again.test"], world="again", ropts="  pass_on_timeout")
case("again_nonexist", ["u@nosuch.again.test"], world="again",
     main="dns_again_means_nonexist = *.again.test")
case("fail_defer_domains", ["u@nosuch.test", "u@nodata.example.test", "u@nxmx.example.test"],
     ropts="  fail_defer_domains = *")
case("ipv4_only", ["u@example.test", "u@v6only.example.test", "u@dual.example.test"],
     ropts="  ipv4_only = *")
case("ipv4_prefer", ["u@example.test", "u@dual.example.test"], ropts="  ipv4_prefer = *")
case("dns_ipv4_lookup", ["u@example.test", "u@dual.example.test", "u@v6only.example.test"],
     main="dns_ipv4_lookup = *")
case("disable_ipv6", ["u@example.test", "u@v6only.example.test"], main="disable_ipv6")
case("ignore_target_hosts", ["u@example.test", "u@aonly.example.test", "u@dual.example.test"],
     ropts="  ignore_target_hosts = <; 192.0.2.25 ; 2001:db8::26 ; 192.0.2.30 ; 192.0.2.32")
case("ignore_all", ["u@example.test"],
     ropts="  ignore_target_hosts = <; 192.0.2.25 ; 2001:db8::26 ; 192.0.2.26")
case("ignore_colon_list", ["u@example.test"],
     ropts="  ignore_target_hosts = 192.0.2.25 : 2001:db8::26 : 192.0.2.26")
case("ignore_by_name", ["u@example.test", "u@mxcname.example.test"],
     ropts="  ignore_target_hosts = mx1.example.test : aonly.example.test")
case("mx_to_ip", ["u@mxip.example.test"])
case("mx_to_ip_allowed", ["u@mxip.example.test"], main="allow_mx_to_ip")
case("mx_again_nx", ["u@mxagain.example.test", "u@mxagain2.example.test"])
case("mx_again", ["u@mxagain.example.test", "u@mxagain2.example.test"], world="again")
case("mx_again_pass", ["u@mxagain.example.test"], world="again", ropts="  pass_on_timeout")
case("hosts_treat_as_local", ["u@example.test", "u@aonly.example.test"],
     main="hosts_treat_as_local = mx2.example.test : aonly.example.test")
case("bt_several_lines", [], stdin="u@example.test\nu@nosuch.test\nu@aonly.example.test\n")
case("fallback_hosts", ["u@aonly.example.test"], ropts="  fallback_hosts = 192.0.2.60")
for s in ["send", "pass", "fail", "defer", "freeze", "reroute:other.test"]:
    case("self_" + s.split(":")[0], ["u@self.example.test", "u@selfa.example.test"],
         ropts="  self = " + s)
case("dnssec_require", ["u@example.test"], ropts="  dnssec_require_domains = *")
case("dnssec_require_trust_aa", ["u@example.test", "u@other.test"],
     ropts="  dnssec_require_domains = *", main="dns_trust_aa = example.test")
case("dnssec_request", ["u@example.test"], ropts="  dnssec_request_domains = *")
case("several", ["u@example.test", "v@example.test", "w@aonly.example.test"],
     ropts="  same_domain_copy_routing")
case("ip_literal_domain", ["u@[192.0.2.25]"])

# manualroute host finding.
MANUAL = """primary_hostname = test.example
domainlist local_domains = @ : localhost
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
begin routers
manual:
  driver = manualroute
  transport = remote_smtp
  ignore_target_hosts = 0.0.0.0 : 127.0.0.0/8
@OPTS@
begin transports
remote_smtp:
  driver = smtp
"""
for n, ro in [
        ("mr_bydns", "  route_list = * mx1.example.test:dual.example.test bydns"),
        ("mr_default", "  route_list = * mx2.example.test:aonly.example.test"),
        ("mr_byname", "  route_list = * mx2.example.test:aonly.example.test byname"),
        ("mr_mx", "  route_list = * example.test/MX"),
        ("mr_mx_port", "  route_list = * example.test/MX::2525:aonly.example.test::26"),
        ("mr_mx_nxdomain", "  route_list = * nosuch.example.test/MX"),
        ("mr_cname", "  route_list = * cname.example.test"),
        ("mr_hff_freeze", "  route_list = * nosuch.example.test:mx1.example.test"),
        ("mr_hff_defer", "  route_list = * nosuch.example.test\n  host_find_failed = defer"),
        ("mr_hff_fail", "  route_list = * nosuch.example.test\n  host_find_failed = fail"),
        ("mr_hff_decline", "  route_list = * nosuch.example.test\n  host_find_failed = decline"),
        ("mr_hff_pass", "  route_list = * nosuch.example.test\n  host_find_failed = pass"),
        ("mr_hff_ignore", "  route_list = * nosuch.example.test:mx1.example.test\n"
                          "  host_find_failed = ignore"),
        ("mr_hff_ignore_all", "  route_list = * nosuch.example.test\n  host_find_failed = ignore"),
        ("mr_all_ignored", "  route_list = * loa.example.test"),
        ("mr_all_ignored_fail", "  route_list = * loa.example.test\n  host_all_ignored = fail"),
        ("mr_ip_ignored", "  route_list = * 127.0.0.1"),
        ("mr_ip_ignored_fail", "  route_list = * 127.0.0.1:127.0.0.2\n  host_all_ignored = fail"),
        ("mr_ip_ignored_pass", "  route_list = * 127.0.0.1\n  host_all_ignored = pass"),
        ("mr_ip_one_ignored", "  route_list = * 127.0.0.1:192.0.2.61"),
        ("mr_nodata", "  route_list = * nodata.example.test"),
        ("mr_v4only", "  route_list = * dual.example.test:mx2.example.test ipv4_only"),
        ("mr_v4prefer", "  route_list = * dual.example.test ipv4_prefer"),
        ("mr_self", "  route_list = * me.example.test"),
        ("mr_local_second", "  route_list = * mx1.example.test:me.example.test:mx2.example.test"),
        ("mr_ip", "  route_list = * 192.0.2.60:mx1.example.test"),
        ("mr_randomize", "  route_list = * mx1.example.test:mx2.example.test randomize"),
]:
    case(n, ["u@anywhere.test"], ropts=ro, conf=MANUAL)
case("mr_again", ["u@anywhere.test"], ropts="  route_list = * nosuch.again.test",
     conf=MANUAL, world="again")
case("mr_again_byname", ["u@anywhere.test"], ropts="  route_list = * nosuch.again.test byname",
     conf=MANUAL, world="again")
case("mr_again_mx", ["u@anywhere.test"], ropts="  route_list = * nosuch.again.test/MX",
     conf=MANUAL, world="again")

# Exim's default configure: remote recipients and senders (-bt, -bv, -bvs),
# and SMTP sessions whose RCPT ACL verifies the sender (-bh).
DEFAULT = "primary_hostname = test.example\n" + default_conf().replace(
    "/etc/aliases", "@DIR@/aliases")
for a in ["someone@example.com", "someone@nonexistent.invalid", "u@example.test",
          "u@aonly.example.test", "u@nosuch.example.test", "u@lo.example.test",
          "root@test.example"]:
    for o in ["-bt", "-bv", "-bvs"]:
        case("default" + o + "_" + a, [a], conf=DEFAULT, opts=[o])
case("default-bt_again", ["u@nosuch.again.test"], conf=DEFAULT, world="again")
BH = crlf("helo x\nmail from:<u@example.test>\nrcpt to:<postmaster@test.example>\n"
          "rcpt to:<root@test.example>\nrcpt to:<v@example.test>\nrset\n"
          "mail from:<u@nosuch.test>\nrcpt to:<root@test.example>\nrset\n"
          "mail from:<u@aonly.example.test>\nrcpt to:<root@test.example>\nrset\n"
          "mail from:<u@nosuch.again.test>\nrcpt to:<root@test.example>\nquit\n")
case("default_bh", [], conf=DEFAULT, opts=["-bh", "192.0.2.1"], stdin=BH)
case("default_bh_again", [], conf=DEFAULT, opts=["-bh", "192.0.2.1"], stdin=BH, world="again")
# A router's own failure text (not for the client): no detail lines.
BH_DETAILS = crlf("helo x\nmail from:<u@nxmx.example.test>\nrcpt to:<root@test.example>\nrset\n"
                  "mail from:<u@lo.example.test>\nrcpt to:<root@test.example>\nrset\n"
                  "mail from:<u@mxnull.example.test>\nrcpt to:<root@test.example>\nquit\n")
case("default_bh_details", [], conf=DEFAULT, opts=["-bh", "192.0.2.1"], stdin=BH_DETAILS)

# verify = recipient for remote domains, VRFY.
RCPT_CONF = BASE.replace("@MAIN@", "acl_smtp_rcpt = r\nacl_smtp_vrfy = v\n@MAIN@").replace(
    "begin routers", "begin acl\nr:\n  require verify = recipient\n  accept\nv:\n  accept\n"
    "begin routers")
RCPT = crlf("helo x\nmail from:<>\nrcpt to:<u@example.test>\nrcpt to:<u@nosuch.test>\n"
            "rcpt to:<u@nxmx.example.test>\nrcpt to:<u@self.example.test>\n"
            "rcpt to:<u@selfa.example.test>\nrcpt to:<u@selfsec.example.test>\n"
            "rcpt to:<u@nosuch.again.test>\nvrfy u@aonly.example.test\nvrfy u@nosuch.test\n"
            "vrfy u@nosuch.again.test\nquit\n")
case("rcpt_verify", [], conf=RCPT_CONF, opts=["-bh", "192.0.2.1"], stdin=RCPT,
     ropts="  ignore_target_hosts = 0.0.0.0 : 127.0.0.0/8")
case("rcpt_verify_again", [], conf=RCPT_CONF, opts=["-bh", "192.0.2.1"], stdin=RCPT,
     ropts="  ignore_target_hosts = 0.0.0.0 : 127.0.0.0/8", world="again")

# Deliveries (-odi) through a dnslookup router whose transport writes a
# file: rewrite_headers.  (name, router options, world, message); the
# recipient is u@sub, completed by widen_domains or the search list.
DELIVER_CONF = """primary_hostname = test.example
domainlist local_domains = @ : localhost
spool_directory = @DIR@/spool
log_file_path = @DIR@/log/%slog
begin routers
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = file
@OPTS@
  no_more
begin transports
file:
  driver = appendfile
  file = @DIR@/mail/out
  user = nobody
"""
# (A rewritten address is last in its header: exim4 folds the line before
# an address that follows a lengthened one, which this tree's header
# rewriting does not do yet.)
DELIVER_MSG = ("From: a@sub\nTo: w@other.test, u@sub\nCc: Joe <y@sub>\n"
               "Reply-To: r@sub\nSender: s@sub\nBcc: x@other.test, b@Sub\nSubject: s@sub\n"
               "X-Other: o@sub\n\nbody u@sub\n")
DELIVER_CASES = [
    ("widen", "  widen_domains = example.test", "main", DELIVER_MSG),
    ("widen_no_rewrite", "  widen_domains = example.test\n  rewrite_headers = false", "main",
     DELIVER_MSG),
    ("qualify", "", "search", DELIVER_MSG),
]


def deliver_run(world, d, exe, ropts, msg):
    """Deliver msg to u@sub with `exe` in `world` (scratch directory d):
    the delivered file with dates, ids and the directory normalised."""
    import re
    import time
    prepare(d)
    for sub in ("mail", "spool", "log"):
        (d / sub).mkdir(exist_ok=True)
        (d / sub).chmod(0o777)
    conf = d / "exim.conf"
    conf.write_text(DELIVER_CONF.replace("@OPTS@", ropts).replace("@DIR@", str(d)))
    conf.chmod(0o644)
    r = world.run([exe, "-C", str(conf), "-odi", "-f", "a@test.example", "u@sub"], input=msg)
    out = d / "mail" / "out"
    deadline = time.monotonic() + 5
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = d / "log" / "mainlog"
    text = out.read_text() if out.exists() else \
        "(nothing delivered)\n" + r.stderr + (log.read_text() if log.exists() else "")
    text = re.sub(r"\w{3},? \d\d \w{3} \d{4} \d\d:\d\d:\d\d( [-+]\d{4})?|"
                  r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}", "DATE", text)
    text = re.sub(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}", "MSGID", text)
    return text.replace(str(d), "@DIR@")

# manualroute host finding under verify = recipient in an SMTP session.
MANUAL_RCPT = MANUAL.replace("primary_hostname = test.example\n",
                             "primary_hostname = test.example\nacl_smtp_rcpt = r\n").replace(
    "begin routers", "begin acl\nr:\n  require verify = recipient\n  accept\nbegin routers")
MANUAL_ROUTES = ("  route_list = mx.test example.test/MX ; nx.test nosuch.example.test ; "
                 "me.test me.example.test ; two.test mx1.example.test:me.example.test ; "
                 "ig.test loa.example.test ; ok.test dual.example.test")
case("mr_rcpt_verify", [], conf=MANUAL_RCPT, opts=["-bh", "192.0.2.1"], ropts=MANUAL_ROUTES,
     stdin=crlf("helo x\nmail from:<>\nrcpt to:<u@mx.test>\nrcpt to:<u@nx.test>\n"
                "rcpt to:<u@me.test>\nrcpt to:<u@two.test>\nrcpt to:<u@ig.test>\n"
                "rcpt to:<u@ok.test>\nquit\n"))
