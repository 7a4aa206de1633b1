"""The glass-to-glass decode, verified with no server, so that a wrong decode cannot pass for a
latency: both decoders (pattern.py, glass_page.js) on raw patterns and single-bit flips, then a
known value sequence through the publisher's exact encoder, read back by ffmpeg + pattern.py and
by hls.js in Chromium from the canvas (bench/glass/glass.py --self-check).
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pattern  # noqa: E402
import publisher  # noqa: E402


def python_unit_check(values):
    """Raw pattern round trips, and every single flipped bit refused by the check code."""
    failures = []
    for value in values:
        got, ambiguous = pattern.decode(pattern.render(value))
        if got != value or ambiguous:
            failures.append(f"python decode of raw {value}: got {got}, {ambiguous} ambiguous")
        bits = pattern.payload_bits(value)
        for i in range(len(bits)):
            flipped = bits.copy()
            flipped[i] ^= 1
            if pattern.bits_value(flipped) is not None:
                failures.append(f"python: value {value} bit {i} flipped passes the check")
    return failures


def python_h264_check(playlist, sequence, failures):
    """Decodes every frame of the encoded playlist with ffmpeg and pattern.decode: all exact."""
    raw = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", playlist,
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, timeout=60, check=True).stdout
    size = pattern.WIDTH * pattern.HEIGHT
    decoded = [pattern.decode(raw[i:i + size]) for i in range(0, len(raw) - size + 1, size)]
    if [v for v, _ in decoded] != sequence:
        wrong = sum(1 for (v, _), want in zip(decoded, sequence) if v != want)
        failures.append(f"python decode after H.264: {wrong} of {len(sequence)} frames wrong, {len(decoded)} decoded")
    return decoded, sum(a for _, a in decoded)


def self_check(args, run_reader):
    """The decode, end to end with no server: a known value sequence encoded exactly as the
    publisher does (same pattern, same x264 settings), played by hls.js in Chromium from a
    local VOD playlist and decoded on the canvas; plus both decoders' unit checks."""
    # 1. Python: raw pattern round trip, and every single-bit flip refused by the check code.
    rng = random.Random(9)
    values = [0, (1 << 48) - 1, 0xAAAAAAAAAAAA, 0x555555555555, int(time.time() * 1000)] + \
        [rng.randrange(1 << 48) for _ in range(20)]
    failures = python_unit_check(values)
    workdir = tempfile.mkdtemp(prefix="liverelay-glass-check-")
    try:
        # 2. The publisher's encoder on 150 frames of known, irregular values (5 s, 1 s GOPs).
        base = int(time.time() * 1000)
        sequence = [base + i * 33 + rng.randrange(7) for i in range(150)]
        encoder = subprocess.Popen(publisher.encoder_args(args.bitrate) + [
            "-shortest", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
            os.path.join(workdir, "index.m3u8")], stdin=subprocess.PIPE)
        for i, value in enumerate(sequence):
            encoder.stdin.write(pattern.render(value, i))
        encoder.stdin.close()
        if encoder.wait(timeout=60) != 0:
            failures.append(f"encoder exited with {encoder.returncode}")
        # 3. ffmpeg's decode of the H.264 back to gray, read by the Python decoder: every frame exact.
        decoded, ambiguous = python_h264_check(os.path.join(workdir, "index.m3u8"), sequence, failures)
        # 4. Chromium: hls.js plays the same files; the page decodes from its canvas.
        cases = os.path.join(workdir, "cases.json")
        with open(cases, "w") as f:
            json.dump([{"value": v, "bits": pattern.payload_bits(v)} for v in values], f)
        page = run_reader(args, "/media/index.m3u8", seconds=20, warmup=0,
                          extra=["--serve-dir", workdir, "--until-ended", "--unit-cases", cases, "--values"])
        failures += [f"page unit check: {f}" for f in page["unit_failures"]]
        known = set(sequence)
        foreign = [v for v in page["values"] if v not in known]
        if foreign:
            failures.append(f"page decoded {len(foreign)} values that were never encoded, e.g. {foreign[:3]}")
        if page["values"] != sorted(page["values"]):
            failures.append("page decoded values out of order")
        seen = len(set(page["values"]) & known)
        if seen < 0.8 * len(sequence):
            failures.append(f"page decoded only {seen} of {len(sequence)} frames")
        report = {"self_check": "fail" if failures else "pass", "failures": failures,
                  "python_raw_values": len(values), "python_h264_frames": len(decoded), "python_ambiguous_blocks": ambiguous,
                  "page_frames_decoded": seen, "page_frames_encoded": len(sequence),
                  "page_check_failures": page["check_failures"], "page_callback": page["callback"],
                  "page_errors": page["hls_errors"] + page["page_errors"]}
        print(f"self-check {report['self_check']}: python raw {len(values)} values + every 1-bit flip refused; "
              f"python after H.264 {len(decoded)}/{len(sequence)} frames exact; Chromium canvas via hls.js "
              f"{seen}/{len(sequence)} frames decoded, {len(foreign)} values never encoded, "
              f"{page['check_failures']} frames refused by the check code ({page['callback']})")
        for failure in failures:
            print(f"  FAIL {failure}")
        print(json.dumps(report))
        return not failures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
