"""The redirect router during a delivery (-odi): syntax_errors_to mails the
errors skip_syntax_errors skipped (spec 22.10), as exim4 does: the log
lines and the report message (its -H header lines and -D body) must be
what exim4 gave, recorded in test/expected/redirect/deliver_<case>.out by
test/expected/redirect/record_deliver.py."""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED

CONF = """\
primary_hostname = test.ex
qualify_domain = test.ex
exim_user = root
exim_group = root
never_users =
keep_environment =
log_file_path = @DIR@/log/%slog
spool_directory = @DIR@/spool
domainlist local_domains = test.ex
begin routers
aliases:
  driver = redirect
  domains = +local_domains
  data = ${lookup{$local_part}lsearch{@DIR@/aliases}}
  skip_syntax_errors
  syntax_errors_to = postmaster@test.ex
@OPTS@
localuser:
  driver = accept
  domains = +local_domains
  local_parts = user1
  transport = local_delivery
begin transports
local_delivery:
  driver = appendfile
  file = @DIR@/mail/$local_part
  user = nobody
"""

ALIASES = "bad: user1, a@@b, <oops\nallbad: a@@b\n"

CASES = {
    "syntax_errors_to": dict(opts="", to="bad@test.ex",
                             msg="Subject: t\nMessage-ID: <abc@def>\n\nbody\n"),
    "syntax_errors_text": dict(opts="  syntax_errors_text = Errors were found in $local_part's alias.\\n\n",
                               to="bad@test.ex", msg="Subject: t\n\nbody\n"),
    "syntax_errors_all": dict(opts="", to="allbad@test.ex", msg="Subject: t\n\nbody\n"),
}

_ID = re.compile(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}")


def run_case(binary, name, casedir):
    case = CASES[name]
    d = Path(casedir)
    for sub in ("log", "spool", "mail"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "mail").chmod(0o777)
    (d / "aliases").write_text(ALIASES)
    conf = d / "exim.conf"
    conf.write_text(CONF.replace("@OPTS@", case["opts"]).replace("@DIR@", casedir))
    conf.chmod(0o644)
    subprocess.run([binary, "-C", str(conf), "-odi", case["to"]], input=case["msg"].encode(),
                   capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin", "TZ": "UTC"})
    log = (d / "log" / "mainlog").read_text() if (d / "log" / "mainlog").exists() else ""
    out = ["== log"] + [x[20:] for x in log.splitlines() if "skipped error" in x]
    # the report: the message from <> to postmaster still in the spool (its
    # delivery to the tainted mailbox path defers); not the bounces
    for h in sorted((d / "spool" / "input").glob("*-H")):
        text = h.read_text()
        if "\n<>\n" not in text or "X-Failed-Recipients:" in text:
            continue
        head = text.split("\nXX\n", 1)[1]
        out.append("== -H")
        out += [x for x in head.splitlines()
                if not re.match(r"^(\d+P Received|\s|\d{3}. (Date|Message-Id):)", x)]
        out.append("== -D")
        out += h.with_name(h.name[:-1] + "D").read_text().splitlines()[1:]
    return _ID.sub("<ID>", "\n".join(out).replace(casedir, "@DIR@")) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_deliver_as_exim4(tmp_path, name):
    assert run_case(EXIM, name, str(tmp_path / "case")) == \
        (EXPECTED / "redirect" / f"deliver_{name}.out").read_text()
