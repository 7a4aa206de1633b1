// Low-latency HLS (RFC 8216bis) from an RTMP publisher: the playlist's promises, blocking
// reloads, delta updates, preload-hinted parts, and real players (ffmpeg; hls.js in Chromium
// in low-latency mode, its latency measured from the program date time).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchChromium, servePages } from './lib/browser.mjs';
import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { nextPart, parseLowLatencyPlaylist } from './lib/ll_hls.mjs';
import { bframesFlv, publishWithFfmpeg } from './lib/media.mjs';

const CONFIG = '[server]\nreconnect_grace_s = 30\n[hls]\nformat = "fmp4"\nlow_latency = true\npart_s = 0.33\nsegment_s = 1\nwindow = 12\n';

async function getPlaylist(url) {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  return { response, text, elapsedMs: performance.now() - started, playlist: response.ok ? parseLowLatencyPlaylist(text) : null };
}

function ffprobeFirstVideoFrameKey(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'liverelay-part-'));
  try {
    const file = join(dir, 'part.mp4');
    writeFileSync(file, bytes);
    const child = track(spawn('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags',
      '-of', 'csv=p=0', file], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    return waitForExit(child, 20000).then(() => out.split('\n').filter(Boolean)[0] ?? '');
  } finally {
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 30000).unref();
  }
}

describe('low-latency HLS', () => {
  let relay;
  let publisher;
  let url;

  before(async () => {
    relay = await LiveRelay.start({ config: CONFIG });
    publisher = publishWithFfmpeg(relay.rtmpUrl('ll'), bframesFlv(), { loop: true });
    url = `${relay.httpUrl}/live/ll/index.m3u8`;
    await waitFor(async () => (await getPlaylist(url)).playlist?.segments.length >= 2,
      { timeoutMs: 20000, what: 'two segments listed' });
  });

  after(async () => {
    publisher?.kill('SIGKILL');
    if (relay) await relay.stop();
  });

  test('the playlist carries the low-latency tags and keeps the spec rules', async () => {
    let previous = null;
    let hintsChecked = 0;
    for (let polls = 0; polls < 40; polls++) {
      const { response, playlist, text } = await getPlaylist(url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      assert.ok(playlist.version >= 9, text);
      assert.equal(playlist.serverControl['CAN-BLOCK-RELOAD'], 'YES');
      const holdBack = Number(playlist.serverControl['PART-HOLD-BACK']);
      assert.ok(holdBack >= 3 * playlist.partTarget, `PART-HOLD-BACK ${holdBack} < 3 x ${playlist.partTarget}`);
      assert.ok(Number(playlist.serverControl['CAN-SKIP-UNTIL']) >= 6 * playlist.targetDuration);
      assert.equal(playlist.partTarget, 0.33);
      assert.ok(playlist.parts.length > 0, text);
      for (const part of playlist.parts) {
        assert.ok(part.duration <= playlist.partTarget, `part ${part.uri} lasts ${part.duration} > ${playlist.partTarget}`);
        if (part.index === 0) assert.ok(part.independent, `first part of segment ${part.msn} not independent`);
      }
      for (const segment of playlist.segments) assert.ok(Math.round(segment.duration) <= playlist.targetDuration);
      // Parts are numbered on across segments; the hint names the one after the last listed.
      const numbers = playlist.parts.map((p) => Number(/part-(\d+)\.m4s$/.exec(p.uri)[1]));
      numbers.forEach((n, i) => { if (i > 0) assert.equal(n, numbers[i - 1] + 1, 'part numbers continue'); });
      assert.equal(playlist.preloadHint.TYPE, 'PART');
      assert.equal(Number(/part-(\d+)\.m4s$/.exec(playlist.preloadHint.URI)[1]), numbers.at(-1) + 1);
      if (previous && previous.preloadHint.URI !== playlist.preloadHint.URI) {
        assert.ok(playlist.parts.some((p) => p.uri === previous.preloadHint.URI), 'the hinted part was listed next');
        hintsChecked += 1;
      }
      previous = playlist;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    assert.ok(hintsChecked >= 5, `only ${hintsChecked} hints followed`);

    // An independent part starts with a keyframe; the init segment comes first, as a player reads it.
    const { playlist } = await getPlaylist(url);
    const independent = playlist.parts.find((p) => p.independent);
    const init = Buffer.from(await (await fetch(new URL(playlist.segments[0].map, url))).arrayBuffer());
    const partResponse = await fetch(new URL(independent.uri, url));
    assert.equal(partResponse.status, 200);
    assert.equal(partResponse.headers.get('content-type'), 'video/mp4');
    assert.match(partResponse.headers.get('cache-control'), /immutable/);
    const part = Buffer.from(await partResponse.arrayBuffer());
    assert.match(await ffprobeFirstVideoFrameKey(Buffer.concat([init, part])), /^K/);
  });

  test('a blocking reload is answered within a part of that part being listed, and not before', async () => {
    for (let round = 0; round < 5; round++) {
      const { playlist } = await getPlaylist(url);
      const wanted = nextPart(playlist);
      const hinted = playlist.preloadHint.URI;
      // An independent observer: polls the plain playlist until the part shows.
      let listedAt = null;
      const observer = (async () => {
        const deadline = performance.now() + 5000;
        while (listedAt === null && performance.now() < deadline) {
          const { playlist: seen } = await getPlaylist(url);
          if (seen.parts.some((p) => p.uri === hinted)) listedAt = performance.now();
          else await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const blocking = await getPlaylist(`${url}?_HLS_msn=${wanted.msn}&_HLS_part=${wanted.part}`);
      const answeredAt = performance.now();
      await observer;
      assert.equal(blocking.response.status, 200);
      assert.match(blocking.response.headers.get('cache-control'), /max-age=\d+/);
      assert.ok(blocking.playlist.parts.some((p) => p.uri === hinted) ||
        blocking.playlist.segments.some((s) => s.sequence === wanted.msn), 'answered before the part was listed');
      assert.ok(listedAt !== null, 'the observer saw the part listed');
      assert.ok(answeredAt - listedAt < 330, `answered ${Math.round(answeredAt - listedAt)} ms after the part was listed`);
    }
  });

  test('directives that cannot be served are refused at once', async () => {
    const { playlist } = await getPlaylist(url);
    const last = playlist.mediaSequence + playlist.segments.length;
    const far = await fetch(`${url}?_HLS_msn=${last + 10}`);
    assert.equal(far.status, 400);
    const farPart = await fetch(`${url}?_HLS_msn=${last}&_HLS_part=40`);
    assert.equal(farPart.status, 400);
    assert.equal((await fetch(`${url}?_HLS_part=1`)).status, 400);
    assert.equal((await fetch(`${url}?_HLS_msn=abc`)).status, 400);
    assert.equal((await fetch(new URL('b0-part-999999.m4s', url))).status, 404);
  });

  test('a preload-hinted part requested early is held and answered when complete', async () => {
    const { playlist } = await getPlaylist(url);
    const hinted = new URL(playlist.preloadHint.URI, url);
    const started = performance.now();
    const response = await fetch(hinted);
    const waited = performance.now() - started;
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'video/mp4');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.subarray(4, 8).toString(), 'moof', 'a part is an fMP4 fragment');
    assert.ok(waited < 1000, `held ${Math.round(waited)} ms`);
  });

  test('ffmpeg reads the low-latency playlist without errors', async () => {
    const reader = track(spawn('ffmpeg', ['-v', 'error', '-i', url, '-t', '6', '-c', 'copy', '-f', 'null', '-'],
      { stdio: ['ignore', 'ignore', 'pipe'] }));
    let errors = '';
    reader.stderr.on('data', (d) => { errors += d; });
    const { code } = await waitForExit(reader, 40000);
    assert.equal(code, 0, errors);
    assert.equal(errors.trim(), '');
  });

  test('hls.js in low-latency mode plays 20 s without a stall, under 2 s behind', async () => {
    const pages = await servePages({
      '/ll.html': `<!doctype html>
<video id="video" muted autoplay playsinline></video>
<script src="/hls.js"></script>
<script>
  window.hlsErrors = [];
  // The player page's settings (web/static/live_player.js): at hls.js's default rate of 1 a
  // player keeps whatever distance it joined at, which a slow start on a busy machine pushes past
  // 2 s (2.15 s seen in CI); up to 1.5x it catches up with its low-latency target.
  const hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 });
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.hlsErrors.push(data.type + ': ' + data.details); });
  hls.loadSource(new URLSearchParams(location.search).get('src'));
  hls.attachMedia(document.getElementById('video'));
</script>`,
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${pages.url}/ll.html?src=${encodeURIComponent(url)}`);
      const sample = () => page.evaluate(() => ({
        time: document.getElementById('video').currentTime,
        latencyMs: window.hls.playingDate ? Date.now() - window.hls.playingDate.getTime() : null,
      }));
      await waitFor(async () => (await sample()).time > 0.5, { timeoutMs: 20000, what: 'playback to start' });
      // Two seconds for the player to settle at its target, then 20 s sampled every second.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const samples = [await sample()];
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        samples.push(await sample());
      }
      const report = samples.map((s) => `${s.time.toFixed(2)}@${s.latencyMs}`).join(' ');
      for (let i = 1; i < samples.length; i++) {
        assert.ok(samples[i].time > samples[i - 1].time + 0.5, `stalled between samples ${i - 1} and ${i}: ${report}`);
      }
      for (const s of samples) assert.ok(s.latencyMs !== null && s.latencyMs < 2000, `latency over 2 s: ${report}`);
      assert.deepEqual(await page.evaluate(() => window.hlsErrors), []);
    } finally {
      await browser.close();
      await pages.close();
    }
  });

  test('_HLS_skip=YES gives a valid delta update', async () => {
    await waitFor(async () => (await getPlaylist(`${url}?_HLS_skip=YES`)).playlist.skipped > 0,
      { timeoutMs: 30000, intervalMs: 500, what: 'a playlist long enough to skip' });
    const { playlist: full } = await getPlaylist(url);
    const { playlist: delta, text } = await getPlaylist(`${url}?_HLS_skip=YES`);
    assert.ok(delta.version >= 9);
    assert.equal(delta.mediaSequence, full.mediaSequence, text);
    const skipUntil = Number(delta.serverControl['CAN-SKIP-UNTIL']);
    // The skipped segments end before the skip boundary; the rest are listed whole, with their map.
    const listed = delta.segments.reduce((sum, s) => sum + s.duration, 0);
    assert.ok(listed >= skipUntil - delta.targetDuration, `only ${listed} s listed after the skip`);
    assert.ok(delta.segments[0].map, 'the map is repeated after EXT-X-SKIP');
    // Every segment the delta lists is the one the full playlist has under that sequence number.
    for (const segment of delta.segments) {
      const same = full.segments.find((s) => s.sequence === segment.sequence);
      if (same) assert.equal(same.uri, segment.uri, `segment ${segment.sequence}`);
    }
    assert.ok(delta.segments.length < full.segments.length);
  });

  test('a blocking reload that cannot be served in three target durations gets 503', async () => {
    publisher.kill('SIGKILL');
    await waitForExit(publisher, 5000);
    // The publisher left: its last part is listed; within the 30 s grace nothing else comes.
    await waitFor(async () => (await relay.stream('ll')).live === false, { what: 'the publisher gone' });
    const { playlist } = await getPlaylist(url);
    const wanted = nextPart(playlist);
    const started = performance.now();
    const response = await fetch(`${url}?_HLS_msn=${wanted.msn}&_HLS_part=${wanted.part}`);
    const waited = performance.now() - started;
    assert.equal(response.status, 503);
    assert.ok(waited >= 3 * playlist.targetDuration * 1000 - 200 && waited < 3 * playlist.targetDuration * 1000 + 2000,
      `gave up after ${Math.round(waited)} ms`);
  });
});
