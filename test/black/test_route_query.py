"""The queryprogram router's command environment (spec chapter 21): it runs
as command_user, in current_directory, and is killed after timeout.  (Its
answers are compared with exim4's in test_route_bt.py, config query.)"""
import os
import shutil
import tempfile
import time

CONF = """primary_hostname = test.example
begin routers
qp:
  driver = queryprogram
  domains = q.example
  command = /bin/sh -c "id -u > @D@/uid; id -g > @D@/gid; pwd > @D@/cwd; echo accept"
  command_user = nobody
  current_directory = @D@
  transport = ok
slow:
  driver = queryprogram
  domains = s.example
  command = /bin/sleep 20
  command_user = nobody
  timeout = 1s
  transport = ok
begin transports
ok:
  driver = appendfile
  file = /dev/null
"""


def test_command_user_directory_and_timeout(exim):
    d = tempfile.mkdtemp(prefix="route-qp-")
    try:
        os.chmod(d, 0o777)
        conf = CONF.replace("@D@", d)
        r = exim(["-bt", "u@q.example"], conf=conf)
        assert r.out == "u@q.example\n  router = qp, transport = ok\n"
        nobody = __import__("pwd").getpwnam("nobody")
        if os.geteuid() == 0:
            assert open(os.path.join(d, "uid")).read().strip() == str(nobody.pw_uid)
            assert open(os.path.join(d, "gid")).read().strip() == str(nobody.pw_gid)
        assert open(os.path.join(d, "cwd")).read().strip() == d
        start = time.time()
        r = exim(["-bt", "u@s.example"], conf=conf)
        assert time.time() - start < 10
        assert (r.rc, r.out) == (1, "u@s.example cannot be resolved at this time: slow router: "
                                    "command timed out\n")
    finally:
        shutil.rmtree(d)
