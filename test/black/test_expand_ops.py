"""Expansion operators (spec 11.6) through build/exim -be: every case of
test/expected/expand/ops.json, recorded from exim4 -be by
test/expected/expand/record_ops.py with the same configuration, must give
exim4's output or error text.  Plus checks for the operators whose output
is not reproducible (randint, stat) and for the engine-dependent ones."""
import importlib.util
import json
import os
import subprocess

from conftest import EXIM, EXPECTED

_spec = importlib.util.spec_from_file_location("record_ops", EXPECTED / "expand" / "record_ops.py")
record_ops = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record_ops)
CONF = record_ops.CONF
CASES = json.loads((EXPECTED / "expand" / "ops.json").read_text())

# Differences kept on purpose: expression -> what we print instead.
KEPT = {
    # SMTPUTF8/IDNA is the i18n module, not in this build
    "${utf8_domain_to_alabel:abc}":
        'Failed: the "utf8_domain_to_alabel" operator is not available in this build '
        "(needs SUPPORT_I18N in Local/Makefile)",
}
# Lookup types that differ between Debian's exim4 and this build: the
# quote_ operator follows the lookups this build has.
KEPT_LOOKUPS = ("quote_lmdb:", "quote_sqlite:", "quote_dnsdb:", "quote_ldap:", "quote_mysql:",
                "quote_pgsql:")


def be(exim, expr):
    r = exim(["-be", expr], conf=CONF)
    out = r.out[:-1] if r.out.endswith("\n") else r.out
    return r, out


def test_recorded_cases(exim):
    """Byte-exact: the recording keeps bytes as latin-1 characters."""
    conf = exim.write_conf(CONF)
    agree, skipped, diffs = 0, 0, []
    for c in CASES:
        r = subprocess.run([EXIM, "-C", str(conf), "-be", c["expr"].encode("latin-1")],
                           capture_output=True, timeout=30)
        out = r.stdout[:-1] if r.stdout.endswith(b"\n") else r.stdout
        out = out.decode("latin-1")
        want = c["out"] if c["ok"] else "Failed: " + c["out"]
        if c["expr"] in KEPT:
            want = KEPT[c["expr"]]
        if c["expr"][2:].startswith(KEPT_LOOKUPS):
            skipped += 1
            continue
        if out == want:
            agree += 1
        else:
            diffs.append(f"{c['expr']!r}: ours {out!r}, exim4 {want!r}")
    print(f"operators via -be: {agree} of {len(CASES) - skipped} agree ({skipped} lookup-dependent)")
    assert not diffs, "\n".join(diffs[:40])


def test_randint_range(exim):
    for n in ("1", "2", "7", "1000"):
        for _ in range(5):
            _, out = be(exim, "${randint:%s}" % n)
            assert out.isdigit() and 0 <= int(out) < max(int(n), 1), out
    _, out = be(exim, "${randint:1K}")
    assert out.isdigit() and int(out) < 1024


def test_stat_fields(exim, tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"hello")
    f.chmod(0o640)
    st = os.stat(f)
    _, out = be(exim, "${stat:%s}" % f)
    assert out == (f"mode=0640 smode=-rw-r----- inode={st.st_ino} device={st.st_dev} links=1 "
                   f"uid={st.st_uid} gid={st.st_gid} size=5 atime={int(st.st_atime)} "
                   f"mtime={int(st.st_mtime)} ctime={int(st.st_ctime)}")
    _, out = be(exim, "${stat:%s}" % tmp_path)
    assert out.startswith("mode=40700 smode=drwx------ ")
    _, out = be(exim, "${stat:/dev/null}")
    assert out.startswith("mode=20666 smode=crw-rw-rw- ")


def test_expand_operator(exim):
    assert be(exim, r"${expand:\${lc:ABC\}}")[1] == "abc"
    assert be(exim, r"${expand:\$primary_hostname}")[1] == "test.example"
    assert be(exim, r"${uc:${expand:\${sha1:abc\}}}")[1] == "A9993E364706816ABA3E25717850C26C9CD0D89D"


def test_operators_nest_and_take_expanded_arguments(exim):
    assert be(exim, "${base64d:${base64:${md5:x}}}")[1] == "9dd4e461268c8034f5c8564e155c67a6"
    assert be(exim, "${listcount:${listnamed:dl}}")[1] == "3"
    assert be(exim, "${length_3:${uc:${primary_hostname}}}")[1] == "TES"
    assert be(exim, "${eval:${strlen:abcd}*${eval10:010}}")[1] == "40"


def test_quote_lookup_types(exim):
    """quote_<lookup> follows the lookups of this build: single-key ones
    leave the string alone, unknown ones fail as exim4 does."""
    assert be(exim, '${quote_lsearch:a:b "c"}')[1] == 'a:b "c"'
    assert be(exim, "${quote_nosuch:x}")[1] == 'Failed: unknown lookup type "nosuch"'
    assert be(exim, "${quote_lsearch_x:a}")[1] == 'Failed: "x" unrecognized after "${quote_lsearch"'


# Recorded from exim4 -be with this configuration (hex of the output line).
CONF_ISO = "primary_hostname = test.example\nprint_topbitchars = true\nheaders_charset = ISO-8859-1\n"
ISO_CASES = [
    (r"${escape:a\xe9\x01}", "61e95c303031"),
    (r"${rfc2047:" + r"\xe9" * 28 + "}",
     "3d3f49534f2d383835392d313f513f" + "3d4539" * 24 + "3f3d203d3f49534f2d383835392d313f513f"
     + "3d4539" * 4 + "3f3d"),
    (r"${rfc2047d:=?utf-8?q?=C3=A9_=E2=82=AC_=C3=A9?=}", "e920e282ac20c3a9"),
    (r"${rfc2047d:=?utf-8?q?caf=C3=A9?=}", "636166e9"),
]


def test_iso_charset_and_topbitchars(exim):
    conf = exim.write_conf(CONF_ISO)
    for expr, want in ISO_CASES:
        r = subprocess.run([EXIM, "-C", str(conf), "-be", expr], capture_output=True, timeout=30)
        assert r.stdout.rstrip(b"\n").hex() == want, expr
