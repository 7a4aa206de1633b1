#!/usr/bin/env python3
"""Ingest CPU benchmark: CPU time per RTMP publisher for liverelay and for nginx-rtmp (the
anchor), side by side in one run. N ffmpeg publishers send a 2.5 Mb/s H.264 + AAC file in copy
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


def sample_file():
    """A 30 s 1280x720 30 fps CBR 2500 kb/s H.264 + 128 kb/s AAC FLV, made once."""
    path = os.path.join(MEDIA_DIR, "bench-720p-2500k.flv")
    if os.path.exists(path):
        return path
    os.makedirs(MEDIA_DIR, exist_ok=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "30",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
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
        if probe():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


class LiveRelay:
    name = "liverelay"

    def start(self, workdir):
        self.rtmp_port, self.http_port = free_port(), free_port()
        self.process = subprocess.Popen(
            [BINARY, "--rtmp", f"127.0.0.1:{self.rtmp_port}", "--http", f"127.0.0.1:{self.http_port}",
             "--data-dir", os.path.join(workdir, "data"), "--log-level", "warn"])
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

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


class NginxRtmp:
    name = "nginx-rtmp"

    def start(self, workdir):
        self.rtmp_port = free_port()
        prefix = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off; master_process on; worker_processes 1; pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
rtmp {{ server {{ listen 127.0.0.1:{self.rtmp_port}; application live {{ live on; }} }} }}
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
        return 100.0 * used / elapsed  # percent of one core
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
    print("| publishers | liverelay CPU (% of a core) | per stream | nginx-rtmp CPU | per stream |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n in [int(x) for x in args.publishers.split(",")]:
        ours = measure(LiveRelay(), n, args.seconds, media)
        anchor = measure(NginxRtmp(), n, args.seconds, media)
        print(f"| {n} | {ours:.2f} | {ours / n:.3f} | {anchor:.2f} | {anchor / n:.3f} |", flush=True)


if __name__ == "__main__":
    main()
