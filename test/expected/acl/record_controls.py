#!/usr/bin/python3
"""Record where each control is refused, from exim4 -bh: for each control
and each of the connect, EHLO/HELO, MAIL and RCPT ACLs, a session with
only that ACL set to "warn control = C" / "accept", noting the ACL names in
"cannot use \\"control=C\\" in <where> ACL" and "syntax error" log lines.
Writes controls_where.json.  Run as root:
python3 test/expected/acl/record_controls.py
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONTROLS = ["allow_auth_unadvertised", "caseful_local_part", "caselower_local_part",
            "cutthrough_delivery", "dkim_disable_verify", "enforce_sync", "no_enforce_sync",
            "fakedefer", "fakereject", "freeze", "freeze/no_tell", "no_callout_flush", "no_delay_flush",
            "no_multiline_responses", "no_pipelining", "queue", "queue/first_pass_route", "queue_only",
            "submission", "submission/sender_retain/domain=x.example/name=Some One",
            "suppress_local_fixups", "debug/opts=+acl", "dscp/ef", "nosuch", "freeze/bad", "queue_onlyx"]
OPTIONS = ["acl_smtp_connect", "acl_smtp_helo", "acl_smtp_mail", "acl_smtp_rcpt"]
SESSION = "helo x\nmail from:<a@b>\nrcpt to:<c@d>\nquit\n"
WHERE = re.compile(r'cannot use "control=[^"]*" in (.*?) ACL|(syntax error in "control=[^"]*")')


def run(exim, spool):
    out = {}
    for c in CONTROLS:
        found = []
        for o in OPTIONS:
            with tempfile.TemporaryDirectory() as d:
                os.chmod(d, 0o755)
                conf = os.path.join(d, "c.conf")
                with open(conf, "w") as f:
                    f.write("primary_hostname = t.example\nspool_directory = %s\n"
                            "acl_smtp_rcpt = accept\n%s = warn control = %s\\n accept\n" % (spool, o, c))
                os.chmod(conf, 0o644)
                p = subprocess.run([exim, "-C", conf, "-bh", "10.0.0.1"], input=SESSION,
                                   capture_output=True, text=True)
                for m in WHERE.finditer(p.stderr):
                    found.append(m.group(1) or m.group(2))
        out[c] = sorted(set(found))
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as s:
        os.chmod(s, 0o777)
        res = run("exim4", s)
    with open(os.path.join(HERE, "controls_where.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
