"""The -M message actions as a transcript, shared by the recorder
test/expected/queue/record_actions.py (exim4) and test_queue_actions.py
(ours).  Each case starts from the two messages of queue_cases.py (with a
msglog each) and runs its steps; the transcript holds, per step, the
command, its exit status and stdout, then the main log lines (without
time stamps), every file left on the spool and the -H files (reception
and freezing times replaced by T).  A step ("lock", id) takes an fcntl
lock on the message's -D file in this process, as a delivery would hold it.
"""
import fcntl
import os
import re
import subprocess
from pathlib import Path

import queue_cases as q

M1, M2 = q.M1, q.M2
GONE = "1xZ3vz-00026Z-00"   # a valid id with no message

CASES = {
    "freeze_thaw": [["-Mf", M1, M2], ["-Mf", M1], ["-Mt", M1], ["-Mt", M1], ["-Mt", M2, M1]],
    "remove": [["-Mrm", M1], ["-Mrm", GONE], ["-bpc"]],
    "add_recipient": [["-Mar", M1, "new@x.example", "Other <other@y.example>"],
                      ["-Mar", M2, "good@x.example", "bad address@"], ["-Mar", M2, "unq"],
                      ["-Mar", M2], ["-bp"]],
    "mark_delivered": [["-Mmd", M1, "a@b.example"], ["-Mmd", M2, "z@b.example", "not@there"],
                       ["-Mmd", M1], ["-bpa"]],
    "mark_all": [["-Mmad", M1, M2], ["-Mmad", M1], ["-bp"]],
    "edit_sender": [["-Mes", M1, "new@x.example"], ["-Mes", M2, "<>"], ["-Mes", M1, "bad@"],
                    ["-Mes", M1, "a@b.example", "c@d.example"], ["-Mes", M1], ["-Mes", M2, "unq"],
                    ["-bp"]],
    "show": [["-Mvh", M1], ["-Mvb", M2], ["-Mvl", M1], ["-Mvc", M1], ["-Mvh", M1, M2]],
    "missing": [["-Mf", GONE], ["-Mt", GONE], ["-Mmad", GONE], ["-Mar", GONE, "a@b.example"],
                ["-Mvc", GONE], ["-Mvh", GONE], ["-Mvb", GONE], ["-Mvl", GONE], ["-MG", "q2", GONE]],
    "locked": [("lock", M1), ["-Mf", M1], ["-Mrm", M1], ["-Mmad", M1], ["-Mar", M1, "x@y.example"],
               ["-Mvc", M1], ["-Mvb", M1], ["-Mf", M2, M1]],
    "move": [["-MG", "q2", M1], ["-bp", "-qGq2"], ["-bpc"], ["-qGq2", "-MG", "", M1], ["-bpc"]],
}


def _norm_h(text):
    lines = text.split("\n")
    if len(lines) > 3:
        lines[3] = re.sub(r"^\d+", "T", lines[3])
    text = "\n".join(lines)
    return re.sub(r"^-frozen \d+$", "-frozen T", text, flags=re.M)


def run_case(exim, name, d):
    d = Path(d)
    spool = d / "spool"
    q.fresh(spool)
    for m, age in ((M1, 600), (M2, 60)):
        q.install(spool, m, age=age)
        (spool / "msglog").mkdir(exist_ok=True)
        (spool / "msglog" / m).write_text("2026-12-03 10:00:00 Received from someone\n")
    conf = d / "conf"
    conf.write_text(q.conf_text(str(d)))
    os.chmod(conf, 0o644)
    out = []
    locks = []
    for step in CASES[name]:
        if isinstance(step, tuple) and step[0] == "lock":
            fd = os.open(spool / "input" / (step[1] + "-D"), os.O_RDWR)
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locks.append(fd)
            out.append("== lock %s" % step[1])
            continue
        p = subprocess.run([exim, "-C", str(conf), *step], capture_output=True, text=True, timeout=30)
        out.append("== %s -> %d" % (" ".join(step), p.returncode))
        text = _norm_h(p.stdout) if step[0] == "-Mvh" else p.stdout
        out.append(re.sub(r"^ *\d+[mhd] ", "AGE ", text, flags=re.M))
    for fd in locks:
        os.close(fd)
    log = d / "mainlog"
    lines = log.read_text().splitlines() if log.exists() else []
    out.append("== log")
    for line in lines:
        if "purging the environment" in line or line.startswith(" Suggested action"):
            continue
        out.append(re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", line))
    out.append("== files")
    files = sorted(str(p.relative_to(spool)) for p in spool.rglob("*") if p.is_file())
    out += [f for f in files if not f.startswith("db/")]
    for f in files:
        if f.endswith("-H"):
            out.append("== " + f)
            out.append(_norm_h((spool / f).read_text()))
    return "\n".join(out) + "\n"
