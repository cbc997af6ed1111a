"""Run one configuration-reader case (see readconf_cases.py) with a given
binary: write the configuration and its included files into a fresh
directory that any user can read, run `BINARY -C conf ARGS` (as `user` when
given), and return the outputs normalised with normalise_case()."""
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from readconf_cases import normalise_case


@dataclass
class CaseResult:
    rc: int
    out: str
    err: str


def run_case(binary, conf, files, args, user=None, mode=0o644, env=None, c_arg=None, owner=None):
    """c_arg: the -C argument ("@DIR@" for the directory), default the
    written file; owner: (uid, gid) for the configuration file."""
    d = Path(tempfile.mkdtemp(prefix="readconf-", dir="/tmp"))
    try:
        d.chmod(0o755)
        for rel, text in files.items():
            p = d / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.parent.chmod(0o755)
            p.write_text(text.replace("@DIR@", str(d)))
            p.chmod(0o644)
        cp = d / "exim.conf"
        cp.write_text(conf.replace("@DIR@", str(d)))
        cp.chmod(mode)
        if owner:
            os.chown(cp, *owner)
        c = c_arg.replace("@DIR@", str(d)) if c_arg is not None else str(cp)
        e = dict(os.environ)
        if env:
            e.update(env)
        p = subprocess.run([binary, "-C", c] + list(args), capture_output=True, text=True,
                           errors="replace", timeout=60, user=user, env=e, cwd=str(d))
        return CaseResult(p.returncode, normalise_case(p.stdout, str(d)), normalise_case(p.stderr, str(d)))
    finally:
        shutil.rmtree(d, ignore_errors=True)
