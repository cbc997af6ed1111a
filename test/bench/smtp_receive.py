#!/usr/bin/python3
"""smtp_receive.py - benchmark: messages received over SMTP per second and
CPU spent per message by the daemon and its children (reception only: the
messages stay on the queue, queue_only).

    test/bench/smtp_receive.py [--exim build/exim] [--messages 500]
                               [--connections 4] [--per-connection 25]
                               [--size 4096]

Runs the given binary (ours, or /usr/sbin/exim4 to compare with Exim) as a
foreground daemon on a free loopback port with a spool in a temporary
directory, sends the messages from parallel client threads, stops the daemon
and prints one line:  msgs/s, CPU ms/msg (user+system of the daemon and all
its children), and the wall time.  Must run as root (exim_user = root) so
that either program can write the temporary spool.
"""
import argparse
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

CONF = """primary_hostname = bench.example
spool_directory = {d}/spool
log_file_path = {d}/log/%slog
pid_file_path = {d}/exim.pid
exim_user = root
exim_group = root
never_users =
queue_only
host_lookup =
rfc1413_hosts =
acl_smtp_rcpt = accept
smtp_accept_max = 0
smtp_accept_queue_per_connection = 0
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def reply(f):
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("connection closed")
        if line[3:4] != b"-":
            return line


def client(port, count, body, errors):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        f = s.makefile("rb")
        reply(f)
        s.sendall(b"EHLO bench.client\r\n")
        reply(f)
        for i in range(count):
            s.sendall(b"MAIL FROM:<sender@bench.example>\r\n")
            reply(f)
            s.sendall(b"RCPT TO:<rcpt@bench.example>\r\n")
            reply(f)
            s.sendall(b"DATA\r\n")
            reply(f)
            s.sendall(body)
            r = reply(f)
            if not r.startswith(b"250"):
                errors.append(r)
        s.sendall(b"QUIT\r\n")
        reply(f)
        s.close()
    except Exception as e:  # reported in the summary
        errors.append(repr(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exim", default=os.path.join(os.path.dirname(__file__), "../../build/exim"))
    ap.add_argument("--messages", type=int, default=500)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--size", type=int, default=4096)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("smtp_receive.py: run as root (the daemon's exim_user is root)")
    per = max(1, a.messages // a.connections)
    line = b"x" * 70 + b"\r\n"
    body = (b"Subject: bench\r\n\r\n" + line * max(1, a.size // len(line)) + b".\r\n")
    with tempfile.TemporaryDirectory(prefix="exim-bench-") as d:
        os.makedirs(d + "/spool"); os.makedirs(d + "/log")
        conf = d + "/exim.conf"
        with open(conf, "w") as f:
            f.write(CONF.format(d=d))
        os.chmod(conf, 0o644)
        port = free_port()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.Popen([a.exim, "-C", conf, "-bdf", "-oX", "127.0.0.1.%d" % port],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > end or p.poll() is not None:
                    p.kill()
                    sys.exit("daemon did not start: " + p.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        errors = []
        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(port, per, body, errors))
                   for _ in range(a.connections)]
        for t in threads: t.start()
        for t in threads: t.join()
        wall = time.monotonic() - t0
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        n = per * a.connections
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print("%s: %d messages of %d bytes over %d connections: %.0f msgs/s, %.2f ms CPU/msg, %.2f s wall%s"
              % (os.path.basename(a.exim), n, a.size, a.connections, n / wall, 1000 * cpu / n, wall,
                 ", %d ERRORS (first: %s)" % (len(errors), errors[0]) if errors else ""))
        return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
