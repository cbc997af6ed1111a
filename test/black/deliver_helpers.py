"""Shared helpers for delivery tests (owned by the delivery layer; others
may add functions at the end).

A DeliverEnv is one test's world in a directory of its own (env.tmp, under
/tmp, reachable by nobody, removed with the object): spool/
(spool_directory, log files in spool/log/), mail/ (mode 0777, so transports
running as nobody can write there), and a configuration built from router
and transport sections with @T@ standing for env.tmp.

  env = DeliverEnv(exim, tmp_path)
  env.config(routers=..., transports=..., main="extra main options")
  r = env.send(["a@test.example"], body="Subject: x\\n\\nbody\\n", args=["-odi"])
  env.mainlog()            -> normalised lines (ids -> MSGID, times -> stamp)
  env.msglog(msgid)        -> normalised msglog lines (msglog/ or msglog.OLD/)
  env.queue_ids()          -> ids with a -H file in spool/input
  env.mbox("a")            -> text of mail/a
  env.message_ids()        -> ids in the order of their "<=" lines

The base configuration matches the one the recordings under
test/expected/deliver/ were made with (record.sh there).
"""
import os
import re
import shutil
import tempfile
import time
import weakref
from pathlib import Path

from conftest import normalise

BASE_MAIN = """\
keep_environment =
spool_directory = @T@/spool
log_file_path = @T@/spool/log/%slog
primary_hostname = test.example
qualify_domain = test.example
exim_user = root
exim_group = root
"""

SIMPLE_ROUTERS = """\
local:
  driver = accept
  local_parts = a : b : c
  transport = t_mbox
"""

SIMPLE_TRANSPORTS = """\
t_mbox:
  driver = appendfile
  file = @T@/mail/$local_part_data
  user = nobody
"""


def build_config(tmp, main="", routers=SIMPLE_ROUTERS, transports=SIMPLE_TRANSPORTS, retry=None):
    text = BASE_MAIN + main + "begin routers\n" + routers + "begin transports\n" + transports
    if retry is not None:
        text += "begin retry\n" + retry
    return text.replace("@T@", str(tmp))


_MAIL_NORMALISERS = [
    (re.compile(r"^From (\S+) \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$", re.M), r"From \1 DATE"),
    (re.compile(r"<E[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@"), "<EMSGID@"),
    (re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [-+]\d{4}"), "RFCDATE"),
    (re.compile(r"\d+-eximdsn-\d+"), "BOUNDARY"),   # a report's MIME boundary (time, pid)
]


def normalise_mail(text):
    """A mailbox's text with dates and message ids replaced."""
    text = normalise(text)
    for rx, rep in _MAIL_NORMALISERS:
        text = rx.sub(rep, text)
    return text


class DeliverEnv:
    def __init__(self, exim, tmp: Path):
        self.exim = exim
        # transports running as nobody must reach mail/: pytest's own
        # directories are 0700 (and a pytest session starting elsewhere
        # resets them), so the world lives in a directory of its own,
        # removed with this object
        self.tmp = Path(tempfile.mkdtemp(prefix="deliver-", dir="/tmp"))
        os.chmod(self.tmp, 0o711)
        weakref.finalize(self, shutil.rmtree, str(self.tmp), True)
        self.spool = self.tmp / "spool"
        self.mail = self.tmp / "mail"
        self.spool.mkdir()
        self.mail.mkdir()
        os.chmod(self.mail, 0o777)
        self.conf = None
        self.config()

    def config(self, main="", routers=SIMPLE_ROUTERS, transports=SIMPLE_TRANSPORTS, retry=None):
        self.conf = build_config(self.tmp, main, routers, transports, retry)
        return self.conf

    def run(self, args, input=None):
        return self.exim(list(args), conf=self.conf, input=input)

    def send(self, recipients, body="Subject: hi\n\nbody\n", args=("-odi",)):
        return self.run(list(args) + list(recipients), input=body)

    def mainlog_raw(self):
        p = self.spool / "log" / "mainlog"
        return p.read_text() if p.exists() else ""

    def mainlog(self):
        """Lines without their timestamps, this test's directory as @T@."""
        text = self.mainlog_raw().replace(str(self.tmp), "@T@")
        return [re.sub(r"^YYYY-MM-DD HH:MM:SS ", "", x) for x in normalise(text).splitlines()]

    def message_ids(self):
        return re.findall(r"^\S+ \S+ (\S+) <= ", self.mainlog_raw(), re.M)

    def msglog(self, msgid, queue=""):
        for d in ("msglog", "msglog.OLD"):
            p = self.spool / queue / d / msgid
            if p.exists():
                text = p.read_text().replace(str(self.tmp), "@T@")
                return [re.sub(r"^YYYY-MM-DD HH:MM:SS ", "", x) for x in normalise(text).splitlines()]
        return None

    def input_dir(self, queue=""):
        return self.spool / queue / "input"

    def queue_ids(self):
        d = self.input_dir()
        if not d.exists():
            return []
        return sorted(f.name[:-2] for f in d.iterdir() if f.name.endswith("-H"))

    def spool_files(self):
        d = self.input_dir()
        return sorted(f.name for f in d.iterdir()) if d.exists() else []

    def mbox(self, name):
        p = self.mail / name
        return p.read_text() if p.exists() else None

    def mailboxes(self):
        """{name: normalised text} of every file in mail/."""
        return {f.name: normalise_mail(f.read_text()) for f in sorted(self.mail.iterdir()) if f.is_file()}

    def settle(self, timeout=10.0):
        """Bounded wait until every message received has completed or been
        frozen (deliveries running in the background)."""
        end = time.time() + timeout
        while time.time() < end:
            raw = self.mainlog_raw()
            ids = self.message_ids()
            if all(re.search(r"^\S+ \S+ %s (Completed|Frozen)" % re.escape(i), raw, re.M) for i in ids):
                return True
            time.sleep(0.02)
        return False

    def wait_for_log(self, pattern, timeout=10.0):
        """Bounded wait until a mainlog line matches (background deliveries)."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while time.time() < end:
            if any(rx.search(x) for x in self.mainlog()):
                return True
            time.sleep(0.02)
        return False


def header_envelope_tail(text):
    """The non-recipients tree and recipients of a -H file's text (the
    lines after the '-' options, up to the blank line before the
    headers), and the option names present (values vary)."""
    lines = text.split("\n")
    opts = [x.split(" ")[0] for x in lines[4:] if x.startswith("-")]
    i = 4
    while i < len(lines) and lines[i].startswith("-"):
        i += 1
    j = lines.index("", i)
    return dict(options=opts, tail=lines[i:j])


def set_creator(input_dir, creator):
    """Give every queued message another creator: line 2 of its -H
    ("login uid gid"), for pipe_as_creator.  Returns the ids."""
    ids = []
    for h in sorted(Path(input_dir).glob("*-H")):
        lines = h.read_text().split("\n")
        lines[1] = creator
        h.write_text("\n".join(lines))
        ids.append(h.name[:-2])
    return ids
