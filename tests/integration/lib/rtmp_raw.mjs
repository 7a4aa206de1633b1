// A raw RTMP client for hostile-input tests: ffmpeg's captured handshake (tests/data), then
// commands it builds itself (any publish name) or whatever bytes a test wants to send.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

import { amfDecodeAll, ChunkReader, chunked, amfEncode } from './rtmp_player.mjs';

// C0 C1 (1537) | S0 S1 S2 (3073) | C2 (1536), as ffmpeg sent and our server answered.
const CAPTURE = readFileSync(new URL('../../data/ffmpeg_publish_handshake.bin', import.meta.url));
const C0C1 = CAPTURE.subarray(0, 1537);
const C2 = CAPTURE.subarray(1537 + 3073);

export class RawRtmpClient {
  // Connects and completes the handshake; resolves once C2 is sent.
  static open(port, { timeoutMs = 5000 } = {}) {
    const client = new RawRtmpClient(port);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { client.close(); reject(new Error(`no S0 S1 S2 within ${timeoutMs} ms`)); }, timeoutMs);
      client.onHandshake = () => { clearTimeout(timer); resolve(client); };
      client.socket.once('close', () => { clearTimeout(timer); reject(new Error('closed during the handshake')); });
    });
  }

  constructor(port) {
    this.statuses = [];   // {code, description} of every onStatus
    this.results = new Map();  // transaction id -> the values of its _result or _error
    this.closed = false;
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    this.whenClosed = new Promise((resolve) => this.socket.on('close', () => { this.closed = true; resolve(); }));
    this.reader = new ChunkReader((m) => this.onMessage(m));
    let handshake = Buffer.alloc(0);
    this.socket.on('connect', () => this.socket.write(C0C1));
    this.socket.on('data', (data) => {
      if (handshake === null) { this.feed(data); return; }
      handshake = Buffer.concat([handshake, data]);
      if (handshake.length < 3073) return;
      const rest = handshake.subarray(3073);
      handshake = null;
      this.socket.write(C2);
      this.onHandshake?.();
      if (rest.length) this.feed(rest);
    });
  }

  feed(data) {
    try {
      this.reader.feed(data);
    } catch {
      // What the server sends is not under test here; a message this reader cannot decode is skipped.
    }
  }

  onMessage(m) {
    if (m.type !== 20) return;
    const [name, transaction, , info, ...rest] = amfDecodeAll(m.payload);
    if (name === '_result' || name === '_error') this.results.set(transaction, { name, info, rest });
    if (name === 'onStatus') this.statuses.push({ code: info?.code, description: info?.description });
  }

  write(bytes) { if (!this.closed) this.socket.write(bytes); }

  command(streamId, name, transaction, object, ...args) {
    const payload = Buffer.concat([amfEncode(name), amfEncode(transaction), amfEncode(object), ...args.map(amfEncode)]);
    this.write(chunked(streamId === 0 ? 3 : 8, 20, streamId, payload));
  }

  // connect, createStream, publish `name`: resolves with the first onStatus code (or 'closed').
  async publish(name, { timeoutMs = 5000 } = {}) {
    this.command(0, 'connect', 1, { app: 'live', type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; test)',
      tcUrl: `rtmp://127.0.0.1:${this.socket.remotePort}/live` });
    this.command(0, 'createStream', 2, null);
    const created = await this.until(() => this.results.get(2), timeoutMs, 'createStream _result');
    if (created === 'closed') return 'closed';
    this.command(created.info, 'publish', 3, null, name, 'live');
    const status = await this.until(() => this.statuses[0], timeoutMs, 'publish onStatus');
    return status === 'closed' ? 'closed' : status.code;
  }

  // Resolves with probe()'s value, or 'closed' when the server closed first; bounded.
  until(probe, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value) return resolve(value);
        if (this.closed) return resolve('closed');
        if (Date.now() > deadline) return reject(new Error(`no ${what} within ${timeoutMs} ms`));
        setTimeout(check, 10);
      };
      check();
    });
  }

  // Resolves once the server has closed the connection; rejects after `timeoutMs`.
  waitClosed(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server kept the connection open for ${timeoutMs} ms`)), timeoutMs);
      this.whenClosed.then(() => { clearTimeout(timer); resolve(); });
    });
  }

  close() { this.socket.destroy(); }
}
