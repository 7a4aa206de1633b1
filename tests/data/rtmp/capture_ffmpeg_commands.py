#!/usr/bin/env python3
"""Captures the AMF0 command and data payloads ffmpeg sends when it publishes or plays over RTMP.

A throwaway RTMP server on a free loopback port: plain handshake (RTMP spec 5.2), a minimal
de-chunker (5.3), and just enough replies (_result, onStatus) for ffmpeg to get to
@setDataFrame. Each message payload it keeps is written to ffmpeg_<name>.bin next to this script.
Usage: python3 capture_ffmpeg_commands.py   (needs ffmpeg with libx264 and aac on PATH)
"""
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def amf_string(text):
    data = text.encode()
    return b"\x02" + struct.pack(">H", len(data)) + data


def amf_number(number):
    return b"\x00" + struct.pack(">d", number)


def amf_object(pairs):
    out = b"\x03"
    for key, value in pairs:
        out += struct.pack(">H", len(key)) + key.encode() + value
    return out + b"\x00\x00\x09"


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        more = conn.recv(n - len(data))
        if not more:
            raise EOFError("peer closed")
        data += more
    return data


def send_message(conn, csid, type_id, msid, payload):
    # RTMP spec 5.3.1: one type-0 chunk, then type-3 chunks every 128 bytes (default size).
    out = bytes([csid]) + struct.pack(">I", 0)[1:] + struct.pack(">I", len(payload))[1:]
    out += bytes([type_id]) + struct.pack("<I", msid) + payload[:128]
    for i in range(128, len(payload), 128):
        out += bytes([0xC0 | csid]) + payload[i:i + 128]
    conn.sendall(out)


def messages(conn):
    """Yields (type_id, msid, payload) for each complete message (RTMP spec 5.3)."""
    chunk_size, streams = 128, {}
    while True:
        first = recv_exact(conn, 1)[0]
        fmt, csid = first >> 6, first & 0x3F
        if csid == 0:
            csid = 64 + recv_exact(conn, 1)[0]
        elif csid == 1:
            csid = 64 + struct.unpack("<H", recv_exact(conn, 2))[0]
        state = streams.setdefault(csid, {"length": 0, "type": 0, "msid": 0, "data": b""})
        header = recv_exact(conn, [11, 7, 3, 0][fmt])
        if fmt <= 1:
            state["length"] = struct.unpack(">I", b"\x00" + header[3:6])[0]
            state["type"] = header[6]
        if fmt == 0:
            state["msid"] = struct.unpack("<I", header[7:11])[0]
        if fmt <= 2 and header[0:3] == b"\xff\xff\xff":
            recv_exact(conn, 4)  # extended timestamp
        want = min(chunk_size, state["length"] - len(state["data"]))
        state["data"] += recv_exact(conn, want)
        if len(state["data"]) == state["length"]:
            payload, state["data"] = state["data"], b""
            if state["type"] == 1:
                chunk_size = struct.unpack(">I", payload)[0] & 0x7FFFFFFF
            yield state["type"], state["msid"], payload


def command_name_and_txn(payload):
    length = struct.unpack(">H", payload[1:3])[0]
    name = payload[3:3 + length].decode()
    txn = struct.unpack(">d", payload[4 + length:12 + length])[0] if len(payload) > 11 + length else 0
    return name, txn


def serve(mode, conn):
    c0c1 = recv_exact(conn, 1537)
    conn.sendall(b"\x03" + bytes(8) + os.urandom(1528) + c0c1[1:])  # S0, plain S1, S2 = C1
    recv_exact(conn, 1536)  # C2
    kept = {}
    for type_id, msid, payload in messages(conn):
        if type_id == 18 and payload.startswith(amf_string("@setDataFrame")):
            kept["setdataframe"] = payload
            return kept
        if type_id != 20:
            continue
        name, txn = command_name_and_txn(payload)
        if name == "connect":
            kept[f"connect_{mode}"] = payload
            if mode == "play":
                return kept
            info = amf_object([("level", amf_string("status")),
                               ("code", amf_string("NetConnection.Connect.Success"))])
            send_message(conn, 3, 20, 0, amf_string("_result") + amf_number(txn) + b"\x05" + info)
        elif name == "createStream":
            send_message(conn, 3, 20, 0, amf_string("_result") + amf_number(txn) + b"\x05" +
                         amf_number(1))
        elif name == "publish":
            kept["publish"] = payload
            info = amf_object([("level", amf_string("status")),
                               ("code", amf_string("NetStream.Publish.Start")),
                               ("description", amf_string("capture"))])
            send_message(conn, 3, 20, 1, amf_string("onStatus") + amf_number(0) + b"\x05" + info)


def capture(mode):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(20)
    url = f"rtmp://127.0.0.1:{listener.getsockname()[1]}/live/cam1"
    if mode == "publish":
        args = ["-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "5", "-c:v", "libx264", "-c:a",
                "aac", "-f", "flv", url]
    else:
        args = ["-i", url, "-f", "null", "-"]
    ffmpeg = subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", *args],
                              stdin=subprocess.DEVNULL)
    try:
        conn, _ = listener.accept()
        conn.settimeout(20)
        with conn:
            kept = serve(mode, conn)
    finally:
        ffmpeg.kill()
        ffmpeg.wait()
        listener.close()
    for name, payload in kept.items():
        with open(os.path.join(HERE, f"ffmpeg_{name}.bin"), "wb") as out:
            out.write(payload)
        print(f"ffmpeg_{name}.bin: {len(payload)} bytes", file=sys.stderr)


if __name__ == "__main__":
    capture("publish")
    capture("play")
