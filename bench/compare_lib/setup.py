"""What bench/compare.py needs before it measures: Debian packages (scripts/packages.txt and
bench/packages.txt, installed with apt-get as scripts/setup does), npm packages (the glass reader's
playwright-core and hls.js, the anchor's pinned `ws`), the release server and load generators built
in build-cmp, and the sample media."""
import os
import shutil
import subprocess
import sys
import time

import ingest_cpu  # noqa: E402  (bench/ is on the path: compare.py lives there)

from .common import ANCHOR_DEPS, ANCHOR_SCRIPT, BUILD, MEDIA_DIR, ROOT

TARGETS = ["liverelay", "rtmp_load", "whep_load"]


def wanted_packages():
    names = []
    for path in (os.path.join(ROOT, "scripts", "packages.txt"), os.path.join(ROOT, "bench", "packages.txt")):
        with open(path) as f:
            names += [line.split("#", 1)[0].strip() for line in f]
    return sorted({n for n in names if n})


def install_packages(log):
    names = wanted_packages()
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n", *names], capture_output=True, text=True).stdout
    installed = {line.split()[0] for line in out.splitlines() if line.endswith("install ok installed")}
    missing = [n for n in names if n not in installed]
    if not missing:
        return
    log(f"installing {len(missing)} Debian packages: {' '.join(missing)}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def install_npm(log):
    for folder in ("web", "tests"):  # hls.js, playwright-core: the glass reader's
        path = os.path.join(ROOT, folder)
        if os.path.exists(os.path.join(path, "package-lock.json")) and not os.path.isdir(os.path.join(path, "node_modules")):
            log(f"npm ci in {folder}/")
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=path, check=True, stdout=subprocess.DEVNULL)
    if not os.path.isdir(os.path.join(ANCHOR_DEPS, "node_modules", "ws")):
        log("npm install of the WebSocket anchor's ws in build-cmp/ws-anchor")
        os.makedirs(ANCHOR_DEPS, exist_ok=True)
        shutil.copy(os.path.join(os.path.dirname(ANCHOR_SCRIPT), "package.json"), ANCHOR_DEPS)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", ANCHOR_DEPS], check=True,
                       stdout=subprocess.DEVNULL)


def build(log, jobs):
    """Incremental: a no-op when build-cmp is up to date."""
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", ROOT, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release", "-DLIVERELAY_SANITIZE=OFF",
                        "-DLIVERELAY_TESTS=OFF"], **quiet)
    ws_build = os.path.join(BUILD, "ws_load")
    if not os.path.exists(os.path.join(ws_build, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", os.path.join(ROOT, "bench", "ws_load"), "-B", ws_build,
                        "-DCMAKE_BUILD_TYPE=Release", "-DWS_LOAD_TESTS=OFF"], **quiet)
    started = time.monotonic()
    subprocess.run(["cmake", "--build", BUILD, f"-j{jobs}", "--target", *TARGETS], **quiet)
    subprocess.run(["cmake", "--build", ws_build, f"-j{jobs}", "--target", "ws_load"], **quiet)
    log(f"build-cmp up to date ({time.monotonic() - started:.0f} s)")


def sample(bframes):
    """bench/ingest_cpu.py's sample (made once, in build-cmp's media folder)."""
    return ingest_cpu.sample_file(bframes, MEDIA_DIR)


def prepare(log, jobs):
    if sys.platform != "linux":
        sys.exit("bench/compare.py reads /proc: Linux only")
    install_packages(log)
    install_npm(log)
    build(log, jobs)
    return {"media": sample(bframes=True), "media_nobf": sample(bframes=False)}
