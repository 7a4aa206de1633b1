// GStreamer publishes over RTMP with both of its clients: rtmp2sink and librtmp's rtmpsink
// (which opens with the digest handshake).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithGStreamer } from './lib/media.mjs';

let relay;
before(async () => { relay = await LiveRelay.start(); });
after(async () => { await relay.stop(); });

for (const sink of ['rtmp2sink', 'rtmpsink']) {
  test(`GStreamer ${sink} publishes H.264 + AAC and the server parses both tracks`, async () => {
    const name = `gst-${sink}`;
    const publisher = publishWithGStreamer(relay.rtmpUrl(name), { sink, seconds: 6 });
    const stats = await waitFor(async () => {
      const s = await relay.stream(name);
      return s.live && s.video && s.audio && s.ingest.frames >= 60 ? s : null;
    }, { timeoutMs: 15000, what: `${name} live with both tracks` });
    assert.equal(stats.video.codec, 'h264');
    assert.equal(stats.video.width, 640);
    assert.equal(stats.video.height, 360);
    assert.equal(stats.audio.codec, 'aac');
    assert.equal(stats.audio.sample_rate, 48000);
    assert.equal(stats.audio.channels, 2);
    const { code } = await waitForExit(publisher, 20000);
    assert.equal(code, 0, publisher.errors);
    await waitFor(async () => !(await relay.stream(name)).live, { timeoutMs: 5000, what: `${name} offline` });
  });
}
