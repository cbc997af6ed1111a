"""Cases for the rewriting tests (test_rewrite_*.py): -brw runs and
received messages, recorded once from Exim 4.96 by
test/expected/rewrite/record.py into test/expected/rewrite/<name>.out.

BRW: name -> (rewrite section, -brw argument[, extra main options])
"""
import re
import subprocess
from pathlib import Path

MAIN = "primary_hostname = test.ex\nqualify_domain = test.ex\n"

HITCH = """\
*@*.hitch.fict.example  $1@hitch.fict.example
fp42@hitch.fict.example Ford.Prefect@hitch.fict.example bctfrF
*queen@*.fict.example  ${1}x${2}@q.example  t
^(ab+)c@(.*)  $2@$1
nodom@test.ex  loc  Q
"""

BRW = {
    "no_rules": ("", "a@b"),
    "hitch_wild_domain": (HITCH, "fp42@x.hitch.fict.example"),
    "hitch_two_stars": (HITCH, "hearts-queen@wonderland.fict.example"),
    "hitch_regex": (HITCH, "abbc@dom"),
    "hitch_phrase": (HITCH, "Phil <nodom@test.ex>"),
    "hitch_unqualified_Q": (HITCH, "nodom"),
    "hitch_nomatch": (HITCH, "foo@bar"),
    "syntax_error": ("*@b $1@c\n", "a b"),
    "syntax_error_empty": ("*@b $1@c\n", "<>"),
    "case_kept": ("*@b $1@c\n", "A@B"),
    "literal_localpart": ("A@b x@c\n*@b $1@c\n", "A@B"),
    "vars": ("*@b ${local_part}.${domain}@c.example\n", "Ab@B"),
    "unparseable": ("a@b \"x@y z\" F\n", "a@b"),
    "quoted_escape": ("a@b \"x\\\"@y\" F\n", "a@b"),
    "star_stops": ("a@b * f\n*@b $1@c\n", "a@b"),
    "forced_fail": ("a@b ${if eq{1}{2}{x}fail} F\n*@b z@c\n", "a@b"),
    "forced_fail_q": ("a@b ${if eq{1}{2}{x}fail} Fq\n*@b z@c\n", "a@b"),
    "expansion_error": ("a@b ${nonsense F\n", "a@b"),
    "unqualified_result": ("a@b justlocal F\n", "a@b"),
    "flags_E": ("a@b x@y E\n", "a@b"),
    "flags_h": ("a@b x@y h\n", "a@b"),
    "flags_all_letters": ("a@b x@y ETbcfhrst\n", "a@b"),
    "smtp_only": ("^a@b x@y S\n", "a@b"),
    "smtp_nomatch": ("^<a@b> x@y S\n", "a@b"),
    "smtp_and_normal": ("^a@b x@y S\n*@y $1@c\n", "a@b"),
    "smtp_q": ("^a@b x@y Sq\n^x@y z@z S\n*@y $1@c\n", "a@b"),
    "smtp_unparseable": ("^a@b \"x@y z\" S\n", "a@b"),
    "repeat_R": ("^a(a*)@b $1@b R\n", "aaaa@b"),
    "no_repeat": ("^a(a*)@b $1@b\n", "aaaa@b"),
    "repeat_limit": ("*@b x$1@b R\n", "a@b"),
    "q_stops": ("a@b c@d q\n*@d x@y\n", "a@b"),
    "chain": ("a@b c@d\n*@d x@y\n", "a@b"),
    "whole_w": ("a@b \"Full Name <x@y>\" w\n", "Phil <a@b>"),
    "not_w": ("a@b \"Full Name <x@y>\"\n", "Phil <a@b>"),
    "lsearch": ("*@b ${lookup{$1}lsearch{@DIR@/names}{$value}fail}@b\n", "fp@b"),
    "lsearch_miss": ("*@b ${lookup{$1}lsearch{@DIR@/names}{$value}fail}@b\n", "zz@b"),
    "pattern_lookup": ("lsearch;@DIR@/addrs  matched@x\n", "who@where"),
    "named_list": ("*@+mine $1@c\n", "u@local.example", "domainlist mine = local.example : other\n"),
    "domain_only": ("*.example $1@c\n", "u@sub.example"),
    "numeric_0": ("*@b <$0>@c\n", "u@b"),
    "comment_addr": ("a@b x@y\n", "a@b (comment)"),
    "group_list": ("*@b $1@c\n", "a@b, c@b"),
    "qualify_recipient": ("a@b loc Q\n", "a@b", "qualify_recipient = rcpt.ex\n"),
    "bad_pattern": ("^(.*)$ x@y\n\"${if eq{1}{2}{a}fail}\" x@y\n", "a@b"),
    "err_missing_repl": ("a@b\n", "a@b"),
    "err_bad_flag": ("a@b x@y Z\n", "a@b"),
    "err_s_not_regex": ("a@b x@y S\n", "a@b"),
    "err_unterminated_quote": ("\"a@b x@y\n", "a@b"),
}

FILES = {
    "names": "fp: Ford.Prefect\n",
    "addrs": "who@where\n",
}


def normalise(text: str, casedir: str) -> str:
    text = text.replace(casedir, "@DIR@")
    return re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", text, flags=re.M)


def brw_run(binary: str, name: str, casedir: str) -> str:
    case = BRW[name]
    rules, arg = case[0], case[1]
    extra = case[2] if len(case) > 2 else ""
    d = Path(casedir)
    d.mkdir(parents=True, exist_ok=True)
    for fname, content in FILES.items():
        (d / fname).write_text(content)
    conf = d / "exim.conf"
    text = MAIN + extra + ("begin rewrite\n" + rules if rules else "")
    conf.write_text(text.replace("@DIR@", casedir))
    conf.chmod(0o644)
    p = subprocess.run([binary, "-C", str(conf), "-brw", arg], capture_output=True, timeout=30,
                       env={"PATH": "/usr/bin:/bin", "TZ": "UTC"})
    out = f"== rc\n{p.returncode}\n== stdout\n{p.stdout.decode(errors='replace')}" \
          f"== stderr\n{p.stderr.decode(errors='replace')}"
    return normalise(out, casedir)


# ---- received messages (the -H file, logs) ---------------------------------
# Run through receive_cases.run_case; the rewrite section rides after an
# empty acl section.
OLDNEW = "*@old.example  $1@new.example\nfp42@hitch.example Ford.Prefect@hitch.example  f\n"
HDRS = ("From: Ford <fp42@hitch.example>\nTo: a@old.example, b@x.example\n"
        "Cc: \"Q\" <c@old.example> (comm)\nSubject: hi\nReply-To: z@old.example\n\nbody\n")
SMTP_HOST = ["-oMa", "192.0.2.1.1234", "-oMi", "192.0.2.2.25"]


def _smtp(mail, *rcpts, msg="Subject: smtp\r\n\r\nbody\r\n"):
    lines = ["EHLO c.example", f"MAIL FROM:{mail}"] + [f"RCPT TO:{r}" for r in rcpts] + ["DATA"]
    return "\r\n".join(lines) + "\r\n" + msg + ".\r\nQUIT\r\n"


RECEIVE = {
    "headers_envelope": dict(args=["-odq", "-f", "s@old.example", "r@old.example"], input=HDRS,
                             rules=OLDNEW),
    "recipients_order": dict(args=["-odq", "-f", "s@old.example", "r@old.example", "q@old.example",
                                   "k@x.example"],
                             input="From: Ford <fp42@hitch.example>\nTo: a@old.example\n"
                                   "Message-ID: <x@y>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody\n",
                             rules=OLDNEW),
    "extract_t": dict(args=["-odq", "-f", "s@old.example", "-t"],
                      input="From: Ford <fp42@hitch.example>\nTo: a@old.example\nCc: b@old.example\n"
                            "Bcc: c@old.example\n\nbody\n", rules=OLDNEW),
    "added_from": dict(args=["-odq", "-f", "s@old.example", "r@old.example"],
                       input="Subject: x\n\nbody\n", rules=OLDNEW),
    "added_from_f_only": dict(args=["-odq", "-f", "fp42@hitch.example", "r@old.example"],
                              input="Subject: x\n\nbody\n", rules=OLDNEW),
    "qualify_then_rewrite": dict(args=["-odq", "r"],
                                 input="To: someone, b@old.example\nCc: e\nBcc: c\nSubject: x\n\nbody\n",
                                 rules="someone@test.ex  other@new.example\n*@old.example $1@new.example\n"),
    "header_whole_w": dict(args=["-odq", "r@x.example"],
                    input="From: Ford <fp42@hitch.example> (c)\nTo: a@b.example\n\nbody\n",
                    rules="fp42@hitch.example \"Ford Prefect <ford@h.example>\" fw\n"),
    "resent_to": dict(args=["-odq", "r@x.example"],
                      input="Resent-To: a@old.example\nResent-From: f@old.example\nTo: t@old.example\n\nbody\n",
                      rules="*@old.example  $1@new.example t\n"),
    "headers_only_h": dict(args=["-odq", "-f", "s@old.example", "r@old.example"], input=HDRS,
                           rules="*@old.example  $1@new.example h\n"),
    "envelope_only_E": dict(args=["-odq", "-f", "s@old.example", "r@old.example"], input=HDRS,
                            rules="*@old.example  $1@new.example E\n"),
    "smtp_envelope_headers": dict(args=["-odq", "-bs"] + SMTP_HOST,
                                  input=_smtp("<s@old.example>", "<r@old.example>",
                                              msg="From: s@old.example\r\nTo: r@old.example, u\r\n"
                                                  "Subject: s\r\n\r\nbody\r\n"),
                                  rules=OLDNEW),
    "smtp_S_flag": dict(args=["-odq", "-bs"] + SMTP_HOST,
                        input=_smtp("<h1!s@x.example>", "<h2!r@x.example>", "<plain@x.example>"),
                        rules="\\N^<([^!]+)!([^@]+)@x.example>$\\N  <$2@$1> S\n"),
    "smtp_unqualified_host": dict(args=["-odq", "-bs"] + SMTP_HOST,
                                  input=_smtp("<s@x.example>", "<r>",
                                              msg="To: u, v@w.example\r\nCc: w\r\nFrom: f\r\n"
                                                  "Subject: s\r\n\r\nb\r\n"),
                                  conf="recipient_unqualified_hosts = 192.0.2.1\n",
                                  rules="w@test.example  ww@new.example\n"),
    "smtp_S_bad_pattern": dict(args=["-odq", "-bs"] + SMTP_HOST,
                               input=_smtp("<s@x.example>", "<r@x.example>"),
                               rules="^<(.*)>$  <$1> S\n"),
    "smtp_S_sender_only": dict(args=["-odq", "-bs"] + SMTP_HOST,
                               input=_smtp("<bang!s>", "<r@x.example>"),
                               rules="^<bang!(.*)>  <$1@bang.example> S\n"),
}


def receive_run(binary: str, name: str, casedir: str) -> str:
    import receive_cases
    case = dict(RECEIVE[name])
    rules = case.pop("rules")
    acl = ""
    if "-bs" in case["args"]:
        case["conf"] = case.get("conf", "") + "acl_smtp_rcpt = rcpt\n"
        acl = "rcpt:\n  accept\n"
    case["acl"] = acl + "\nbegin rewrite\n" + rules
    key = "rewrite:" + name
    receive_cases.ALL_CASES[key] = case
    try:
        # SMTPUTF8 is advertised only by builds with SUPPORT_I18N
        out = receive_cases.run_case(binary, key, casedir)
        return re.sub(r"^250-SMTPUTF8\r?\n", "", out, flags=re.M)
    finally:
        del receive_cases.ALL_CASES[key]
