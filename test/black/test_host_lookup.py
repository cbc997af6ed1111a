"""Host name lookups through the DNS and verify = csa in -bh sessions
inside a DNS world of their own, against exim4's transcripts
(test/expected/dns/host_lookup/, recorded by record_host_lookup.py from
host_lookup_cases.py): host_lookup and host_lookup_order, the forward
check of every PTR name (">>> looking up host name for ...", ">>>
checking addresses for ..."), $sender_host_name, $host_lookup_failed and
_deferred, verify = reverse_host_lookup[/defer_ok], host list items that
need the name, verify = helo, $csa_status and CSA's failure texts.
List-matching lines and gethostbyaddr's h_errno (machine-dependent) are
left out of the comparison, as in test_acl_bh.py.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dnsworld  # noqa: E402
import host_lookup_cases as hc  # noqa: E402
from conftest import EXIM, EXPECTED  # noqa: E402
from bh_world import assert_as_recorded  # noqa: E402
from record_host_lookup import run_case  # noqa: E402

DIR = EXPECTED / "dns" / "host_lookup"


@pytest.mark.parametrize("case", hc.CASES, ids=[c[0] for c in hc.CASES])
def test_host_lookup_bh(tmp_path, case):
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    tmp_path.chmod(0o755)
    out, err = run_case(EXIM, tmp_path, case)
    # gethostbyaddr's h_errno is machine-dependent
    assert_as_recorded(out, err, DIR, case[0], r"^>>> IP address lookup failed: h_errno=")


# Recorded from exim4 (-oMa 192.0.2.1 -bs in the same world, host_lookup = *):
# the spool header's host name and the Received: header's host part.
RECEIVED = ("Received: from good.example.test\n\t([192.0.2.1] helo=x ident=root)\n"
            "\tby test.example with smtp (Exim 4.96)\n")


def test_host_name_in_spool_and_received(tmp_path):
    if not dnsworld.available():
        pytest.skip("needs root, nsd and ip netns")
    for sub in ("spool", "log"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "c.conf"
    conf.write_text(f"primary_hostname = test.example\nspool_directory = {tmp_path}/spool\n"
                    f"log_file_path = {tmp_path}/log/%slog\nhost_lookup = *\nqueue_only\n"
                    "acl_smtp_rcpt = accept\n")
    conf.chmod(0o644)
    smtp = ("helo x\r\nmail from:<a@example.test>\r\nrcpt to:<b@example.test>\r\ndata\r\n"
            "Subject: t\r\n\r\nbody\r\n.\r\nquit\r\n")
    with dnsworld.DnsWorld(hc.ZONES) as w:
        r = w.run([EXIM, "-C", str(conf), "-oMa", "192.0.2.1", "-bs"], input=smtp)
    assert "250 test.example Hello root at good.example.test [192.0.2.1]" in r.stdout
    headers = list((tmp_path / "spool" / "input").glob("*-H"))
    assert len(headers) == 1, r.stdout + r.stderr
    text = headers[0].read_text()
    assert "--host_name good.example.test\n" in text
    assert RECEIVED in text
