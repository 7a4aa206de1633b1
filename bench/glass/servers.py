"""The servers under test for the glass-to-glass bench (liverelay, nginx-rtmp with HLS), started
on free loopback ports in a temp dir, and a playlist watcher that measures each server's own
share: the delay from the capture of a segment's closing keyframe to the segment being listed.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import pattern  # noqa: E402
import publisher  # noqa: E402
from ingest_cpu import free_port, wait_for  # noqa: E402,F401  (the bench's shared helpers)

NGINX_RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"


def get(url):
    with urllib.request.urlopen(url, timeout=3) as r:
        return r.read()


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def playlist_segments(url):
    try:
        text = get(url).decode()
    except OSError:
        return []
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class LiveRelay:
    name = "liverelay"

    def __init__(self, binary, segment_s, mode, part_s=None):
        self.binary, self.segment_s, self.mode, self.part_s = binary, segment_s, mode, part_s

    def start(self, workdir):
        self.rtmp_port, self.http_port = free_port(), free_port()
        config = os.path.join(workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write(f"[hls]\nsegment_s = {self.segment_s}\nwindow = {max(2, round(4 / self.segment_s))}\n")
            if self.mode == "llhls":
                f.write('format = "fmp4"\nlow_latency = true\n')
                if self.part_s:
                    f.write(f"part_s = {self.part_s}\n")
        self.log = open(os.path.join(workdir, "liverelay.log"), "w+")
        self.process = subprocess.Popen(
            [self.binary, "--rtmp", f"127.0.0.1:{self.rtmp_port}", "--http", f"127.0.0.1:{self.http_port}", "--webrtc", "127.0.0.1:0",
             "--data-dir", os.path.join(workdir, "data"), "--config", config, "--log-level", os.environ.get("LIVERELAY_LOG", "info")],
            stdout=self.log, stderr=subprocess.STDOUT)

        def up():
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"liverelay exited with {self.process.returncode}: {self.log.read()[-2000:]}")
            return get(f"http://127.0.0.1:{self.http_port}/api/v1/server")
        wait_for(up, 10, "liverelay to answer HTTP")

    def publish_url(self, name):
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{name}"

    def playlist_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/live/{name}/index.m3u8"

    def whep_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/live/{name}/whep"

    def has_video(self, name):
        """The stream is live and has video frames: a WHEP offer now gets an answer."""
        try:
            stream = json.loads(get(f"http://127.0.0.1:{self.http_port}/api/v1/streams/{name}"))
        except (OSError, ValueError):
            return False
        return bool(stream.get("live") and stream.get("video") and stream.get("ingest", {}).get("frames", 0) > 30)

    def log_tail(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-3000:]

    def stop(self):
        stop(self.process)
        self.log.close()


class NginxRtmp:
    name = "nginx-rtmp"

    def __init__(self, segment_s):
        self.segment_s = segment_s

    def start(self, workdir):
        self.rtmp_port, self.http_port = free_port(), free_port()
        prefix = self.prefix = os.path.join(workdir, "nginx")
        hls = os.path.join(prefix, "hls")
        os.makedirs(os.path.join(prefix, "logs"))
        os.makedirs(hls)
        # nginx's workers run as nobody when started by root: they must reach and write hls/.
        os.chmod(workdir, 0o755)
        os.chmod(prefix, 0o755)
        os.chmod(hls, 0o777)
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""load_module {NGINX_RTMP_MODULE};
daemon off; master_process on; worker_processes 1; pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
rtmp {{ server {{ listen 127.0.0.1:{self.rtmp_port};
  application live {{ live on; hls on; hls_path {hls}; hls_fragment {self.segment_s:g}s; hls_playlist_length 4s; }} }} }}
http {{ access_log off; sendfile on; tcp_nopush on;
  types {{ application/vnd.apple.mpegurl m3u8; video/mp2t ts; }}
  server {{ listen 127.0.0.1:{self.http_port};
    location /hls/ {{ alias {hls}/; add_header Access-Control-Allow-Origin * always; add_header Cache-Control no-cache; }} }} }}
""")
        self.process = subprocess.Popen(["nginx", "-c", conf, "-p", prefix + "/"])
        wait_for(self._answers, 10, "nginx to answer HTTP")

    def _answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited with {self.process.returncode}")
        try:
            get(f"http://127.0.0.1:{self.http_port}/hls/none.m3u8")
        except urllib.error.HTTPError:
            return True  # 404: listening (connection refused is an OSError: wait_for retries)
        return True

    def publish_url(self, name):
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{name}"

    def playlist_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/hls/{name}.m3u8"

    def log_tail(self):
        with open(os.path.join(self.prefix, "logs", "error.log")) as f:
            return f.read()[-3000:]

    def stop(self):
        stop(self.process, signal.SIGQUIT)


class PlaylistWatcher(threading.Thread):
    """The server's share: polls the playlist every 25 ms during a run, notes when each new
    segment is first listed and fetches it at once; listing_delays() then decodes the last frame
    of each and returns (first listed) - (burnt-in time of the frame after it, the keyframe
    that closes it), in ms."""

    def __init__(self, url, workdir):
        super().__init__(daemon=True)
        self.url, self.workdir = url, workdir
        self.done = threading.Event()
        self.listed = []  # (wall ms first listed, segment path, init path or None)

    def run(self):
        known = set(playlist_segments(self.url))
        base = self.url.rsplit("/", 1)[0] + "/"
        for _ in range(100000):  # bounded; ends with the run
            if self.done.wait(0.025):
                return
            try:
                text = get(self.url).decode()
            except OSError:
                continue
            seen_ms = time.time_ns() // 1_000_000
            init = None
            for line in text.splitlines():
                if line.startswith("#EXT-X-MAP:"):
                    init = line.split('URI="', 1)[1].split('"', 1)[0]
                if not line or line.startswith("#") or line in known:
                    continue
                known.add(line)
                try:
                    path = os.path.join(self.workdir, f"seg-{len(self.listed)}")
                    with open(path, "wb") as f:
                        if init:
                            f.write(get(base + init))
                        f.write(get(base + line))
                    self.listed.append((seen_ms, path))
                except OSError:
                    pass

    def listing_delays(self):
        delays = []
        size = pattern.WIDTH * pattern.HEIGHT
        for seen_ms, path in self.listed:
            raw = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v",
                                  "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, timeout=30).stdout
            if len(raw) >= size:
                last, _ = pattern.decode(raw[len(raw) - len(raw) % size - size:len(raw) - len(raw) % size])
                if last is not None:
                    delays.append(seen_ms - (last + round(1000 / publisher.FPS)))
        return delays
