"""Cases for the appendfile transport (spec chapter 26) and the message
writer every transport uses (transport_write_message: added and removed
headers, Return-path:, Envelope-to:, Delivery-date:, transport_filter ...),
shared by the recorder (record_appendfile.py, run against exim4) and the
test (test_appendfile_cases.py, run against ours).

Each case: routers/transports sections (@T@ = the case's directory),
`setup` (what exists in mail/ before the message arrives), recipients,
the message.  What is compared: the delivery lines of the first message
("=>", "->", "==", "**" with R=), and every entry under mail/ with its
type, mode, owner and (normalised) content.
"""
import grp
import os
import pwd
import re
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import normalise  # noqa: E402
from deliver_helpers import build_config, normalise_mail  # noqa: E402

MSG = "From: a@b\nSubject: hi\nX-Drop: z\n\nFrom me\nline2\n.dot\n"


def _router(parts, extra=""):
    return ("r1:\n  driver = accept\n  local_parts = " + " : ".join(parts) +
            "\n  transport = t_$local_part_data\n" + extra)


def _t(name, body, user="nobody"):
    return f"t_{name}:\n  driver = appendfile\n" + body + f"  user = {user}\n"


CASES = {}

# ---- headers, envelope, batching -------------------------------------------
CASES["mbox_headers"] = dict(
    routers=("r1:\n  driver = accept\n  local_parts = ^[a-z]+\\$\n"
             "  headers_add = X-Router: yes\n  headers_remove = X-Drop\n  transport = t1\n"),
    transports=("t1:\n  driver = appendfile\n  file = @T@/mail/box\n"
                "  return_path_add\n  envelope_to_add\n  delivery_date_add\n"
                "  headers_add = X-T1: a\\n${if eq{1}{2}{X-No: x}}\n  headers_add = X-T3: c\n"
                "  headers_remove = subj*\n"
                "  batch_max = 10\n  user = nobody\n"),
    rcpts=["aaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.y", "bbbbbbbbbbbbbbb@x.y", "c@x.y"],
    sender="sender@x.y",
)

CASES["mbox_bounce_sender_crlf"] = dict(
    routers=_router(["crlf", "mmdf", "rp", "rw"]),
    transports=(_t("crlf", "  file = @T@/mail/crlf\n  use_crlf\n  message_prefix = P\\r\\n\n"
                   "  message_suffix = S\\r\\n\n  return_path_add\n") +
                _t("mmdf", "  file = @T@/mail/mmdf\n  check_string = \"\\1\\1\\1\\1\\n\"\n"
                   "  escape_string = \"\\1\\1\\1\\1 \\n\"\n  message_prefix = \"\\1\\1\\1\\1\\n\"\n"
                   "  message_suffix = \"\\1\\1\\1\\1\\n\"\n") +
                _t("rp", "  file = @T@/mail/rp\n  return_path = verp-$local_part@x.y\n  return_path_add\n") +
                _t("rw", "  file = @T@/mail/rw\n  headers_rewrite = a@b c@d f\n")),
    rcpts=["crlf@x", "mmdf@x", "rp@x", "rw@x"],
    sender="",
    message="From: a@b\nSubject: hi\n\nFrom me\n\x01\x01\x01\x01\nend\n",
)

# ---- appending: checks and failures -------------------------------------------
CASES["mbox_checks"] = dict(
    routers=_router(["quota", "lockf", "fcntl", "symroot", "symnobody", "symok", "owner", "narrow",
                     "wide", "mustexist", "relative", "fifo", "devnull", "twice", "newfile", "mode"]),
    transports=(_t("quota", "  file = @T@/mail/quota\n  quota = 100\n") +
                _t("lockf", "  file = @T@/mail/lockf\n  lock_retries = 2\n  lock_interval = 0s\n") +
                _t("fcntl", "  file = @T@/mail/fcntl\n  use_lockfile = false\n  lock_retries = 2\n"
                   "  lock_interval = 0s\n") +
                _t("symroot", "  file = @T@/mail/symroot\n") +
                _t("symnobody", "  file = @T@/mail/symnobody\n") +
                _t("symok", "  file = @T@/mail/symok\n  allow_symlink\n") +
                _t("owner", "  file = @T@/mail/owner\n") +
                _t("narrow", "  file = @T@/mail/narrow\n") +
                _t("wide", "  file = @T@/mail/wide\n") +
                _t("mustexist", "  file = @T@/mail/mustexist\n  file_must_exist\n") +
                _t("relative", "  file = mail/relative\n") +
                _t("fifo", "  file = @T@/mail/fifo\n") +
                _t("devnull", "  file = /dev/null\n") +
                _t("twice", "  file = @T@/mail/twice\n") +
                _t("newfile", "  file = @T@/mail/sub/dir/newfile\n  directory_mode = 0750\n  mode = 0640\n") +
                _t("mode", "  file = @T@/mail/mode\n  mode = 0644\n  mode_fail_narrower = false\n")),
    setup=[("touch", "lockf.lock", "root", 0o644), ("touch", "fcntl", "nobody", 0o600),
           ("lock", "fcntl"),
           ("touch", "target1", "nobody", 0o600), ("symlink", "target1", "symroot", "root"),
           ("symlink", "target1", "symnobody", "nobody"),
           ("touch", "target2", "nobody", 0o600), ("symlink", "target2", "symok", "nobody"),
           ("touch", "owner", "root", 0o600), ("touch", "narrow", "nobody", 0o400),
           ("touch", "wide", "nobody", 0o666), ("fifo", "fifo", "nobody"),
           ("write", "twice", "From old\nold message\n\n", "nobody", 0o600),
           ("touch", "mode", "nobody", 0o600)],
    rcpts=["quota@x", "lockf@x", "fcntl@x", "symroot@x", "symnobody@x", "symok@x", "owner@x", "narrow@x",
           "wide@x", "mustexist@x", "relative@x", "fifo@x", "devnull@x", "twice@x", "newfile@x", "mode@x"],
)

CASES["mbox_create"] = dict(
    routers=_router(["nocreate", "inhome", "belowhome", "path", "homeok"],
                    "  router_home_directory = @T@/mail/home\n  transport_home_directory = @T@/mail/home\n"),
    transports=(_t("nocreate", "  file = @T@/mail/nodir/box\n  create_directory = false\n  use_lockfile = false\n") +
                _t("inhome", "  file = @T@/mail/other/x\n  create_file = inhome\n") +
                _t("belowhome", "  file = @T@/mail/home/../x\n  create_file = belowhome\n") +
                _t("path", "  file = @T@/mail/other2/x\n  create_file = @T@/mail/home\n") +
                _t("homeok", "  file = $home/inbox\n  create_file = inhome\n")),
    setup=[("mkdir", "home", "nobody")],
    rcpts=["nocreate@x", "inhome@x", "belowhome@x", "path@x", "homeok@x"],
)

# create_file and directories that do not exist yet (below the home
# directory or the create_file path): which ones create_directory makes.
CASES["create_dirs"] = dict(
    routers=_router(["inhsub", "inhsubnl", "belowsub", "pathsub", "pathsubnl", "anysub", "inhnodir", "inhdeep",
                     "dinh", "dinhdeep", "dpath", "dnodir", "dexist", "dmdnodir"],
                    "  router_home_directory = @T@/mail/home\n  transport_home_directory = @T@/mail/home\n"),
    transports=(_t("inhsub", "  file = $home/sub/inbox\n  create_file = inhome\n") +
                _t("inhsubnl", "  file = $home/sub2/inbox\n  create_file = inhome\n  use_lockfile = false\n") +
                _t("belowsub", "  file = $home/sub3/inbox\n  create_file = belowhome\n") +
                _t("pathsub", "  file = @T@/mail/home/sub4/inbox\n  create_file = @T@/mail/home\n") +
                _t("pathsubnl", "  file = @T@/mail/home/sub5/inbox\n  create_file = @T@/mail/home\n"
                   "  use_lockfile = false\n") +
                _t("anysub", "  file = $home/sub6/inbox\n  create_file = anywhere\n") +
                _t("inhnodir", "  file = $home/sub7/inbox\n  create_file = inhome\n  create_directory = false\n") +
                _t("inhdeep", "  file = $home/a/b/inbox\n  create_file = inhome\n") +
                _t("dinh", "  directory = $home/d1\n  create_file = inhome\n") +
                _t("dinhdeep", "  directory = $home/d2/x\n  create_file = inhome\n  maildir_format\n") +
                _t("dpath", "  directory = @T@/mail/home/d3/x\n  create_file = @T@/mail/home\n") +
                _t("dnodir", "  directory = $home/d4\n  create_directory = false\n") +
                _t("dexist", "  directory = $home/d5\n  create_file = inhome\n") +
                _t("dmdnodir", "  directory = $home/d6\n  maildir_format\n  create_directory = false\n")),
    setup=[("mkdir", "home", "nobody"), ("mkdir", "home/d5", "nobody")],
    rcpts=["inhsub@x", "inhsubnl@x", "belowsub@x", "pathsub@x", "pathsubnl@x", "anysub@x", "inhnodir@x", "inhdeep@x",
           "dinh@x", "dinhdeep@x", "dpath@x", "dnodir@x", "dexist@x", "dmdnodir@x"],
)

# create_directory allowed but mkdir fails: a file in the way (ENOTDIR),
# a root-owned parent (EACCES), for a file, a directory and a maildir.
CASES["create_dirs_fail"] = dict(
    routers=_router(["fnotdir", "facces", "fdeep", "dnotdir", "dacces", "mdacces", "mdnotdir", "mdsub", "msacces"]),
    transports=(_t("fnotdir", "  file = @T@/mail/plain/sub/inbox\n") +
                _t("facces", "  file = @T@/mail/rootd/sub/inbox\n  use_lockfile = false\n") +
                _t("fdeep", "  file = @T@/mail/rootd/a/b/inbox\n") +
                _t("dnotdir", "  directory = @T@/mail/plain/d\n") +
                _t("dacces", "  directory = @T@/mail/rootd/d\n") +
                _t("mdacces", "  directory = @T@/mail/rootd/md\n  maildir_format\n") +
                _t("mdnotdir", "  directory = @T@/mail/plain/md\n  maildir_format\n") +
                _t("mdsub", "  directory = @T@/mail/rootd\n  maildir_format\n") +
                _t("msacces", "  directory = @T@/mail/rootd/ms\n  mailstore_format\n")),
    setup=[("touch", "plain", "nobody", 0o600), ("mkdir", "rootd", "root")],
    rcpts=["fnotdir@x", "facces@x", "fdeep@x", "dnotdir@x", "dacces@x", "mdacces@x", "mdnotdir@x", "mdsub@x",
           "msacces@x"],
)

# options that fail to expand, transport filters that fail
CASES["expand_failures"] = dict(
    routers=_router(["xfile", "xfail", "xquota", "xprefix", "xsuffix", "xtf", "xtf127", "xtf1", "xdirfile"]),
    transports=(_t("xfile", "  file = ${lookup{x}nosuch{y}}\n") +
                _t("xfail", "  file = ${if eq{1}{2}{x}fail}\n") +
                _t("xquota", "  file = @T@/mail/xquota\n  quota = ${lookup{x}nosuch{y}}\n") +
                _t("xprefix", "  file = @T@/mail/xprefix\n  message_prefix = ${lookup{x}nosuch{y}}\n") +
                _t("xsuffix", "  file = @T@/mail/xsuffix\n  message_suffix = ${lookup{x}nosuch{y}}\n") +
                _t("xtf", "  file = @T@/mail/xtf\n  transport_filter = ${lookup{x}nosuch{y}}\n") +
                _t("xtf127", "  file = @T@/mail/xtf127\n  transport_filter = /nonexistent/filter\n") +
                _t("xtf1", "  file = @T@/mail/xtf1\n  transport_filter = /bin/false\n") +
                _t("xdirfile", "  directory = @T@/mail/xdir\n  directory_file = ${lookup{x}nosuch{y}}\n")),
    rcpts=["xfile@x", "xfail@x", "xquota@x", "xprefix@x", "xsuffix@x", "xtf@x", "xtf127@x", "xtf1@x", "xdirfile@x"],
)

CASES["expand_failures2"] = dict(
    routers=_router(["xqfc", "xqwt", "xmbs", "xmdtag", "xqdir", "xmdqdir"]),
    transports=(_t("xqfc", "  directory = @T@/mail/xqfc\n  quota = 1M\n  quota_filecount = ${lookup{x}nosuch{y}}\n") +
                _t("xqwt", "  file = @T@/mail/xqwt\n  quota = 1M\n  quota_warn_threshold = ${lookup{x}nosuch{y}}\n") +
                _t("xmbs", "  file = @T@/mail/xmbs\n  mailbox_size = ${lookup{x}nosuch{y}}\n") +
                _t("xmdtag", "  directory = @T@/mail/xmdtag\n  maildir_format\n  maildir_tag = ${lookup{x}nosuch{y}}\n") +
                _t("xqdir", "  directory = @T@/mail/xqdir\n  quota = 1M\n  quota_directory = ${lookup{x}nosuch{y}}\n") +
                _t("xmdqdir", "  directory = @T@/mail/xmdqdir\n  maildir_format\n  quota = 1M\n"
                   "  quota_directory = ${lookup{x}nosuch{y}}\n")),
    rcpts=["xqfc@x", "xqwt@x", "xmbs@x", "xmdtag@x", "xqdir@x", "xmdqdir@x"],
)

# the transport's home and current directories (set up by the delivery process)
CASES["expand_failures_dirs"] = dict(
    routers=_router(["xhome", "xcwd"]),
    transports=(_t("xhome", "  file = @T@/mail/xhome\n  home_directory = ${lookup{x}nosuch{y}}\n") +
                _t("xcwd", "  file = @T@/mail/xcwd\n  current_directory = ${lookup{x}nosuch{y}}\n")),
    rcpts=["xhome@x", "xcwd@x"],
)

CASES["mbox_format_other"] = dict(
    routers=_router(["ffmt2"]),
    transports=(_t("ffmt2", "  file = @T@/mail/ffmt2\n"
                   "  file_format = \"From : t_ffmt : \\1\\1\\1\\1\\n : t_mmdf\"\n") +
                _t("mmdf", "  file = @T@/mail/mmdf-$local_part_data\n  message_prefix = \"\\1\\1\\1\\1\\n\"\n"
                   "  message_suffix = \"\\1\\1\\1\\1\\n\"\n")),
    setup=[("write", "ffmt2", "\x01\x01\x01\x01\nold\n\x01\x01\x01\x01\n", "nobody", 0o600)],
    rcpts=["ffmt2@x"],
    # The transport that took over is named on the "=>" line (the delivery
    # child reports it back to the parent).
)

CASES["mbox_formats_taint"] = dict(
    routers=_router(["tainted", "ffmt", "ffmt3", "stale", "nodirfile"]),
    transports=(_t("tainted", "  file = @T@/mail/$local_part\n") +
                "".join(_t(n, f"  file = @T@/mail/{n}\n"
                           "  file_format = \"From : t_ffmt : \\1\\1\\1\\1\\n : t_mmdf\"\n")
                        for n in ("ffmt", "ffmt3")) +
                _t("stale", "  file = @T@/mail/stale\n  lockfile_timeout = 2s\n  lock_retries = 2\n"
                   "  lock_interval = 0s\n") +
                _t("nodirfile", "  directory = @T@/mail/ndf\n  directory_file = ${if eq{1}{2}{x}fail}\n")),
    setup=[("write", "ffmt3", "XYZ\n", "nobody", 0o600), ("touch", "stale.lock", "root", 0o644),
           ("age", "stale.lock", 3600)],
    rcpts=["tainted@x", "ffmt@x", "ffmt3@x", "stale@x", "nodirfile@x"],
)

CASES["redirect_paths"] = dict(
    routers=("r_redir:\n  driver = redirect\n  local_parts = save : savedir : savemd : savemode\n"
             "  data = ${if eq{$local_part}{save}{@T@/mail/saved}{${if eq{$local_part}{savedir}"
             "{@T@/mail/sdir/}{${if eq{$local_part}{savemd}{@T@/mail/smd}{@T@/mail/smode}}}}}}\n"
             "  file_transport = ${if eq{$local_part}{savemd}{address_maildir}{address_file}}\n"
             "  directory_transport = address_directory\n  user = nobody\n"),
    transports=(_t("address_file", "", "nobody").replace("t_address_file", "address_file") +
                _t("address_directory", "", "nobody").replace("t_address_directory", "address_directory") +
                _t("address_maildir", "  maildir_format\n", "nobody").replace("t_address_maildir",
                                                                              "address_maildir")),
    rcpts=["save@x", "savedir@x", "savemd@x"],
)

_WIRE_DATA = "From: a@b\r\nSubject: wire\r\n\r\nFrom me\r\n.dot\r\nend\r\n"
CASES["wireformat_spool"] = dict(
    main="spool_wireformat = true\nacl_smtp_rcpt = acc\nbegin acl\nacc:\n  accept\n",
    routers=_router(["wire", "wirecrlf", "wirebsmtp"]),
    transports=(_t("wire", "  file = @T@/mail/wire\n") +
                _t("wirecrlf", "  file = @T@/mail/wirecrlf\n  use_crlf\n") +
                _t("wirebsmtp", "  file = @T@/mail/wirebsmtp\n  use_bsmtp\n")),
    args=["-odi", "-bs"],
    message=("EHLO client.example\r\nMAIL FROM:<s@x.y>\r\nRCPT TO:<wire@x>\r\nRCPT TO:<wirecrlf@x>\r\n"
             "RCPT TO:<wirebsmtp@x>\r\n" + f"BDAT {len(_WIRE_DATA)} LAST\r\n" + _WIRE_DATA + "QUIT\r\n"),
)

CASES["quota_warning"] = dict(
    routers=_router(["qwarn", "qwarn2", "qwarnpct", "qwarnmd"]),
    transports=(_t("qwarn", "  file = @T@/mail/qwarn\n  quota = 2K\n  quota_warn_threshold = 25%\n") +
                _t("qwarn2", "  file = @T@/mail/qwarn2\n  quota_warn_threshold = 500\n"
                   "  quota_warn_message = To: qwarn2@x\\nSubject: full $local_part\\nX-Size: $quota\\n\\n"
                   "over\\n\n") +
                _t("qwarnpct", "  file = @T@/mail/qwarnpct\n  quota_warn_threshold = 10%\n") +
                _t("qwarnmd", "  directory = @T@/mail/qwarnmd\n  maildir_format\n  quota = 1K\n"
                   "  quota_warn_threshold = 200\n")),
    setup=[("write", "qwarn", "x" * 399 + "\n", "nobody", 0o600),
           ("write", "qwarn2", "x" * 399 + "\n", "nobody", 0o600)],
    rcpts=["qwarn@x", "qwarn2@x", "qwarnpct@x", "qwarnmd@x"],
)

CASES["lock_timeouts"] = dict(
    routers=_router(["fcntlwait", "flockwait", "flockfree"]),
    transports=(_t("fcntlwait", "  file = @T@/mail/fcntlwait\n  use_lockfile = false\n  lock_fcntl_timeout = 1s\n"
                   "  lock_retries = 1\n  lock_interval = 1s\n") +
                _t("flockwait", "  file = @T@/mail/flockwait\n  use_flock_lock\n  use_lockfile = false\n"
                   "  lock_flock_timeout = 1s\n  lock_retries = 1\n  lock_interval = 1s\n") +
                _t("flockfree", "  file = @T@/mail/flockfree\n  use_flock_lock\n")),
    setup=[("touch", "fcntlwait", "nobody", 0o600), ("lock", "fcntlwait"),
           ("touch", "flockwait", "nobody", 0o600), ("flock", "flockwait"),
           ("touch", "flockfree", "nobody", 0o600), ("lock", "flockfree")],
    rcpts=["fcntlwait@x", "flockwait@x", "flockfree@x"],
)

CASES["quota_variants"] = dict(
    routers=_router(["mds", "mdsover", "exclover", "exclok", "nocheck", "mbsize", "msquota", "falseold"]),
    transports=(_t("mds", "  directory = @T@/mail/mds\n  maildir_format\n  maildir_use_size_file\n"
                   "  quota = 10M\n  quota_filecount = 100\n") +
                _t("mdsover", "  directory = @T@/mail/mdsover\n  maildir_format\n  maildir_use_size_file\n"
                   "  quota = 1000\n") +
                _t("exclover", "  file = @T@/mail/exclover\n  quota = 300\n  quota_is_inclusive = false\n") +
                _t("exclok", "  file = @T@/mail/exclok\n  quota = 300\n  quota_is_inclusive = false\n") +
                _t("nocheck", "  file = @T@/mail/nocheck\n  quota = 100/no_check\n") +
                _t("mbsize", "  file = @T@/mail/mbsize\n  quota = 1M\n  mailbox_size = 1048000\n") +
                _t("msquota", "  directory = @T@/mail/ms\n  mailstore_format\n  quota = 100\n") +
                _t("falseold", "  file = @T@/mail/falseold\n  transport_filter = /bin/false\n")),
    setup=[("mkdir", "mds", "nobody"), ("mkdir", "mds/tmp", "nobody"), ("mkdir", "mds/new", "nobody"),
           ("mkdir", "mds/cur", "nobody"),
           ("write", "mds/maildirsize", "10485760S,100C\n500 2\n", "nobody", 0o600),
           ("mkdir", "mdsover", "nobody"), ("mkdir", "mdsover/tmp", "nobody"), ("mkdir", "mdsover/new", "nobody"),
           ("mkdir", "mdsover/cur", "nobody"),
           ("write", "mdsover/maildirsize", "1000S,0C\n900 3\n", "nobody", 0o600),
           ("write", "exclover", "x" * 399 + "\n", "nobody", 0o600),
           ("write", "exclok", "x" * 99 + "\n", "nobody", 0o600),
           ("write", "falseold", "From old\nkept\n\n", "nobody", 0o600)],
    rcpts=["mds@x", "mdsover@x", "exclover@x", "exclok@x", "nocheck@x", "mbsize@x", "msquota@x", "falseold@x"],
)

def _maildir(name, sizefile):
    return [("mkdir", name, "nobody"), ("mkdir", name + "/tmp", "nobody"), ("mkdir", name + "/new", "nobody"),
            ("mkdir", name + "/cur", "nobody"), ("write", name + "/cur/1.M1P1.h", "y" * 50, "nobody", 0o600),
            ("write", name + "/maildirsize", sizefile, "nobody", 0o600)]


CASES["maildirsize_updates"] = dict(
    routers=_router(["newquota", "negative", "junk"]),
    transports="".join(_t(n, f"  directory = @T@/mail/{n}\n  maildir_format\n  maildir_use_size_file\n"
                            "  quota = 10M\n") for n in ("newquota", "negative", "junk")),
    setup=(_maildir("newquota", "5000S,0C\n100 1\n") + _maildir("negative", "10485760S,0C\n900 3\n-300 -1\n") +
           _maildir("junk", "garbage\n")),
    rcpts=["newquota@x", "negative@x", "junk@x"],
)

CASES["bsmtp_batch"] = dict(
    routers=("r1:\n  driver = accept\n  local_part_prefix = pre-\n  local_part_prefix_optional\n"
             "  local_parts = b : c\n  transport = t_$local_part_data\n"),
    transports=(_t("b", "  file = @T@/mail/b\n  use_bsmtp\n  batch_max = 5\n"
                   "  message_prefix = HELO me\\n\n  use_crlf\n") +
                _t("c", "  file = @T@/mail/c\n  use_bsmtp\n  batch_max = 5\n  rcpt_include_affixes\n")),
    rcpts=["b@x", "pre-b@x", "c@x", "pre-c@x"],
    # exim4 logs "-> pre-c <pre-c@y>" under rcpt_include_affixes
)

# ---- new files in a directory ----------------------------------------------------
CASES["dir_forms"] = dict(
    routers=_router(["dir", "maildir", "mdsize", "mailstore", "bsmtp", "dquota", "filecount", "dirfile",
                     "folder", "rxquota"]),
    transports=(_t("dir", "  directory = @T@/mail/dir\n") +
                _t("maildir", "  directory = @T@/mail/maildir\n  maildir_format\n  maildir_tag = ,S=$message_size\n") +
                _t("mdsize", "  directory = @T@/mail/mdsize\n  maildir_format\n  maildir_use_size_file\n"
                   "  quota = 10M\n  quota_filecount = 100\n") +
                _t("mailstore", "  directory = @T@/mail/mailstore\n  mailstore_format\n"
                   "  mailstore_prefix = PFX\n  mailstore_suffix = SFX\n") +
                _t("bsmtp", "  file = @T@/mail/bsmtp\n  use_bsmtp\n") +
                _t("dquota", "  directory = @T@/mail/dquota\n  quota = 300\n") +
                _t("filecount", "  directory = @T@/mail/fc\n  quota = 1M\n  quota_filecount = 1\n") +
                _t("dirfile", "  directory = @T@/mail/df\n  directory_file = fixed\n") +
                _t("folder", "  directory = @T@/mail/md2/.sub\n  maildir_format\n"
                   "  maildirfolder_create_regex = /\\.[^/]+$\n  maildir_use_size_file\n  quota = 1M\n") +
                _t("rxquota", "  directory = @T@/mail/rx\n  maildir_format\n  quota = 500\n"
                   "  quota_size_regex = ,S=(\\d+)\n")),
    setup=[("mkdir", "dquota", "nobody"), ("write", "dquota/old", "x" * 400, "nobody", 0o600),
           ("mkdir", "fc", "nobody"), ("write", "fc/one", "x\n", "nobody", 0o600),
           ("mkdir", "md2", "nobody"), ("mkdir", "md2/cur", "nobody"),
           ("write", "md2/cur/1.M1P1.h,S=100", "x" * 10, "nobody", 0o600),
           ("mkdir", "rx", "nobody"), ("mkdir", "rx/cur", "nobody"),
           ("write", "rx/cur/1.M1P1.h,S=400", "x" * 10, "nobody", 0o600)],
    rcpts=["dir@x", "maildir@x", "mdsize@x", "mailstore@x", "bsmtp@x", "dquota@x", "filecount@x", "dirfile@x",
           "folder@x", "rxquota@x"],
)

# ---- the generic options of the message writer -----------------------------------
CASES["writer_options"] = dict(
    routers=_router(["false", "sleep", "upper", "hdr", "hdr2", "big", "ho", "bo", "rp"]),
    transports=(_t("false", "  transport_filter = /bin/false\n  file = @T@/mail/false\n") +
                _t("sleep", "  transport_filter = /bin/sleep 5\n  transport_filter_timeout = 1s\n"
                   "  file = @T@/mail/sleep\n") +
                _t("upper", "  transport_filter = /usr/bin/tr a-z A-Z\n  file = @T@/mail/upper\n") +
                _t("hdr", "  headers_remove = ${if\n  file = @T@/mail/hdr\n") +
                _t("hdr2", "  headers_add = ${if\n  file = @T@/mail/hdr2\n") +
                _t("big", "  message_size_limit = 10\n  file = @T@/mail/big\n") +
                _t("ho", "  headers_only\n  file = @T@/mail/ho\n") +
                _t("bo", "  body_only\n  file = @T@/mail/bo\n") +
                _t("rp", "  return_path = ${if\n  return_path_add\n  file = @T@/mail/rp\n")),
    rcpts=["false@x", "sleep@x", "upper@x", "hdr@x", "hdr2@x", "big@x", "ho@x", "bo@x", "rp@x"],
)


# ---- MBX format and MBX locking (SUPPORT_MBX) ------------------------------------
# Both need a /tmp every user may write to (the MBX lock file
# /tmp/.<dev>.<inode>, and the temporary copy that gives the message's size):
# these cases run in a private mount namespace with a fresh tmpfs of mode
# 1777 on /tmp ("tmpfs"), whatever the machine's /tmp is.
_MBX = "  mbx_format\n  message_prefix =\n  message_suffix =\n"
CASES["mbx_format"] = dict(
    tmpfs=True,
    routers=_router(["mbx", "mbxdflt", "mbxold", "mbxfcntl", "mbxflock", "mbxboth", "mbxcrlf"]),
    transports=(_t("mbx", "  file = @T@/mail/mbx\n" + _MBX) +
                _t("mbxdflt", "  file = @T@/mail/mbxdflt\n  mbx_format\n  return_path_add\n") +
                _t("mbxold", "  file = @T@/mail/mbxold\n" + _MBX) +
                _t("mbxfcntl", "  file = @T@/mail/mbxfcntl\n" + _MBX + "  use_fcntl_lock\n") +
                _t("mbxflock", "  file = @T@/mail/mbxflock\n" + _MBX + "  use_mbx_lock\n  use_flock_lock\n") +
                _t("mbxboth", "  file = @T@/mail/mbxboth\n" + _MBX + "  use_mbx_lock\n  use_fcntl_lock\n"
                   "  use_lockfile\n") +
                _t("mbxcrlf", "  file = @T@/mail/mbxcrlf\n" + _MBX + "  use_crlf\n")),
    setup=[("write", "mbxold", "*mbx*\r\n5f000000" + "00000001\r\n" + " " * (2048 - 25) + "\r\n" +
            " 1-Jan-2020 00:00:00 +0000,7;000000000001-00000001\r\nold\r\n\r\n", "nobody", 0o600)],
    rcpts=["mbx@x", "mbxdflt@x", "mbxold@x", "mbxfcntl@x", "mbxflock@x", "mbxboth@x", "mbxcrlf@x"],
    message="From: a@b\nSubject: hi\n\nFrom me\n\nline2\n.dot\n",
)

CASES["mbx_held"] = dict(
    # Another process holds the MBX lock file of mail/held (fcntl, as
    # c-client does): lock_retries tries, then a defer.
    tmpfs=True, mbx_held="held",
    routers=_router(["held"]),
    transports=_t("held", "  file = @T@/mail/held\n" + _MBX + "  lock_retries = 2\n  lock_interval = 0s\n"),
    setup=[("touch", "held", "nobody", 0o600)],
    rcpts=["held@x"],
)

CASES["mbx_notmp"] = dict(
    # /tmp as the machine has it: only meaningful where nobody cannot
    # write there (the test skips otherwise).
    notmp=True,
    routers=_router(["mbxlk", "mbxtf"]),
    transports=(_t("mbxlk", "  file = @T@/mail/mbxlk\n" + _MBX) +
                _t("mbxtf", "  file = @T@/mail/mbxtf\n" + _MBX + "  use_fcntl_lock\n")),
    rcpts=["mbxlk@x", "mbxtf@x"],
)


_HOLD = ("import fcntl,os,sys,time\n"
         "st=os.stat(sys.argv[1])\n"
         "f=open('/tmp/.%x.%x' % (st.st_dev, st.st_ino),'w')\n"
         "os.fchmod(f.fileno(),0o666)\n"
         "fcntl.lockf(f,fcntl.LOCK_EX)\n"
         "print('locked',flush=True)\n"
         "time.sleep(60)\n")


def tmpfs_command(cmd, paths, held=None):
    """cmd run in a private mount namespace whose /tmp is a fresh tmpfs of
    mode 1777, with `paths` (directories under /tmp) bound into it from
    the real /tmp.  held: a mailbox whose MBX lock file a process in there
    holds meanwhile.  Afterwards the hidden names left in the new /tmp are
    written to <paths[0]>/tmp-after."""
    stage = tempfile.mkdtemp(prefix="g2ns-", dir="/var/tmp")
    script = ['set -e', f'mount --bind /tmp {stage}', 'mount -t tmpfs -o mode=1777 tmpfs /tmp']
    for p in paths:
        rel = os.path.relpath(p, "/tmp")
        script += [f'mkdir -p {p}', f'mount --bind {stage}/{rel} {p}']
    if held:
        script += [f'{sys.executable} -c "$HOLD" {held} > {paths[0]}/held-ready &', 'holder=$!',
                   f'while ! grep -q locked {paths[0]}/held-ready; do sleep 0.05; done',
                   f'rm {paths[0]}/held-ready']
    script += ['set +e', '"$@"', 'rc=$?']
    if held:
        script += ['kill $holder', 'wait $holder', 'rm -f /tmp/.[!.]*']
    script += [f'ls -A /tmp > {paths[0]}/tmp-after', 'exit $rc']
    return ["unshare", "-m", "sh", "-c", "\n".join(script), "sh"] + list(cmd), stage


def tmp_after(tmp: Path):
    """The hidden names (MBX lock files /tmp/.<dev>.<inode>) a
    tmpfs_command run left in its /tmp; the listing file is removed."""
    f = tmp / "tmp-after"
    names = f.read_text().split()
    f.unlink()
    return sorted(norm_names(n, tmp) for n in names if n.startswith("."))


def tmp_writable_by_nobody():
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "test", "-w", "/tmp"])
    return r.returncode == 0


def run_case(exim_path, conf_path, tmp, case):
    """Run the binary on a case (directly or under tmpfs_command)."""
    cmd = [exim_path, "-C", str(conf_path)] + args_for(case)
    stage = None
    if case.get("tmpfs"):
        # the binary too when it lives under /tmp (a clone being checked)
        bindir = os.path.dirname(os.path.realpath(exim_path))
        extra = [bindir] if bindir.startswith("/tmp/") else []
        held = str(tmp.resolve() / "mail" / case["mbx_held"]) if case.get("mbx_held") else None
        cmd, stage = tmpfs_command(cmd, [str(tmp.resolve())] + extra, held)
    try:
        return subprocess.run(cmd, input=message_for(case), capture_output=True, text=True, errors="replace",
                              timeout=60, env=dict(os.environ, HOLD=_HOLD))
    finally:
        if stage:
            os.rmdir(stage)

# ---- running a case ---------------------------------------------------------------

def _ids(user):
    pw = pwd.getpwnam(user)
    return pw.pw_uid, pw.pw_gid


def prepare(tmp: Path, case):
    """Build spool/, mail/ and the setup; returns (conf text, lock holders)."""
    (tmp / "spool").mkdir(parents=True, exist_ok=True)
    mail = tmp / "mail"
    mail.mkdir(exist_ok=True)
    os.chmod(mail, 0o777)
    d = tmp.resolve()
    while d != d.parent and str(d).startswith("/tmp/"):
        os.chmod(d, os.stat(d).st_mode | 0o011)
        d = d.parent
    holders = []
    for op in case.get("setup", []):
        kind, name = op[0], mail / op[1]
        if kind == "touch":
            name.touch()
            os.chown(name, *_ids(op[2]))
            os.chmod(name, op[3])
        elif kind == "write":
            name.write_text(op[2])
            os.chown(name, *_ids(op[3]))
            os.chmod(name, op[4])
        elif kind == "mkdir":
            name.mkdir()
            os.chown(name, *_ids(op[2]))
        elif kind == "symlink":
            os.symlink(str(mail / op[1]), str(mail / op[2]))
            os.lchown(mail / op[2], *_ids(op[3]))
        elif kind == "fifo":
            os.mkfifo(name)
            os.chown(name, *_ids(op[2]))
        elif kind == "age":
            # mtime set back; the inode change time stays "now"
            t = time.time() - op[2]
            os.utime(name, (t, t))
        elif kind in ("lock", "flock"):
            # A child holds an fcntl (or flock) lock until killed.
            call = "fcntl.lockf(f,fcntl.LOCK_EX)" if kind == "lock" else "fcntl.flock(f,fcntl.LOCK_EX)"
            p = subprocess.Popen([sys.executable, "-c",
                                  "import fcntl,sys,time\nf=open(sys.argv[1],'a')\n" + call + "\n"
                                  "print('locked',flush=True)\ntime.sleep(60)", str(name)],
                                 stdout=subprocess.PIPE, text=True)
            p.stdout.readline()
            holders.append(p)
    conf = build_config(tmp, "never_users =\n" + case.get("main", ""), case["routers"], case["transports"])
    return conf, holders


def release(holders):
    for p in holders:
        p.kill()
        p.wait()


def args_for(case):
    if "args" in case:
        return case["args"]
    return ["-odi", "-f", case.get("sender", "s@x.y")] + case["rcpts"]


def message_for(case):
    return case.get("message", MSG)


_NAME_NORMALISERS = [
    (re.compile(r"\b\d{9,10}\.M\d+P\d+\.test\.example"), "MDNAME"),
    (re.compile(r"\bq[0-9A-Za-z]{6}-\d+\b"), "QNAME"),
    (re.compile(r"MSGID-[0-9A-Za-z]{6}"), "MSGID-PID"),
    (re.compile(r"\.lock\.test\.example\.[0-9a-f]{8}\.[0-9a-f]{8}"), ".lock.test.example.TIME.PID"),
    (re.compile(r"temp\.\d+\.test\.example"), "temp.PID.test.example"),
    (re.compile(r"\d+\.\d+_maildirsize\.test\.example"), "TIME.PID_maildirsize.test.example"),
    # MBX: the file header's UID validity (a time) and each message's
    # internal date; the lock file's device and inode numbers
    (re.compile(r"^\*mbx\*\r\n[0-9a-f]{8}", re.M), "*mbx*\r\nUIDVALID"),
    (re.compile(r"(?<![^\n\0])[ \d]\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d [-+]\d{4},"), "MBXDATE,"),
    (re.compile(r"/tmp/\.[0-9a-f]+\.[0-9a-f]+"), "/tmp/.DEV.INODE"),
]


def norm_names(text, tmp):
    text = normalise(text.replace(str(tmp), "@T@"))
    for rx, rep in _NAME_NORMALISERS:
        text = rx.sub(rep, text)
    return text


def delivery_lines(tmp: Path):
    """The first message's delivery lines ("=>", "->", "==", "**" with R=),
    normalised and sorted (the order of local deliveries may differ)."""
    raw = (tmp / "spool" / "log" / "mainlog").read_text()
    first = re.findall(r"^\S+ \S+ (\S+) <= ", raw, re.M)[0]
    out = []
    for line in raw.splitlines():
        if f" {first} " not in line or " R=" not in line:
            continue
        if not re.search(r" (=>|->|==|\*\*) ", line):
            continue
        out.append(re.sub(r"^YYYY-MM-DD HH:MM:SS ", "", norm_names(line, tmp)))
    return sorted(out)


def mail_tree(tmp: Path):
    """Every entry under mail/: {relative name: description}."""
    mail = tmp / "mail"
    out = {}
    for root, dirs, files in os.walk(mail):
        dirs.sort()
        for n in sorted(dirs + files):
            p = Path(root) / n
            st = os.lstat(p)
            owner = pwd.getpwuid(st.st_uid).pw_name + ":" + grp.getgrgid(st.st_gid).gr_name
            desc = f"{stat.filemode(st.st_mode)} {owner}"
            if stat.S_ISLNK(st.st_mode):
                desc += " -> " + norm_names(os.readlink(p), tmp)
            elif stat.S_ISREG(st.st_mode):
                desc += "\n" + normalise_mail(norm_names(p.read_bytes().decode("latin-1"), tmp))
            out[norm_names(str(p.relative_to(mail)), tmp)] = desc
    return out

