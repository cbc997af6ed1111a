"""XCLIENT (EXPERIMENTAL_XCLIENT, seed "XCLIENT proxy support") in daemon
sessions: advertised in EHLO to hosts_xclient only, "220 XCLIENT success",
a fresh EHLO then sees the client the proxy named, $proxy_* describe the
proxy.  Exim 4.96 has no XCLIENT (4.97 added it), so the texts follow the
seed and Postfix's XCLIENT_README; test/unit/test_xclient.c covers the
parameter syntax."""
import re
from pathlib import Path

import pytest

from conftest import EXIM
from daemon_helpers import daemon  # noqa: F401 (fixture)

KEYWORD = "250-XCLIENT ADDR NAME PORT LOGIN DESTADDR DESTPORT\r\n"


def have(name):
    return f"#define HAVE_{name} 1" in (Path(EXIM).resolve().parent / "config.h").read_text()


pytestmark = pytest.mark.skipif(not have("XCLIENT"), reason="built without XCLIENT")

SHOW = ("proxy=$proxy_session ext=$proxy_external_address:$proxy_external_port "
        "loc=$proxy_local_address:$proxy_local_port host=$sender_host_address:$sender_host_port "
        "name=$sender_host_name")


def test_xclient_session(daemon):
    d = daemon("hosts_xclient = 127.0.0.1\nacl_smtp_helo = helo\n"
               f"begin acl\nhelo:\n  accept logwrite = {SHOW}\n")
    s = d.connect()
    assert d.reply(s).startswith("220 ")
    cport = s.getsockname()[1]
    d.send(s, "EHLO proxy.example")
    ehlo = d.reply(s)
    assert KEYWORD in ehlo
    d.send(s, "XCLIENT ADDR=192.0.2.7 PORT=4444 NAME=client.example DESTADDR=10.0.0.1 DESTPORT=587")
    assert d.reply(s) == "220 XCLIENT success\r\n"
    d.send(s, "EHLO client.example")
    ehlo = d.reply(s)
    assert ehlo.startswith("250-test.example Hello client.example [192.0.2.7]\r\n"), ehlo
    # still the proxy's privilege: advertised again after the new EHLO
    assert KEYWORD in ehlo
    d.wait_log("host=192.0.2.7")
    assert (f"proxy=yes ext=10.0.0.1:587 loc=127.0.0.1:{cport} host=192.0.2.7:4444 name=client.example"
            in d.mainlog())
    d.send(s, "QUIT")
    assert d.reply(s).startswith("221 ")


def test_xclient_needs_hosts_xclient(daemon):
    d = daemon("hosts_xclient = 192.0.2.200\n")
    s = d.connect()
    d.reply(s)
    d.send(s, "EHLO proxy.example")
    assert "XCLIENT" not in d.reply(s)
    d.send(s, "XCLIENT ADDR=192.0.2.7 PORT=4444")
    assert d.reply(s) == "550 XCLIENT command used when not advertised\r\n"


def test_xclient_errors(daemon):
    d = daemon("hosts_xclient = 127.0.0.1\n")
    s = d.connect()
    d.reply(s)
    d.send(s, "EHLO proxy.example")
    d.reply(s)
    d.send(s, "XCLIENT ADDR=192.0.2.7")
    assert d.reply(s) == "501 XCLIENT must give both ADDR and PORT parameters when first used\r\n"
    d.send(s, "XCLIENT ADDR=192.0.2.7 PORT=1 FOO=bar")
    assert d.reply(s) == "501 XCLIENT: unrecognised parameter \"FOO\"\r\n"


def test_message_after_xclient_is_from_the_real_client(daemon):
    d = daemon("hosts_xclient = 127.0.0.1\nlog_selector = +proxy\nqueue_only\nacl_smtp_rcpt = accept\n"
               "acl_smtp_mail = mail\nbegin acl\nmail:\n  accept logwrite = login=$authenticated_id\n")
    s = d.connect()
    d.reply(s)
    d.send(s, "EHLO proxy.example")
    d.reply(s)
    d.send(s, "XCLIENT ADDR=192.0.2.7 PORT=4444 NAME=client.example LOGIN=fred")
    assert d.reply(s) == "220 XCLIENT success\r\n"
    d.send(s, "MAIL FROM:<a@b.example>")
    assert d.reply(s).startswith("503 ")            # a new EHLO is needed first
    for line in ("EHLO client.example", "MAIL FROM:<a@b.example>", "RCPT TO:<x@y.example>", "DATA"):
        d.send(s, line)
        d.reply(s)
    s.sendall(b"Subject: via xclient\r\n\r\nbody\r\n.\r\n")
    m = re.fullmatch(r"250 OK id=(\S+)\r\n", d.reply(s))
    assert m
    d.wait_log(" <= ")
    log = d.mainlog()
    assert "login=fred" in log
    assert f"{m.group(1)} <= a@b.example H=client.example [192.0.2.7] P=esmtp PRX=127.0.0.1 S=" in log
    hdr = (d.spool / "input" / f"{m.group(1)}-H").read_text()
    assert "\n--host_address [192.0.2.7]:4444\n" in hdr and "\n--host_name client.example\n" in hdr
    assert "\n--auth_id fred\n" in hdr
    # (no line break: exim4 breaks $sender_rcvhost only when the address,
    # helo= and ident= are all there; case smtp_rcvhost_* of receive_cases)
    assert "Received: from client.example ([192.0.2.7])\n" in hdr
