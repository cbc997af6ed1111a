"""HEADERS_CHARSET (src/EDITME): the build setting behind the default of
headers_charset, ISO-8859-1 unless Local/Makefile says otherwise (Debian's
exim4 is built with UTF-8).  Tests that decode RFC 2047 words with $h_ set
headers_charset (or the filter's "headers charset") themselves, so the suite
holds for either setting."""
import subprocess

import pytest

from test_build import TOP, clean_env


@pytest.mark.parametrize("setting, want", [([], "ISO-8859-1"), (["HEADERS_CHARSET=UTF-8"], "UTF-8")])
def test_headers_charset_setting(tmp_path, setting, want):
    b = tmp_path / "b"
    p = subprocess.run(["make", "--no-print-directory", f"BUILD={b}", "config"] + setting, cwd=TOP,
                       capture_output=True, text=True, env=clean_env())
    assert p.returncode == 0, p.stderr
    assert f'#define HEADERS_CHARSET "{want}"\n' in (b / "config.h").read_text()


def test_option_overrides_the_build_default(exim):
    r = exim(["-bP", "headers_charset"], conf="headers_charset = KOI8-R\n")
    assert (r.rc, r.out) == (0, "headers_charset = KOI8-R\n")
