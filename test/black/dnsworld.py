"""A DNS world of the test's own: a network namespace whose resolv.conf
points at an nsd serving the test's zones on 127.0.0.1 inside it.

    with DnsWorld({"example.test": ZONE_TEXT}, addresses=["192.0.2.25"]) as w:
        r = w.run([EXIM, "-C", conf, "-bt", "a@example.test"])

Zone texts are ordinary master-file text; "$ORIGIN" and a default SOA/NS
are added when the text has no SOA.  `addresses` are put on the
namespace's lo so receiving "remote" MTAs can bind them.  Needs root
(ip netns); the fixture `dnsworld` skips the test otherwise.  The
namespace and /etc/netns/<name> are removed on exit, even on failure.
"""
import itertools
import os
import shutil
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

NSD = shutil.which("nsd") or "/usr/sbin/nsd"
_counter = itertools.count()

DEFAULT_HEAD = """$TTL 3600
@ IN SOA ns.{zone}. hostmaster.{zone}. 1 3600 600 86400 60
@ IN NS ns.{zone}.
ns IN A 127.0.0.1
"""


ROOT_HEAD = """$TTL 3600
@ IN SOA ns.root-servers.test. hostmaster.root-servers.test. 1 3600 600 86400 60
@ IN NS ns.root-servers.test.
"""


_AVAILABLE = None


def available():
    """Root, nsd, ip(8), and the kernel lets us make a network namespace
    (probed once per process: a container without CAP_SYS_ADMIN cannot)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        _AVAILABLE = os.geteuid() == 0 and os.path.exists(NSD) and shutil.which("ip") is not None
        if _AVAILABLE:
            probe = f"mtaprobe{os.getpid()}"
            _AVAILABLE = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
            subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return _AVAILABLE


def _query_packet(name, qtype=1):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"
    return struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", qtype, 1)


class DnsWorld:
    def __init__(self, zones, addresses=(), root=True, search=None):
        self.zones = zones
        self.root = root
        self.search = search  # resolv.conf "search" list (qualify_single, search_parents)
        self.addresses = list(addresses)
        self.name = f"mtat{os.getpid()}x{next(_counter)}"
        self.dir = Path(tempfile.mkdtemp(prefix="dnsworld-"))
        self.proc = None

    def _ip(self, *args, check=True):
        return subprocess.run(["ip", "netns", "exec", self.name] + list(args),
                              capture_output=True, text=True, check=check)

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self):
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self._ip("ip", "link", "set", "lo", "up")
        for a in self.addresses:
            plen = 128 if ":" in a else 32
            self._ip("ip", "addr", "add", f"{a}/{plen}", "dev", "lo")
        etc = Path("/etc/netns") / self.name
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "resolv.conf").write_text("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n" +
                                         (f"search {self.search}\n" if self.search else ""))
        conf = [
            "server:",
            f'  zonesdir: "{self.dir}"',
            '  database: ""',
            '  username: ""',
            f'  pidfile: "{self.dir}/nsd.pid"',
            f'  xfrdfile: "{self.dir}/xfrd.state"',
            f'  zonelistfile: "{self.dir}/zone.list"',
            f'  logfile: "{self.dir}/nsd.log"',
            "  ip-address: 127.0.0.1",
            "  port: 53",
            "  server-count: 1",
            "  verbosity: 1",
            "remote-control:",
            "  control-enable: no",
        ]
        zones = dict(self.zones)
        # A root zone of our own: names in no test zone get an authoritative
        # NXDOMAIN, as from a real recursive resolver, not REFUSED.
        # root=False leaves them REFUSED, which the resolver reports as a
        # temporary error (TRY_AGAIN): the way to test DNS_AGAIN.
        if self.root:
            zones.setdefault(".", "")
        for zone, text in zones.items():
            zone = zone.rstrip(".")
            file = f"{zone or 'root'}.zone"
            head = DEFAULT_HEAD.format(zone=zone).replace("..", ".") if zone else ROOT_HEAD
            body = text if " SOA " in text else head + text
            (self.dir / file).write_text(f"$ORIGIN {zone}.\n" + body)
            conf += ["zone:", f"  name: {zone or '.'}", f"  zonefile: {file}"]
        (self.dir / "nsd.conf").write_text("\n".join(conf) + "\n")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.name, NSD, "-d", "-c",
                                      str(self.dir / "nsd.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self):
        """Poll nsd with a query from inside the namespace (bounded)."""
        zone = next(iter(self.zones), "localhost").rstrip(".")
        probe = ("import socket,sys\n"
                 "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(0.2)\n"
                 "s.sendto(bytes.fromhex(sys.argv[1]),('127.0.0.1',53))\n"
                 "s.recv(512)\n")
        pkt = _query_packet(zone, 6).hex()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.dir / "nsd.log"
                raise RuntimeError("nsd exited: " + self.proc.stderr.read().decode(errors="replace") +
                                   (log.read_text(errors="replace") if log.exists() else ""))
            r = self._ip("/usr/bin/python3", "-c", probe, pkt, check=False)
            if r.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("nsd did not answer within 10s")

    def prefix(self):
        """The argv prefix that runs a command inside the world."""
        return ["ip", "netns", "exec", self.name]

    def run(self, argv, input=None, timeout=30, env=None):
        e = dict(os.environ)
        if env:
            e.update(env)
        return subprocess.run(self.prefix() + list(argv), input=input, capture_output=True,
                              text=True, timeout=timeout, env=e, errors="replace")

    def popen(self, argv, **kw):
        return subprocess.Popen(self.prefix() + list(argv), **kw)

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        shutil.rmtree(Path("/etc/netns") / self.name, ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def dnsworld():
    """Factory: dnsworld(zones, addresses=...) -> a started DnsWorld, closed after the test."""
    if not available():
        pytest.skip("needs root, nsd and ip netns")
    worlds = []

    def make(zones, addresses=(), root=True, search=None):
        w = DnsWorld(zones, addresses, root, search)
        w.__enter__()
        worlds.append(w)
        return w

    yield make
    for w in worlds:
        w.close()


@pytest.fixture(scope="module")
def no_dns():
    """The argv prefix of a world with only the root zone (every name is
    NXDOMAIN), shared by a test module, so that commands which may look a
    name up never reach the host's resolver; [] when worlds cannot be made
    (not root, no nsd)."""
    if not available():
        yield []
        return
    with DnsWorld({}) as w:
        yield w.prefix()
