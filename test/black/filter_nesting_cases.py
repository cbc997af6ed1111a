"""Deeply nested filters: exim4 has no nesting limit of its own and
overflows its stack (8M, Debian's build) beyond about 6770 nested ifs, 7040
nested brackets, and/or chains of 28190 conditions, 21140 nested Sieve
blocks, 31700 Sieve "not"s or 25360 nested allof()s.  Everything it
accepts, ours accepts with the same output; beyond that ours refuses the
filter with an error instead of crashing.  Shared by the recorder
(test/expected/filter/record_nesting.py) and test_filter_nesting.py."""

EXIM_HEAD = "# Exim filter\n"
SIEVE_HEAD = "# Sieve filter\n"


def ifs(n):
    return EXIM_HEAD + "if a is a then\n" * n + "deliver x@y.example\n" + "endif\n" * n


def brackets(n):
    return EXIM_HEAD + "if " + "(" * n + "a is a" + ")" * n + " then deliver x@y.example endif\n"


def or_chain(n):
    return EXIM_HEAD + "if " + " or ".join(["a is b"] * (n - 1)) + " or a is a then deliver x@y.example endif\n"


def and_chain(n):
    return EXIM_HEAD + "if " + " and ".join(["a is a"] * n) + " then deliver x@y.example endif\n"


def sieve_blocks(n):
    return SIEVE_HEAD + 'if true {\n' * n + 'redirect "x@y.example";\n' + '}\n' * n


def sieve_nots(n):
    return SIEVE_HEAD + 'if ' + 'not ' * n + 'true { redirect "x@y.example"; }\n'


def sieve_allof(n):
    return SIEVE_HEAD + 'if ' + 'allof(' * n + 'true' + ')' * n + ' { redirect "x@y.example"; }\n'


# name -> filter text; the recorded ones are those exim4 copes with
RECORDED = {
    "ifs_6700": ifs(6700),
    "brackets_7000": brackets(7000),
    "or_28000": or_chain(28000),
    "and_28000": and_chain(28000),
    "sieve_blocks_21000": sieve_blocks(21000),
    "sieve_nots_31000": sieve_nots(31000),
    "sieve_allof_25000": sieve_allof(25000),
}

# Beyond what exim4 survives: ours refuses (stdout's last line).
REFUSED = {
    "ifs_10001": (ifs(10001), "Filter error: filter nested too deeply near line 10002 of filter file"),
    "or_30001": (or_chain(30001), "Filter error: filter nested too deeply near line 2 of filter file"),
    "sieve_blocks_32001": (sieve_blocks(32001), "Sieve error: nested too deeply in line 32002"),
}
