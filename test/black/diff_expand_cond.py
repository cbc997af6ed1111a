#!/usr/bin/python3
"""Differential run of the ${if} simple conditions: random arguments through
exim4 and build/exim, printing every case where the two answers differ.

Run by hand (needs Debian's exim4; never part of make test):
    /usr/bin/python3 test/black/diff_expand_cond.py [SEED] [COUNT]
Interesting differences become recorded cases in expand_cond_cases.py.
"""
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
OURS = os.environ.get("EXIM", str(TOP / "build" / "exim"))
EXIM4 = os.environ.get("EXIM4", "/usr/sbin/exim4")


def rs(alphabet, n):
    return "".join(random.choice(alphabet) for _ in range(random.randint(0, n)))


def num():
    return "".join([random.choice(["", "-", "+", " ", "  -"]),
                    rs("0123456789", 22),
                    random.choice(["", "k", "K", "m", "M", "g", "G", "x", " ", "KK", "t"]),
                    random.choice(["", " ", "\t"])])


def ip():
    if random.random() < 0.4:
        return ".".join(str(random.choice([0, 1, 9, 10, 99, 255, 256, 999, "01", "00", "1a", ""]))
                        for _ in range(random.choice([3, 4, 4, 4, 5])))
    s = ":".join(random.choice(["0", "1", "ffff", "FFFF", "12345", "g", "", "abcd", "0000",
                                "1.2.3.4"]) for _ in range(random.randint(1, 9)))
    return s + ("%eth0" if random.random() < 0.2 else "")


def case():
    k = random.choice(["num", "ip", "str", "match", "inlist", "crypteq", "match_ip", "list"])
    if k == "num":
        return "${if %s{%s}{%s}{y}{n}}" % (random.choice(["=", "<", ">=", "=="]), num(), num())
    if k == "ip":
        return "${if %s{%s}{y}{n}}" % (random.choice(["isip", "isip4", "isip6"]), ip())
    if k == "str":
        al = "aAbBzZ09_~\x7f"
        return "${if %s{%s}{%s}{y}{n}}" % (random.choice(["lt", "lti", "eqi", "gei", "le", "gt"]),
                                          rs(al, 3), rs(al, 3))
    if k == "match":
        return "${if match{%s}{%s}{<$0|$1|$2>}{n}}" % (rs("abAB.-", 6), rs("ab.*+?()[]^|AB", 6))
    if k == "inlist":
        return "${if %s{%s}{%s}{<$value>}{n}}" % (random.choice(["inlist", "inlisti"]),
                                                 rs("aAb ", 3), rs("aAb :;<", 8))
    if k == "crypteq":
        t = random.choice(["", "\\{md5\\}", "\\{sha1\\}", "\\{crypt\\}", "\\{crypt16\\}", "\\{x\\}"])
        return "${if crypteq{%s}{%s}{y}{n}}" % (rs("ab", 3), t + rs("abAB0129=+/", 30))
    if k == "match_ip":
        a = random.choice(["1.2.3.4", "10.0.0.1", "", "::1", "2001:db8::5", "1.2.3.255"])
        lst = random.choice(["1.2.3.0/%d" % random.randint(0, 33), "<; ::/%d" % random.randint(0, 129),
                             "!1.2.3.4 : *", "10.0.0.0/8 : 1.2.3.4", "1.2.3.4/", "1.2.3", "::1"])
        return "${if match_ip{%s}{%s}{<$value>}{n}}" % (a, lst)
    items = ["*", "*.b", "a.b", "^a", "!a", "@", "*@a", "a@*", "a@b", "b", "", " "]
    lst = ":".join(random.choice(items) for _ in range(random.randint(1, 4)))
    return "${if %s{%s}{%s}{<$value>}{n}}" % (
        random.choice(["match_domain", "match_local_part", "match_address"]), rs("abAB.@", 6), lst)


def main():
    random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    d = Path(tempfile.mkdtemp(prefix="cond-diff-"))
    conf = d / "exim.conf"
    conf.write_text("primary_hostname = test.example\n")
    conf.chmod(0o644)
    differ = 0
    for _ in range(count):
        c = case()
        a = subprocess.run([EXIM4, "-C", str(conf), "-be", c], capture_output=True).stdout
        b = subprocess.run([OURS, "-C", str(conf), "-be", c], capture_output=True).stdout
        if a != b:
            differ += 1
            print(repr(c), "exim4:", repr(a), "ours:", repr(b))
    conf.unlink()
    d.rmdir()
    print(f"{differ} of {count} differ")


if __name__ == "__main__":
    main()
