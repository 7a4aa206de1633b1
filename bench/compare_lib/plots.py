"""bench/compare.py's plots (Debian's python3-matplotlib, run as /usr/bin/python3 -m ... on the
results JSON): CPU and latency against load, liverelay beside its anchor. Prints the PNGs it wrote.

    /usr/bin/python3 bench/compare_lib/plots.py RESULTS.json OUT_DIR
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OURS, THEIRS = "#1f6fb4", "#d9822b"


def cells(data, plot, figure=None):
    return [c for c in data["cells"] if c.get("plot") == plot and (figure is None or c["figure"] == figure)]


def series(cs, key):
    points = sorted((c["load"], c[key]) for c in cs if c.get(key) is not None and c["load"] is not None)
    return [p[0] for p in points], [p[1] for p in points]


def lines(ax, cs, scale=lambda load, v: v):
    anchor = next((c["anchor"] for c in cs if c.get("anchor")), None)
    for key, label, color in (("liverelay_median", "liverelay", OURS), ("anchor_median", anchor, THEIRS)):
        x, y = series(cs, key)
        if x and label:
            ax.plot(x, [scale(load, v) for load, v in zip(x, y)], "o-", color=color, label=label)
    ax.grid(True, alpha=0.3)
    ax.legend()


def ingest(data, out):
    cs = cells(data, "ingest_cpu")
    if not cs:
        return None
    fig, (total, per) = plt.subplots(1, 2, figsize=(10, 4))
    lines(total, cs, scale=lambda load, v: v * load)
    total.set(title="Ingest + HLS: server CPU", xlabel="RTMP publishers (2.5 Mb/s each)", ylabel="% of one core")
    lines(per, cs)
    per.set(title="CPU per stream", xlabel="RTMP publishers", ylabel="% of one core per stream", xscale="log")
    return save(fig, out, "ingest_cpu.png")


def ws(data, out):
    latency, deliveries = cells(data, "ws_latency"), cells(data, "ws_deliveries")
    if not latency:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    lines(left, latency)
    left.set(title="WebSocket delivery latency p99, 10 comments/s", xlabel="viewers", ylabel="ms", yscale="log")
    lines(right, deliveries)
    right.set(title="WebSocket deliveries/s, flood", xlabel="viewers", ylabel="deliveries per second")
    return save(fig, out, "ws_fanout.png")


def hls_serving(data, out):
    cs = cells(data, "hls_serving")
    if not cs:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, what in zip(axes, ("playlist", "segment")):
        lines(ax, [c for c in cs if c["figure"].startswith(what)])
        ax.set(title=f"HLS {what} requests/s (wrk -t1)", xlabel="connections", ylabel="requests per second",
               xscale="log")
    return save(fig, out, "hls_serving.png")


def glass(data, out):
    cs = cells(data, "glass")
    if not cs:
        return None
    bars = []  # (label, p50, p99, color)
    for mode in ("HLS", "LL-HLS", "WebRTC"):
        for key, who, color in (("liverelay_median", "liverelay", OURS), ("anchor_median", "nginx-rtmp", THEIRS)):
            values = {p: c.get(key) for p in ("p50", "p99") for c in cs
                      if c["figure"].startswith(f"{mode} (") and c["figure"].endswith(f"{p} (ms)")}
            if values.get("p50") is not None:
                bars.append((f"{who}\n{mode}", values["p50"], values.get("p99"), color))
    fig, ax = plt.subplots(figsize=(8, 4))
    x = range(len(bars))
    ax.bar([i - 0.2 for i in x], [b[1] for b in bars], 0.4, color=[b[3] for b in bars], label="p50")
    ax.bar([i + 0.2 for i in x], [b[2] or 0 for b in bars], 0.4, color=[b[3] for b in bars], alpha=0.5, label="p99")
    for container in ax.containers:
        ax.bar_label(container, fmt="%.0f", fontsize=8)
    ax.set_xticks(list(x), [b[0] for b in bars])
    ax.set(title="Glass to glass (burnt-in clock, Chromium)", ylabel="ms", yscale="log")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend()
    return save(fig, out, "glass.png")


def webrtc(data, out):
    cs = cells(data, "webrtc_cpu")
    if not cs:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    lines(ax, cs)
    ax.set(title="WebRTC viewers of one 2.5 Mb/s stream: server CPU", xlabel="viewers", ylabel="% of one core")
    return save(fig, out, "webrtc_cpu.png")


def save(fig, out, name):
    for ax in fig.axes:
        if ax.get_yscale() == "linear":
            ax.set_ylim(bottom=0)  # no truncated axes: a 5 % gap should look like one
    fig.tight_layout()
    path = os.path.join(out, name)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    os.makedirs(sys.argv[2], exist_ok=True)
    for draw in (ingest, ws, hls_serving, glass, webrtc):
        path = draw(data, sys.argv[2])
        if path:
            print(path)


if __name__ == "__main__":
    main()
