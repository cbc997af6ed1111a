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


def test_non_admin_callers(tmp_path):
    # exim4 (recorded by hand, setuid root): a caller who is not an admin
    # gets "Permission denied" per message for -Mf/-Mv*, may -Mrm a message
    # it sent itself, and -MG is refused at once.
    import os
    import shutil
    import subprocess
    import tempfile
    d = tempfile.mkdtemp(prefix="qperm")     # reachable by nobody, unlike tmp_path
    try:
        os.chmod(d, 0o755)
        for sub in ("spool", "spool/input", "spool/msglog", "log"):
            os.mkdir(os.path.join(d, sub))
            os.chmod(os.path.join(d, sub), 0o777)
        conf = os.path.join(d, "conf")
        with open(conf, "w") as f:
            f.write(f"spool_directory = {d}/spool\nlog_file_path = {d}/log/%slog\n"
                    "primary_hostname = test.example\n")
        os.chmod(conf, 0o644)

        def run(user, group, *args, input=None):
            return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={group}", "--clear-groups",
                                   EXIM, "-C", conf, *args], input=input, capture_output=True,
                                  text=True, timeout=30)
        p = run("nobody", "nogroup", "-odq", "root@test.example", input="Subject: x\n\nbody\n")
        assert p.returncode == 0, p.stderr
        msgid = [n[:-2] for n in os.listdir(os.path.join(d, "spool", "input")) if n.endswith("-H")][0]
        for n in os.listdir(os.path.join(d, "spool", "input")):
            os.chmod(os.path.join(d, "spool", "input", n), 0o666)
        for args in (["-Mrm", msgid], ["-Mf", msgid], ["-Mvh", msgid]):
            p = run("daemon", "daemon", *args)
            assert (p.returncode, p.stdout, p.stderr) == (1, "Permission denied\n", "")
        p = run("daemon", "daemon", "-MG", "q2", msgid)
        assert (p.returncode, p.stdout, p.stderr) == (1, "", "exim: permission denied\n")
        p = run("nobody", "nogroup", "-Mrm", msgid)
        assert (p.returncode, p.stdout) == (0, f"Message {msgid} has been removed\n")
        log = open(os.path.join(d, "log", "mainlog")).read()
        assert f"{msgid} removed by nobody\n" in log and f"{msgid} Completed\n" in log
    finally:
        shutil.rmtree(d, ignore_errors=True)
