// [limits] (hardening): connections per address and in total refused at accept, the RTMP
// handshake timeout, idle publishers, oversized RTMP messages, the live-stream cap, and HTTP
// head size and slowloris timeouts, each with small values and real sockets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';
import { chunked } from './lib/rtmp_player.mjs';
import { RawRtmpClient } from './lib/rtmp_raw.mjs';

// ffmpeg's C0 C1 (1537 bytes), as in lib/rtmp_raw.mjs: a handshake the server completes.
const C0C1 = readFileSync(new URL('../data/ffmpeg_publish_handshake.bin', import.meta.url)).subarray(0, 1537);

// Opens a connection from `localAddress` (another loopback address than the test's own API
// reads) and says something: an HTTP request, or C0 C1 on the RTMP port. Resolves once the
// server answers (`admitted`) or closes without a word (refused); bounded by a deadline.
function probe(relay, kind, localAddress) {
  const port = kind === 'rtmp' ? relay.rtmpPort : relay.httpPort;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${kind} probe: no answer and no close in 5 s`)); }, 5000);
    const done = (admitted) => { clearTimeout(timer); resolve({ socket, admitted, received }); };
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(kind === 'rtmp' ? C0C1 : 'GET /api/v1/server HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      const answered = kind === 'rtmp' ? received.length >= 1 + 1536 : received.includes('\r\n\r\n');
      if (answered) done(true);
    });
    socket.on('close', () => done(false));
  });
}

// Sends an HTTP request on an open keep-alive socket; resolves with the status line's code.
function requestOn(socket) {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(() => reject(new Error(`no answer in 5 s: ${received}`)), 5000);
    const onData = (data) => {
      received += data.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (status) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(Number(status[1]));
      }
    };
    socket.on('data', onData);
    socket.write('GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

const whenClosed = (socket) => new Promise((resolve) => {
  if (socket.closed) resolve();
  else socket.once('close', resolve);
});

// Resolves when the server has closed `socket`; rejects after `timeoutMs`.
function closedWithin(socket, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} still open after ${timeoutMs} ms`)), timeoutMs);
    whenClosed(socket).then(() => { clearTimeout(timer); resolve(); });
  });
}

// Stops a raw publisher (its media ticker too).
function stopClient(client) {
  clearInterval(client.ticker);
  client.close();
}

test('connections past max_connections_per_address are closed at accept, over RTMP and HTTP together', async () => {
  const relay = await LiveRelay.start({ config: '[limits]\nmax_connections_per_address = 5\nrtmp_handshake_timeout_s = 60\n' });
  const held = [];
  try {
    // 3 HTTP + 2 RTMP from 127.0.0.2: its 5 places.
    for (const kind of ['http', 'http', 'http', 'rtmp', 'rtmp']) {
      const answer = await probe(relay, kind, '127.0.0.2');
      held.push(answer.socket);
      assert.equal(answer.admitted, true, `${kind} connection ${held.length} refused`);
    }
    // The 6th is closed without an answer, on either port.
    for (const kind of ['http', 'rtmp']) {
      const sixth = await probe(relay, kind, '127.0.0.2');
      assert.equal(sixth.admitted, false, `a 6th ${kind} connection was served`);
      assert.equal(sixth.received.length, 0);
    }
    // The first five still work, and another address is not affected.
    for (const socket of held.slice(0, 3)) assert.equal(await requestOn(socket), 200);
    const other = await probe(relay, 'http', '127.0.0.3');
    assert.equal(other.admitted, true);
    other.socket.destroy();

    const server = await relay.json('/api/v1/server');
    assert.deepEqual(server.connections.refused, { total: 0, per_address: 2 });
    const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assert.match(metrics, /^liverelay_connections_refused_total\{reason="per_address"\} 2$/m);
    assert.match(metrics, /^liverelay_connections_refused_total\{reason="total"\} 0$/m);
    assert.match(relay.output, /connection from 127\.0\.0\.2 refused: 5 connections open from it \(\[limits\] max_connections_per_address\)/);

    // A closed connection gives its place back: the address gets in again.
    held.pop().destroy();
    await waitFor(async () => {
      const again = await probe(relay, 'http', '127.0.0.2');
      if (again.admitted) held.push(again.socket);
      return again.admitted;
    }, { timeoutMs: 5000, what: '127.0.0.2 admitted after closing one connection' });
  } finally {
    for (const socket of held) socket.destroy();
    await relay.stop();
  }
});

test('past max_connections every address is refused until a connection closes', async () => {
  const relay = await LiveRelay.start({ config: '[limits]\nmax_connections = 6\n' });
  const held = [];
  try {
    // The test's own API connection (fetch keeps one alive) may hold a place: fill the rest.
    let refusedAt;
    for (let i = 0; i < 10 && refusedAt === undefined; i++) {
      const answer = await probe(relay, 'http', '127.0.0.3');
      if (answer.admitted) held.push(answer.socket);
      else refusedAt = i;
    }
    assert.ok(refusedAt !== undefined && held.length >= 3 && held.length <= 6, `${held.length} admitted before a refusal`);
    // Full: a fresh address is refused too (the per-address limit is far away).
    assert.equal((await probe(relay, 'rtmp', '127.0.0.4')).admitted, false);
    assert.equal((await probe(relay, 'http', '127.0.0.4')).admitted, false);

    held.shift().destroy();
    await waitFor(async () => {
      const answer = await probe(relay, 'http', '127.0.0.4');
      if (answer.admitted) held.push(answer.socket);
      return answer.admitted;
    }, { timeoutMs: 5000, what: 'a place freed by a closed connection' });
    for (const socket of held) socket.destroy();
    held.length = 0;
    const { connections } = await waitFor(() => relay.json('/api/v1/server'), { what: 'the API with places free' });
    assert.ok(connections.refused.total >= 3, JSON.stringify(connections));
    assert.equal(connections.refused.per_address, 0);
  } finally {
    for (const socket of held) socket.destroy();
    await relay.stop();
  }
});

// An audio message on chunk stream 4 of message stream 1 (the first createStream's id).
const audioMessage = (payload) => chunked(4, 8, 1, payload);
const AAC_CONFIG = Buffer.from([0xaf, 0x00, 0x12, 0x10]);
const aacFrame = (n) => Buffer.concat([Buffer.from([0xaf, 0x01]), Buffer.alloc(200, n & 0xff)]);

// A raw publisher of `name` that keeps sending an AAC frame every 200 ms (media keeps it alive).
async function livePublisher(relay, name) {
  const client = await RawRtmpClient.open(relay.rtmpPort);
  const code = await client.publish(name);
  if (code !== 'NetStream.Publish.Start') {
    client.close();
    return { client, code };
  }
  client.write(audioMessage(AAC_CONFIG));
  let n = 0;
  client.ticker = setInterval(() => client.write(audioMessage(aacFrame(n++))), 200);
  return { client, code };
}

test('RTMP limits: handshake timeout, idle publishers, oversized messages, the live-stream cap', async (t) => {
  const relay = await LiveRelay.start({
    config: '[limits]\nrtmp_handshake_timeout_s = 1\npublisher_idle_timeout_s = 2\nmax_rtmp_message_bytes = 65536\n' +
      'max_streams = 2\n',
  });
  const publishers = [];
  const stopAll = async () => {
    for (const { client } of publishers.splice(0)) stopClient(client);
    await waitFor(async () => (await relay.json('/api/v1/server')).streams.live === 0, { timeoutMs: 5000, what: 'no stream live' });
  };
  try {
    await t.test('a socket that sends half a C1 is closed after the handshake timeout; a completed handshake stays', async () => {
      const complete = await RawRtmpClient.open(relay.rtmpPort);
      const half = net.connect(relay.rtmpPort, '127.0.0.1');
      half.on('error', () => {});
      await new Promise((resolve) => half.on('connect', resolve));
      const started = Date.now();
      half.write(C0C1.subarray(0, 769));
      await closedWithin(half, 5000, 'the half handshake');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 800 && elapsed < 4000, `closed after ${elapsed} ms`);
      // `complete` connected before `half`: its own timeout has passed too, and it is served.
      assert.equal(complete.closed, false);
      publishers.push({ client: complete });
      assert.equal(await complete.publish('shook'), 'NetStream.Publish.Start');
      await stopAll();
    });

    await t.test('a publisher that sends no media (only acknowledgements) is disconnected and its stream goes offline', async () => {
      const steady = await livePublisher(relay, 'steady');
      publishers.push(steady);
      const quiet = await RawRtmpClient.open(relay.rtmpPort);
      publishers.push({ client: quiet });
      assert.equal(await quiet.publish('quiet'), 'NetStream.Publish.Start');
      const started = Date.now();
      assert.equal((await relay.stream('quiet')).live, true);
      // Acknowledgements (RTMP spec 5.4.3) are traffic, not media: they must not keep it.
      const acks = setInterval(() => quiet.write(chunked(2, 3, 0, Buffer.from([0, 0, 0x10, 0]))), 300);
      try {
        await quiet.waitClosed(6000);
      } finally {
        clearInterval(acks);
      }
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1800, `closed after ${elapsed} ms`);
      await waitFor(async () => (await relay.stream('quiet')).live === false, { timeoutMs: 3000, what: 'quiet offline' });
      assert.match(relay.output, /quiet: publisher .* sent no audio or video for 2 s: disconnected/);
      // A publisher sending media for longer than the timeout is still on.
      assert.equal(steady.client.closed, false);
      assert.equal((await relay.stream('steady')).live, true);
      await stopAll();
    });

    await t.test('a message over max_rtmp_message_bytes closes that publisher; another stream goes on', async () => {
      const other = await livePublisher(relay, 'other');
      publishers.push(other);
      const big = await RawRtmpClient.open(relay.rtmpPort);
      publishers.push({ client: big });
      assert.equal(await big.publish('big'), 'NetStream.Publish.Start');
      big.write(chunked(6, 9, 1, Buffer.concat([Buffer.from([0x17, 0x01, 0, 0, 0]), Buffer.alloc(100 * 1024, 7)])));
      await big.waitClosed(5000);
      await waitFor(async () => (await relay.stream('big')).live === false, { timeoutMs: 3000, what: 'big offline' });
      assert.match(relay.output, /message length 102405 over limit 65536/);
      const { ingest: before } = await relay.stream('other');
      await waitFor(async () => (await relay.stream('other')).ingest?.bytes > before.bytes,
        { timeoutMs: 3000, what: 'other still ingesting' });
      assert.equal(other.client.closed, false);
      await stopAll();
    });

    await t.test('past max_streams a publish is refused with NetStream.Publish.Rejected until a stream ends', async () => {
      publishers.push(await livePublisher(relay, 's1'), await livePublisher(relay, 's2'));
      assert.deepEqual(publishers.map((p) => p.code), ['NetStream.Publish.Start', 'NetStream.Publish.Start']);
      const third = await RawRtmpClient.open(relay.rtmpPort);
      publishers.push({ client: third });
      assert.equal(await third.publish('s3'), 'NetStream.Publish.Rejected');
      assert.match(third.statuses[0].description, /server full/);
      await third.waitClosed(5000);
      assert.match(relay.output, /publish of s3 refused: 2 streams live \(\[limits\] max_streams\)/);
      assert.equal((await relay.json('/api/v1/server')).streams.live, 2);
      // A name already live is refused for that reason, full or not.
      const busy = await RawRtmpClient.open(relay.rtmpPort);
      publishers.push({ client: busy });
      assert.equal(await busy.publish('s2'), 'NetStream.Publish.BadName');

      stopClient(publishers.shift().client);
      await waitFor(async () => (await relay.stream('s1')).live === false, { timeoutMs: 3000, what: 's1 offline' });
      const again = await livePublisher(relay, 's3');
      publishers.push(again);
      assert.equal(again.code, 'NetStream.Publish.Start');
      await stopAll();
    });
  } finally {
    for (const { client } of publishers) stopClient(client);
    await relay.stop();
  }
});

test('HTTP limits: a head over http_max_header_bytes gets 431; a slowloris client is closed after http_header_timeout_s', async () => {
  const relay = await LiveRelay.start({ config: '[limits]\nhttp_max_header_bytes = 1024\nhttp_header_timeout_s = 1\n' });
  try {
    const exchange = (text) => new Promise((resolve, reject) => {
      const socket = net.connect(relay.httpPort, '127.0.0.1');
      let received = '';
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no close in 5 s: ${received}`)); }, 5000);
      socket.on('data', (d) => { received += d.toString('latin1'); });
      socket.on('error', () => {});
      socket.on('close', () => { clearTimeout(timer); resolve(received); });
      socket.write(text);
    });
    const head = (padding) => `GET /api/v1/server HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(padding)}\r\nConnection: close\r\n\r\n`;
    assert.match(await exchange(head(800)), /^HTTP\/1\.1 200 /);
    assert.match(await exchange(head(1100)), /^HTTP\/1\.1 431 /);

    // One header byte every 200 ms: never idle, never complete.
    const socket = net.connect(relay.httpPort, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.on('connect', resolve));
    let received = '';
    socket.on('data', (d) => { received += d.toString('latin1'); });
    const started = Date.now();
    socket.write('GET /api/v1/server HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const closed = whenClosed(socket);
    let open = true;
    closed.then(() => { open = false; });
    for (let i = 0; i < 30 && open; i++) {
      socket.write('a');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    assert.equal(open, false, 'the slow client was never closed');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 3500, `closed after ${elapsed} ms`);
    assert.match(received, /^HTTP\/1\.1 408 /);
  } finally {
    await relay.stop();
  }
});
