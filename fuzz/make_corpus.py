#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ from real client bytes.

Where the bytes cross the wire in the clear they come from real clients: the RTMP handshakes
and FLV file in tests/data (see tests/data/README.md), a fresh capture of ffmpeg publishing to
and playing from liverelay through a recording proxy (the chunk streams), and the requests
curl and ffmpeg send an HTTP listener. The rest is built to the shapes those clients use: SDP
offers from tests/data/webrtc (Chromium 156, GStreamer, Firefox and Safari shapes), RFC 5769's
STUN sample request and a Chromium-style connectivity check signed with the credentials the
fuzz target uses, RTCP feedback and DCEP messages as Chromium sends them (inside DTLS, so not
capturable), WebSocket frames as browsers mask them, and every TOML block of docs/CONFIG.md.

Run from the repository root with a built server:
    LIVERELAY_BIN=build/server/liverelay python3 fuzz/make_corpus.py
"""

import hashlib
import hmac
import os
import pathlib
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
DATA = ROOT / "tests" / "data"
MAX_INPUT = 16384  # scripts/fuzz runs with -max_len=16384
WHOLE, SMALL_PIECES = b"\x00", b"\x07"  # first byte of piece-fed targets: feed all at once, or 7 at a time


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data[:MAX_INPUT])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, deadline_s=10):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class RecordingProxy:
    """Forwards one TCP connection at a time to `upstream` and keeps what each client sent."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sessions = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            sent = bytearray()
            self.sessions.append(sent)
            threading.Thread(target=self._pipe, args=(client, upstream, sent), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None), daemon=True).start()

    @staticmethod
    def _pipe(source, sink, record):
        try:
            while chunk := source.recv(65536):
                if record is not None and len(record) < 1 << 20:
                    record.extend(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def rtmp_seeds():
    # Handshakes on record: C0 C1 (1537) | S0 S1 S2 (3073) | C2 (1536).
    for capture in sorted(DATA.glob("*_handshake.bin")):
        data = capture.read_bytes()
        client = data[:1537] + data[4610:]
        server = data[1537:4610]
        for prefix, how in ((WHOLE, "whole"), (SMALL_PIECES, "pieces")):
            write("rtmp_handshake", f"{capture.stem}_client_{how}", prefix + client)
            write("rtmp_handshake", f"{capture.stem}_server_{how}", prefix + server)

    # A fresh capture of ffmpeg publishing (x264 + AAC, with @setDataFrame) and playing.
    binary = os.environ.get("LIVERELAY_BIN", str(ROOT / "build" / "server" / "liverelay"))
    rtmp_port, http_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [binary, "--rtmp", f"127.0.0.1:{rtmp_port}", "--http", f"127.0.0.1:{http_port}",
             "--webrtc", "127.0.0.1:0", "--data-dir", data_dir, "--log-level", "warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(rtmp_port)
            proxy = RecordingProxy(rtmp_port)
            url = f"rtmp://127.0.0.1:{proxy.port}/live/seed"
            publisher = subprocess.Popen(
                ["ffmpeg", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=15",
                 "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "4",
                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-b:v", "100k", "-c:a", "aac",
                 "-b:a", "32k", "-f", "flv", url])
            time.sleep(2)  # let the stream go live before the player asks for it
            subprocess.run(["ffmpeg", "-loglevel", "error", "-i", url, "-t", "1", "-f", "null", "-"],
                           timeout=30, check=False)
            publisher.wait(timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for session, kind in zip(proxy.sessions, ("publish", "play")):
        chunks = bytes(session[3073:])  # after C0 C1 C2
        write("rtmp_chunks", f"ffmpeg_{kind}_whole", WHOLE + chunks)
        write("rtmp_chunks", f"ffmpeg_{kind}_pieces", SMALL_PIECES + chunks)
        write("rtmp_session", f"ffmpeg_{kind}_accepted", WHOLE + chunks)
        write("rtmp_session", f"ffmpeg_{kind}_refused", b"\x87" + chunks)


def flv_tags(path):
    data = path.read_bytes()
    offset = 13  # header (9) + PreviousTagSize0 (4)
    while offset + 11 <= len(data):
        kind = data[offset]
        size = int.from_bytes(data[offset + 1:offset + 4], "big")
        yield kind, data[offset + 11:offset + 11 + size]
        offset += 11 + size + 4


def fixture_array(name):
    text = (ROOT / "tests" / "codec" / "fixtures.hpp").read_text()
    body = re.search(name + r" = \{(.*?)\};", text, re.S).group(1)
    return bytes(int(x, 16) for x in re.findall(r"0x[0-9a-fA-F]{2}", body))


def flv_seeds():
    def tag(video, body):
        return bytes([1 if video else 0]) + struct.pack(">H", min(len(body), 0xFFFF)) + body[:0xFFFF]

    tags = [tag(kind == 9, body) for kind, body in flv_tags(DATA / "h264_aac_320x180_3s.flv") if kind in (8, 9)]
    seed = b""
    for t in tags:
        if len(seed) + len(t) > MAX_INPUT:
            break
        seed += t
    write("flv_tags", "x264_bframes_aac", seed)
    write("hls_muxing", "x264_bframes_aac_ts", b"\x00" + seed)
    write("hls_muxing", "x264_bframes_aac_fmp4", b"\x01" + seed)
    # Enhanced RTMP sequence starts (IsExHeader | keyframe, PacketType 0) with real records.
    write("flv_tags", "hevc_sequence_start", tag(True, b"\x90hvc1" + fixture_array("kHevcMain720Record")))
    write("flv_tags", "av1_sequence_start", tag(True, b"\x90av01" + fixture_array("kAv1Main360Record")))
    write("flv_tags", "avc_high_sequence_header", tag(True, b"\x17\x00\x00\x00\x00" + fixture_array("kAvcHigh720Record")))


def http_seeds():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    requests = []

    def serve():
        while True:
            client, _ = listener.accept()
            client.settimeout(2)
            try:
                requests.append(client.recv(65536))
                client.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            client.close()

    threading.Thread(target=serve, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    subprocess.run(["curl", "-s", "-o", "/dev/null", f"{base}/api/v1/streams/cam1"], check=False, timeout=10)
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                    "-H", "Authorization: Bearer bot-token", "--data", '{"name":"helper","text":"hello"}',
                    f"{base}/api/v1/streams/cam1/comments"], check=False, timeout=10)
    subprocess.run(["ffmpeg", "-loglevel", "quiet", "-i", f"{base}/live/cam1/index.m3u8", "-f", "null", "-"],
                   check=False, timeout=10)
    for i, request in enumerate(r for r in requests if r):
        write("http_requests", f"captured_{i}", WHOLE + request)
    # Chromium's shapes: an LL-HLS blocking reload, a WebSocket upgrade, a WHEP offer, pipelining.
    chromium = (b"GET /live/cam1/index.m3u8?_HLS_msn=12&_HLS_part=2&_HLS_skip=YES HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                b"Connection: keep-alive\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0\r\n"
                b"Accept: */*\r\nOrigin: http://127.0.0.1:8080\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n")
    upgrade = (b"GET /live/cam1/ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    offer = (DATA / "webrtc" / "chromium_156_whep_offer.sdp").read_bytes()
    whep = (b"POST /live/cam1/whep HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/sdp\r\n"
            + f"Content-Length: {len(offer)}\r\n\r\n".encode() + offer)
    write("http_requests", "chromium_ll_hls_reload", WHOLE + chromium)
    write("http_requests", "chromium_pipelined_pieces", SMALL_PIECES + chromium + chromium.replace(b"msn=12", b"msn=13"))
    write("http_requests", "websocket_upgrade", WHOLE + upgrade)
    write("http_requests", "whep_offer", WHOLE + whep)


def masked_frame(opcode, payload, fin=True, key=b"\x37\xfa\x21\x3d"):
    head = bytes([(0x80 if fin else 0) | opcode])
    if len(payload) < 126:
        head += bytes([0x80 | len(payload)])
    elif len(payload) < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def websocket_seeds():
    messages = [b'{"type":"hello","name":"Ana"}', '{"type":"comment","text":"Ol\u00e1 \U0001F44B"}'.encode(),
                b'{"type":"reaction","kind":"love"}', b'{"type":"auth","token":"admin-token"}',
                b'{"type":"delete","id":7}', b'{"type":"ban","name":"spammer","address":"127.0.0.2"}']
    session = b"".join(masked_frame(1, m) for m in messages)
    write("websocket_messages", "room_session", WHOLE + session)
    write("websocket_messages", "room_session_pieces", SMALL_PIECES + session)
    fragmented = (masked_frame(1, messages[1][:10], fin=False) + masked_frame(9, b"ping")
                  + masked_frame(0, messages[1][10:]) + masked_frame(8, struct.pack(">H", 1000) + b"bye"))
    write("websocket_messages", "fragments_ping_close", WHOLE + fragmented)
    write("websocket_messages", "long_length_forms", WHOLE + masked_frame(1, b'{"type":"comment","text":"' + b"a" * 300 + b'"}'))


def stun_attribute(kind, value):
    return struct.pack(">HH", kind, len(value)) + value + b"\x00" * (-len(value) % 4)


def signed_binding_request(username, password, extra):
    transaction = bytes.fromhex("b7e7a701bc34d686fa87dfae")
    body = stun_attribute(0x0006, username) + extra
    # MESSAGE-INTEGRITY over the header with the length up to and including itself (RFC 8489 14.5).
    header = struct.pack(">HHI", 0x0001, len(body) + 24, 0x2112A442) + transaction
    mac = hmac.new(password, header + body, hashlib.sha1).digest()
    body += stun_attribute(0x0008, mac)
    header = struct.pack(">HHI", 0x0001, len(body) + 8, 0x2112A442) + transaction
    crc = (zlib.crc32(header + body) ^ 0x5354554E) & 0xFFFFFFFF
    return header + body + stun_attribute(0x8028, struct.pack(">I", crc))


def stun_seeds():
    rfc5769 = (ROOT / "tests" / "protocol" / "webrtc" / "rfc5769_vectors.hpp").read_text()
    sample = re.search(r"rfc5769_request\(\) \{\s*return from_hex\((.*?)\);", rfc5769, re.S).group(1)
    write("stun_checks", "rfc5769_sample_request", bytes.fromhex("".join(re.findall(r'"([0-9a-f ]*)"', sample)).replace(" ", "")))
    # Chromium's check: USERNAME, GOOG-NETWORK-INFO, ICE-CONTROLLING, USE-CANDIDATE, PRIORITY.
    ice = (stun_attribute(0xC057, b"\x00\x01\x00\x0a") + stun_attribute(0x802A, bytes(8))
           + stun_attribute(0x0025, b"") + stun_attribute(0x0024, struct.pack(">I", 1853824767)))
    write("stun_checks", "chromium_check_nominating", signed_binding_request(b"lrfz:brws", b"fuzzpassword0123456789", ice))
    write("stun_checks", "wrong_password", signed_binding_request(b"lrfz:brws", b"not-the-password", ice))


def rtcp_seeds():
    ssrc, media = 0x1, 0x2A2B2C2D
    receiver_report = struct.pack(">BBHI", 0x81, 201, 7, ssrc) + struct.pack(">IIIIII", media, 0, 1000, 20, 0, 0)
    nack = struct.pack(">BBHII", 0x81, 205, 3, ssrc, media) + struct.pack(">HH", 120, 0b101)
    pli = struct.pack(">BBHII", 0x81, 206, 2, ssrc, media)
    fir = struct.pack(">BBHII", 0x84, 206, 4, ssrc, 0) + struct.pack(">IB3x", media, 1)
    remb = struct.pack(">BBHII", 0x8F, 206, 5, ssrc, 0) + b"REMB" + struct.pack(">BBHI", 1, 0x0F, 0x4240, media)
    write("rtcp_feedback", "chromium_rr_remb", receiver_report + remb)
    write("rtcp_feedback", "rr_nack", receiver_report + nack)
    write("rtcp_feedback", "reduced_size_pli", pli)
    write("rtcp_feedback", "fir", fir)


def data_channel_seeds():
    def open_message(label, protocol=b"", channel_type=0, priority=256, reliability=0):
        return struct.pack(">BBHIHH", 0x03, channel_type, priority, reliability, len(label), len(protocol)) + label + protocol

    write("data_channel", "chromium_open_room", b"\x00" + open_message(b"room"))
    write("data_channel", "open_unordered_partial", b"\x00" + open_message(b"chat", b"json", 0x81, 128, 3))
    write("data_channel", "ack", b"\x00\x02")
    write("data_channel", "room_comment", b"\x01" + '{"type":"comment","text":"\u00e9t\u00e9 \U0001F389"}'.encode())
    write("data_channel", "room_hello", b"\x01" + b'{"type":"hello","name":"Viewer"}')


def sdp_and_config_seeds():
    for offer in sorted((DATA / "webrtc").glob("*.sdp")):
        write("whep_offers", offer.stem, offer.read_bytes())
    blocks = re.findall(r"```toml\n(.*?)```", (ROOT / "docs" / "CONFIG.md").read_text(), re.S)
    for i, block in enumerate(blocks):
        write("config_file", f"config_md_block_{i}", block.encode())
    write("config_file", "config_md_all", "\n".join(blocks).encode())


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    rtmp_seeds()
    flv_seeds()
    http_seeds()
    websocket_seeds()
    stun_seeds()
    rtcp_seeds()
    data_channel_seeds()
    sdp_and_config_seeds()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
