"""-bh sessions in a DNS world of their own (dnsworld.py): running one,
recording a set of them from exim4, and comparing a run with its
recording.  Shared by the dnslists and host-lookup tests and recorders.

A recording is <dir>/<case>.out (the SMTP replies) and <case>.err (the
commentary and LOG: lines, the case's directory written as @DIR@).
List-matching lines belong to the list layer and are left out of the
comparison (as in test_acl_bh.py); callers may add patterns.
"""
import re
import shutil
import sys
import tempfile
from pathlib import Path

from dnsworld import DnsWorld

DATE = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
LIST_LINE = r"^>>> .* in .*\? (yes|no)|^>>> host in "


def run_bh(exim, d, conf_text, zones, root, host, session):
    """One -bh session from `host` in a fresh world; (stdout, stderr with @DIR@)."""
    for sub in ("spool", "log"):
        (d / sub).mkdir(exist_ok=True)
    conf = d / "c.conf"
    conf.write_text(conf_text)
    conf.chmod(0o644)
    with DnsWorld(zones, root=root) as w:
        r = w.run([exim, "-C", str(conf), "-bh", host], input=session)
    return r.stdout, r.stderr.replace(str(d), "@DIR@")


def record(cases, out_dir, run_case, prefix):
    """Record every case with exim4 (argv[1], default /usr/sbin/exim4)."""
    exim4 = sys.argv[1] if len(sys.argv) > 1 else "/usr/sbin/exim4"
    out_dir.mkdir(parents=True, exist_ok=True)
    for case in cases:
        d = Path(tempfile.mkdtemp(prefix=prefix))
        d.chmod(0o755)
        try:
            out, err = run_case(exim4, d, case)
        finally:
            shutil.rmtree(d)
        (out_dir / (case[0] + ".out")).write_text(out)
        (out_dir / (case[0] + ".err")).write_text(err)
    print(f"recorded {len(cases)} cases into {out_dir}")


def assert_as_recorded(out, err, out_dir, name, extra_ignored=None):
    """The run's commentary and replies equal the recording's."""
    ignored = re.compile(LIST_LINE + ("|" + extra_ignored if extra_ignored else ""))

    def filtered(text):
        return [l for l in text.splitlines() if not ignored.match(l)]

    assert filtered(err) == filtered((out_dir / (name + ".err")).read_text())
    assert DATE.sub("DATE", out) == DATE.sub("DATE", (out_dir / (name + ".out")).read_text())
