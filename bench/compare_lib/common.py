"""Paths, processes and /proc readings shared by bench/compare.py's scenarios."""
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import time
import urllib.request

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
BUILD = os.path.join(ROOT, "build-cmp")
LIVERELAY = os.path.join(BUILD, "server", "liverelay")
RTMP_LOAD = os.path.join(BUILD, "bench", "rtmp_load", "rtmp_load")
WHEP_LOAD = os.path.join(BUILD, "bench", "whep_load", "whep_load")
WS_LOAD = os.path.join(BUILD, "ws_load", "ws_load")
ANCHOR_DEPS = os.path.join(BUILD, "ws-anchor")
ANCHOR_SCRIPT = os.path.join(os.path.dirname(ROOT), "shared", "bench", "ws-fanout", "anchor-ws-server.js")
MEDIA_DIR = os.path.join(BUILD, "bench-media")
NGINX_RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"


def free_port():
    """A free port below the kernel's ephemeral range: the load generators' thousands of client
    sockets take ephemeral ports, and one of them could take a port picked with bind(0) before the
    server under test binds it."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral = int(f.read().split()[0])
    for _ in range(100):
        port = random.randrange(10000, ephemeral) if ephemeral > 11000 else 0
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def wait_for(probe, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout:g} s waiting for {what}")


def raise_fd_limit():
    """For this process and its children: 10,000 WebSockets and 1,000 wrk connections need it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpu_ns(pids):
    """On-CPU time of every thread of these processes, in ns (schedstat: no 10 ms tick, so a
    5 s window resolves a single stream's fraction of a percent)."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended
    return total


class CpuWindow:
    """Percent of one core used by `pids` between start() and stop()."""

    def __init__(self, pids):
        self.pids = list(pids)

    def start(self):
        self.before, self.started = cpu_ns(self.pids), time.monotonic()
        return self

    def stop(self):
        elapsed = time.monotonic() - self.started
        return 100.0 * (cpu_ns(self.pids) - self.before) / 1e9 / elapsed


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (FileNotFoundError, StopIteration):
            pass
    return total


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def get_json(url):
    try:
        return json.loads(get(url))
    except (OSError, ValueError):
        return None


def stop(process, sig=signal.SIGTERM, timeout=10):
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def last_json(text, what):
    lines = [line for line in text.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{what} printed no JSON: {text[-1500:]}")
    return json.loads(lines[-1])


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
