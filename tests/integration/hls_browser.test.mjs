// Headless Chromium plays a live stream through hls.js, from another origin (CORS), with no stall.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium, servePages } from './lib/browser.mjs';
import { LiveRelay, waitFor } from './lib/harness.mjs';
import { fetchPlaylist } from './lib/hls.mjs';
import { bframesFlv, publishWithFfmpeg } from './lib/media.mjs';

const PLAYER_PAGE = `<!doctype html>
<video id="video" muted autoplay playsinline></video>
<script src="/hls.js"></script>
<script>
  window.hlsErrors = [];
  const source = new URLSearchParams(location.search).get('src');
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.hlsErrors.push(data.type + ': ' + data.details); });
  hls.loadSource(source);
  hls.attachMedia(document.getElementById('video'));
</script>`;

for (const format of ['ts', 'fmp4']) {
  test(`hls.js in Chromium plays the live ${format} stream for 10 s without a stall`, async () => {
    const relay = await LiveRelay.start({ config: `[hls]\nformat = "${format}"\nsegment_s = 1\n` });
    const publisher = publishWithFfmpeg(relay.rtmpUrl('web'), bframesFlv(), { loop: true });
    const pages = await servePages({ '/player.html': PLAYER_PAGE });
    const browser = await launchChromium();
    try {
      const source = `${relay.httpUrl}/live/web/index.m3u8`;
      await waitFor(async () => (await fetchPlaylist(source)).playlist.segments.length >= 3,
        { timeoutMs: 15000, what: 'three segments listed' });
      const page = await browser.newPage();
      await page.goto(`${pages.url}/player.html?src=${encodeURIComponent(source)}`);
      const currentTime = () => page.evaluate(() => document.getElementById('video').currentTime);
      await waitFor(async () => (await currentTime()) > 0.5, { timeoutMs: 15000, what: 'playback to start' });

      // Sampled every second for 10 s: the playhead moves every time, about 1 s per second.
      const samples = [await currentTime()];
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        samples.push(await currentTime());
      }
      for (let i = 1; i < samples.length; i++) {
        assert.ok(samples[i] > samples[i - 1] + 0.5, `stalled between samples ${i - 1} and ${i}: ${samples.join(', ')}`);
      }
      assert.ok(samples.at(-1) - samples[0] >= 9, `advanced ${samples.at(-1) - samples[0]} s in 10 s`);
      assert.deepEqual(await page.evaluate(() => window.hlsErrors), []);
      const size = await page.evaluate(() => [document.getElementById('video').videoWidth, document.getElementById('video').videoHeight]);
      assert.deepEqual(size, [640, 360]);
    } finally {
      await browser.close();
      await pages.close();
      publisher.kill('SIGKILL');
      await relay.stop();
    }
  });
}
