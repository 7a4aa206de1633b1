"""HLS scenarios: serving (wrk at 100 and 1,000 connections, the playlist and one segment, liverelay
from memory against nginx serving the same bytes from disk), and players (bench/hls_viewers.py,
liverelay against nginx-rtmp's HLS served by the same nginx, one 2.5 Mb/s stream), with the time
from the publish to the first segment listed."""
import os
import re
import subprocess
import sys
import time

from .common import BENCH, CpuWindow, get, last_json, raise_fd_limit, wait_for
from .rtmp_scenarios import Load
from .servers import LiveRelay, NginxRtmp, NginxStatic

UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def wrk(url, connections, seconds):
    """(requests/s, MB/s, errors) from wrk -t1."""
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s", url],
                         capture_output=True, text=True, check=True, preexec_fn=raise_fd_limit).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out).groups()
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(value) * UNITS[unit] / 1e6, errors + (int(non_2xx.group(1)) if non_2xx else 0)


def playlist_segments(url):
    try:
        text = get(url).decode()
    except OSError:
        return []
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def serving(ctx):
    r = ctx.results
    with LiveRelay(hls="window = 120") as ours, Load(ours.rtmp_url("bench"), ctx.media) as load:
        playlist = ours.playlist_url("bench")
        wait_for(lambda: load.check() and len(playlist_segments(playlist)) >= 2, 20, "two segments")
        segment = playlist_segments(playlist)[0]
        names = {"playlist": "index.m3u8", "segment": segment}
        files = {f"live/bench/{name}": get(ours.base_url("bench") + name) for name in names.values()}
        with NginxStatic(files) as anchor:
            bases = {"liverelay": ours.base_url("bench"), "anchor": f"http://127.0.0.1:{anchor.http_port}/live/bench/"}
            ctx.log(f"HLS serving: playlist {len(files['live/bench/index.m3u8'])} bytes, "
                    f"segment {len(files['live/bench/' + segment])} bytes")
            for what, name in names.items():
                for connections in ctx.plan.connections:
                    for _ in range(ctx.plan.rounds):
                        for side in ("liverelay", "anchor"):
                            rps, mbps, errors = wrk(bases[side] + name, connections, ctx.plan.wrk_seconds)
                            r.run("hls_serving", side, connections, {"what": what, "rps": rps, "mb_per_s": mbps,
                                                                    "errors": errors})
                            ctx.log(f"HLS {what} {connections:>4} connections {side:<9} {rps:9.0f} req/s "
                                    f"{mbps:8.1f} MB/s, errors {errors}")
                            if errors:
                                r.note(f"wrk {what} at {connections} on {side}: {errors} errors")
                            r.add("hls_serving", f"{what} requests/s", "req/s", "higher", side, rps, connections,
                                  "nginx", plot="hls_serving")
                            r.add("hls_serving", f"{what} MB/s", "MB/s", "higher", side, mbps, connections,
                                  "nginx")


def viewers_run(ctx, server):
    """The publish, its first segment, then the players; server CPU over the players' window."""
    playlist = server.playlist_url("bench")
    started = time.monotonic()
    with Load(server.rtmp_url("bench"), ctx.media) as load:
        wait_for(lambda: load.check() and playlist_segments(playlist), 20, "the first segment")
        first_segment_ms = 1000 * (time.monotonic() - started)
        join = 1.0
        viewers = subprocess.Popen([sys.executable, os.path.join(BENCH, "hls_viewers.py"), "--url", playlist,
                                    "--viewers", str(ctx.plan.hls_viewers), "--seconds", str(ctx.plan.hls_window + join),
                                    "--join-spread", str(join)], stdout=subprocess.PIPE, text=True,
                                   preexec_fn=raise_fd_limit)
        time.sleep(join)
        window = CpuWindow(server.pids).start()
        own = CpuWindow([viewers.pid]).start()
        time.sleep(ctx.plan.hls_window)
        cpu, viewers_cpu = window.stop(), own.stop()
        out, _ = viewers.communicate(timeout=30)
        load.check()
    report = last_json(out, "hls_viewers")
    return {"first_segment_ms": first_segment_ms, "cpu_percent": cpu, "viewers_cpu_percent": viewers_cpu, **report}


def viewers(ctx):
    r, count = ctx.results, ctx.plan.hls_viewers
    anchor = "nginx-rtmp"
    for _ in range(ctx.plan.rounds):
        for side, make in (("liverelay", LiveRelay), ("anchor", lambda: NginxRtmp(hls=True))):
            with make() as server:
                f = viewers_run(ctx, server)
            r.run("hls_viewers", side, count, f)
            ctx.log(f"HLS {count} players {server.name:<16} CPU {f['cpu_percent']:5.1f} %, {f['segments']} segments "
                    f"{f['mb_per_s']:.1f} MB/s, fetch p99 {f['segment_fetch_ms']['p99'] or 0:.1f} ms, late {f['late_segments']}, "
                    f"errors {f['errors'] or 'none'}; first segment {f['first_segment_ms']:.0f} ms after the publish; "
                    f"hls_viewers CPU {f['viewers_cpu_percent']:.0f} %")
            if f["errors"]:
                r.note(f"HLS players on {server.name}: errors {f['errors']}")
            r.add("hls_viewers", "server CPU (% of a core)", "%", "lower", side, f["cpu_percent"], count, anchor)
            r.add("hls_viewers", "segment fetch p99 (ms)", "ms", "lower", side, f["segment_fetch_ms"]["p99"], count, anchor)
            r.add("first_frame", "HLS: publish to first segment listed (ms)", "ms", "lower", side,
                  f["first_segment_ms"], None, "nginx-rtmp")
