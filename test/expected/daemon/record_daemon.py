#!/usr/bin/python3
"""Record the daemon's observable behaviour from Exim 4.96 (/usr/sbin/exim4)
into daemon.json beside this file: log lines and SMTP replies for daemon
start-up with several -oX forms, the connection limits, SIGHUP, and the
PROXY protocol.  Run as root (exim4's configuration must be root-owned);
the tests compare against the recorded, normalised values and never need
exim4 themselves.

Normalisation: timestamps, pids, message ids and ports are replaced by TIME,
PID, MSGID, PORTn and CPORT (a client's own port).
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXIM4 = "/usr/sbin/exim4"
HERE = Path(__file__).resolve().parent


def free_port(family=socket.AF_INET, addr="127.0.0.1"):
    s = socket.socket(family)
    s.bind((addr, 0))
    p = s.getsockname()[1]
    s.close()
    return p


BASE = """\
spool_directory = {d}/spool
log_file_path = {d}/spool/%slog
primary_hostname = test.example
keep_environment =
tls_advertise_hosts =
{extra}
acl_smtp_rcpt = accept
begin routers
r:
  driver = accept
  transport = t
begin transports
t:
  driver = appendfile
  file = /dev/null
{acls}"""


class Daemon:
    def __init__(self, extra, ox, args=(), acls=""):
        self.d = tempfile.mkdtemp(prefix="rec-daemon-")
        os.chmod(self.d, 0o755)
        os.mkdir(self.d + "/spool")
        os.chown(self.d + "/spool", 102, 0)
        self.conf = self.d + "/exim.conf"
        Path(self.conf).write_text(BASE.format(d=self.d, extra=extra, acls=acls))
        os.chmod(self.conf, 0o644)
        self.pidfile = self.d + "/pid"
        subprocess.run([EXIM4, "-C", self.conf, "-bd", "-oX", ox, "-oP", self.pidfile, *args], check=True)
        for _ in range(100):
            if os.path.exists(self.pidfile) and "daemon started" in self.log():
                break
            time.sleep(0.05)
        self.pid = int(Path(self.pidfile).read_text())

    def log(self, which="main"):
        try:
            return Path(f"{self.d}/spool/{which}log").read_text()
        except FileNotFoundError:
            return ""

    def lines(self, which="main"):
        return [l for l in self.log(which).splitlines()
                if "Warning" not in l and "Suggested" not in l and "lost privilege" not in l]

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)
        for _ in range(200):
            if not os.path.exists(f"/proc/{self.pid}"):
                break
            try:
                os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)


def norm(text, ports=()):
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME", text)
    text = re.sub(r"pid=\d+", "pid=PID", text)
    text = re.sub(r"pid \d+", "pid PID", text)
    text = re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}", "DATE", text)
    text = re.sub(r"\b\w{6}-\w{6}-\w{2}\b", "MSGID", text)
    for i, p in enumerate(ports):
        text = text.replace(str(p), f"PORT{i}")
    return text


def talk(port, lines, addr="127.0.0.1", family=socket.AF_INET, pre=b""):
    s = socket.socket(family)
    s.settimeout(5)
    s.connect((addr, port))
    if pre:
        s.sendall(pre)
    out = []
    buf = b""
    def reply():
        nonlocal buf
        while True:
            m = re.search(rb"(?m)^\d\d\d [^\r\n]*\r\n", buf)
            if m:
                r, buf = buf[:m.end()], buf[m.end():]
                return r.decode()
            d = s.recv(4096)
            if not d:
                r, buf = buf, b""
                return r.decode()
            buf += d
    out.append(reply())
    for l in lines:
        s.sendall(l.encode() + b"\r\n")
        out.append(reply())
    s.close()
    return out


HEADERS_V1 = b"PROXY TCP4 192.0.2.1 198.51.100.2 4321 25\r\n"


def main():
    rec = {}

    # start-up lines for several -oX forms
    p0, p1 = free_port(), free_port()
    d = Daemon("", f"127.0.0.1.{p0}")
    rec["start_one"] = norm(d.lines()[-1], [p0])
    d.stop()
    rec["sigterm_log"] = norm("\n".join(d.lines()[1:]), [p0])
    rec["sigterm_pidfile_removed"] = not os.path.exists(d.pidfile)

    d = Daemon("", f"<; 127.0.0.1.{p0} ; [::1]:{p1}")
    rec["start_two"] = norm(d.lines()[-1], [p0, p1])
    d.stop()

    d = Daemon("local_interfaces = <; 127.0.0.1 ; ::1", f"{p0}:{p1}")
    rec["start_ports"] = norm(d.lines()[-1], [p0, p1])
    d.stop()

    d = Daemon(f"tls_on_connect_ports = {p1}\ntls_certificate = /etc/ssl/certs/ssl-cert-snakeoil.pem\ntls_privatekey = /etc/ssl/private/ssl-cert-snakeoil.key", f"<; 127.0.0.1.{p0} ; 127.0.0.1.{p1}")
    rec["start_tls_on_connect"] = norm(d.lines()[-1], [p0, p1])
    d.stop()

    d = Daemon("", f"{p0}:{p1}")
    rec["start_wild_ports"] = norm(d.lines()[-1], [p0, p1])
    d.stop()

    d = Daemon("", f"0.0.0.0.{p0}")
    rec["start_wild4"] = norm(d.lines()[-1], [p0])
    d.stop()

    d = Daemon("", f"<; ::0.{p0} ; 127.0.0.1.{p1}")
    rec["start_wild6_and_one"] = norm(d.lines()[-1], [p0, p1])
    d.stop()

    d = Daemon("disable_ipv6", f"<; ::1.{p0} ; 127.0.0.1.{p1}")
    rec["start_disable_ipv6"] = norm(d.lines()[-1], [p0, p1])
    d.stop()
    d = Daemon("disable_ipv6", f"<; ::0.{p0} ; 0.0.0.0.{p0}")
    rec["start_disable_ipv6_wild"] = norm(d.lines()[-1], [p0])
    d.stop()

    # log_selector +smtp_connection: the daemon's connection count
    d = Daemon("log_selector = +smtp_connection", f"127.0.0.1.{p0}")
    a = socket.create_connection(("127.0.0.1", p0)); a.recv(1000)
    talk(p0, ["QUIT"])
    a.close()
    time.sleep(0.5)
    rec["smtp_connection_log"] = [norm(l, [p0]) for l in d.lines()[1:]]
    d.stop()

    # smtp_accept_max
    d = Daemon("smtp_accept_max = 1", f"127.0.0.1.{p0}")
    a = socket.create_connection(("127.0.0.1", p0)); a.recv(1000)
    rec["max_reply"] = talk(p0, [])[0]
    a.close()
    time.sleep(0.3)
    rec["max_log"] = norm(d.lines()[-1], [p0])
    d.stop()

    # smtp_accept_max_per_host
    d = Daemon("smtp_accept_max = 5\nsmtp_accept_max_per_host = ${if eq{$sender_host_address}{127.0.0.1}{1}{5}}", f"127.0.0.1.{p0}")
    a = socket.create_connection(("127.0.0.1", p0)); a.recv(1000)
    rec["per_host_reply"] = talk(p0, [])[0]
    a.close()
    time.sleep(0.3)
    rec["per_host_log"] = norm(d.lines()[-1], [p0])
    d.stop()

    # smtp_accept_max_per_host whose expansion fails: logged, connection served
    d = Daemon("smtp_accept_max_per_host = ${lookup{x}lsearch{/nonexist}}", f"127.0.0.1.{p0}")
    rec["per_host_fail_reply"] = norm(talk(p0, [])[0])
    time.sleep(0.3)
    rec["per_host_fail_log"] = norm(d.lines()[-1], [p0])
    rec["per_host_fail_panic"] = norm(d.log("panic"), [p0])
    d.stop()

    # smtp_accept_reserve: 2 slots, 1 reserved for 10.0.0.1
    d = Daemon("smtp_accept_max = 2\nsmtp_accept_reserve = 1\nsmtp_reserve_hosts = 10.0.0.1", f"127.0.0.1.{p0}")
    a = socket.create_connection(("127.0.0.1", p0)); a.recv(1000)
    rec["reserve_reply"] = talk(p0, [])[0]
    a.close()
    time.sleep(0.3)
    rec["reserve_log"] = norm(d.lines()[-1], [p0])
    d.stop()

    # smtp_load_reserve: a negative fixed-point is not allowed; 0 means "any load"
    d = Daemon("smtp_load_reserve = 0", f"127.0.0.1.{p0}")
    rec["load_reply"] = talk(p0, [])[0]
    time.sleep(0.3)
    rec["load_log"] = re.sub(r"= [\d.]+", "= LOAD", norm(d.lines()[-1], [p0]))
    d.stop()

    # SIGHUP
    d = Daemon("", f"127.0.0.1.{p0}")
    time.sleep(2)   # exim4 acts on a SIGHUP that arrives while it starts up only later
    os.kill(d.pid, signal.SIGHUP)
    for _ in range(600):
        if d.log().count("daemon started") >= 2:
            break
        time.sleep(0.05)
    rec["sighup_log"] = norm("\n".join(d.lines()[1:]), [p0])
    d.stop()

    # PROXY protocol
    pmain = "acl_smtp_connect = conn\nhosts_proxy = 127.0.0.1\n"
    pacl = ("begin acl\nconn:\n  accept logwrite = proxy=$proxy_session "
            "ext=$proxy_external_address:$proxy_external_port "
            "loc=$proxy_local_address:$proxy_local_port "
            "host=$sender_host_address:$sender_host_port "
            "recv=$received_ip_address:$received_port\n")
    d = Daemon(pmain, f"127.0.0.1.{p0}", acls=pacl)
    cases = {
        "v1": b"PROXY TCP4 192.0.2.1 198.51.100.2 4321 25\r\n",
        "v1_tcp6": b"PROXY TCP6 2001:db8::1 2001:db8::2 4321 25\r\n",
        "v1_unknown": b"PROXY UNKNOWN\r\n",
        "v1_bad": b"PROXY TCP4 192.0.2.1 nonsense 4321 25\r\n",
        "v2": b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + struct.pack("!H", 12)
              + socket.inet_aton("192.0.2.9") + socket.inet_aton("198.51.100.7") + struct.pack("!HH", 5555, 587),
        "v2_local": b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x20, 0x00]) + struct.pack("!H", 0),
        "none": b"EHLO x\r\n",
    }
    proxy = {}
    for name, hdr in cases.items():
        before = len(d.lines())
        try:
            r = talk(p0, ["QUIT"], pre=hdr)
        except Exception as e:
            r = [repr(e)]
        time.sleep(0.4)
        proxy[name] = {"replies": [norm(x, [p0]) for x in r],
                       "log": [norm(l, [p0]) for l in d.lines()[before:]]}
        proxy[name]["log"] = [re.sub(r"(loc|host)=(127\.0\.0\.1|192\.0\.2\.1):(?!4321 )\d+", r"\1=\2:CPORT", l)
                              for l in proxy[name]["log"]]
    rec["proxy"] = proxy
    d.stop()

    # no header at all within proxy_protocol_timeout: the banner comes after it
    d = Daemon("hosts_proxy = 127.0.0.1\nproxy_protocol_timeout = 1s\nsmtp_banner = proxy=$proxy_session "
               "ext=$proxy_external_address:$proxy_external_port loc=$proxy_local_address:$proxy_local_port "
               "host=$sender_host_address", f"127.0.0.1.{p0}")
    t0 = time.monotonic()
    rec["proxy_timeout"] = {"banner": talk(p0, [])[0], "after_1s": time.monotonic() - t0 >= 0.9}
    d.stop()

    # a message through a proxy, log_selector = +proxy: the PRX= item
    d = Daemon("hosts_proxy = 127.0.0.1\nlog_selector = +proxy\nqueue_only", f"127.0.0.1.{p0}")
    r = talk(p0, ["EHLO client.example", "MAIL FROM:<a@b.example>", "RCPT TO:<x@y.example>", "DATA",
                  "Subject: proxied\r\n\r\nbody\r\n.", "QUIT"], pre=HEADERS_V1)
    time.sleep(0.4)
    rec["proxy_message"] = {"replies": [norm(x, [p0]) for x in r],
                            "log": [re.sub(r"\b\w{6}-\w{6}-\w{2}\b", "MSGID",
                                           re.sub(r"127\.0\.0\.1\]:\d+", "127.0.0.1]:CPORT", norm(l, [p0])))
                                    for l in d.lines()[1:]]}
    d.stop()

    # -bw: the listening socket is stdin
    bw = {}
    for arg in ("-bw", "-bw2s", "-bw1m30s"):
        d0 = tempfile.mkdtemp(prefix="rec-daemon-")
        os.chmod(d0, 0o755)
        os.mkdir(d0 + "/spool")
        os.chown(d0 + "/spool", 102, 0)
        Path(d0 + "/exim.conf").write_text(BASE.format(d=d0, extra="", acls=""))
        os.chmod(d0 + "/exim.conf", 0o644)
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(5)
        port = lsock.getsockname()[1]
        proc = subprocess.Popen([EXIM4, "-C", d0 + "/exim.conf", arg], stdin=lsock.fileno())
        time.sleep(0.5)
        s = socket.create_connection(("127.0.0.1", port))
        banner = s.recv(200).decode()
        s.close()
        if arg == "-bw2s":
            proc.wait(20)
        else:
            proc.terminate()
            proc.wait(20)
        lsock.close()
        log = [l for l in Path(d0 + "/spool/mainlog").read_text().splitlines()
               if "Warning" not in l and "Suggested" not in l]
        bw[arg] = {"banner": norm(banner), "log": [norm(l) for l in log]}
    rec["bw"] = bw

    # a port in use: daemon_startup_retries / daemon_startup_sleep
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    bp = busy.getsockname()[1]
    bind = {}
    for ox in (f"127.0.0.1.{bp}", f"0.0.0.0.{bp}", f"192.0.2.77.{bp}"):
        d0 = tempfile.mkdtemp(prefix="rec-daemon-")
        os.chmod(d0, 0o755)
        os.mkdir(d0 + "/spool")
        os.chown(d0 + "/spool", 102, 0)
        Path(d0 + "/exim.conf").write_text(BASE.format(
            d=d0, extra="daemon_startup_retries = 1\ndaemon_startup_sleep = 1s", acls=""))
        os.chmod(d0 + "/exim.conf", 0o644)
        r = subprocess.run([EXIM4, "-C", d0 + "/exim.conf", "-bdf", "-oX", ox], capture_output=True, text=True,
                           timeout=60)
        main_log = [l for l in Path(d0 + "/spool/mainlog").read_text().splitlines()
                    if "Warning" not in l and "Suggested" not in l]
        bind[ox.split(".")[0]] = {"rc": r.returncode, "stderr": norm(r.stderr, [bp]),
                                  "mainlog": [norm(l, [bp]) for l in main_log],
                                  "paniclog": norm(Path(d0 + "/spool/paniclog").read_text(), [bp])}
    busy.close()
    rec["bind_in_use"] = bind

    # malformed interfaces and unknown ports: the daemon does not start
    errs = {}
    for name, extra, ox in (("ox_bad_port", "", "127.0.0.1.notaport"), ("ox_bad_bracket", "", "<; [::1]x25"),
                            ("ox_bad_address", "", "1.2.3.999.25"), ("ox_bad_service", "", "nosuchservice"),
                            ("li_bad_port", "local_interfaces = 127.0.0.1.notaport", None),
                            ("li_bad_address", "local_interfaces = 1.2.3.999", None),
                            ("ports_bad_service", "daemon_smtp_ports = nosuch", None),
                            ("tls_ports_bad_service", "tls_on_connect_ports = nosuch", None)):
        d0 = tempfile.mkdtemp(prefix="rec-daemon-")
        os.chmod(d0, 0o755)
        os.mkdir(d0 + "/spool")
        os.chown(d0 + "/spool", 102, 0)
        Path(d0 + "/exim.conf").write_text(BASE.format(d=d0, extra=extra, acls=""))
        os.chmod(d0 + "/exim.conf", 0o644)
        args = [EXIM4, "-C", d0 + "/exim.conf", "-bdf", "-oP", d0 + "/pid"] + (["-oX", ox] if ox else [])
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        errs[name] = {"rc": r.returncode, "stderr": norm(r.stderr)}
    rec["start_errors"] = errs

    out = HERE / "daemon.json"
    out.write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("run as root")
    main()
