"""Log files and log_selector (spec chapter 53, options of chapter 14).

-z writes its text to the main log; the tests point log_file_path at the
test's temporary directory and read the files back.  log_selector errors
and the _LOG_* built-in macros are compared with answers recorded from
exim4 (test/expected/log/).  Syslog is not tested here: openlog() always
uses /dev/log, which a test cannot redirect without privileges it should
not need; the syslog splitting is unit-tested (test/unit/test_log.c).
"""
import json
import os
import re
import stat
import time

import pytest

from conftest import EXPECTED

BASE = "primary_hostname = test.example\n"
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def conf_with(tmp_path, extra):
    return BASE + f"log_file_path = {tmp_path}/logs/%slog\n" + extra


def test_z_writes_main_log(exim, tmp_path):
    r = exim(["-z", "operator note: disk replaced"], conf=conf_with(tmp_path, ""))
    assert (r.rc, r.out, r.err) == (0, "", "")
    log = tmp_path / "logs" / "mainlog"
    assert re.fullmatch(STAMP + r" operator note: disk replaced\n", log.read_text())
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    assert not (tmp_path / "logs" / "rejectlog").exists()
    assert not (tmp_path / "logs" / "paniclog").exists()
    # appended, not truncated
    exim(["-z", "second"], conf=conf_with(tmp_path, ""))
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and lines[1].endswith(" second")


def test_z_selectors_change_prefix(exim, tmp_path):
    r = exim(["-z", "hello there"],
             conf=conf_with(tmp_path, "log_selector = +pid +millisec\nlog_timezone = true\n"))
    assert r.rc == 0
    text = (tmp_path / "logs" / "mainlog").read_text()
    # exim4 wrote "2026-11-23 13:41:18.747 +0000 [9843] hello there" for this config
    assert re.fullmatch(STAMP + r"\.\d{3} [-+]\d{4} \[\d+\] hello there\n", text)


def test_z_datestamped_name(exim, tmp_path):
    before = time.strftime("%Y%m%d")
    r = exim(["-z", "dated"], conf=BASE + f"log_file_path = {tmp_path}/logs/%slog-%D\n")
    assert r.rc == 0
    names = os.listdir(tmp_path / "logs")
    assert names in (["mainlog-" + before], ["mainlog-" + time.strftime("%Y%m%d")])
    r = exim(["-z", "monthly"], conf=BASE + f"log_file_path = {tmp_path}/m/%s.%M\n")
    assert os.listdir(tmp_path / "m") in (["main." + before[:6]], ["main." + time.strftime("%Y%m")])


def test_z_expanded_path_and_default(exim, tmp_path):
    r = exim(["-z", "x"], conf=BASE + f"log_file_path = {tmp_path}/$primary_hostname-%slog\n")
    assert r.rc == 0
    assert (tmp_path / "test.example-mainlog").read_text().endswith(" x\n")
    # empty: spool_directory/log/%slog (the log directory is created)
    (tmp_path / "spool").mkdir()
    r = exim(["-z", "y"], conf=BASE + f"spool_directory = {tmp_path}/spool\nlog_file_path =\n")
    assert r.rc == 0
    assert (tmp_path / "spool" / "log" / "mainlog").read_text().endswith(" y\n")
    # ":syslog" style lists take the first file item
    r = exim(["-z", "z"], conf=BASE + f"spool_directory = {tmp_path}/spool\nlog_file_path = :\n")
    assert r.rc == 0
    assert (tmp_path / "spool" / "log" / "mainlog").read_text().endswith(" z\n")


def test_z_path_without_percent_s(exim, tmp_path):
    r = exim(["-z", "x"], conf=BASE + f"log_file_path = {tmp_path}/nopct\n")
    assert r.rc == 1
    # exim4: log_file_path "/tmp/lx/logs/nopct" does not contain "%s"
    assert f'log_file_path "{tmp_path}/nopct" does not contain "%s"' in r.err


def test_z_unopenable_main_log(exim, tmp_path):
    r = exim(["-z", "x"], conf=BASE + f"log_file_path = {tmp_path}/no/such/dir/%slog\n")
    assert r.rc == 1
    assert re.search(r'Cannot open main log file "' + re.escape(str(tmp_path)) +
                     r'/no/such/dir/mainlog": No such file or directory: euid=\d+ egid=\d+', r.err)


def test_be_log_lines_stay_on_stderr(exim, tmp_path):
    """Testing modes (-be) log to stderr as exim4 does, even with a log_file_path."""
    r = exim(["-be", "${lookup{x}lsearch{$h_subject:}}"], conf=conf_with(tmp_path, ""))
    assert not (tmp_path / "logs").exists()


CASES = json.loads((EXPECTED / "log" / "selector_errors.json").read_text())


@pytest.mark.parametrize("setting", list(CASES))
def test_log_selector_parsing(exim, setting):
    want = CASES[setting]
    r = exim(["-bP", "log_selector"], conf=BASE + f"log_selector = {setting}\n")
    assert r.rc == want["rc"]
    assert r.out == want["stdout"]
    if want["error"]:
        assert re.fullmatch(STAMP + r"(\.\d{3})?( \[\d+\])? " + re.escape(want["error"]), r.err)
    else:
        assert r.err == ""


def test_log_macros_as_exim4(exim):
    r = exim(["-bP", "macros"], conf=BASE)
    ours = [ln for ln in r.out.splitlines() if ln.startswith("_LOG_")]
    assert ours == (EXPECTED / "log" / "macros_log.exim4").read_text().splitlines()
    r = exim(["-bP", "macro", "_LOG_PROTOCOL_DETAIL"], conf=BASE)
    assert r.out == "_LOG_PROTOCOL_DETAIL=y\n"


def test_log_macro_usable_in_config(exim, tmp_path):
    conf = BASE + ".ifdef _LOG_MILLISEC\nlog_selector = +millisec\n.endif\n" + \
        f"log_file_path = {tmp_path}/%slog\n"
    assert exim(["-z", "m"], conf=conf).rc == 0
    assert re.fullmatch(STAMP + r"\.\d{3} m\n", (tmp_path / "mainlog").read_text())


def test_z_debug_shows_log_line(exim, tmp_path):
    # exim4 -d -z "dbg line" shows "LOG: MAIN" and the text indented by two
    r = exim(["-d", "-z", "dbg line"], conf=conf_with(tmp_path, ""))
    assert r.rc == 0
    assert "LOG: MAIN\n  dbg line\n" in r.err


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files away")
def test_z_files_owned_by_exim_user(exim, tmp_path):
    conf = BASE + f"log_file_path = {tmp_path}/o/%slog\nexim_user = nobody\nexim_group = 65534\n"
    assert exim(["-z", "own"], conf=conf).rc == 0
    st = (tmp_path / "o" / "mainlog").stat()
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert (tmp_path / "o").stat().st_uid == 65534


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become nobody")
def test_z_non_admin_refused():
    """exim4 as nobody: -z exits 1, writes nothing anywhere."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path
    from conftest import EXIM
    tmp_path = Path(tempfile.mkdtemp(prefix="exim-log-"))
    tmp_path.chmod(0o755)
    c = tmp_path / "exim.conf"
    c.write_text(conf_with(tmp_path, ""))
    c.chmod(0o644)

    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    p = subprocess.run([EXIM, "-C", str(c), "-z", "x"], capture_output=True, text=True,
                       preexec_fn=drop, cwd=str(tmp_path), timeout=30)
    try:
        assert (p.returncode, p.stdout, p.stderr) == (1, "", "")
        assert not (tmp_path / "logs").exists()
    finally:
        shutil.rmtree(tmp_path)


def test_concurrent_writers_do_not_interleave(tmp_path):
    """Many processes appending at once: every line arrives whole."""
    import subprocess
    from conftest import EXIM
    c = tmp_path / "exim.conf"
    c.write_text(conf_with(tmp_path, ""))
    c.chmod(0o644)
    long = "x" * 3000
    procs = [subprocess.Popen([EXIM, "-C", str(c), "-z", f"w{i} {long} end{i}"])
             for i in range(20)]
    assert all(p.wait(timeout=30) == 0 for p in procs)
    lines = (tmp_path / "logs" / "mainlog").read_text().splitlines()
    assert len(lines) == 20
    for ln in lines:
        m = re.fullmatch(STAMP + r" w(\d+) x{3000} end(\d+)", ln)
        assert m and m.group(1) == m.group(2)


FACILITIES = json.loads((EXPECTED / "log" / "syslog_facility.json").read_text())


@pytest.mark.parametrize("name", list(FACILITIES))
def test_syslog_facility_checked(exim, name):
    want = FACILITIES[name]
    r = exim(["-bP", "syslog_facility"], conf=BASE + f"syslog_facility = {name}\n")
    assert (r.rc, r.out) == (want["rc"], want["stdout"])
    if want["error"]:
        assert re.fullmatch(STAMP + " " + re.escape(want["error"]), r.err)
    else:
        assert r.err == ""


def test_more_than_one_path(exim, tmp_path):
    """exim4: the first path is used; a panic (also in the main log, and on
    stderr) says so: "More than one path given in log_file_path: using P"."""
    first = f"{tmp_path}/logs/%slog"
    r = exim(["-z", "hi"], conf=BASE + f"log_file_path = {first} : syslog : {tmp_path}/x%s\n")
    assert r.rc == 0
    msg = f"More than one path given in log_file_path: using {first}"
    assert re.fullmatch(STAMP + " " + re.escape(msg) + "\n", r.err)
    main = (tmp_path / "logs" / "mainlog").read_text().splitlines()
    assert [ln[20:] for ln in main] == [msg, "hi"]
    assert (tmp_path / "logs" / "paniclog").read_text()[20:] == msg + "\n"
    assert not list(tmp_path.glob("x*"))


def test_arguments_line_in_the_modes_exim4_logs_it(tmp_path):
    """log_selector +arguments: "cwd=DIR N args: ..." when the log is opened
    for real work (-bpc here; reception in receive case args_and_rt), not in
    testing modes nor for -z (exim4 4.96 checked by hand: -bpc, -bp, -q*,
    -M*, -bs, -bi, -bd log it; -bP, -bt, -bv, -be, -bh, -bf, -brt, -brw, -z
    do not)."""
    import subprocess
    from conftest import EXIM
    conf = tmp_path / "exim.conf"
    conf.write_text(conf_with(tmp_path, f"spool_directory = {tmp_path}/spool\nlog_selector = +arguments\n"))
    conf.chmod(0o644)
    log = tmp_path / "logs" / "mainlog"

    def run(*args):
        subprocess.run([EXIM, "-C", str(conf)] + list(args), cwd=str(tmp_path), capture_output=True,
                       input=b"", timeout=30)
        text = log.read_text() if log.exists() else ""
        log.unlink(missing_ok=True)
        return [x[20:] for x in text.splitlines()]

    assert run("-bpc") == [f"cwd={tmp_path} 4 args: {EXIM} -C {conf} -bpc"]
    assert run("-bP", "qualify_domain") == []
    assert run("-bt", "a@b.example") == []
    assert run("-z", "a b") == ["a b"]


def test_overlong_line_replaced_by_overflow_notice(tmp_path):
    """exim4 writes lines of up to 8189 characters (timestamp included);
    a longer one becomes "**** log string overflowed log buffer ****"
    followed by an empty line (found by hand with exim4 -bpc and a long
    argument under +arguments: 8107 'a's fitted, 8108 did not, with a
    line prefix of 82 characters)."""
    import subprocess
    from conftest import EXIM
    conf = tmp_path / "exim.conf"
    conf.write_text(conf_with(tmp_path, f"spool_directory = {tmp_path}/spool\nlog_selector = +arguments\n"))
    conf.chmod(0o644)
    log = tmp_path / "logs" / "mainlog"
    prefix = f"cwd={tmp_path} 5 args: {EXIM} -C {conf} -bpc "
    fit = 8189 - 20 - len(prefix)
    for n, want in ((fit, prefix + "a" * fit + "\n"), (fit + 1, "**** log string overflowed log buffer ****\n\n")):
        subprocess.run([EXIM, "-C", str(conf), "-bpc", "a" * n], cwd=str(tmp_path), capture_output=True, timeout=30)
        text = log.read_text()
        log.unlink()
        assert re.fullmatch(STAMP + " ", text[:20]) and text[20:] == want
