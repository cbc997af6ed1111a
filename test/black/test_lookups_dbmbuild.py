"""exim_dbmbuild (spec 54.9): stdout, stderr and exit codes as recorded from
Debian's exim4 build (test/expected/lookups/dbmbuild.json, written by
record_lookups_dbmbuild.py).  The contents of the files it writes are
checked by test/unit/test_lookups_db.c through the dbm lookups."""
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from lookups_dbmbuild_cases import CASES  # noqa: E402
from record_lookups_dbmbuild import run_case  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
DBMBUILD = str(Path(os.environ.get("EXIM", str(TOP / "build" / "exim"))).parent / "exim_dbmbuild")
EXPECTED = json.loads((TOP / "test" / "expected" / "lookups" / "dbmbuild.json").read_text())


@pytest.mark.parametrize("name,args,stdin", CASES, ids=[c[0] for c in CASES])
def test_dbmbuild_as_exim4(name, args, stdin):
    assert run_case(DBMBUILD, args, stdin) == EXPECTED[name]


def test_dbmbuild_replaces_output_only_at_the_end(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("a: 1\n")
    out = tmp_path / "out.db"
    out.write_text("old")
    # an unreadable input leaves the old file alone
    r = run_case(DBMBUILD, [f"{tmp_path}/nonexist", str(out)], None)
    assert r["rc"] == 1 and out.read_text() == "old"
    r = run_case(DBMBUILD, [str(src), str(out)], None)
    assert r["rc"] == 0 and r["stdout"] == "1 entry written\n"
    assert out.read_bytes() != b"old"
    assert not (tmp_path / "out.db.dbmbuild_temp").exists()
