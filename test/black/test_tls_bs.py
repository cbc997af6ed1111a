"""STARTTLS in an SMTP session (exim -bs on a socketpair, as from inetd)
compared with Exim 4.96's replies recorded by
test/expected/tls/record_tls.py: "220 TLS go ahead" and a real handshake,
EHLO no longer offering STARTTLS inside TLS, STARTTLS refused when not
advertised (after HELO, inside TLS, tls_advertise_hosts empty) or with an
argument, "454 TLS currently unavailable" on a certificate that cannot be
loaded (the session then goes on in clear), and EHLO required again after
TLS starts."""
import json
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from tls_cases import CASES, config
from tls_helpers import bs_session, client_context, make_pki, normalise_session

BUILD = Path(EXIM).resolve().parent


def have(name):
    return f"#define HAVE_{name} 1" in (BUILD / "config.h").read_text()


pytestmark = pytest.mark.skipif(not have("TLS"), reason="built without TLS")

RECORDED = json.loads((EXPECTED / "tls" / "sessions.json").read_text())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), ocsp=False)


def without_unbuilt_extensions(session):
    # exim4 (Debian) advertises SMTPUTF8; this build has no I18N part
    if have("I18N"):
        return session
    return [[st, r.replace("250-SMTPUTF8\r\n", "")] for st, r in session]


@pytest.mark.parametrize("name", sorted(CASES))
def test_starttls_session_matches_exim(name, pki, tmp_path):
    extra, steps = CASES[name]
    conf = tmp_path / "exim.conf"
    conf.write_text(config(tmp_path, pki, extra))
    conf.chmod(0o644)
    got = normalise_session(bs_session(EXIM, conf, steps, client_context(pki)))
    assert got == without_unbuilt_extensions(RECORDED[name])
