// A minimal RTMP player over a raw socket (plain handshake, connect, createStream, play) that
// records what arrives: statuses, and each audio/video message with its arrival time. It can
// stop reading (socket.pause) to play a player whose network stalls.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

// AMF0 (the values RTMP commands use).
function amfEncode(value) {
  if (value === null) return Buffer.from([0x05]);
  if (typeof value === 'number') { const b = Buffer.alloc(9); b[0] = 0x00; b.writeDoubleBE(value, 1); return b; }
  if (typeof value === 'boolean') return Buffer.from([0x01, value ? 1 : 0]);
  if (typeof value === 'string') {
    const s = Buffer.from(value); const b = Buffer.alloc(3); b[0] = 0x02; b.writeUInt16BE(s.length, 1);
    return Buffer.concat([b, s]);
  }
  const parts = [Buffer.from([0x03])];
  for (const [k, v] of Object.entries(value)) {
    const key = Buffer.from(k); const len = Buffer.alloc(2); len.writeUInt16BE(key.length);
    parts.push(len, key, amfEncode(v));
  }
  parts.push(Buffer.from([0, 0, 0x09]));
  return Buffer.concat(parts);
}

function amfDecode(buf, at = 0) {
  const marker = buf[at];
  const props = (from) => {
    const out = {};
    let i = from;
    for (let n = 0; n < 10000 && i + 3 <= buf.length; n++) {
      const len = buf.readUInt16BE(i);
      if (len === 0 && buf[i + 2] === 0x09) return [out, i + 3];
      const key = buf.toString('utf8', i + 2, i + 2 + len);
      const [v, next] = amfDecode(buf, i + 2 + len);
      out[key] = v;
      i = next;
    }
    throw new Error('AMF0 object without end');
  };
  switch (marker) {
    case 0x00: return [buf.readDoubleBE(at + 1), at + 9];
    case 0x01: return [buf[at + 1] !== 0, at + 2];
    case 0x02: { const len = buf.readUInt16BE(at + 1); return [buf.toString('utf8', at + 3, at + 3 + len), at + 3 + len]; }
    case 0x03: return props(at + 1);
    case 0x05: case 0x06: return [null, at + 1];
    case 0x08: return props(at + 5);
    default: throw new Error(`AMF0 marker ${marker}`);
  }
}

function amfDecodeAll(buf) {
  const values = [];
  for (let at = 0, n = 0; at < buf.length && n < 64; n++) {
    const [v, next] = amfDecode(buf, at);
    values.push(v);
    at = next;
  }
  return values;
}

// One message as type-0 chunks of 128 bytes (the default chunk size) on chunk stream `csid`.
function chunked(csid, type, streamId, payload) {
  const parts = [];
  for (let at = 0; at === 0 || at < payload.length; at += 128) {
    if (at === 0) {
      const h = Buffer.alloc(12);
      h[0] = csid; h.writeUIntBE(0, 1, 3); h.writeUIntBE(payload.length, 4, 3); h[7] = type; h.writeUInt32LE(streamId, 8);
      parts.push(h);
    } else {
      parts.push(Buffer.from([0xC0 | csid]));
    }
    parts.push(payload.subarray(at, at + 128));
  }
  return Buffer.concat(parts);
}

// RTMP spec 5.3 chunk reader: whole messages out of chunks.
class ChunkReader {
  constructor(onMessage) { this.buf = Buffer.alloc(0); this.chunkSize = 128; this.streams = new Map(); this.onMessage = onMessage; }

  feed(data) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    for (let n = 0; n < 1e6; n++) { const used = this.chunk(); if (used === 0) break; this.buf = this.buf.subarray(used); }
  }

  chunk() {
    const b = this.buf;
    if (b.length < 1) return 0;
    const fmt = b[0] >> 6;
    let csid = b[0] & 0x3f;
    let at = 1;
    if (csid === 0) { if (b.length < 2) return 0; csid = b[1] + 64; at = 2; }
    else if (csid === 1) { if (b.length < 3) return 0; csid = b[1] + b[2] * 256 + 64; at = 3; }
    const s = this.streams.get(csid) ?? { ts: 0, delta: 0, length: 0, type: 0, msid: 0, ext: false, parts: [], got: 0 };
    const headerSize = [11, 7, 3, 0][fmt];
    if (b.length < at + headerSize) return 0;
    let field = 0;
    if (fmt <= 2) field = b.readUIntBE(at, 3);
    if (fmt <= 1) { s.nextLength = b.readUIntBE(at + 3, 3); s.nextType = b[at + 6]; }
    at += headerSize;
    const ext = fmt <= 2 ? field === 0xffffff : s.ext;
    if (ext) { if (b.length < at + 4) return 0; if (fmt <= 2) field = b.readUInt32BE(at); at += 4; }
    const starting = s.got === 0;
    const want = starting ? (fmt <= 1 ? s.nextLength : s.length) : s.length - s.got;
    const size = Math.min(this.chunkSize, starting ? want : want);
    if (b.length < at + size) return 0;
    if (starting) {
      if (fmt === 0) { s.ts = field; s.delta = 0; s.msid = b.readUInt32LE(at - 4 - (ext ? 4 : 0)); }
      else if (fmt <= 2) { s.delta = field; s.ts = (s.ts + field) >>> 0; }
      else { s.ts = (s.ts + s.delta) >>> 0; }
      if (fmt <= 1) { s.length = s.nextLength; s.type = s.nextType; }
      if (fmt <= 2) s.ext = ext;
    }
    s.parts.push(b.subarray(at, at + size));
    s.got += size;
    this.streams.set(csid, s);
    if (s.got >= s.length) {
      const payload = Buffer.concat(s.parts);
      s.parts = []; s.got = 0;
      if (s.type === 1) this.chunkSize = payload.readUInt32BE(0);
      this.onMessage({ csid, type: s.type, msid: s.msid, timestamp: s.ts, payload });
    }
    return at + size;
  }
}

export class RawRtmpPlayer {
  // Connects and plays `name`; resolves once the server answered the play (see `statuses`).
  static async play(port, name, { timeoutMs = 5000 } = {}) {
    const player = new RawRtmpPlayer(port, name);
    await player.started(timeoutMs);
    return player;
  }

  constructor(port, name) {
    this.name = name;
    this.statuses = [];
    this.media = [];  // {type, timestamp, keyframe, at (ms since the connect), size}
    this.bytes = 0;
    this.closed = false;
    this.connectedAt = Date.now();
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    this.socket.on('close', () => { this.closed = true; });
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(1528)]);
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    let handshake = Buffer.alloc(0);
    this.reader = new ChunkReader((m) => this.onMessage(m));
    this.socket.on('data', (data) => {
      this.bytes += data.length;
      if (handshake !== null) {
        handshake = Buffer.concat([handshake, data]);
        if (handshake.length < 1 + 1536 * 2) return;
        this.socket.write(handshake.subarray(1, 1537));  // C2 echoes S1
        const rest = handshake.subarray(1 + 1536 * 2);
        handshake = null;
        this.command(0, 'connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live`, flashVer: 'LNX 9,0,124,2' });
        this.command(0, 'createStream', 2, null);
        if (rest.length) this.reader.feed(rest);
        return;
      }
      this.reader.feed(data);
    });
  }

  command(streamId, name, transaction, object, ...args) {
    const payload = Buffer.concat([amfEncode(name), amfEncode(transaction), amfEncode(object), ...args.map(amfEncode)]);
    this.socket.write(chunked(streamId === 0 ? 3 : 8, 20, streamId, payload));
  }

  onMessage(m) {
    if (m.type === 20) {
      const [name, transaction, , info] = amfDecodeAll(m.payload);
      if (name === '_result' && transaction === 2) this.command(info, 'play', 3, null, this.name, -2);
      if (name === 'onStatus') this.statuses.push(info.code);
    } else if (m.type === 8 || m.type === 9) {
      const first = m.payload[0];
      const keyframe = m.type === 9 && (first >> 4 & 7) === 1 && (first & 0x80 ? (first & 0x0f) !== 0 : m.payload[1] === 1);
      const config = m.type === 9 ? (first & 0x80 ? (first & 0x0f) === 0 : m.payload[1] === 0) : m.payload[1] === 0;
      this.media.push({ type: m.type, timestamp: m.timestamp, keyframe, config, at: Date.now() - this.connectedAt, size: m.payload.length });
    }
  }

  started(timeoutMs) {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (this.statuses.some((s) => s !== 'NetStream.Play.Reset')) return resolve(this);
        if (this.closed) return reject(new Error(`closed before a play status (${this.statuses})`));
        if (Date.now() > deadline) return reject(new Error(`no play status within ${timeoutMs} ms`));
        setTimeout(check, 20);
      };
      check();
    });
  }

  // Frames (audio and video, not sequence headers) received so far.
  get frames() { return this.media.filter((m) => !m.config); }

  // Stops reading: the kernel's buffers fill and the server sees a player that stalled.
  stopReading() { this.socket.pause(); }

  close() { this.socket.destroy(); }
}

// For tests that speak RTMP themselves (a raw publisher, hostile input after valid commands).
export { amfEncode, amfDecodeAll, chunked, ChunkReader };
