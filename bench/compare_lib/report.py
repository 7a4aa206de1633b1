"""docs/BENCHMARKS.md's generated block: the summary table (liverelay, anchor, ratio, verdict), where
liverelay is behind, the plots, the machine, versions and commands. Only the text between the
markers is rewritten; the hand-written sections around it stay."""
import os
import time

from .common import ROOT

BEGIN = "<!-- bench/compare.py: begin (generated: edit bench/compare_lib/report.py, not this block) -->"
END = "<!-- bench/compare.py: end -->"
LOAD_UNITS = {"ingest": "streams", "hls_serving": "connections", "hls_viewers": "players", "rtmp_play": "players",
              "ws": "viewers", "memory": "viewers", "webrtc": "viewers"}
SCENARIO_NAMES = {"ingest": "RTMP ingest + HLS", "listing": "HLS segment listing", "hls_serving": "HLS serving (wrk)",
                  "hls_viewers": "HLS players", "rtmp_play": "RTMP play fan-out", "first_frame": "publish to first frame",
                  "ws": "WebSocket fan-out", "memory": "memory", "glass": "glass to glass", "webrtc": "WebRTC viewers"}
ORDER = list(SCENARIO_NAMES)
# Our best understanding of why liverelay trails where it might; printed only under a cell it trails.
HINTS = [
    ("ingest", "CPU", "With no stream liverelay still wakes five times a second (the 1 s housekeeping: relays, "
     "streams in their grace, HLS sessions, recordings, the dashboard's history; the rooms' 4 Hz flush of viewer "
     "counts), each wake-up about 0.2 ms of CPU on this virtual machine (50 wake-ups, 10.4 ms in 10 s idle), where nginx sleeps until a connection "
     "comes. Per stream, liverelay's defaults also do more than nginx-rtmp's `hls on`: HLS muxed in memory with "
     "low-latency parts *and* every broadcast recorded to disk"),
    ("ingest", "memory", "liverelay keeps each stream's live segment window (6 x 2 s, about 4 MB at 2.5 Mb/s, still "
     "filling during the short window) and its GOP cache in memory and serves from there; nginx-rtmp writes its "
     "fragments to disk, where they sit in the page cache, outside its RSS"),
    ("listing", "", "Both servers list a segment within a few tens of ms of its closing keyframe; the watcher polls "
     "every 25 ms, so gaps under that are within its resolution"),
    ("glass", "HLS (1 s", "Plain HLS glass to glass is the player's: hls.js starts 3 target durations behind the edge, "
     "and where in the 1 s reload cycle it starts moves each run by up to a segment (see \"Glass-to-glass latency\" "
     "below)"),
    ("hls_serving", "segment", "Segments are served from memory files with sendfile(); shmem's page-by-page splice "
     "costs more kernel time than nginx's read of a disk file's page cache (see \"HLS serving from memory\" below)"),
    ("hls_viewers", "", "The server also ingests and packages the stream, and each segment goes out of a memory "
     "file (shmem splice) where nginx sends from the page cache"),
    ("rtmp_play", "CPU", "The fan-out is mostly the kernel's TCP send path on both servers (one gathered write per "
     "player per loop turn); liverelay also packages HLS and records the stream"),
]


def hint(cell):
    return next((text for scenario, part, text in HINTS if cell["scenario"] == scenario and part in cell["figure"]), None)


def number(value):
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if magnitude >= 0.01 else f"{value:.4f}"


def load_text(cell):
    if cell["load"] is None:
        return ""
    unit = LOAD_UNITS.get(cell["scenario"], "")
    return f"{cell['load']:,} {unit[:-1] if cell['load'] == 1 else unit}".strip()


ANCHORS = ("Anchors: **nginx-rtmp** is nginx 1.22 with libnginx-mod-rtmp, one worker, `live on; hls on; "
           "hls_fragment 2s; hls_playlist_length 12s` (for glass to glass 1 s fragments, as liverelay's 1 s segments "
           "there), its HLS served by the same nginx; **nginx** serves the same playlist and segment bytes from disk "
           "(`sendfile on; tcp_nopush on`); **Node ws** is `../shared/bench/ws-fanout/anchor-ws-server.js`, unmodified.")


def summary_table(cells):
    rows = ["| scenario | figure | load | liverelay | anchor | ratio | verdict |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for c in cells:
        anchor = f"{number(c['anchor_median'])} ({c['anchor']})" if c.get("anchor") else "no anchor"
        ratio = f"{c['ratio']:.2f}" if c["ratio"] is not None else ""
        verdict = c["verdict"] or ""
        if verdict.startswith("behind"):
            verdict = f"**{verdict}**"
        rows.append(f"| {SCENARIO_NAMES.get(c['scenario'], c['scenario'])} | {c['figure']} | {load_text(c)} | "
                    f"{number(c['liverelay_median'])} | {anchor} | "
                    f"{ratio} | {verdict} |")
    return rows


def behind(cells):
    lines, reasons = [], []
    for c in cells:
        if not (c["verdict"] or "").startswith("behind"):
            continue
        worse = "higher" if c["better"] == "lower" else "lower"
        ratio_text = f"{c['ratio']:.2f}x" if c["ratio"] else "the anchor at 0"
        lines.append(f"- **{SCENARIO_NAMES.get(c['scenario'], c['scenario'])}: {c['figure']}"
                     f"{', ' + load_text(c) if c['load'] is not None else ''}**: liverelay {number(c['liverelay_median'])}, "
                     f"{c['anchor']} {number(c['anchor_median'])} ({ratio_text}, {worse} is worse)"
                     f"{'; the gap is within the round-to-round spread' if 'noise' in c['verdict'] else ''}.")
        if hint(c) and hint(c) not in reasons:
            reasons.append(hint(c))
    if not lines:
        return ["- Nowhere in this run."]
    return lines + ["", "Why, as far as we know:", ""] + [f"- {r}." for r in reasons]


def machine(meta):
    v = meta["versions"]
    return [f"- Machine: {v['cpu']}, {v['cores']} cores, {v['memory_gib']} GiB, Debian {v['debian']}, "
            f"kernel {v['kernel']}; one-minute load average {meta['load_before']:.2f} when the run started "
            f"({meta['load_note']}), {meta['load_after']:.2f} at its end.",
            f"- liverelay `{v['liverelay']}` (Release build in `build-cmp/`, {v['gcc']}); {v['nginx']} "
            f"(nginx-light {v['nginx-light (dpkg)']}) with libnginx-mod-rtmp {v['libnginx-mod-rtmp (dpkg)']}; "
            f"Node {v['node']} with ws {v['ws (anchor)']}; {v['ffmpeg']}; {v['chromium']}; wrk {v['wrk']}; "
            f"python3-matplotlib {v['python3-matplotlib (dpkg)']}."]


def block(cells, meta, notes, plots):
    p = meta["plan"]
    cells = sorted(cells, key=lambda c: ORDER.index(c["scenario"]) if c["scenario"] in ORDER else len(ORDER))
    out = [BEGIN, "## liverelay against its anchors, side by side (`bench/compare.py`)", "",
           f"Generated by `{meta['command']}` on {meta['date']}: {meta['total_s'] / 60:.1f} minutes of wall time "
           f"({meta['measure_s'] / 60:.1f} of them measuring). **Short windows**: {p['window']:g} s per figure "
           f"(wrk {p['wrk_seconds']:g} s, HLS players {p['hls_window']:g} s, WebSocket sending {p['ws_seconds']:g} s, "
           f"glass {p['glass_seconds']:g} s after {p['glass_warmup']:g} s), liverelay and its anchor alternately "
           f"(A B A B), {p['rounds']} round(s) each, medians; every figure from a fresh server. Server, load "
           "generators and anchors share the machine's cores, so these are quick side-by-side figures; the "
           "sections below this block hold the longer hand-made runs and the explanations. liverelay runs with its "
           "defaults (HLS as 2 s fMP4 segments with low-latency parts, in memory; every broadcast also recorded "
           "to disk) and its "
           "per-address connection limits lifted; nginx-rtmp with one worker and `live on; hls on; hls_fragment 2s; "
           "hls_playlist_length 12s`, its HLS served by the same nginx. Ratio = liverelay / "
           "anchor; for CPU, memory and latency lower is better, for requests, bytes and deliveries higher. "
           "\"within noise\": the gap is smaller than one side's round-to-round spread. Raw figures: "
           f"[`docs/bench/compare.json`](bench/compare.json).", ""]
    out += [ANCHORS, ""] + summary_table(cells)
    out += ["", "**Where liverelay is behind its anchor in this run:**", ""] + behind(cells)
    out += ["", "No anchor: nginx-rtmp has no LL-HLS and no WebRTC output, and there is no other such server in the "
            "tree, so LL-HLS, WebRTC and liverelay's own listing-delay figures stand alone. Glass to glass is one short "
            "run per mode here; the longer runs in the sections below are the reference for it.", ""]
    if notes:
        out += ["Notes from the run:", ""] + [f"- {n}" for n in notes] + [""]
    out += [f"![{title}]({os.path.relpath(path, os.path.join(ROOT, 'docs'))})" for title, path in plots] + [""]
    out += ["What ran (all on 127.0.0.1; the media is a 30 s 1280x720 30 fps CBR 2.5 Mb/s H.264 + 128 kb/s AAC FLV, "
            "`bench/ingest_cpu.py`'s sample, looped):", ""] + [f"- {c}" for c in meta["commands"]] + [""]
    out += machine(meta) + ["", END]
    return "\n".join(out)


def rewrite(path, text):
    """Replaces the generated block, or puts it after the title's opening paragraph the first time."""
    with open(path) as f:
        doc = f.read()
    if BEGIN.split(" (")[0] in doc and END in doc:
        start = doc.index(BEGIN.split(" (")[0])
        doc = doc[:start] + text + doc[doc.index(END) + len(END):]
    else:
        cut = doc.index("\n## ")  # the first hand-written section
        doc = doc[:cut] + "\n" + text + "\n" + doc[cut:]
    with open(path, "w") as f:
        f.write(doc)


def today():
    return time.strftime("%Y-%m-%d %H:%M %Z")
