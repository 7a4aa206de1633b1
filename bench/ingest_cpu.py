#!/usr/bin/env python3
"""Ingest + HLS CPU benchmark: CPU time per RTMP publisher for liverelay (which always packages
HLS) and for nginx-rtmp (the anchor: live only, and with `hls on`), side by side in one run. N ffmpeg publishers send a 2.5 Mb/s H.264 + AAC file in copy
mode (`ffmpeg -re -stream_loop -1 -i file.flv -c copy -f flv rtmp://...`); the server's
user+system CPU time is read from /proc over a fixed window once every stream is flowing.

    bench/ingest_cpu.py [--publishers 1,10,50] [--seconds 20]

Needs a release build (scripts/build release) and the packages of scripts/setup. Everything
listens on 127.0.0.1 only; every child process is stopped at the end.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "build", "server", "liverelay")
MEDIA_DIR = os.path.join(ROOT, "build", "bench-media")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_file(bframes=True, media_dir=MEDIA_DIR):
    """A 30 s 1280x720 30 fps CBR 2500 kb/s H.264 (x264 veryfast, 2 s GOP) + 128 kb/s AAC FLV, made
    once; with bframes=False encoded with -bf 0, the stream a WebRTC-minded publisher sends (which
    liverelay passes through without re-encoding)."""
    path = os.path.join(media_dir, "bench-720p-2500k.flv" if bframes else "bench-720p-2500k-nobf.flv")
    if os.path.exists(path):
        return path
    os.makedirs(media_dir, exist_ok=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "30",
                    "-c:v", "libx264", "-preset", "veryfast", *([] if bframes else ["-bf", "0"]), "-pix_fmt", "yuv420p",
                    "-b:v", "2500k", "-minrate", "2500k", "-maxrate", "2500k", "-bufsize", "1250k",
                    "-x264-params", "nal-hrd=cbr", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                    "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv", path + ".tmp.flv"], check=True)
    os.rename(path + ".tmp.flv", path)
    return path


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / CLOCK_TICKS


def wait_for(probe, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


class LiveRelay:
    name = "liverelay"

    def start(self, workdir):
        self.rtmp_port, self.http_port = free_port(), free_port()
        # Publishers here and bench/rtmp_play.py's players all come from 127.0.0.1: lift the limits.
        config = os.path.join(workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write("[limits]\nmax_connections = 1000000\nmax_connections_per_address = 1000000\n"
                    "max_streams = 1000000\n")
        self.process = subprocess.Popen(
            [BINARY, "--rtmp", f"127.0.0.1:{self.rtmp_port}", "--http", f"127.0.0.1:{self.http_port}", "--webrtc", "127.0.0.1:0",
             "--data-dir", os.path.join(workdir, "data"), "--log-level", "warn", "--config", config])
        wait_for(lambda: self._get("/api/v1/server") is not None, 10, "liverelay")
        return [self.process.pid]

    def _get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{path}", timeout=2) as r:
                return json.load(r)
        except OSError:
            return None

    def live_count(self):
        streams = self._get("/api/v1/streams") or []
        return sum(1 for s in streams if s.get("live") and s.get("ingest", {}).get("frames", 0) > 0)

    def listing_delays_ms(self):
        """Worst p50 and worst p99 over the streams of the delay from the read of a segment's
        closing keyframe to the playlist listing the segment (the server's own measurement)."""
        p50, p99 = [], []
        for s in self._get("/api/v1/streams") or []:
            delay = s.get("hls", {}).get("listing_delay_ms", {})
            if delay.get("p50") is not None:
                p50.append(delay["p50"])
                p99.append(delay["p99"])
        return (max(p50), max(p99)) if p50 else (None, None)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


class NginxRtmp:
    def __init__(self, hls):
        self.hls = hls
        self.name = "nginx-rtmp" + (" + hls" if hls else "")

    def start(self, workdir):
        self.rtmp_port = free_port()
        prefix = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        # nginx's workers run as nobody when started by root: they must reach and write hls/.
        os.chmod(workdir, 0o755)
        os.makedirs(os.path.join(prefix, "hls"), exist_ok=True)
        os.chmod(os.path.join(prefix, "hls"), 0o777)
        conf = os.path.join(prefix, "nginx.conf")
        hls = f"hls on; hls_path {prefix}/hls; hls_fragment 2s; hls_playlist_length 12s;" if self.hls else ""
        with open(conf, "w") as f:
            f.write(f"""load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off; master_process on; worker_processes 1; pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
rtmp {{ server {{ listen 127.0.0.1:{self.rtmp_port}; application live {{ live on; {hls} }} }} }}
""")
        self.process = subprocess.Popen(["nginx", "-c", conf, "-p", prefix + "/"])
        wait_for(lambda: self._workers(), 10, "nginx worker")
        return [self.process.pid] + self._workers()

    def _workers(self):
        try:
            out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        except OSError:
            return []
        return [int(p) for p in out.split()]

    def live_count(self):
        return None  # nginx-rtmp has no stats here without its stat module; trust the publishers

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def measure(server, publishers, seconds, media):
    workdir = tempfile.mkdtemp(prefix="liverelay-bench-")
    children = []
    try:
        pids = server.start(workdir)
        for i in range(publishers):
            children.append(subprocess.Popen(
                ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", media,
                 "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{server.rtmp_port}/live/bench{i}"],
                stdin=subprocess.DEVNULL))
        if server.live_count() is not None:
            wait_for(lambda: server.live_count() == publishers, 30 + publishers, f"{publishers} live streams")
        else:
            time.sleep(3)  # nginx: no stats endpoint; give the publishers their connect time
        time.sleep(2)  # past the connect burst, into the steady state
        if any(c.poll() is not None for c in children):
            raise RuntimeError(f"{server.name}: a publisher exited early")
        before, started = cpu_seconds(pids), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(pids) - before, time.monotonic() - started
        extra = server.listing_delays_ms() if hasattr(server, "listing_delays_ms") else None
        return 100.0 * used / elapsed, extra  # percent of one core
    finally:
        for c in children:
            c.terminate()
        for c in children:
            try:
                c.wait(timeout=10)
            except subprocess.TimeoutExpired:
                c.kill()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishers", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: scripts/build release")
    media = sample_file()
    print(f"ingest CPU, {args.seconds:.0f} s window, 2.5 Mb/s 720p30 H.264 + AAC in copy mode, {os.cpu_count()} cores")
    print("CPU in % of one core (per stream in brackets); listing delay = keyframe read -> playlist, worst stream")
    print("| publishers | liverelay ingest + HLS | nginx-rtmp live | nginx-rtmp live + HLS | listing delay p50 / p99 (ms) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n in [int(x) for x in args.publishers.split(",")]:
        ours, (p50, p99) = measure(LiveRelay(), n, args.seconds, media)
        live, _ = measure(NginxRtmp(hls=False), n, args.seconds, media)
        hls, _ = measure(NginxRtmp(hls=True), n, args.seconds, media)
        cell = lambda cpu: f"{cpu:.2f} ({cpu / n:.3f})"
        delay = f"{p50:.3f} / {p99:.3f}" if p50 is not None else "n/a"
        print(f"| {n} | {cell(ours)} | {cell(live)} | {cell(hls)} | {delay} |", flush=True)


if __name__ == "__main__":
    main()
