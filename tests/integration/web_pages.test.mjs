// The pages in headless Chromium against the real server and an ffmpeg publisher: the player
// plays and carries comments and reactions between two pages; hostile comment text stays text;
// the directory lists the stream; the dashboard plots ten minutes of history and moderates;
// the player goes offline and comes back by itself. Screenshots go to <build>/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium } from './lib/browser.mjs';
import { BUILD_DIR, LiveRelay, waitFor } from './lib/harness.mjs';
import { fetchPlaylist } from './lib/hls.mjs';
import { bframesFlv, publishWithFfmpeg } from './lib/media.mjs';

const ADMIN = 'web-pages-admin-token-0123';
const STREAM = 'web';
const HOSTILE = '<img src=x onerror=alert(1)>';
const SCREENSHOTS = join(BUILD_DIR, 'screenshots');
const PHONE = { width: 390, height: 844 };

let relay;
let browser;
let publisher;
const pages = {};       // the player pages: desktop (Ana) and phone (Bo)
const dialogs = [];     // alert/confirm/prompt from any page: a comment must never open one
const problems = [];    // uncaught errors and CSP violations from any page

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  relay = await LiveRelay.start({ config: `[admin]\ntoken = "${ADMIN}"\n[hls]\nsegment_s = 1\n` });
  publisher = publishWithFfmpeg(relay.rtmpUrl(STREAM), bframesFlv(), { loop: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  publisher?.kill('SIGKILL');
  await relay?.stop();
});

async function openPage(path, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`${path}: ${message.text()}`);
  });
  const response = await page.goto(`${relay.httpUrl}${path}`);
  assert.equal(response.status(), 200, path);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/, `${path} carries the CSP`);
  return page;
}

const currentTime = (page) => page.evaluate(() => document.getElementById('video').currentTime);
const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
const commentTexts = (page) => page.evaluate(() => [...document.querySelectorAll('#comments li .text')].map((e) => e.textContent));

async function publishAgain() {
  publisher = publishWithFfmpeg(relay.rtmpUrl(STREAM), bframesFlv(), { loop: true });
}

async function assertPlaying(page, what) {
  await waitFor(async () => (await currentTime(page)) > 0.5, { timeoutMs: 25000, intervalMs: 200, what });
  const start = await currentTime(page);
  await waitFor(async () => (await currentTime(page)) > start + 2, { timeoutMs: 6000, intervalMs: 200, what: `${what}: 2 s more` });
}

test('the player plays the published stream, its playhead advancing for 10 s', async () => {
  await waitFor(async () => (await fetchPlaylist(`${relay.httpUrl}/live/${STREAM}/index.m3u8`)).playlist.segments.length >= 3,
    { timeoutMs: 20000, what: 'three segments listed' });
  pages.ana = await openPage(`/live/${STREAM}/`);
  const page = pages.ana;
  await waitFor(async () => (await currentTime(page)) > 0.5, { timeoutMs: 20000, intervalMs: 200, what: 'playback to start' });
  assert.equal(await text(page, '#live-badge'), 'LIVE');
  assert.equal(await page.evaluate(() => document.getElementById('offline').classList.contains('hidden')), true);

  const samples = [await currentTime(page)];
  for (let i = 0; i < 10; i++) {
    const before = samples.at(-1);
    // Each second, within a deadline: the playhead moves on by at least half a second.
    await waitFor(async () => (await currentTime(page)) > before + 0.5, { timeoutMs: 2000, intervalMs: 100, what: `second ${i + 1}` });
    samples.push(await currentTime(page));
  }
  assert.ok(samples.at(-1) - samples[0] >= 5, `advanced ${samples.at(-1) - samples[0]} s: ${samples.join(', ')}`);
  const size = await page.evaluate(() => [document.getElementById('video').videoWidth, document.getElementById('video').videoHeight]);
  assert.deepEqual(size, [640, 360]);
  // The viewer sees how far behind the broadcaster the picture is (the program date time on HLS,
  // the sender reports' clock on WebRTC, where loopback shows 0.0).
  await waitFor(async () => /^\d+\.\d s behind$/.test(await text(page, '#latency')), { timeoutMs: 3000, what: 'the latency shown' });
  const behind = Number.parseFloat(await text(page, '#latency'));
  assert.ok(behind >= 0 && behind < 30, `latency shown: ${behind} s`);
});

test('two pages show the viewer count, each other\'s comments within 1 s and every reaction', async () => {
  pages.bo = await openPage(`/live/${STREAM}/`, PHONE);
  for (const page of [pages.ana, pages.bo]) {
    await waitFor(async () => (await text(page, '#viewer-count')) === '2', { timeoutMs: 5000, what: 'viewer count 2' });
  }
  await pages.ana.fill('#display-name', 'Ana');
  await pages.ana.press('#display-name', 'Tab');  // change event: hello
  await pages.bo.fill('#display-name', 'Bo');
  await pages.bo.press('#display-name', 'Tab');

  for (const [from, to, words] of [[pages.ana, pages.bo, 'hello from Ana'], [pages.bo, pages.ana, 'hi Ana, Bo here']]) {
    await from.fill('#comment-text', words);
    const sent = Date.now();
    await from.click('#send');
    await to.waitForFunction((w) => [...document.querySelectorAll('#comments li .text')].some((e) => e.textContent === w),
      words, { timeout: 1000, polling: 20 });
    const took = Date.now() - sent;
    assert.ok(took < 1000, `comment took ${took} ms`);
    assert.equal(await from.inputValue('#comment-text'), '', 'the box is cleared once sent');
  }
  const user = await pages.bo.evaluate(() => [...document.querySelectorAll('#comments li')].at(-2).querySelector('.user').textContent);
  assert.equal(user, 'Ana');

  await pages.bo.click('#reaction-buttons button[data-kind="love"]');
  for (const page of [pages.ana, pages.bo]) {
    await page.waitForSelector('#reaction-layer .floating-reaction[data-kind="love"]', { timeout: 2000 });
    assert.equal(await text(page, '#reaction-buttons button[data-kind="love"] .count'), '1');
  }
  await pages.ana.screenshot({ path: join(SCREENSHOTS, 'player.png') });
  await pages.bo.screenshot({ path: join(SCREENSHOTS, 'player-phone.png') });
});

test('a comment written as HTML shows as its literal text and runs nothing', async () => {
  await pages.bo.fill('#comment-text', HOSTILE);
  await pages.bo.click('#send');
  for (const page of [pages.ana, pages.bo]) {
    await page.waitForFunction((h) => [...document.querySelectorAll('#comments li .text')].some((e) => e.textContent === h),
      HOSTILE, { timeout: 2000 });
    assert.equal(await page.evaluate(() => document.querySelectorAll('#comments img').length), 0, 'no img element');
    assert.ok((await commentTexts(page)).includes(HOSTILE));
  }
  // A fresh page renders it from the history, the other path into the list.
  const late = await openPage(`/live/${STREAM}/`);
  await late.waitForFunction((h) => [...document.querySelectorAll('#comments li .text')].some((e) => e.textContent === h),
    HOSTILE, { timeout: 3000 });
  assert.equal(await late.evaluate(() => document.querySelectorAll('#comments img').length), 0);
  await late.close();
  // An onerror handler would have run by now: the broken image fails at once.
  await pages.ana.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  assert.deepEqual(dialogs, []);
});

test('the directory lists the live stream with its viewers and uptime', async () => {
  const page = await openPage('/');
  const card = `.stream-card[data-name="${STREAM}"]`;
  await page.waitForSelector(card, { timeout: 5000 });
  await waitFor(async () => (await text(page, `${card} .viewers-now`)) === '2 watching', { timeoutMs: 5000, what: '2 watching' });
  assert.match(await text(page, `${card} .uptime`), /^live for \d+:\d\d$/);
  assert.equal(await page.getAttribute(`${card} a`, 'href'), `/live/${STREAM}/`);
  assert.equal(await page.evaluate(() => document.getElementById('empty').classList.contains('hidden')), true);
  await page.screenshot({ path: join(SCREENSHOTS, 'directory.png') });
  await page.close();
});

test('the dashboard asks for the token, plots the last minutes at once, deletes and bans', async () => {
  const page = await openPage('/dashboard');
  await page.fill('#token', 'not-the-admin-token-at-all');
  await page.click('#login button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('login-error').textContent.includes('refused'), null, { timeout: 5000 });

  await page.fill('#token', ADMIN);
  await page.click('#login button[type="submit"]');
  const keys = ['server/cpu_percent', 'server/memory_bytes', 'server/connections_rtmp',
    `${STREAM}/bitrate_kbps`, `${STREAM}/fps`, `${STREAM}/viewers`, `${STREAM}/comments_per_minute`];
  // The first answer already holds the minutes since the server started (a sample every 2 s).
  const points = await waitFor(async () => {
    const found = await page.evaluate(() => Object.fromEntries((window.liverelayPlots ?? []).map((p) => [p.key, p.points()])));
    return keys.every((key) => found[key] >= 5) ? found : null;
  }, { timeoutMs: 5000, what: 'plots with data' });
  assert.ok(points[`${STREAM}/bitrate_kbps`] >= 5, JSON.stringify(points));
  const bitrate = await page.evaluate((k) => window.liverelayPlots.find((p) => p.key === k).uplot.data[1].filter((v) => v != null).at(-1),
    `${STREAM}/bitrate_kbps`);
  assert.ok(bitrate > 300 && bitrate < 3000, `bitrate ${bitrate} kb/s plotted`);
  const viewers = await page.evaluate((k) => Math.max(...window.liverelayPlots.find((p) => p.key === k).uplot.data[1]), `${STREAM}/viewers`);
  assert.ok(viewers >= 2, `viewers plotted up to ${viewers}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('liverelay.adminToken')), ADMIN);

  // Delete Ana's first comment: it leaves both players.
  const target = 'hello from Ana';
  const item = `#moderated-comments li:has(.text:text-is("${target}"))`;
  await page.waitForSelector(item, { timeout: 5000 });
  await page.click(`${item} button.delete`);
  for (const player of [pages.ana, pages.bo]) {
    await waitFor(async () => !(await commentTexts(player)).includes(target), { timeoutMs: 3000, what: 'the comment deleted' });
  }
  // Ban Bo by name from his comment: his next comment is refused and reaches nobody.
  await page.click(`#moderated-comments li:has(.user:text-is("Bo")) button.ban`);
  await page.waitForFunction(() => document.getElementById('moderation-status').textContent.includes('banned'), null, { timeout: 3000 });
  await pages.bo.fill('#comment-text', 'am I still here?');
  await pages.bo.click('#send');
  await waitFor(async () => (await text(pages.bo, '#chat-status')).includes('cannot post'), { timeoutMs: 3000, what: 'the refusal shown' });
  assert.ok(!(await commentTexts(pages.ana)).includes('am I still here?'));

  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
  pages.dashboard = page;
});

test('the player shows offline when the publisher stops and plays again by itself when it is back', async () => {
  const page = pages.ana;
  publisher.kill('SIGKILL');
  await waitFor(async () => (await text(page, '#live-badge')) === 'OFFLINE', { timeoutMs: 5000, what: 'OFFLINE' });
  assert.equal(await page.evaluate(() => document.getElementById('offline').classList.contains('hidden')), false);
  await publishAgain();
  await waitFor(async () => (await text(page, '#live-badge')) === 'LIVE', { timeoutMs: 10000, what: 'LIVE again' });
  await assertPlaying(page, 'playback after the publisher came back');
});

test('kick from the dashboard ends the broadcast; a new one plays in the same page', async () => {
  const kick = `section[data-stream="${STREAM}"] button.kick`;
  await pages.dashboard.click(kick);
  await pages.dashboard.click(kick);  // the second click confirms
  await waitFor(async () => (await text(pages.ana, '#live-badge')) === 'OFFLINE', { timeoutMs: 5000, what: 'OFFLINE after kick' });
  await waitFor(() => publisher.exitCode !== null || publisher.signalCode !== null, { timeoutMs: 5000, what: 'ffmpeg to exit' });
  await publishAgain();
  await assertPlaying(pages.ana, 'playback of the new broadcast');
  await assertPlaying(pages.bo, 'playback on the phone page');
  assert.deepEqual(problems, [], 'no uncaught errors and no CSP violations');
  assert.deepEqual(dialogs, []);
});
