"""SMTP reception (after DATA, through -bs and -bh): for every SMTP case of
receive_cases.py, what reception owns must be what Exim 4.96 gave (recorded
in test/expected/receive/<case>.out): the reply to the message (the lines
after 354), the main and reject log lines, and the -H and -D files byte for
byte after receive_normalise().  The rest of the session (banner, EHLO
response, -bh commentary) belongs to the SMTP server's own tests."""
import re

import pytest

from conftest import EXIM, EXPECTED
from receive_cases import SMTP_CASES, run_case


def sections(text):
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^== (\S+)$", line)
        if m:
            name = m.group(1)
            out.setdefault(name, [])
            out[name].append([])
            continue
        out[name][-1].append(line.rstrip("\r"))
    return out


def owned(text, host_checking):
    s = sections(text)
    stdout = [line for part in s.get("stdout", []) for line in part]
    if host_checking:
        # the replies to DATA's content and the "<=" / rejection log lines
        replies = [x for x in stdout if re.match(r"^(250 OK id=|[45]\d\d )", x)]
        logs = [x for x in stdout + [y for p in s.get("stderr", []) for y in p] if x.startswith("LOG: ")]
        return {"replies": replies, "logs": logs}
    replies, after = [], False
    for line in stdout:
        if line.startswith("354 "):
            after = True
            continue
        if after and not line.startswith("221 ") and not line.startswith("250 OK") or \
                line.startswith("250 OK id="):
            replies.append(line)
    keep = {k: v for k, v in s.items() if k in ("mainlog", "rejectlog", "-H", "-D")}
    keep["replies"] = replies
    return keep


# What the SMTP server (not reception) decides about the connection: the
# ident of a -bs caller, the protocol name and taint of -oM values, whether
# pipelining was used (the L flags), the message id (outside -bh) and the
# reject log's header lines on DATA ACL rejections (smtp_acl_reply writes
# those lines).  reception_only()
# blanks these in both outputs; test_smtp_case_whole compares everything.
_CONN_FIELDS = [
    (re.compile(r"^-?-(host_address|interface_address|helo_name|host_name|host_auth|auth_id) ", re.M), r"-\1 "),
    (re.compile(r"^-?-ident .*\n", re.M), ""),
    (re.compile(r"^-received_protocol .*$", re.M), "-received_protocol P"),
    (re.compile(r" P=\S+"), " P=P"),
    (re.compile(r" U=[^\s:]+"), ""),
    (re.compile(r" L[.*]?-?(?= )"), " L"),
    (re.compile(r" ident=\S+\)"), ")"),
    (re.compile(r"^(\d{3})P Received: .*?(?=^\d{3}|\Z)", re.M | re.S), "RECEIVED\n"),
    (re.compile(r"^(<TS>) <ID> (H=.*rejected after DATA)", re.M), r"\1 \2"),
    (re.compile(r" S=\d+"), " S=N"),
    (re.compile(r"^(<TS> H=.*rejected after DATA.*\n)(?:Envelope-.*\n|[ A-Z*] .*\n|\t.*\n)+", re.M), r"\1"),
]


def reception_only(text):
    for rx, rep in _CONN_FIELDS:
        text = rx.sub(rep, text)
    return text


def _run(tmp_path, name):
    got = run_case(EXIM, name, str(tmp_path / "case"))
    if "is not available yet" in got:
        pytest.skip("-bs / -bh (the SMTP server) is not in this build yet")
    if "is not available in this build" in got:
        pytest.skip("an option of the case (prdr_enable) is not in this build")
    exp = (EXPECTED / "receive" / f"{name}.out").read_text()
    return got, exp, "-bh" in SMTP_CASES[name]["args"]


@pytest.mark.parametrize("name", sorted(SMTP_CASES))
def test_smtp_case_reception(tmp_path, name):
    got, exp, hc = _run(tmp_path, name)
    assert owned(reception_only(got), hc) == owned(reception_only(exp), hc)


@pytest.mark.parametrize("name", sorted(SMTP_CASES))
def test_smtp_case_whole(tmp_path, name):
    got, exp, hc = _run(tmp_path, name)
    assert owned(got, hc) == owned(exp, hc)


def test_command_timeout_names_host_and_ident(tmp_path):
    """-bs with -oMa whose client stalls after RCPT: exim4 (by hand, as the
    input must stall: printf 'EHLO c..RCPT..'; sleep 1.6 | exim4 -bs -oMa
    192.0.2.1.1234, smtp_receive_timeout = 1s) logs the host with its ident
    and no incomplete-transaction line."""
    import subprocess
    from receive_cases import BASE
    d = tmp_path / "case"
    (d / "spool" / "log").mkdir(parents=True)
    conf = d / "exim.conf"
    conf.write_text(BASE.replace("@DIR@", str(d)) + "log_selector = +smtp_incomplete_transaction\n"
                    "smtp_receive_timeout = 1s\nacl_smtp_rcpt = r\nbegin acl\nr:\n  accept\n")
    conf.chmod(0o644)
    p = subprocess.Popen([EXIM, "-C", str(conf), "-odq", "-bs", "-oMa", "192.0.2.1.1234"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.stdin.write(b"EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\n")
        p.stdin.flush()
        rc = p.wait(timeout=20)
    finally:
        p.stdin.close()
    log = (d / "spool" / "log" / "mainlog").read_text()
    assert [x[20:] for x in log.splitlines()] == [
        "SMTP command timeout on connection from (c) [192.0.2.1] U=root"]
    assert rc == 1
