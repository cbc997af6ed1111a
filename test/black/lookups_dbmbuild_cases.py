"""Cases for exim_dbmbuild (spec 54.9): arguments, input text, and files.
Shared by record_lookups_dbmbuild.py (runs Debian's /usr/sbin/exim_dbmbuild
and writes test/expected/lookups/dbmbuild.json) and test_lookups_dbmbuild.py
(runs ours and compares stdout, stderr and the exit code)."""

SRC = ('alpha: one\nBeta: two\nalpha: dupe\nBETA: x\nmulti: a\n\n# c\n  b   \n'
       '"with \\x41 space": sp\nnodata\n  tab\tin  \n')

# (name, arguments with {src} for the input file and {out} for the output,
#  standard input text or None)
CASES = [
    ("plain", ["{src}", "{out}"], None),
    ("nolc_noduperr", ["-nolc", "-noduperr", "{src}", "{out}"], None),
    ("nowarn_lastdup", ["-nowarn", "-lastdup", "{src}", "{out}"], None),
    ("nozero", ["-nozero", "{src}", "{out}"], None),
    ("stdin_one", ["-", "{out}"], "a: 1\n"),
    ("stdin_empty", ["-", "{out}"], ""),
    ("stdin_dup_nowarn", ["-nowarn", "-", "{out}"], "a: 1\na: 2\n"),
    ("leading_continuation", ["-", "{out}"], "  lead: x\na: b\n"),
    ("unterminated_quote", ["-", "{out}"], '"unterminated: x\n'),
    ("many_dups", ["-", "{out}"], "a: 1\nb: 2\nA: 3\nB: 4\na: 5\n"),
    ("usage_none", [], None),
    ("usage_one", ["-nolc"], None),
    ("usage_bad_option", ["-x", "{src}", "{out}"], None),
    ("usage_extra", ["{src}", "{out}", "-extra"], None),
    ("missing_input", ["{dir}/nonexist", "{out}"], None),
    ("same_names", ["{src}", "{src}"], None),
    ("cannot_create", ["{src}", "{dir}/nodir/x.db"], None),
]
