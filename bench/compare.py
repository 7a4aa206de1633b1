#!/usr/bin/env python3
"""bench/compare.py: liverelay against its anchors, side by side, in one command (about 9 minutes
on 2 cores). Each scenario runs against liverelay and its anchor alternately (A B A B), each
figure on a fresh server, medians of the rounds; the summary, plots, machine, versions and
commands are written into docs/BENCHMARKS.md between its bench/compare.py markers (the rest of that
file is left alone), the raw figures into docs/bench/compare.json, the plots into docs/bench/.

  ingest       RTMP ingest + HLS CPU and memory per stream at 1/10/50/100 publishers
               (bench/rtmp_load --publish: one process, real-time paced, looping) vs nginx-rtmp + HLS
  hls_serving  HLS playlist and segment requests/s and MB/s at 100 and 1,000 connections (wrk) vs
               nginx serving the same bytes from disk
  hls_viewers  200 HLS players (bench/hls_viewers.py) of one stream vs nginx-rtmp's HLS, and the
               time from the publish to the first segment listed
  rtmp_play    100 RTMP players joining as the publish starts (bench/rtmp_load) vs nginx-rtmp + HLS
  ws           WebSocket deliveries/s (flood) and p99 latency (10 comments/s) at 1k/5k/10k viewers,
               memory per idle viewer (bench/ws_load) vs the Node ws anchor (../shared/bench/ws-fanout)
  glass        glass to glass, HLS (vs nginx-rtmp), LL-HLS and WebRTC (bench/glass/glass.py, Chromium)
  webrtc       WebRTC viewers per core (bench/whep_load, 1 and 50 viewers)

    bench/compare.py [--wait-quiet] [--only ingest,ws] [--rounds 2] [--window 5] [--streams 1,10] [--quick] [--no-report]
    bench/compare.py --from-json docs/bench/compare.json     # the report and plots of a saved run, again

It installs what it lacks first (Debian packages of scripts/packages.txt and bench/packages.txt
with apt-get, as root or with sudo; npm packages) and builds liverelay and the load generators
in build-cmp/ (incremental). --quick is a smoke run (tiny loads, 2 s windows, one round) that
writes to build-cmp/compare/ and leaves docs/ alone, as --no-report does.
"""
import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_lib import hls_scenarios, report, rtmp_scenarios, setup, versions, webrtc_scenarios, ws_scenarios  # noqa: E402
from compare_lib.common import BUILD, ROOT, raise_fd_limit  # noqa: E402
from compare_lib.results import SUMMARY_KEYS, Results, save  # noqa: E402

SCENARIOS = {"ingest": rtmp_scenarios.ingest, "hls_serving": hls_scenarios.serving, "hls_viewers": hls_scenarios.viewers,
             "rtmp_play": rtmp_scenarios.play, "ws": ws_scenarios.fan_out, "glass": webrtc_scenarios.glass,
             "webrtc": webrtc_scenarios.webrtc_viewers}


@dataclasses.dataclass
class Plan:
    rounds: int = 2
    window: float = 5            # CPU windows (ingest, RTMP play, WebRTC)
    streams: tuple = (1, 10, 50, 100)
    spread_ms: int = 1000        # the publishers connect over this long
    connections: tuple = (100, 1000)
    wrk_seconds: float = 4
    hls_viewers: int = 200
    hls_window: float = 6
    players: int = 100
    play_settle: float = 3
    ws_viewers: tuple = (1000, 5000, 10000)
    ws_seconds: float = 4
    ws_connect_rate: int = 4000
    glass_seconds: float = 6
    glass_warmup: float = 2
    whep_viewers: int = 50
    whep_warmup: float = 2


QUICK = dict(rounds=1, window=2, streams=(1, 10), connections=(100,), wrk_seconds=2, hls_viewers=20, hls_window=3,
             players=10, play_settle=2, ws_viewers=(500,), ws_seconds=2, glass_seconds=3, glass_warmup=1,
             whep_viewers=5, whep_warmup=1)


class Context:
    def __init__(self, plan, media):
        self.plan, self.results = plan, Results()
        self.media, self.media_nobf = media["media"], media["media_nobf"]
        self.started = time.monotonic()

    def log(self, text):
        print(f"[{time.monotonic() - self.started:6.0f} s] {text}", flush=True)


def wait_quiet(limit_minutes=40):
    """Polls the one-minute load average every 30 s until it is under 1.0 (at most limit_minutes)."""
    started = time.monotonic()
    while os.getloadavg()[0] >= 1.0 and time.monotonic() - started < limit_minutes * 60:
        print(f"waiting for a quiet machine: load average {os.getloadavg()[0]:.2f}", flush=True)
        time.sleep(30)
    waited = (time.monotonic() - started) / 60
    load = os.getloadavg()[0]
    if load >= 1.0:
        return f"still {load:.2f} after waiting {waited:.0f} min for it to drop under 1.0: run anyway"
    return f"under 1.0 after waiting {waited:.0f} min" if waited >= 1 else "under 1.0"


def commands(plan, argv):
    p = plan
    return [f"`{' '.join(['bench/compare.py'] + argv)}`",
            f"ingest: `rtmp_load --url rtmp://127.0.0.1:PORT/live/bench --publish N --flv bench-720p-2500k.flv "
            f"--spread-ms {p.spread_ms}` for N in {', '.join(map(str, p.streams))}; server CPU (schedstat, all threads; "
            "nginx master + worker) over the window once every stream is listed in its playlist; RSS growth / N",
            f"HLS serving: `wrk -t1 -cC -d{p.wrk_seconds:g}s --timeout 5s URL` for the playlist and one segment, "
            f"C in {', '.join(map(str, p.connections))}; nginx 1 worker, `sendfile on; tcp_nopush on`",
            f"HLS players: `bench/hls_viewers.py --url PLAYLIST --viewers {p.hls_viewers} --seconds "
            f"{p.hls_window + 1:g} --join-spread 1` while `rtmp_load --publish 1` publishes; both servers 2 s segments",
            f"RTMP play: `rtmp_load --url URL --publish 1 --flv bench-720p-2500k.flv --players {p.players}`; "
            f"window after {p.play_settle:g} s",
            f"WebSocket: `ws_load --url ws://127.0.0.1:PORT/live/bench/ws --viewers V --senders 500 --flood "
            f"--sender-cap 1 --duration {p.ws_seconds:g}` and `... --senders 10 --rate 10`, V in "
            f"{', '.join(map(str, p.ws_viewers))}, `--connect-rate {p.ws_connect_rate}`; the anchor is "
            "`node anchor-ws-server.js PORT 127.0.0.1`",
            f"glass: `bench/glass/glass.py --bin build-cmp/server/liverelay --mode M --seconds {p.glass_seconds:g} "
            f"--warmup {p.glass_warmup:g} --rounds 1` for M in hls (`--targets liverelay,nginx`), llhls "
            "(`--targets liverelay --hlsjs '{\"maxLiveSyncPlaybackRate\": 1.5}'`), webrtc",
            f"WebRTC: `whep_load --url URL --viewers N --threads 1 --warmup {p.whep_warmup:g} --seconds {p.window:g} "
            f"--server-pid PID` for N in 1, {p.whep_viewers}, the stream without B-frames (passthrough)"]


def measure(args, plan, chosen, argv):
    """Setup, the scenarios, and the run's description: (results, meta)."""
    started = time.monotonic()
    media = setup.prepare(lambda text: print(text, flush=True), args.jobs)
    setup_done = time.monotonic()
    load_note = wait_quiet() if args.wait_quiet else "not waited for"
    measure_started, load_before = time.monotonic(), os.getloadavg()[0]
    ctx = Context(plan, media)
    for name in chosen:
        began = time.monotonic()
        try:
            SCENARIOS[name](ctx)
        except Exception as e:  # one broken scenario must not cost the others
            ctx.results.note(f"scenario {name} failed: {type(e).__name__}: {e}")
        ctx.log(f"{name} done in {time.monotonic() - began:.0f} s")
    meta = {"command": " ".join(["bench/compare.py"] + argv), "date": report.today(), "plan": dataclasses.asdict(plan),
            "versions": versions.collect(), "load_before": load_before, "load_after": os.getloadavg()[0],
            "load_note": load_note, "commands": commands(plan, argv), "scenarios": chosen,
            "measure_s": time.monotonic() - measure_started, "setup_s": setup_done - started}
    meta["total_s"] = time.monotonic() - started - (measure_started - setup_done)  # the wait for quiet left out
    return ctx.results, meta


def load(path):
    """A saved run (compare.json): its results and meta, to write the report again."""
    with open(path) as f:
        data = json.load(f)
    results = Results()
    results.cells = [{k: v for k, v in c.items() if k not in SUMMARY_KEYS} for c in data["cells"]]
    results.notes, results.runs = data["notes"], data["runs"]
    return results, data["meta"]


def publish(results, meta, to_docs):
    """compare.json, the plots and the report block: into docs/, or build-cmp/compare/."""
    out_dir = os.path.join(ROOT, "docs", "bench") if to_docs else os.path.join(BUILD, "compare")
    json_path = os.path.join(out_dir, "compare.json")
    cells = save(results, meta, json_path)
    drawn = subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_lib",
                                                             "plots.py"), json_path, out_dir],
                           capture_output=True, text=True)
    if drawn.returncode != 0:
        results.note(f"plots failed: {drawn.stderr[-500:]}")
    titles = {"ingest_cpu.png": "Ingest CPU against streams", "ws_fanout.png": "WebSocket latency and deliveries",
              "hls_serving.png": "HLS requests per second", "glass.png": "Glass to glass per mode",
              "webrtc_cpu.png": "WebRTC CPU against viewers"}
    plots = [(titles.get(os.path.basename(p), p), p) for p in drawn.stdout.split()]
    text = report.block(cells, meta, results.notes, plots)
    if to_docs:
        report.rewrite(os.path.join(ROOT, "docs", "BENCHMARKS.md"), text)
        print(f"rewrote docs/BENCHMARKS.md's generated block; figures in {json_path}")
    else:
        with open(os.path.join(out_dir, "BENCHMARKS-block.md"), "w") as f:
            f.write(text + "\n")
        print(f"wrote {out_dir}/BENCHMARKS-block.md and {json_path} (docs/ untouched)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    parser.add_argument("--rounds", type=int, help="A B rounds per figure (default 2)")
    parser.add_argument("--window", type=float, help="CPU window in seconds (default 5)")
    parser.add_argument("--streams", help="ingest: comma-separated publisher counts (default 1,10,50,100)")
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny loads; implies --no-report")
    parser.add_argument("--no-report", action="store_true", help="write to build-cmp/compare/, not docs/")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="build jobs (default: every core)")
    parser.add_argument("--wait-quiet", action="store_true",
                        help="first wait (up to 40 min) for the one-minute load average to drop under 1.0")
    parser.add_argument("--from-json", metavar="COMPARE_JSON",
                        help="measure nothing: write the plots and report of a saved run again")
    args = parser.parse_args()
    plan = Plan(**(QUICK if args.quick else {}))
    plan.rounds = args.rounds or plan.rounds
    plan.window = args.window or plan.window
    if args.streams:
        plan.streams = tuple(int(n) for n in args.streams.split(","))
    chosen = args.only.split(",") if args.only else list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    raise_fd_limit()
    results, meta = load(args.from_json) if args.from_json else measure(args, plan, chosen, sys.argv[1:])
    publish(results, meta, to_docs=not (args.quick or args.no_report))
    print(f"total {meta['total_s'] / 60:.1f} min ({meta['measure_s'] / 60:.1f} measuring)")


if __name__ == "__main__":
    main()
