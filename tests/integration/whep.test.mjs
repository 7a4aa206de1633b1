// WebRTC playback (WHEP): headless Chromium plays a live stream over one UDP port, with the room
// on a data channel; the HTTP resource answers as draft-ietf-wish-whep says.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';

import { launchChromium, launchKillableChromium, WEBRTC_ARGS } from './lib/browser.mjs';
import { LiveRelay, waitFor } from './lib/harness.mjs';
import { bframesFlv, noBframesFlv } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';
import { liveStreamForWhep, WhepViewer } from './lib/whep.mjs';

// Samples `probe` once a second for `seconds`, returning every sample.
async function sampleEverySecond(seconds, probe) {
  const samples = [await probe()];
  for (let i = 0; i < seconds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(await probe());
  }
  return samples;
}

test('Chromium plays a live stream over WHEP: video at the source size and Opus audio for 10 s without a stall', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'rtc', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const viewer = await WhepViewer.open(browser, relay, 'rtc');
    assert.match(viewer.location, /\/live\/rtc\/whep\/[0-9a-f]+$/);
    assert.match(viewer.answer, /a=ice-lite/);
    assert.match(viewer.answer, /a=setup:passive/);
    assert.match(viewer.answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    await waitFor(async () => (await viewer.stats()).video?.framesDecoded > 0,
      { timeoutMs: 15000, what: 'the first video frame decoded' });
    // Audio starts later than video (the cached GOP is sent at once; Opus waits for the
    // transcoder to start and the next AAC frames), more so on a busy machine.
    await waitFor(async () => (await viewer.stats()).audio?.packetsReceived > 0,
      { timeoutMs: 15000, what: 'the first Opus packet' });
    const samples = await sampleEverySecond(10, () => viewer.stats());
    for (let i = 1; i < samples.length; i++) {
      assert.ok(samples[i].currentTime > samples[i - 1].currentTime,
        `the video advanced between seconds ${i - 1} and ${i}: ${samples[i - 1].currentTime} -> ${samples[i].currentTime}`);
    }
    const last = samples.at(-1);
    assert.equal(last.connection, 'connected');
    assert.equal(last.video.mimeType, 'video/H264');
    assert.equal(last.video.frameWidth, 640);
    assert.equal(last.video.frameHeight, 360);
    assert.equal(last.videoWidth, 640);
    // 30 fps for 10 s: well over 200 frames decoded (a stall or a keyframe wait would show).
    assert.ok(last.video.framesDecoded - samples[0].video.framesDecoded > 200,
      `frames decoded in 10 s: ${last.video.framesDecoded - samples[0].video.framesDecoded}`);
    // The stream's AAC arrives as Opus: 50 packets a second.
    assert.equal(last.audio?.mimeType, 'audio/opus');
    assert.ok(last.audio.packetsReceived - samples[0].audio.packetsReceived > 400,
      `Opus packets in 10 s: ${last.audio.packetsReceived - samples[0].audio.packetsReceived}`);
    await viewer.close();
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('the room on the data channel: comments both ways with the WebSocket, the WHEP viewer counted until DELETE', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'talk', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  const socket = await RoomClient.open(relay, 'talk');
  const viewers = async () => (await relay.stream('talk')).viewers.current;
  try {
    socket.send({ type: 'hello', user: 'Ana' });
    socket.comment('before the viewer came');
    await socket.next((m) => m.type === 'comment', { what: 'own comment' });
    await waitFor(async () => (await viewers()) === 1, { what: 'the WebSocket counted' });

    const viewer = await WhepViewer.open(browser, relay, 'talk');
    await waitFor(async () => (await viewer.stats()).channel === 'open', { timeoutMs: 15000, what: 'the room channel open' });
    // What a WebSocket gets on joining, the data channel gets too: history first, then state.
    await waitFor(async () => (await viewer.roomMessages()).some((m) => m.type === 'state'), { what: 'state on the channel' });
    const joined = await viewer.roomMessages();
    assert.equal(joined[0].type, 'history');
    assert.deepEqual(joined[0].comments.map((c) => c.text), ['before the viewer came']);
    assert.deepEqual(joined.find((m) => m.type === 'state'), { type: 'state', live: true });

    await socket.next((m) => m.type === 'viewers' && m.count === 2, { timeoutMs: 5000, what: 'count 2 with the WHEP viewer' });
    assert.equal(await viewers(), 2);

    socket.comment('from the WebSocket');
    await waitFor(async () => (await viewer.roomMessages()).some((m) => m.type === 'comment' && m.text === 'from the WebSocket'),
      { what: 'the WebSocket comment on the data channel' });

    await viewer.sendRoom({ type: 'hello', user: 'Rtc' });
    await viewer.sendRoom({ type: 'comment', text: 'from the data channel' });
    const comment = await socket.next((m) => m.type === 'comment' && m.text === 'from the data channel',
      { what: 'the data channel comment on the WebSocket' });
    assert.equal(comment.user, 'Rtc');
    await viewer.sendRoom({ type: 'reaction', kind: 'love' });
    await socket.next((m) => m.type === 'reactions' && m.counts.love === 1, { what: 'the reaction counted' });
    // The room's rules hold on the channel: bad JSON gets the documented error.
    await viewer.page.evaluate(() => window.viewer.channel.send('{not json'));
    await waitFor(async () => (await viewer.roomMessages()).some((m) => m.type === 'error'), { what: 'an error for bad JSON' });

    const mark = socket.messages.length;
    const deleted = await fetch(new URL(viewer.location), { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    await socket.next((m) => m.type === 'viewers' && m.count === 1, { from: mark, what: 'count back to 1 after DELETE' });
    assert.equal((await fetch(new URL(viewer.location), { method: 'DELETE' })).status, 404);
    await viewer.close();
  } finally {
    socket.ws.close();
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('the WHEP resource: 404 for a stream that is not live, 400 for a bad offer, 415 without SDP, CORS preflight, 429 past 50 sessions from one address', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'res', noBframesFlv());
  try {
    const whep = (name, init) => fetch(`${relay.httpUrl}/live/${name}/whep`, init);
    const post = (name, body, type = 'application/sdp') => whep(name, { method: 'POST', headers: { 'content-type': type }, body });
    const missing = await post('nobody', 'v=0\r\n');
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /not live/);

    const garbage = await post('res', 'hello, this is not SDP');
    assert.equal(garbage.status, 400);
    assert.ok((await garbage.text()).length > 5, 'the reason is in the body');

    const noFingerprint = await post('res', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' +
      'm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtpmap:96 H264/90000\r\n' +
      'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n');
    assert.equal(noFingerprint.status, 400);
    assert.match(await noFingerprint.text(), /fingerprint/);

    assert.equal((await post('res', 'v=0', 'application/json')).status, 415);

    const preflight = await whep('res', { method: 'OPTIONS', headers: { origin: 'http://elsewhere.test', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
    assert.match(preflight.headers.get('access-control-expose-headers'), /Location/);
    assert.equal((await fetch(`${relay.httpUrl}/live/res/whep/0123456789abcdef`, { method: 'DELETE' })).status, 404);

    // A real offer (Chromium's, captured) makes sessions that never connect; one address gets 50.
    const offer = readFileSync(new URL('../data/webrtc/chromium_156_whep_offer.sdp', import.meta.url), 'utf8');
    const statuses = [];
    for (let i = 0; i < 51; i++) statuses.push((await post('res', offer)).status);
    assert.deepEqual(statuses.slice(0, 50), Array(50).fill(201));
    assert.equal(statuses[50], 429);
    assert.equal((await relay.json('/api/v1/server')).connections.webrtc, 50);
  } finally {
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

// A Binding request for `username` (RFC 8489 6) with a MESSAGE-INTEGRITY that is not the right HMAC
// and a correct FINGERPRINT: the shape of a forged connectivity check.
function forgedBindingRequest(username) {
  const name = Buffer.from(username);
  const padded = Math.ceil(name.length / 4) * 4;
  const attributes = Buffer.alloc(4 + padded + 4 + 20 + 4 + 4);
  let offset = 0;
  attributes.writeUInt16BE(0x0006, offset); attributes.writeUInt16BE(name.length, offset + 2);
  name.copy(attributes, offset + 4); offset += 4 + padded;
  attributes.writeUInt16BE(0x0008, offset); attributes.writeUInt16BE(20, offset + 2);
  randomBytes(20).copy(attributes, offset + 4); offset += 24;
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(attributes.length, 2);
  header.writeUInt32BE(0x2112A442, 4);
  randomBytes(12).copy(header, 8);
  const message = Buffer.concat([header, attributes]);
  const crcCovered = message.subarray(0, offset + 20);
  message.writeUInt16BE(0x8028, offset + 20);
  message.writeUInt16BE(4, offset + 22);
  message.writeUInt32BE((crc32(crcCovered) ^ 0x5354554E) >>> 0, offset + 24);
  return message;
}

test('hostile datagrams: garbage, forged checks and a DTLS flood from a stranger create nothing and leave the viewer playing', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'tough', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  const stranger = createSocket('udp4');
  try {
    const viewer = await WhepViewer.open(browser, relay, 'tough');
    await waitFor(async () => (await viewer.stats()).video?.framesDecoded > 0, { timeoutMs: 15000, what: 'playback' });
    const port = Number(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(viewer.answer)[1]);
    const ufrag = /a=ice-ufrag:(\S+)/.exec(viewer.answer)[1];
    const answers = [];
    stranger.on('message', (message) => answers.push(message));
    await new Promise((resolve) => stranger.bind(0, '127.0.0.1', resolve));
    const send = (bytes) => new Promise((resolve, reject) => stranger.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    const before = (await viewer.stats()).video.framesDecoded;

    for (let i = 0; i < 300; i++) await send(randomBytes(1 + (i % 1200)));
    // DTLS records (content type 22, DTLS 1.2) from an address no check succeeded from.
    for (let i = 0; i < 300; i++) await send(Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), randomBytes(200)]));
    for (let i = 0; i < 50; i++) await send(forgedBindingRequest(`${ufrag}:evil`));
    for (let i = 0; i < 50; i++) await send(forgedBindingRequest('nobody:evil'));
    // RTP and RTCP shaped datagrams from the stranger too.
    for (let i = 0; i < 100; i++) await send(Buffer.concat([Buffer.from([0x80, i % 2 ? 96 : 200]), randomBytes(100)]));

    // The forged checks for a real ufrag get 401 (RFC 8489 9.1.3) and nothing else: never a success.
    await waitFor(() => answers.length >= 50, { what: 'answers to the forged checks' });
    for (const answer of answers) assert.equal(answer.readUInt16BE(0), 0x0111, 'a Binding error response');
    const server = await relay.json('/api/v1/server');
    assert.equal(server.connections.webrtc, 1, 'no session made for the stranger');
    await waitFor(async () => (await viewer.stats()).video.framesDecoded > before + 60,
      { timeoutMs: 10000, what: 'the viewer still decoding' });
    assert.equal((await viewer.stats()).connection, 'connected');
    await viewer.close();
  } finally {
    stranger.close();
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('a B-frame publisher plays over WHEP, re-encoded once without B-frames; with reencode_bframes = false WHEP answers 422 naming the setting', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'bframes', bframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const viewer = await WhepViewer.open(browser, relay, 'bframes');
    await waitFor(async () => (await viewer.stats()).video?.framesDecoded > 0, { timeoutMs: 20000, what: 'the first frame' });
    const first = await viewer.stats();
    const samples = await sampleEverySecond(5, () => viewer.stats());
    const last = samples.at(-1);
    // Passed through, B-frames decode at ~1 frame/s in Chromium (DEPS.md); re-encoded, at the full rate.
    const decoded = last.video.framesDecoded - first.video.framesDecoded;
    assert.ok(decoded > 100, `frames decoded in 5 s: ${decoded}`);
    assert.equal(last.video.frameWidth, 640);
    assert.ok(last.currentTime > samples[0].currentTime + 3, 'the video advanced');
    await viewer.close();
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }

  const strict = await LiveRelay.start({ config: '[webrtc]\nreencode_bframes = false\n' });
  const strictPublisher = await liveStreamForWhep(strict, 'bframes', bframesFlv());
  try {
    // The GOP cache must hold frames to tell: wait for the first HLS segment (a whole GOP).
    await waitFor(async () => (await fetch(`${strict.httpUrl}/live/bframes/index.m3u8`)).ok, { timeoutMs: 15000, what: 'a playlist' });
    const offer = await fetch(`${strict.httpUrl}/live/bframes/whep`, { method: 'POST', headers: { 'content-type': 'application/sdp' },
      body: 'v=0\r\n' });
    assert.equal(offer.status, 422);
    assert.match(await offer.text(), /B-frames.*bframes=0.*reencode_bframes/s);
  } finally {
    strictPublisher.kill('SIGKILL');
    await strict.stop();
  }
});

test('a viewer that goes away without DELETE is freed: at once when it closes DTLS, after 30 s of silence when it vanishes', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'gone', noBframesFlv());
  const sessions = async () => (await relay.json('/api/v1/server')).connections.webrtc;
  const viewers = async () => (await relay.stream('gone')).viewers.current;
  try {
    // A closed page: Chromium says close_notify (or aborts SCTP), the session goes at once.
    const polite = await launchChromium({ extraArgs: WEBRTC_ARGS });
    const viewer = await WhepViewer.open(polite, relay, 'gone');
    await waitFor(async () => (await viewer.stats()).video?.framesDecoded > 0, { timeoutMs: 15000, what: 'playback' });
    await viewer.page.evaluate(() => window.viewer.pc.close());
    await waitFor(async () => (await sessions()) === 0, { timeoutMs: 5000, what: 'the closed session freed' });
    await polite.close();

    // A browser killed outright sends nothing more: consent (RFC 7675) runs out after 30 s.
    const doomed = await launchKillableChromium({ extraArgs: WEBRTC_ARGS });
    const lost = await WhepViewer.open(doomed.browser, relay, 'gone');
    await waitFor(async () => (await lost.stats()).video?.framesDecoded > 0, { timeoutMs: 15000, what: 'playback' });
    assert.equal(await sessions(), 1);
    await waitFor(async () => (await viewers()) === 1, { what: 'the viewer counted' });
    const killedAt = Date.now();
    doomed.kill();
    await waitFor(async () => (await sessions()) === 0, { timeoutMs: 45000, intervalMs: 500, what: 'the silent session freed' });
    const freedAfterS = (Date.now() - killedAt) / 1000;
    assert.ok(freedAfterS > 20, `freed after ${freedAfterS} s: consent lasts 30 s from the last check`);
    await waitFor(async () => (await viewers()) === 0, { what: 'the viewer no longer counted' });
  } finally {
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('webrtc.candidates replace the bound address in answers (the public address behind NAT); a configured certificate is the one answered', async () => {
  // A certificate made by the openssl tool, as an operator would.
  const dir = mkdtempSync(join(tmpdir(), 'liverelay-cert-'));
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', certificate, '-days', '1', '-subj', '/CN=liverelay-test'], { stdio: 'ignore' });
  const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', certificate])
    .toString().trim().split('=')[1];
  const relay = await LiveRelay.start({ config: '[webrtc]\ncandidates = ["203.0.113.7", "2001:db8::7"]\n' +
    `certificate_file = "${certificate}"\nkey_file = "${key}"\n` });
  const publisher = await liveStreamForWhep(relay, 'nat', noBframesFlv());
  try {
    const offer = readFileSync(new URL('../data/webrtc/chromium_156_whep_offer.sdp', import.meta.url), 'utf8');
    const response = await fetch(`${relay.httpUrl}/live/nat/whep`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: offer });
    assert.equal(response.status, 201);
    const answer = await response.text();
    // The same candidates in every m-line of the BUNDLE group.
    const candidates = [...new Set(answer.split('\r\n').filter((line) => line.startsWith('a=candidate:')))];
    assert.equal(candidates.length, 2, answer);
    assert.match(candidates[0], / udp \d+ 203\.0\.113\.7 \d+ typ host$/);
    assert.match(candidates[1], / udp \d+ 2001:db8::7 \d+ typ host$/);
    assert.ok(!answer.includes('127.0.0.1 '), 'the bound address is not announced');
    assert.ok(answer.includes(`a=fingerprint:sha-256 ${fingerprint}\r\n`), `${fingerprint} in\n${answer}`);
  } finally {
    publisher.kill('SIGKILL');
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
