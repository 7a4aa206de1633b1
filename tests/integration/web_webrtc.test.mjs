// The player page over WebRTC: by default it plays over WHEP with the room on the session's data
// channel (no WebSocket), shows the mode, and ends its session when the viewer leaves; ?mode=hls
// keeps hls.js and the WebSocket; a refused offer or a connection that cannot be made falls back
// to LL-HLS, and ?mode=webrtc does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium, WEBRTC_ARGS } from './lib/browser.mjs';
import { LiveRelay, waitFor } from './lib/harness.mjs';
import { bframesFlv, noBframesFlv } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';
import { liveStreamForWhep } from './lib/whep.mjs';

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
const currentTime = (page) => page.evaluate(() => document.getElementById('video').currentTime);
const commentTexts = (page) => page.evaluate(() => [...document.querySelectorAll('#comments li .text')].map((e) => e.textContent));
// How the video element is fed: a MediaStream (WebRTC) or a Media Source blob (hls.js).
const videoSource = (page) => page.evaluate(() => {
  const video = document.getElementById('video');
  return { stream: video.srcObject !== null, src: video.currentSrc };
});

// Opens the player page, recording uncaught errors, CSP violations and every request but GETs.
async function openPlayer(browser, relay, path) {
  const page = await browser.newPage();
  page.problems = [];
  page.sent = [];
  page.on('pageerror', (error) => page.problems.push(error.message));
  page.on('request', (request) => {
    if (request.method() !== 'GET') page.sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) page.problems.push(message.text());
  });
  const response = await page.goto(`${relay.httpUrl}${path}`);
  assert.equal(response.status(), 200);
  return page;
}

// Waits for the playhead to start and settle (hls.js may seek to its live target at first),
// then samples it once a second for `seconds`: it moves every time.
async function assertPlays(page, seconds, what) {
  await waitFor(async () => (await currentTime(page)) > 0.3, { timeoutMs: 20000, intervalMs: 200, what: `${what}: playback to start` });
  const started = await currentTime(page);
  await waitFor(async () => (await currentTime(page)) > started + 1, { timeoutMs: 5000, intervalMs: 200, what: `${what}: 1 s played` });
  const samples = [await currentTime(page)];
  for (let i = 0; i < seconds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(await currentTime(page));
  }
  for (let i = 1; i < samples.length; i++) {
    assert.ok(samples[i] > samples[i - 1] + 0.5, `${what}: stalled between seconds ${i - 1} and ${i}: ${samples.join(', ')}`);
  }
}

const connections = async (relay) => (await relay.json('/api/v1/server')).connections;

test('the player plays over WebRTC by default, with the room on its data channel, and ends the session on leaving', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'rtc', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  let socket;
  try {
    const page = await openPlayer(browser, relay, '/live/rtc/');
    await waitFor(async () => (await text(page, '#play-mode')) === 'WebRTC', { timeoutMs: 10000, what: 'the WebRTC mode shown' });
    assert.equal(await text(page, '#live-badge'), 'LIVE');
    await assertPlays(page, 5, 'WebRTC');
    assert.equal((await videoSource(page)).stream, true, 'the video plays a MediaStream');
    const size = await page.evaluate(() => [document.getElementById('video').videoWidth, document.getElementById('video').videoHeight]);
    assert.deepEqual(size, [640, 360]);
    // One WHEP session and no WebSocket: the room rides the data channel.
    assert.equal((await connections(relay)).webrtc, 1);
    assert.equal((await connections(relay)).websocket, 0);
    // The latency from the sender reports: on loopback, well under HLS's second or more.
    await waitFor(async () => /^\d+\.\d s behind$/.test(await text(page, '#latency')), { timeoutMs: 5000, what: 'the latency shown' });
    const behind = Number.parseFloat(await text(page, '#latency'));
    assert.ok(behind >= 0 && behind < 1, `latency shown over WebRTC: ${behind} s`);

    socket = await RoomClient.open(relay, 'rtc');
    socket.send({ type: 'hello', user: 'Sock' });
    await waitFor(async () => (await text(page, '#viewer-count')) === '2', { timeoutMs: 5000, what: 'viewer count 2 on the page' });

    await page.fill('#display-name', 'Page');
    await page.press('#display-name', 'Tab');  // change event: hello, on the data channel
    await page.fill('#comment-text', 'typed in the page');
    await page.click('#send');
    const comment = await socket.next((m) => m.type === 'comment' && m.text === 'typed in the page', { what: 'the page comment on the WebSocket' });
    assert.equal(comment.user, 'Page');
    assert.equal(await page.inputValue('#comment-text'), '', 'the box is cleared once sent');
    socket.comment('typed in a WebSocket');
    await waitFor(async () => (await commentTexts(page)).includes('typed in a WebSocket'), { timeoutMs: 3000, what: 'the socket comment in the page' });
    await page.click('#reaction-buttons button[data-kind="love"]');
    await socket.next((m) => m.type === 'reactions' && m.counts.love === 1, { what: 'the page reaction counted' });
    assert.equal((await connections(relay)).websocket, 1, 'only the test\'s WebSocket');

    assert.deepEqual(page.problems, []);
    assert.deepEqual(page.sent, ['POST /live/rtc/whep'], 'one offer, nothing else');
    // Leaving the page: its pagehide handler DELETEs the session (fetch keepalive) rather than
    // leave it to consent expiry. The event is fired here because a request made while a
    // document unloads is not reported to the test.
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
    await waitFor(() => page.sent.some((r) => /^DELETE \/live\/rtc\/whep\/[0-9a-f]+$/.test(r)),
      { timeoutMs: 2000, what: `the DELETE sent: ${page.sent}` });
    await waitFor(async () => (await connections(relay)).webrtc === 0, { timeoutMs: 3000, what: 'the WHEP session gone' });
    await socket.next((m) => m.type === 'viewers' && m.count === 1, { what: 'count back to 1' });
  } finally {
    socket?.ws.close();
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('?mode=hls plays over hls.js (LL-HLS shown) with the room on the WebSocket', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStreamForWhep(relay, 'hls', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const page = await openPlayer(browser, relay, '/live/hls/?mode=hls');
    await assertPlays(page, 5, 'hls.js');
    await waitFor(async () => (await text(page, '#play-mode')) === 'LL-HLS', { timeoutMs: 3000, what: 'the LL-HLS mode shown' });
    const source = await videoSource(page);
    assert.equal(source.stream, false);
    assert.match(source.src, /^blob:/, 'Media Source Extensions (hls.js)');
    assert.deepEqual(await connections(relay).then((c) => [c.webrtc, c.websocket]), [0, 1]);
    await waitFor(async () => /^\d+\.\d s behind$/.test(await text(page, '#latency')), { timeoutMs: 3000, what: 'the latency shown' });
    await waitFor(async () => (await text(page, '#viewer-count')) === '1', { timeoutMs: 3000, what: 'viewer count 1' });
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('a refused offer (B-frames, no re-encode) falls back to LL-HLS; ?mode=webrtc does not', async () => {
  const relay = await LiveRelay.start({ config: '[webrtc]\nreencode_bframes = false\n' });
  const publisher = await liveStreamForWhep(relay, 'bf', bframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const page = await openPlayer(browser, relay, '/live/bf/');
    await waitFor(async () => (await text(page, '#play-mode')) === 'LL-HLS', { timeoutMs: 10000, what: 'the fallback to LL-HLS' });
    // The server's 422 reason, for the viewer who wonders.
    assert.match(await page.getAttribute('#play-mode', 'title'), /B-frames/);
    await assertPlays(page, 5, 'fallback');
    assert.match((await videoSource(page)).src, /^blob:/);
    assert.deepEqual(await connections(relay).then((c) => [c.webrtc, c.websocket]), [0, 1]);

    const forced = await openPlayer(browser, relay, '/live/bf/?mode=webrtc');
    await waitFor(async () => (await text(forced, '#play-mode')) === 'WebRTC failed', { timeoutMs: 10000, what: 'WebRTC failed shown' });
    assert.match(await forced.getAttribute('#play-mode', 'title'), /B-frames/);
    assert.equal((await videoSource(forced)).src, '', 'no HLS behind the viewer\'s back');
    assert.equal(await currentTime(forced), 0);
    // Its room still works, over the WebSocket.
    await waitFor(async () => (await text(forced, '#viewer-count')) === '2', { timeoutMs: 5000, what: 'viewer count 2' });
    assert.deepEqual([...page.problems, ...forced.problems], []);
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('a WebRTC connection that cannot be made falls back to LL-HLS within about 5 s', async () => {
  // The answer names an address nothing listens on (loopback still): ICE never connects.
  const relay = await LiveRelay.start({ config: '[webrtc]\ncandidates = ["127.0.0.2"]\n' });
  const publisher = await liveStreamForWhep(relay, 'ice', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const page = await openPlayer(browser, relay, '/live/ice/');
    const opened = Date.now();
    await waitFor(async () => (await text(page, '#play-mode')) === 'LL-HLS', { timeoutMs: 10000, what: 'the fallback to LL-HLS' });
    const took = Date.now() - opened;
    assert.ok(took < 8000, `fell back after ${took} ms`);
    assert.match(await page.getAttribute('#play-mode', 'title'), /connection/);
    await assertPlays(page, 3, 'fallback');
    // The session the page gave up on is DELETEd, not left to expire.
    await waitFor(async () => (await connections(relay)).webrtc === 0, { timeoutMs: 3000, what: 'no WHEP session left' });
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});

test('over WebRTC the page shows offline when the broadcast ends, keeps the room on the WebSocket, and is back on WebRTC with the next one', async () => {
  const relay = await LiveRelay.start();
  let publisher = await liveStreamForWhep(relay, 'again', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const page = await openPlayer(browser, relay, '/live/again/');
    await waitFor(async () => (await text(page, '#play-mode')) === 'WebRTC', { timeoutMs: 10000, what: 'WebRTC' });
    await assertPlays(page, 2, 'first broadcast');

    publisher.kill('SIGKILL');
    await waitFor(async () => (await text(page, '#live-badge')) === 'OFFLINE', { timeoutMs: 5000, what: 'OFFLINE' });
    assert.equal(await page.evaluate(() => document.getElementById('offline').classList.contains('hidden')), false);
    // Between broadcasts the room needs the WebSocket: the session went with the broadcast.
    await waitFor(async () => {
      const c = await connections(relay);
      return c.webrtc === 0 && c.websocket === 1;
    }, { timeoutMs: 5000, what: 'the room on the WebSocket, no WHEP session' });
    await waitFor(async () => (await text(page, '#play-mode')) === '', { timeoutMs: 2000, what: 'no mode shown while offline' });

    publisher = await liveStreamForWhep(relay, 'again', noBframesFlv());
    await waitFor(async () => (await text(page, '#live-badge')) === 'LIVE', { timeoutMs: 10000, what: 'LIVE again' });
    await waitFor(async () => (await text(page, '#play-mode')) === 'WebRTC', { timeoutMs: 10000, what: 'WebRTC again' });
    await assertPlays(page, 2, 'second broadcast');
    await waitFor(async () => {
      const c = await connections(relay);
      return c.webrtc === 1 && c.websocket === 0;
    }, { timeoutMs: 5000, what: 'the room back on the data channel' });
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});
