#!/usr/bin/env python3
"""Low-latency HLS: N players parked on blocking playlist reloads of one stream.

    bench/ll_hls_park.py [--players 1000] [--rounds 30] [--threads 2] [--client auto|cpp|python]

One 2.5 Mb/s publisher, liverelay with `[hls] low_latency = true` (0.33 s parts). Each round,
every player sends `GET index.m3u8?_HLS_msn=M&_HLS_part=P` for the part after the last one
listed, on its own kept-alive connection, and the server holds all of them until that part is
listed. Reported: for every delivery, the time from the first player of the round receiving
the playlist (the part being listed, within a fraction of a millisecond) to this one receiving
it, as p50 / p99 / max over all deliveries, and the server's CPU and memory while they wait.

The players are bench/ll_hls_park (C++, libuv, --threads loops; $LL_HLS_PARK or
build/bench/ll_hls_park/ll_hls_park, built with `cmake --build build -j2 --target ll_hls_park`):
each player asks for the part after the last one its own previous answer listed (a plain
reload and one blocking round first, unmeasured, bring them all to the same part; answers to
requests sent after their part was listed are counted as not_parked and left out), and the
server's CPU is measured from the first request to the last answer, its RSS with every player
still connected. Without that binary (or with --client python) they are one Python asyncio
loop: its spread includes the loop's own time to read every socket (~60 us a player), an upper
bound of the server's.
"""
import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_cpu import BINARY, ROOT, cpu_seconds, free_port, sample_file, wait_for  # noqa: E402

LOAD_CLIENT = os.environ.get("LL_HLS_PARK", os.path.join(ROOT, "build", "bench", "ll_hls_park", "ll_hls_park"))

# Every player comes from 127.0.0.1: the connection limits are lifted.
CONFIG = ('[hls]\nformat = "fmp4"\nlow_latency = true\npart_s = 0.33\nsegment_s = 2\n'
          '[limits]\nmax_connections = 1000000\nmax_connections_per_address = 1000000\n')


class Player(asyncio.Protocol):
    """One kept-alive connection: sends a request, notes when the whole answer arrived."""

    def __init__(self):
        self.transport = None
        self.buffer = b""
        self.done = None
        self.arrived = None

    def connection_made(self, transport):
        self.transport = transport

    def request(self, path):
        self.buffer = b""
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        return self.done

    def data_received(self, data):
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0 or self.done is None or self.done.done():
            return
        length = int(re.search(rb"(?i)content-length: *(\d+)", self.buffer[:head_end]).group(1))
        if len(self.buffer) >= head_end + 4 + length:
            self.arrived = time.perf_counter()
            status = int(self.buffer[9:12])
            self.done.set_result(status)

    def connection_lost(self, exc):
        if self.done is not None and not self.done.done():
            self.done.set_exception(ConnectionError("closed"))


def next_part(playlist):
    """(msn, part) of the part after the last one listed."""
    sequence = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", playlist).group(1))
    msn, index, last = sequence, 0, None
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-PART:"):
            last = (msn, index)
            index += 1
        elif line and not line.startswith("#"):
            msn, index = msn + 1, 0
    if last is None or last[0] < msn:
        return msn, 0
    return last[0], last[1] + 1


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def run_cpp(http_port, server_pid, args):
    """The C++ client: its JSON report (spread, errors, the server's CPU and RSS while parked)."""
    command = [LOAD_CLIENT, "--url", f"http://127.0.0.1:{http_port}/live/bench/index.m3u8",
               "--players", str(args.players), "--rounds", str(args.rounds), "--threads", str(args.threads),
               "--server-pid", str(server_pid)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=args.rounds * 20 + 120)
    if not out.stdout.strip():
        raise RuntimeError(f"ll_hls_park failed ({out.returncode}): {out.stderr.strip()}")
    report = json.loads(out.stdout)
    if out.returncode != 0:
        print(f"ll_hls_park: exit {out.returncode}, failures {report.get('failures')}", file=sys.stderr)
    return report


def summary(delays, worst):
    delays, worst = sorted(delays), sorted(worst)
    return ({"p50": round(statistics.median(delays), 2), "p99": round(delays[int(len(delays) * 0.99) - 1], 2),
             "max": round(delays[-1], 2)},
            {"p50": round(statistics.median(worst), 2), "max": round(worst[-1], 2)})


async def run(http_port, players, rounds):
    loop = asyncio.get_running_loop()
    connections = []
    for _ in range(players):
        _, protocol = await loop.create_connection(Player, "127.0.0.1", http_port)
        connections.append(protocol)
    path = "/live/bench/index.m3u8"
    delays, worst = [], []
    for _ in range(rounds):
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}{path}", timeout=5) as r:
            msn, part = next_part(r.read().decode())
        waits = [c.request(f"{path}?_HLS_msn={msn}&_HLS_part={part}") for c in connections]
        statuses = await asyncio.wait_for(asyncio.gather(*waits), timeout=10)
        if any(s != 200 for s in statuses):
            raise RuntimeError(f"statuses {sorted(set(statuses))}")
        first = min(c.arrived for c in connections)
        round_delays = [(c.arrived - first) * 1000 for c in connections]
        delays += round_delays
        worst.append(max(round_delays))
    for c in connections:
        c.transport.close()
    return delays, worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="C++ client: libuv loops (threads)")
    parser.add_argument("--client", choices=["auto", "cpp", "python"], default="auto",
                        help="auto: the C++ client when built, else the Python one")
    parser.add_argument("--bin", default=BINARY, help="liverelay binary")
    args = parser.parse_args()
    use_cpp = args.client == "cpp" or (args.client == "auto" and os.access(LOAD_CLIENT, os.X_OK))
    if use_cpp and not os.access(LOAD_CLIENT, os.X_OK):
        parser.error(f"{LOAD_CLIENT} not built: cmake --build build -j2 --target ll_hls_park")
    # A socket per player: lift the soft descriptor limit to the hard one.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    workdir = tempfile.mkdtemp(prefix="liverelay-bench-")
    config = os.path.join(workdir, "liverelay.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    rtmp_port, http_port = free_port(), free_port()
    server = subprocess.Popen([args.bin, "--rtmp", f"127.0.0.1:{rtmp_port}", "--http", f"127.0.0.1:{http_port}", "--webrtc", "127.0.0.1:0",
                               "--data-dir", os.path.join(workdir, "data"), "--log-level", "warn", "--config", config])
    publisher = None
    try:
        def stream():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/streams/bench", timeout=2) as r:
                    return json.load(r)
            except OSError:
                return None

        def server_up():
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/server", timeout=2):
                return True

        wait_for(server_up, 10, "liverelay")
        publisher = subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                                      "-i", sample_file(), "-c", "copy", "-f", "flv",
                                      f"rtmp://127.0.0.1:{rtmp_port}/live/bench"], stdin=subprocess.DEVNULL)
        wait_for(lambda: (stream() or {}).get("hls", {}).get("segments", 0) >= 2, 30, "two segments listed")
        rss_before = rss_kib(server.pid)
        cpu_before, started = cpu_seconds([server.pid]), time.monotonic()
        if use_cpp:
            loaded = run_cpp(http_port, server.pid, args)
        else:
            delays, worst = asyncio.run(run(http_port, args.players, args.rounds))
        cpu = 100 * (cpu_seconds([server.pid]) - cpu_before) / (time.monotonic() - started)
        rss_after = rss_kib(server.pid)
        report = {"players": args.players, "rounds": args.rounds}
        if use_cpp:
            parked = loaded["server"]
            report.update({
                "client": f"ll_hls_park, {args.threads} thread(s)",
                "delivery_after_first_ms": loaded["delivery_after_first_ms"],
                "last_player_per_part_ms": loaded["last_player_per_part_ms"],
                "rounds_last_over_50ms": sum(1 for r in loaded["per_round"] if r["last_ms"] > 50),
                "deliveries": loaded["deliveries"], "not_parked": loaded["not_parked"],
                "errors": loaded["errors"], "failures": loaded["failures"],
                # While parked (first request to last answer), and with every player connected.
                "server_cpu_percent": round(parked["cpu_percent"], 1),
                "server_cpu_percent_whole_run": round(cpu, 1),
                "client_cpu_percent": round(loaded["client_cpu_percent"], 1),
                "server_rss_mib": {"before": round(rss_before / 1024, 1),
                                   "with_players": round(parked["rss_kib_parked"] / 1024, 1)},
            })
        else:
            after_first, last_player = summary(delays, worst)
            report.update({
                "client": "python asyncio, one loop",
                "delivery_after_first_ms": after_first, "last_player_per_part_ms": last_player,
                "server_cpu_percent": round(cpu, 1),
                "server_rss_mib": {"before": round(rss_before / 1024, 1), "with_players": round(rss_after / 1024, 1)},
            })
        spread = report["delivery_after_first_ms"]
        print(f"{args.players} players parked on blocking reloads ({report['client']}), {args.rounds} parts: "
              f"delivery after the first p50 {spread['p50']} ms, p99 {spread['p99']} ms, max {spread['max']} ms; "
              f"server {report['server_cpu_percent']} % CPU, "
              f"RSS {report['server_rss_mib']['before']} -> {report['server_rss_mib']['with_players']} MiB")
        print(json.dumps(report))
    finally:
        if publisher:
            publisher.terminate()
            publisher.wait(timeout=10)
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
