#!/usr/bin/env python3
"""Glass-to-glass publisher: writes 640x360 30 fps gray frames carrying the wall clock (ms since
the epoch, sampled right before each frame is built and written) to ffmpeg's stdin; ffmpeg
encodes libx264 -tune zerolatency (no B-frames, 1 s GOP) + AAC silence and pushes FLV over RTMP.
`--bframes N` keeps everything else and lets x264 use up to N B-frames (what makes liverelay
re-encode for WebRTC; the reordering delays the publisher's output by up to N frames).

    bench/glass/publisher.py rtmp://127.0.0.1:1935/live/glass [--seconds 60] [--bitrate 600k] [--bframes 0]

Runs until --seconds pass (0: until killed) or ffmpeg exits. Pacing is against a monotonic
schedule (frame i at start + i/30 s); a frame that is late is sent at once, never skipped, so a
stall shows up as latency.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pattern  # noqa: E402

FPS = 30


def encoder_args(bitrate, bframes=0):
    """ffmpeg arguments from the raw gray frames on stdin to H.264 + AAC (output not included)."""
    kbps = int(bitrate.rstrip("kK"))
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{pattern.WIDTH}x{pattern.HEIGHT}",
            "-framerate", str(FPS), "-thread_queue_size", "64", "-i", "pipe:0",
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
            "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-bf", str(bframes),
            "-g", str(FPS), "-keyint_min", str(FPS), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{kbps // 2}k",
            "-c:a", "aac", "-b:a", "64k"]


def publish(url, seconds, bitrate, bframes=0):
    ffmpeg = subprocess.Popen(encoder_args(bitrate, bframes) + ["-f", "flv", url], stdin=subprocess.PIPE)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    started = time.monotonic()
    frames = 0
    try:
        while not stop and (seconds <= 0 or frames < seconds * FPS) and ffmpeg.poll() is None:
            delay = started + frames / FPS - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            now_ms = time.time_ns() // 1_000_000  # sampled as the frame is generated
            ffmpeg.stdin.write(pattern.render(now_ms, frames))
            ffmpeg.stdin.flush()
            frames += 1
    except BrokenPipeError:
        pass
    finally:
        try:
            ffmpeg.stdin.close()
        except BrokenPipeError:
            pass
        ffmpeg.terminate()  # the silent audio source never ends by itself
        try:
            ffmpeg.wait(timeout=5)
        except subprocess.TimeoutExpired:
            ffmpeg.kill()
            ffmpeg.wait()
    late = time.monotonic() - started - frames / FPS
    print(f"publisher: {frames} frames, {late * 1000:.0f} ms behind schedule at the end", file=sys.stderr)
    return 0 if ffmpeg.returncode in (0, 255, -signal.SIGTERM) else ffmpeg.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--bitrate", default="600k")
    parser.add_argument("--bframes", type=int, default=0, help="x264 B-frames (0: none, as for WebRTC passthrough)")
    args = parser.parse_args()
    sys.exit(publish(args.url, args.seconds, args.bitrate, args.bframes) or 0)


if __name__ == "__main__":
    main()
