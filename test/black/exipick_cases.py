"""Cases for util/exipick checked against Debian's exipick 4.96
(test/expected/queue/exipick/record.py records its output, test_exipick.py
runs ours): --show-rules, --show-tests, --freeze/--thaw, --charset and the
header decoding, the criteria grammar and its errors.

The spool: queue_cases.standard() (M1 frozen, 2h, to a@b.example and
delivered c@d.example; M2 a bounce to z@b.example, 3K) and M3, a message
exim4 -odq wrote with RFC 2047 encoded words in a folded Subject: and an
X-Iso: header (test/expected/queue/exipick/spool/).  Each case is a list of
runs (arguments; "@C@" stands for a cache file of the case's own), their
stdout, stderr and exit codes compared.
"""
import shutil
import time
from pathlib import Path

import queue_cases as q

M3 = "1xZ6xz-0001SS-1B"
M3_SRC = Path(__file__).resolve().parents[1] / "expected" / "queue" / "exipick" / "spool"

SHOW_RULES = ['$message_age >= 3d', '$message_size < 1.5K', '$recipients_count != 2', '$message_size <= 10',
              '$sender_address =~ /X/i', '$sender_address !~ /^a$/', '!$sender_address =~ /q/',
              '$message_size > 1M', '$message_age < 2h', '$message_age > 30s', '$message_size > 5B',
              '!$message_size > 5', '$sender_address = a/b', '$sender_address eq a\\b', '$sender_address eq a$b@c',
              '$sender_address eq a b', '$message_size>5', '$deliver_freeze', '$message_size > -1.5K',
              '$message_size > .5', '$message_size > 0.1K', '  $x eq  "q" ', "!$x ne 'q'", 'message_size > 5',
              '$x =~ m{x}', '$x = /x/', '$h_x-iso eq a@b']

CASES = {
    "rules": [["--show-rules"] + SHOW_RULES],
    "rules_caseful": [["--show-rules", "--caseful", "$x = x", "$x eq X", "$x =~ /x/", "$x !~ /x/"]],
    "rules_not": [["--show-rules", "--not", "-i", "!$deliver_freeze", "$message_size > 1K"]],
    "rules_options": [["--show-rules", "-x", "-z", "-y", "5", "-o", "1h", "-s", "7", "-r", "r@b", "-f", "f", "$a"]],
    "rules_errors": [["--show-rules", "$message_size > abc", "$x != x", "$x eq", "! $x", "a b", "$message_size > 1e3",
                      "$message_size > 5 K"]],
    "tests_and": [["--show-tests", "$message_size > 1K", "$deliver_freeze"]],
    "tests_or": [["--show-tests", "--or", "-i", "$deliver_freeze", "$message_size > 5"]],
    "tests_not": [["--show-tests", "--not", "-i", "$message_size > 5"]],
    "tests_strings": [["--show-tests", "-b", "$h_subject =~ /caf/", "$sender_address = S@X"]],
    "regex_case": [["-i", "-r", "A@B"], ["-i", "-r", "a@b"], ["-i", "$sender_address = X.EXAMPLE"],
                   ["-i", "$sender_address eq SENDER@X.example"], ["-i", "--caseful", "$sender_address = X.EXAMPLE"]],
    "headers": [["-i", "--show-vars", "h_subject,bh_subject,header_x-iso,h_x-iso,h_nothere"],
                ["-i", "--charset", "ISO-8859-1", "--show-vars", "h_subject,bh_x-iso"],
                ["-i", "$h_subject =~ /^caf\\xc3\\xa9 and\\n  more$/"],
                ["-i", "$bh_subject eq two"]],
    "freeze_thaw": [["--freeze", "@C@", "-i", "$message_size > 1K"], ["--thaw", "@C@", "-bpc"],
                    ["--thaw", "@C@", "-i", "--show-vars", "message_size,sender_address"],
                    ["--thaw", "@C@", "-c", "$message_size > 5K"]],
    "freeze_errors": [["--thaw", "@C@/missing", "-i"], ["--freeze", "@C@/missing/x", "-i"]],
}


def build_spool(d: Path):
    """The spool under d/spool."""
    s = d / "spool"
    q.fresh(s)
    q.standard(s)
    inp = s / "input"
    shutil.copy(M3_SRC / (M3 + "-D"), inp)
    lines = (M3_SRC / (M3 + "-H")).read_text().split("\n")
    lines[3] = "%d 0" % (int(time.time()) - 60)
    (inp / (M3 + "-H")).write_text("\n".join(lines))
    return s


def run_case(prog, d: Path, name):
    """[(rc, stdout, stderr)] of the case's runs, prog a command list."""
    import subprocess
    spool = build_spool(d)
    cache = d / "cache"
    out = []
    for args in CASES[name]:
        args = [a.replace("@C@", str(cache)) for a in args]
        p = subprocess.run(prog + ["--spool", str(spool)] + args, capture_output=True, text=True,
                           errors="replace", timeout=30)
        out.append([p.returncode, p.stdout, p.stderr.replace(str(cache), "@C@")])
    return out
