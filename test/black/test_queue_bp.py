"""Queue listings (-bp, -bpa, -bpc, -bpr, -bpra, -bpru, -bpu, mailq) compared
with exim4's on identical spools (test/black/queue_cases.py builds them;
test/expected/queue/record_bp.py recorded exim4's output).  exim4 is not
run here."""
import os
import subprocess

import pytest

import queue_cases as q
from conftest import EXIM, EXPECTED




def run_ours(tmp_path, args, split=False, argv0=None):
    conf = tmp_path / "conf"
    conf.write_text(q.conf_text(str(tmp_path), split))
    conf.chmod(0o644)
    argv = [argv0 or EXIM, "-C", str(conf), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, executable=EXIM)


@pytest.mark.parametrize("name", sorted(q.CASES))
def test_listing_as_exim4(tmp_path, name):
    setup, args = q.CASES[name]
    spool = tmp_path / "spool"
    q.fresh(spool)
    setup(spool)
    p = run_ours(tmp_path, args, name.endswith("split"))
    assert p.returncode == 0, p.stderr
    want = (EXPECTED / "queue" / (name + ".out")).read_text()
    if name.startswith("bpr"):
        # r: directory order, which differs between file systems: compare the blocks
        def blocks(t):
            return sorted(t.split("\n\n"))
        assert blocks(p.stdout) == blocks(want)
    else:
        assert p.stdout == want


def _table(name):
    rows = (EXPECTED / "queue" / name).read_text().splitlines()
    return [(int(r.split("\t")[0]), r.split("\t", 1)[1]) for r in rows]


@pytest.mark.parametrize("size,line", _table("sizes.tsv"))
def test_size_column(tmp_path, size, line):
    spool = tmp_path / "spool"
    q.fresh(spool)
    q.install(spool, q.M1, pad=size - q.BASE_SIZE)
    p = run_ours(tmp_path, ["-bp"])
    assert p.stdout.split("\n")[0] == line


@pytest.mark.parametrize("age,line", _table("ages.tsv"))
def test_age_column(tmp_path, age, line):
    spool = tmp_path / "spool"
    q.fresh(spool)
    q.install(spool, q.M1, age=age)
    p = run_ours(tmp_path, ["-bp"])
    assert p.stdout.split("\n")[0] == line


def test_mailq_is_bp(tmp_path):
    spool = tmp_path / "spool"
    q.fresh(spool)
    q.standard(spool)
    p = run_ours(tmp_path, [], argv0="mailq")
    assert p.returncode == 0, p.stderr
    assert p.stdout == (EXPECTED / "queue" / "bp.out").read_text()


def test_named_queue_listed_with_qG(tmp_path):
    spool = tmp_path / "spool"
    q.fresh(spool)
    q.install(spool / "quarantine", q.M2, age=30)
    q.install(spool, q.M1, age=30)
    p = run_ours(tmp_path, ["-bp", "-qGquarantine"])
    assert p.returncode == 0, p.stderr
    assert p.stdout == (EXPECTED / "queue" / "bp.out").read_text().split("\n\n", 1)[1]
    assert run_ours(tmp_path, ["-bpc", "-qGquarantine"]).stdout == "1\n"
    assert run_ours(tmp_path, ["-bpc"]).stdout == "1\n"

