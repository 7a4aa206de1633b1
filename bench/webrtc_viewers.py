#!/usr/bin/env python3
"""WebRTC (WHEP) viewer CPU: the server's CPU per WebRTC viewer of one 2.5 Mb/s stream, and what
the per-stream transcodes cost (AAC to Opus always; the H.264 re-encode when the source has
B-frames). One ffmpeg publisher sends a 1280x720 30 fps CBR 2.5 Mb/s H.264 + 128 kb/s AAC FLV in
copy mode; bench/whep_load (C++: N viewers, each with its own UDP socket, ICE checks and a DTLS
1.2 client, SRTP counted but not decrypted) plays it; the server's user + system CPU time (all
threads) is read from /proc over a steady window after every viewer connected.

    bench/webrtc_viewers.py [--viewers 0,50,200] [--transcode] [--seconds 20] [--warmup 5]
                            [--threads 1] [--rounds 1]

Each figure comes from a fresh server. The stream without B-frames (H.264 passes through) is
measured with 0, 1 and each --viewers count: 1 viewer minus 0 is the Opus encoder (started with
the first viewer, once per stream) plus one viewer; (N - 1 viewer) / (N - 1) is the cost of one
more viewer, mostly SRTP and the UDP sends. --transcode adds 0 and 1 viewer of the same picture
with B-frames: 1 minus 0 is then the x264 re-encode + Opus + one viewer.
There is no WebRTC anchor in the tree (nginx-rtmp has no WebRTC output). Needs a release build
with whep_load (`cmake --build build -j2 --target liverelay whep_load`) and ffmpeg. Everything
listens on 127.0.0.1 (viewers also send from 127.0.0.2, .3, ...: 50 sessions per address at most);
every child process is stopped at the end. Prints a table and the whole result as JSON on the
last line.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from ingest_cpu import cpu_seconds, free_port, sample_file, wait_for  # noqa: E402

BINARY = os.path.join(ROOT, "build", "server", "liverelay")
WHEP_LOAD = os.path.join(ROOT, "build", "bench", "whep_load", "whep_load")


def has_bframes(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=has_b_frames",
                          "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout
    return int(out.strip() or 0) > 0


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


class Server:
    """liverelay on free loopback ports with one ffmpeg publisher in copy mode."""

    def __init__(self, media, workdir):
        self.media, self.workdir = media, workdir
        self.process = self.publisher = None

    def start(self):
        self.rtmp_port, self.http_port = free_port(), free_port()
        self.log = open(os.path.join(self.workdir, "liverelay.log"), "w+")
        # The viewers' WHEP requests come from a few loopback addresses: no TCP connection limit.
        config = os.path.join(self.workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write("[limits]\nmax_connections = 1000000\nmax_connections_per_address = 1000000\n")
        self.process = subprocess.Popen(
            [BINARY, "--rtmp", f"127.0.0.1:{self.rtmp_port}", "--http", f"127.0.0.1:{self.http_port}",
             "--webrtc", "127.0.0.1:0", "--data-dir", os.path.join(self.workdir, "data"), "--log-level", "warn",
             "--config", config],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.api("/api/v1/server") is not None, 10, "liverelay")
        self.publisher = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", self.media,
             "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{self.rtmp_port}/live/bench"], stdin=subprocess.DEVNULL)
        wait_for(self.has_video, 30, "the stream to be live with video")
        time.sleep(2)  # a whole GOP in the cache: every viewer starts on a keyframe

    def api(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{path}", timeout=3) as r:
                return json.load(r)
        except (OSError, ValueError):
            return None

    def has_video(self):
        if self.publisher.poll() is not None:
            raise RuntimeError(f"the publisher exited with {self.publisher.returncode}")
        stream = self.api("/api/v1/streams/bench") or {}
        return stream.get("live") and stream.get("video") and stream.get("ingest", {}).get("frames", 0) > 0

    def log_tail(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-2000:]

    def stop(self):
        for process, sig in ((self.publisher, signal.SIGTERM), (self.process, signal.SIGTERM)):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(sig)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()


def idle_window(server, args):
    """No viewer: the server's CPU over the same window as a loaded run."""
    time.sleep(args.warmup)
    before, started = cpu_seconds([server.process.pid]), time.monotonic()
    time.sleep(args.seconds)
    elapsed = time.monotonic() - started
    return {"viewers": 0, "server": {"cpu_percent": round(100 * (cpu_seconds([server.process.pid]) - before) / elapsed, 1),
                                     "rss_kib_window": resident_kib(server.process.pid)},
            "client_cpu_percent": 0.0, "failed": 0, "connected_at_end": 0, "window": {}}


def viewers_window(server, viewers, args):
    # liverelay takes at most --per-address WHEP sessions from one client address (429 past it):
    # the viewers come from as many loopback addresses (127.0.0.1, .2, ...) as that needs.
    addresses = -(-viewers // args.per_address)
    command = [WHEP_LOAD, "--url", f"http://127.0.0.1:{server.http_port}/live/bench/whep", "--viewers", str(viewers),
               "--source-addresses", str(addresses), "--threads", str(args.threads), "--warmup", str(args.warmup),
               "--seconds", str(args.seconds), "--server-pid", str(server.process.pid)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + args.warmup + 180)
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"whep_load printed nothing ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def measure(media, viewers, args):
    workdir = tempfile.mkdtemp(prefix="liverelay-webrtc-bench-")
    server = Server(media, workdir)
    try:
        server.start()
        result = idle_window(server, args) if viewers == 0 else viewers_window(server, viewers, args)
        if server.process.poll() is not None:
            raise RuntimeError(f"liverelay exited with {server.process.returncode}: {server.log_tail()}")
        result["media"] = os.path.basename(media)
        return result
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def median_run(media, viewers, args):
    runs = [measure(media, viewers, args) for _ in range(args.rounds)]
    runs.sort(key=lambda r: r["server"]["cpu_percent"] or 0)
    chosen = runs[len(runs) // 2]
    chosen["rounds_cpu_percent"] = [r["server"]["cpu_percent"] for r in runs]
    return chosen


def row(label, r, idle_cpu, one_cpu):
    """A table row; per-viewer figures only where they mean something (N > 1)."""
    w = r.get("window") or {}
    mbps = (w.get("received_mbps_per_viewer") or {})
    cpu = r["server"]["cpu_percent"]
    n = r.get("viewers", 0)
    per_viewer = (cpu - idle_cpu) / n if n > 1 else None
    marginal = (cpu - one_cpu) / (n - 1) if n > 1 and one_cpu is not None else None
    per_core = 100 / marginal if marginal and marginal > 0 else None
    rss = r["server"].get("rss_kib_window")

    def cell(value, spec):
        return "" if value is None else format(value, spec)
    return (f"| {label} | {n} | {cpu:.1f} | {cell(per_viewer, '.3f')} | {cell(marginal, '.3f')} | "
            f"{cell(per_core, '.0f')} | {r.get('client_cpu_percent', 0):.1f} | "
            f"{cell(mbps.get('min'), '.3f')} / {cell(mbps.get('p50'), '.3f')} / {cell(mbps.get('max'), '.3f')} | "
            f"{cell(w.get('video_loss_percent'), '.3f')} | {cell((w.get('max_video_gap_ms') or {}).get('max'), '.0f')} | "
            f"{r.get('connected_at_end', 0)} / {r.get('failed', 0)} | {rss / 1024 if rss else 0:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", default="0,50,200", help="viewer counts for the no-B-frame stream (0 = idle)")
    parser.add_argument("--transcode", action="store_true", help="also 0 and 1 viewer of the B-frame stream")
    parser.add_argument("--seconds", type=float, default=20, help="measured window")
    parser.add_argument("--warmup", type=float, default=5, help="seconds after every viewer connected")
    parser.add_argument("--threads", type=int, default=1, help="whep_load's epoll threads")
    parser.add_argument("--rounds", type=int, default=1, help="fresh servers per figure; the median is kept")
    parser.add_argument("--per-address", type=int, default=50,
                        help="liverelay's WHEP sessions per client address (webrtc_server.hpp max_sessions_per_address)")
    args = parser.parse_args()
    for path in (BINARY, WHEP_LOAD):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build build -j2 --target liverelay whep_load")
    plain = sample_file(bframes=False)
    if has_bframes(plain):
        sys.exit(f"{plain} has B-frames: delete it and run again")
    counts = sorted({int(x) for x in args.viewers.split(",")} | {0, 1})
    results = {"no_bframes": {n: median_run(plain, n, args) for n in counts}}
    if args.transcode:
        bframes = sample_file()
        if not has_bframes(bframes):
            sys.exit(f"{bframes} has no B-frames: the re-encode would not run")
        results["bframes"] = {n: median_run(bframes, n, args) for n in (0, 1)}
    print(f"\nWebRTC viewers of one 2.5 Mb/s 720p30 stream, {args.seconds:g} s window after {args.warmup:g} s, "
          f"{os.cpu_count()} cores, whep_load {args.threads} thread(s), load average at the end {os.getloadavg()[0]:.2f}")
    print("| stream | viewers | server CPU (% of a core) | per viewer over idle (%) | per viewer over 1 viewer (%) "
          "| viewers per core | whep_load CPU (%) | Mb/s per viewer min / p50 / max | video loss (%) "
          "| longest video gap (ms) | connected / failed | RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |")
    for key, label in (("no_bframes", "no B-frames (passthrough)"), ("bframes", "B-frames (re-encode)")):
        if key not in results:
            continue
        idle = results[key][0]["server"]["cpu_percent"]
        one = results[key][1]["server"]["cpu_percent"] if 1 in results[key] else None
        for r in results[key].values():
            print(row(label, r, idle, one))
    for key, what in (("no_bframes", "Opus transcode + 1 viewer"), ("bframes", "x264 re-encode + Opus + 1 viewer")):
        if key in results:
            cost = results[key][1]["server"]["cpu_percent"] - results[key][0]["server"]["cpu_percent"]
            print(f"{what} (1 viewer minus idle): {cost:.1f} % of a core")
    print(json.dumps({"seconds": args.seconds, "warmup": args.warmup, "threads": args.threads, "rounds": args.rounds,
                      "load_average": os.getloadavg(), "results": results}))


if __name__ == "__main__":
    main()
