"""Black-box tests of the command line (spec chapter 5): argument rules and
Exim's error texts (recorded from exim4 in test/expected/cmdline/), program
name synonyms, -d selectors, -C/-D, -bV, -bI, and the modes whose layer is
not built yet failing loudly with exit status 2."""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED, expected

CONF = "primary_hostname = test.example\n"
NOT_YET_RC = 2
HELP = ("Exim is a Mail Transfer Agent. It is normally called by Mail User Agents,\n"
        "not directly from a shell command line. Options and/or arguments control\n"
        "what it does when called. For a list of options, see the Exim documentation.\n")

ERRORS = json.loads((EXPECTED / "cmdline" / "errors.json").read_text())


@pytest.mark.parametrize("case", ERRORS, ids=[" ".join(c["args"]) for c in ERRORS])
def test_parse_errors_match_exim(exim, case):
    r = exim(case["args"], conf=CONF, input="")
    assert r.err == case["stderr"]
    assert r.rc == case["rc"]
    assert r.out == ""


# ---- argument rules that succeed: the option takes its argument and the
# next option (-bV) is still seen as an option.
@pytest.mark.parametrize("args", [
    ["-f", "a@b"], ["-fa@b"], ["-f", "<>"], ["-r", "a@b"], ["-F", "Full Name"], ["-FName"],
    ["-h", "5"], ["-h5"], ["-p", "proto:host"], ["-pesmtp"], ["-pd"], ["-ps"],
    ["-oA", "file"], ["-oAfile"], ["-oB"], ["-oB", "5"], ["-oB7"], ["-oB5x"], ["-oP", "/tmp/p"],
    ["-oPX"], ["-oX", "25"], ["-or", "5m"], ["-or5m"], ["-os", "1h"], ["-oMa", "1.2.3.4"],
    ["-oMaa", "plain"], ["-oMai", "id"], ["-oMas", "a@b"], ["-oMi", "1.2.3.4.25"],
    ["-oMm", "1xVTD9-0002qn-0J"], ["-oMr", "esmtp"], ["-oMs", "host"], ["-oMt", "ident"],
    ["-odb"], ["-odf"], ["-odi"], ["-odq"], ["-odqs"], ["-oee"], ["-oem"], ["-oep"], ["-oeq"],
    ["-oew"], ["-ee"], ["-em"], ["-ep"], ["-eq"], ["-ew"], ["-oi"], ["-oitrue"], ["-om"], ["-oo"],
    ["-ov"], ["-oY"], ["-i"], ["-m"], ["-n"], ["-nx"], ["-x"], ["-U"], ["-Ux"], ["-B8BITMIME"],
    ["-Ac"], ["-Am"], ["-G"], ["-E"], ["-Eabc"], ["-X", "file"], ["-Xfile"], ["-O", "opt"],
    ["-Oopt"], ["-dropcr"], ["-tls-on-connect"], ["-N"], ["-v"], ["-L", "tag"], ["-Ltag"],
    ["-DFOO"], ["-DFOO=bar"], ["-D FOO = bar"], ["-bnq"], ["-C", "{conf}"],
])
def test_argument_rules_accepted(exim, args):
    conf_path = exim.write_conf(CONF)
    args = [a.replace("{conf}", str(conf_path)) for a in args]
    r = exim(args + ["-bV"], conf=CONF)
    assert r.rc == 0, r.err
    assert r.out.startswith("Exim version 4.96 ")
    assert r.out.endswith(f"Configuration file is {conf_path}\n")


# ---- -bV
def test_bV_prints_configuration_file_last(exim):
    r = exim(["-bV"], conf=CONF)
    assert r.rc == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[0].startswith("Exim version 4.96 #")
    assert lines[-1] == f"Configuration file is {exim.conf_path}"


def test_version_alias(exim):
    a = exim(["--version"], conf=CONF)
    b = exim(["-bV"], conf=CONF)
    assert a.rc == 0 and a.out.splitlines()[-1] == b.out.splitlines()[-1]


def test_bV_broken_config_prints_version_then_error(exim):
    r = exim(["-bV"], conf="foo_bar = 1\n")
    assert r.rc == 1
    assert r.out.startswith("Exim version 4.96 ")
    assert "Configuration file is" not in r.out
    assert 'main option "foo_bar" unknown' in r.err


def test_bV_missing_config(exim):
    r = exim(["-C", str(exim.tmp / "nonexist"), "-bV"])
    assert r.rc == 1
    assert r.out.startswith("Exim version 4.96 ")
    assert re.search(r"non-existent configuration file\(s\): .*nonexist", r.err)


def test_C_list_first_existing_file(exim):
    real = exim.write_conf(CONF, "real.conf")
    r = exim(["-C", f"{exim.tmp}/missing.conf:{real}", "-bV"])
    assert r.rc == 0
    assert r.out.splitlines()[-1] == f"Configuration file is {real}"


def test_bV_with_other_action_has_no_config_line(exim):
    r = exim(["-bV", "-bP", "qualify_domain"], conf=CONF)
    assert r.rc == 0
    assert r.out.startswith("Exim version 4.96 ")
    assert r.out.endswith("qualify_domain = test.example\n")
    assert "Configuration file is" not in r.out


# ---- help
def test_help_option(exim):
    r = exim(["--help"], conf=CONF)
    assert (r.rc, r.out, r.err) == (1, "", HELP)


def test_no_arguments_gives_help(exim):
    r = exim([], conf=CONF)
    assert (r.rc, r.out, r.err) == (1, "", HELP)


def test_help_needs_no_configuration(exim):
    r = exim(["-C", "/nonexistent/file", "--help"])
    assert (r.rc, r.err) == (1, HELP)


# ---- -bI
def test_bI_help(exim):
    r = exim(["-bI:help"], conf=CONF)
    assert (r.rc, r.out, r.err) == (0, expected("cmdline/bI_help"), "")


def test_bI_unknown(exim):
    r = exim(["-bI:foo"], conf=CONF)
    assert (r.rc, r.out, r.err) == (1, "", expected("cmdline/bI_help"))


def test_bI_dscp(exim):
    r = exim(["-bI:dscp"], conf=CONF)
    assert (r.rc, r.out, r.err) == (0, expected("cmdline/bI_dscp"), "")


# ---- -D and -C
def test_D_macro_visible_in_bP(exim):
    r = exim(["-DFOO=bar", "-bP", "macro", "FOO"], conf=CONF)
    assert (r.rc, r.out) == (0, "FOO=bar\n")


def test_D_without_value(exim):
    r = exim(["-DFOO", "-bP", "macro", "FOO"], conf=CONF)
    assert (r.rc, r.out) == (0, "FOO=\n")


def test_D_with_spaces(exim):
    r = exim(["-D FOO = some thing", "-bP", "macro", "FOO"], conf=CONF)
    assert (r.rc, r.out) == (0, "FOO=some thing\n")


def test_D_overrides_config_macro(exim):
    r = exim(["-DQD=cmd.example", "-bP", "qualify_domain"],
             conf="QD = file.example\nqualify_domain = QD\n")
    assert (r.rc, r.out) == (0, "qualify_domain = cmd.example\n")


def test_D_used_by_ifdef(exim):
    conf = ".ifdef SPECIAL\nqualify_domain = special.example\n.endif\n"
    assert exim(["-DSPECIAL", "-bP", "qualify_domain"], conf=conf).out == \
        "qualify_domain = special.example\n"
    assert exim(["-bP", "qualify_domain"], conf=conf + CONF).out == \
        "qualify_domain = test.example\n"


# ---- debug
def first_debug_line(err):
    return err.splitlines()[0]


@pytest.mark.parametrize("opt,bits", [
    ("-d", "f7715cfd"), ("-d+all", "fff9ffff"), ("-d-all+acl", "4"), ("-d+expand", "f7715dfd"),
    ("-d+memory", "f7735cfd"), ("-d-all+all", "fff9ffff"), ("-dd", "f7715cfd"),
    ("-d+all-memory", "fff9ffff"), ("-d+noutf8", "f7755cfd"), ("-d=10", "a"), ("-d=0x10", "10"),
    ("-d+local_scan", "f7715cff"), ("-d-all+route+deliver+transport", "24000010"),
])
def test_debug_selectors(exim, opt, bits):
    r = exim([opt, "-bV"], conf=CONF)
    assert r.rc == 0
    # +all includes the timestamp and pid prefixes
    assert re.fullmatch(rf"(\d\d:\d\d:\d\d +\d+ )?Exim version 4\.96 uid=0 gid=0 pid=\d+ D={bits}",
                        first_debug_line(r.err))


def test_debug_v_after_d_adds_bit(exim):
    assert first_debug_line(exim(["-d-all+acl", "-v", "-bV"], conf=CONF).err).endswith(" D=5")
    assert first_debug_line(exim(["-v", "-d-all+acl", "-bV"], conf=CONF).err).endswith(" D=4")


def test_debug_all_off_is_silent(exim):
    r = exim(["-d-all", "-bV"], conf=CONF)
    assert r.rc == 0 and r.err == ""


def test_debug_start_lines(exim):
    r = exim(["-d", "-bV"], conf=CONF)
    lines = r.err.splitlines()
    assert f"configuration file is {exim.conf_path}" in lines
    assert any(re.fullmatch(rf"cwd=\S+ 5 args: \S*exim -C {exim.conf_path} -d -bV", l) for l in lines)
    assert "trusted user" in lines and "admin user" in lines


def test_debug_timestamp_and_pid_prefixes(exim):
    r = exim(["-d+timestamp", "-bV"], conf=CONF)
    assert re.match(r"\d\d:\d\d:\d\d Exim version 4\.96 ", r.err)
    r = exim(["-d+pid", "-bV"], conf=CONF)
    assert re.match(r" *\d+ Exim version 4\.96 ", r.err)


def test_verbose_alone_prints_no_debug(exim):
    r = exim(["-v", "-bV"], conf=CONF)
    assert r.rc == 0 and r.err == ""


# ---- program names
@pytest.fixture
def named(tmp_path):
    def run(name, args, conf=CONF):
        link = tmp_path / name
        if not link.exists():
            link.symlink_to(EXIM)
        c = tmp_path / "exim.conf"
        c.write_text(conf)
        c.chmod(0o644)
        p = subprocess.run([str(link), "-C", str(c)] + args, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=30)
        return p
    return run


def test_name_mailq_is_bp(named, tmp_path):
    # -bp: the (empty) queue lists as nothing
    p = named("mailq", [], conf=CONF + f"spool_directory = {tmp_path}/spool\n")
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_name_rsmtp_is_bS(named):
    # rsmtp is -bS: an empty batch is fine
    p = named("rsmtp", [])
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_name_runq_is_q(named, tmp_path):
    p = named("runq", [], conf=CONF + f"spool_directory = {tmp_path}/spool\nlog_file_path = {tmp_path}/%slog\n")
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert "Start queue run: pid=" in (tmp_path / "mainlog").read_text()
    p = named("runq", ["-q"])
    assert (p.returncode, p.stderr) == (1, "exim: -q specified more than once\n")


def test_name_rmail_reads_a_message(named, tmp_path):
    # rmail is -i -oee: the (empty) message is read and spooled
    p = named("rmail", ["user@example.com"],
              conf=CONF + f"spool_directory = {tmp_path}/spool\nexim_user = root\nexim_group = root\n")
    assert p.returncode == 0, p.stderr
    assert len(list((tmp_path / "spool" / "input").glob("*-H"))) == 1


def test_name_newaliases_runs_bi_command(named, tmp_path):
    p = named("newaliases", [])
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    p = named("newaliases", ["-oAaliasfile"], conf=CONF + "bi_command = /bin/echo\n")
    assert (p.returncode, p.stdout) == (0, "aliasfile\n")


def test_name_sendmail_is_normal(named):
    p = named("sendmail", [])
    assert (p.returncode, p.stderr) == (1, HELP)
    p = named("sendmail", ["-bV"])
    assert p.returncode == 0 and p.stdout.startswith("Exim version")


# ---- modes whose layer is not built yet fail loudly
@pytest.mark.parametrize("args,what", [
    (["-be", "-Mset", "1xVTD9-0002qn-0J"], "-Mset"),
    (["-bmalware", "/dev/null"], "-bmalware"),
    (["-MC", "smtp", "host", "1.2.3.4", "1", "1xVTD9-0002qn-0J"], "-MC"),
])
def test_not_yet_available_modes(exim, args, what):
    r = exim(args, conf=CONF, input="")
    assert r.rc == NOT_YET_RC
    assert r.out == ""
    line = r.err.splitlines()
    assert len(line) == 1 and line[0].startswith("exim: ") and what in line[0]
    assert re.search(r"is not available yet: it arrives with .+", line[0])


def test_brt_brw_need_arguments(exim):
    r = exim(["-brt"], conf=CONF)
    assert (r.rc, r.err) == (1, "-brt needs a domain or address argument\n")
    r = exim(["-brw"], conf=CONF)
    assert (r.rc, r.err) == (1, "-brw needs an address argument\n")


# ---- callers that are not admin (run as nobody; the config dir must be readable)
@pytest.fixture
def as_nobody():
    d = tempfile.mkdtemp(prefix="exim-cmdline-")
    os.chmod(d, 0o755)
    conf = Path(d) / "exim.conf"
    conf.write_text(CONF)
    conf.chmod(0o644)

    def run(args):
        def drop():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        return subprocess.run([EXIM, "-C", str(conf)] + args, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30, preexec_fn=drop, cwd=d)
    yield run
    shutil.rmtree(d)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become nobody")
@pytest.mark.parametrize("args,msg", [
    (["-d", "-bP", "qualify_domain"], "exim: debugging permission denied"),
    (["-L", "tag", "-bV"], "exim: you lack sufficient privilege to specify syslog process name"),
    (["-bd"], "exim: permission denied"),
    (["-bp"], "exim: permission denied"),
    (["-q"], "exim: permission denied"),
    (["-M", "1xVTD9-0002qn-0J"], "exim: Permission denied"),
    (["-MCA", "-bV"], "exim: the -MC options are for Exim's own use (root or the Exim user only)"),
    (["-MC", "smtp", "h", "1.2.3.4", "1", "1xVTD9-0002qn-0J"],
     "exim: the -MC options are for Exim's own use (root or the Exim user only)"),
])
def test_non_admin_refused(as_nobody, args, msg):
    p = as_nobody(args)
    assert p.returncode == 1
    assert p.stderr.splitlines()[-1] == msg


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become nobody")
def test_non_admin_may_use_bP_and_bV(as_nobody):
    p = as_nobody(["-bP", "qualify_domain"])
    assert (p.returncode, p.stdout) == (0, "qualify_domain = test.example\n")
    p = as_nobody(["-bV"])
    assert p.returncode == 0 and p.stdout.startswith("Exim version")
