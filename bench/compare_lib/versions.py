"""The machine and the software of a run, for the report: what each figure was measured with."""
import json
import os
import platform
import subprocess

from .common import ANCHOR_DEPS, ROOT


def command_output(command, stderr=False):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stderr if stderr else done.stdout).strip()
    return text.splitlines()[0].strip() if text else None


def dpkg_version(package):
    return command_output(["dpkg-query", "-W", "-f=${Version}", package])


def cpu_model():
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown")


def memory_gib():
    with open("/proc/meminfo") as f:
        kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:"))
    return round(kib / 1024 / 1024, 1)


def ws_version():
    try:
        with open(os.path.join(ANCHOR_DEPS, "node_modules", "ws", "package.json")) as f:
            return json.load(f)["version"]
    except OSError:
        return None


def collect():
    with open("/etc/debian_version") as f:
        debian = f.read().strip()
    return {
        "liverelay": command_output(["git", "-C", ROOT, "describe", "--always", "--dirty", "--tags"]),
        "nginx": (command_output(["nginx", "-v"], stderr=True) or "").rsplit(" ", 1)[-1],
        "nginx-light (dpkg)": dpkg_version("nginx-light"),
        "libnginx-mod-rtmp (dpkg)": dpkg_version("libnginx-mod-rtmp"),
        "node": command_output(["node", "--version"]),
        "ws (anchor)": ws_version(),
        "ffmpeg": " ".join((command_output(["ffmpeg", "-version"]) or "").split()[:3]),
        "chromium": " ".join((command_output(["chromium", "--version"]) or "").split()[:2]),
        "wrk": dpkg_version("wrk"),
        "gcc": command_output(["c++", "--version"]),
        "python3-matplotlib (dpkg)": dpkg_version("python3-matplotlib"),
        "kernel": platform.release(),
        "debian": debian,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
    }
