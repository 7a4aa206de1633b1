// ffmpeg publishes H.264 + AAC over RTMP; the stats API reports what it really sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { SAMPLE, meanBitrateKbps, publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

let relay;
before(async () => { relay = await LiveRelay.start(); });
after(async () => { await relay.stop(); });

test('ffmpeg publishes for 10 s and the stats API reports codec, resolution, fps and bitrate', async () => {
  const file = sampleFlv();
  const sentKbps = meanBitrateKbps(file);
  const publisher = publishWithFfmpeg(relay.rtmpUrl('cam1'), file, { extra: ['-t', '12'] });

  const live = await waitFor(async () => (await relay.stream('cam1')).live, { what: 'cam1 live' });
  assert.equal(live, true);
  // Let a full 5 s bitrate window and several GOPs go by before reading the figures.
  const stats = await waitFor(async () => {
    const s = await relay.stream('cam1');
    return s.uptime_s >= 9 ? s : null;
  }, { timeoutMs: 15000, what: '9 s of uptime' });

  assert.equal(stats.name, 'cam1');
  assert.deepEqual(stats.video, {
    codec: 'h264', profile: 'High', level: '3.1', width: SAMPLE.width, height: SAMPLE.height, fps: SAMPLE.fps,
  });
  assert.equal(stats.audio.codec, 'aac');
  assert.equal(stats.audio.sample_rate, 48000);
  assert.equal(stats.audio.channels, 2);
  assert.match(stats.publisher.address, /^127\.0\.0\.1:\d+$/);
  assert.match(stats.publisher.encoder, /Lavf/);
  const error = Math.abs(stats.ingest.bitrate_kbps - sentKbps) / sentKbps;
  assert.ok(error < 0.10, `ingest ${stats.ingest.bitrate_kbps} kb/s vs sent ${sentKbps.toFixed(0)} kb/s`);
  assert.ok(stats.ingest.frames >= 8 * SAMPLE.fps, `frames ${stats.ingest.frames}`);
  assert.ok(stats.ingest.keyframes >= 4, `keyframes ${stats.ingest.keyframes}`);
  assert.equal(stats.ingest.keyframe_interval_s, SAMPLE.keyframeInterval);
  assert.equal(stats.ingest.dropped_packets, 0);
  // ffmpeg -re paces by the timestamps: media time and arrival time advance together.
  assert.ok(Math.abs(stats.ingest.timestamp_drift_ms) < 500, `drift ${stats.ingest.timestamp_drift_ms} ms`);
  assert.deepEqual(stats.viewers, { current: 0, peak: 0, watch_time_s: 0 });

  // One playlist request: counted with its body bytes.
  const playlist = await (await fetch(`${relay.httpUrl}/live/cam1/index.m3u8`)).text();
  const served = (await relay.stream('cam1')).hls;
  assert.equal(served.requests, 1);
  assert.equal(served.bytes_served, Buffer.byteLength(playlist));

  const server = await relay.json('/api/v1/server');
  assert.equal(server.connections.rtmp, 1);
  assert.ok(server.uptime_s > 0);
  assert.ok(server.cpu_percent > 0, `cpu_percent ${server.cpu_percent}`);
  assert.ok(server.memory_bytes > 1024 * 1024, `memory_bytes ${server.memory_bytes}`);
  assert.ok(server.bytes_in > stats.ingest.bytes, `bytes_in ${server.bytes_in} vs ingest ${stats.ingest.bytes}`);
  assert.ok(server.bytes_out > 0);
  const list = await relay.json('/api/v1/streams');
  assert.deepEqual(list.map((s) => s.name), ['cam1']);

  const { code } = await waitForExit(publisher, 15000);
  assert.equal(code, 0, publisher.errors);
  const ended = await waitFor(async () => !(await relay.stream('cam1')).live ? true : null,
    { timeoutMs: 5000, what: 'cam1 offline after the publisher ends' });
  assert.equal(ended, true);
  assert.equal((await relay.json('/api/v1/server')).connections.rtmp, 0);
});

test('an unknown stream is a 404 and a bad API method a 405', async () => {
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/streams/nobody`)).status, 404);
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/streams`, { method: 'POST' })).status, 405);
});
