"""Queue runs (-q and its flags, -R, -S, -q id id, -qG, -M, -Mc, -Mg) as a
transcript, shared by test/expected/queue/record_runs.py (exim4) and
test_queue_run.py (ours).  Each case receives its messages with the
program under test (-odq), then runs its steps; the transcript holds each
step's command, exit status and output, the main log lines (time stamps,
pids and message ids replaced: ids become M1, M2 ... in order of
reception) and the mailboxes' Subject: lines.  queue_run_in_order makes
the order of deliveries fixed.  Deliveries run as nobody into a 0777
directory (exim4's Debian build refuses root as a delivery user).  The N_*
and flags cases use -N (deliveries only logged) or frozen messages, so
that they exercise the runner without the transports.
"""
import os
import re
import subprocess
from pathlib import Path

CONF = """exim_user = root
exim_group = root
spool_directory = {d}/spool
log_file_path = {d}/%slog
primary_hostname = test.example
qualify_domain = test.example
queue_run_in_order = true
{extra}
begin routers
defer_some:
  driver = redirect
  domains = defer.example
  allow_defer
  data = :defer: not now
local:
  driver = accept
  domains = local.example : other.example
  local_parts = a : b : c
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = {d}/mail/$local_part_data
  user = nobody
begin retry
* * F,1h,10m
"""

# (sender, recipients, subject)
MSGS = {
    "three": [("s@x.example", ["a@local.example"], "one"),
              ("t@y.example", ["b@other.example"], "two"),
              ("", ["c@local.example", "d@defer.example"], "three")],
    "plain": [("s@x.example", ["a@local.example"], "one"),
              ("t@y.example", ["b@other.example"], "two"),
              ("", ["c@local.example"], "three")],
}

CASES = {
    "q": ("three", [["-q"]]),
    "qf_frozen": ("three", [["-Mf", "M1"], ["-qf"], ["-bpc"], ["-qff"], ["-bpc"]]),
    "R": ("three", [["-R", "OTHER.example"], ["-bpc"]]),
    "Rr": ("three", [["-Rr", "^c@"], ["-bpc"]]),
    "Rf": ("three", [["-Rf", "local"]]),
    "S": ("three", [["-S", "x.example"], ["-Sr", "^$"], ["-bpc"]]),
    "qi": ("three", [["-qi"], ["-qi"], ["-bpc"]]),
    "q_ids": ("three", [["-q", "M2", "M2"], ["-bpc"], ["-q", "M3"], ["-bpc"]]),
    "qG": ("three", [["-qGslow"], ["-bpc"]]),
    "M": ("three", [["-Mf", "M1"], ["-Mc", "M1"], ["-M", "M1", "M2"], ["-bpc"]]),
    "qq": ("three", [["-qq"]]),
    "Mg": ("plain", [["-Mg", "M1"], ["-Mg", "M3"], ["-bpc"]]),
    # -N: deliveries are only logged ("*>"), which needs no transport code
    "N_q": ("plain", [["-N", "-q"], ["-bpc"]]),
    "N_R": ("plain", [["-N", "-R", "OTHER.example"], ["-N", "-Rr", "^c@"], ["-N", "-S", "y.example"],
                      ["-bpc"]]),
    "N_frozen": ("plain", [["-Mf", "M1"], ["-N", "-R", "local"], ["-N", "-qf"], ["-N", "-qi"],
                           ["-N", "-qff", "-S", "x.example"]]),
    "N_ids": ("plain", [["-N", "-q", "M2", "M2"], ["-N", "-qi", "M2"], ["-N", "-M", "M1"], ["-bpc"]]),
    "flags": ("plain", [["-Mf", "M1"], ["-Mf", "M2"], ["-Mf", "M3"], ["-qqil"], ["-qf", "-R", "x"],
                        ["-Rff", "nomatch"], ["-Sr", "^nomatch$"], ["-qGslow"], ["-qGslow", "-Rf", "y"],
                        ["-qfl"]]),
    "ql": ("three", [["-ql"]]),
}


def run_case(exim, name, d):
    d = Path(d)
    msgs, steps = CASES[name]
    (d / "mail").mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o755)
    os.chmod(d / "mail", 0o777)
    conf = d / "conf"
    conf.write_text(CONF.format(d=d, extra=""))
    os.chmod(conf, 0o644)
    ids = []
    for sender, rcpts, subject in MSGS[msgs]:
        p = subprocess.run([exim, "-C", str(conf), "-odq", "-f", sender or "<>", *rcpts],
                           input=f"Subject: {subject}\n\nbody of {subject}\n",
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
    log = d / "mainlog"
    for line in log.read_text().splitlines():
        m = re.search(r" (\S{6}-\S{6}-\S{2}) <= ", line)
        if m:
            ids.append(m.group(1))
    names = {i: "M%d" % (k + 1) for k, i in enumerate(ids)}
    out = []
    for step in steps:
        args = [next((i for i, n in names.items() if n == a), a) for a in step]
        p = subprocess.run([exim, "-C", str(conf), *args], capture_output=True, text=True, timeout=60)
        out.append("== %s -> %d" % (" ".join(step), p.returncode))
        # -N implies -v: its debugging-style trace on stderr is not compared
        text = "stdout: " + p.stdout + "\nstderr: " + ("(-v)" if "-N" in step else p.stderr)
        for i, n in names.items():
            text = text.replace(i, n)
        out.append(re.sub(r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", text))
    out.append("== log")
    for line in log.read_text().splitlines():
        if "purging the environment" in line or line.startswith(" Suggested action"):
            continue
        line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", line)
        line = re.sub(r"pid=\d+", "pid=N", line).replace(str(d), "DIR")
        for i, n in names.items():
            line = line.replace(i, n)
        line = re.sub(r"\b\S{6}-\S{6}-\S{2}\b", "ID", line)    # bounces
        if " <= " in line and line.startswith("M"):
            continue
        out.append(line)
    out.append("== mail")
    for f in sorted((d / "mail").iterdir()):
        subjects = re.findall(r"^Subject: (.*)$", f.read_text(), re.M)
        out.append("%s: %s" % (f.name, " ".join(subjects)))
    return "\n".join(out) + "\n"
