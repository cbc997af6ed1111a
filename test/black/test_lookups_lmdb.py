"""The lmdb lookup (EXPERIMENTAL_LMDB, seed "LMDB Lookup support") through
`exim -be`, on a file built with mdb_load (lmdb-utils) as the seed advises.
Debian's exim4 has no lmdb, so the answers follow the seed and the other
single-key lookups: keys as given (case-sensitive, no terminating zero),
"*" defaults, liblmdb's error texts behind Exim's "LMDB: ..." prefixes."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import EXIM  # noqa: E402


@pytest.fixture(scope="module")
def lmdb_dir(tmp_path_factory):
    if not shutil.which("mdb_load"):
        pytest.fail("mdb_load (lmdb-utils) is missing: run util/install-deps")
    d = tmp_path_factory.mktemp("lmdb")
    (d / "exim.conf").write_text("primary_hostname = test.example\n")
    (d / "exim.conf").chmod(0o644)
    subprocess.run(["mdb_load", "-n", "-T", "-f", "/dev/stdin", str(d / "l.mdb")],
                   input=b"alpha\none\nBeta\ntwo words\n*\nstar\n*@example.com\natdom\n",
                   check=True)
    (d / "text").write_text("not lmdb\n")
    bv = subprocess.run([EXIM, "-C", str(d / "exim.conf"), "-bV"], capture_output=True, text=True)
    if " lmdb" not in bv.stdout:
        pytest.skip("this build has no lmdb lookup (EXPERIMENTAL_LMDB)")
    return d


CASES = [
    ("${lookup{alpha}lmdb{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "[one]"),
    ("${lookup{beta}lmdb{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "NOTFOUND"),
    ("${lookup{Beta}lmdb{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "[two words]"),
    ("${lookup{zz}lmdb*{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "[star]"),
    ("${lookup{u@example.com}lmdb*@{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "[atdom]"),
    ("${lookup{alpha}lmdb,ret=key{@DIR@/l.mdb}{[$value]}{NOTFOUND}}", "[alpha]"),
    ("${lookup{alpha}lmdb{@DIR@/l.mdb}}${lookup{Beta}lmdb{@DIR@/l.mdb}}", "onetwo words"),
    ("${lookup{x}lmdb{@DIR@/nonexist.mdb}{[$value]}{NOTFOUND}}",
     "Failed: LMDB: Unable to open environment with @DIR@/nonexist.mdb: "
     "No such file or directory"),
    ("${lookup{x}lmdb{@DIR@/text}{[$value]}{NOTFOUND}}",
     "Failed: LMDB: Unable to open environment with @DIR@/text: "
     "MDB_INVALID: File is not an LMDB file"),
]


@pytest.mark.parametrize("expr,want", CASES, ids=[c[0] for c in CASES])
def test_lmdb_lookup(lmdb_dir, expr, want):
    d = lmdb_dir
    p = subprocess.run([EXIM, "-C", str(d / "exim.conf"), "-be", expr.replace("@DIR@", str(d))],
                       capture_output=True, timeout=30)
    assert p.stdout.decode().replace(str(d), "@DIR@") == want + "\n"


def test_bV_reports_lmdb(lmdb_dir):
    p = subprocess.run([EXIM, "-C", str(lmdb_dir / "exim.conf"), "-bV"], capture_output=True,
                       text=True)
    assert "Library version: LMDB: Compile: " in p.stdout
    assert "Runtime: LMDB " in p.stdout
    assert "Experimental_LMDB" in p.stdout.split("Support for:")[1].splitlines()[0]
    assert p.stdout.startswith("Exim version") and "\nBerkeley DB: Berkeley DB " in p.stdout
