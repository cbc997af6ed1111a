"""The build's entry points other than the generator: util/install-deps,
make install, test/run's own checks, .ci/run."""
import os
import stat
import subprocess
from pathlib import Path

from conftest import EXIM

TOP = Path(__file__).resolve().parents[2]
BUILD = Path(EXIM).resolve().parent


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(extra)
    return env


def test_install_deps_is_idempotent():
    # make test ran it already, so everything is installed: nothing to do,
    # nothing printed, for root and for any other user.
    p = subprocess.run([str(TOP / "util" / "install-deps")], capture_output=True, text=True)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    if os.getuid() == 0:
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            str(TOP / "util" / "install-deps")], capture_output=True, text=True)
        assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_make_install_into_destdir(tmp_path):
    # -o: install the binary under test as it is, never relink it while
    # other tests run it.
    # BUILD as the suite's make named it (relative), so its recorded flags stay as they are.
    rel = os.path.relpath(BUILD, TOP)
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={rel}", "-o", f"{rel}/exim", "install",
                        f"DESTDIR={tmp_path}"], cwd=TOP, capture_output=True, text=True,
                       env=clean_env())
    assert p.returncode == 0, p.stderr
    bindir = (BUILD / "config.h").read_text().split('#define BIN_DIRECTORY "')[1].split('"')[0]
    installed = tmp_path / bindir.lstrip("/") / "exim"
    mode = installed.stat().st_mode
    assert stat.S_IMODE(mode) == 0o4755
    assert installed.read_bytes() == Path(EXIM).read_bytes()


def test_run_refuses_without_a_binary(tmp_path):
    p = subprocess.run([str(TOP / "test" / "run")], capture_output=True, text=True,
                       env=clean_env(EXIM=str(tmp_path / "no-exim")))
    assert p.returncode == 2
    assert p.stderr == f"test/run: {tmp_path}/no-exim is missing; run make (or make test) first\n"


def test_ci_runs_make_test():
    ci = TOP / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    assert "exec make test" in ci.read_text()


def test_clean_with_build_removes_only_that_directory(tmp_path):
    b = tmp_path / "b"
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={b}", "config"], cwd=TOP,
                       capture_output=True, text=True, env=clean_env())
    assert p.returncode == 0 and (b / "modules.c").exists(), p.stderr
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={b}", "clean"], cwd=TOP,
                       capture_output=True, text=True, env=clean_env())
    assert (p.returncode, p.stdout) == (0, f"rm -rf {b}\n")
    assert not b.exists()
    assert Path(EXIM).exists()


def test_minimal_variant_builds_in_its_own_directory(tmp_path):
    """Local/Makefile.minimal links (no core file needs a part it turns off)
    and its -bV lists only what it keeps."""
    b = tmp_path / "build-min"
    p = subprocess.run(["make", "--no-print-directory", "-s", f"BUILD={b}", "OPTFLAGS=-O0",
                        "LOCAL_MAKEFILE=Local/Makefile.minimal"], cwd=TOP, capture_output=True,
                       text=True, env=clean_env())
    assert p.returncode == 0, p.stderr
    assert "warning" not in p.stderr
    conf = tmp_path / "exim.conf"
    conf.write_text("# empty\n")
    r = subprocess.run([str(b / "exim"), "-C", str(conf), "-bV"], capture_output=True, text=True)
    lines = r.stdout.splitlines()
    assert "Support for:" in lines
    assert "Authenticators:" in lines
    assert "Routers: accept dnslookup redirect" in lines
    assert "Transports: appendfile/maildir/mailstore/mbx autoreply pipe smtp" in lines
