// The replay page in headless Chromium against the real server: a 20 s broadcast from ffmpeg
// with a comment written about 10 s in (and an HTML-looking one and a reaction earlier) plays
// back from its VOD playlist; the comment is not shown before its offset and is shown once the
// playback reaches it; a seek back hides it and playing on shows it again. The player page and
// the directory link to the replay. Screenshots go to <build>/screenshots/replay*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium } from './lib/browser.mjs';
import { BUILD_DIR, LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { fetchPlaylist } from './lib/hls.mjs';
import { bframesFlv, publishWithFfmpeg } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';

const STREAM = 'replayed';
const COMMENT = 'ten seconds in';
const HOSTILE = '<b>x</b>';
const SCREENSHOTS = join(BUILD_DIR, 'screenshots');
const EARLY_S = 0.5;   // never shown this long before its offset
const LATE_S = 0.5;    // always shown this long after it (the page follows every frame; timeupdate is 4 Hz)

let relay;
let browser;
let broadcast;       // the finished broadcast, from the API
let offsetS;         // the comment's offset_ms / 1000, as the API lists it
let reactionS;       // the reaction's second
const problems = []; // uncaught errors and CSP violations from any page

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  relay = await LiveRelay.start({ config: '[server]\nreconnect_grace_s = 1\n[hls]\nsegment_s = 1\n' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

async function openPage(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('dialog', (dialog) => { problems.push(`${path}: dialog ${dialog.message()}`); dialog.dismiss().catch(() => {}); });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`${path}: ${message.text()}`);
  });
  const response = await page.goto(`${relay.httpUrl}${path}`);
  assert.equal(response.status(), 200, path);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self';/, `${path} carries the CSP`);
  return page;
}

// A replay page once its script has fetched the broadcast and shown it: until then the badge
// holds the HTML's default text ("REPLAY"), whatever the broadcast is.
async function openReplayPage(id) {
  const page = await openPage(`/live/${STREAM}/replay/${id}`);
  await page.waitForFunction(() => document.getElementById('replay-date')?.textContent.trim() !== '', null,
    { timeout: 10000 });
  return page;
}

// currentTime, whether the comment is listed, the like tally and whether a like floats: read in
// one go, so the position and the list are from the same moment.
const sample = (page) => page.evaluate((text) => ({
  t: document.getElementById('video').currentTime,
  shown: [...document.querySelectorAll('#comments li .text')].some((e) => e.textContent === text),
  likes: document.querySelector('#reaction-counts button[data-kind="like"] .count')?.textContent ?? null,
  floating: document.querySelectorAll('#reaction-layer .floating-reaction[data-kind="like"]').length > 0,
}), COMMENT);

// Polls while the playback goes from where it is to past the comment's offset: never shown
// before offset - EARLY_S, always from offset + LATE_S. Returns the samples.
async function playPastOffset(page, what) {
  const samples = [];
  const deadline = Date.now() + 30000;
  for (let i = 0; i < 3000 && Date.now() < deadline; i++) {
    const s = await sample(page);
    samples.push(s);
    if (s.t < offsetS - EARLY_S) assert.equal(s.shown, false, `${what}: shown at ${s.t.toFixed(2)} s, offset ${offsetS} s`);
    if (s.t >= offsetS + LATE_S) assert.equal(s.shown, true, `${what}: not shown at ${s.t.toFixed(2)} s, offset ${offsetS} s`);
    if (s.t >= offsetS + 1) return samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: the playback did not pass ${offsetS + 1} s in 30 s; last ${JSON.stringify(samples.at(-1))}`);
}

test('a broadcast with comments is recorded and listed with its VOD playlist', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl(STREAM), bframesFlv());
  const room = await RoomClient.open(relay, STREAM);
  const live = await waitFor(async () => {
    const [newest] = await relay.json(`/api/v1/streams/${STREAM}/broadcasts`);
    return newest?.live ? newest : null;
  }, { timeoutMs: 15000, what: 'the live broadcast' });

  const at = (ms, what) => waitFor(() => Date.now() - live.started_at >= ms, { timeoutMs: ms + 5000, intervalMs: 20, what });
  room.send({ type: 'hello', user: 'Ana' });
  await at(3000, '3 s of broadcast');
  room.comment(HOSTILE);
  await at(6000, '6 s of broadcast');
  room.send({ type: 'reaction', kind: 'like' });
  await at(10000, '10 s of broadcast');
  room.comment(COMMENT);
  await room.next((m) => m.type === 'comment' && m.text === COMMENT, { what: 'the comment echoed' });
  await room.close();

  // While live, the replay (an EVENT playlist) plays from the broadcast's start, not its edge.
  const livePage = await openReplayPage(live.id);
  assert.equal(await livePage.textContent('#replay-badge'), 'LIVE NOW');
  const playing = await waitFor(async () => {
    const s = await sample(livePage);
    return s.t > 0.5 ? s : null;
  }, { timeoutMs: 5000, intervalMs: 50, what: 'the live replay playing' });
  const edge = (Date.now() - live.started_at) / 1000;
  assert.ok(playing.t < 3 && edge > 9, `playing at ${playing.t} s while the broadcast is at ${edge} s`);
  assert.equal(playing.shown, false);
  await livePage.close();

  const { code } = await waitForExit(publisher, 30000);
  assert.equal(code, 0, publisher.errors);
  broadcast = await waitFor(async () => {
    const [newest] = await relay.json(`/api/v1/streams/${STREAM}/broadcasts`);
    return newest?.id === live.id && newest.recording === 'complete' ? newest : null;
  }, { timeoutMs: 15000, what: 'the recording complete' });
  const vod = await fetchPlaylist(`${relay.httpUrl}${broadcast.playlist}`);
  assert.equal(vod.playlist.endList, true);

  const { comments } = await relay.json(`/api/v1/streams/${STREAM}/broadcasts/${broadcast.id}/comments`);
  assert.deepEqual(comments.map((c) => c.text), [HOSTILE, COMMENT]);
  offsetS = comments[1].offset_ms / 1000;
  assert.ok(offsetS > 9.5 && offsetS < 12, `offset ${offsetS} s`);
  const { reactions } = await relay.json(`/api/v1/streams/${STREAM}/broadcasts/${broadcast.id}/reactions`);
  assert.equal(reactions.length, 1, JSON.stringify(reactions));
  reactionS = reactions[0].offset_s;
});

test('the replay page shows the comment when the playback reaches its offset, and again after a seek back', async () => {
  assert.ok(broadcast, 'the broadcast was recorded');
  const page = await openReplayPage(broadcast.id);
  assert.equal(await page.textContent('#stream-link'), STREAM);
  assert.equal(await page.getAttribute('#stream-link', 'href'), `/live/${STREAM}/`);
  assert.notEqual((await page.textContent('#replay-date')).trim(), '');
  assert.match(await page.textContent('#replay-duration'), /^0:(19|20|21)$/);
  assert.equal(await page.textContent('#replay-badge'), 'REPLAY');

  const first = await playPastOffset(page, 'first pass');
  assert.ok(first.some((s) => s.t > 1 && s.t < offsetS - EARLY_S && !s.shown), 'sampled while playing, before the offset');
  // The reaction: counted (and floated) once its second was reached, not before.
  for (const s of first.filter((x) => x.t < reactionS - EARLY_S)) assert.equal(s.likes, '0', `like counted at ${s.t}`);
  assert.equal(first.at(-1).likes, '1');
  assert.ok(first.some((s) => s.floating), 'the like floated up as the playback passed it');

  // The HTML-looking comment is its literal text, no element.
  const texts = await page.$$eval('#comments li .text', (elements) => elements.map((e) => e.textContent));
  assert.deepEqual(texts, [HOSTILE, COMMENT]);
  assert.equal(await page.$$eval('#comments b', (elements) => elements.length), 0);
  assert.equal(await page.$$eval('#comments li .user', (elements) => elements[0].textContent), 'Ana');
  await page.screenshot({ path: join(SCREENSHOTS, 'replay.png') });

  // Seek back to 2 s: the comment leaves (the tally goes back without floating).
  await page.evaluate(() => { document.getElementById('video').currentTime = 2; });
  const back = await waitFor(async () => {
    const s = await sample(page);
    return s.t < offsetS - 2 && !s.shown ? s : null;
  }, { timeoutMs: 5000, intervalMs: 50, what: 'the comment hidden after the seek back' });
  if (back.t < reactionS - EARLY_S) assert.equal(back.likes, '0');
  const second = await playPastOffset(page, 'after the seek back');
  assert.ok(second.some((s) => !s.shown), 'hidden after the seek');
  assert.equal(second.at(-1).shown, true);

  // Seeking forward past the end shows everything up to there.
  await page.evaluate(() => { const v = document.getElementById('video'); v.currentTime = v.duration - 0.5; });
  await waitFor(async () => (await page.$$eval('#comments li', (e) => e.length)) === 2,
    { timeoutMs: 5000, what: 'both comments after a seek to the end' });
  assert.deepEqual(problems, [], 'no uncaught errors and no CSP violations');
  await page.close();
});

test('the player page and the directory link to the replay', async () => {
  assert.ok(broadcast, 'the broadcast was recorded');
  const href = `/live/${STREAM}/replay/${broadcast.id}`;
  for (const [path, shot] of [[`/live/${STREAM}/`, 'replay-list.png'], ['/', 'replay-directory.png']]) {
    const page = await openPage(path);
    await page.waitForSelector(`#replays:not(.hidden) #replay-list a[href="${href}"]`, { timeout: 5000 });
    await page.screenshot({ path: join(SCREENSHOTS, shot) });
    await page.close();
  }
  const slash = await fetch(`${relay.httpUrl}${href}/`, { redirect: 'manual' });
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.get('location'), href);
  const html = await (await fetch(`${relay.httpUrl}${href}`)).text();
  assert.ok(html.includes('src="/static/replay.js"'));
  for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) assert.equal(match[2].trim(), '', 'no inline script');
  assert.deepEqual(problems, []);
});
