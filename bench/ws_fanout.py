#!/usr/bin/env python3
"""WebSocket fan-out benchmark: liverelay's comments endpoint (/live/<name>/ws) against the
anchor, a plain Node.js `ws` server with the same JSON contract
(../shared/bench/ws-fanout/anchor-ws-server.js), alternately A B A B in one run, each on a fresh
process. The load comes from bench/ws_load (C++, libuv, one loop): idle viewers plus comment
senders whose texts carry their send time, so every viewer measures delivery latency.

  flood    deliveries per second to 5,000 viewers: 500 senders (1 comment/s each at most, under
           liverelay's per-socket limit) send as fast as the deliveries come back
  latency  p99 delivery latency at 10,000 viewers, 10 comments/s from 10 senders for 10 s, and
           whether any delivery was lost
  memory   server RSS growth per idle viewer at 10,000 viewers

After the latency scenario, the kernel's floor for it: bench/ws_load/fanout_floor writes to as
many loopback connections at the same rate with no server logic at all (one writer thread, then
two) and reads them as ws_load does; no server on the machine can deliver faster.

    bench/ws_fanout.py [--quick] [--rounds 2] [--liverelay build/server/liverelay]

Builds ws_load (cmake -S bench/ws_load -B build-bench) and installs the anchor's npm package in
build-bench/ws-anchor when they are missing. The server and ws_load share the machine's cores:
nothing is pinned, and the server's CPU time (/proc/PID/stat) is reported per scenario.
Everything listens on 127.0.0.1 only; every child process is stopped at the end.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_cpu import ROOT, free_port, wait_for  # noqa: E402

BUILD = os.path.join(ROOT, "build-bench")
WS_LOAD = os.path.join(BUILD, "ws_load")
FANOUT_FLOOR = os.path.join(BUILD, "fanout_floor")
ANCHOR_DIR = os.path.join(os.path.dirname(ROOT), "shared", "bench", "ws-fanout")
ANCHOR_DEPS = os.path.join(BUILD, "ws-anchor")
# Seconds to wait for deliveries after sending stops: a server that falls behind gets to empty
# its queues, so what is still missing at the end is lost, not late.
DRAIN_TIMEOUT = 60


def raise_fd_limit():
    """Children inherit it: node holds every viewer's socket, ws_load the other end."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def build_ws_load():
    if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", os.path.join(ROOT, "bench", "ws_load"), "-B", BUILD,
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", BUILD, "-j2", "--target", "ws_load", "fanout_floor"], check=True,
                   stdout=subprocess.DEVNULL)


def install_anchor_deps(anchor_dir):
    """The anchor's pinned `ws`, installed beside our build, never into shared/."""
    modules = os.path.join(ANCHOR_DEPS, "node_modules")
    if not os.path.isdir(os.path.join(modules, "ws")):
        os.makedirs(ANCHOR_DEPS, exist_ok=True)
        shutil.copy(os.path.join(anchor_dir, "package.json"), ANCHOR_DEPS)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", ANCHOR_DEPS], check=True,
                       stdout=subprocess.DEVNULL)
    return modules


def default_liverelay():
    for path in (os.path.join(ROOT, "build", "server", "liverelay"), os.path.join(ROOT, "build", "liverelay")):
        if os.path.exists(path):
            return path
    return os.path.join(ROOT, "build", "server", "liverelay")


def accepts(port):
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def room_works(port, path):
    """True when path upgrades to a WebSocket and the first message is the room's history
    (DESIGN.md, "WebSocket messages"): a bare 101 is not enough, libwebsockets gives one on any path."""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(request.encode())
            received = b""

            def first_frame():
                """The first frame's start (header + up to 64 bytes of payload), once it is all here."""
                if b"\r\n\r\n" not in received:
                    return None
                frames = received.split(b"\r\n\r\n", 1)[1]
                if len(frames) < 2:
                    return None
                length = frames[1] & 0x7F
                header = 2 + {126: 2, 127: 8}.get(length, 0)
                wanted = header + (64 if length >= 126 else length)
                return frames[:wanted] if len(frames) >= wanted else None

            while first_frame() is None:
                chunk = s.recv(65536)
                if not chunk:
                    return False
                received += chunk
            # The history is a text frame (0x81) whose payload names its type.
            frame = first_frame()
            return received.startswith(b"HTTP/1.1 101") and frame[0] == 0x81 and b'"history"' in frame
    except OSError:
        return False


class Anchor:
    name = "anchor"

    def __init__(self, script, modules):
        self.script, self.modules = script, modules

    def start(self, workdir):
        self.port = free_port()
        env = dict(os.environ, NODE_PATH=self.modules)
        self.process = subprocess.Popen(["node", self.script, str(self.port), "127.0.0.1"], env=env,
                                        stdout=subprocess.DEVNULL)
        wait_for(lambda: accepts(self.port), 10, "the anchor")
        return self.process.pid

    def stop(self):
        stop(self.process)


class LiveRelay:
    name = "liverelay"

    def __init__(self, binary):
        self.binary = binary

    def start(self, workdir):
        self.port, rtmp = free_port(), free_port()
        # Every load-generator socket comes from 127.0.0.1: lift the per-address and total limits.
        config = os.path.join(workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write("[room]\nmax_connections_per_address = 1000000\n"
                    "[limits]\nmax_connections = 1000000\nmax_connections_per_address = 1000000\n")
        self.process = subprocess.Popen(
            [self.binary, "--http", f"127.0.0.1:{self.port}", "--rtmp", f"127.0.0.1:{rtmp}", "--webrtc", "127.0.0.1:0",
             "--data-dir", os.path.join(workdir, "data"), "--log-level", "warn", "--config", config])
        wait_for(lambda: accepts(self.port), 10, "liverelay")
        return self.process.pid

    def stop(self):
        stop(self.process)


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def scenarios(args):
    """name -> ws_load arguments."""
    s = args.seconds
    return {
        "flood": ["--viewers", str(args.flood_viewers), "--senders", str(args.flood_senders), "--flood",
                  "--sender-cap", str(args.sender_cap), "--duration", str(s)],
        "latency": ["--viewers", str(args.latency_viewers), "--senders", "10", "--rate", "10",
                    "--duration", str(s)],
        "memory": ["--viewers", str(args.memory_viewers), "--senders", "0", "--duration", "0"],
    }


def measure(server, scenario, load_args, args, room):
    workdir = tempfile.mkdtemp(prefix="liverelay-ws-")
    try:
        pid = server.start(workdir)
        command = [WS_LOAD, "--url", f"ws://127.0.0.1:{server.port}/live/{room}/ws", "--server-pid", str(pid),
                   "--connect-rate", str(args.connect_rate), "--threads", str(args.load_threads),
                   "--drain-timeout", str(DRAIN_TIMEOUT), "--json"] + load_args
        out = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if out.returncode != 0 and not out.stdout.strip():
            raise RuntimeError(f"{server.name} {scenario}: ws_load failed: {out.stderr.strip()}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} {scenario}: the server exited ({server.process.returncode})")
        return result
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def figures(scenario, r):
    """The figures of one run that go in the table."""
    server = r["server"]
    cpu, busy = server["cpu_send_s"], r["send_seconds"] + r["drain_seconds"]
    cpu_share = 100 * cpu / busy if cpu is not None and busy else None
    total_cpu = (server["cpu_connect_s"] or 0) + (cpu or 0) if server["cpu_connect_s"] is not None else None
    tail = {"connect failures + drops": r["connect_failures"] + r["disconnected"],
            "server CPU, whole scenario (s)": total_cpu}
    if scenario == "flood":
        return {"deliveries/s": r["deliveries_per_s"],
                "comments/s": r["comments_sent"] / r["send_seconds"] if r["send_seconds"] else None,
                "lost deliveries": r["deliveries_lost"], "comments refused": r["comments_refused"],
                "server CPU while sending (% of a core)": cpu_share,
                "ws_load CPU while sending (% of a core)": 100 * r["load_cpu_send_s"] / busy if busy else None,
                **tail}
    if scenario == "latency":
        return {"latency p50 (ms)": r["latency_ms"]["p50"], "latency p99 (ms)": r["latency_ms"]["p99"],
                "latency max (ms)": r["latency_ms"]["max"], "deliveries expected": r["deliveries_expected"],
                "lost deliveries": r["deliveries_lost"], "comments refused": r["comments_refused"],
                "drain after sending stopped (s)": r["drain_seconds"],
                "server CPU while sending (% of a core)": cpu_share, **tail}
    per = server["rss_per_connection_bytes"]
    return {"RSS per idle viewer (KiB)": per / 1024 if per is not None else None,
            "RSS after connecting (MiB)": server["rss_after_kib"] / 1024 if server["rss_after_kib"] else None,
            **tail}


def kernel_floor(args):
    """The latency scenario with no server at all: fanout_floor writes one small message to each of
    as many loopback connections at the same rate, from one thread and from two, and reads them
    back as ws_load does. No server on this machine can deliver faster than this."""
    rows = []
    for writers in (1, 2):
        runs = []
        for _ in range(args.rounds):
            out = subprocess.run([FANOUT_FLOOR, "--connections", str(args.latency_viewers), "--rate", "10",
                                  "--duration", str(args.seconds), "--writers", str(writers)],
                                 capture_output=True, text=True, timeout=600, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        rows.append((writers, {
            "latency p50 (ms)": statistics.median(r["latency_ms"]["p50"] for r in runs),
            "latency p99 (ms)": statistics.median(r["latency_ms"]["p99"] for r in runs),
            "writer CPU per delivery (us)": statistics.median(r["writer_cpu_us_per_delivery"] for r in runs),
            "reader CPU per delivery (us)": statistics.median(r["reader_cpu_us_per_delivery"] for r in runs),
            "lost deliveries": statistics.median(r["expected"] - r["received"] for r in runs)}))
    print(f"kernel floor (fanout_floor, no server): {args.latency_viewers} loopback connections, one "
          f"120-byte message to each 10 times a second, medians of {args.rounds} round(s)")
    print("| writer threads | " + " | ".join(rows[0][1].keys()) + " |")
    print("| ---: |" + " ---: |" * len(rows[0][1]))
    for writers, figures_of in rows:
        print(f"| {writers} | " + " | ".join(cell(v) for v in figures_of.values()) + " |", flush=True)


def cell(value):
    if value is None:
        return "n/a"
    if value == int(value) or abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) >= 1 else f"{value:.3f}"


def print_table(args, results, servers):
    """results[scenario][server] = list of figure dicts, one per round."""
    names = [s.name for s in servers]
    print(f"WebSocket fan-out, medians of {args.rounds} round(s), {args.seconds:g} s of sending, "
          f"ws_load {args.load_threads} loop(s), {os.cpu_count()} cores shared with the server")
    print(f"flood: {args.flood_viewers} viewers + {args.flood_senders} senders "
          f"({args.sender_cap:g} comment/s each at most); latency: {args.latency_viewers} viewers + 10 senders "
          f"at 10 comments/s; memory: {args.memory_viewers} idle viewers")
    ratio = "liverelay" in names and "anchor" in names
    print("| scenario | figure | " + " | ".join(names) + (" | liverelay / anchor |" if ratio else " |"))
    print("| --- | --- |" + " ---: |" * (len(names) + (1 if ratio else 0)))
    for scenario, per_server in results.items():
        keys = next(iter(per_server.values()))[0].keys()
        for key in keys:
            medians = {}
            for name in names:
                values = [f[key] for f in per_server.get(name, []) if f[key] is not None]
                medians[name] = statistics.median(values) if values else None
            row = f"| {scenario} | {key} | " + " | ".join(cell(medians[n]) for n in names)
            if ratio:
                a, b = medians["liverelay"], medians["anchor"]
                row += " | " + (f"{a / b:.2f}" if a is not None and b else "n/a")
            print(row + " |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short smoke run: small rooms, 3 s, one round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--liverelay", default=default_liverelay())
    parser.add_argument("--anchor", default=os.path.join(ANCHOR_DIR, "anchor-ws-server.js"))
    parser.add_argument("--scenarios", default="flood,latency,memory")
    parser.add_argument("--flood-viewers", type=int, default=5000)
    parser.add_argument("--flood-senders", type=int, default=500)
    parser.add_argument("--sender-cap", type=float, default=1,
                        help="flood: comments per second per sender at most (stay under the server's limit)")
    parser.add_argument("--latency-viewers", type=int, default=10000)
    parser.add_argument("--memory-viewers", type=int, default=10000)
    parser.add_argument("--connect-rate", type=int, default=2000, help="new connections per second")
    parser.add_argument("--load-threads", type=int, default=1, help="ws_load loops (each a thread)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds = 1, 3
        args.flood_viewers, args.flood_senders, args.latency_viewers, args.memory_viewers = 500, 200, 1000, 1000

    limit = raise_fd_limit()
    needed = max(args.flood_viewers + args.flood_senders, args.latency_viewers + 10, args.memory_viewers) + 100
    if limit < needed:
        sys.exit(f"RLIMIT_NOFILE is {limit}, the largest room needs {needed}: raise the hard limit (ulimit -Hn)")
    build_ws_load()
    servers = [Anchor(args.anchor, install_anchor_deps(os.path.dirname(args.anchor)))]
    if not os.path.exists(args.liverelay):
        print(f"liverelay: no binary at {args.liverelay}", file=sys.stderr)
    else:
        candidate, workdir = LiveRelay(args.liverelay), tempfile.mkdtemp(prefix="liverelay-ws-")
        try:
            candidate.start(workdir)
            available = room_works(candidate.port, "/live/probe/ws")
        finally:
            candidate.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        if available:
            servers.insert(0, candidate)
        else:
            print("liverelay: /ws endpoint not available")

    plan = scenarios(args)
    chosen = [s for s in args.scenarios.split(",") if s]
    results = {s: {server.name: [] for server in servers} for s in chosen}
    notes = []
    for round_number in range(args.rounds):
        for scenario in chosen:
            for server in servers:  # A B, then A B again next round
                r = measure(server, scenario, plan[scenario], args, f"bench{round_number}{scenario}")
                results[scenario][server.name].append(figures(scenario, r))
                busy = r["send_seconds"] + r["drain_seconds"]
                if busy and r["load_cpu_send_s"] / busy > 0.9 * args.load_threads:
                    notes.append(f"{server.name} {scenario} round {round_number + 1}: ws_load used "
                                 f"{100 * r['load_cpu_send_s'] / busy:.0f} % of a core: it may be the bottleneck "
                                 "(try --load-threads 2)")
                cpu = r["server"]["cpu_send_s"]
                if scenario == "flood" and busy and cpu is not None and cpu / busy < 0.8:
                    notes.append(f"{server.name} flood round {round_number + 1}: the server used only "
                                 f"{100 * cpu / busy:.0f} % of a core: the machine was busy, or the senders' cap "
                                 "(--flood-senders x --sender-cap) held the rate down")
                if r["drain_end"] == "timeout":
                    notes.append(f"{server.name} {scenario} round {round_number + 1}: deliveries were still arriving "
                                 f"{DRAIN_TIMEOUT} s after sending stopped; 'lost' counts late ones too")
                print(f"  round {round_number + 1} {scenario} {server.name}: "
                      + ", ".join(f"{k} {cell(v)}" for k, v in figures(scenario, r).items()),
                      file=sys.stderr, flush=True)
    print_table(args, results, servers)
    if "latency" in chosen:
        kernel_floor(args)
    for note in notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
