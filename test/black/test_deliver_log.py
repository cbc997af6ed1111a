"""Deliveries replayed against exim4's recordings (deliver_cases.py,
test/expected/deliver/*.json, made by record_deliver.py): the main log
lines, the msglog and the mailboxes must be the same after normalisation."""
import json
import os
import re

import pytest

from conftest import EXPECTED
from deliver_cases import CASES
from deliver_helpers import SIMPLE_ROUTERS, SIMPLE_TRANSPORTS, DeliverEnv, header_envelope_tail, set_creator


def run_case(exim, tmp_path, case):
    env = DeliverEnv(exim, tmp_path)
    for d in case.get("dirs", ()):
        (env.tmp / d).mkdir(parents=True, exist_ok=True)
        (env.tmp / d).chmod(0o777)
    for fname, text in case.get("files", {}).items():
        (env.tmp / fname).write_text(text.replace("@T@", str(env.tmp)))
    env.config(case.get("main", ""), case.get("routers", SIMPLE_ROUTERS),
               case.get("transports", SIMPLE_TRANSPORTS), case.get("retry"))
    r = env.run(case["args"], input=case.get("input", "Subject: hi\n\nbody\n"))
    if case.get("creator"):   # queued (-odq): another creator, then -M
        r = env.run(["-M"] + set_creator(env.input_dir(), case["creator"]))
    for extra in case.get("then", ()):   # later runs (queue runs)
        r = env.run(extra)
    return env, r


@pytest.mark.parametrize("name", sorted(CASES))
def test_deliver_case(exim, tmp_path, name):
    case = CASES[name]
    if case.get("needs_load") and os.getloadavg()[0] < case["needs_load"]:
        pytest.skip("the load average is below deliver_queue_load_max here")
    want = json.loads((EXPECTED / "deliver" / f"{name}.json").read_text())
    env, r = run_case(exim, tmp_path, case)
    if case.get("wait_for"):   # a message generated on the side, delivered in the background
        env.wait_for_log(case["wait_for"])
        env.settle()
    raw = env.mainlog_raw()
    if "no delivery code for the t_mbox transport" in raw:
        pytest.xfail("the appendfile transport's runtime is not in this tree yet")
    if "Frozen (bounce message could not be sent)" in raw and not (EXPECTED.parent.parent / "src" / "deliver" / "bounce.c").exists():
        pytest.xfail("bounces are not in this tree yet")
    assert r.rc == want["rc"], r.err
    ids = env.message_ids()
    first = ids[0] if ids else "NONE"   # a message refused at reception
    lines = env.mainlog()
    if case.get("first_only"):
        lines = [x for x, y in zip(lines, raw.splitlines()) if f" {first} " in y]
    # a bounce's size depends on its MIME boundary (process ids); queue
    # runs name their pid
    def bsize(xs):
        xs = [re.sub(r"pid[= ]\d+", "pid=PID", re.sub(r"^((?:MSGID |  )<= <> .* S=)\d+", r"\1N", x)) for x in xs]
        return [re.sub(r"\(load [\d.]+,", "(load L,", x) for x in xs]
    assert bsize(lines) == bsize(want["mainlog"])
    if want["msglog"] is not None:
        assert env.msglog(first, case.get("queue", "")) == want["msglog"]
    assert env.mailboxes() == want["mail"]
    if want.get("stderr") is not None:
        err = [x for x in r.err.replace(str(env.tmp), "@T@").splitlines()]
        from conftest import normalise
        assert bsize([normalise(x) for x in err]) == bsize(want["stderr"])
    hfile = env.input_dir(case.get("queue", "")) / f"{first}-H"
    assert hfile.exists() == want["first_queued"]
    if want.get("header"):
        assert header_envelope_tail(hfile.read_text().replace(str(env.tmp), "@T@")) == want["header"]
