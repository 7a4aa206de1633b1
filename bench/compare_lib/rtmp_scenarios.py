"""RTMP scenarios against nginx-rtmp with `hls on` (liverelay always packages HLS): ingest CPU and
memory per stream at 1/10/50/100 publishers (bench/rtmp_load --publish, one process for all of
them), RTMP play fan-out CPU at 100 players, and publish-to-first-frame at a player that joins as
the publish starts."""
import signal
import subprocess
import time

from .common import RTMP_LOAD, CpuWindow, last_json, rss_kib, wait_for
from .servers import LiveRelay, NginxRtmp

ANCHOR = "nginx-rtmp"
IDLE_SECONDS = 2


class Load:
    """bench/rtmp_load in the background until stopped (SIGTERM: it reports and exits)."""

    def __init__(self, url, media, publishers=1, players=0, spread_ms=0):
        self.process = subprocess.Popen(
            [RTMP_LOAD, "--url", url, "--publish", str(publishers), "--flv", media, "--players", str(players),
             "--spread-ms", str(spread_ms), "--seconds", "900"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def check(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"rtmp_load exited early: {self.process.stderr.read()[-1000:]}")
        return True

    def finish(self):
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=20)
        return last_json(out, f"rtmp_load ({err[-500:]})")


def servers():
    return (("liverelay", LiveRelay), ("anchor", lambda: NginxRtmp(hls=True)))


def ingest_run(ctx, server, streams):
    idle_rss = rss_kib(server.pids)
    idle = None
    if streams == min(ctx.plan.streams):  # what the server costs with nothing to do
        window = CpuWindow(server.pids).start()
        time.sleep(IDLE_SECONDS)
        idle = window.stop()
    with Load(server.rtmp_url("bench"), ctx.media, publishers=streams, spread_ms=ctx.plan.spread_ms) as load:
        # Every stream in its playlist: ingest and HLS both in their steady state.
        wait_for(lambda: load.check() and server.segments_listed() >= streams, 20 + streams * 0.2,
                 f"{streams} streams listed by {server.name}")
        window, own = CpuWindow(server.pids).start(), CpuWindow([load.process.pid]).start()
        time.sleep(ctx.plan.window)
        cpu, load_cpu, rss = window.stop(), own.stop(), rss_kib(server.pids)
        delays = [(s.get("hls") or {}).get("listing_delay_ms") or {} for s in server.streams()] \
            if isinstance(server, LiveRelay) else []
        report = load.finish()["publish"]
    if report["published"] != streams or report["errors"]:
        ctx.results.note(f"ingest {streams} on {server.name}: {report['published']}/{streams} published, "
                         f"errors {report['errors'][:2]}")
    return {"idle_cpu_percent": idle, "cpu_percent": cpu, "cpu_per_stream": cpu / streams, "rss_delta_per_stream_kib": (rss - idle_rss) / streams,
            "rss_kib": rss, "idle_rss_kib": idle_rss, "load_cpu_percent": load_cpu,
            "publisher_max_late_ms": report["max_late_ms"]["max"],
            "listing_delay_p50_ms": max((d["p50"] for d in delays if d.get("p50") is not None), default=None),
            "listing_delay_p99_ms": max((d["p99"] for d in delays if d.get("p99") is not None), default=None)}


def ingest(ctx):
    r = ctx.results
    for streams in ctx.plan.streams:
        for _ in range(ctx.plan.rounds):
            for side, make in servers():
                with make() as server:
                    f = ingest_run(ctx, server, streams)
                r.run("ingest", side, streams, f)
                ctx.log(f"ingest {streams:>3} streams {server.name:<16} CPU {f['cpu_percent']:6.2f} % "
                        f"({f['cpu_per_stream']:.3f} per stream), RSS +{f['rss_delta_per_stream_kib']:.0f} KiB per stream, "
                        f"rtmp_load {f['load_cpu_percent']:.1f} %, publishers late {f['publisher_max_late_ms']:.0f} ms at most")
                r.add("ingest", "CPU per stream (% of a core)", "%", "lower", side, f["cpu_per_stream"], streams, ANCHOR,
                      plot="ingest_cpu")
                if streams == max(ctx.plan.streams):
                    r.add("ingest", "memory per stream (RSS delta / streams, KiB)", "KiB", "lower", side,
                          f["rss_delta_per_stream_kib"], streams, ANCHOR)
                if f["idle_cpu_percent"] is not None:
                    r.add("ingest", "idle server CPU, no stream (% of a core)", "%", "lower", side,
                          f["idle_cpu_percent"], None, ANCHOR)
                if side == "liverelay" and streams == max(ctx.plan.streams):
                    r.add("ingest", "segment listing delay, worst stream p99 (ms, liverelay's own measure)", "ms",
                          "lower", side, f["listing_delay_p99_ms"], streams)


def play(ctx):
    """One publisher and N players from one rtmp_load; the players start as the publish starts."""
    r, players = ctx.results, ctx.plan.players
    for _ in range(ctx.plan.rounds):
        for side, make in servers():
            with make() as server:
                with Load(server.rtmp_url("bench"), ctx.media, publishers=1, players=players) as load:
                    time.sleep(ctx.plan.play_settle)  # connects, the first GOP, the next keyframe for nginx
                    load.check()
                    window = CpuWindow(server.pids).start()
                    time.sleep(ctx.plan.window)
                    cpu = window.stop()
                    report = load.finish()
            playing = report["playing"]
            first = (report.get("first_frame_since_publish_ms") or {}).get("p50")
            r.run("rtmp_play", side, players, {"cpu_percent": cpu, **report})
            ctx.log(f"RTMP play {players} players {server.name:<16} CPU {cpu:5.1f} %, {playing}/{players} playing, "
                    f"first frame {first or 0:.0f} ms after the publish (p50), errors {report['errors'][:2]}")
            if playing != players or report["errors"]:
                r.note(f"RTMP play on {server.name}: {playing}/{players} playing, errors {report['errors'][:2]}")
            r.add("rtmp_play", "server CPU (% of a core)", "%", "lower", side, cpu, players, ANCHOR)
            r.add("first_frame", "RTMP: publish to first frame at a player joining then, p50 (ms)", "ms", "lower",
                  side, first, None, ANCHOR)
            r.add("rtmp_play", "first frame after the player's connect, p50 (ms)", "ms", "lower", side,
                  report["first_frame_ms"]["p50"], players, ANCHOR)
