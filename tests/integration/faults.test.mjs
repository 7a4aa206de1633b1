// Faults (issue 11): a publisher SIGKILLed mid-broadcast, garbage after a valid RTMP handshake
// (and inside valid framing, and in the middle of a real encoder's stream), 500 silent
// connections on each port, and SIGTERM under load with the recording left consistent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { fetchPlaylist, parsePlaylist } from './lib/hls.mjs';
import { noBframesFlv, publishWithFfmpeg } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';
import { amfEncode, chunked } from './lib/rtmp_player.mjs';
import { RawRtmpClient } from './lib/rtmp_raw.mjs';

// Deterministic garbage (xorshift32): the same bytes on every run.
function garbage(seed, length) {
  let x = seed >>> 0 || 1;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const newestBroadcast = async (relay, name) => (await relay.json(`/api/v1/streams/${name}/broadcasts`))[0];

// A stream's progress: frames received and HLS segments produced so far.
async function progress(relay, name) {
  const stats = await relay.stream(name);
  return { live: stats.live, frames: stats.ingest?.frames ?? 0, segments: stats.hls?.segments ?? 0 };
}

// Waits until `name` has received 30 more frames and produced a new segment than `from`.
function stillFlowing(relay, name, from, what) {
  return waitFor(async () => {
    const now = await progress(relay, name);
    return now.live && now.frames >= from.frames + 30 && now.segments > from.segments;
  }, { timeoutMs: 8000, what: `${name} still flowing ${what}` });
}

test('a SIGKILLed publisher: offline at once, the room told, ENDLIST after the 1 s grace, the recording closed; the name publishes again', async () => {
  const relay = await LiveRelay.start({ config: '[server]\nreconnect_grace_s = 1\n[hls]\nsegment_s = 1\n' });
  let publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), noBframesFlv(), { loop: true });
  const room = await RoomClient.open(relay, 'cam');
  const url = `${relay.httpUrl}/live/cam/index.m3u8`;
  try {
    await waitFor(async () => (await relay.stream('cam')).recording?.segments >= 3,
      { timeoutMs: 20000, what: 'three recorded segments' });
    const killed = await newestBroadcast(relay, 'cam');
    publisher.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => !(await relay.stream('cam')).live, { timeoutMs: 3000, what: 'cam offline' });
    await room.next((m) => m.type === 'state' && m.live === false, { timeoutMs: 3000, what: 'state live:false' });
    assert.equal((await relay.json('/api/v1/server')).connections.rtmp, 0);

    const ended = await waitFor(async () => {
      const { playlist } = await fetchPlaylist(url);
      return playlist.endList ? playlist : null;
    }, { timeoutMs: 6000, intervalMs: 50, what: 'ENDLIST' });
    assert.ok(Date.now() - killedAt >= 900, `ENDLIST ${Date.now() - killedAt} ms after the kill: the grace was not kept`);
    assert.ok(ended.segments.length >= 3);
    for (const segment of ended.segments) {
      assert.equal((await fetch(new URL(segment.uri, url)).then((r) => r.status)), 200, segment.uri);
    }

    const closed = await waitFor(async () => {
      const newest = await newestBroadcast(relay, 'cam');
      return newest.recording === 'complete' ? newest : null;
    }, { timeoutMs: 5000, what: 'the recording complete' });
    assert.equal(closed.id, killed.id);
    assert.notEqual(closed.ended_at, null);
    const replayUrl = `${relay.httpUrl}${closed.playlist}`;
    const { playlist: vod } = await fetchPlaylist(replayUrl);
    assert.ok(vod.endList && /#EXT-X-PLAYLIST-TYPE:VOD/.test(vod.raw), vod.raw);
    assert.ok(vod.segments.length >= 3);
    for (const segment of vod.segments) {
      assert.equal((await fetch(new URL(segment.uri, replayUrl)).then((r) => r.status)), 200, segment.uri);
    }

    // The name is free again: a new broadcast, and the room hears it.
    const mark = room.messages.length;
    publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), noBframesFlv(), { loop: true });
    await room.next((m) => m.type === 'state' && m.live === true, { from: mark, timeoutMs: 10000, what: 'live again' });
    await waitFor(async () => (await newestBroadcast(relay, 'cam')).id > killed.id, { timeoutMs: 5000, what: 'a new broadcast' });
  } finally {
    publisher.kill('SIGKILL');
    await room.close();
    await relay.stop();
  }
});

// The garbage and silent-connection tests share one server with a steady broadcast.
let relay;
let steady;
before(async () => {
  relay = await LiveRelay.start({ config: '[hls]\nsegment_s = 1\n' });
  steady = publishWithFfmpeg(relay.rtmpUrl('steady'), noBframesFlv(), { loop: true });
  await waitFor(async () => (await progress(relay, 'steady')).segments >= 2, { timeoutMs: 20000, what: 'steady live' });
});
after(async () => {
  steady?.kill('SIGKILL');
  await relay.stop();
});

test('garbage after a valid handshake, after connect, after a publish, and inside valid chunks closes only that connection', async () => {
  const from = await progress(relay, 'steady');
  const warnings = (relay.output.match(/warning \[rtmp\]/g) ?? []).length;
  const cases = [];
  // Random bytes right after C2, and after a valid connect.
  for (let seed = 1; seed <= 8; seed++) {
    cases.push(async () => {
      const client = await RawRtmpClient.open(relay.rtmpPort);
      if (seed % 2 === 0) client.command(0, 'connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${relay.rtmpPort}/live` });
      client.write(garbage(seed, 65536));
      await client.waitClosed(5000);
    });
  }
  // A publisher that went live, then garbage: closed, and its stream offline.
  cases.push(async () => {
    const client = await RawRtmpClient.open(relay.rtmpPort);
    assert.equal(await client.publish('victim'), 'NetStream.Publish.Start');
    assert.equal((await relay.stream('victim')).live, true);
    client.write(garbage(99, 65536));
    await client.waitClosed(5000);
    await waitFor(async () => !(await relay.stream('victim')).live, { timeoutMs: 3000, what: 'victim offline' });
  });
  // Valid framing around invalid AMF0: an unknown marker, a string longer than its message, an
  // object without its end, a command that is not a string.
  const badCommands = [
    Buffer.concat([amfEncode('connect'), amfEncode(1), Buffer.from([0xff, 0xfe, 0xfd])]),
    Buffer.concat([Buffer.from([0x02, 0xff, 0xff]), Buffer.from('connect')]),
    Buffer.concat([amfEncode('connect'), amfEncode(1), Buffer.from([0x03, 0x00, 0x03]), Buffer.from('app'), Buffer.from([0x03, 0x03, 0x03, 0x03])]),
    Buffer.concat([amfEncode(42), amfEncode(1), amfEncode(null)]),
    Buffer.concat([amfEncode('connect'), amfEncode(1), Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff])]),
  ];
  for (const payload of badCommands) {
    cases.push(async () => {
      const client = await RawRtmpClient.open(relay.rtmpPort);
      client.write(chunked(3, 20, 0, payload));
      // The server may close at once or answer with an error; either way the next garbage ends it.
      client.write(garbage(payload.length, 4096));
      await client.waitClosed(5000);
    });
  }
  await Promise.all(cases.map((run) => run()));

  const logged = (relay.output.match(/warning \[rtmp\]/g) ?? []).length - warnings;
  assert.ok(logged >= cases.length - 1, `${logged} warnings for ${cases.length} hostile connections`);
  await stillFlowing(relay, 'steady', from, 'after the garbage');
  await waitFor(async () => (await relay.json('/api/v1/server')).connections.rtmp === 1,
    { timeoutMs: 3000, what: 'only steady connected' });
});

// One FLV media message on chunk stream 6 (video) or 4 (audio) with its timestamp.
function mediaMessage(type, timestamp, payload) {
  const bytes = chunked(type === 9 ? 6 : 4, type, 1, payload);
  bytes.writeUIntBE(timestamp & 0xffffff, 1, 3);
  return bytes;
}

test('a live publisher sending garbage media (random AVC/AAC sequence headers, NAL units, tag headers) harms nothing', async () => {
  const from = await progress(relay, 'steady');
  const client = await RawRtmpClient.open(relay.rtmpPort);
  try {
    assert.equal(await client.publish('noise'), 'NetStream.Publish.Start');
    const kinds = [
      (g) => [9, Buffer.concat([Buffer.from([0x17, 0x00, 0, 0, 0]), g])],  // AVC sequence header, random record
      (g) => [9, Buffer.concat([Buffer.from([0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1]), g])],  // plausible record, random SPS
      (g) => [9, Buffer.concat([Buffer.from([0x17, 0x01, 0, 0, 0]), g])],  // keyframe, random NAL units
      (g) => [9, Buffer.concat([Buffer.from([0x27, 0x01, 0xff, 0xff, 0xff]), g])],  // negative composition time
      (g) => [9, Buffer.concat([Buffer.from([0x90]), g])],  // enhanced RTMP header, random FourCC
      (g) => [8, Buffer.concat([Buffer.from([0xaf, 0x00]), g.subarray(0, 2)])],  // AAC config, random
      (g) => [8, Buffer.concat([Buffer.from([0xaf, 0x01]), g])],  // AAC frame, random
      (g) => [8, g],  // random sound format
      (g) => [9, g],  // random video tag
    ];
    for (let i = 0; i < 450 && !client.closed; i++) {
      const [type, payload] = kinds[i % kinds.length](garbage(1000 + i, 16 + ((i * 7919) % 3000)));
      client.write(mediaMessage(type, i * 33, payload));
    }
    // Whatever the server made of it (closed or kept), it answers and the other stream goes on.
    await waitFor(async () => client.closed || (await relay.stream('noise')).ingest?.frames >= 100,
      { timeoutMs: 5000, what: 'the noise read' });
    const playlist = await fetch(`${relay.httpUrl}/live/noise/index.m3u8`);
    assert.ok([200, 404].includes(playlist.status), `noise playlist: ${playlist.status}`);
    await relay.json('/api/v1/streams/noise');
    await stillFlowing(relay, 'steady', from, 'beside the noise');
    // Random metadata is not AMF0: that ends the connection.
    client.write(mediaMessage(18, 0, Buffer.concat([amfEncode('@setDataFrame'), amfEncode('onMetaData'),
      Buffer.from([0x0e]), garbage(5, 64)])));
    await client.waitClosed(5000);
  } finally {
    client.close();
  }
  await waitFor(async () => !(await relay.stream('noise')).live, { timeoutMs: 3000, what: 'noise offline' });
});

// The AVC and AAC sequence headers (FLV tag bodies) of a real file.
function sequenceHeaders(file) {
  const flv = readFileSync(file);
  const found = {};
  for (let at = 13; at + 11 <= flv.length && !(found.video && found.audio);) {
    const type = flv[at];
    const size = flv.readUIntBE(at + 1, 3);
    const body = flv.subarray(at + 11, at + 11 + size);
    if (type === 9 && !found.video && body[1] === 0) found.video = body;
    if (type === 8 && !found.audio && body[1] === 0) found.audio = body;
    at += 11 + size + 4;
  }
  return found;
}

// Frames in AVCC form (4-byte lengths) whose NAL units are random after a plausible header
// byte: IDR and non-IDR slices, and in-band SPS, PPS and SEI with random bodies.
function garbageVideoFrame(i) {
  const keyframe = i % 30 === 0;
  const units = [];
  const headers = keyframe ? [0x67, 0x68, 0x06, 0x65] : [[0x41, 0x01, 0x06, 0x09][i % 4]];
  for (const [n, header] of headers.entries()) {
    const body = garbage(20000 + i * 8 + n, 8 + ((i * 131 + n * 17) % 1500));
    body[0] = header;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    units.push(length, body);
  }
  return Buffer.concat([Buffer.from([keyframe ? 0x17 : 0x27, 0x01, 0, 0, 0]), ...units]);
}

test('real sequence headers, then frames of random NAL units and AAC: the packager copes, HLS answers, the server lives', async () => {
  const from = await progress(relay, 'steady');
  const { video, audio } = sequenceHeaders(noBframesFlv());
  const client = await RawRtmpClient.open(relay.rtmpPort);
  try {
    assert.equal(await client.publish('static'), 'NetStream.Publish.Start');
    client.write(mediaMessage(9, 0, video));
    client.write(mediaMessage(8, 0, audio));
    // Four seconds of media at once (the server does not pace publishers): segments are cut.
    for (let i = 0; i < 120 && !client.closed; i++) {
      client.write(mediaMessage(9, i * 33, garbageVideoFrame(i)));
      if (i % 2 === 0) client.write(mediaMessage(8, i * 33, Buffer.concat([Buffer.from([0xaf, 0x01]), garbage(30000 + i, 200)])));
    }
    client.command(0, 'createStream', 9, null);
    await client.until(() => client.results.get(9), 5000, 'an answer after the frames');
    const stats = await relay.stream('static');
    const playlist = await fetch(`${relay.httpUrl}/live/static/index.m3u8`);
    assert.ok([200, 404].includes(playlist.status), `static playlist: ${playlist.status}`);
    if (playlist.status === 200) {
      const text = await playlist.text();
      for (const uri of parsePlaylist(text).segments.map((s) => s.uri)) {
        const segment = await fetch(`${relay.httpUrl}/live/static/${uri}`);
        assert.equal(segment.status, 200, uri);
        await segment.arrayBuffer();
      }
    }
    assert.ok(stats.live || client.closed, JSON.stringify(stats));
    await stillFlowing(relay, 'steady', from, 'beside the random frames');
  } finally {
    client.close();
  }
  await waitFor(async () => !(await relay.stream('static')).live, { timeoutMs: 3000, what: 'static offline' });
});

// STYLE.md: "Info for lifecycle ..., debug for per-message detail, never per-packet at info."
// A publisher that sends a new codec configuration with every message must not make the
// server write lines at that rate (a disk filled by the log is a fault of its own).
test('a publisher that changes its codec configuration on every message does not write a log line per message', async () => {
  const client = await RawRtmpClient.open(relay.rtmpPort);
  const before = relay.output.length;
  try {
    assert.equal(await client.publish('flapping'), 'NetStream.Publish.Start');
    for (let i = 0; i < 200; i++) {
      const g = garbage(5000 + i, 64);
      client.write(i % 2 === 0
        ? mediaMessage(9, i * 33, Buffer.concat([Buffer.from([0x17, 0x00, 0, 0, 0]), g]))
        : mediaMessage(8, i * 33, Buffer.concat([Buffer.from([0xaf, 0x00]), g.subarray(0, 2)])));
    }
    // The server has read all 200 once it answers the command sent after them.
    client.command(0, 'createStream', 9, null);
    assert.notEqual(await client.until(() => client.results.get(9), 5000, 'an answer after the 200 messages'), 'closed');
  } finally {
    client.close();
  }
  await waitFor(async () => !(await relay.stream('flapping')).live, { timeoutMs: 3000, what: 'flapping offline' });
  const lines = relay.output.slice(before).split('\n').filter((line) => line.includes('flapping'));
  assert.ok(lines.length <= 20, `${lines.length} log lines for 200 messages, e.g.:\n${lines.slice(0, 6).join('\n')}`);
});

// A TCP proxy in front of the RTMP port that forwards a real encoder and, once `after` bytes
// have passed, slips `junk` into the stream towards the server.
async function corruptingProxy(targetPort, after, junk) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client); sockets.add(upstream);
    let forwarded = 0;
    let injected = false;
    client.on('data', (data) => {
      forwarded += data.length;
      upstream.write(data);
      if (!injected && forwarded >= after) { injected = true; upstream.write(junk); }
    });
    upstream.on('data', (data) => client.write(data));
    const end = () => { client.destroy(); upstream.destroy(); };
    for (const socket of [client, upstream]) { socket.on('close', end); socket.on('error', end); }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port,
    close: () => { for (const socket of sockets) socket.destroy(); server.close(); } };
}

test('garbage in the middle of a real encoder\'s stream ends that broadcast only; the encoder is told', async () => {
  const from = await progress(relay, 'steady');
  const proxy = await corruptingProxy(relay.rtmpPort, 400000, garbage(7, 65536));
  const mangled = publishWithFfmpeg(`rtmp://127.0.0.1:${proxy.port}/live/mangled`, noBframesFlv(), { loop: true });
  try {
    await waitFor(async () => (await relay.stream('mangled').catch(() => ({}))).live === true,
      { timeoutMs: 10000, what: 'mangled live' });
    const { code } = await waitForExit(mangled, 15000);
    assert.notEqual(code, 0, 'ffmpeg saw its connection closed');
    assert.equal((await relay.stream('mangled')).live, false);
    assert.match(relay.output, /connection \d+ from 127\.0\.0\.1:\d+: .*(header|limit|chunk|message|AMF|amf)/);
    await stillFlowing(relay, 'steady', from, 'after the mangled broadcast');
  } finally {
    mangled.kill('SIGKILL');
    proxy.close();
  }
});

// Opens `count` connections of `kind` ('rtmp' or 'http') that never send a byte, into `sockets`,
// and waits until the server counts them as accepted. In batches of 100: the listen backlog is
// 128, and a handshake completed past it is only accepted on the kernel's SYN-ACK retries, seconds later.
async function silentConnections(kind, count, sockets) {
  const port = kind === 'rtmp' ? relay.rtmpPort : relay.httpPort;
  const base = (await relay.json('/api/v1/server')).connections[kind];
  let counted;
  for (let opened = 0; opened < count; opened += 100) {
    const batch = Array.from({ length: Math.min(100, count - opened) }, () => net.connect(port, '127.0.0.1'));
    sockets.push(...batch);
    await Promise.all(batch.map((socket) => new Promise((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('error', reject);
    })));
    for (const socket of batch) socket.on('error', () => {});
    await waitFor(async () => {
      counted = (await relay.json('/api/v1/server')).connections[kind];
      return counted >= base + opened + batch.length - 2;  // give or take the test's own keep-alive connections
    }, { timeoutMs: 5000, what: `${opened + batch.length} silent ${kind} connections accepted` }).catch((error) => {
      throw new Error(`${error.message}; the server counts ${counted - base}`);
    });
  }
}

test('500 silent connections on each port: HLS, the API, a WebSocket and a new publish are still served at once', async () => {
  const silent = [];
  let late;
  let room;
  try {
    await silentConnections('rtmp', 500, silent);
    await silentConnections('http', 500, silent);

    const from = await progress(relay, 'steady');
    const url = `${relay.httpUrl}/live/steady/index.m3u8`;
    const latencies = [];
    for (let i = 0; i < 8; i++) {  // sampling: a player's reloads, a few hundred ms apart
      const started = Date.now();
      const { playlist } = await fetchPlaylist(url);
      const segment = await fetch(new URL(playlist.segments.at(-1).uri, url));
      assert.equal(segment.status, 200);
      await segment.arrayBuffer();
      latencies.push(Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(Math.max(...latencies) < 2000, `HLS answers took ${latencies} ms`);

    const wsStarted = Date.now();
    room = await RoomClient.open(relay, 'steady');
    await room.next((m) => m.type === 'history', { timeoutMs: 2000, what: 'history' });
    assert.ok(Date.now() - wsStarted < 2000);

    late = publishWithFfmpeg(relay.rtmpUrl('late'), noBframesFlv(), { loop: true });
    await waitFor(async () => (await relay.stream('late').catch(() => ({}))).live === true,
      { timeoutMs: 10000, what: 'a new publisher live' });
    await stillFlowing(relay, 'steady', from, 'beside 1000 silent connections');
  } finally {
    for (const socket of silent) socket.destroy();
    late?.kill('SIGKILL');
    await room?.close();
  }
  let last;
  await waitFor(async () => {
    ({ connections: last } = await relay.json('/api/v1/server'));
    return last.rtmp === 1 && last.http <= 5;
  }, { timeoutMs: 5000, what: 'the silent connections released' }).catch((error) => {
    throw new Error(`${error.message}; connections ${JSON.stringify(last)}`);
  });
});

// Reads the playlist and its newest segment every 300 ms, as a player does, until stopped;
// counts the rounds that worked.
function hlsPoller(url) {
  const poller = { ok: 0, stopped: false };
  poller.done = (async () => {
    for (let i = 0; i < 1000 && !poller.stopped; i++) {
      try {
        const text = await (await fetch(url)).text();
        const { segments } = parsePlaylist(text);
        if (segments.length) await (await fetch(new URL(segments.at(-1).uri, url))).arrayBuffer();
        poller.ok += 1;
      } catch {
        if (poller.stopped) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return poller;
}

async function run(command, args, timeoutMs = 30000) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let errors = '';
  child.stderr.on('data', (d) => { errors += d; });
  const { code } = await waitForExit(child, timeoutMs);
  return { code, errors };
}

test('SIGTERM under load (a publisher, 20 HLS players, 50 WebSockets) exits 0 within 5 s and leaves the recording a complete VOD', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liverelay-faults-'));
  const config = '[hls]\nsegment_s = 1\n';
  let loaded;
  let publisher;
  const pollers = [];
  const rooms = [];
  try {
    loaded = await LiveRelay.start({ config, dataDir });
    publisher = publishWithFfmpeg(loaded.rtmpUrl('cam'), noBframesFlv(), { loop: true });
    await waitFor(async () => (await loaded.stream('cam')).hls?.segments >= 2, { timeoutMs: 20000, what: 'cam live' });
    for (let i = 0; i < 50; i++) rooms.push(await RoomClient.open(loaded, 'cam'));
    for (let i = 0; i < 20; i++) pollers.push(hlsPoller(`${loaded.httpUrl}/live/cam/index.m3u8`));
    for (const [i, client] of rooms.slice(0, 5).entries()) client.comment(`before the stop ${i}`);
    await waitFor(async () => (await loaded.stream('cam')).recording?.segments >= 3 && pollers.every((p) => p.ok >= 2) &&
      rooms.every((r) => r.messages.some((m) => m.type === 'history')), { timeoutMs: 20000, what: 'everyone served' });
    await rooms[0].next((m) => m.type === 'comment' && m.text === 'before the stop 4', { what: 'the last comment' });
    const { id } = await newestBroadcast(loaded, 'cam');

    const stoppedAt = Date.now();
    loaded.process.kill('SIGTERM');
    const { code } = await waitForExit(loaded.process, 5000);
    assert.equal(code, 0, loaded.output.slice(-3000));
    assert.ok(Date.now() - stoppedAt < 5000);
    for (const poller of pollers) poller.stopped = true;
    await Promise.all(pollers.map((p) => p.done));
    await Promise.all(rooms.map((client) => Promise.race([client.closed,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('a WebSocket left open')), 3000))])));
    await loaded.stop();  // exit code and sanitizer report

    // The recording on disk: a VOD playlist whose every file exists and is not empty, nothing
    // half-written beside it, and ffmpeg reads it through without an error.
    const folder = join(dataDir, 'recordings', 'cam', String(id));
    const playlistText = readFileSync(join(folder, 'index.m3u8'), 'utf8');
    const vod = parsePlaylist(playlistText);
    assert.ok(vod.endList, playlistText);
    assert.match(playlistText, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.ok(vod.segments.length >= 3, playlistText);
    const listed = new Set(['index.m3u8', ...vod.segments.map((s) => s.uri), ...vod.segments.map((s) => s.map).filter(Boolean)]);
    for (const file of listed) {
      assert.ok(existsSync(join(folder, file)) && statSync(join(folder, file)).size > 0, `${file} listed but missing or empty`);
    }
    const stray = readdirSync(folder).filter((file) => !listed.has(file));
    assert.deepEqual(stray, [], 'files in the recording that its playlist does not list');
    const { code: readCode, errors } = await run('ffmpeg', ['-v', 'error', '-i', join(folder, 'index.m3u8'), '-c', 'copy', '-f', 'null', '-']);
    assert.equal(readCode, 0, errors);
    assert.equal(errors.trim(), '', `ffmpeg reported: ${errors}`);

    // After a restart the broadcast is complete (closed by the shutdown, not repaired as
    // partial) and the comments are kept.
    loaded = await LiveRelay.start({ config, dataDir });
    const restarted = await newestBroadcast(loaded, 'cam');
    assert.equal(restarted.id, id);
    assert.equal(restarted.recording, 'complete');
    assert.notEqual(restarted.ended_at, null);
    const durations = vod.segments.reduce((sum, s) => sum + s.duration, 0);
    assert.ok(Math.abs(restarted.duration_s - durations) < 2.5, `${restarted.duration_s} s listed, ${durations} s in the playlist`);
    const back = await RoomClient.open(loaded, 'cam');
    rooms.push(back);
    const history = await back.next((m) => m.type === 'history');
    assert.deepEqual(history.comments.map((c) => c.text).filter((t) => t.startsWith('before the stop')).sort(),
      [0, 1, 2, 3, 4].map((i) => `before the stop ${i}`));
    await back.close();
    await loaded.stop();
  } catch (error) {
    loaded?.kill();
    throw error;
  } finally {
    for (const poller of pollers) poller.stopped = true;
    publisher?.kill('SIGKILL');
    for (const client of rooms) client.ws.terminate();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
