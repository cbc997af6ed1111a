"""exim -bV in a build with TLS: "OpenSSL" (and OCSP, TLS_resume) on the
"Support for:" line and the OpenSSL library version lines, as Exim built
with OpenSSL shows them; a bad openssl_options item is a configuration
error that -bV reports (spec: openssl_options).  (A build without TLS is
test_build.py's minimal variant: its "Support for:" line is empty.)"""
import re
import ssl
from pathlib import Path

import pytest

from conftest import EXIM

BUILD = Path(EXIM).resolve().parent


def have(name):
    return f"#define HAVE_{name} 1" in (BUILD / "config.h").read_text()


pytestmark = pytest.mark.skipif(not have("TLS"), reason="built without TLS")


def test_bV_shows_openssl(exim):
    r = exim(["-bV"], conf="# empty\n")
    assert r.rc == 0, r.err
    support = next(l for l in r.out.splitlines() if l.startswith("Support for:")).split()[2:]
    assert "OpenSSL" in support
    assert ("OCSP" in support) == have("OCSP")
    assert ("TLS_resume" in support) == have("TLS_RESUME")
    m = re.search(r"(?m)^Library version: OpenSSL: Compile: (OpenSSL \d+\.\d+\.\d+.*)\n"
                  r"                          Runtime: (OpenSSL \d+\.\d+\.\d+.*)$", r.out)
    assert m, r.out
    # the runtime library is the one Python's ssl module also links
    assert m.group(2).split()[1].split(".")[0] == ssl.OPENSSL_VERSION.split()[1].split(".")[0]


def test_bad_openssl_options_is_a_config_error(exim):
    r = exim(["-bV"], conf="openssl_options = +no_sslv3 +no_such_option\n")
    assert r.rc == 1
    assert 'openssl_options parse error: unknown option "no_such_option"' in r.err
    r = exim(["-bV"], conf="openssl_options = no_sslv3\n")
    assert r.rc == 1
    assert "openssl_options parse error" in r.err
    r = exim(["-bV"], conf="openssl_options = -all +no_tlsv1 +cipher_server_preference +No_Ticket\n")
    assert r.rc == 0, r.err


def test_tls_options_are_known(exim):
    conf = ("tls_certificate = /nonexistent/cert.pem\n"
            "tls_privatekey = /nonexistent/key.pem\n"
            "tls_dhparam = ffdhe2048\ntls_eccurve = auto\n"
            "tls_require_ciphers = HIGH\ntls_verify_hosts = 192.0.2.0/24\n")
    if have("OCSP"):
        conf += "tls_ocsp_file = /nonexistent/ocsp.der\n"
    if have("TLS_RESUME"):
        conf += "tls_resumption_hosts = *\n"
    # files are only opened for a connection: other commands still work
    r = exim(["-bP", "tls_dhparam", "tls_verify_hosts"], conf=conf)
    assert r.rc == 0, r.err
    assert r.out == "tls_dhparam = ffdhe2048\ntls_verify_hosts = 192.0.2.0/24\n"
    r = exim(["-bV"], conf="tls_verify_hosts = *\ntls_verify_certificates =\n")
    assert r.rc == 1
    assert "tls_verify_certificates is not" in r.err
