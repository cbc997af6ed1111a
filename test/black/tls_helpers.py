"""TLS test helpers: a throwaway PKI made with the openssl command at test
time, and SMTP clients that start TLS (Python's ssl module, or
`openssl s_client` where Python cannot ask for what is needed, such as an
OCSP status request).

    pki = make_pki(tmp_path)      # paths: ca, srv_cert, srv_key, srv_both,
                                  # second_both, cli_cert, cli_key,
                                  # rogue_cert, rogue_key, ocsp_der
    ctx = client_context(pki)     # verifies the server against the test CA
    s, banner = smtp_starttls(port, ctx, server_hostname="server.example")
    reply(s)  send(s, "EHLO x")
    out = s_client(port, pki, "-status", input="QUIT\\n")

Everything is under the test's own directory; nothing is kept.
"""
import re
import socket
import ssl
import subprocess
from pathlib import Path
from types import SimpleNamespace

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


def _run(args, cwd):
    subprocess.run(["openssl"] + args, cwd=cwd, check=True, capture_output=True, timeout=60)


def _cert(d, name, cn, serial, ca=True):
    _run(["req"] + _EC + ["-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}"], d)
    _run(["x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-set_serial", serial, "-out", f"{name}.pem", "-days", "2"], d)
    (d / f"{name}.both").write_text((d / f"{name}.pem").read_text() + (d / f"{name}.key").read_text())


def make_pki(tmp_path, ocsp=True):
    d = Path(tmp_path) / "pki"
    d.mkdir(exist_ok=True)
    _run(["req", "-x509"] + _EC + ["-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test-CA",
                                   "-days", "2"], d)
    _cert(d, "srv", "server.example", "0x1001")
    _cert(d, "second", "second.example", "0x1002")
    _cert(d, "cli", "client.example", "0x2001")
    _run(["req", "-x509"] + _EC + ["-keyout", "rogue.key", "-out", "rogue.pem", "-subj",
                                   "/CN=rogue.example", "-days", "2"], d)
    if ocsp:
        (d / "index.txt").write_text("V\t300101000000Z\t\t1001\tunknown\t/CN=server.example\n")
        _run(["ocsp", "-issuer", "ca.pem", "-cert", "srv.pem", "-reqout", "req.der", "-no_nonce"], d)
        _run(["ocsp", "-index", "index.txt", "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem",
              "-reqin", "req.der", "-respout", "resp.der", "-ndays", "1"], d)
    for p in d.iterdir():
        p.chmod(0o644)
    return SimpleNamespace(
        dir=d, ca=d / "ca.pem", srv_cert=d / "srv.pem", srv_key=d / "srv.key",
        srv_both=d / "srv.both", second_both=d / "second.both", cli_cert=d / "cli.pem",
        cli_key=d / "cli.key", rogue_cert=d / "rogue.pem", rogue_key=d / "rogue.key",
        ocsp_der=d / "resp.der")


def client_context(pki, cert=None, key=None, max_version=None, ciphers=None, alpn=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(pki.ca))
    ctx.check_hostname = False
    if cert:
        ctx.load_cert_chain(str(cert), str(key))
    if max_version:
        ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    return ctx


_REPLY_END = re.compile(rb"(?m)^\d\d\d [^\n]*\n")
_bufs = {}


def reply(s):
    """One complete SMTP reply (all its lines), or what came before EOF."""
    buf = _bufs.get(id(s), b"")
    while True:
        m = _REPLY_END.search(buf)
        if m:
            _bufs[id(s)] = buf[m.end():]
            return buf[:m.end()].decode(errors="replace")
        try:
            d = s.recv(4096)
        except (ssl.SSLError, ConnectionResetError):
            d = b""
        if not d:
            _bufs[id(s)] = b""
            return buf.decode(errors="replace")
        buf += d


def send(s, line):
    s.sendall(line.encode() + b"\r\n")


def smtp_plain(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s, reply(s)


def smtp_starttls(port, ctx, server_hostname=None, session=None, helo="client.example"):
    """Connect, EHLO, STARTTLS, handshake.  Returns (tls socket, the EHLO
    reply before TLS)."""
    s, banner = smtp_plain(port)
    assert banner.startswith("220 "), banner
    send(s, f"EHLO {helo}")
    ehlo = reply(s)
    send(s, "STARTTLS")
    r = reply(s)
    assert r.startswith("220 "), r
    ts = ctx.wrap_socket(s, server_hostname=server_hostname, session=session)
    return ts, ehlo


def s_client(port, pki, *args, input="QUIT\n", starttls=True, timeout=30):
    """openssl s_client against the port; its stdout and stderr together."""
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", str(pki.ca), "-crlf",
           "-nocommands", "-ign_eof"]
    if starttls:
        cmd += ["-starttls", "smtp"]
    p = subprocess.run(cmd + list(args), input=input, capture_output=True, text=True,
                       timeout=timeout, errors="replace")
    return p.stdout + p.stderr


def bs_session(exim, conf, steps, ctx, timeout=10):
    """Run `exim -C conf -bs` on one end of a socketpair and play steps on
    the other: SMTP command lines, "RAW:a|b|" to send lines a and b in one
    write, or "TLS" to start the handshake with ctx.  Returns [(step, reply)], the banner first (step "")."""
    a, b = socket.socketpair()
    p = subprocess.Popen([str(exim), "-C", str(conf), "-bs"], stdin=b.fileno(), stdout=b.fileno(),
                         stderr=subprocess.DEVNULL)
    b.close()
    a.settimeout(timeout)
    s = a
    out = [("", reply(s))]
    try:
        for st in steps:
            if st == "TLS":
                try:
                    s = ctx.wrap_socket(s)
                    out.append((st, "ok"))
                except (ssl.SSLError, OSError) as e:
                    out.append((st, f"failed: {type(e).__name__}"))
                    break
            elif st.startswith("RAW:"):
                # several commands in one write (pipelined)
                s.sendall(st[4:].replace("|", "\r\n").encode())
                out.append((st, reply(s)))
            else:
                send(s, st)
                out.append((st, reply(s)))
    finally:
        s.close()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return out


def normalise_session(out):
    rx = re.compile(r"\w\w\w, \d\d \w\w\w \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
    return [[st, rx.sub("DATE", r)] for st, r in out]
