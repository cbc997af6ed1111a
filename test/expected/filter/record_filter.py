#!/usr/bin/python3
"""Record exim4 -bf/-bF outputs for the cases in cases.txt into cases.json.

Run as root (exim4 wants a root-owned configuration, and the envelope
defaults to the caller: root@test.ex).  Each case in cases.txt:

    ### name
    args: -v -f a@b.c          (optional: extra command line arguments)
    mode: bf | bF | bFbf       (optional, default bf)
    msg: basic                 (optional: a file under msgs/, default basic)
    <filter text>
    --- user                   (mode bFbf only: the user filter follows)
    <filter text>
"""
import json, os, shlex, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_cases(path):
    cases, cur = [], None
    for line in open(path, encoding='utf-8'):
        if line.startswith('### '):
            cur = {'name': line[4:].strip(), 'args': [], 'mode': 'bf', 'msg': 'basic',
                   'filter': '', 'user': None}
            cases.append(cur)
            continue
        if cur is None:
            continue
        if not cur['filter'] and line.startswith('args: '):
            cur['args'] = shlex.split(line[6:])
        elif not cur['filter'] and line.startswith('mode: '):
            cur['mode'] = line[6:].strip()
        elif not cur['filter'] and line.startswith('msg: '):
            cur['msg'] = line[5:].strip()
        elif line.rstrip('\n') == '--- user':
            cur['user'] = ''
        elif cur['user'] is not None:
            cur['user'] += line
        else:
            cur['filter'] += line
    return cases


def run(exim, conf, case, tmp):
    """Run one case; returns (stdout, stderr, rc) with the file names
    replaced by FILTER / USERFILTER."""
    f = os.path.join(tmp, 'filter')
    with open(f, 'w', encoding='utf-8') as fh:
        fh.write(case['filter'])
    argv = [exim, '-C', conf]
    if case['mode'] == 'bF':
        argv += ['-bF', f]
    elif case['mode'] == 'bFbf':
        u = os.path.join(tmp, 'userfilter')
        with open(u, 'w', encoding='utf-8') as fh:
            fh.write(case['user'] or '')
        argv += ['-bF', f, '-bf', u]
    else:
        argv += ['-bf', f]
    argv += case['args']
    with open(os.path.join(HERE, 'msgs', case['msg']), 'rb') as m:
        p = subprocess.run(argv, stdin=m, capture_output=True, timeout=30)
    out = p.stdout.decode('latin-1').replace(os.path.join(tmp, 'userfilter'), 'USERFILTER')
    out = out.replace(f, 'FILTER')
    err = p.stderr.decode('latin-1').replace(f, 'FILTER')
    return out, err, p.returncode


def main():
    exim = sys.argv[1] if len(sys.argv) > 1 else '/usr/sbin/exim4'
    tmp = tempfile.mkdtemp()
    try:
        conf = os.path.join(tmp, 'exim.conf')
        shutil.copy(os.path.join(HERE, 'exim.conf'), conf)
        os.chmod(conf, 0o644)
        result = {}
        for case in parse_cases(os.path.join(HERE, 'cases.txt')):
            out, err, rc = run(exim, conf, case, tmp)
            # exim4 (Debian) prints a stray "read_message_body N" debug line under -v
            err = ''.join(l for l in err.splitlines(True) if not l.startswith('read_message_body'))
            result[case['name']] = {'args': case['args'], 'mode': case['mode'], 'msg': case['msg'],
                                    'filter': case['filter'], 'user': case['user'],
                                    'stdout': out, 'stderr': err, 'rc': rc}
        with open(os.path.join(HERE, 'cases.json'), 'w', encoding='utf-8') as fh:
            json.dump(result, fh, indent=1, sort_keys=True)
            fh.write('\n')
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
