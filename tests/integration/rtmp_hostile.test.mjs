// Bad RTMP input closes that one connection with a log line; the server and other streams go on.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

let relay;
before(async () => { relay = await LiveRelay.start(); });
after(async () => { await relay.stop(); });

// Sends `bytes` and resolves once the server closes the socket (rejects after `timeoutMs`).
function sendAndAwaitClose(port, bytes, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('server kept the socket open')); }, timeoutMs);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve(); });
  });
}

// C0 C1 of a plain handshake, then C2: enough for the server to expect chunks.
function handshake() {
  const c0c1 = Buffer.alloc(1537);
  c0c1[0] = 3;
  return Buffer.concat([c0c1, Buffer.alloc(1536)]);
}

test('an HTTP request on the RTMP port is closed', async () => {
  await sendAndAwaitClose(relay.rtmpPort, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(1600, ' ')));
});

test('a chunk declaring a 16 MiB message is closed instead of allocated', async () => {
  // Type-0 header on chunk stream 3: timestamp 0, length 0xFFFFFF (over the 8 MiB limit),
  // type 20, stream 0.
  const header = Buffer.from([0x03, 0, 0, 0, 0xff, 0xff, 0xff, 0x14, 0, 0, 0, 0]);
  const chunk = Buffer.alloc(128, 0x02);
  await sendAndAwaitClose(relay.rtmpPort, Buffer.concat([handshake(), header, chunk]));
  assert.match(relay.output, /over limit/);
});

test('a real publisher is unaffected by hostile connections around it', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl('steady'), sampleFlv(), { loop: true });
  try {
    await waitFor(async () => (await relay.stream('steady')).live, { what: 'steady live' });
    const junk = Buffer.alloc(4096, 0xff);
    await Promise.all(Array.from({ length: 20 }, () => sendAndAwaitClose(relay.rtmpPort, junk)));
    const before = (await relay.stream('steady')).ingest.frames;
    await waitFor(async () => (await relay.stream('steady')).ingest.frames > before + 30,
      { timeoutMs: 5000, what: 'frames still arriving' });
    assert.equal((await relay.json('/api/v1/server')).connections.rtmp, 1);
  } finally {
    publisher.kill('SIGKILL');
  }
});
