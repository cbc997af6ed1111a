"""Cases for ${lookup} on the single-key lookups of spec chapter 9 (lsearch,
wildlsearch, nwildlsearch, iplsearch, cdb, dbm, dbmnz, dbmjz, dsearch),
shared by record_lookups.py (run by hand against Debian's exim4) and
test_lookups.py.  "@DIR@" stands for a per-run directory holding FILES,
the cdb files CDB (written by make_fixtures with our own writer of the
format), the DBM files DBM (made by exim_dbmbuild: Debian's when recording,
ours when testing) and a directory tree for dsearch.
"""
import os
import struct
import subprocess

CONF = """\
primary_hostname = test.example
qualify_domain = test.example
"""

FILES = {
    "ls1": ("# comment\nalpha: one\nBeta   two words  \ngamma:\n  cont1\n# mid comment\n\n"
            "  cont2\ndelta: :fail:\n\"quoted key\": qdata\n\"esc\\x41pe\" : escaped\n"
            "\"ip::6\" six\nempty\nspaced :   data after  \n*: star\n"
            "*@example.com: staratdomain\n*.fict.example: partwild\n"
            "dates.fict.example: exact\n.dot.example: dotaffix\n"
            "ab.c: short\n*@: starat-empty\n"),
    "ls2": ("g1:\n  c1\n# mid comment\n  c2\ng2: a\n \n  b\ng3: a\n\n  b\ng4: a\n#x\n  b\n"
            "g5: a\n  b\n\tc\ng6:value:with:colons\ng7 \"quoted data\"\n"
            "g8: tab\there\nG9: Upper\n"),
    "ip1": ("1.2.3.4: exact4\n10.0.0.0/8   ten\n\"abcd::cdab\": six1\n"
            "\"abcd:abcd::/32\"   six32\n192.168.0.0/16: net16\n*: star\n"),
    "wl1": ("*.a.b: starsuffix\n*fish  fishy\n^\\N\\d+\\.x\\N  regex\n^(?-i)CASE  casereg\n"
            "lsearch;@DIR@/ls1  nested\n$primary_hostname  expanded\n"
            "\"^quoted\\\\s+re\"  quotedre\n"),
    "nw1": ("*.a.b: starsuffix\n^\\d+\\.x  regex\n^(?-i)CASE  casereg\n"
            "$primary_hostname  literal-dollar\n\"with space\" spaced\n"),
    "d.txt": ("alpha: one\nBeta: two\nalpha: dupe\nmulti: a\n  b\n\"with space\": sp\n"
              "*: dbstar\n*@example.com: dbatdom\n*.fict.example: dbpartial\n"),
    "j.txt": "",
    "crlf": "alpha: one\r\nbeta two\r\n\"q\": quoted\r\n",
    "wlbad": "${bad:x}  bad\n*.ok: ok\n",
    "ip2": ("\"::ffff:1.2.3.4\": mapped\n\"::1\": loop6\n1.2.3.4/33: badmask\n"
            "5.6.7.8/24 net5\n\"2001:db8::/129\": badmask6\n0.0.0.0/0: all4\n"),
    "long": "k" * 150 + ": " + "v" * 10000 + "\nbin: a\x01b\x7fc\n" + "x" * 3 + "\n",
}

CDB = {
    "c1.cdb": [(b"alpha", b"one"), (b"beta", b"two words"), (b"Alpha", b"upper"),
               (b"*", b"star"), (b"*@example.com", b"atdom"), (b"*.fict.example", b"pw"),
               (b"dup", b"first"), (b"dup", b"second"), (b"empty", b"")],
    "bad.cdb": None,
}

# name -> exim_dbmbuild options
DBM = {"d.db": [], "dnz.db": ["-nozero"], "dnl.db": ["-nolc"], "dl.db": ["-lastdup"]}


def _cdb_hash(k):
    h = 5381
    for c in k:
        h = (((h << 5) + h) & 0xffffffff) ^ c
    return h


def write_cdb(path, items):
    recs = b""
    pos = 2048
    tabs = [[] for _ in range(256)]
    for k, v in items:
        hv = _cdb_hash(k)
        tabs[hv & 255].append((hv, pos))
        r = struct.pack("<II", len(k), len(v)) + k + v
        recs += r
        pos += len(r)
    hdr = b""
    tb = b""
    for t in tabs:
        n = len(t) * 2
        slots = [(0, 0)] * n
        for hv, p in t:
            i = (hv >> 8) % n
            while slots[i][1] != 0:
                i = (i + 1) % n
            slots[i] = (hv, p)
        hdr += struct.pack("<II", pos + len(tb), n)
        for s in slots:
            tb += struct.pack("<II", *s)
    with open(path, "wb") as f:
        f.write(hdr + recs + tb)


def make_fixtures(d, dbmbuild):
    """Write every fixture into directory d (a pathlib.Path)."""
    for name, text in FILES.items():
        (d / name).write_text(text.replace("@DIR@", str(d)))
        (d / name).chmod(0o644)
    for name, items in CDB.items():
        if items is None:
            (d / name).write_text("garbage\n")
        else:
            write_cdb(d / name, items)
    for name, opts in DBM.items():
        subprocess.run([dbmbuild] + opts + [str(d / "d.txt"), str(d / name)],
                       capture_output=True, check=False)
    (d / "dd").mkdir()
    (d / "dd" / "sub").mkdir()
    (d / "dd" / "file1").write_text("")
    os.symlink("file1", d / "dd" / "link1")
    d.chmod(0o755)


def _l(key, typ, file, yes="{[$value]}", no="{NOTFOUND}"):
    return "${lookup{" + key + "}" + typ + "{@DIR@/" + file + "}" + yes + no + "}"


def cases():
    out = []
    ls1_keys = ["alpha", "ALPHA", "beta", "gamma", "delta", "quoted key", "escApe", "empty",
                "spaced", "nosuch", "x@example.com", "ip::6", "", "*", "dates.fict.example"]
    out += [_l(k, "lsearch", "ls1") for k in ls1_keys]
    out += [_l(k, "lsearch", "ls2") for k in
            ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "G9", "c1", "c2"]]
    # options and defaults
    out += [
        _l("alpha", "lsearch,ret=full", "ls1"), _l("Alpha", "lsearch,ret=key", "ls1"),
        _l("zz@example.com", "lsearch*@,ret=key", "ls1"),
        _l("quoted key", "lsearch,ret=full", "ls1"), _l("x", "lsearch,foo=bar", "ls1"),
        _l("alpha", "lsearch,cache=no_rd", "ls1"),
        _l("zz@example.com", "lsearch*@", "ls1"), _l("zz@exampl.com", "lsearch*@", "ls1"),
        _l("zz@example.com", "lsearch*", "ls1"), _l("x", "lsearch*x", "ls1"),
        _l("nosuch", "lsearch*", "ls1"), _l("noat", "lsearch*@", "ls1"),
        _l("a@b@example.com", "lsearch*@", "ls1"), _l("user@", "lsearch*@", "ls1"),
        _l("gamma", "lsearch", "ls1", "{$value}", ""),
        _l("alpha", "lsearch", "ls1", "", ""),
        "${lookup{alpha}lsearch{@DIR@/ls1}}", "${lookup{nosuch}lsearch{@DIR@/ls1}}",
        "${lookup{nosuch}lsearch{@DIR@/ls1}{$value}fail}",
        "${lookup{alpha}lsearch{@DIR@/ls1}{yes:$value}{no}}",
        "${lookup {alpha} lsearch {@DIR@/ls1} {[$value]} {NOTFOUND}}",
    ]
    # partial matching (9.7)
    pv = "{[$value][$1][$2]}"
    for typ, key in [("partial-lsearch", "a.b.dates.fict.example"),
                     ("partial-lsearch", "dates.fict.example"),
                     ("partial-lsearch", "fict.example"),
                     ("partial-lsearch", "example"), ("partial0-lsearch", "example"),
                     ("partial-lsearch,ret=key", "x.example"),
                     ("partial-lsearch,ret=key", "x.fict.example"),
                     ("partial3-lsearch", "x.fict.example"),
                     ("partial2-lsearch", "x.fict.example"),
                     ("partial1-lsearch", "q.example"),
                     ("partial(.)lsearch", "x.dot.example"),
                     ("partial(.)lsearch", "a.b.c.dot.example"),
                     ("partial1()lsearch", "x.ab.c"),
                     ("partial-lsearch*", "nomatch.example"),
                     ("partial-lsearch*@", "u@nomatch.example"),
                     ("partial0(.)lsearch*", "x.y"),
                     ("partial-lsearch", "X.FICT.EXAMPLE")]:
        out.append(_l(key, typ, "ls1", pv))
    # type errors
    out += [_l("x", "foo", "ls1"), _l("x", "partial-foo", "ls1"),
            _l("x", "partialx-lsearch", "ls1"), _l("x", "partial(ab)-lsearch", "ls1"),
            _l("x", "partial(*.", "ls1"),
            _l("x", "lsearch", "nonexist"), "${lookup{x}lsearch{relative/file}{y}{n}}",
            _l("x", "lsearch", "dd"),
            "${lookup{x}lsearch{}{y}{n}}", "${lookup{x}lsearch{@DIR@/ls1}{y}{n}",
            "${lookup{x}lsearch}", "${lookup{x}{@DIR@/ls1}}",
            "${lookup lsearch{@DIR@/ls1}{y}{n}}"]
    # iplsearch
    out += [_l(k, "iplsearch", "ip1") for k in
            ["1.2.3.4", "10.9.8.7", "abcd::cdab", "abcd:abcd:1::2", "11.1.1.1", "notip", "*",
             "::ffff:1.2.3.4", "1.2.3.4/32", "192.168.200.1", "ABCD::CDAB", "1.2.3.04", ""]]
    out += [_l("11.1.1.1", "iplsearch*", "ip1"), _l("10.1.1.1", "iplsearch,ret=full", "ip1"),
            _l("abcd::cdab", "iplsearch,ret=full", "ip1"),
            _l("10.1.1.1", "iplsearch,ret=key", "ip1")]
    # wildlsearch / nwildlsearch
    wkeys = ["q.A.B", "a.b", "goldFISH", "123.X", "CASEy", "casey", "alpha", "test.example",
             "$primary_hostname", "quoted   RE", "none"]
    out += [_l(k, "wildlsearch", "wl1") for k in wkeys]
    out += [_l(k, "nwildlsearch", "nw1") for k in
            ["q.A.B", "123.x", "CASEy", "casey", "test.example", "\\$primary_hostname",
             "with space", "none"]]
    out += [_l("q.a.b", "wildlsearch,ret=full", "wl1"), _l("q.a.b", "wildlsearch,ret=key", "wl1"),
            _l("z.z", "partial-nwildlsearch", "nw1", pv)]
    # cdb
    out += [_l(k, "cdb", "c1.cdb") for k in
            ["alpha", "Alpha", "ALPHA", "beta", "dup", "empty", "nosuch", ""]]
    out += [_l("nosuch", "cdb*", "c1.cdb"), _l("u@example.com", "cdb*@", "c1.cdb"),
            _l("a.fict.example", "partial-cdb", "c1.cdb", pv),
            _l("alpha", "cdb,ret=key", "c1.cdb"),
            _l("alpha", "cdb", "nonexist.cdb"), _l("alpha", "cdb", "bad.cdb"),
            _l("alpha", "cdb", "dd")]
    # dbm family (files made by exim_dbmbuild)
    out += [_l(k, "dbm", "d.db") for k in
            ["alpha", "beta", "Beta", "multi", "with space", "nosuch", ""]]
    out += [_l("alpha", "dbmnz", "d.db"), _l("alpha", "dbmnz", "dnz.db"),
            _l("alpha", "dbm", "dnz.db"), _l("alpha", "dbm", "dl.db"),
            _l("Beta", "dbm", "dnl.db"), _l("alpha", "dbm", "nonexist.db"),
            _l("alpha", "dbmjz", "d.db"), _l("zz", "dbm*", "d.db"),
            _l("u@example.com", "dbm*@", "d.db"), _l("u@other.example", "dbm*@", "d.db"),
            _l("a.fict.example", "partial-dbm", "d.db", pv),
            _l("alpha", "dbm,ret=key", "d.db"), _l("alpha", "dbmnz", "d.txt")]
    # dsearch
    for typ, key in [("dsearch", "file1"), ("dsearch", "FILE1"), ("dsearch", "sub"),
                     ("dsearch,ret=full", "file1"), ("dsearch,filter=file", "file1"),
                     ("dsearch,filter=file", "sub"), ("dsearch,filter=dir", "sub"),
                     ("dsearch,filter=dir", "."), ("dsearch,filter=subdir", "."),
                     ("dsearch,filter=subdir", ".."), ("dsearch,filter=subdir", "sub"),
                     ("dsearch,filter=file", "link1"), ("dsearch", "link1"),
                     ("dsearch", "a/b"), ("dsearch,filter=bogus", "file1"),
                     ("dsearch,ret=bogus", "file1"), ("dsearch", ""), ("dsearch*", "zz"),
                     ("dsearch,ret=key", "file1"), ("dsearch,ret=full,filter=file", "file1")]:
        out.append(_l(key, typ, "dd"))
    out += [_l("file1", "dsearch", "nodir"), _l("file1", "dsearch", "ls1"),
            _l("file1", "dsearch", "dd/"), _l("file1", "dsearch,ret=full", "dd/")]
    # odd files: CRLF line ends, a key that fails to expand, masks longer
    # than the address, long lines, control characters
    out += [_l(k, "lsearch", "crlf") for k in ["alpha", "beta", "q"]]
    out += [_l("x.ok", "wildlsearch", "wlbad"), _l("x.ok", "nwildlsearch", "wlbad")]
    out += [_l(k, "iplsearch", "ip2") for k in
            ["1.2.3.4", "::1", "0:0:0:0:0:0:0:1", "5.6.7.99", "::ffff:5.6.7.9", "2001:db8::1",
             "9.9.9.9", "2001:db9::1"]]
    out += ["${strlen:${lookup{" + "k" * 150 + "}lsearch{@DIR@/long}}}",
            "${str2b64:${lookup{bin}lsearch{@DIR@/long}}}",
            _l("xxx", "lsearch", "long"), _l("k", "lsearch", "long")]
    # the cache: repeated and mixed lookups in one process
    out += ["${lookup{alpha}lsearch{@DIR@/ls1}}${lookup{alpha}lsearch{@DIR@/ls1}}"
            "${lookup{alpha}lsearch,ret=full{@DIR@/ls1}}${lookup{alpha}lsearch,cache=no_rd{@DIR@/ls1}}",
            "${lookup{alpha}lsearch{@DIR@/ls1}}${lookup{alpha}cdb{@DIR@/c1.cdb}}"
            "${lookup{alpha}dbm{@DIR@/d.db}}${lookup{file1}dsearch{@DIR@/dd}}",
            "${lookup{x.fict.example}partial-lsearch{@DIR@/ls1}}"
            "${lookup{x.fict.example}lsearch{@DIR@/ls1}{y}{n}}"
            "${lookup{*.fict.example}lsearch{@DIR@/ls1}}"]
    # query-style refusals and a lookup inside other items
    out += ["${lookup dsearch{x}{y}{n}}",
            "${if eq{${lookup{alpha}lsearch{@DIR@/ls1}}}{one}{same}{differs}}",
            "${lookup{${lookup{beta}lsearch{@DIR@/ls1}{alpha}}}lsearch{@DIR@/ls1}}",
            "${lookup{alpha}lsearch{@DIR@/ls1}{${lookup{beta}lsearch{@DIR@/ls1}{$value}}}}",
            "${lookup{alpha}lsearch{@DIR@/ls1}{$value ${lookup{nosuch}lsearch{@DIR@/ls1}"
            "{x}{[$value]}}}}"]
    return out
