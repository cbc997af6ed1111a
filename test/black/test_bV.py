"""exim -bV: the layout of Exim 4.96's -bV (recorded from exim4 in
test/expected/bV.exim4), with the content of this build: the lists come
from the registration table the generator wrote next to the binary
($BUILD/modules.c, $BUILD/config.h)."""
import re
from pathlib import Path

from conftest import EXIM, expected

BUILD = Path(EXIM).resolve().parent

LABELS = ["Exim version", "Copyright", "Support for:", "Lookups (built-in):",
          "Authenticators:", "Routers:", "Transports:", "Fixed never_users:",
          "Configure owner:", "Size of off_t:", "Configuration file is"]


def labels(text):
    out = []
    for line in text.splitlines():
        for lab in LABELS:
            if line.startswith(lab):
                out.append(lab)
    return out


def generated_names(array):
    c = (BUILD / "modules.c").read_text()
    m = re.search(r"const char \*const %s_names\[\] = \{\n(.*?)NULL\};" % array, c, re.S)
    return re.findall(r'"([^"]*)"', m.group(1))


def bv(exim, tmp_path):
    conf = "# empty configuration\n"
    return exim(["-bV"], conf=conf)


def test_bV_layout_matches_exim(exim, tmp_path):
    r = bv(exim, tmp_path)
    assert r.rc == 0, r.err
    assert labels(r.out) == labels(expected("bV.exim4"))
    assert re.match(r"Exim version 4\.96 #\d+ built \d\d-[A-Z][a-z][a-z]-\d{4} "
                    r"\d\d:\d\d:\d\d\n", r.out)
    assert "Cambridge" not in r.out


def test_bV_lists_what_this_build_contains(exim, tmp_path):
    r = bv(exim, tmp_path)
    lines = {l.split(":")[0]: l for l in r.out.splitlines()}
    for label, array in (("Lookups (built-in)", "lookup_drivers"),
                         ("Authenticators", "auth_drivers"), ("Routers", "router_drivers"),
                         ("Transports", "transport_drivers")):
        want = " ".join([label + ":"] + generated_names(array))
        assert lines[label] == want


def test_bV_fixed_values(exim, tmp_path):
    r = bv(exim, tmp_path)
    config_h = (BUILD / "config.h").read_text()
    if '#define FIXED_NEVER_USERS "root"' in config_h:
        assert "\nFixed never_users: 0\n" in r.out
    if '#define CONFIGURE_OWNER ""' in config_h and '#define CONFIGURE_GROUP ""' in config_h:
        assert "\nConfigure owner: 0:0\n" in r.out
    assert "\nSize of off_t: 8\n" in r.out
    assert f"\nConfiguration file is {tmp_path}/exim.conf\n" in r.out
