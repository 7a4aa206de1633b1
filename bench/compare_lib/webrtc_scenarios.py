"""Glass to glass (bench/glass/glass.py: the clock burnt into each published frame, read back by
headless Chromium) for HLS (against nginx-rtmp's HLS), LL-HLS and WebRTC (nginx-rtmp has neither:
liverelay alone), and WebRTC viewers per core (bench/whep_load, no anchor)."""
import json
import os
import subprocess
import sys
import time

from .common import BENCH, LIVERELAY, WHEP_LOAD, last_json, wait_for
from .rtmp_scenarios import Load
from .servers import LiveRelay

GLASS = os.path.join(BENCH, "glass", "glass.py")
# --mode -> (glass.py targets, extra arguments). LL-HLS runs with the player page's own catch-up rate.
MODES = {"hls": ("liverelay,nginx", []),
         "llhls": ("liverelay", ["--hlsjs", json.dumps({"maxLiveSyncPlaybackRate": 1.5})]),
         "webrtc": ("liverelay", [])}


def glass(ctx):
    r = ctx.results
    for mode, (targets, extra) in MODES.items():
        command = [sys.executable, GLASS, "--bin", LIVERELAY, "--mode", mode, "--seconds", str(ctx.plan.glass_seconds),
                   "--warmup", str(ctx.plan.glass_warmup), "--rounds", "1", "--targets", targets, *extra]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"glass.py --mode {mode} failed: {done.stderr[-1500:]}")
        out = last_json(done.stdout, f"glass.py --mode {mode}")
        for target, runs in out["results"].items():
            side = "liverelay" if target == "liverelay" else "anchor"
            for run in runs:
                latency, listing = run["latency_ms"], run.get("listing_delay_ms") or {}
                r.run(f"glass_{mode}", side, None, {"latency_ms": latency, "listing_delay_ms": listing,
                                                   "missed_frames": run.get("missed_frames"),
                                                   "stalls": run.get("stalls")})
                ctx.log(f"glass {mode:<6} {target:<9} p50 {latency.get('p50')} p99 {latency.get('p99')} ms over "
                        f"{latency.get('samples')} frames; listed after the closing keyframe p50 {listing.get('p50')} ms")
                if not latency.get("samples"):
                    r.note(f"glass {mode} on {target}: no frame decoded")
                    continue
                anchor = "nginx-rtmp" if mode == "hls" else None
                label = {"hls": "HLS (1 s segments)", "llhls": "LL-HLS (0.3 s parts)", "webrtc": "WebRTC (WHEP)"}[mode]
                for p in ("p50", "p99"):
                    r.add("glass", f"{label}, {p} (ms)", "ms", "lower", side, latency[p], None, anchor,
                          plot="glass")
                if mode == "hls" and listing.get("p50") is not None:
                    r.add("listing", "segment listed after its closing keyframe's capture, p50 (ms)", "ms", "lower",
                          side, listing["p50"], None, "nginx-rtmp")


def whep_window(ctx, viewers):
    with LiveRelay() as server, Load(server.rtmp_url("bench"), ctx.media_nobf) as load:
        def has_video():
            stream = server.api("/api/v1/streams/bench") or {}
            return load.check() and stream.get("video") and stream.get("ingest", {}).get("frames", 0) > 30
        wait_for(has_video, 20, "the stream to have video")
        time.sleep(1)  # a keyframe in the cache
        per_address = 50  # liverelay's default [webrtc] max_sessions_per_address
        command = [WHEP_LOAD, "--url", server.whep_url("bench"), "--viewers", str(viewers),
                   "--source-addresses", str(-(-viewers // per_address)), "--threads", "1",
                   "--warmup", str(ctx.plan.whep_warmup), "--seconds", str(ctx.plan.window),
                   "--server-pid", str(server.pids[0])]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return last_json(done.stdout, f"whep_load ({done.stderr[-500:]})")


def webrtc_viewers(ctx):
    r, viewers = ctx.results, ctx.plan.whep_viewers
    one, many = whep_window(ctx, 1), whep_window(ctx, viewers)
    for count, out in ((1, one), (viewers, many)):
        r.run("webrtc_viewers", "liverelay", count, out)
        w = out.get("window") or {}
        ctx.log(f"WebRTC {count:>3} viewers: server CPU {out['server']['cpu_percent']} %, whep_load "
                f"{out.get('client_cpu_percent')} %, connected {out.get('connected_at_end')}, failed {out.get('failed')}, "
                f"loss {w.get('video_loss_percent')} %")
        if out.get("failed"):
            r.note(f"WebRTC {count} viewers: {out.get('failed')} failed to connect")
        r.add("webrtc", "server CPU (% of a core)", "%", "lower", "liverelay", out["server"]["cpu_percent"], count,
              plot="webrtc_cpu")
    per_viewer = (many["server"]["cpu_percent"] - one["server"]["cpu_percent"]) / (viewers - 1)
    if per_viewer > 0:
        r.add("webrtc", "viewers per core (2.5 Mb/s, over 1 viewer)", "viewers", "higher", "liverelay",
              100 / per_viewer, viewers)
