#!/usr/bin/env python3
"""Glass-to-glass latency: the wall clock burnt into each published frame (publisher.py) against
the wall clock when headless Chromium presents that frame through hls.js (reader.mjs), for
liverelay and, as the anchor, nginx with libnginx-mod-rtmp's HLS, one after the other; or, with
--mode webrtc, through an RTCPeerConnection playing liverelay's WHEP endpoint (nginx-rtmp has
no WebRTC: liverelay only).

    bench/glass/glass.py [--bin build/server/liverelay] [--mode hls|llhls|webrtc] [--seconds 30]
                         [--warmup 5] [--segment-s 1] [--targets liverelay,nginx] [--rounds 1]
                         [--bframes 0]
    bench/glass/glass.py --self-check      # the decode, with no server: must pass first

Setup: the packages of DEPS.md (ffmpeg, nginx-light, libnginx-mod-rtmp, chromium), `npm ci` in
tests/ (playwright-core) and web/ (hls.js), a release build. No numpy. Loopback only.

Both servers get the same segment length (liverelay `[hls] segment_s`, nginx `hls_fragment`,
1 s = the publisher's GOP) and a 4 s playlist; the page uses liverelay's own player settings
(`liveDurationInfinity`, `backBufferLength: 30`) with `lowLatencyMode` false for --mode hls,
true for --mode llhls (liverelay then runs fMP4 with `[hls] low_latency = true`; nginx-rtmp has
no LL-HLS and is measured with the same page). --mode webrtc: the page POSTs a recvonly offer
(video + audio, no ICE servers) to /live/glass/whep and shows the MediaStream in the same video
element; Chromium's own receive statistics over the window (jitter buffer, decode time, freezes)
are reported with the latencies. The publisher sends no B-frames (passthrough); `--bframes 2`
makes it use B-frames, which liverelay re-encodes for WebRTC. Prints one human line per run, a
table, and the whole result as JSON on the last line of stdout.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import publisher  # noqa: E402
from self_check import self_check  # noqa: E402
from servers import NGINX_RTMP_MODULE, LiveRelay, NginxRtmp, PlaylistWatcher, get, playlist_segments, stop, wait_for  # noqa: E402,E501

READER = os.path.join(HERE, "reader.mjs")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def stats(latencies):
    values = sorted(latencies)
    if not values:
        return {"samples": 0}
    return {"samples": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99), "max": values[-1], "min": values[0]}


def run_reader(args, src, extra=(), seconds=None, warmup=None):
    seconds = args.seconds if seconds is None else seconds
    warmup = args.warmup if warmup is None else warmup
    command = ["node", READER, "--src", src, "--mode", args.mode, "--seconds", str(seconds),
               "--warmup", str(warmup), "--hlsjs", args.hlsjs, *extra]
    deadline = seconds + warmup + 150  # the reader has its own deadlines; this is the backstop
    done = subprocess.run(command, capture_output=True, text=True, timeout=deadline)
    if done.returncode != 0:
        raise RuntimeError(f"reader failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(server, args):
    """One run: the server up, the publisher pushing, the reader measuring; all stopped at the end."""
    workdir = tempfile.mkdtemp(prefix="liverelay-glass-")
    pusher = None
    name = "glass"
    try:
        server.start(workdir)
        pusher = subprocess.Popen([sys.executable, publisher.__file__, server.publish_url(name),
                                   "--bitrate", args.bitrate, "--seconds", str(args.warmup + args.seconds + 180),
                                   "--bframes", str(args.bframes)],
                                  stdin=subprocess.DEVNULL)
        if args.mode == "webrtc":
            return measure_webrtc(server, args, pusher, name)
        playlist = server.playlist_url(name)
        wait_for(lambda: pusher.poll() is None and len(playlist_segments(playlist)) >= 2, 30, f"{playlist} to list 2 segments")
        watcher = PlaylistWatcher(playlist, workdir)
        watcher.start()
        try:
            result = run_reader(args, playlist, extra=["--screenshot", args.screenshot] if args.screenshot else [])
        finally:
            watcher.done.set()
            watcher.join(timeout=10)
        result["listing_delay_ms"] = stats(watcher.listing_delays())
        if pusher.poll() is not None:
            raise RuntimeError(f"{server.name}: the publisher exited early ({pusher.returncode}); "
                               f"server log:\n{server.log_tail()}")
        latencies = result.pop("latencies_ms")
        result["latency_ms"] = stats(latencies)
        implausible = [v for v in latencies if v < 0 or v > 60000]
        if implausible:
            raise RuntimeError(f"{server.name}: {len(implausible)} implausible latencies, e.g. {implausible[:3]}: a bad decode")
        result["playlist"] = get(playlist).decode()
        result["playlist_has_parts"] = "#EXT-X-PART:" in result["playlist"]
        if args.mode == "llhls" and not result["playlist_has_parts"]:
            print(f"note: {server.name} served no EXT-X-PART: this is plain HLS played with lowLatencyMode", file=sys.stderr)
        return result
    finally:
        if pusher is not None:
            stop(pusher)
        if hasattr(server, "process"):
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def measure_webrtc(server, args, pusher, name):
    """The WebRTC run: the reader plays the WHEP endpoint once the stream has video."""
    wait_for(lambda: pusher.poll() is None and server.has_video(name), 30, f"{name} to be live with video")
    extra = (["--screenshot", args.screenshot] if args.screenshot else []) + (["--video-only"] if args.video_only else [])
    result = run_reader(args, server.whep_url(name), extra=extra)
    if pusher.poll() is not None:
        raise RuntimeError(f"{server.name}: the publisher exited early ({pusher.returncode}); server log:\n{server.log_tail()}")
    latencies = result.pop("latencies_ms")
    result["latency_ms"] = stats(latencies)
    result["listing_delay_ms"] = {"samples": 0}
    result["receiver"] = receiver_window(result.pop("webrtc_at_start", None), result.get("webrtc"))
    implausible = [v for v in latencies if v < 0 or v > 60000]
    if implausible:
        raise RuntimeError(f"{server.name}: {len(implausible)} implausible latencies, e.g. {implausible[:3]}: a bad decode")
    return result


def receiver_window(start, end):
    """Chromium's inbound video statistics over the measured window (webrtc-stats deltas)."""
    if not start or not end:
        return {}

    def delta(key):
        return (end.get(key) or 0) - (start.get(key) or 0)
    emitted, decoded = delta("jitterBufferEmittedCount"), delta("framesDecoded")
    audio_emitted, samples = delta("audioJitterBufferEmittedCount"), delta("totalSamplesCount")
    return {"jitter_buffer_ms": round(1000 * delta("jitterBufferDelay") / emitted, 1) if emitted else None,
            "audio_jitter_buffer_ms": round(1000 * delta("audioJitterBufferDelay") / audio_emitted, 1) if audio_emitted else None,
            "audio_playout_ms": round(1000 * delta("totalPlayoutDelay") / samples, 1) if samples else None,
            "decode_ms": round(1000 * delta("totalDecodeTime") / decoded, 2) if decoded else None,
            "frames_decoded": decoded, "frames_dropped": delta("framesDropped"), "freezes": delta("freezeCount"),
            "packets_lost": delta("packetsLost"), "nacks": delta("nackCount"), "plis": delta("pliCount"),
            "codec": end.get("mimeType"), "audio_codec": end.get("audioMimeType"),
            "size": f"{end.get('frameWidth')}x{end.get('frameHeight')}",
            "rtt_ms": round(1000 * end["roundTripTime"], 1) if end.get("roundTripTime") is not None else None}


def human(name, result):
    s = result["latency_ms"]
    if not s["samples"]:
        return f"{name}: no samples"
    if "receiver" in result:
        r = result["receiver"]
        return (f"{name} WebRTC: glass-to-glass p50 {s['p50']} ms, p90 {s['p90']} ms, p99 {s['p99']} ms, max {s['max']} ms "
                f"over {s['samples']} frames (missed {result['missed_frames']}, check failures {result['check_failures']}, "
                f"first frame after {result['first_frame_s']:.1f} s); Chromium: {r.get('codec')} {r.get('size')} + "
                f"{r.get('audio_codec')}, jitter buffer {r.get('jitter_buffer_ms')} ms, decode {r.get('decode_ms')} ms, "
                f"audio jitter buffer {r.get('audio_jitter_buffer_ms')} ms, audio playout {r.get('audio_playout_ms')} ms, "
                f"freezes {r.get('freezes')}, lost {r.get('packets_lost')}, NACKs {r.get('nacks')}, PLIs {r.get('plis')}, "
                f"errors {result['hls_errors'] or 'none'}")
    return (f"{name}: glass-to-glass p50 {s['p50']} ms, p90 {s['p90']} ms, p99 {s['p99']} ms, max {s['max']} ms "
            f"over {s['samples']} frames (missed {result['missed_frames']}, check failures {result['check_failures']}, "
            f"stalls {result['stalls']}, first frame after {result['first_frame_s']:.1f} s, "
            f"hls.js {result.get('hls_latency_s') or 0:.2f} s behind the playlist's edge); "
            f"segments listed {listing(result)} after the keyframe that closes them")


def listing(result):
    d = result["listing_delay_ms"]
    return f"p50 {d['p50']} / max {d['max']} ms ({d['samples']})" if d["samples"] else "n/a"


def median_of(runs, key):
    return sorted(r["latency_ms"].get(key, 0) for r in runs)[len(runs) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "server", "liverelay"))
    parser.add_argument("--mode", choices=["hls", "llhls", "webrtc"], default="hls")
    parser.add_argument("--seconds", type=float, default=30, help="measured window per run, after the warm-up")
    parser.add_argument("--warmup", type=float, default=5, help="seconds after the first decoded frame left out")
    parser.add_argument("--segment-s", type=float, default=1.0, help="HLS segment target for both servers")
    parser.add_argument("--part-s", type=float, help="--mode llhls: liverelay's [hls] part_s (default: its own)")
    parser.add_argument("--bitrate", default="600k")
    parser.add_argument("--bframes", type=int, default=0,
                        help="B-frames in the published H.264 (0: none; with --mode webrtc, >0 makes liverelay re-encode)")
    parser.add_argument("--video-only", action="store_true",
                        help="--mode webrtc: offer no audio (shows what lip sync with the Opus track costs)")
    parser.add_argument("--targets", default="liverelay,nginx")
    parser.add_argument("--rounds", type=int, default=1, help="A B alternations")
    parser.add_argument("--hlsjs", default="{}", help="extra hls.js config (JSON), e.g. '{\"maxLiveSyncPlaybackRate\":1.5}'")
    parser.add_argument("--screenshot", help="PNG of the reader page at the end of each run (debugging)")
    parser.add_argument("--self-check", action="store_true", help="verify the decode with no server and exit")
    args = parser.parse_args()
    if args.self_check:
        if args.mode == "webrtc":  # the page's decode is the same; the known frames come from a VOD playlist
            args.mode = "hls"
        sys.exit(0 if self_check(args, run_reader) else 1)
    targets = args.targets.split(",")
    if args.mode == "webrtc" and "nginx" in targets:
        print("note: nginx-rtmp has no WebRTC output: measuring liverelay only", file=sys.stderr)
        targets = [t for t in targets if t != "nginx"]
    if "liverelay" in targets and not os.access(args.bin, os.X_OK):
        sys.exit(f"no liverelay binary at {args.bin}: build a release one or pass --bin")
    if "nginx" in targets and not os.path.exists(NGINX_RTMP_MODULE):
        sys.exit("nginx-rtmp missing: apt-get install nginx-light libnginx-mod-rtmp")
    results = {t: [] for t in targets}
    for round_index in range(args.rounds):
        for target in targets:
            server = LiveRelay(args.bin, args.segment_s, args.mode, args.part_s) if target == "liverelay" else NginxRtmp(args.segment_s)
            result = measure(server, args)
            results[target].append(result)
            print(f"round {round_index + 1}: " + human(server.name, result), flush=True)
    print(f"\nglass-to-glass, --mode {args.mode}, segments {args.segment_s:g} s, {args.seconds:g} s measured after "
          f"{args.warmup:g} s warm-up, {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}")
    if args.mode == "webrtc":
        webrtc_table(results, args)
    else:
        hls_table(results)
    for target, runs in results.items():
        if len(runs) > 1:
            print(f"{target}: median over {len(runs)} rounds: p50 {median_of(runs, 'p50')} ms, "
                  f"p99 {median_of(runs, 'p99')} ms")
    print(json.dumps({"mode": args.mode, "segment_s": args.segment_s, "seconds": args.seconds, "warmup": args.warmup,
                      "bframes": args.bframes, "load_average": os.getloadavg(), "results": results}))


def webrtc_table(results, args):
    print(f"publisher B-frames: {args.bframes} ({'liverelay re-encodes' if args.bframes else 'passthrough'})")
    print("| server | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | frames | missed | freezes | jitter buffer (ms) "
          "| decode (ms) | lost / NACKs / PLIs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for runs in results.values():
        for r in runs:
            s, c = r["latency_ms"], r["receiver"]
            print(f"| liverelay WebRTC | {s.get('p50')} | {s.get('p90')} | {s.get('p99')} | {s.get('max')} | {s['samples']} | "
                  f"{r['missed_frames']} | {c.get('freezes')} | {c.get('jitter_buffer_ms')} | {c.get('decode_ms')} | "
                  f"{c.get('packets_lost')} / {c.get('nacks')} / {c.get('plis')} |")


def hls_table(results):
    print("| server | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | frames | missed | stalls "
          "| hls.js behind edge (s) | segment listed after capture, p50 / max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for target, runs in results.items():
        for r in runs:
            s = r["latency_ms"]
            print(f"| {'liverelay' if target == 'liverelay' else 'nginx-rtmp'} | {s.get('p50')} | {s.get('p90')} | "
                  f"{s.get('p99')} | {s.get('max')} | {s['samples']} | {r['missed_frames']} | {r['stalls']} | "
                  f"{r.get('hls_latency_s') or 0:.2f} | "
                  f"{r['listing_delay_ms'].get('p50')} / {r['listing_delay_ms'].get('max')} |")


if __name__ == "__main__":
    main()
