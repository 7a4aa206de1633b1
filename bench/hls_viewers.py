#!/usr/bin/env python3
"""HLS viewer load: M players of one live playlist, each on its own kept-alive HTTP/1.1
connection, behaving like a player: reload the playlist every target duration (half of it when it
did not change, as hls.js does), fetch every segment that is new since the last reload, one after
the other, from the newest one at join. Prints one JSON object: requests, bytes, MB/s, fetch times,
late segments (fetched more than a target duration after they were listed) and errors by kind.

    bench/hls_viewers.py --url http://127.0.0.1:8080/live/cam/index.m3u8 [--viewers 200]
                         [--seconds 10] [--join-spread 1] [--server-pid PID]

Plain asyncio protocols (no HTTP library): bodies are counted, not kept, so reading costs a few
microseconds per 64 KiB; its own CPU is in the report (`client_cpu_percent`) to show whether it was
the bottleneck. Loopback or any HTTP/1.1 server with Content-Length answers (nginx, liverelay).
"""
import argparse
import asyncio
import json
import os
import random
import sys
import time
import urllib.parse


class Connection(asyncio.Protocol):
    """One kept-alive connection: one request at a time, Content-Length bodies."""

    def __init__(self):
        self.transport, self.waiter, self.keep = None, None, False
        self.head, self.body, self.remaining, self.status = b"", [], None, 0

    def connection_made(self, transport):
        self.transport = transport

    def request(self, host, path, keep_body):
        self.head, self.body, self.remaining, self.keep = b"", [], None, keep_body
        self.received = 0
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        return self.waiter

    def data_received(self, data):
        if self.remaining is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end].decode("latin-1"), self.head[end + 4:]
            self.status = int(head.split(" ", 2)[1])
            length = [line.split(":", 1)[1] for line in head.split("\r\n")[1:] if line.lower().startswith("content-length:")]
            if not length:
                return self._finish(RuntimeError("no Content-Length"))
            self.remaining = int(length[0])
        self.received += len(data)
        self.remaining -= len(data)
        if self.keep:
            self.body.append(data)
        if self.remaining <= 0:
            self._finish(None)

    def _finish(self, error):
        if self.waiter and not self.waiter.done():
            if error:
                self.waiter.set_exception(error)
            else:
                self.waiter.set_result((self.status, b"".join(self.body), self.received))

    def connection_lost(self, exc):
        self._finish(exc or ConnectionResetError("closed by the server"))


def parse_playlist(text):
    """(target duration s, media sequence, [segment URIs])."""
    target, sequence, uris = 2.0, 0, []
    for line in text.splitlines():
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line and not line.startswith("#"):
            uris.append(line)
    return target, sequence, uris


class Stats:
    def __init__(self):
        self.playlists = self.segments = self.bytes = self.late = 0
        self.fetch_ms, self.errors = [], {}

    def error(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def viewer(url, stats, stop_at, join_delay):
    parts = urllib.parse.urlsplit(url)
    host, base = parts.netloc, parts.path.rsplit("/", 1)[0] + "/"
    await asyncio.sleep(join_delay)
    loop = asyncio.get_running_loop()
    conn, last_sequence = None, None
    while time.monotonic() < stop_at:
        try:
            if conn is None or conn.transport.is_closing():
                _, conn = await loop.create_connection(Connection, parts.hostname, parts.port or 80)
            status, body, _ = await conn.request(host, parts.path, keep_body=True)
            stats.playlists += 1
            if status != 200:
                stats.error(f"playlist HTTP {status}")
                await asyncio.sleep(1)
                continue
            listed_at = time.monotonic()
            target, sequence, uris = parse_playlist(body.decode())
            if not uris:
                await asyncio.sleep(target / 2)
                continue
            newest = sequence + len(uris) - 1
            start = newest if last_sequence is None else last_sequence + 1
            for number in range(max(start, sequence), newest + 1):
                began = time.monotonic()
                uri = uris[number - sequence]
                path = uri if uri.startswith("/") else base + uri
                status, _, size = await conn.request(host, path, keep_body=False)
                done = time.monotonic()
                if status != 200:
                    stats.error(f"segment HTTP {status}")
                    continue
                stats.segments += 1
                stats.bytes += size
                stats.fetch_ms.append(1000 * (done - began))
                stats.late += done - listed_at > target
            changed = last_sequence != newest
            last_sequence = newest
            await asyncio.sleep(max(0.0, (target if changed else target / 2) - (time.monotonic() - listed_at)))
        except (OSError, RuntimeError, ValueError) as e:
            stats.error(type(e).__name__)
            conn = None
            await asyncio.sleep(0.5)
    if conn is not None:
        conn.transport.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))] if values else None


def cpu_seconds(pid="self"):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(args):
    stats = Stats()
    started = time.monotonic()
    stop_at = started + args.seconds
    own = cpu_seconds()
    server = cpu_seconds(args.server_pid) if args.server_pid else None
    await asyncio.gather(*(viewer(args.url, stats, stop_at, random.uniform(0, args.join_spread))
                           for _ in range(args.viewers)))
    elapsed = time.monotonic() - started
    report = {"viewers": args.viewers, "seconds": round(elapsed, 3), "playlist_requests": stats.playlists,
              "segments": stats.segments, "bytes": stats.bytes, "mb_per_s": stats.bytes / 1e6 / elapsed,
              "requests_per_s": (stats.playlists + stats.segments) / elapsed,
              "segment_fetch_ms": {"p50": percentile(stats.fetch_ms, 0.5), "p99": percentile(stats.fetch_ms, 0.99),
                                   "max": max(stats.fetch_ms, default=None)},
              "late_segments": stats.late, "errors": stats.errors,
              "client_cpu_percent": 100 * (cpu_seconds() - own) / elapsed}
    if server is not None:
        report["server_cpu_percent"] = 100 * (cpu_seconds(args.server_pid) - server) / elapsed
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the live playlist")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--join-spread", type=float, default=1.0, help="viewers join over this many seconds")
    parser.add_argument("--server-pid", type=int, help="also report this process's CPU over the run")
    args = parser.parse_args()
    if not args.url.startswith("http://"):
        sys.exit("--url must be http://")
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
