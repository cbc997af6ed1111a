"""crypteq's default encryption is a build setting (src/EDITME
DEFAULT_CRYPT): crypt unless the build sets DEFAULT_CRYPT=crypt16.  Builds
a variant in its own directory (about 20 s on two cores)."""
import os
import subprocess
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

# Exim's crypt16 of "secretpassword12" with salt "ab" (24 characters) and
# the traditional crypt of its first 8 characters (13).
C16 = "abSsy3GvmHpeQiSZA.lw9pZw"
C13 = "abSsy3GvmHpeQ"


def be(exim, tmp, *exprs):
    conf = tmp / "exim.conf"
    conf.write_text("primary_hostname = test.example\n")
    conf.chmod(0o644)
    r = subprocess.run([str(exim), "-C", str(conf), "-be", *exprs], capture_output=True,
                       text=True)
    return r.stdout.splitlines()


def test_default_crypt_crypt16(tmp_path):
    b = tmp_path / "build-c16"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    p = subprocess.run(["make", "--no-print-directory", "-s", f"BUILD={b}", "OPTFLAGS=-O0",
                        "DEFAULT_CRYPT=crypt16"], cwd=TOP, capture_output=True, text=True,
                       env=env)
    assert p.returncode == 0, p.stderr
    assert '#define DEFAULT_CRYPT "crypt16"' in (b / "config.h").read_text()
    exprs = ["${if crypteq{secretpassword12}{%s}{y}{n}}" % C16,       # bare: crypt16
             "${if crypteq{secretpassword12}{%s}{y}{n}}" % C13,       # crypt16 of >8 is 24
             "${if crypteq{secretpassword12}{\\{crypt\\}%s}{y}{n}}" % C13,
             "${if crypteq{secret}{abNANd1rDfiNc}{y}{n}}"]           # <= 8: one crypt
    assert be(b / "exim", tmp_path, *exprs) == ["y", "n", "y", "y"]


def test_default_crypt_is_crypt(tmp_path):
    exim = os.environ.get("EXIM", str(TOP / "build" / "exim"))
    # crypt(3) (libxcrypt) reads a 24-character DES string as bigcrypt,
    # which agrees with crypt16 here; exim4 answers the same.
    exprs = ["${if crypteq{secretpassword12}{%s}{y}{n}}" % C16,
             "${if crypteq{secretpassword12}{%s}{y}{n}}" % C13,
             "${if crypteq{secretpassword13}{%s}{y}{n}}" % C16]
    assert be(exim, tmp_path, *exprs) == ["y", "y", "n"]
