#!/usr/bin/env python3
"""RTMP play fan-out benchmark: server CPU with one 2.5 Mb/s publisher and N RTMP players,
liverelay (which also packages HLS) against nginx-rtmp live only and with `hls on`, rounds
A B C A B C, medians.

    bench/rtmp_play.py [--players 100] [--seconds 20] [--rounds 2]

Needs a release build (scripts/build release: build/server/liverelay and
build/bench/rtmp_load/rtmp_load, the players: one process, one loop, our ClientSession) and
nginx with libnginx-mod-rtmp. The players run for the whole window; CPU is read from
/proc/<pid>/stat over the window (nginx: master + worker). For liverelay the script also
checks that the publisher and HLS were unaffected: ingest fps and drops, segments listed and
the listing delay, from its stats API.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_cpu import LiveRelay, NginxRtmp, cpu_seconds, sample_file, wait_for  # noqa: E402

LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "bench", "rtmp_load", "rtmp_load")


def measure(server, players, seconds, media):
    """Percent of one core used by the server while `players` play, and the load's report."""
    workdir = tempfile.mkdtemp(prefix="liverelay-bench-")
    publisher = None
    try:
        pids = server.start(workdir)
        url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/bench"
        publisher = subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                                      "-i", media, "-c", "copy", "-f", "flv", url], stdin=subprocess.DEVNULL)
        if server.live_count() is not None:
            wait_for(lambda: server.live_count() == 1, 30, "the stream live")
        time.sleep(3)  # a GOP in the cache; nginx: its connect time
        report = {}
        load = threading.Thread(target=lambda: report.update(run_load(url, players, seconds + 4)))
        load.start()
        time.sleep(2)  # past the players' connect burst
        before, started = cpu_seconds(pids), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(pids) - before, time.monotonic() - started
        health = None  # liverelay only: the publisher's fps and drops, HLS still listing on time
        if hasattr(server, "_get"):
            stream = server._get("/api/v1/streams/bench") or {}
            hls = stream.get("hls", {})
            health = (f"publisher {stream.get('video', {}).get('fps')} fps, "
                      f"{stream.get('ingest', {}).get('dropped_packets')} dropped; HLS {hls.get('segments')} segments, "
                      f"listing delay p99 {hls.get('listing_delay_ms', {}).get('p99')} ms")
        load.join()
        if publisher.poll() is not None:
            raise RuntimeError(f"{server.name}: the publisher exited early")
        return 100.0 * used / elapsed, report, health
    finally:
        if publisher:
            publisher.terminate()
            publisher.wait(timeout=10)
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def run_load(url, players, seconds):
    out = subprocess.run([LOAD, "--url", url, "--players", str(players), "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    media = sample_file()
    results = {}
    for round_index in range(args.rounds):
        for server in (LiveRelay(), NginxRtmp(hls=False), NginxRtmp(hls=True)):
            cpu, report, health = measure(server, args.players, args.seconds, media)
            key = server.name
            results.setdefault(key, []).append(cpu)
            print(f"round {round_index + 1} {key}: {cpu:.1f} % CPU, {report['playing']}/{report['players']} playing, "
                  f"first frame p50 {report['first_frame_ms']['p50']:.0f} ms p99 {report['first_frame_ms']['p99']:.0f} ms, "
                  f"video frames per player min {report['video_frames_per_player']['min']:.0f}, "
                  f"errors {report['errors'][:2]}" + (f"; {health}" if health else ""),
                  file=sys.stderr)
    ours = statistics.median(results["liverelay"])
    live, hls = statistics.median(results["nginx-rtmp"]), statistics.median(results["nginx-rtmp + hls"])
    print(f"| {args.players} | {ours:.1f} % | {live:.1f} % | {hls:.1f} % | {ours / hls:.2f} |")


if __name__ == "__main__":
    main()
