#!/usr/bin/env python3
"""HLS serving benchmark: requests per second for a live playlist and a segment, liverelay
(from memory) against nginx (the same bytes as files on disk), side by side, with wrk at 100
and 1000 connections.

    bench/hls_serving.py [--seconds 10] [--connections 100,1000]

Needs a release build (scripts/build release), wrk and nginx. Loopback only; both servers run
one worker thread (nginx: worker_processes 1) and wrk one thread, so each side gets a core.
"""
import argparse
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_lib.common import children  # noqa: E402
from ingest_cpu import BINARY, cpu_seconds, free_port, sample_file, wait_for  # noqa: E402


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read()


def wrk(url, connections, seconds, server_pids, threads=1):
    """Requests per second, the server's CPU per request (us) and wrk's own CPU (% of a core): wrk
    reading a segment at full speed can use a whole core, and then it sets the pace, not the server."""
    server_before, wrk_before = cpu_seconds(server_pids()), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", url],
                         capture_output=True, text=True, check=True, preexec_fn=raise_fd_limit).stdout
    elapsed = time.monotonic() - started
    server_cpu = cpu_seconds(server_pids()) - server_before
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors:  # an error page is not a served segment: the figure would be meaningless
        sys.exit(f"{url} at {connections} connections: {errors.group(0)}")
    if socket_errors:
        print(f"  note: {url} at {connections} connections: {socket_errors.group(0)}", file=sys.stderr)
    requests = rps * elapsed
    return rps, 1e6 * server_cpu / requests if requests else None, 100 * wrk_cpu / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--rounds", type=int, default=3, help="A B alternations per cell (median reported)")
    parser.add_argument("--what", default="playlist,segment", help="which rows: playlist, segment or both")
    parser.add_argument("--wrk-threads", type=int, default=1,
                        help="2: wrk no longer the bottleneck, the servers share a core's worth with it")
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: scripts/build release")
    workdir = tempfile.mkdtemp(prefix="liverelay-serving-")
    processes = []
    try:
        rtmp, http, nginx_port = free_port(), free_port(), free_port()
        # A long playlist as a player that joined long ago sees it; wrk's connections all come
        # from 127.0.0.1: the connection limits are lifted.
        config = os.path.join(workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write("[hls]\nwindow = 120\n[limits]\nmax_connections = 1000000\nmax_connections_per_address = 1000000\n")
        processes.append(subprocess.Popen(
            [BINARY, "--rtmp", f"127.0.0.1:{rtmp}", "--http", f"127.0.0.1:{http}", "--webrtc", "127.0.0.1:0", "--data-dir",
             os.path.join(workdir, "data"), "--log-level", os.environ.get("LIVERELAY_LOG", "warn"), "--config", config], preexec_fn=raise_fd_limit))
        processes.append(subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", sample_file(),
             "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{rtmp}/live/bench"], stdin=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{http}/live/bench/"

        def segments():
            try:
                return [l for l in get(base + "index.m3u8").decode().splitlines() if l and not l.startswith("#")]
            except OSError:
                return []
        wait_for(lambda: len(segments()) >= 3, 30, "three segments")
        root = os.path.join(workdir, "www", "live", "bench")
        os.makedirs(root)

        def copy_for_nginx(name):
            """The same bytes on disk for nginx; the name to ask both for."""
            with open(os.path.join(root, name), "wb") as f:
                f.write(get(base + name))
            return name
        copy_for_nginx("index.m3u8")
        # The store keeps 64 MiB of segments (about 3 minutes here): each row asks for the newest.
        newest_segment = lambda: copy_for_nginx(segments()[-1])  # noqa: E731
        os.makedirs(os.path.join(workdir, "logs"))  # nginx opens its default log before reading the config
        os.chmod(workdir, 0o755)  # nginx's workers run as nobody when started by root
        conf = os.path.join(workdir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off; master_process on; worker_processes 1; pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn; worker_rlimit_nofile 65536;
events {{ worker_connections 4096; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  types {{ application/vnd.apple.mpegurl m3u8; video/mp2t ts; }}
  server {{ listen 127.0.0.1:{nginx_port}; root {workdir}/www; }} }}
""")
        processes.append(subprocess.Popen(["nginx", "-c", conf, "-p", workdir + "/"], preexec_fn=raise_fd_limit))
        anchor = f"http://127.0.0.1:{nginx_port}/live/bench/"
        wait_for(lambda: get(anchor + "index.m3u8"), 10, "nginx")
        size = os.path.getsize(os.path.join(root, newest_segment()))
        print(f"HLS serving, wrk -t{args.wrk_threads}, {args.seconds} s per run, median of {args.rounds} A B rounds, "
              f"segments of about {size} bytes, {os.cpu_count()} cores")
        liverelay_pids = [processes[0].pid]
        nginx_pids = lambda: [processes[-1].pid] + children(processes[-1].pid)  # noqa: E731 (master + workers)
        print("| what | connections | liverelay (req/s) | nginx from disk (req/s) | ratio "
              "| liverelay CPU per request (us) | nginx CPU per request (us) | wrk CPU (% of a core, liverelay / nginx) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for what in args.what.split(","):
            for c in [int(x) for x in args.connections.split(",")]:
                name = "index.m3u8" if what == "playlist" else newest_segment()
                ours, theirs = [], []
                for _ in range(args.rounds):  # A B A B: drift on the machine hits both alike
                    ours.append(wrk(base + name, c, args.seconds, lambda: liverelay_pids, args.wrk_threads))
                    theirs.append(wrk(anchor + name, c, args.seconds, nginx_pids, args.wrk_threads))
                a, b = (statistics.median(r[0] for r in runs) for runs in (ours, theirs))
                cpu_a, cpu_b = (statistics.median(r[1] for r in runs) for runs in (ours, theirs))
                wrk_a, wrk_b = (statistics.median(r[2] for r in runs) for runs in (ours, theirs))
                print(f"| {what} | {c} | {a:.0f} | {b:.0f} | {a / b:.2f} | {cpu_a:.1f} | {cpu_b:.1f} "
                      f"| {wrk_a:.0f} / {wrk_b:.0f} |", flush=True)
    finally:
        for p in reversed(processes):
            p.send_signal(signal.SIGQUIT if p.args[0] == "nginx" else signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
