#!/usr/bin/python3
"""A small LMTP server (RFC 2033) for the lmtp transport tests.

  lmtp_server.py --log FILE [--socket PATH] [--reply KEY=TEXT]...

Without --socket it speaks LMTP on stdin/stdout (the transport's command=
form); with --socket it listens on that unix socket and serves connections
one after the other until killed (it writes PATH.ready once listening).
Everything the client sends is appended to FILE ("C: line" for commands,
"D: line" for message lines).

Replies (TEXT is the whole reply line, e.g. "550 5.1.1 no such user"):
  greeting, lhlo (the last line; 'IGNOREQUOTA' is advertised unless
  --no-ignorequota), mail, rcpt:<local part>, data (the 354 reply),
  done:<local part> (the reply after the message for that recipient),
  hang:<command> (stop answering after reading it: for timeouts).
"""
import os
import socket
import sys
import time


def parse(argv):
    opts = {"log": None, "socket": None, "replies": {}, "ignorequota": True}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--log":
            opts["log"] = argv[i + 1]
            i += 2
        elif a == "--socket":
            opts["socket"] = argv[i + 1]
            i += 2
        elif a == "--reply":
            k, _, v = argv[i + 1].partition("=")
            opts["replies"][k] = v
            i += 2
        elif a == "--no-ignorequota":
            opts["ignorequota"] = False
            i += 1
        else:
            raise SystemExit("bad argument " + a)
    return opts


def local_part(arg):
    s = arg[arg.find("<") + 1:]
    s = s[:s.find(">")] if ">" in s else s
    return s.split("@")[0]


def session(rfile, wfile, opts):
    rep = opts["replies"]
    log = open(opts["log"], "a") if opts["log"] else None

    def send(line):
        wfile.write((line + "\r\n").encode())
        wfile.flush()

    def note(prefix, line):
        if log:
            log.write(prefix + line + "\n")
            log.flush()

    send(rep.get("greeting", "220 lmtp.test LMTP ready"))
    rcpts = []
    while True:
        raw = rfile.readline()
        if not raw:
            break
        line = raw.decode("latin-1").rstrip("\r\n")
        note("C: ", line)
        verb = line.split(" ")[0].upper()
        if "hang:" + verb in rep:
            time.sleep(30)
            break
        if verb == "LHLO":
            last = rep.get("lhlo", "250 IGNOREQUOTA" if opts["ignorequota"] else "250 8BITMIME")
            send("250-lmtp.test")
            send("250-PIPELINING")
            send(last)
        elif verb == "MAIL":
            rcpts = []
            send(rep.get("mail", "250 2.1.0 sender ok"))
        elif verb == "RCPT":
            lp = local_part(line)
            r = rep.get("rcpt:" + lp, "250 2.1.5 recipient ok")
            if r.startswith("2"):
                rcpts.append(lp)
            send(r)
        elif verb == "DATA":
            r = rep.get("data", "354 go ahead")
            send(r)
            if not r.startswith("3"):
                continue
            while True:
                d = rfile.readline()
                if not d:
                    return
                dl = d.decode("latin-1").rstrip("\r\n")
                note("D: ", dl)
                if dl == ".":
                    break
            if "hang:DOT" in rep:
                time.sleep(30)
                return
            for lp in rcpts:
                send(rep.get("done:" + lp, "250 2.0.0 delivered to " + lp))
        elif verb == "RSET":
            rcpts = []
            send("250 reset")
        elif verb == "QUIT":
            send("221 bye")
            break
        else:
            send("500 unknown command")
    if log:
        log.close()


def main():
    opts = parse(sys.argv[1:])
    if not opts["socket"]:
        session(sys.stdin.buffer, sys.stdout.buffer, opts)
        return
    path = opts["socket"]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o777)
    srv.listen(5)
    open(path + ".ready", "w").close()
    while True:
        conn, _ = srv.accept()
        with conn:
            f = conn.makefile("rwb")
            try:
                session(f, f, opts)
            except (BrokenPipeError, ConnectionResetError):
                pass


if __name__ == "__main__":
    main()
