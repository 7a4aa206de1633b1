// Rooms over WebSocket with a real client (the `ws` package): comments and history, viewer
// counts (WebSockets and an HLS-only ffmpeg player), abuse answers, a reader that stops reading,
// moderation, bots, and history across a restart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';

const ADMIN = 'admin-token-0123456789';
const BOT = 'bot-token-0123456789abc';
const MODERATED = `[admin]\ntoken = "${ADMIN}"\n[[bots]]\nname = "Helpdesk"\ntoken = "${BOT}"\n`;

const isComment = (text) => (m) => m.type === 'comment' && m.text === text;

test('two clients see each other\'s comments in order, history on join, other rooms see none', async () => {
  const relay = await LiveRelay.start();
  const clients = [];
  try {
    const ana = await RoomClient.open(relay, 'alpha');
    const bo = await RoomClient.open(relay, 'alpha');
    const elsewhere = await RoomClient.open(relay, 'beta');
    clients.push(ana, bo, elsewhere);
    await ana.next((m) => m.type === 'history', { what: 'history' });
    ana.send({ type: 'hello', user: 'Ana' });
    bo.send({ type: 'hello', user: 'Bo' });
    ana.comment('one');
    await bo.next(isComment('one'));
    bo.comment('two');
    await ana.next(isComment('two'));
    ana.comment('three');
    for (const client of [ana, bo]) {
      await client.next(isComment('three'));
      const comments = client.ofType('comment');
      assert.deepEqual(comments.map((c) => c.text), ['one', 'two', 'three']);
      assert.deepEqual(comments.map((c) => c.user), ['Ana', 'Bo', 'Ana']);
      assert.ok(comments[0].id < comments[1].id && comments[1].id < comments[2].id);
      assert.ok(Math.abs(comments[0].ts - Date.now()) < 60000);
    }
    assert.equal(elsewhere.ofType('comment').length, 0);
    const late = await RoomClient.open(relay, 'alpha');
    clients.push(late);
    const history = await late.next((m) => m.type === 'history');
    assert.deepEqual(history.comments.map((c) => c.text), ['one', 'two', 'three']);
    const betaHistory = elsewhere.ofType('history')[0];
    assert.deepEqual(betaHistory.comments, []);
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
});

test('viewer counts follow WebSockets (0, 1, 2, 1) and an HLS-only player while it plays', async () => {
  const relay = await LiveRelay.start();
  const publisher = publishWithFfmpeg(relay.rtmpUrl('v'), sampleFlv(), { loop: true });
  let player;
  const viewers = async () => (await relay.stream('v')).viewers.current;
  try {
    await waitFor(async () => (await relay.stream('v')).live, { what: 'v live', timeoutMs: 15000 });
    await waitFor(async () => (await viewers()) === 0, { what: '0 viewers' });
    const first = await RoomClient.open(relay, 'v');
    await first.next((m) => m.type === 'viewers' && m.count === 1, { what: 'count 1' });
    const second = await RoomClient.open(relay, 'v');
    await first.next((m) => m.type === 'viewers' && m.count === 2, { what: 'count 2' });
    assert.equal(await viewers(), 2);
    const mark = first.messages.length;
    await second.close();
    await first.next((m) => m.type === 'viewers' && m.count === 1, { from: mark, what: 'count 1 again' });
    const counts = first.ofType('viewers').map((m) => m.count);
    assert.deepEqual(counts.slice(-3), [1, 2, 1]);

    await waitFor(async () => (await relay.stream('v')).hls?.segments >= 2, { what: 'segments', timeoutMs: 20000 });
    player = track(spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', `${relay.httpUrl}/live/v/index.m3u8`,
      '-c', 'copy', '-f', 'null', '-'], { stdio: 'ignore' }));
    await waitFor(async () => (await viewers()) === 2, { what: 'the HLS player counted', timeoutMs: 15000 });
    await first.next((m) => m.type === 'viewers' && m.count === 2, { from: mark + 1, what: 'count 2 with HLS' });
    player.kill('SIGKILL');
    await waitForExit(player, 5000);
    await waitFor(async () => (await viewers()) === 1, { what: 'the HLS player gone', timeoutMs: 20000 });
    assert.ok((await relay.stream('v')).viewers.peak >= 2);
    await first.close();
  } finally {
    player?.kill('SIGKILL');
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('bad frames get their documented answers and well-behaved clients keep receiving', async () => {
  const relay = await LiveRelay.start();
  const clients = [];
  try {
    const watcher = await RoomClient.open(relay, 'abuse');
    const poster = await RoomClient.open(relay, 'abuse');
    clients.push(watcher, poster);

    poster.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false }); // not UTF-8
    await poster.next((m) => m.type === 'error' && m.code === 'bad_json', { what: 'non-UTF-8 refused' });
    poster.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await poster.next((m) => m.type === 'error' && m.code === 'binary', { what: 'binary refused' });
    poster.ws.send('{"type":"comment",');
    await poster.next((m) => m.type === 'error' && m.code === 'bad_json' && m.message.includes('JSON'), { from: 2 });
    poster.send({ type: 'dance' });
    await poster.next((m) => m.type === 'error' && m.code === 'unknown_type');
    poster.comment('   ');
    await poster.next((m) => m.type === 'error' && m.code === 'bad_text');
    poster.comment('<img src=x onerror=alert(1)>');
    const literal = await watcher.next(isComment('<img src=x onerror=alert(1)>'));
    assert.equal(literal.text, '<img src=x onerror=alert(1)>');

    const big = await RoomClient.open(relay, 'abuse');
    big.ws.send('x'.repeat(100 * 1024));
    assert.equal((await big.closed).code, 1009);

    const flooder = await RoomClient.open(relay, 'abuse');
    clients.push(flooder);
    for (let i = 0; i < 100; i += 1) flooder.comment(`flood ${i}`);
    const { code } = await flooder.closed;
    assert.equal(code, 1008); // repeated abuse: disconnected after its errors
    const limited = flooder.ofType('error').filter((m) => m.code === 'rate_limited');
    assert.ok(limited.length >= 10, `rate_limited errors: ${limited.length}`);
    const accepted = flooder.ofType('comment').filter((m) => m.text.startsWith('flood'));
    assert.ok(accepted.length >= 1 && accepted.length <= 10, `accepted: ${accepted.length}`);

    await new Promise((resolve) => setTimeout(resolve, 1100)); // the poster's bucket refills (1/s)
    poster.comment('still here');
    await watcher.next(isComment('still here'), { what: 'delivery after the abuse' });
    const server = await relay.json('/api/v1/server');
    assert.equal(server.connections.websocket, 2);
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
});

// A raw WebSocket that completes the handshake and then never reads again.
async function stalledReader(relay, name) {
  const socket = net.connect(relay.httpPort, '127.0.0.1');
  await new Promise((resolve, reject) => { socket.on('connect', resolve); socket.on('error', reject); });
  socket.on('error', () => {});
  socket.write(`GET /live/${name}/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return socket;
}

test('a client that stops reading is dropped once over its limit; the others get everything', async () => {
  const relay = await LiveRelay.start({
    config: '[room]\ncomments_per_s = 1000\ncomment_burst = 1000\nsend_queue_kib = 64\n',
  });
  const clients = [];
  let stalled;
  try {
    const watcher = await RoomClient.open(relay, 'slow');
    const poster = await RoomClient.open(relay, 'slow');
    clients.push(watcher, poster);
    stalled = await stalledReader(relay, 'slow');
    await waitFor(async () => (await relay.json('/api/v1/server')).connections.websocket === 3, { what: '3 sockets' });
    const text = '😀'.repeat(500); // 2000 bytes a comment
    let sent = 0;
    for (let batch = 0; batch < 200 && !relay.output.includes('fell behind'); batch += 1) {
      for (let i = 0; i < 50; i += 1) poster.comment(`${sent++} ${text.slice(0, 990)}`);
      await watcher.next((m) => m.type === 'comment' && m.text.startsWith(`${sent - 1} `), { timeoutMs: 10000 });
    }
    assert.match(relay.output, /fell behind/);
    await waitFor(async () => (await relay.json('/api/v1/server')).connections.websocket === 2, { what: 'dropped' });
    poster.comment('after the drop');
    await watcher.next(isComment('after the drop'));
    assert.equal(watcher.ofType('comment').length, sent + 1); // nothing lost for the reader that reads
  } finally {
    stalled?.destroy();
    for (const client of clients) await client.close();
    await relay.stop();
  }
});

test('moderation, bots, bans and history survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liverelay-rooms-'));
  let relay = await LiveRelay.start({ config: MODERATED, dataDir });
  const clients = [];
  const post = (path, token, body) => fetch(`${relay.httpUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  try {
    const watcher = await RoomClient.open(relay, 'shop');
    const ana = await RoomClient.open(relay, 'shop');
    clients.push(watcher, ana);
    ana.send({ type: 'hello', user: 'Ana' });
    for (const text of ['keep me', 'delete me over HTTP', 'delete me over WS']) {
      ana.comment(text);
      await watcher.next(isComment(text));
    }
    const [keep, viaHttp, viaWs] = watcher.ofType('comment');

    assert.equal((await post('/api/v1/streams/shop/comments', null, { text: 'no token' })).status, 401);
    assert.equal((await post('/api/v1/streams/shop/comments', 'wrong-token-0123456789', { text: 'x' })).status, 401);
    const botResponse = await post('/api/v1/streams/shop/comments', BOT, { text: 'How can I help?' });
    assert.equal(botResponse.status, 201);
    const botComment = await watcher.next(isComment('How can I help?'));
    assert.equal(botComment.user, 'Helpdesk');
    assert.equal(botComment.bot, true);

    const unauthorised = await fetch(`${relay.httpUrl}/api/v1/streams/shop/comments/${viaHttp.id}`, { method: 'DELETE' });
    assert.equal(unauthorised.status, 401);
    const deleted = await fetch(`${relay.httpUrl}/api/v1/streams/shop/comments/${viaHttp.id}`,
      { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(deleted.status, 204);
    await watcher.next((m) => m.type === 'delete' && m.id === viaHttp.id, { what: 'delete over HTTP' });

    const admin = await RoomClient.open(relay, 'shop');
    clients.push(admin);
    admin.send({ type: 'delete', id: viaWs.id });
    await admin.next((m) => m.type === 'error' && m.code === 'forbidden', { what: 'delete refused before auth' });
    admin.send({ type: 'auth', token: ADMIN });
    admin.send({ type: 'delete', id: viaWs.id });
    await watcher.next((m) => m.type === 'delete' && m.id === viaWs.id, { what: 'delete over WS' });

    assert.equal((await post('/api/v1/streams/shop/bans', null, { user: 'Troll' })).status, 401);
    assert.equal((await post('/api/v1/streams/shop/bans', ADMIN, { user: 'Troll' })).status, 201);
    const troll = await RoomClient.open(relay, 'shop');
    clients.push(troll);
    troll.send({ type: 'hello', user: 'Troll' });
    troll.comment('spam');
    await troll.next((m) => m.type === 'error' && m.code === 'banned', { what: 'banned' });
    assert.equal(watcher.ofType('comment').filter((m) => m.text === 'spam').length, 0);

    for (const client of clients.splice(0)) await client.close();
    await relay.stop();
    relay = await LiveRelay.start({ config: MODERATED, dataDir });
    const back = await RoomClient.open(relay, 'shop');
    clients.push(back);
    const history = await back.next((m) => m.type === 'history');
    assert.deepEqual(history.comments.map((c) => c.text), ['keep me', 'How can I help?']);
    assert.equal(history.comments[0].id, keep.id);
    back.send({ type: 'hello', user: 'Troll' });
    back.comment('banned still');
    await back.next((m) => m.type === 'error' && m.code === 'banned', { what: 'ban after restart' });
    back.send({ type: 'hello', user: 'Ana' });
    back.comment('after restart');
    const fresh = await back.next(isComment('after restart'));
    assert.ok(fresh.id > botComment.id, 'ids continue after a restart');
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('WebSockets per address are limited', async () => {
  const relay = await LiveRelay.start({ config: '[room]\nmax_connections_per_address = 3\n' });
  const clients = [];
  try {
    for (let i = 0; i < 3; i += 1) clients.push(await RoomClient.open(relay, 'crowd'));
    await assert.rejects(RoomClient.open(relay, 'crowd'), /429/);
    await clients.pop().close();
    await waitFor(async () => (await relay.json('/api/v1/server')).connections.websocket === 2, { what: 'one left' });
    clients.push(await RoomClient.open(relay, 'crowd'));
  } finally {
    for (const client of clients) await client.close();
    await relay.stop();
  }
});
