#!/usr/bin/python3
"""Record exim4 -be results of ${address:}, ${domain:}, ${local_part:} and
${addresses:} for pseudo-random arguments built from address tokens
(quotes, comments, brackets, routes, groups, separators, 8-bit bytes),
into be_random.json: a list of {"in": expansion, "out": result line}.
test/black/test_address.py runs them all through one build/exim -be.

exim4 keeps group state from one ${addresses:} to the next within a
process, so each ${addresses:} case is recorded in a process of its own;
the other operators are recorded in one -be run reading stdin.

Run as root: ./record_be_random.py  (needs exim4; tests never do).
"""
import json
import os
import random
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONF = "primary_hostname = test.example\nqualify_domain = example.org\n"
TOKENS = ['a', 'b', 'x.y', '@', '@', '.', '<', '>', '(', ')', '"', ',', ';', ':', '[', ']',
          ' ', '\\', '1.2.3.4', '-', '\xe9', 'q', '<a@b>', '(c)', '"q s"', '@r:', '\t',
          'a@b', 'c@d.e', ', ', 'g: ', 'Joe ', '<x@[1.2.3.4]>', 'p@q', '<@', '>>']
OPS = ['address', 'domain', 'local_part', 'addresses']
COUNT = 1500


def cases():
    rnd = random.Random(4096)
    out = []
    def tok(n):
        return ''.join(rnd.choice(TOKENS) for _ in range(n))
    for i in range(COUNT):
        if i % 2:
            s = tok(rnd.randint(1, 9))
        else:
            # mostly well-formed: [phrase] <local@domain> or local@domain, with
            # one random token dropped in somewhere, sometimes as a list
            items = []
            for _ in range(rnd.randint(1, 3)):
                lp = rnd.choice(['a', 'x.y', '"q s"', 'a.b.c', '\xe9', 'a+b'])
                dom = rnd.choice(['b', 'c.d', '[1.2.3.4]', 'e-f.g', 'B.C'])
                a = rnd.choice(['%s@%s', '<%s@%s>', 'Joe <%s@%s>', '%s@%s (c)',
                                '"J, K" <%s@%s>', '<@r:%s@%s>']) % (lp, dom)
                k = rnd.randint(0, len(a))
                if rnd.random() < 0.5:
                    a = a[:k] + rnd.choice(TOKENS) + a[k:]
                items.append(a)
            s = rnd.choice([', ', ',', ' , ']).join(items)
            if rnd.random() < 0.2:
                s = 'grp: ' + s + rnd.choice([';', '', '; x@y'])
        esc = ''.join('\\' + c if c in '\\${}' else c for c in s)
        out.append('${%s:%s}' % (rnd.choice(OPS), esc))
    return out


def main():
    lines = cases()
    single = [l for l in lines if l.startswith('${addresses')]
    batch = [l for l in lines if not l.startswith('${addresses')]
    res = {}
    with tempfile.TemporaryDirectory() as d:
        conf = Path(d) / "conf"
        conf.write_text(CONF)
        os.chmod(conf, 0o644)
        p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be"],
                           input=("\n".join(batch) + "\n").encode("latin-1"), capture_output=True)
        outs = p.stdout.decode("latin-1").split("\n")
        for l, o in zip(batch, outs):
            res[l] = o[2:] if o.startswith("> ") else o
        for l in single:
            p = subprocess.run(["/usr/sbin/exim4", "-C", str(conf), "-be", l.encode("latin-1")],
                               capture_output=True, stdin=subprocess.DEVNULL)
            res[l] = p.stdout.decode("latin-1").rstrip("\n")
    data = [{"in": l, "out": res[l]} for l in lines]
    HERE.joinpath("be_random.json").write_text(json.dumps(data, indent=0) + "\n")


if __name__ == "__main__":
    main()
