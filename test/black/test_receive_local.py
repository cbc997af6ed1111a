"""Non-SMTP reception (exim [options] address..., -t, -i, -f, -F, -G, -oep):
every case of receive_cases.py must give what Exim 4.96 gave (exit status,
stderr, main/reject/panic log lines, the -H and -D files byte for byte after
receive_normalise()), recorded in test/expected/receive/<case>.out by
test/expected/receive/record.py.  exim4 is not run here."""
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import EXIM, EXPECTED
from receive_cases import BASE, CASES, run_case
from receive_cases import receive_normalise as normalise_record


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_as_exim4(tmp_path, name):
    got = run_case(EXIM, name, str(tmp_path / "case"))
    assert got == (EXPECTED / "receive" / f"{name}.out").read_text()


def _conf(tmp_path, extra=""):
    d = tmp_path / "case"
    (d / "spool" / "log").mkdir(parents=True)
    conf = d / "exim.conf"
    conf.write_text(BASE.replace("@DIR@", str(d)) + extra)
    conf.chmod(0o644)
    return d, conf


def test_rejected_message_leaves_no_files(tmp_path):
    d, conf = _conf(tmp_path, "acl_not_smtp = deny\n")
    p = subprocess.run([EXIM, "-C", str(conf), "-oep", "a@b.example"], input=b"Subject: x\n\nb\n",
                       capture_output=True, timeout=30)
    assert p.returncode == 1
    indir = d / "spool" / "input"
    assert not indir.exists() or os.listdir(indir) == []


@pytest.fixture
def open_dir():
    """A directory other users can reach (pytest's tmp_path is private)."""
    d = Path(tempfile.mkdtemp(prefix="rcv-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_untrusted_caller_gets_sender_header(open_dir):
    tmp_path = open_dir
    # Spec 48.16: a From: that is not the caller's address gets a Sender:,
    # an existing Sender: is removed, and -f is ignored without
    # untrusted_set_sender.  (-odq: no delivery, whose bounce would be a
    # second -H in the directory.)
    d, conf = _conf(tmp_path)
    for p in (tmp_path, d, d / "spool", d / "spool" / "log"):
        os.chmod(p, 0o777)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", EXIM, "-C",
                        str(conf), "-odq", "-f", "x@y.example", "a@b.example"],
                       input=b"From: someone@else.example\nSender: s@t.example\n\nb\n",
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    text = h.read_text()
    lines = text.split("\n")
    assert lines[1] == "nobody 65534 65534"
    assert lines[2] == "<nobody@test.example>"
    assert "\n-local\n" in text and "-auth_id nobody\n" in text
    assert "* Sender: s@t.example\n" in text
    assert "S Sender: nobody <nobody@test.example>\n" in text or \
        "S Sender: nobody@test.example\n" in text


def test_untrusted_set_sender_allows_f(open_dir):
    tmp_path = open_dir
    d, conf = _conf(tmp_path, "untrusted_set_sender = *@x.example\n")
    for p in (tmp_path, d, d / "spool", d / "spool" / "log"):
        os.chmod(p, 0o777)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", EXIM, "-C",
                        str(conf), "-odq", "-f", "me@x.example", "a@b.example"],
                       input=b"Subject: s\n\nb\n", capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    text = h.read_text()
    assert text.split("\n")[2] == "<me@x.example>"
    assert "-sender_set_untrusted\n" in text
    assert "\n-local\n" not in text


def _on_small_tmpfs(tmp_path, conf, args, data):
    """Run exim with its spool on a private 8k tmpfs (a real ENOSPC); skip
    when this machine does not allow the mount."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = tmp_path / "out"
    script = (f'mount -t tmpfs -o size=8k none {mnt} || exit 77; mkdir {mnt}/spool; '
              f'"$@" < {tmp_path}/in > {out}.stdout 2> {out}.stderr; echo $? > {out}.rc; '
              f'ls -R {mnt}/spool/input > {out}.ls 2>&1; umount {mnt}')
    (tmp_path / "in").write_bytes(data)
    try:
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", EXIM, "-C", str(conf)] + args,
                           capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        pytest.skip("unshare is not installed")
    if p.returncode == 77 or "unshare failed" in p.stderr:
        pytest.skip("cannot mount a private tmpfs here: " + p.stderr.strip())
    return (int((tmp_path / "out.rc").read_text()), (tmp_path / "out.stdout").read_text(),
            (tmp_path / "out.stderr").read_text(), (tmp_path / "out.ls").read_text())


def _full_disk_conf(tmp_path, extra=""):
    conf = tmp_path / "exim.conf"
    conf.write_text(BASE.replace("@DIR@/spool", str(tmp_path / "mnt" / "spool"))
                    .replace("log_file_path = " + str(tmp_path / "mnt" / "spool") + "/log/%slog",
                             f"log_file_path = {tmp_path}/%slog") + extra)
    conf.chmod(0o644)
    return conf


def test_full_disk_local_message_leaves_nothing(tmp_path):
    conf = _full_disk_conf(tmp_path)
    rc, out, err, ls = _on_small_tmpfs(tmp_path, conf, ["a@b.example"],
                                       b"Subject: big\n\n" + (b"x" * 70 + b"\n") * 300)
    assert rc == 1
    assert "No space left on device" in err
    assert not any(n.endswith(("-D", "-H")) or n.startswith(("hdr.", "data.")) for n in ls.split())


def test_full_disk_smtp_gets_452_and_nothing(tmp_path):
    # check_spool_space (10M by default) would refuse MAIL on this tiny disk
    conf = _full_disk_conf(tmp_path, "acl_smtp_rcpt = accept\ncheck_spool_space = 0\n")
    smtp = ("EHLO c.example\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\n"
            "Subject: big\r\n\r\n" + ("z" * 70 + "\r\n") * 200 + ".\r\nQUIT\r\n").encode()
    rc, out, err, ls = _on_small_tmpfs(tmp_path, conf, ["-bs"], smtp)
    if "not available yet" in err:
        pytest.skip("-bs is not in this build yet")
    replies = [x for x in out.replace("\r", "").split("\n") if x[:3].isdigit()]
    assert "452 Error while writing spool file" in replies
    assert not any(n.endswith(("-D", "-H")) or n.startswith(("hdr.", "data.")) for n in ls.split())


def test_exim4_lists_our_message(tmp_path):
    """exim4 -bp reads a spool we wrote (run only where exim4 is installed)."""
    if not os.path.exists("/usr/sbin/exim4"):
        pytest.skip("exim4 is not installed")
    d, conf = _conf(tmp_path)
    r = subprocess.run([EXIM, "-C", str(conf), "-odq", "-f", "s@x.example", "a@b.example", "c@d.example"],
                       input=b"Subject: listed\n\nbody\n", capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    msgid = h.name[:-2]
    p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-bp"], capture_output=True, text=True,
                       timeout=30)
    lines = p.stdout.splitlines()
    assert lines[0].split()[2:] == [msgid, "<s@x.example>"]
    assert [x.strip() for x in lines[1:3]] == ["a@b.example", "c@d.example"]


def test_receive_timeout_abandons_the_message(tmp_path):
    """-or 1s with input that stalls: exim4's texts (local_timeout.out),
    written, as by exim4, only once the input has ended: after the timeout
    the rest of standard input is read and thrown away."""
    d, conf = _conf(tmp_path)
    p = subprocess.Popen([EXIM, "-C", str(conf), "-odq", "-oep", "-or", "1s", "a@b.example"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    p.stdin.write(b"Subject: t\n\npartial")
    p.stdin.flush()
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            p.wait(timeout=2.5)        # past the 1s timeout it still reads
        p.stdin.write(b"more input after the timeout\n" * 1000)
        p.stdin.flush()
        mainlog = d / "spool" / "log" / "mainlog"
        assert not mainlog.exists() or "timed out" not in mainlog.read_text()
    finally:
        p.stdin.close()
    err = p.stderr.read().decode()
    rc = p.wait(timeout=20)
    log = (d / "spool" / "log" / "mainlog").read_text()
    got = normalise_record(f"== rc\n{rc}\n== stderr\n{err}== mainlog\n{log}", str(d))
    assert got == (EXPECTED / "receive" / "local_timeout.out").read_text()
    indir = d / "spool" / "input"
    assert not indir.exists() or os.listdir(indir) == []


def test_t_bad_address_still_runs_not_smtp_acl(tmp_path):
    # exim4 -odq -t (no -oep): the malformed address is logged ("bad
    # addresses found in headers", main and panic logs) and reported to the
    # sender by mail (-oem is the default: its own "<= <> R=<id>"), the good
    # one kept, acl_not_smtp runs and the message is accepted.  Also a
    # regression check for the sanitizer build (make asan): same path, no
    # report.
    d, conf = _conf(tmp_path, "acl_not_smtp = ns\nbegin acl\nns:\n  warn logwrite = NOTSMTP ACL RAN\n"
                              "  accept\n")
    p = subprocess.run([EXIM, "-C", str(conf), "-odq", "-t"],
                       input=b"To: good@x.example, bad@@y\nSubject: t\n\nb\n",
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    log = (d / "spool" / "log" / "mainlog").read_text()
    first = log.split(" ", 3)[2]
    lines = [ln.split(" ", 3)[3] for ln in log.splitlines() if ln.split(" ", 3)[2] == first]
    assert lines[0].endswith(" bad addresses found in headers")
    assert lines[1] == "NOTSMTP ACL RAN"
    assert lines[2].startswith("<= root@test.example U=root P=local S=")
    assert re.search(r"^\S+ \S+ \S+ <= <> R=%s U=" % first, log, re.M), log
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name == first + "-H"]
    assert "\n1\ngood@x.example\n" in h.read_text()


def _qualify_rows():
    rows = (EXPECTED / "receive" / "qualify.tsv").read_text().split()
    return [(bytes.fromhex(a).decode(), bytes.fromhex(b).decode()) for a, b in zip(rows[::2], rows[1::2])]


@pytest.mark.parametrize("value,want", _qualify_rows())
def test_unqualified_header_addresses_as_exim4(tmp_path, value, want):
    # Spec 48.3: each unqualified address, groups included, has its span
    # (the inside of <>, or the addr-spec up to its last word) replaced by
    # the qualified address; recorded by test/expected/receive/record_qualify.py.
    d, conf = _conf(tmp_path)
    conf.write_text(conf.read_text().replace("qualify_domain = test.example", "qualify_domain = q.invalid"))
    p = subprocess.run([EXIM, "-C", str(conf), "-odq", "-t"],
                       input=("To: t@keep.example\nCc: %s\nSubject: x\n\nbody\n" % value).encode(),
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    (h,) = [f for f in (d / "spool" / "input").iterdir() if f.name.endswith("-H")]
    got = [ln.split("C Cc: ", 1)[1] for ln in h.read_text().splitlines() if re.match(r"\d{3}C Cc: ", ln)]
    assert got == [want]
