// WebRTC playback (WHEP): headless Chromium plays a live stream over one UDP port, with the room
// on a data channel; the HTTP resource answers as draft-ietf-wish-whep says.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium, WEBRTC_ARGS } from './lib/browser.mjs';
import { LiveRelay, waitFor } from './lib/harness.mjs';
import { noBframesFlv, publishWithFfmpeg } from './lib/media.mjs';
import { WhepViewer } from './lib/whep.mjs';

async function liveStream(relay, name, file) {
  const publisher = publishWithFfmpeg(relay.rtmpUrl(name), file, { loop: true });
  await waitFor(async () => (await relay.stream(name)).live, { timeoutMs: 15000, what: `${name} live` });
  return publisher;
}

// Samples `probe` once a second for `seconds`, returning every sample.
async function sampleEverySecond(seconds, probe) {
  const samples = [await probe()];
  for (let i = 0; i < seconds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(await probe());
  }
  return samples;
}

test('Chromium plays a live stream over WHEP: video at the source size for 10 s without a stall', async () => {
  const relay = await LiveRelay.start();
  const publisher = await liveStream(relay, 'rtc', noBframesFlv());
  const browser = await launchChromium({ extraArgs: WEBRTC_ARGS });
  try {
    const viewer = await WhepViewer.open(browser, relay, 'rtc');
    assert.match(viewer.location, /\/live\/rtc\/whep\/[0-9a-f]+$/);
    assert.match(viewer.answer, /a=ice-lite/);
    assert.match(viewer.answer, /a=setup:passive/);
    assert.match(viewer.answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    await waitFor(async () => (await viewer.stats()).video?.framesDecoded > 0,
      { timeoutMs: 15000, what: 'the first video frame decoded' });
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
    await viewer.close();
  } finally {
    await browser.close();
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});
