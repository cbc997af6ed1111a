"""The dovecot authenticator against a real Dovecot (dovecot-core): a
private instance with a passwd-file passdb whose auth service listens on a
UNIX socket (server_socket = /path) and on 127.0.0.1:port (the seed's
"host port" form).  Sessions through `exim -bh` compared with Exim 4.96's
(test/expected/auth/dovecot_cases.json, recorded by record_auth.py):
PLAIN with and without initial response, LOGIN over TCP, wrong password,
unknown user, cancel, data Dovecot refuses, a mechanism Dovecot does not
offer, unreachable and malformed sockets; $auth1 from user= as
server_set_id, $sender_host_authenticated, esmtpa."""
import json

import pytest

import auth_cases
import dovecot_helpers
from conftest import EXIM, EXPECTED

RECORDED = json.loads((EXPECTED / "auth" / "dovecot_cases.json").read_text())


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory):
    why = dovecot_helpers.Dovecot.unavailable()
    if why:
        pytest.skip(why)
    with dovecot_helpers.Dovecot(tmp_path_factory.mktemp("dv"), dovecot_helpers.USERS) as dv:
        yield dv


@pytest.mark.parametrize("name", sorted(dovecot_helpers.CASES))
def test_dovecot_session(exim, dovecot, name):
    ip, steps = dovecot_helpers.CASES[name]
    conf = exim.write_conf(dovecot_helpers.exim_config(dovecot))
    out, err = auth_cases.play([EXIM, "-C", str(conf), "-bh", ip], steps, interactive=False)
    got = auth_cases.normalise(out, err)
    got["logs"] = dovecot_helpers.normalise_logs(got["logs"], dovecot)
    assert got == RECORDED[name], err
