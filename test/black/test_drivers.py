"""Driver instances as -bP shows them, and the configuration-time errors of
routers, transports and authenticators, against Exim 4.96.

Expected outputs in test/expected/drivers/ were recorded with Debian's exim4:
  all.conf       one instance of every driver type both builds have, with
                 settings of every option type (all.<what>.txt)
  example.conf   Exim's default configuration, unchanged (example.<what>.txt)
Debian's exim4 and this build differ in optional features, so the expected
text is adjusted by the explicit lists below, never by loosening a match.
"""
import re
from pathlib import Path

import pytest

from conftest import EXIM, TOP, expected

EXAMPLE_CONF = TOP / "test" / "conf" / "example.conf"   # Exim 4.96's, unchanged


def built_parts():
    """Names of the parts this binary was built with (HAVE_<NAME> in the
    config.h generated beside it)."""
    cfg = Path(EXIM).resolve().parent / "config.h"
    return set(re.findall(r"#define HAVE_(\w+) 1", cfg.read_text()))


PARTS = built_parts()

# Options Debian's exim4 prints that exist only with a build feature; when
# that feature is off here, exim4's line is not expected from us.
FEATURE_OPTIONS = {
    "event_action": "EVENT",
    "dane_require_tls_ciphers": "DANE", "hosts_require_dane": "DANE", "hosts_try_dane": "DANE",
    **{o: "DKIM" for o in ("dkim_canon", "dkim_domain", "dkim_hash", "dkim_identity",
                           "dkim_private_key", "dkim_selector", "dkim_sign_headers",
                           "dkim_strict", "dkim_timestamps")},
    "host_name_extract": "TLS_RESUME", "tls_resumption_hosts": "TLS_RESUME",
    **{o: "TLS" for o in ("hosts_avoid_tls", "hosts_nopass_tls", "hosts_noproxy_tls",
                          "hosts_require_alpn", "hosts_require_tls", "hosts_verify_avoid_tls",
                          "tls_alpn", "tls_certificate", "tls_crl", "tls_dh_min_bits",
                          "tls_privatekey", "tls_require_ciphers", "tls_sni",
                          "tls_tempfail_tryclear", "tls_try_verify_hosts",
                          "tls_verify_cert_hostnames", "tls_verify_certificates",
                          "tls_verify_hosts")},
    "hosts_pipe_connect": "PIPE_CONNECT",
    "hosts_request_ocsp": "OCSP", "hosts_require_ocsp": "OCSP",
    "hosts_try_prdr": "PRDR",
    "socks_proxy": "SOCKS",
    "utf8_downconvert": "I18N",
}

# Lines we print that exim4 cannot: options of features Debian's build does
# not have (present when the feature is on here), and the dovecot option the
# seed "Dovecot authenticator via inet socket" adds (always).
EXTRA_LINES = {
    "no_bmi_deliver_alternate": "BMI", "no_bmi_deliver_default": "BMI",
    "no_bmi_dont_deliver": "BMI", "bmi_rule = ": "BMI",
    "translate_ip_address = ": "TRANSLATE_IP_ADDRESS",
    "srs = ": "SRS_ALT", "srs_alias = ": "SRS_ALT", "srs_condition = ": "SRS_ALT",
    "srs_dbinsert = ": "SRS_ALT", "srs_dbselect = ": "SRS_ALT",
    "arc_sign = ": "ARC",
    "no_server_tls": None,
}

# example.conf picks its TLS ciphers with .ifdef _HAVE_OPENSSL/_HAVE_GNUTLS:
# Debian's exim4 uses GnuTLS, this build OpenSSL.
EXAMPLE_SUBST = {
    "tls_require_ciphers = SECURE192:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1":
        "tls_require_ciphers = HIGH:!aNULL:@STRENGTH",
}


def option_name(line):
    name = line.split(" =", 1)[0]
    if " =" not in line and name.startswith("no_"):
        name = name[3:]
    return name


def adjust_expected(text, subst=None):
    out = []
    for line in text.split("\n"):
        feature = FEATURE_OPTIONS.get(option_name(line))
        if feature and feature not in PARTS:
            continue
        if subst and line in subst:
            line = subst[line]
        out.append(line)
    return "\n".join(out)


def drop_extra(text):
    out = []
    for line in text.split("\n"):
        if line in EXTRA_LINES:
            feature = EXTRA_LINES[line]
            if feature is None or feature in PARTS:
                continue
        out.append(line)
    return "\n".join(out)


ALL_CASES = [
    (["-bP", "routers"], "all.routers.txt"),
    (["-bP", "transports"], "all.transports.txt"),
    (["-bP", "authenticators"], "all.authenticators.txt"),
    (["-bP", "router_list"], "all.router_list.txt"),
    (["-bP", "transport_list"], "all.transport_list.txt"),
    (["-bP", "authenticator_list"], "all.authenticator_list.txt"),
    (["-bP", "router", "r_redirect"], "all.router_r_redirect.txt"),
]


@pytest.mark.parametrize("args,exp", ALL_CASES, ids=[c[1] for c in ALL_CASES])
def test_all_drivers(exim, args, exp):
    conf = expected("drivers/all.conf")
    r = exim(args, conf=conf)
    assert r.rc == 0, r.err
    assert drop_extra(r.out) == adjust_expected(expected("drivers/" + exp))


EXAMPLE_CASES = [
    (["-bP", "routers"], "example.routers.txt"),
    (["-bP", "transports"], "example.transports.txt"),
    (["-bP", "authenticators"], "example.authenticators.txt"),
    (["-bP", "router_list"], "example.router_list.txt"),
    (["-bP", "transport_list"], "example.transport_list.txt"),
    (["-bP", "authenticator_list"], "example.authenticator_list.txt"),
    (["-bP", "router", "dnslookup"], "example.router_dnslookup.txt"),
    (["-bP", "transport", "local_delivery"], "example.transport_local_delivery.txt"),
]


@pytest.mark.parametrize("args,exp", EXAMPLE_CASES, ids=[c[1] for c in EXAMPLE_CASES])
def test_example_conf(exim, args, exp):
    r = exim(args, conf=EXAMPLE_CONF.read_text())
    assert r.rc == 0, r.err
    assert drop_extra(r.out) == adjust_expected(expected("drivers/" + exp), EXAMPLE_SUBST)


def test_not_found(exim):
    r = exim(["-bP", "transport", "nosuch"], conf=expected("drivers/all.conf"))
    assert (r.rc, r.out) == (1, "transport nosuch not found\n")


# Configuration-time errors, worded as exim4 words them (recorded with
# exim4 -C FILE -bV).  Each text follows "Exim configuration error".
ERROR_CASES = [
    ("begin routers\nr:\n  driver = redirect\n",
     ' for r router:\n  one of "file" or "data" must be specified'),
    ("begin routers\nr:\n  driver = redirect\n  data = x\n  file = y\n",
     ' for r router:\n  only one of "file" or "data" must be specified'),
    ("begin routers\nr:\n  driver = redirect\n  data = x\n  one_time\n  unseen\n",
     ' for r router:\n  "unseen" may not be used with "one_time"'),
    ("begin routers\nr:\n  driver = redirect\n  data = x\n  allow_filter\n",
     ' for r router:\n  "user" or "check_local_user" must be set with "allow_filter"'),
    ("begin routers\nr:\n  driver = iplookup\n  port = 25\n",
     " for r router:\n  a host list must be specified"),
    ("begin routers\nr:\n  driver = iplookup\n  port = 25\n  hosts = a\n  protocol = foo\n",
     " for r router:\n  protocol not specified as udp or tcp"),
    ("begin routers\nr:\n  driver = manualroute\n  transport = t\n",
     " for r router:\n  route_list or route_data (but not both) must be specified"),
    ("begin routers\nr:\n  driver = manualroute\n  host_find_failed = x\n",
     " for r router:\n  unrecognized setting for host_find_failed option"),
    ("begin routers\nr:\n  driver = queryprogram\n  command = /bin/x\n",
     " for r router:\n  command_user must be specified"),
    ("begin routers\nr:\n  driver = accept\nbegin transports\nt:\n  driver = lmtp\n",
     ":\n  r router:\n  a transport is required for this router"),
    ("begin routers\nr:\n  driver = redirect\n  data = x\n  transport = t\n",
     ":\n  r router:\n  a transport must not be defined for this router"),
    ("begin routers\nr:\n  driver = accept\n  transport = t\n  self = foo\n",
     " for r router:\n  foo is not valid for the self option"),
    ("begin routers\nr:\n  driver = accept\n  transport = t\n  pass_router = nosuch\n",
     ':\n  new_router "nosuch" not found for "r" router'),
    ("begin routers\nr:\n  driver = accept\n  transport = t\n  pass_router = r\n",
     ':\n  new_router "r" does not follow "r" router'),
    ("begin transports\nt:\n  driver = appendfile\n  file = /a\n  directory = /b\n",
     ' for t transport:\n  only one of "file" or "directory" can be specified'),
    ("begin transports\nt:\n  driver = appendfile\n  no_use_lockfile\n  no_use_fcntl_lock\n",
     " for t transport:\n  no locking configured"),
    ("begin transports\nt:\n  driver = appendfile\n  create_file = foo\n",
     ":\n  invalid value given for \"create_file\" for the t transport: 'foo'"),
    ("begin transports\nt:\n  driver = lmtp\n",
     ":\n  one (and only one) of command or socket must be set for the t transport"),
    ("begin transports\nt:\n  driver = pipe\n  use_shell\n  restrict_to_path\n",
     ":\n  both restrict_to_path and use_shell set for t transport"),
    ("begin transports\nt:\n  driver = pipe\n  temp_errors = a\n",
     ":\n  temp_errors must be a list of numbers or an asterisk for the t transport"),
    ("begin transports\nt:\n  driver = pipe\n  pipe_as_creator\n  user = mail\n",
     ":\n  both pipe_as_creator and an explicit uid/gid are set for the t transport"),
    ("begin transports\nt:\n  driver = appendfile\n  headers_only\n  body_only\n",
     ":\n  t transport: body_only and headers_only are mutually exclusive"),
    ("begin transports\nt:\n  driver = smtp\n  shadow_transport = x\n",
     ":\n  shadow transport not allowed on non-local transport t"),
    ("begin authenticators\na:\n  driver = cram_md5\n  server_secret = x\n",
     ":\n  no public name specified for the a authenticator"),
    ("begin authenticators\nPLAIN:\n  driver = plaintext\n  server_condition = x\n"
     "b:\n  driver = plaintext\n  public_name = plain\n  server_condition = x\n",
     ":\n  two server authenticators (PLAIN and b) have the same public name (PLAIN)"),
]


@pytest.mark.parametrize("conf,err", ERROR_CASES, ids=[str(i) for i in range(len(ERROR_CASES))])
def test_init_errors(exim, conf, err):
    r = exim(["-bV"], conf=conf)
    assert r.rc == 1
    assert "Exim configuration error" + err + "\n" in r.err, r.err


# Accepted by Exim 4.96 at configuration time (found at routing or delivery).
ACCEPTED = [
    "begin routers\nr:\n  driver = accept\n  transport = nosuch\n",
    "begin routers\nr:\n  driver = accept\n  transport = t\n  redirect_router = r\n",
    "begin transports\nt:\n  driver = pipe\n",
    "begin transports\nt:\n  driver = appendfile\n  shadow_transport = nosuch\n",
    "begin authenticators\na:\n  driver = dovecot\n  public_name = PLAIN\n"
    "  server_socket = dovecot.example 12345\n  server_tls = true\n  server_set_id = $auth1\n",
]


@pytest.mark.parametrize("conf", ACCEPTED, ids=[str(i) for i in range(len(ACCEPTED))])
def test_accepted(exim, conf):
    r = exim(["-bP", "router_list"], conf=conf)
    assert r.rc == 0, r.err


@pytest.mark.skipif("QUEUEFILE" not in PARTS, reason="queuefile transport not built")
def test_queuefile(exim):
    r = exim(["-bV"], conf="begin transports\nq:\n  driver = queuefile\n")
    assert r.rc == 1
    assert "Exim configuration error:\n  directory must be set for the q transport\n" in r.err
    r = exim(["-bP", "transport", "q"],
             conf="begin transports\nq:\n  driver = queuefile\n  directory = /var/spool/scan\n")
    assert r.rc == 0, r.err
    assert "driver = queuefile\n" in r.out
    assert r.out.endswith("\ndirectory = /var/spool/scan\n")


# Small configurations around the defaults that depend on other options
# (appendfile formats and locking, bsmtp, smtp protocol and port, users and
# groups, redirect owner/group checks, authenticator public names), each
# recorded from exim4 as cases/NAME.txt (its -bP output) or cases/NAME.err.
CASES = sorted(p.stem for p in (TOP / "test" / "expected" / "drivers" / "cases").glob("*.conf"))


@pytest.mark.parametrize("name", CASES)
def test_recorded_cases(exim, name):
    conf = expected(f"drivers/cases/{name}.conf")
    kind = ("routers" if "begin routers" in conf else
            "transports" if "begin transports" in conf else "authenticators")
    r = exim(["-bP", kind], conf=conf)
    err = TOP / "test" / "expected" / "drivers" / "cases" / f"{name}.err"
    if err.exists():
        assert r.rc == 1
        assert err.read_text().rstrip("\n") + "\n" in r.err
    else:
        assert r.rc == 0, r.err
        assert drop_extra(r.out) == adjust_expected(expected(f"drivers/cases/{name}.txt"))
