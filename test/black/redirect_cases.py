"""Cases for the redirect router tests (test_redirect_*.py): -bt / -bv
runs over alias data, :include: files, .forward-style files and their
checks, recorded once from Exim 4.96 by test/expected/redirect/record.py
into test/expected/redirect/<name>.out (exit status, stdout, stderr, main
and panic log lines).

A case: name -> dict with
  args     command line after "-C <conf>" (e.g. ["-bt", "pipe@test.ex"])
  opts     extra option lines for the "aliases" router
  fwd      option lines of a "userfwd" redirect router put before it
           (absent: no such router)
  files    {relative path: (content, mode)} made in the case directory
  rewrite  a "begin rewrite" section
  main     extra main options
"""
import os
import re
import subprocess
from pathlib import Path

ALIASES = """\
multi: a@x.example, b@y.example
pipe: |/bin/cat -n
file: @DIR@/mbox
dir: @DIR@/maildir/
failer: :fail: Gone away
failer2: :fail:
failcode: :fail: 550 5.1.1 No such person
deferer: :defer: try later
bh: :blackhole:
unk: :unknown:
empty:
inc: :include:@DIR@/inc.list
incmissing: :include:@DIR@/nosuch.list
incdir: user1, :include:@DIR@, user2
increl: :include:inc.list
local: \\user1, user2
unq: user1
self: self, user1
loop1: loop2
loop2: loop1
bad: a@@b
bad2: user1, <oops, user2
phrase: "Some One" <user1@test.ex>, user2 (comment)
quoted: "|/bin/echo a,b"
users: user1
devnull: /dev/null
comments: # nothing here
onlycomment: (just a comment)
other: user1@other.ex, \\user2
anc: ancfwd
ancfwd: anc, user1
routed: /s=x/o=y/@test.ex
pipedom: |x@test.ex
failmix: user1, |/bin/cat, :fail: gone, user2
mixorder: user2, |/bin/cat, postmaster, @DIR@/box1, user1, @DIR@/box2
"""

BASE = """\
primary_hostname = test.ex
qualify_domain = test.ex
exim_user = root
exim_group = root
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
domainlist local_domains = test.ex : other.ex
@MAIN@
begin routers
@FWD@
aliases:
  driver = redirect
  domains = +local_domains
  data = ${lookup{$local_part}lsearch{@DIR@/aliases}}
  allow_fail
  allow_defer
  pipe_transport = address_pipe
  file_transport = address_file
  directory_transport = address_dir
@OPTS@
localuser:
  driver = accept
  domains = +local_domains
  local_parts = user1 : user2 : self : root : nobody
  transport = local_delivery

begin transports
local_delivery:
  driver = appendfile
  file = @DIR@/mail/$local_part
address_pipe:
  driver = pipe
address_file:
  driver = appendfile
address_dir:
  driver = appendfile
  maildir_format
address_reply:
  driver = autoreply
@REWRITE@
"""

FWD = "userfwd:\n  driver = redirect\n  domains = +local_domains\n"

BT = ["-bt"]


def bt(*addrs, **kw):
    return dict(args=BT + [a if "@" in a else a + "@test.ex" for a in addrs], **kw)


CASES = {
    "multi": bt("multi"),
    "pipe": bt("pipe"),
    "file": bt("file"),
    "dir": bt("dir"),
    "fail_text": bt("failer"),
    "fail_empty": bt("failer2"),
    "fail_after_children": bt("failmix"),
    "fail_code": bt("failcode"),
    "fail_code_bv": dict(args=["-bv", "failcode@test.ex"]),
    "fail_code_forbidden": bt("failcode", opts="  forbid_smtp_code\n"),
    "defer_text": bt("deferer"),
    "blackhole": bt("bh"),
    "unknown": bt("unk"),
    "empty": bt("empty"),
    "include": bt("inc"),
    "include_missing": bt("incmissing"),
    "include_relative": bt("increl"),
    "include_directory_ok": bt("inc", opts="  include_directory = @DIR@\n"),
    "include_directory_bad": bt("inc", opts="  include_directory = /nonexistent\n"),
    "include_is_directory": bt("incdir"),
    "backslash": bt("local"),
    "unqualified": bt("unq"),
    "self_loop": bt("self"),
    "alias_loop": bt("loop1"),
    "syntax_error": bt("bad"),
    "syntax_error_second": bt("bad2"),
    "skip_syntax_errors": bt("bad2", opts="  skip_syntax_errors\n"),
    "skip_syntax_errors_all": bt("bad", opts="  skip_syntax_errors\n"),
    "skip_syntax_errors_all_to": bt("bad", opts="  skip_syntax_errors\n  syntax_errors_to = postmaster@test.ex\n"),
    "skip_syntax_errors_all_next": bt("user1", fwd=FWD + "  local_parts = user1\n  data = a@@b\n"
                                      "  skip_syntax_errors\n"),
    "phrase_comment": bt("phrase"),
    "quoted_pipe": bt("quoted"),
    "devnull": bt("devnull"),
    "comments_only": bt("comments"),
    "only_comment_item": bt("onlycomment"),
    "not_alias": bt("nosuch"),
    "forbid_all": bt("pipe", "file", "dir", "inc", "bh", "devnull",
                     opts="  forbid_pipe\n  forbid_file\n  forbid_include\n  forbid_blackhole\n"),
    "not_allowed_fail_defer": bt("failer", "deferer", strip_allow=True),
    "no_pfr_transports": dict(args=BT + ["pipe@test.ex", "file@test.ex", "dir@test.ex"],
                              opts="  pipe_transport =\n", fwd=None, strip_transports=True),
    "qualify_preserve_domain": bt("other@other.ex", "unq@other.ex", opts="  qualify_preserve_domain\n"),
    "qualify_domain": bt("unq@other.ex", "local@other.ex", opts="  qualify_domain = q.example\n"),
    "qualify_domain_default": bt("unq@other.ex", "local@other.ex"),
    "qualify_recipient": bt("unq@other.ex", main="qualify_recipient = other.ex\n"),
    "check_ancestor": bt("anc", opts="  check_ancestor\n"),
    "no_check_ancestor": bt("anc"),
    "rewrite_children": bt("multi", rewrite="*@x.example $1@test.ex\n"),
    "rewrite_children_F_only": bt("multi", rewrite="*@x.example $1@test.ex F\n"),
    "no_rewrite_children": bt("multi", rewrite="*@x.example $1@test.ex\n", opts="  no_rewrite\n"),
    "routed_address": bt("routed"),
    "pipe_with_domain": bt("pipedom"),
    "verify_pipe": dict(args=["-bv", "pipe@test.ex"]),
    "verify_fail": dict(args=["-bv", "failer@test.ex"]),
    "verify_defer": dict(args=["-bv", "deferer@test.ex"]),
    "verify_multi": dict(args=["-bv", "multi@test.ex"]),
    "verify_blackhole": dict(args=["-bv", "bh@test.ex"]),
    "data_expansion_error": bt("user1", fwd=FWD + "  data = ${lookup{x}nosuchlookup{y}}\n"),
    "data_forced_fail": bt("user1", fwd=FWD + "  data = ${if eq{1}{2}{x}fail}\n"),
    "data_literal": bt("xyz", fwd=FWD + "  local_parts = xyz\n  data = user1, user2@other.ex\n"),
    "data_tainted_file": bt("user1", fwd=FWD + "  file = /tmp/$local_part\n"),
    "file_missing": bt("user1", fwd=FWD + "  file = @DIR@/fwd/$local_part_data\n"
                       "  local_parts = lsearch;@DIR@/fwdusers\n"),
    "file_missing_dir": bt("user1", fwd=FWD + "  file = @DIR@/nodir/${local_part_data}\n"
                           "  local_parts = lsearch;@DIR@/fwdusers\n"),
    "file_missing_dir_enotdir": bt("user1", fwd=FWD + "  file = @DIR@/nodir/${local_part_data}\n"
                                   "  local_parts = lsearch;@DIR@/fwdusers\n  ignore_enotdir\n"),
    "file_relative": bt("user1", fwd=FWD + "  file = fwd/${local_part_data}\n"
                        "  local_parts = lsearch;@DIR@/fwdusers\n"),
    "file_ok": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                  "  local_parts = lsearch;@DIR@/fwdusers\n"),
    "file_empty": bt("user1", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                     "  local_parts = lsearch;@DIR@/fwdusers\n",
                     files={"fwd/user1": ("# just a comment\n\n", 0o644)}),
    "file_bad_mode": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                        "  local_parts = lsearch;@DIR@/fwdusers\n",
                        files={"fwd/user2": ("user1\n", 0o666)}),
    "file_modemask": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                        "  local_parts = lsearch;@DIR@/fwdusers\n  modemask = 0\n",
                        files={"fwd/user2": ("user1\n", 0o666)}),
    "file_owner_ok": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                        "  local_parts = lsearch;@DIR@/fwdusers\n  owners = root\n"),
    "file_owner_bad": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                         "  local_parts = lsearch;@DIR@/fwdusers\n  owners = nobody\n"),
    "file_group_bad": bt("user2", fwd=FWD + "  file = @DIR@/fwd/${local_part_data}\n"
                         "  local_parts = lsearch;@DIR@/fwdusers\n  owngroups = nogroup\n"),
    "file_is_directory": bt("user1", fwd=FWD + "  file = @DIR@/fwd\n  local_parts = user1\n"),
    "file_check_local_user": bt("nobody", fwd=FWD + "  check_local_user\n"
                                "  local_parts = nobody\n  file = @DIR@/fwd/user2\n"),
    "file_check_local_user_owner": bt("root", fwd=FWD + "  check_local_user\n"
                                      "  local_parts = root\n  file = @DIR@/fwd/user2\n"),
    "hide_child": bt("multi", opts="  hide_child_in_errmsg\n"),
    "one_time_config": bt("multi", opts="  one_time\n"),
    "one_time_headers_add": bt("multi", opts="  one_time\n  headers_add = X-A: b\n"),
    "repeat_use_false": bt("anc", opts="  repeat_use = false\n"),
    "filter_not_allowed": bt("xyz", fwd=FWD + "  local_parts = xyz\n"
                             "  data = #Exim filter\\ndeliver user1@test.ex\n"),
}

FILT = (FWD + "  local_parts = user1\n  file = @DIR@/filter\n  allow_filter\n  user = root\n"
        "  allow_fail\n  allow_defer\n  pipe_transport = address_pipe\n"
        "  file_transport = address_file\n  reply_transport = address_reply\n")


def filt(text, extra="", args=None):
    return dict(args=args or ["-bt", "user1@test.ex"], fwd=FILT + extra,
                files={"filter": (text, 0o644)})


CASES.update({
    "filter_deliver": filt("#Exim filter\ndeliver user2@test.ex\n"),
    "filter_unseen": filt("#Exim filter\nunseen deliver user2@test.ex\n"),
    "filter_nothing": filt("#Exim filter\n# nothing\n"),
    "filter_save_pipe": filt("#Exim filter\nsave @DIR@/box\npipe \"/bin/cat\"\n"),
    "filter_order": filt("#Exim filter\ndeliver user2@test.ex\nsave @DIR@/box1\ndeliver postmaster@test.ex\n"
                         "pipe \"/bin/cat\"\nsave @DIR@/box2\ndeliver user1@test.ex\n"),
    "list_order": bt("mixorder"),
    "filter_save_relative": filt("#Exim filter\nsave box\n"),
    "filter_fail": filt("#Exim filter\nfail text \"go away\"\n"),
    "filter_defer": filt("#Exim filter\ndefer text \"later\"\n"),
    "filter_freeze_disabled": filt("#Exim filter\nfreeze\n"),
    "filter_freeze": filt("#Exim filter\nfreeze\n", "  allow_freeze\n"),
    "filter_seen_finish": filt("#Exim filter\nseen finish\n"),
    "filter_syntax": filt("#Exim filter\nif\n"),
    "filter_syntax_skipped": filt("#Exim filter\nif\n", "  skip_syntax_errors\n"),
    "filter_mail": filt("#Exim filter\nmail to user2@test.ex subject hi\n"),
    "filter_forbid_file": filt("#Exim filter\nsave @DIR@/box\n", "  forbid_file\n"),
    "filter_forbid_pipe": filt("#Exim filter\npipe /bin/cat\n", "  forbid_pipe\n"),
    "filter_forbid_reply": filt("#Exim filter\nmail to user2@test.ex\n", "  forbid_filter_reply\n"),
    "filter_forbid_exim": filt("#Exim filter\ndeliver user2@test.ex\n", "  forbid_exim_filter\n"),
    "filter_unqualified": filt("#Exim filter\ndeliver user2\n"),
    "filter_deliver_self": filt("#Exim filter\ndeliver user1@test.ex\n"),
    "filter_verify": filt("#Exim filter\ndeliver user2@test.ex\n", args=["-bv", "user1@test.ex"]),
    "filter_runs_as_user": dict(args=["-bt", "user1@test.ex"],
                                fwd=FILT.replace("  user = root\n", "  user = nobody\n"),
                                files={"filter": ("#Exim filter\ndeliver \"u${run{/usr/bin/id -u}}@test.ex\"\n",
                                                  0o644)}),
    "include_as_user": bt("user1", fwd=FWD + "  local_parts = user1\n  file = @DIR@/incfwd\n"
                          "  user = nobody\n", files={"incfwd": (":include:/etc/shadow\n", 0o644)}),
    "sieve_keep": filt("# Sieve filter\nkeep;\n"),
    "sieve_redirect": filt("# Sieve filter\nredirect \"user2@test.ex\";\n"),
    "sieve_forbidden": filt("# Sieve filter\nkeep;\n", "  forbid_sieve_filter\n"),
    "sieve_fileinto": filt("# Sieve filter\nrequire \"fileinto\";\nfileinto \"folder\";\n"),
    "sieve_implicit_keep": filt("# Sieve filter\nif false { discard; }\n"),
    "sieve_error": filt("# Sieve filter\nfileinto \"x\";\n"),
    "filter_syntax_then": filt("#Exim filter\nif $h_subject is \"x\" or\n  not\n"),
})

FILES = {
    "inc.list": ("user1\nuser2, x@z.example\n# comment\n", 0o644),
    "fwd/user2": ("# forward\nuser1, \\user2\n|/bin/true\n", 0o644),
    "fwdusers": ("user1: user1\nuser2: user2\n", 0o644),
}

_TS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)
_PID = re.compile(r"\[\d+\]")


def normalise(text: str, casedir: str) -> str:
    text = text.replace(casedir, "@DIR@")
    return _TS.sub("<TS> ", text)


def case_conf(case: dict, casedir: str) -> str:
    text = BASE
    if case.get("strip_transports"):
        text = re.sub(r"  (pipe|file|directory)_transport = address_\w+\n", "", text)
        opts = ""
    else:
        opts = case.get("opts", "")
    if case.get("strip_allow"):
        text = text.replace("  allow_fail\n  allow_defer\n", "")
    text = text.replace("@OPTS@", opts).replace("@FWD@", case.get("fwd") or "")
    text = text.replace("@MAIN@", case.get("main", ""))
    rw = case.get("rewrite")
    text = text.replace("@REWRITE@", "begin rewrite\n" + rw if rw else "")
    return text.replace("@DIR@", casedir)


def run_case(binary: str, name: str, casedir: str) -> str:
    case = CASES[name]
    d = Path(casedir)
    d.mkdir(parents=True, exist_ok=True)
    (d / "log").mkdir(exist_ok=True)
    (d / "spool").mkdir(exist_ok=True)
    files = dict(FILES)
    files.update(case.get("files", {}))
    files["aliases"] = (ALIASES, 0o644)
    for rel, (content, mode) in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content.replace("@DIR@", casedir))
        os.chmod(p, mode)
    conf = d / "exim.conf"
    conf.write_text(case_conf(case, casedir))
    os.chmod(conf, 0o644)
    p = subprocess.run([binary, "-C", str(conf)] + case["args"], capture_output=True, timeout=30,
                       cwd=str(d), env={"PATH": "/usr/bin:/bin", "TZ": "UTC"})
    out = [f"== rc\n{p.returncode}\n", "== stdout\n" + p.stdout.decode(errors="replace"),
           "== stderr\n" + p.stderr.decode(errors="replace")]
    for log in ("mainlog", "paniclog"):
        f = d / "log" / log
        if f.exists():
            out.append(f"== {log}\n" + f.read_text(errors="replace"))
    return normalise("".join(s if s.endswith("\n") else s + "\n" for s in out), casedir)
