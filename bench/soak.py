#!/usr/bin/env python3
"""Soak: the release server under a steady mixed load for a long while, watching its memory.

  5 publishers    ffmpeg in copy mode (-re -stream_loop -1) of a 1 Mb/s 640x360 30 fps H.264 +
                  AAC FLV made once; every broadcast is also recorded (the default config)
  200 viewers     WebSockets spread over the 5 rooms (bench/ws_load, one process per room), one
                  sender per room posting comments (3 a second in total) whose every delivery
                  is counted
  20 HLS players  spread over the streams, each reloading the playlist every target duration and
                  fetching every new segment like a player (bench/hls_viewers.py's player)

The server's RSS (/proc/PID/status VmRSS) and CPU are sampled every 5 s. At the end it prints
and writes JSON: RSS after the warm-up, at the end, the most, the growth (end against after the
warm-up, and a least-squares slope per minute), and the errors: server log lines at warning or
error level, failed HTTP fetches, WebSocket failures, drops and lost deliveries, publisher exits,
a non-zero exit on SIGTERM. It passes with growth under 5 % and no error (exit status 0).

    bench/soak.py [--minutes 10] [--warmup 2] [--publishers 5] [--viewers 200] [--players 20]
                  [--liverelay build/server/liverelay] [--out build/soak.json]

Needs the release build (scripts/build release) and bench/ws_load (built into build-bench with
-j1 when missing). Everything listens on 127.0.0.1; every child process is stopped at the end.
The load generators share the machine's cores with the server.
"""
import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hls_viewers  # noqa: E402
from ingest_cpu import BINARY, MEDIA_DIR, ROOT, free_port, wait_for  # noqa: E402
from ws_fanout import BUILD as WS_BUILD, WS_LOAD, raise_fd_limit  # noqa: E402

SAMPLE_EVERY_S = 5
WS_DRAIN_S = 30  # after the senders stop, deliveries still on their way get this long


def sample_file():
    """30 s of 640x360 30 fps H.264 (CBR 900 kb/s, keyframe every 2 s) + 128 kb/s AAC, made once."""
    path = os.path.join(MEDIA_DIR, "soak-360p-1000k.flv")
    if os.path.exists(path):
        return path
    os.makedirs(MEDIA_DIR, exist_ok=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "30",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-b:v", "900k", "-minrate", "900k", "-maxrate", "900k", "-bufsize", "450k",
                    "-x264-params", "nal-hrd=cbr", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                    "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv", path + ".tmp.flv"], check=True)
    os.rename(path + ".tmp.flv", path)
    return path


def ws_load_binary():
    if not os.path.exists(WS_LOAD):
        subprocess.run(["cmake", "-S", os.path.join(ROOT, "bench", "ws_load"), "-B", WS_BUILD,
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", WS_BUILD, "-j1", "--target", "ws_load"], check=True,
                       stdout=subprocess.DEVNULL)
    return WS_LOAD


def get_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return json.load(r)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slope_per_minute(points):
    """Least-squares slope of (seconds, value) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    sxx = sum((t - mx) ** 2 for t, _ in points)
    return 60 * sum((t - mx) * (v - my) for t, v in points) / sxx if sxx else 0.0


def log_problems(path):
    """spdlog lines at warning level or above: '<time> <level> [<area>] ...'."""
    with open(path, errors="replace") as f:
        return [line.rstrip() for line in f if line.split(" ", 2)[1:2] in (["warning"], ["error"], ["critical"])]


class HlsPlayers(threading.Thread):
    """The players on their own asyncio loop: hls_viewers.viewer, one per player."""

    def __init__(self, urls, stop_at):
        super().__init__(daemon=True)
        self.urls, self.stop_at, self.stats = urls, stop_at, hls_viewers.Stats()

    def run(self):
        async def players():
            await asyncio.gather(*(hls_viewers.viewer(url, self.stats, self.stop_at, i * 0.25)
                                   for i, url in enumerate(self.urls)))
        asyncio.run(players())


def stop_process(process, timeout=10):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def summarize(samples, warmup_s):
    after = [s for s in samples if s["t"] >= warmup_s] or samples[-1:]
    start, end = after[0]["rss_kib"], after[-1]["rss_kib"]
    slope = slope_per_minute([(s["t"], s["rss_kib"]) for s in after])
    cpu = [s["cpu_percent"] for s in after if s["cpu_percent"] is not None]
    return {
        "rss_after_warmup_mib": round(start / 1024, 2),
        "rss_end_mib": round(end / 1024, 2),
        "rss_max_mib": round(max(s["rss_kib"] for s in samples) / 1024, 2),
        "rss_growth_percent": round(100 * (end - start) / start, 2),
        "rss_slope_kib_per_min": round(slope, 1),
        "rss_slope_percent_per_min": round(100 * slope / start, 3),
        "cpu_percent_mean": round(sum(cpu) / len(cpu), 1) if cpu else None,
        "cpu_percent_max": round(max(cpu), 1) if cpu else None,
        "load1_mean": round(sum(s["load1"] for s in after) / len(after), 2),
        "load1_max": round(max(s["load1"] for s in after), 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2, help="minutes before the RSS baseline")
    parser.add_argument("--publishers", type=int, default=5)
    parser.add_argument("--viewers", type=int, default=200, help="WebSocket viewers, over the rooms")
    parser.add_argument("--players", type=int, default=20, help="HLS players, over the streams")
    parser.add_argument("--comment-rate", type=float, default=3, help="comments per second, all rooms")
    parser.add_argument("--liverelay", default=BINARY)
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "soak.json"))
    args = parser.parse_args()
    if not os.path.exists(args.liverelay):
        sys.exit("build the release binary first: scripts/build release")
    if args.warmup >= args.minutes:
        sys.exit("--warmup must be shorter than --minutes")
    raise_fd_limit()
    sample, ws_load = sample_file(), ws_load_binary()
    duration = args.minutes * 60
    workdir = tempfile.mkdtemp(prefix="liverelay-soak-")
    rtmp, http = free_port(), free_port()
    names = [f"soak{i}" for i in range(args.publishers)]
    server, publishers, loads = None, [], []
    try:
        config = os.path.join(workdir, "liverelay.toml")
        with open(config, "w") as f:  # every viewer socket comes from 127.0.0.1
            f.write("[room]\nmax_connections_per_address = 1000000\n")
        log_path = os.path.join(workdir, "liverelay.log")
        server = subprocess.Popen(
            [args.liverelay, "--rtmp", f"127.0.0.1:{rtmp}", "--http", f"127.0.0.1:{http}", "--webrtc", "127.0.0.1:0",
             "--data-dir", os.path.join(workdir, "data"), "--config", config],
            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
        wait_for(lambda: get_json(http, "/api/v1/server"), 10, "liverelay")
        for name in names:
            publishers.append(subprocess.Popen(
                ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", sample,
                 "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{rtmp}/live/{name}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(workdir, f"{name}.ffmpeg.log"), "w")))
        for name in names:
            wait_for(lambda: get_json(http, f"/api/v1/streams/{name}").get("hls", {}).get("segments", 0) >= 2,
                     30, f"{name} live with two segments")

        started = time.monotonic()
        for i, name in enumerate(names):
            viewers = args.viewers // len(names) + (i < args.viewers % len(names))
            out = os.path.join(workdir, f"{name}.ws_load.json")
            loads.append((name, out, subprocess.Popen(
                [ws_load, "--url", f"ws://127.0.0.1:{http}/live/{name}/ws", "--viewers", str(viewers),
                 "--senders", "1", "--rate", str(args.comment_rate / len(names)), "--duration", str(duration),
                 "--connect-rate", "200", "--threads", "1", "--drain-timeout", str(WS_DRAIN_S), "--json"],
                stdout=open(out, "w"), stderr=subprocess.STDOUT)))
        urls = [f"http://127.0.0.1:{http}/live/{names[i % len(names)]}/index.m3u8" for i in range(args.players)]
        players = HlsPlayers(urls, started + duration)
        players.start()

        samples, exits = [], []
        cpu_before, at_before = cpu_seconds(server.pid), time.monotonic()
        print(f"soak: {args.publishers} publishers, {args.viewers} WebSocket viewers, {args.players} HLS players, "
              f"{args.minutes:g} min (warm-up {args.warmup:g}), server pid {server.pid}", flush=True)
        for tick in range(int(duration // SAMPLE_EVERY_S) + 1):
            time.sleep(max(0.0, started + tick * SAMPLE_EVERY_S - time.monotonic()))
            if server.poll() is not None:
                raise RuntimeError(f"the server exited ({server.returncode}); log: {log_path}")
            now, cpu = time.monotonic(), cpu_seconds(server.pid)
            samples.append({"t": round(now - started, 1), "rss_kib": rss_kib(server.pid),
                            "cpu_percent": round(100 * (cpu - cpu_before) / (now - at_before), 1) if tick else None,
                            "load1": os.getloadavg()[0]})
            cpu_before, at_before = cpu, now
            for name, p in zip(names, publishers):
                if p.poll() is not None and not any(e["stream"] == name for e in exits):
                    exits.append({"stream": name, "at_s": samples[-1]["t"], "code": p.returncode})
            if tick % 12 == 0:
                s = samples[-1]
                print(f"  {s['t']:6.0f} s  RSS {s['rss_kib'] / 1024:7.1f} MiB  CPU {s['cpu_percent'] or 0:5.1f} %  "
                      f"load {s['load1']:.2f}  segments {players.stats.segments}", flush=True)

        streams = {name: get_json(http, f"/api/v1/streams/{name}") for name in names}
        players.join(timeout=30)
        ws = {}
        for name, out, p in loads:
            try:
                p.wait(timeout=WS_DRAIN_S + 60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            with open(out) as f:
                lines = [line for line in f.read().splitlines() if line.startswith("{")]
            ws[name] = json.loads(lines[-1]) if lines else {"error": f"ws_load exited {p.returncode} with no report"}
        problems_live = log_problems(log_path)
        for p in publishers:
            stop_process(p)
        server_exit = stop_process(server)
        problems_all = log_problems(log_path)

        ws_errors = sum(r.get("connect_failures", 0) + r.get("disconnected", 0) + max(0, r.get("deliveries_lost", 0))
                        + r.get("comments_refused", 0) + r.get("other_errors", 0) + ("error" in r) for r in ws.values())
        hls_errors = sum(players.stats.errors.values())
        errors = {
            "server_log_warnings": len(problems_live),
            "server_log_warnings_at_shutdown": len(problems_all) - len(problems_live),
            "server_exit_code": server_exit,
            "hls_failed_fetches": hls_errors,
            "ws_failures": ws_errors,
            "publisher_exits": len(exits),
        }
        error_count = (len(problems_all) + hls_errors + ws_errors + len(exits) + (server_exit != 0))
        result = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "binary": os.path.relpath(args.liverelay, ROOT),
            "minutes": args.minutes, "warmup_minutes": args.warmup, "publishers": args.publishers,
            "ws_viewers": args.viewers, "hls_players": args.players, "cores": os.cpu_count(),
            **summarize(samples, args.warmup * 60),
            "errors": errors, "error_count": error_count,
            "segments_fetched": players.stats.segments, "late_segments": players.stats.late,
            "hls_bytes": players.stats.bytes, "hls_errors_by_kind": players.stats.errors,
            "comments_sent": sum(r.get("comments_sent", 0) for r in ws.values()),
            "comment_deliveries_expected": sum(r.get("deliveries_expected", 0) for r in ws.values()),
            "comment_deliveries": sum(r.get("deliveries_received", 0) for r in ws.values()),
            "comment_latency_p99_ms_worst_room": max((r.get("latency_ms", {}).get("p99", 0) for r in ws.values()), default=0),
            "ws_sockets_connected": sum(r.get("viewers_connected", 0) + r.get("senders_connected", 0) for r in ws.values()),
            "ingest_dropped_packets": sum(s.get("ingest", {}).get("dropped_packets", 0) for s in streams.values()),
            "recording_errors": sum(s.get("recording", {}).get("errors", 0) for s in streams.values()),
            "publisher_exits": exits,
            "server_log_problems": problems_all[:20],
            "ws_load": ws,
            "samples": samples,
        }
        result["pass"] = result["rss_growth_percent"] < 5 and error_count == 0
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
        brief = {k: v for k, v in result.items() if k not in ("samples", "ws_load", "server_log_problems")}
        print(json.dumps(brief, indent=1))
        print(f"soak {'PASS' if result['pass'] else 'FAIL'}: RSS {result['rss_after_warmup_mib']} -> "
              f"{result['rss_end_mib']} MiB ({result['rss_growth_percent']:+.2f} %, "
              f"{result['rss_slope_kib_per_min']:+.0f} KiB/min), {error_count} errors; full report in {args.out}")
        return 0 if result["pass"] else 1
    finally:
        for _, _, p in loads:
            if p.poll() is None:
                p.kill()
                p.wait()
        for p in publishers:
            stop_process(p)
        if server is not None:
            stop_process(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
