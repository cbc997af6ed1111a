"""appendfile's notify_comsat: after a delivery to a mailbox file, one UDP
datagram "<local part>@<offset before the message>\\n" plus a NUL byte goes
to the biff port (512) of 127.0.0.1, as exim4 sends it (observed:
b'biff@4\\n\\x00' for a mailbox that held 4 bytes)."""
import os
import pwd
import socket

import pytest

from deliver_helpers import DeliverEnv

ROUTERS = "r1:\n  driver = accept\n  local_parts = biff\n  transport = t_biff\n"
TRANSPORTS = "t_biff:\n  driver = appendfile\n  file = @T@/mail/biff\n  notify_comsat\n  user = nobody\n"


def test_notify_comsat(exim, tmp_path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 512))
    except OSError as e:
        s.close()
        pytest.skip(f"the biff port is not free here: {e}")
    s.settimeout(10)
    try:
        env = DeliverEnv(exim, tmp_path)
        env.config(main="never_users =\n", routers=ROUTERS, transports=TRANSPORTS)
        box = env.mail / "biff"
        box.write_text("old\n")
        pw = pwd.getpwnam("nobody")
        os.chown(box, pw.pw_uid, pw.pw_gid)
        os.chmod(box, 0o600)
        r = env.send(["biff@x"], args=("-odi", "-f", "s@x.y"))
        assert r.rc == 0, r.err
        data, _ = s.recvfrom(1000)
        assert data == b"biff@4\n\x00"
    finally:
        s.close()
