"""The servers under test, each on free loopback ports in a fresh temp dir: liverelay (the build
in build-cmp), nginx with libnginx-mod-rtmp (live, optionally HLS served by the same nginx), and
nginx serving static files (the HLS serving anchor)."""
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.error

from .common import (LIVERELAY, NGINX_RTMP_MODULE, children, free_port, get, get_json, raise_fd_limit, stop,
                     wait_for)

# Every load generator connects from 127.0.0.1: lift liverelay's per-address and total caps
# (older builds ignore the tables they do not know).
LIFTED_LIMITS = """[limits]
max_connections = 1000000
max_connections_per_address = 1000000
max_streams = 1000000
[room]
max_connections_per_address = 1000000
"""


class Server:
    """Start/stop plumbing; subclasses write their config and know their URLs."""
    name = "server"

    def __init__(self):
        self.process = None
        self.workdir = tempfile.mkdtemp(prefix="liverelay-compare-")

    def __enter__(self):
        for attempt in range(3):  # a port taken between the pick and the bind: pick again
            try:
                return self.start()
            except RuntimeError:
                stop(self.process)
                if attempt == 2:
                    self.stop()
                    raise
            except BaseException:
                self.stop()
                raise

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        stop(self.process, signal.SIGQUIT if isinstance(self, Nginx) else signal.SIGTERM)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def rtmp_url(self, name):
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{name}"


class LiveRelay(Server):
    name = "liverelay"

    def __init__(self, binary=LIVERELAY, hls="", extra=""):
        super().__init__()
        self.binary, self.hls, self.extra = binary, hls, extra

    def start(self):
        self.rtmp_port, self.http_port = free_port(), free_port()
        config = os.path.join(self.workdir, "liverelay.toml")
        with open(config, "w") as f:
            f.write(LIFTED_LIMITS + (f"[hls]\n{self.hls}\n" if self.hls else "") + self.extra)
        self.log = open(os.path.join(self.workdir, "liverelay.log"), "w")
        self.process = subprocess.Popen(
            [self.binary, "--rtmp", f"127.0.0.1:{self.rtmp_port}", "--http", f"127.0.0.1:{self.http_port}",
             "--webrtc", "127.0.0.1:0", "--data-dir", os.path.join(self.workdir, "data"), "--config", config,
             "--log-level", "warn"], stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=raise_fd_limit)
        wait_for(lambda: self.alive() and self.api("/api/v1/server") is not None, 10, "liverelay to answer")
        self.pids = [self.process.pid]
        return self

    def alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"liverelay exited with {self.process.returncode}")
        return True

    def api(self, path):
        return get_json(f"http://127.0.0.1:{self.http_port}{path}")

    def streams(self):
        return self.api("/api/v1/streams") or []

    def segments_listed(self):
        """Streams whose playlist lists a segment."""
        return sum(1 for s in self.streams() if (s.get("hls") or {}).get("segments", 0) > 0)

    def playlist_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/live/{name}/index.m3u8"

    def base_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/live/{name}/"

    def ws_url(self, name):
        return f"ws://127.0.0.1:{self.http_port}/live/{name}/ws"

    def whep_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/live/{name}/whep"


class Nginx(Server):
    """nginx in the foreground, one worker (master + worker counted), its own prefix."""

    def _run(self, conf_text, modules=""):
        prefix = self.prefix = os.path.join(self.workdir, "nginx")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        # nginx's workers run as nobody when started by root: they must reach the prefix.
        for path in (self.workdir, prefix):
            os.chmod(path, 0o755)
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(modules + f"daemon off; master_process on; worker_processes 1; pid {prefix}/nginx.pid;\n"
                    f"error_log {prefix}/logs/error.log warn; worker_rlimit_nofile 65536;\n"
                    "events { worker_connections 16384; }\n" + conf_text)
        self.process = subprocess.Popen(["nginx", "-c", conf, "-p", prefix + "/"], preexec_fn=raise_fd_limit)
        def worker():
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}")
            return children(self.process.pid)
        wait_for(worker, 10, "an nginx worker")
        self.pids = [self.process.pid] + children(self.process.pid)

    def answers(self, path):
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited with {self.process.returncode}")
        try:
            get(f"http://127.0.0.1:{self.http_port}{path}")
        except urllib.error.HTTPError:
            pass  # 404: listening (refused is an OSError: wait_for retries)
        return True


class NginxRtmp(Nginx):
    """nginx-rtmp `live on`, with `hls on` (2 s fragments, 12 s playlist, as liverelay's defaults)
    served by the same nginx at /hls/<name>.m3u8."""

    def __init__(self, hls=True, segment_s=2, playlist_s=12):
        super().__init__()
        self.hls, self.segment_s, self.playlist_s = hls, segment_s, playlist_s
        self.name = "nginx-rtmp" + (" + HLS" if hls else "")

    def start(self):
        self.rtmp_port, self.http_port = free_port(), free_port()
        self.hls_dir = os.path.join(self.workdir, "hls")
        os.makedirs(self.hls_dir, exist_ok=True)
        os.chmod(self.hls_dir, 0o777)
        hls = (f"hls on; hls_path {self.hls_dir}; hls_fragment {self.segment_s:g}s; "
               f"hls_playlist_length {self.playlist_s:g}s;") if self.hls else ""
        self._run(f"rtmp {{ server {{ listen 127.0.0.1:{self.rtmp_port}; application live {{ live on; {hls} }} }} }}\n"
                  "http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;\n"
                  "  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }\n"
                  f"  server {{ listen 127.0.0.1:{self.http_port};\n"
                  f"    location /hls/ {{ alias {self.hls_dir}/; add_header Cache-Control no-cache; }} }} }}\n",
                  modules=f"load_module {NGINX_RTMP_MODULE};\n")
        wait_for(lambda: self.answers("/hls/none.m3u8"), 10, "nginx to answer HTTP")
        return self

    def segments_listed(self):
        return sum(1 for f in os.listdir(self.hls_dir) if f.endswith(".m3u8"))

    def playlist_url(self, name):
        return f"http://127.0.0.1:{self.http_port}/hls/{name}.m3u8"


class NginxStatic(Nginx):
    """nginx serving files from `root` (sendfile, tcp_nopush): the HLS serving anchor."""
    name = "nginx"

    def __init__(self, files):
        super().__init__()
        self.files = files  # {relative path: bytes}

    def start(self):
        self.http_port = free_port()
        root = os.path.join(self.workdir, "www")
        for path, data in self.files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "wb") as f:
                f.write(data)
        for dirpath, _, _ in os.walk(root):
            os.chmod(dirpath, 0o755)
        self._run("http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;\n"
                  "  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }\n"
                  f"  server {{ listen 127.0.0.1:{self.http_port}; root {root}; }} }}\n")
        wait_for(lambda: self.answers("/"), 10, "nginx to answer HTTP")
        return self
