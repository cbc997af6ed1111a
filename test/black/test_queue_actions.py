"""The -M message actions (-Mf -Mt -Mrm -Mar -Mmd -Mmad -Mes -MG -Mvh -Mvb
-Mvl -Mvc): stdout, exit status, main log lines and the spool files left,
as exim4 produced them on the same spool (test/black/queue_action_cases.py;
recorded by test/expected/queue/record_actions.py).  exim4 is not run here."""
import pytest

import queue_action_cases as c
from conftest import EXIM, EXPECTED


@pytest.mark.parametrize("name", sorted(c.CASES))
def test_action_as_exim4(tmp_path, name):
    got = c.run_case(EXIM, name, tmp_path)
    assert got == (EXPECTED / "queue" / "actions" / (name + ".out")).read_text()
