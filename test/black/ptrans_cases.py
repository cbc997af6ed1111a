"""Cases for the pipe, lmtp and autoreply transports, shared by the tests
(test_pipe_*.py, test_lmtp_*.py, test_autoreply_*.py) and the recorder
(test/expected/ptrans/record.py), which runs them with exim4.

Each case is one transport (and its router, local_parts = the case name)
in a configuration holding every case of its group; run_case() sends one
message to <name>@test.example with -odi and returns, normalised:
the main log lines of that message (not those of bounces), then every file
the command or transport wrote under the case directory (out-*, env-*,
once/log files), each after a "=== name" line.

Paths: everything lives under `top` (a fresh directory), written TOPDIR in
the result.  The transports run as nobody, so `top` is mode 0777 and must
be reachable by nobody (not under pytest's 0700 base directory).
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LMTP_SERVER = str(HERE / "lmtp_server.py")
PY = "/usr/bin/python3"

SINK = r"""
sink:
  driver = pipe
  command = /bin/sh -c 'cat >> TOPDIR/mbox'
  user = nobody
  envelope_to_add
  message_prefix = ===\n
  message_suffix =
"""

# name: (transport options, extra) -- extra: dict(sender=, body=, rcpts=)
PIPE = {
    "pok": "command = /bin/sh -c 'cat > TOPDIR/out-pok'",
    "penv": "command = /bin/sh -c 'env | sort > TOPDIR/out-penv; pwd >> TOPDIR/out-penv; umask >> TOPDIR/out-penv'",
    "penvo": "command = /bin/sh -c 'env | sort > TOPDIR/out-penvo'\n"
             "  environment = FOO=bar : BAZ=$sender_address\n  home_directory = /tmp\n  umask = 077",
    "ptaint": "command = /bin/echo $local_part",
    "pfalse": "command = /bin/false",
    "pnx": "command = /nonexistent/cmd arg",
    "pretfail": "command = /bin/sh -c 'cat >/dev/null; echo failing output; exit 2'\n  return_fail_output",
    "psig": "command = /bin/sh -c 'kill -9 \\$\\$'",
    "pfsig": "command = /bin/sh -c 'kill -9 \\$\\$'\n  freeze_signal",
    "pign": "command = /bin/sh -c 'exit 3'\n  ignore_status",
    "pbsmtp": "command = /bin/sh -c 'cat > TOPDIR/out-pbsmtp'\n  use_bsmtp",
    "pcrlf": "command = /bin/sh -c 'cat > TOPDIR/out-pcrlf'\n  use_crlf",
    "ppfx": "command = /bin/sh -c 'cat > TOPDIR/out-ppfx'\n  message_prefix = PRE\\n\n"
            "  message_suffix = SUF\\n\n  check_string = Sub\n  escape_string = >Sub",
    "pshell": "command = echo $local_part \"$sender_address\" > TOPDIR/out-pshell\n  use_shell",
    "ptmo": "command = /bin/sleep 5\n  timeout = 1s",
    "ptmod": "command = /bin/sleep 5\n  timeout = 1s\n  timeout_defer",
    "plogo": "command = /bin/sh -c 'echo first line; echo second'\n  log_output",
    "plogd": "command = /bin/sh -c 'echo defer line; exit 75'\n  log_defer_output",
    "plogf": "command = /bin/sh -c 'echo fail line; exit 1'\n  log_fail_output",
    "px64": "command = /bin/sh -c 'exit 64'",
    "px73": "command = /bin/sh -c 'exit 73'",
    "px78": "command = /bin/sh -c 'exit 78'",
    "px9": "command = /bin/sh -c 'exit 9'",
    "ptstar": "command = /bin/sh -c 'exit 9'\n  temp_errors = *",
    "ptlist": "command = /bin/sh -c 'exit 12'\n  temp_errors = 11 : 12",
    "prtp": "command = /bin/cat\n  restrict_to_path",
    "prtp2": "command = sh -c 'cat > TOPDIR/out-prtp2'\n  restrict_to_path",
    "pallow": "command = /bin/cat\n  allow_commands = /bin/true",
    "pallow2": "command = sh -c 'cat >/dev/null'\n  allow_commands = /bin/true : sh\n  path = /usr/bin:/bin",
    "pnocmd": "",
    "pnotfound": "command = nosuchcmd",
    "pexfail": "command = /nonexistent\n  freeze_exec_fail",
    "pbad": "command = /bin/echo ${unknownop:x}",
    "penvbad": "command = /bin/true\n  environment = ${unknownop:x}",
    "ppfxbad": "command = /bin/cat\n  message_prefix = ${unknownop:x}",
    "psfxbad": "command = /bin/cat\n  message_suffix = ${unknownop:x}",
    "pshbad": "command = /bin/echo ${unknownop:x}\n  use_shell",
    "pallowbad": "command = /bin/cat\n  allow_commands = ${unknownop:x}",
    "pmaxo": "command = /bin/sh -c 'cat >/dev/null; yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c 100000'\n  max_output = 1k",
    "pepipe": "command = /bin/true",
    "pretnull": "command = /bin/sh -c 'echo out; exit 0'\n  return_output",
    # set up before the command runs: return_path, transport_filter
    "prpbad": "command = /bin/cat\n  return_path = ${lookup{x}nosuch{y}}",
    "ptfbad": "command = /bin/cat\n  transport_filter = ${lookup{x}nosuch{y}}",
    "ptf127": "command = /bin/cat\n  transport_filter = /nonexistent/filter",
    "pretout": "command = /bin/sh -c 'cat >/dev/null; echo some output; echo line2'\n  return_output",
    "pcore": "command = /bin/sh -c 'ulimit -c > TOPDIR/out-pcore'",
    "pcore2": "command = /bin/sh -c 'ulimit -c > TOPDIR/out-pcore2'\n  permit_coredump",
    "pquote": "command = /bin/sh -c 'printf \"%s|\" \"\\$@\" > TOPDIR/out-pquote' x 'a b' \"c\\td\" e\"f",
}

PIPE_EXTRA = {
    "pretout": {"mbox": True},
    "pretfail": {"mbox": True},
    "pepipe": {"body_lines": 3000},
    "pretnull": {"sender": ""},
}

# Redirected pipes (redirect router data, the address_pipe transport).
PIPE_REDIRECT_ROUTERS = r"""
rfwd:
  driver = redirect
  local_parts = pfwd : pfwdf : pfwdx
  data = ${if eq{$local_part}{pfwd}{"|/bin/sh -c 'cat > TOPDIR/out-pfwd; env|sort >TOPDIR/env-pfwd'"}\
         {${if eq{$local_part}{pfwdx}{"|/bin/sh -c 'echo $local_part > TOPDIR/out-pfwdx'"}\
         {|/bin/false}}}}
  pipe_transport = address_pipe
rpfilt:
  driver = redirect
  local_parts = pfilt
  allow_filter
  user = nobody
  data = #Exim filter\n\
    pipe "/bin/sh -c 'echo $1 > TOPDIR/out-pfilt' x ${if eq{1}{1}{yes}{no}}"
  pipe_transport = address_pipe
rbatch:
  driver = accept
  local_parts = pb1 : pb2 : pb3
  transport = pbatch
"""
PIPE_REDIRECT_TRANSPORTS = r"""
address_pipe:
  driver = pipe
  user = nobody
pbatch:
  driver = pipe
  user = nobody
  batch_max = 10
  command = /bin/sh -c 'printf "%s|" "\$@" > TOPDIR/out-pbatch; env | grep -e LOCAL_PART -e RECIPIENT -e USER -e LOGNAME -e DOMAIN | sort >> TOPDIR/out-pbatch; cat >> TOPDIR/out-pbatch' x $pipe_addresses
  use_bsmtp
"""
PIPE_MULTI = {
    "pfwd": ["pfwd"],
    "pfwdf": ["pfwdf"],
    "pfwdx": ["pfwdx"],
    "pbatch": ["pb1", "pb2", "pb3"],
    "pfilt": ["pfilt"],
}

LMTP_REPLIES = ('--reply "rcpt:lbad=550 5.1.1 no such user" --reply "done:lfull=452 4.2.2 mailbox full" '
                '--reply "done:lrej=554 5.6.0 content rejected" --reply "rcpt:ltmp=451 4.3.0 try later"')
LMTP = {
    "lcmd": f"command = {PY} {LMTP_SERVER} --log TOPDIR/out-lcmd {LMTP_REPLIES}\n  batch_max = 10\n  ignore_quota",
    "lsock": "socket = TOPDIR/sock\n  batch_max = 10",
    "lnosock": "socket = TOPDIR/nosock",
    "lhdot": f"command = {PY} {LMTP_SERVER} --log TOPDIR/out-lhdot --reply hang:DOT=1\n  timeout = 1s",
    "lhmail": f"command = {PY} {LMTP_SERVER} --log TOPDIR/out-lhmail --reply hang:MAIL=1\n  timeout = 1s",
    "lmail5": f"command = {PY} {LMTP_SERVER} --reply 'mail=550 5.7.1 sender rejected'",
    "lmail4": f"command = {PY} {LMTP_SERVER} --reply 'mail=451 4.7.1 later'",
    "ldata5": f"command = {PY} {LMTP_SERVER} --reply 'data=554 no data'",
    "lgreet": f"command = {PY} {LMTP_SERVER} --reply 'greeting=554 go away'",
    "lnx": "command = /nonexistent/x",
    "lexit": "command = /bin/sh -c 'exit 3'",
    "lbad": "command = /bin/echo ${unknownop:x}",
    "lsockbad": "socket = ${unknownop:x}",
    "lnoiq": f"command = {PY} {LMTP_SERVER} --log TOPDIR/out-lnoiq --no-ignorequota\n  ignore_quota",
    # replies that are not LMTP: garbage, too short, a bad code, a bad continuation
    "lgarb": f"command = {PY} {LMTP_SERVER} --reply 'greeting=hello there'",
    "lshort": f"command = {PY} {LMTP_SERVER} --reply 'greeting=22'",
    "lbcode": f"command = {PY} {LMTP_SERVER} --reply 'greeting=2x0 hi'",
    "lgmail": f"command = {PY} {LMTP_SERVER} --reply 'mail=ok then'",
    "lgrcpt": f"command = {PY} {LMTP_SERVER} --reply 'rcpt:lgrcpt=25'",
    "lgdone": f"command = {PY} {LMTP_SERVER} --reply 'done:lgdone=2500 what'",
    "lglhlo": f"command = {PY} {LMTP_SERVER} --reply 'lhlo=250+x'",
    # set up before the command runs
    "lrpbad": "command = /bin/cat\n  return_path = ${lookup{x}nosuch{y}}",
    "ltfbad": "command = /bin/cat\n  transport_filter = ${lookup{x}nosuch{y}}",
    # the peer stops reading after LHLO: MAIL cannot be written
    "lwerr": "command = /bin/sh -c 'echo 220 hi; read x; exec 0<&-; echo 250 ok; sleep 2'",
}
LMTP_MULTI = {
    "lcmd": ["lok", "lbad", "lfull", "lrej", "ltmp"],
    "lsock": ["lsok", "lsbad", "lsfull"],
}
LMTP_SOCKET_REPLIES = ["--reply", "rcpt:lsbad=550 nope", "--reply", "done:lsfull=452 full"]

AUTOREPLY = {
    "aok": "from = aok@test.example\n  to = $sender_address\n  cc = cc1@test.example\n  bcc = bcc1@test.example\n"
           "  reply_to = noreply@test.example\n  subject = Re: $h_subject:\n  headers = X-Extra: yes\\nX-Two: 2\n"
           "  text = Thanks for your message.\\n\n  file = TOPDIR/ar-file\n  log = TOPDIR/out-aok-log\n"
           "  once = TOPDIR/out-aok-once",
    "aret": "to = $sender_address\n  subject = copy\n  text = see attached\n  return_message\n"
            "  once = TOPDIR/out-aret-once\n  once_file_size = 200",
    "aretbig": "to = $sender_address\n  subject = copy\n  text = see attached\n  return_message",
    "abadhdr": "to = $sender_address\n  subject = bad\\x01subject\n  text = t",
    "abadexp": "to = $sender_address\n  subject = ${unknownop:x}\n  text = t",
    "anever": "to = other@test.example\n  subject = never\n  text = x\n  never_mail = other@test.example",
    "afile": "to = $sender_address\n  subject = file\n  file = TOPDIR/ar-file2\n  file_expand\n  from = Auto Reply <ar@test.example>",
    "anofile": "to = $sender_address\n  subject = nofile\n  text = t\n  file = TOPDIR/none\n  file_optional",
    "anofile2": "to = $sender_address\n  subject = nofile\n  text = t\n  file = TOPDIR/none",
    "anull": "to = $sender_address\n  subject = to nobody\n  text = t",
    # the submitting "exim -t" fails (-oem: an unparsable recipient)
    "asubfail": "to = bad address@@x\n  subject = fails\n  text = t",
    # once files that cannot be used: a missing directory, a directory, a
    # plain file that is not a DBM file, the same with once_file_size
    "aoncemiss": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/nodir/once",
    "aoncedir": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/log",
    "aoncebad": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/ar-file",
    "aoncemisss": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/nodir/once\n"
                  "  once_file_size = 100",
    # options that fail to expand
    "axto": "to = ${lookup{x}nosuch{y}}\n  subject = s\n  text = t",
    "axfile": "to = $sender_address\n  subject = s\n  file = ${lookup{x}nosuch{y}}",
    "axonce": "to = $sender_address\n  subject = s\n  text = t\n  once = ${lookup{x}nosuch{y}}",
    "axlog": "to = $sender_address\n  subject = s\n  text = t\n  log = ${lookup{x}nosuch{y}}",
    "axnever": "to = $sender_address\n  subject = s\n  text = t\n  never_mail = ${lookup{x}nosuch{y}}",
    "axrepeat": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/out-axrepeat-once\n"
                "  once_repeat = ${lookup{x}nosuch{y}}",
    "axnoto": "subject = s\n  text = t",
    "aoncedirs": "to = $sender_address\n  subject = s\n  text = t\n  once = TOPDIR/log\n  once_file_size = 100",
}
AUTOREPLY_EXTRA = {
    "aok": {"repeat": 2},
    "aret": {"repeat": 2},
    "anull": {"sender": ""},
    "aretbig": {"body_lines": 20},
}


# A filter's mail command: the reply data travels with the address and the
# transport's options are not used.
AUTOREPLY_FILTER_ROUTER = r"""
rfilter:
  driver = redirect
  local_parts = afilter : avacation
  allow_filter
  user = nobody
  data = #Exim filter\n\
    if $local_part is afilter then\n\
    mail to $sender_address cc other@test.example subject "Re: $h_subject:" \
      text "auto text\\nline two" expand file TOPDIR/ar-file2 \
      log TOPDIR/out-afilter-log once TOPDIR/out-afilter-once\n\
    else\n\
    vacation to $sender_address subject "away" text "I am away" \
      once TOPDIR/out-avacation-once log TOPDIR/out-avacation-log\n\
    endif
  reply_transport = t_filter_reply
"""
AUTOREPLY_FILTER = {"afilter": ["afilter"], "avacation": ["avacation"]}


def group_of(name):
    if name in AUTOREPLY_FILTER:
        return "autoreply"
    if name in PIPE_MULTI:
        return "pipe"
    for g, cases in (("pipe", PIPE), ("lmtp", LMTP), ("autoreply", AUTOREPLY)):
        if name in cases:
            return g
    raise KeyError(name)


def make_conf(group, top, exim4=True):
    """The configuration of a group.  Autoreply runs as Debian-exim (exim4's
    own user, trusted) under exim4; ours is not setuid, so there it runs as
    daemon, made a trusted user, and a retry rule keeps a reply that its
    submitting process could not deliver (it cannot change uid) on the queue
    for the queue run that follows (run_case)."""
    cases = {"pipe": PIPE, "lmtp": LMTP, "autoreply": AUTOREPLY}[group]
    conf = ["keep_environment =", f"spool_directory = {top}/spool", f"log_file_path = {top}/log/%slog",
            "primary_hostname = test.example"]
    if group == "autoreply":
        conf.append("bounce_return_size_limit = 300")
    if group == "autoreply" and not exim4:
        conf.append("trusted_users = daemon")
    conf += ["", "begin routers",
            "rsink:\n  driver = accept\n  local_parts = root : sender : other : cc1 : bcc1\n  transport = sink"]
    if group == "pipe":
        conf.append(PIPE_REDIRECT_ROUTERS)
    if group == "autoreply":
        conf.append(AUTOREPLY_FILTER_ROUTER)
    tr = ["begin transports", SINK]
    if group == "pipe":
        tr.append(PIPE_REDIRECT_TRANSPORTS)
    multi = {"pipe": PIPE_MULTI, "lmtp": LMTP_MULTI}.get(group, {})
    user = ("Debian-exim" if exim4 else "daemon") if group == "autoreply" else "nobody"
    for name, opts in cases.items():
        if name in PIPE_MULTI:
            continue
        lps = " : ".join(multi.get(name, [name]))
        conf.append(f"r_{name}:\n  driver = accept\n  local_parts = {lps}\n  transport = t_{name}")
        driver = {"pipe": "pipe", "lmtp": "lmtp", "autoreply": "autoreply"}[group]
        body = f"t_{name}:\n  driver = {driver}\n  user = {user}\n"
        if opts:
            body += f"  {opts}\n"
        tr.append(body)
    if group == "autoreply":
        tr.append(f"t_filter_reply:\n  driver = autoreply\n  user = {user}\n  to = never@test.example\n")
    text = "\n".join(conf) + "\n\n" + "\n".join(tr) + "\n"
    if group == "autoreply":
        text += "\nbegin retry\n* * F,1d,1d\n"
    return text.replace("TOPDIR", str(top))


_NORM = [
    (re.compile(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b"), "MSGID"),
    (re.compile(r"<E[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@"), "<EMSGID@"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "DATE"),
    (re.compile(r"[A-Z][a-z][a-z], \d\d [A-Z][a-z][a-z] \d{4} \d\d:\d\d:\d\d [-+]\d{4}"), "RFCDATE"),
    (re.compile(r"[A-Z][a-z][a-z] [A-Z][a-z][a-z] \d\d \d\d:\d\d:\d\d \d{4}"), "BSDDATE"),
    (re.compile(r"boundary=\S+"), "boundary=B"),
    (re.compile(r"\d+-eximdsn-\d+"), "BOUNDARY"),
    (re.compile(r"^(TZ|_|SHLVL|OLDPWD)=.*\n", re.M), ""),
    # the autoreply's user (see make_conf)
    (re.compile(r"\b(Debian-exim|daemon)(?=@test\.example| by test\.example)"), "ARUSER"),
]


def normalise(text, top):
    text = text.replace(str(top), "TOPDIR")
    for rx, rep in _NORM:
        text = rx.sub(rep, text)
    return text


def _prepare(top, group, exim4):
    if top.exists():
        shutil.rmtree(top)
    top.mkdir(parents=True)
    os.chmod(top, 0o777)
    for d in ("log", "spool", "spool/input", "spool/msglog", "spool/db"):
        (top / d).mkdir(exist_ok=True)
        os.chmod(top / d, 0o777)
        if exim4:
            shutil.chown(top / d, "Debian-exim")
    # processes that run as the delivery user (the autoreply's "exim -t")
    # log too: without a setuid binary they need a writable log file
    for f in ("mainlog", "paniclog", "rejectlog"):
        (top / "log" / f).touch()
        os.chmod(top / "log" / f, 0o666)
        if exim4:
            shutil.chown(top / "log" / f, "Debian-exim")
    (top / "ar-file").write_text("file line 1\nfile line 2\n")
    (top / "ar-file2").write_text("Dear $local_part,\nyour message $h_subject: arrived.\n")
    conf = top / "exim.conf"
    conf.write_text(make_conf(group, top, exim4))
    conf.chmod(0o644)
    return conf


def _message(name, extra):
    lines = ["Subject: hello there", "Message-ID: <orig@x.example>", "", "body", "Subject line", ".x"]
    n = extra.get("body_lines")
    if n:
        lines += [f"body line {i} xxxxxxxxxxxxxxxxxxxxxxxxxxx" for i in range(n)]
    return "\n".join(lines) + "\n"


def _start_socket_server(top):
    sock = top / "sock"
    p = subprocess.Popen([PY, LMTP_SERVER, "--socket", str(sock), "--log", str(top / "out-lsock")]
                         + LMTP_SOCKET_REPLIES)
    deadline = time.time() + 10
    while not (top / "sock.ready").exists() and time.time() < deadline:
        time.sleep(0.02)
    return p


def wait_for_processes(conf, timeout=10):
    """Wait (bounded) until no process runs with -C conf: deliveries that go
    on in the background (bounces) would otherwise write into the directory
    after the caller has removed it."""
    key = str(conf).encode()
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = False
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if key in f.read():
                        busy = True
                        break
            except OSError:
                continue
        if not busy:
            return
        time.sleep(0.02)


def run_case(binary, name, top):
    """Run case `name` with `binary` in directory `top`; the normalised text."""
    top = Path(top)
    group = group_of(name)
    exim4 = binary.endswith("exim4")
    conf = _prepare(top, group, exim4)
    extra = {**PIPE_EXTRA, **AUTOREPLY_EXTRA, "afilter": {"repeat": 2}, "avacation": {"repeat": 2}}.get(name, {})
    rcpts = {**PIPE_MULTI, **LMTP_MULTI}.get(name, [name])
    server = _start_socket_server(top) if name == "lsock" else None
    out = []
    try:
        for _ in range(extra.get("repeat", 1)):
            sender = extra.get("sender", "sender@test.example")
            p = subprocess.run([binary, "-C", str(conf), "-odi", "-f", sender]
                               + [f"{r}@test.example" for r in rcpts],
                               input=_message(name, extra), capture_output=True, text=True, timeout=60)
            if p.returncode:
                out.append(f"rc={p.returncode}")
    finally:
        if server:
            server.kill()
            server.wait()
    wait_for_processes(conf)
    if group == "autoreply" and not exim4:
        # replies the submitting process could not deliver (see make_conf)
        logtext = (top / "log" / "mainlog").read_text()
        replies = re.findall(r"^\S+ \S+ (\S+) <= .* R=", logtext, re.M)
        if replies:
            subprocess.run([binary, "-C", str(conf), "-M"] + replies, capture_output=True, timeout=60)
    # Deliveries of the generated message (autoreply) may run in the
    # background after the submitting process ends: wait for them.
    log = top / "log" / "mainlog"
    deadline = time.time() + 10
    while True:
        text = log.read_text() if log.exists() else ""
        if (group != "autoreply" and not extra.get("mbox")) or time.time() > deadline or \
                text.count(" <= ") <= text.count(" Completed"):
            break
        time.sleep(0.05)
    first_ids = []
    for line in text.splitlines():
        m = re.match(r"\S+ \S+ (\S+) <= ", line)
        if m and " R=" not in line:     # not a bounce or an autoreply
            first_ids.append(m.group(1))
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2] not in first_ids:
            continue
        rest = parts[3]
        if rest.startswith("<=") or rest == "Completed" or rest.endswith("retry timeout exceeded") \
                or rest.startswith("Frozen"):
            continue
        out.append(rest)
    files = sorted(f for f in os.listdir(top) if f.startswith(("out-", "env-"))
                   or (f == "mbox" and (group == "autoreply" or extra.get("mbox"))))
    for f in files:
        data = (top / f).read_bytes()
        if f.endswith("-once"):
            out.append(f"=== {f} ({len(data) > 0 and 'present'})")
            continue
        text = data.decode("latin-1").replace("\r", "\\r")
        if f == "mbox" and group != "autoreply":
            # bounces: exim4 submits them as its user, ours (not setuid) as root
            text = re.sub(r"^Received: from (Debian-exim|root) by", "Received: from BOUNCEUSER by", text,
                          count=1, flags=re.M)
        if f == "mbox" and group == "autoreply":   # the autoreplies only, not bounces
            text = "".join("===\n" + m for m in text.split("===\n")[1:] if "X-Failed-Recipients:" not in m)
        out.append(f"=== {f}")
        out.append(text)
    return normalise("\n".join(out) + "\n", top)


ALL_CASES = list(PIPE) + list(PIPE_MULTI) + list(LMTP) + list(AUTOREPLY) + list(AUTOREPLY_FILTER)

if __name__ == "__main__":
    print(run_case(sys.argv[1], sys.argv[2], sys.argv[3]), end="")
