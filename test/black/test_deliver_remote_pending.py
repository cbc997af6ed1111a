"""Addresses routed to a remote transport (dnslookup -> smtp) while the
smtp transport has no delivery code: deferred with a clear reason, kept
on the queue (no retry data, so never timed out), and the message's local
recipients are delivered as usual.  Runs in a DNS world of its own."""
import re
import shutil
import tempfile
from pathlib import Path

from conftest import EXIM
from dnsworld import dnsworld  # noqa: F401  (fixture)

ZONE = "@ MX 10 mx\nmx A 192.0.2.25\n"

CONF = """primary_hostname = test.example
qualify_domain = test.example
spool_directory = {tmp}/spool
log_file_path = {tmp}/%slog
begin routers
local:
  driver = accept
  domains = test.example
  transport = local_file
remote:
  driver = dnslookup
  transport = remote_smtp
begin transports
local_file:
  driver = appendfile
  file = {mail}/mbox
  user = nobody
remote_smtp:
  driver = smtp
begin retry
* * F,1s,1s
"""


def test_remote_address_waits_on_the_queue(dnsworld, tmp_path):  # noqa: F811
    w = dnsworld({"example.test": ZONE})
    # the delivery runs as nobody: a directory it can reach (pytest's are 0700)
    mail = Path(tempfile.mkdtemp(prefix="rpend-"))
    mail.chmod(0o777)
    try:
        run_case(w, tmp_path, mail)
    finally:
        shutil.rmtree(mail, ignore_errors=True)


def run_case(w, tmp_path, mail):
    conf = tmp_path / "exim.conf"
    conf.write_text(CONF.format(tmp=tmp_path, mail=mail))
    conf.chmod(0o644)
    r = w.run([EXIM, "-C", str(conf), "-odi", "-f", "s@test.example", "u@example.test", "me@test.example"],
              input="Subject: hi\n\nbody\n")
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "mainlog").read_text()
    assert re.search(r"== u@example\.test R=remote T=remote_smtp defer \(-1\): remote delivery "
                     r"\(the smtp transport\) is not in this build yet\n", log), log
    assert re.search(r"=> me <me@test\.example> R=local T=local_file\n", log), log
    assert "Completed" not in log
    assert "body" in (mail / "mbox").read_text()
    # Still queued for u@example.test only; a later run defers it again, no bounce.
    r = w.run([EXIM, "-C", str(conf), "-bp"])
    assert "u@example.test" in r.stdout and "D me@test.example" in r.stdout, r.stdout
    r = w.run([EXIM, "-C", str(conf), "-qff"])
    log = (tmp_path / "mainlog").read_text()
    assert log.count("remote delivery (the smtp transport) is not in this build yet") == 2, log
    assert "**" not in log and "<= <>" not in log
