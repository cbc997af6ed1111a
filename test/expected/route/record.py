#!/usr/bin/python3
"""Record exim4's answers to -bt / -bv / -bvs for the routing tests.

Run as root on a machine with Exim 4.96 as /usr/sbin/exim4:
    test/expected/route/record.py
writes test/expected/route/cases.json: one entry per case with the config
name, the command-line options, the standard input, and exim4's stdout and
exit code.  Configs are in configs/*.conf with @DIR@ standing for a scratch
directory (aliases files, require_files targets), which the replay
(test/black/test_route_bt.py) fills with the same files.
"""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXIM4 = "/usr/sbin/exim4"

# Files every config may refer to under @DIR@.
FILES = {
    "aliases": "postmaster: root\nmulti: root, nobody\nsingle: bad@test.example\n"
               "multibad: bad@test.example, bad2@test.example\nfail: :fail: go away\n"
               "bh: :blackhole:\nchain: multi\nmix: root, y@man4.example, nobody, bad@test.example\n",
    "exists": "",
    "domains": "lk.example: lkdata\n",
    "users": "alice: alicedata\n",
    "qp": "case $1 in\n"
          "acc) echo ACCEPT ;;\n"
          "acct) echo accept transport=local2 ;;\n"
          "accbad) echo accept transport=nosuch ;;\n"
          "acch) echo 'ACCEPT TRANSPORT=remote HOSTS=192.0.2.1:192.0.2.2::26 LOOKUP=byname' ;;\n"
          "accl) echo 'accept hosts=a.b.c:d.e.f' ;;\n"
          "accd) echo 'accept data=\"rule 1\"' ;;\n"
          "dec) echo decline ;;\n"
          "pass) echo PASS ;;\n"
          "fail) echo FAIL no such user here ;;\n"
          "failq) echo fail ;;\n"
          "defer) echo DEFER try later ;;\n"
          "freeze) echo FREEZE frozen ;;\n"
          "redir) echo 'REDIRECT a@x.example, b@y.example' ;;\n"
          "bad) echo WHATEVER x ;;\n"
          "empty) ;;\n"
          "exit) exit 3 ;;\n"
          "whoami) echo accept data=$(id -u) ;;\n"
          "*) echo ACCEPT ;;\n"
          "esac\n",
}

LOCAL = ["root@test.example", "nobody@test.example", "ROOT@Test.Example", "root", "x@test.example",
         "Root <root@test.example>", "a b@c", "@x"]

# (config, options, arguments, stdin, xfail-reason-or-None)
CASES = []


def case(conf, opts, args, stdin=None, xfail=None, stderr=False):
    CASES.append({"conf": conf, "opts": opts, "args": args, "stdin": stdin, "xfail": xfail,
                  "stderr": stderr})


STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)


# generic options on accept routers
for a in LOCAL + ["u@pfx.example", "a-u@pfx.example", "b-c-u+s@pfx.example", "u+x@pfx.example",
                  "u@lk.example", "u@other.example", "alice@lp.example", "bob@lp.example",
                  "u@snd.example", "u@rf.example", "u@rfn.example", "u@cond.example",
                  "no@more.example", "u@more.example", "u@vo.example", "u@nv.example",
                  "u@fv.example", "u@set.example", "u@home.example", "Root@case.example",
                  "root@case.example", "u@unseen.example", "u@badtr.example", "u@exptr.example",
                  "u@condfail.example"]:
    case("generic", ["-bt"], [a])
    case("generic", ["-bv"], [a])
    case("generic", ["-bvs"], [a])
case("generic", ["-bt", "-f", "special@snd.example"], ["u@snd.example"])
case("generic", ["-bv", "-f", "special@snd.example"], ["u@snd.example"])
case("generic", ["-bt"], ["root@test.example", "x@test.example", "", "u@pfx.example"])
case("generic", ["-bv"], ["root@test.example", "u@pfx.example"])
case("generic", ["-bt"], [], "root@test.example\nx@test.example\n\n  nobody@test.example  \n")
case("generic", ["-bv"], [], "root\nbad address\nu@cond.example\n")

# manualroute and ipliteral
for a in ["y@m1.example", "y@m3.example", "y@m4.example", "y@m5.example", "y@m6.example",
          "y@m7.example", "y@m8.example", "y@m9.example", "y@m10.example", "y@self.example",
          "y@selfsend.example", "y@selfpass.example", "y@selffail.example", "y@selfdefer.example",
          "y@selfre.example", "y@nohost.example", "y@hffpass.example", "y@hffdecline.example",
          "y@hfffail.example", "y@hffignore.example", "y@rd.example", "y@rdx.example",
          "y@[192.0.2.1]", "y@[127.0.0.1]", "y@[IPv6:2001:db8::1]", "y@[300.1.1.1]",
          "y@[192.0.2.77]"]:
    case("hosts", ["-bt"], [a])
    case("hosts", ["-bv"], [a])

# pass_router, debug_print and errors_to, with stderr compared
for a in ["y@sp.example", "yes@dp.example", "no@dp.example", "u@err.example"]:
    case("generic2", ["-bt"], [a], stderr=True)
    case("generic2", ["-bv"], [a], stderr=True)

# queryprogram
for a in ["acc", "acct", "accbad", "acch", "accl", "accd", "dec", "pass", "fail", "failq", "defer",
          "freeze", "redir", "bad", "empty", "exit"]:
    case("query", ["-bt"], [a + "@q.example"])
    case("query", ["-bv"], [a + "@q.example"])
case("query", ["-bt"], ["acc@t.example"])

# redirection (the redirect router's runtime: helper B)
for a in ["postmaster@test.example", "multi@test.example", "single@test.example",
          "multibad@test.example", "fail@test.example", "bh@test.example", "chain@test.example",
          "mix@test.example", "root@test.example", "root@rr.example", "postmaster@rr.example"]:
    case("redirect", ["-bt"], [a])
    case("redirect", ["-bv"], [a])

# -v with -bv shows the routing as -bt does
case("hosts", ["-v", "-bv"], ["y@m7.example", "y@nohost.example", "y@[192.0.2.1]"])
case("redirect", ["-v", "-bv"], ["multibad@test.example", "multi@test.example"])

# Exim's default configuration (aliases file moved under @DIR@)
for a in ["root@test.example", "nobody@test.example", "postmaster@test.example",
          "nosuchuser@test.example", "root", "user@[192.0.2.1]"]:
    case("default", ["-bt"], [a])
    case("default", ["-bv"], [a])
# (remote domains: test/expected/dnslookup/, inside a DNS world of their own)


def default_conf():
    text = Path("/work/shared/reference/exim-4.96-example.conf").read_text()
    text = text.replace("/etc/aliases", "@DIR@/aliases")
    return "primary_hostname = test.example\n" + text


def main():
    # Inside a DNS world of nothing but the root zone: host names never
    # reach this machine's resolver, and its interfaces are not "local".
    sys.path.insert(0, str(HERE.parents[1] / "black"))
    from dnsworld import DnsWorld
    with DnsWorld({}) as w:
        record(w.prefix())


def record(prefix):
    d = Path(tempfile.mkdtemp(prefix="route-rec-"))
    os.chmod(d, 0o755)
    for k, v in FILES.items():
        (d / k).write_text(v)
        os.chmod(d / k, 0o644)
    confs = {}
    for p in sorted((HERE / "configs").glob("*.conf")):
        confs[p.stem] = p.read_text()
    (HERE / "configs" / "default.conf").write_text(default_conf())
    confs["default"] = default_conf()
    out = []
    for c in CASES:
        cp = d / (c["conf"] + ".conf")
        cp.write_text(confs[c["conf"]].replace("@DIR@", str(d)))
        os.chmod(cp, 0o644)
        r = subprocess.run(prefix + [EXIM4, "-C", str(cp)] + c["opts"] + c["args"],
                           input=c["stdin"] or "", capture_output=True, text=True)
        e = dict(c)
        e["out"] = r.stdout.replace(str(d), "@DIR@")
        e["rc"] = r.returncode
        if c["stderr"]:
            e["err"] = STAMP.sub("", r.stderr.replace(str(d), "@DIR@"))
        out.append(e)
    (HERE / "cases.json").write_text(json.dumps(out, indent=1) + "\n")
    shutil.rmtree(d)
    print(f"{len(out)} cases recorded", file=sys.stderr)


if __name__ == "__main__":
    main()
