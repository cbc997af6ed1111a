"""-bP: printing main options, reading every option type, Exim's error texts.

Expected outputs were recorded from Debian's exim4 (Exim 4.96):
  test/expected/bP/example.txt    exim4 -C <default configuration> -bP
  test/expected/bP/empty.txt      exim4 -C <empty file> -bP
  test/expected/bP/example-n.txt  exim4 -C <default configuration> -bP -n
and the per-type cases below with `exim4 -C conf -bP NAME` for each line.

Values that are build-time settings of Debian's package (paths, the exim
user, the header charset) or the host's name are listed in BUILD_DEPENDENT /
HOST_DEPENDENT and checked apart; options of features not in our build must
be absent from our output ("is not a known option", as exim4 says for its
own missing features).
"""
import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import EXIM, expected

EXAMPLE_CONF = Path("/work/shared/reference/exim-4.96-example.conf")

BUILD_DEPENDENT = {
    "exim_group", "exim_user", "exim_path", "spool_directory", "process_log_path",
    "log_file_path", "pid_file_path", "headers_charset",
    "received_header_text",  # Debian's has TLS parts; ours follows the TLS feature
    "tls_require_ciphers",   # set under .ifdef _HAVE_OPENSSL; Debian uses GnuTLS
}
HOST_DEPENDENT = {"primary_hostname", "qualify_domain", "qualify_recipient"}


def _bp_dispatched():
    """True once build/exim reads a configuration and runs -bP (main.c is
    wired by the command-line work); until then these tests cannot run."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        conf = Path(d) / "c"
        conf.write_text("")
        conf.chmod(0o644)
        p = subprocess.run([EXIM, "-C", str(conf), "-bP", "spool_directory"],
                           capture_output=True, text=True)
        return "command line not wired up" not in p.stderr


pytestmark = pytest.mark.skipif(not _bp_dispatched(),
                                reason="build/exim does not dispatch -bP yet")


def names_and_lines(text):
    out = {}
    order = []
    for line in text.splitlines():
        m = re.match(r"^([a-z0-9_]+) =", line)
        if m:
            name = m.group(1)
        elif line.startswith("no_"):
            name = line[3:]
        else:
            name = line
        out[name] = line
        order.append(name)
    return out, order


def known_in_our_build(exim, name):
    r = exim(["-bP", name], conf="")
    return r.rc == 0 and "is not a known option" not in r.out


def compare_with(exim, conf_text, expected_name):
    r = exim(["-bP"], conf=conf_text)
    assert r.rc == 0, r.err
    ours, order = names_and_lines(r.out)
    theirs, _ = names_and_lines(expected(expected_name))
    assert order == sorted(order)
    host = None
    for name, line in ours.items():
        if name in BUILD_DEPENDENT:
            continue
        if name in HOST_DEPENDENT:
            host = host or ours["primary_hostname"].split(" = ", 1)[1]
            assert line == f"{name} = {host}"
            continue
        if name in theirs:
            assert line == theirs[name], name
    # Everything exim4 prints is either printed by us or unknown to our build
    # (its feature is off).
    for name in theirs:
        if name not in ours:
            assert not known_in_our_build(exim, name), name
    return ours


@pytest.mark.skipif(not EXAMPLE_CONF.exists(), reason="reference configuration not present")
def test_bP_default_configuration(exim):
    compare_with(exim, EXAMPLE_CONF.read_text(), "bP/example.txt")


def test_bP_empty_configuration(exim):
    ours = compare_with(exim, "", "bP/empty.txt")
    host = ours["primary_hostname"].split(" = ", 1)[1]
    assert host == socket.gethostname() or host.startswith(socket.gethostname() + ".")


def test_bP_all_is_the_same_as_none(exim):
    a = exim(["-bP"], conf="qualify_domain = q.example\n")
    b = exim(["-bP", "all"], conf="qualify_domain = q.example\n")
    assert a.out == b.out and a.rc == b.rc == 0


@pytest.mark.skipif(not EXAMPLE_CONF.exists(), reason="reference configuration not present")
def test_bP_no_labels(exim):
    conf = EXAMPLE_CONF.read_text()
    lab = exim(["-bP"], conf=conf).out.splitlines()
    bare = exim(["-bP", "-n"], conf=conf).out.splitlines()
    assert len(lab) == len(bare)
    theirs_lab = expected("bP/example.txt").splitlines()
    theirs_bare = expected("bP/example-n.txt").splitlines()
    theirs = dict(zip([names_and_lines(l)[1][0] for l in theirs_lab], theirs_bare))
    for l, b in zip(lab, bare):
        name = names_and_lines(l)[1][0]
        if name in BUILD_DEPENDENT or name in HOST_DEPENDENT or name not in theirs:
            continue
        assert b == theirs[name], name


# (config line, option to print, exim4's stdout) - recorded with exim4.
TYPE_CASES = [
    # integers: decimal, octal, hex, K/M/G, mkint printing
    ("bounce_return_linesize_limit = 0x1g", "bounce_return_linesize_limit = 1024M"),
    ("bounce_return_linesize_limit = 010", "bounce_return_linesize_limit = 8"),
    ("bounce_return_linesize_limit = 1k", "bounce_return_linesize_limit = 1K"),
    ("bounce_return_linesize_limit = -2147483648", "bounce_return_linesize_limit = -2048M"),
    ("bounce_return_size_limit = 2048k", "bounce_return_size_limit = 2M"),
    ("bounce_return_size_limit = 1536", "bounce_return_size_limit = 1536"),
    ("header_maxsize = 1k", "header_maxsize = 1024"),
    ("message_body_visible = 1024", "message_body_visible = 1K"),
    # K-counted integers
    ("check_log_space = 2048", "check_log_space = 2M"),
    ("check_log_space = 1k", "check_log_space = 1K"),
    ("check_log_space = 2048G", "check_log_space = 2T"),
    ("check_spool_space = -1", "check_spool_space = -1K"),
    # fixed point
    ("deliver_queue_load_max = 1.2345", "deliver_queue_load_max = 1.234"),
    ("queue_only_load = 1", "queue_only_load = 1.0"),
    ("smtp_load_reserve = 10.25", "smtp_load_reserve = 10.25"),
    # times and time lists
    ("auto_thaw = 1d1w", "auto_thaw = 1w1d"),
    ("auto_thaw = 1h1h", "auto_thaw = 2h"),
    ("timeout_frozen_after = 7d", "timeout_frozen_after = 1w"),
    ("delay_warning = 1h : 2h", "delay_warning = 1h:2h"),
    ("delay_warning = 0s", "delay_warning = "),
    # booleans
    ("accept_8bitmime = no", "no_accept_8bitmime"),
    ("not_accept_8bitmime", "no_accept_8bitmime"),
    ("accept_8bitmime = Yes", "accept_8bitmime"),
    ("accept_8bitmime =", "accept_8bitmime"),
    # strings
    ("qualify_domain=abc", "qualify_domain = abc"),
    ('qualify_domain = "q\\tx\\101\\x42\\\\\\"z"', 'qualify_domain = q\\txAB\\"z'),
    ("qualify_domain = a\\tb", "qualify_domain = a\\tb"),
    # users and groups
    ("exim_user = 0", "exim_user = root"),
    ("exim_group = 99999", "exim_group = 99999"),
    ("never_users = 0:65534:99999", "never_users = root:nobody:99999"),
    ("trusted_groups = 0 : mail : ", "trusted_groups = root:mail"),
    ("never_users = ", "never_users ="),
    ("system_filter_user = root", "system_filter_user = root"),
    ("", "system_filter_user = "),
    ("", "admin_groups ="),
    # aliases
    ("return_size_limit = 1M", "bounce_return_size_limit = 1M"),
    ("daemon_smtp_port = 25", "daemon_smtp_ports = 25"),
]


@pytest.mark.parametrize("line,out", TYPE_CASES)
def test_bP_option_types(exim, line, out):
    name = re.match(r"^(no_)?([a-z0-9_]+)", out).group(2)
    r = exim(["-bP", name], conf=line + "\n")
    assert r.rc == 0, r.err
    assert r.out == out + "\n"


ERROR_CASES = [
    ("foo_bar = 1", 'main option "foo_bar" unknown'),
    ("no_foo_bar", 'main option "no_foo_bar" unknown'),
    ("bounce_return_linesize_limit = abc", "integer expected for bounce_return_linesize_limit"),
    ("bounce_return_linesize_limit = 99999999999",
     'absolute value of integer "99999999999" is too large (overflow)'),
    ("bounce_return_linesize_limit = 10X",
     "extra characters follow integer value for bounce_return_linesize_limit"),
    ("bounce_return_linesize_limit = 3G", 'absolute value of integer "3G" is too large (overflow)'),
    ("auto_thaw = abc", "invalid time value for auto_thaw"),
    ("auto_thaw = 5", "invalid time value for auto_thaw"),
    ("deliver_queue_load_max = abc", "fixed-point number expected for deliver_queue_load_max"),
    ("deliver_queue_load_max = 1.5x",
     "extra characters follow fixed-point value for deliver_queue_load_max"),
    ("deliver_queue_load_max = -1", 'integer "-1" is too large (overflow)'),
    ("accept_8bitmime = maybe", '"maybe" is not a valid value for the "accept_8bitmime" option'),
    ("accept_8bitmime = true x",
     'extra characters follow "true" for boolean option accept_8bitmime'),
    ("no_qualify_domain", "negation prefix applied to a non-boolean option"),
    ("no_accept_8bitmime = true", "extra characters follow boolean option no_accept_8bitmime"),
    ("exim_user = nosuchuser", "user nosuchuser was not found"),
    ("exim_group = nosuchgroup", "group nosuchgroup was not found"),
    ("never_users = root:nosuch", "user nosuch was not found"),
    ("trusted_groups = nosuch", "group nosuch was not found"),
    ("delay_warning = 1h:abc", "invalid time value for delay_warning"),
    ("delay_warning = 1h:2h:30m", "time value out of order for delay_warning"),
    ("delay_warning = 1s:2s:3s:4s:5s:6s:7s:8s:9s:10s:11s", "too many time values for delay_warning"),
    ("qualify_domain foo", 'missing "=" after qualify_domain'),
    ('qualify_domain = "abc', "missing quote at end of string value for qualify_domain"),
    ('qualify_domain = "a"b"', "extra characters follow string value for qualify_domain"),
    ("qualify_domain = a\nqualify_domain = b", '"qualify_domain" option set for the second time'),
    ("accept_8bitmime\naccept_8bitmime", '"accept_8bitmime" option set for the second time'),
]


@pytest.mark.parametrize("conf,msg", ERROR_CASES)
def test_bP_option_errors(exim, conf, msg):
    r = exim(["-bP", "qualify_domain"], conf=conf + "\n")
    assert r.rc == 1
    line = conf.count("\n") + 1
    assert f"Exim configuration error in line {line} of " in r.err
    assert "\n  " + msg + "\n" in r.err


def test_bP_feature_not_built(exim):
    # Brightmail needs a vendor SDK, so it is off in the default build.
    r = exim(["-bP", "bmi_config_file"], conf="")
    if "is not a known option" not in r.out:
        pytest.skip("this build includes BMI")
    assert r.rc == 1
    r = exim(["-bP"], conf="bmi_config_file = /x\n")
    assert r.rc == 1
    assert re.search(r'option "bmi_config_file" is not available in this build \((needs \S+ in '
                     r'Local/Makefile|its support is not part of this source tree yet)\)', r.err)


def test_bP_words_and_exit_status(exim, tmp_path):
    conf = "qualify_domain = q.example\n"
    r = exim(["-bP", "foo"], conf=conf)
    assert (r.rc, r.out) == (1, "foo is not a known option\n")
    # The exit status follows the last word, as exim4's does.
    r = exim(["-bP", "qualify_domain", "foo"], conf=conf)
    assert (r.rc, r.out) == (1, "qualify_domain = q.example\nfoo is not a known option\n")
    r = exim(["-bP", "foo", "qualify_domain"], conf=conf)
    assert (r.rc, r.out) == (0, "foo is not a known option\nqualify_domain = q.example\n")
    r = exim(["-bP", "-n", "qualify_domain", "never_users", "accept_8bitmime",
              "no_accept_8bitmime", "allow_mx_to_ip"], conf=conf)
    assert r.out == ("q.example\n\naccept_8bitmime\nno_accept_8bitmime is not a known option\n"
                     "no_allow_mx_to_ip\n")
    r = exim(["-bP", "qualify_domain", "-n"], conf=conf)
    assert r.out == "qualify_domain = q.example\n-n is not a known option\n"
    r = exim(["-bP", "config_file"], conf=conf)
    assert r.rc == 0 and r.out == str(tmp_path / "exim.conf") + "\n"
    r = exim(["-bP", "configure_file"], conf=conf)
    assert r.out == str(tmp_path / "exim.conf") + "\n"
    r = exim(["-bP", "local_scan"], conf=conf)
    assert (r.rc, r.out) == (1, "local_scan() options are not supported\n")
    r = exim(["-bP", "domainlist", "x"], conf=conf)
    assert (r.rc, r.out) == (1, "domainlist is not a known option\nx is not a known option\n")
    r = exim(["-bP", "daemon_smtp_port", "return_size_limit"], conf=conf)
    assert r.out == "daemon_smtp_port = smtp\nreturn_size_limit = 100K\n"
    r = exim(["-bP"], conf=conf)
    printed = names_and_lines(r.out)[0]
    assert "daemon_smtp_port" not in printed and "return_size_limit" not in printed


def test_bP_named_lists_and_drivers(exim):
    conf = ("domainlist local_domains = @\nhostlist relay = localhost\n"
            "begin routers\nr1:\n  driver = accept\n  transport = t1\n"
            "begin transports\nt1:\n  driver = appendfile\n  file = /dev/null\n")
    r = exim(["-bP", "+relay", "+local_domains"], conf=conf)
    assert (r.rc, r.out) == (0, "hostlist relay = localhost\ndomainlist local_domains = @\n")
    r = exim(["-bP", "-n", "+local_domains"], conf=conf)
    assert r.out == "@\n"
    r = exim(["-bP", "+nope"], conf=conf)
    assert (r.rc, r.out) == (
        1, 'no address, domain, host, or local part list called "nope" exists\n')
    r = exim(["-bP", "router", "nope"], conf=conf)
    assert (r.rc, r.out) == (1, "router nope not found\n")
    r = exim(["-bP", "router"], conf=conf)
    assert (r.rc, r.out) == (1, "router is not a known option\n")
    r = exim(["-bP", "router_list", "transport_list", "authenticator_list"], conf=conf)
    assert (r.rc, r.out) == (0, "r1\nt1\n")
    r = exim(["-bP", "authenticator", "nope"], conf=conf)
    assert (r.rc, r.out) == (1, "authenticator nope not found\n")
    r = exim(["-bP", "macro", "NOPE"], conf=conf)
    assert (r.rc, r.out) == (1, "macro NOPE not found\n")


def _strip_label(line):
    # What -n does to a -bP line (checked against exim4 for main options,
    # routers and transports): "name = value" -> "value"; booleans and
    # unset fixed-point values ("name =") keep their text.
    m = re.match(r"^\*?[a-z0-9_]+ = (.*)$", line)
    return m.group(1) if m else line


def test_bP_no_labels_for_drivers(exim):
    conf = ("begin routers\nr1:\n  driver = accept\n  transport = t1\n"
            "begin transports\nt1:\n  driver = appendfile\n  file = /dev/null\n")
    for words in (["router", "r1"], ["routers"], ["transport", "t1"], ["transports"]):
        lab = exim(["-bP"] + words, conf=conf)
        bare = exim(["-bP", "-n"] + words, conf=conf)
        assert lab.rc == bare.rc == 0
        assert lab.out.count("\n") > 10
        assert bare.out.splitlines() == [_strip_label(l) for l in lab.out.splitlines()]
    # With exim4: "-bP -n router r1" starts with address_data's empty value.
    r = exim(["-bP", "-n", "router", "r1"], conf=conf)
    assert r.out.startswith("\naddress_test\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a command as nobody")
def test_bP_hidden_values_for_non_admin():
    # Recorded with exim4 run as nobody: hidden values (any type) are shown
    # as <value not displayable>, alone with -n; admins see them.
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="bP-hide-")
    try:
        os.chmod(d, 0o755)
        conf = Path(d) / "exim.conf"
        conf.write_text("hide qualify_domain = q\nhide accept_8bitmime\n"
                        "hide never_users = root\nhide delay_warning = 1h\n")
        conf.chmod(0o644)
        cmd = f"{EXIM} -C {conf} -bP qualify_domain accept_8bitmime never_users delay_warning"
        p = subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c", cmd],
                           capture_output=True, text=True)
        assert p.stdout == ("qualify_domain = <value not displayable>\n"
                            "accept_8bitmime = <value not displayable>\n"
                            "never_users = <value not displayable>\n"
                            "delay_warning = <value not displayable>\n")
        p = subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c",
                            f"{EXIM} -C {conf} -bP -n qualify_domain"],
                           capture_output=True, text=True)
        assert p.stdout == "<value not displayable>\n"
        p = subprocess.run([EXIM, "-C", str(conf), "-bP", "qualify_domain", "delay_warning"],
                           capture_output=True, text=True)
        assert p.stdout == "qualify_domain = q\ndelay_warning = 1h\n"
    finally:
        shutil.rmtree(d)
