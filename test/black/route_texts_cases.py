"""Routing failures whose texts, error numbers and log lines must be
exim4's: an expanded router user/group that is empty, unknown or fails to
expand (logged to the main and panic logs, deferred with error -1 before
any transport is named, also for a redirect router that needs no user), a
tainted redirect file name (error -1), a transport name expanded from
tainted data (the panic line carries the message id) and a ":fail:" text
with a newline (kept whole).  A second configuration (CONF_BT, -bt
only) has routers whose options fail to expand (address_data, errors_to,
headers_add/remove, transport, the preconditions' lists, manualroute's
hosts and route_data, a redirect's pipe_transport) and queryprogram
answers.  A third (CONF_DATA, -bt) shows $local_part_data and
$domain_data after a list item matched and after an implicit match (a list
ending in a negated item): empty then.  A fourth (CONF_MISC, -bt): more,
router_home_directory, require_files, debug_print that fail, and
cannot_route_message taken from the last router considered.  A fifth
(CONF_FWD, -odi): a redirect file that cannot be used (mode, owner, not a
file, missing directory, syntax errors) and filters that freeze, fail,
defer or go wrong: the error numbers.

Shared by test_route_texts.py (ours) and test/expected/route_texts/record.py
(exim4).  One message with -odi to every
case's address (a retry rule keeps the deferred ones on the queue; the
bounce for the ":fail:" goes to a file), plus -bt of the same addresses;
what is compared: the first message's main log lines but "<=" (sorted: the
order is the delivery process's business), the panic log, and -bt's
output.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

from ptrans_cases import wait_for_processes

ADDRS = ["uempty", "gempty", "unone", "ubad", "gbad", "rd", "ftaint", "ttaint", "failnl", "defernl"]

CONF = """\
primary_hostname = test.ex
qualify_domain = test.ex
never_users =
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
begin routers
r_uempty:
  driver = accept
  local_parts = uempty
  user = ${if eq{1}{1}{}{x}}
  transport = t_file
r_gempty:
  driver = accept
  local_parts = gempty
  user = nobody
  group = ${if eq{1}{1}{}{x}}
  transport = t_file
r_unone:
  driver = accept
  local_parts = unone
  user = ${if eq{1}{1}{nosuchuser}{x}}
  transport = t_file
r_ubad:
  driver = accept
  local_parts = ubad
  user = ${if eq{1}{1}{${lookup{x}nosuch{y}}}{x}}
  transport = t_file
r_gbad:
  driver = accept
  local_parts = gbad
  user = nobody
  group = ${if eq{1}{1}{${lookup{x}nosuch{y}}}{x}}
  transport = t_file
r_rd:
  driver = redirect
  local_parts = rd
  user = ${if eq{1}{1}{}{x}}
  data = :blackhole:
r_ftaint:
  driver = redirect
  local_parts = ftaint
  file = @DIR@/$local_part
r_ttaint:
  driver = accept
  local_parts = ttaint
  transport = t_$local_part
r_failnl:
  driver = redirect
  local_parts = failnl : defernl
  allow_fail
  allow_defer
  data = ${if eq{$local_part}{failnl}{:fail:}{:defer:}} line one\\nline two\\n  user1
r_sink:
  driver = accept
  local_parts = s
  transport = t_file
begin transports
t_file:
  driver = appendfile
  file = @DIR@/mail/sink
  user = nobody
t_ttaint:
  driver = appendfile
  file = @DIR@/mail/sink
  user = nobody
begin retry
* * F,1d,1d
"""

ADDRS_BT = ["ad", "et", "ha", "hr", "tr", "trn", "qp", "qp2", "qp3", "qp4", "qp5", "mr", "mr2", "ckl", "lp",
            "snd", "dm", "cd", "rdx", "x@lpx.test"]

CONF_BT = """\
primary_hostname = test.ex
qualify_domain = test.ex
never_users =
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
begin routers
r_ad:
  driver = accept
  local_parts = ad
  address_data = ${lookup{x}nosuch{y}}
  transport = t_file
r_et:
  driver = accept
  local_parts = et
  errors_to = ${lookup{x}nosuch{y}}
  transport = t_file
r_ha:
  driver = accept
  local_parts = ha
  headers_add = ${lookup{x}nosuch{y}}
  transport = t_file
r_hr:
  driver = accept
  local_parts = hr
  headers_remove = ${lookup{x}nosuch{y}}
  transport = t_file
r_tr:
  driver = accept
  local_parts = tr
  transport = ${lookup{x}nosuch{y}}
r_trn:
  driver = accept
  local_parts = trn
  transport = ${if eq{1}{1}{nosuchtransport}}
r_qp:
  driver = queryprogram
  local_parts = qp
  command = /bin/false
  command_user = nobody
r_qp2:
  driver = queryprogram
  local_parts = qp2
  command = /bin/echo garbage
  command_user = nobody
r_qp3:
  driver = queryprogram
  local_parts = qp3
  command = /nonexistent/prog
  command_user = nobody
r_qp4:
  driver = queryprogram
  local_parts = qp4
  command = /bin/echo FAIL custom text
  command_user = nobody
r_qp5:
  driver = queryprogram
  local_parts = qp5
  command = /bin/echo DEFER
  command_user = nobody
r_mr:
  driver = manualroute
  local_parts = mr
  route_list = * ${lookup{x}nosuch{y}}
  transport = t_file
r_mr2:
  driver = manualroute
  local_parts = mr2
  route_data = ${lookup{x}nosuch{y}}
  transport = t_file
r_ckl:
  driver = accept
  local_parts = ckl
  check_local_user
  transport = t_file
r_lpsuf:
  driver = accept
  local_parts = lp
  local_part_suffix = ${lookup{x}nosuch{y}}
  transport = t_file
r_sender:
  driver = accept
  local_parts = snd
  senders = ${lookup{x}nosuch{y}}
  transport = t_file
r_cond:
  driver = accept
  local_parts = cd
  condition = ${lookup{x}nosuch{y}}
  transport = t_file
r_rd:
  driver = redirect
  local_parts = rdx
  data = |/bin/cat
  pipe_transport = ${lookup{x}nosuch{y}}
r_lpx:
  driver = accept
  domains = lpx.test
  local_parts = ${lookup{x}nosuch{y}}
  transport = t_file
r_dom:
  driver = accept
  local_parts = dm
  domains = ${lookup{x}nosuch{y}}
  transport = t_file
r_sink:
  driver = accept
  local_parts = s
  transport = t_file
begin transports
t_file:
  driver = appendfile
  file = @DIR@/mail/sink
  user = nobody
"""

CONF_DATA = """\
primary_hostname = test.ex
begin routers
r2:
  driver = accept
  local_parts = lit : *ld : ^re.* : !nn
  domains = test.ex : *.ex : !z
  transport = t_$local_part_data:$domain_data
begin transports
"""
ADDRS_DATA = ["lit@test.ex", "wild@a.ex", "regex@test.ex", "oth@q"]

CONF_MISC = """\
primary_hostname = test.ex
qualify_domain = test.ex
never_users =
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
begin routers
r_more:
  driver = accept
  local_parts = more
  more = ${lookup{x}nosuch{y}}
  transport = t_file
r_rhd:
  driver = accept
  local_parts = rhd
  router_home_directory = ${lookup{x}nosuch{y}}
  transport = t_file
r_thd:
  driver = accept
  local_parts = thd
  transport_home_directory = ${lookup{x}nosuch{y}}
  transport = t_file
r_rf:
  driver = accept
  local_parts = rf
  require_files = ${lookup{x}nosuch{y}}
  transport = t_file
r_rf2:
  driver = accept
  local_parts = rf2
  require_files = relative/path
  transport = t_file
r_crm:
  driver = accept
  local_parts = crm
  domains = nowhere.ex
  cannot_route_message = ${lookup{x}nosuch{y}}
  transport = t_file
r_fb:
  driver = manualroute
  local_parts = fb
  route_list = * 192.0.2.1
  fallback_hosts = ${lookup{x}nosuch{y}}
  transport = t_file
r_self:
  driver = manualroute
  local_parts = self
  route_list = * 127.0.0.1
  self = fail
  transport = t_file
r_self2:
  driver = manualroute
  local_parts = self2
  route_list = * 127.0.0.1
  transport = t_file
r_dbg:
  driver = accept
  local_parts = dbg
  debug_print = ${lookup{x}nosuch{y}}
  transport = t_file
r_ptr:
  driver = accept
  local_parts = ptr
  pass_router = r_sink
  transport = t_file
r_vrfy:
  driver = accept
  local_parts = vrfy
  verify_only
  transport = t_file
r_sink:
  driver = accept
  local_parts = s
  transport = t_file
begin transports
t_file:
  driver = appendfile
  file = @DIR@/mail/sink
  user = nobody
"""
ADDRS_MISC = ["more", "rhd", "thd", "rf", "rf2", "crm", "fb", "self", "self2", "dbg", "vrfy"]

CONF_FWD = """\
primary_hostname = test.ex
qualify_domain = test.ex
never_users =
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
begin routers
r_fwd:
  driver = redirect
  local_parts = badmode : badowner : isdir : syntax : filt : missing : nodir
  file = @DIR@/fwd/${local_part_data}
  owners = root
  allow_filter
  user = nobody
r_f:
  driver = redirect
  local_parts = ffail : ffreeze : fdefer : flog : fdel
  file = @DIR@/ff/${local_part_data}
  allow_filter
  allow_freeze
  user = nobody
r_nodir:
  driver = redirect
  local_parts = nd
  file = @DIR@/nodir/x/${local_part_data}
r_sink:
  driver = accept
  local_parts = s
  transport = t_file
begin transports
t_file:
  driver = appendfile
  file = @DIR@/mail/sink
  user = nobody
begin retry
* * F,1d,1d
"""
ADDRS_FWD = ["badmode", "badowner", "isdir", "syntax", "filt", "missing", "nd", "ffail", "ffreeze", "fdefer", "flog",
             "fdel"]
FILTERS = {"ffail": 'fail text "go away\\nnow"', "ffreeze": 'freeze text "frozen"', "fdefer": 'defer text "later"',
           "flog": 'logfile /nonexistent/dir/log\nlogwrite "x"', "fdel": 'deliver "a@@b"'}

_NORM = [(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "), ""),
         (re.compile(r"\b[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b"), "MSGID")]


def _norm(text, d, first_only=False):
    out = []
    ids = re.findall(r"^\S+ \S+ (\S+) <= ", text, re.M)
    for line in text.replace(str(d), "@DIR@").splitlines():
        if first_only and ids and line.split(" ")[2:3] != ids[:1]:
            continue
        for rx, rep in _NORM:
            line = rx.sub(rep, line)
        out.append(line)
    return out


def prepare(d: Path, exim_user=None):
    """The case directory: config, spool, log, mail; returns the config path."""
    if d.exists():
        shutil.rmtree(d)
    for sub in ("spool", "log", "mail"):
        (d / sub).mkdir(parents=True)
        if exim_user:
            shutil.chown(d / sub, exim_user)
    (d / "mail").chmod(0o777)
    (d / "ftaint").write_text("user1\n")
    fwd = d / "fwd"
    (fwd / "isdir").mkdir(parents=True)
    (fwd / "badmode").write_text("user1\n")
    (fwd / "badmode").chmod(0o666)
    (fwd / "badowner").write_text("s\n")
    shutil.chown(fwd / "badowner", "nobody")
    (fwd / "syntax").write_text("user1, <oops\n")
    (fwd / "filt").write_text("# Exim filter\nif foo then\n")
    (d / "ff").mkdir()
    for name, text in FILTERS.items():
        (d / "ff" / name).write_text("# Exim filter\n" + text + "\n")
    (d / "fwdspool").mkdir()
    (d / "fwdlog").mkdir()
    if exim_user:
        shutil.chown(d / "fwdspool", exim_user)
        shutil.chown(d / "fwdlog", exim_user)
    conf = d / "exim.conf"
    conf.write_text(CONF.replace("@DIR@", str(d)))
    conf.chmod(0o644)
    (d / "bt.conf").write_text(CONF_BT.replace("@DIR@", str(d)))
    (d / "bt.conf").chmod(0o644)
    return conf


def run(binary, d: Path, conf: Path):
    """Run the case; a dict of what is compared."""
    addrs = [a + "@test.ex" for a in ADDRS]
    p = subprocess.run([binary, "-C", str(conf), "-odi", "-f", "s@test.ex"] + addrs,
                       input="Subject: hi\n\nbody\n", capture_output=True, text=True, timeout=60)
    wait_for_processes(conf)    # the bounce's delivery
    main = (d / "log" / "mainlog").read_text()
    panic = (d / "log" / "paniclog").read_text() if (d / "log" / "paniclog").exists() else ""
    bt = subprocess.run([binary, "-C", str(conf), "-bt"] + addrs, capture_output=True, text=True, timeout=60)
    bt2 = subprocess.run([binary, "-C", str(d / "bt.conf"), "-bt"] +
                         [a if "@" in a else a + "@test.ex" for a in ADDRS_BT],
                         capture_output=True, text=True, timeout=60)
    (d / "data.conf").write_text(CONF_DATA)
    (d / "data.conf").chmod(0o644)
    bt3 = subprocess.run([binary, "-C", str(d / "data.conf"), "-bt"] + ADDRS_DATA,
                         capture_output=True, text=True, timeout=60)
    (d / "misc.conf").write_text(CONF_MISC.replace("@DIR@", str(d)))
    (d / "misc.conf").chmod(0o644)
    bt4 = subprocess.run([binary, "-C", str(d / "misc.conf"), "-bt"] + [a + "@test.ex" for a in ADDRS_MISC],
                         capture_output=True, text=True, timeout=60)
    fconf = d / "fwd.conf"
    fconf.write_text(CONF_FWD.replace("@DIR@/log", "@DIR@/fwdlog").replace("@DIR@/spool", "@DIR@/fwdspool")
                     .replace("@DIR@", str(d)))
    fconf.chmod(0o644)
    subprocess.run([binary, "-C", str(fconf), "-odi", "-f", "s@test.ex"] + [a + "@test.ex" for a in ADDRS_FWD],
                   input="Subject: hi\n\nbody\n", capture_output=True, text=True, timeout=60)
    wait_for_processes(fconf)
    fmain = (d / "fwdlog" / "mainlog").read_text()
    return {
        "fwd_mainlog": sorted(x for x in _norm(fmain, d, True) if not x.startswith("MSGID <= ")),
        "bt4_rc": bt4.returncode,
        "bt4_out": _norm(bt4.stdout, d),
        "bt4_err": _norm(bt4.stderr, d),
        "bt3_rc": bt3.returncode,
        "bt3_out": _norm(bt3.stdout, d),
        "bt2_rc": bt2.returncode,
        "bt2_out": _norm(bt2.stdout, d),
        "bt2_err": _norm(bt2.stderr, d),
        "rc": p.returncode,
        "mainlog": sorted(x for x in _norm(main, d, True) if not x.startswith("MSGID <= ")),
        "paniclog": sorted(_norm(panic, d)),
        "bt_rc": bt.returncode,
        "bt_out": _norm(bt.stdout, d),
        "bt_err": _norm(bt.stderr, d),
    }


if __name__ == "__main__":
    print(os.path.basename(__file__), "is a module: see test/expected/route_texts/record.py")
