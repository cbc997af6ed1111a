#!/usr/bin/python3
"""Record STARTTLS sessions from Exim 4.96 (/usr/sbin/exim4 -bs on a
socketpair, as inetd would run it, with a real TLS handshake by Python's
ssl module) into sessions.json beside this file.  test_tls_bs.py plays the
same steps against our build and compares.  Run as root (exim4's
configuration must be root-owned).  The banner's date is normalised; the
certificate is a throwaway one made here.
"""
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "black"))
from tls_helpers import bs_session, client_context, make_pki, normalise_session  # noqa: E402
from tls_cases import CASES, config  # noqa: E402


def main():
    out = {}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        d.chmod(0o755)
        pki = make_pki(d, ocsp=False)
        for name, (extra, steps) in CASES.items():
            conf = d / f"{name}.conf"
            conf.write_text(config(d, pki, extra))
            conf.chmod(0o644)
            out[name] = normalise_session(bs_session("/usr/sbin/exim4", conf, steps, client_context(pki)))
    (HERE / "sessions.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
