"""SUPPORT_MBX (src/modules.def line "feature mbx"): the MBX format and
locking of the appendfile transport are a build part, on by default.  Off,
its file is not compiled, the core's af_mbx_ops_hooks is NULL and the
feature table says how to turn it on, which the option reader names when
mbx_format or use_mbx_lock is set ("needs SUPPORT_MBX=yes in
Local/Makefile").  The format and the locking themselves are compared with
exim4 in test_appendfile_cases.py (cases mbx_format, mbx_notmp)."""
import subprocess

import pytest

from test_build import TOP, clean_env


@pytest.mark.parametrize("setting, on", [([], True), (["SUPPORT_MBX=no"], False)])
def test_support_mbx_setting(tmp_path, setting, on):
    b = tmp_path / "b"
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={b}", "config"] + setting, cwd=TOP,
                       capture_output=True, text=True, env=clean_env())
    assert p.returncode == 0, p.stderr
    c = (b / "modules.c").read_text()
    mk = (b / "modules.mk").read_text()
    srcs = [ln for ln in mk.splitlines() if ln.startswith("MODULE_SRCS")]
    assert srcs
    if on:
        assert "const struct af_mbx_ops *const af_mbx_ops_hooks = &af_mbx_impl;" in c
        assert '{"MBX", NULL, "SUPPORT_MBX=yes", true, true},' in c
        assert "src/transport/appendfile_mbx.c" in srcs[0]
        assert '"appendfile/maildir/mailstore/mbx",' in c      # -bV Transports:
    else:
        assert "const struct af_mbx_ops *const af_mbx_ops_hooks = NULL;" in c
        assert '{"MBX", NULL, "SUPPORT_MBX=yes", false, true},' in c
        assert "src/transport/appendfile_mbx.c" not in srcs[0]
        assert '"appendfile/maildir/mailstore",' in c


def test_mbx_options_accepted(exim):
    conf = ("begin transports\nt:\n  driver = appendfile\n  file = /x\n  mbx_format\n"
            "  message_prefix =\n  message_suffix =\n")
    r = exim(["-bP", "transport", "t"], conf=conf)
    assert r.rc == 0, r.err
    assert "mbx_format\n" in r.out
    assert "use_mbx_lock\n" in r.out
    assert "no_use_lockfile\n" in r.out
