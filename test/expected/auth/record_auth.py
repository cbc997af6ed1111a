#!/usr/bin/python3
"""Record the SMTP AUTH sessions of test/black/auth_cases.py from Exim 4.96:
each is played through `exim4 -C conf -bh 192.0.2.1` and the normalised
replies and authentication LOG lines are written to bh_cases.json.  Needs
root (exim4 wants a root-owned config).  Run from anywhere:
python3 test/expected/auth/record_auth.py
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "black"))
import auth_cases  # noqa: E402

out = {}
with tempfile.TemporaryDirectory() as d:
    for name, (mailauth, steps) in auth_cases.CASES.items():
        conf = os.path.join(d, "exim.conf")
        with open(conf, "w") as f:
            f.write(auth_cases.config(mailauth))
        os.chmod(conf, 0o644)
        o, e = auth_cases.play(["exim4", "-C", conf, "-bh", "192.0.2.1"], steps)
        out[name] = auth_cases.normalise(o, e)
with open(os.path.join(HERE, "bh_cases.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")

# The dovecot authenticator against a private Dovecot.
import pathlib  # noqa: E402
import dovecot_helpers  # noqa: E402

out = {}
with tempfile.TemporaryDirectory() as d:
    os.chmod(d, 0o755)   # exim4 gives up root: it must reach the socket
    with dovecot_helpers.Dovecot(pathlib.Path(d), dovecot_helpers.USERS, socket_mode="0666") as dv:
        os.chmod(dv.dir, 0o755)
        for name, (ip, steps) in dovecot_helpers.CASES.items():
            conf = os.path.join(d, "exim.conf")
            with open(conf, "w") as f:
                f.write(dovecot_helpers.exim_config(dv))
            os.chmod(conf, 0o644)
            o, e = auth_cases.play(["exim4", "-C", conf, "-bh", ip], steps, interactive=False)
            r = auth_cases.normalise(o, e)
            r["logs"] = dovecot_helpers.normalise_logs(r["logs"], dv)
            out[name] = r
with open(os.path.join(HERE, "dovecot_cases.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
