"""util/genmodules, the build's generator, and how the Makefile drives it.

Fixtures live in test/gen/: tree/ (a small modules.def using every kind of
line, with the source files it names), bad/ (invalid modules.def files) and
expected/ (the generator's output for the fixture with no settings).
Every refusal must be ONE line naming the flag and the fix.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
GEN = TOP / "test" / "gen"
TREE = GEN / "tree"


def run_gen(tmp_path, flags="", def_file=TREE / "modules.def", top=TREE):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (tmp_path / "flags").write_text(flags)
    p = subprocess.run(["perl", str(TOP / "util" / "genmodules"), "--top", str(top),
                        "--out", str(out), "--flags", str(tmp_path / "flags"),
                        "--cc", "gcc", str(def_file)],
                       capture_output=True, text=True)
    return p, out


def stopped(p):
    """The one line of a refusal (asserting there is exactly one)."""
    assert p.returncode == 1, p.stderr
    lines = p.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Build stopped: ")
    return lines[0]


def test_default_outputs_match_expected(tmp_path):
    p, out = run_gen(tmp_path, "SPOOL_DIRECTORY=/var/spool/exim\nLOG_FILE_PATH=\n")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    for name in ("modules.mk", "modules.c", "config.h"):
        got = (out / name).read_text().replace(str(TREE / "modules.def"), "MODULES.DEF")
        assert got == (GEN / "expected" / name).read_text(), name


def test_outputs_not_rewritten_when_unchanged(tmp_path):
    p, out = run_gen(tmp_path)
    assert p.returncode == 0
    before = {n: (out / n).stat().st_mtime_ns for n in ("modules.mk", "modules.c", "config.h")}
    p, out = run_gen(tmp_path)
    assert p.returncode == 0
    assert before == {n: (out / n).stat().st_mtime_ns for n in before}


def test_flag_turns_part_on_with_needs_and_header_checked_library(tmp_path):
    p, out = run_gen(tmp_path, "EXPERIMENTAL_DMARC=yes\nAUTH_PLAINTEXT=yes\n")
    assert p.returncode == 0, p.stderr
    mk = (out / "modules.mk").read_text()
    assert "MODULE_SRCS = src/lookups/lsearch.c src/route/accept.c src/transport/appendfile.c " \
           "src/transport/queuefile.c src/auth/plaintext.c src/modules/spf.c " \
           "src/modules/dmarc.c\n" in mk
    assert "MODULE_LIBS = -lm\n" in mk
    c = (out / "modules.c").read_text()
    assert '{"DMARC", "DMARC", "EXPERIMENTAL_DMARC=yes", true, true},' in c
    assert "&auth_plaintext," in c
    assert "#define HAVE_DMARC 1" in (out / "config.h").read_text()


def test_off_part_is_listed_but_not_compiled(tmp_path):
    p, out = run_gen(tmp_path, "TRANSPORT_APPENDFILE=no\n")
    assert p.returncode == 0
    mk = (out / "modules.mk").read_text()
    assert "src/transport/appendfile.c" in mk.splitlines()[1]   # MODULE_FILES_ALL
    assert "appendfile" not in mk.splitlines()[2]                # MODULE_SRCS
    c = (out / "modules.c").read_text()
    assert "transport_appendfile" not in c


def test_one_flag_one_file_several_lookups(tmp_path):
    p, out = run_gen(tmp_path, "LOOKUP_LSEARCH=no\n")
    assert p.returncode == 0
    c = (out / "modules.c").read_text()
    assert "lookup_lsearch" not in c and "lookup_wildlsearch" not in c
    assert '{"LSEARCH", NULL, "LOOKUP_LSEARCH=yes", false, true},' in c
    assert '{"WILDLSEARCH", NULL, "LOOKUP_LSEARCH=yes", false, true},' in c
    mk = (out / "modules.mk").read_text().splitlines()
    assert mk[1].count("src/lookups/lsearch.c") == 1
    assert "lsearch" not in mk[2]


def test_missing_needed_module(tmp_path):
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_DMARC=yes\nDISABLE_DKIM=yes\n")
    assert stopped(p) == ("Build stopped: EXPERIMENTAL_DMARC (dmarc) needs dkim, which is off "
                          "in this build; unset DISABLE_DKIM in Local/Makefile")
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_DMARC=yes\nSUPPORT_SPF=no\n")
    assert stopped(p) == ("Build stopped: EXPERIMENTAL_DMARC (dmarc) needs spf, which is off "
                          "in this build; set SUPPORT_SPF=yes in Local/Makefile")


def test_missing_library_with_header(tmp_path):
    p, out = run_gen(tmp_path, "EXPERIMENTAL_LMDB=yes\n")
    assert stopped(p) == (
        "Build stopped: EXPERIMENTAL_LMDB (lmdb) needs library -lnosuchlib_gen with header "
        "<nosuchheader_gen.h>, which gcc cannot compile and link; run util/install-deps or "
        "unset EXPERIMENTAL_LMDB in Local/Makefile")
    assert not list(out.glob("libcheck*"))


def test_missing_pkg_config_library(tmp_path):
    p, _ = run_gen(tmp_path, "LOOKUP_LDAP=yes\n")
    assert stopped(p) == (
        "Build stopped: LOOKUP_LDAP (ldap) needs library nosuch-pkgconfig-gen, which pkg-config "
        "cannot find; run util/install-deps or unset LOOKUP_LDAP in Local/Makefile")


def test_unknown_flag_turned_on(tmp_path):
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_FROBNICATE=yes\n")
    assert stopped(p) == (
        "Build stopped: EXPERIMENTAL_FROBNICATE=yes is not a build setting this source tree "
        "knows (see src/EDITME); check the spelling or remove it from Local/Makefile")
    # Turned off, an unknown flag does no harm.
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_FROBNICATE=no\n")
    assert p.returncode == 0, p.stderr


def test_planned_flag_turned_on(tmp_path):
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_ARC=yes\n")
    assert stopped(p) == ("Build stopped: EXPERIMENTAL_ARC=yes but ARC support is not part of "
                          "this source tree yet; unset it in Local/Makefile")
    p, out = run_gen(tmp_path, "EXPERIMENTAL_ARC=no\n")
    assert p.returncode == 0
    assert '{"ARC", NULL, "EXPERIMENTAL_ARC=yes", false, false},' in (out / "modules.c").read_text()


def test_alias_is_a_synonym(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    p1, out1 = run_gen(tmp_path / "a", "SUPPORT_DMARC=yes\n")
    p2, out2 = run_gen(tmp_path / "b", "EXPERIMENTAL_DMARC=yes\n")
    assert p1.returncode == 0 and p2.returncode == 0, p1.stderr + p2.stderr
    for name in ("modules.mk", "modules.c", "config.h"):
        assert (out1 / name).read_text() == (out2 / name).read_text()
    assert "src/modules/dmarc.c" in (out1 / "modules.mk").read_text().splitlines()[2]


def test_inverted_alias_and_alias_of_planned_part(tmp_path):
    p, out = run_gen(tmp_path, "EXPERIMENTAL_DKIM=no\n")    # means DISABLE_DKIM=yes
    assert p.returncode == 0
    assert '{"DKIM", "DKIM", "DISABLE_DKIM unset", false, true},' in (out / "modules.c").read_text()
    p, _ = run_gen(tmp_path, "EXPERIMENTAL_DANE=yes\n")
    assert stopped(p) == ("Build stopped: EXPERIMENTAL_DANE=yes (that is, SUPPORT_DANE=yes) but "
                          "DANE support is not part of this source tree yet; unset it in "
                          "Local/Makefile")


def test_alias_contradicting_its_flag(tmp_path):
    p, _ = run_gen(tmp_path, "SUPPORT_DMARC=yes\nEXPERIMENTAL_DMARC=no\n")
    assert stopped(p) == (
        "Build stopped: SUPPORT_DMARC=yes and EXPERIMENTAL_DMARC=no contradict each other "
        "(SUPPORT_DMARC is another spelling of EXPERIMENTAL_DMARC); keep one of them in "
        "Local/Makefile")


def test_two_aliases_contradicting(tmp_path):
    p, _ = run_gen(tmp_path, "SUPPORT_DKIM=yes\nEXPERIMENTAL_DKIM=no\n")
    assert stopped(p) == (
        "Build stopped: SUPPORT_DKIM=yes and EXPERIMENTAL_DKIM=no contradict each other "
        "(SUPPORT_DKIM is another spelling of the opposite of DISABLE_DKIM); keep one of them "
        "in Local/Makefile")
    p, _ = run_gen(tmp_path, "SUPPORT_DKIM=yes\nEXPERIMENTAL_DKIM=yes\n")
    assert p.returncode == 0, p.stderr


def test_conflicting_parts(tmp_path):
    p, _ = run_gen(tmp_path, "SUPPORT_SRS=yes\nEXPERIMENTAL_SRS_ALT=yes\n")
    assert stopped(p) == ("Build stopped: EXPERIMENTAL_SRS_ALT=yes and SUPPORT_SRS=yes cannot be "
                          "built together; unset one of them in Local/Makefile")


@pytest.mark.parametrize("name,message", [
    ("kind", 'line 2: unknown kind "driver" (expected one of: auth feature lookup module '
             'planned router transport alias)'),
    ("duplicate", 'line 2: duplicate name "accept" (first on line 1)'),
    ("missing_file", "line 2: redirect: file src/route/redirect.c does not exist"),
    ("unknown_needs", 'line 1: dmarc refers to unknown part "spf"'),
    ("flag_kinds", "line 2: flag ROUTER_ACCEPT already used by a router (line 1)"),
    ("alias", "line 2: alias SUPPORT_FOO names unknown flag EXPERIMENTAL_FOO"),
])
def test_invalid_modules_def(tmp_path, name, message):
    f = GEN / "bad" / f"{name}.def"
    p, _ = run_gen(tmp_path, "", def_file=f)
    assert p.returncode == 2
    assert p.stderr == f"genmodules: {f} {message}\n"


def test_list_flags(tmp_path):
    p = subprocess.run(["perl", str(TOP / "util" / "genmodules"), "--list-flags", "--top",
                        str(TREE), str(TREE / "modules.def")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [
        "LOOKUP_LSEARCH", "ROUTER_ACCEPT", "TRANSPORT_APPENDFILE", "EXPERIMENTAL_QUEUEFILE", "AUTH_PLAINTEXT",
        "DISABLE_DKIM", "SUPPORT_SPF", "EXPERIMENTAL_DMARC", "EXPERIMENTAL_LMDB", "LOOKUP_LDAP",
        "SUPPORT_SRS", "EXPERIMENTAL_SRS_ALT", "EXPERIMENTAL_ARC", "SUPPORT_DANE",
        "EXPERIMENTAL_DANE", "EXPERIMENTAL_DKIM", "EXPERIMENTAL_SPF", "SUPPORT_DKIM", "SUPPORT_DMARC",
        "SPOOL_DIRECTORY", "LOG_FILE_PATH"]


# ---- the real tree: src/modules.def, src/EDITME and the Makefile -------------

# Every flag the seeds (Exim's experimental-spec versions) name.
SEED_FLAGS = """DISABLE_DKIM EXPERIMENTAL_ARC EXPERIMENTAL_BRIGHTMAIL EXPERIMENTAL_DCC
EXPERIMENTAL_DMARC EXPERIMENTAL_DSN_INFO EXPERIMENTAL_EVENT EXPERIMENTAL_LMDB EXPERIMENTAL_OCSP
EXPERIMENTAL_PIPE_CONNECT EXPERIMENTAL_QUEUEFILE EXPERIMENTAL_REQUIRETLS EXPERIMENTAL_SPF
EXPERIMENTAL_SRS EXPERIMENTAL_SRS_ALT EXPERIMENTAL_TLS_RESUME EXPERIMENTAL_TPDA
EXPERIMENTAL_XCLIENT SUPPORT_SPF SUPPORT_SRS""".split()
LATER_SPELLINGS = """SUPPORT_DMARC LOOKUP_LMDB SUPPORT_DANE EXPERIMENTAL_DANE SUPPORT_PIPE_CONNECT
SUPPORT_EVENT DISABLE_EVENT DISABLE_OCSP DISABLE_TLS_RESUME""".split()
SETTINGS = """BIN_DIRECTORY CONFIGURE_FILE SPOOL_DIRECTORY LOG_FILE_PATH EXIM_USER EXIM_GROUP
CONFIGURE_OWNER TRUSTED_CONFIG_LIST ALT_CONFIG_PREFIX WHITELIST_D_MACROS FIXED_NEVER_USERS
PID_FILE_PATH USE_OPENSSL CONFIGURE_GROUP DISABLE_D_OPTION HEADERS_CHARSET
TIMEZONE_DEFAULT""".split()


def test_editme_documents_every_flag_and_setting():
    text = (TOP / "src" / "EDITME").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))
    documented |= set(re.findall(r"\b([A-Z][A-Z0-9_]{3,})\b", text))
    for name in SEED_FLAGS + LATER_SPELLINGS + SETTINGS:
        assert name in documented, name
    listed = subprocess.run(["perl", "util/genmodules", "--list-flags", "src/modules.def"],
                            cwd=TOP, capture_output=True, text=True, check=True).stdout.split()
    for name in SEED_FLAGS + LATER_SPELLINGS + SETTINGS:
        assert name in listed, name
    # every flag of modules.def is documented in EDITME
    for line in (TOP / "src" / "modules.def").read_text().splitlines():
        f = line.split()
        if f and not f[0].startswith("#") and f[0] != "alias":
            assert re.search(rf"^#?\s*{f[2]}=", text, re.M), f[2]


def make_gen(tmp_path, *args):
    """Run the Makefile's configuration step only (the `config` target) in
    a private build directory."""
    return subprocess.run(["make", "--no-print-directory", f"BUILD={tmp_path}/b", *args, "config"],
                          cwd=TOP, capture_output=True, text=True, env=clean_env())


def clean_env():
    """The environment without the settings of a make that runs the suite."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def test_make_stops_with_one_line_for_a_planned_flag(tmp_path):
    p = make_gen(tmp_path, "EXPERIMENTAL_ARC=yes")
    assert p.returncode != 0
    lines = p.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].endswith("Build stopped: EXPERIMENTAL_ARC=yes but ARC support is not part "
                             "of this source tree yet; unset it in Local/Makefile.  Stop.")


def test_make_reports_misspelt_flag_from_local_makefile(tmp_path):
    local = tmp_path / "Makefile.local"
    local.write_text("EXPERIMENTAL_DMRAC=yes\n")
    p = make_gen(tmp_path, f"LOCAL_MAKEFILE={local}")
    assert p.returncode != 0
    assert len(p.stderr.splitlines()) == 1
    assert "Build stopped: EXPERIMENTAL_DMRAC=yes is not a build setting" in p.stderr


def test_make_every_planned_flag_stops(tmp_path):
    planned = [l.split()[2] for l in (TOP / "src" / "modules.def").read_text().splitlines()
               if l.startswith("planned ")]
    assert "EXPERIMENTAL_DMARC" in planned
    for flag in planned:
        p, _ = run_gen(tmp_path, f"{flag}=yes\n" if not flag.startswith("DISABLE_")
                       else f"{flag}=no\n", def_file=TOP / "src" / "modules.def", top=TOP)
        assert stopped(p).startswith(f"Build stopped: {flag}=")


def test_make_variants_generate_in_their_own_directory(tmp_path):
    for variant in ("Local/Makefile.full", "Local/Makefile.minimal"):
        p = make_gen(tmp_path, f"LOCAL_MAKEFILE={variant}")
        assert p.returncode == 0, p.stderr
        assert (tmp_path / "b" / "modules.c").exists()
        assert (tmp_path / "b" / "config.h").read_text().count('#define SPOOL_DIRECTORY "') == 1
    assert not (TOP / "build" / "flags.txt").exists() or \
        f"{tmp_path}" not in (TOP / "build" / "flags.txt").read_text()


def test_make_missing_local_makefile_is_an_error(tmp_path):
    p = make_gen(tmp_path, f"LOCAL_MAKEFILE={tmp_path}/nonexistent")
    assert p.returncode != 0
    assert "does not exist" in p.stderr


def test_make_run_starts_the_daemon(tmp_path):
    # what make run does after building: util/run-local writes the run
    # directory and its configuration, then execs exim -bdf -q5m.  A stand-in
    # for exim records that command (no daemon on the fixed port 2525, which
    # concurrent suites would share); the real exim must accept the file.
    from conftest import EXIM
    stub = tmp_path / "exim-stub"
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args"\n')
    stub.chmod(0o755)
    run = tmp_path / "run"
    p = subprocess.run([str(TOP / "util" / "run-local")], env=dict(clean_env(), EXIM=str(stub), RUNDIR=str(run)),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "Starting the MTA in the foreground" in p.stdout
    conf = run / "exim.conf"
    assert (tmp_path / "args").read_text().split("\n")[:4] == ["-C", str(conf), "-bdf", "-q5m"]
    v = subprocess.run([EXIM, "-C", str(conf), "-bV"], capture_output=True, text=True, timeout=30)
    assert v.returncode == 0 and f"Configuration file is {conf}" in v.stdout, v.stdout + v.stderr

def test_full_variant_and_editme_agree_with_modules_def():
    """Every part in the tree is set in src/EDITME with its modules.def
    default, and Local/Makefile.full spells out every part that is on."""
    editme = (TOP / "src" / "EDITME").read_text()
    full = (TOP / "Local" / "Makefile.full").read_text()
    for line in (TOP / "src" / "modules.def").read_text().splitlines():
        f = line.split()
        if not f or f[0].startswith("#") or f[0] in ("alias", "planned"):
            continue
        flag, default = f[2], f[3]
        assert re.search(rf"^{flag}={default}$", editme, re.M), (flag, default)
        if default == "yes":
            assert re.search(rf"^{flag}=yes$", full, re.M), flag
