// GET /metrics in the Prometheus text format: promtool accepts it, and while ffmpeg publishes
// the per-stream figures agree with the stats API and follow the stream as it stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';

import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { fetchPlaylist } from './lib/hls.mjs';
import { SAMPLE, publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

let relay;
before(async () => { relay = await LiveRelay.start({ config: '[server]\nreconnect_grace_s = 2\n' }); });
after(async () => { await relay.stop(); });

async function scrape() {
  const response = await fetch(`${relay.httpUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), CONTENT_TYPE);
  return response.text();
}

// Samples as { name, labels, value }; label values unescaped.
function parseSamples(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `sample line: ${line}`);
    const labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

// The value of the one sample of `name` whose labels include `labels`; undefined when none.
function value(samples, name, labels = {}) {
  const found = samples.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found[0]?.value;
}

// `promtool check metrics` reads the exposition on stdin and lints it: exit 0, nothing said.
async function promtoolCheck(text) {
  const child = track(spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  child.stdin.end(text);
  const { code } = await waitForExit(child, 10000);
  assert.equal(code, 0, `promtool check metrics:\n${output}`);
  assert.equal(output.trim(), '', `promtool lint problems:\n${output}`);
}

test('an idle server exposes its own metrics, which promtool accepts', async () => {
  const text = await scrape();
  await promtoolCheck(text);
  const samples = parseSamples(text);
  assert.equal(value(samples, 'liverelay_build_info', { version: (await relay.json('/api/v1/server')).version }), 1);
  assert.ok(value(samples, 'liverelay_uptime_seconds') > 0);
  assert.ok(value(samples, 'liverelay_process_cpu_seconds_total') > 0);
  assert.ok(value(samples, 'liverelay_process_resident_memory_bytes') > 1024 * 1024);
  assert.equal(value(samples, 'liverelay_connections', { kind: 'rtmp' }), 0);
  assert.ok(value(samples, 'liverelay_connections', { kind: 'http' }) >= 1, 'the scrape itself');
  assert.equal(value(samples, 'liverelay_streams', { state: 'live' }), 0);
  // Earlier requests (the harness's readiness polls) went both ways.
  assert.ok(value(samples, 'liverelay_network_receive_bytes_total') > 0);
  assert.ok(value(samples, 'liverelay_network_transmit_bytes_total') > 0);
  assert.ok(!samples.some((s) => s.name.startsWith('liverelay_stream_')), 'no stream yet');

  assert.equal((await fetch(`${relay.httpUrl}/metrics`, { method: 'POST' })).status, 405);
  const head = await fetch(`${relay.httpUrl}/metrics`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), CONTENT_TYPE);
});

test('per-stream metrics follow an ffmpeg broadcast and agree with the stats API', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl('cam1'), sampleFlv(), { extra: ['-t', '10'] });
  await waitFor(async () => value(parseSamples(await scrape()), 'liverelay_connections', { kind: 'rtmp' }) === 1,
    { what: 'the publisher counted as an RTMP connection' });
  // A full bitrate window and a few GOPs.
  await waitFor(async () => (await relay.stream('cam1')).uptime_s >= 6, { timeoutMs: 15000, what: '6 s of uptime' });

  // A player: the playlist and one segment, counted per stream.
  const { playlist } = await fetchPlaylist(`${relay.httpUrl}/live/cam1/index.m3u8`);
  const segment = await fetch(`${relay.httpUrl}/live/cam1/${playlist.segments[0].uri}`);
  assert.equal(segment.status, 200);
  const segmentBytes = (await segment.arrayBuffer()).byteLength;

  const [api, text] = await Promise.all([relay.stream('cam1'), scrape()]);
  await promtoolCheck(text);
  const samples = parseSamples(text);
  const cam1 = { stream: 'cam1' };
  assert.equal(value(samples, 'liverelay_stream_live', cam1), 1);
  assert.equal(value(samples, 'liverelay_streams', { state: 'live' }), 1);
  assert.equal(value(samples, 'liverelay_connections', { kind: 'rtmp' }), 1);
  const metricsKbps = (value(samples, 'liverelay_stream_ingest_bytes_per_second', cam1) * 8) / 1000;
  const error = Math.abs(metricsKbps - api.ingest.bitrate_kbps) / api.ingest.bitrate_kbps;
  assert.ok(error < 0.10, `/metrics ${metricsKbps.toFixed(0)} kb/s vs API ${api.ingest.bitrate_kbps} kb/s`);
  assert.ok(metricsKbps > 2000, `${metricsKbps} kb/s from a 2.6 Mb/s publisher`);
  assert.equal(value(samples, 'liverelay_stream_ingest_frames_per_second', cam1), SAMPLE.fps);
  assert.equal(value(samples, 'liverelay_stream_keyframe_interval_seconds', cam1), SAMPLE.keyframeInterval);
  assert.ok(value(samples, 'liverelay_stream_ingest_frames_total', cam1) >= 5 * SAMPLE.fps);
  const ingestBytes = value(samples, 'liverelay_stream_ingest_bytes_total', cam1);
  assert.ok(ingestBytes > 1_000_000, `${ingestBytes} bytes in 6 s at 2.6 Mb/s`);
  assert.equal(value(samples, 'liverelay_stream_dropped_packets_total', cam1), 0);
  assert.ok(value(samples, 'liverelay_stream_hls_segments_total', cam1) >= 2);
  assert.equal(value(samples, 'liverelay_stream_hls_requests_total', cam1), 2);
  assert.equal(value(samples, 'liverelay_stream_hls_served_bytes_total', cam1),
    playlist.raw.length + segmentBytes);
  assert.ok(value(samples, 'liverelay_network_receive_bytes_total') > ingestBytes,
    'every RTMP byte, chunk headers and handshake included');
  assert.ok(value(samples, 'liverelay_network_transmit_bytes_total') > segmentBytes);
  // The playlist request made an HLS-only viewer: it is counted, then watched for.
  const watched = await waitFor(async () => {
    const now = parseSamples(await scrape());
    return value(now, 'liverelay_stream_watch_seconds_total', cam1) >= 0.5 ? now : null;
  }, { what: 'watch time from the HLS viewer' });
  assert.equal(value(watched, 'liverelay_stream_viewers', cam1), 1);
  assert.equal(value(watched, 'liverelay_stream_viewers_peak', cam1), 1);
  assert.equal(value(watched, 'liverelay_stream_comments_total', cam1), 0);

  const { code } = await waitForExit(publisher, 15000);
  assert.equal(code, 0, publisher.errors);
  const ended = await waitFor(async () => {
    const now = parseSamples(await scrape());
    return value(now, 'liverelay_stream_live', cam1) === 0 ? now : null;
  }, { timeoutMs: 5000, what: 'liverelay_stream_live 0 after the publisher ends' });
  assert.equal(value(ended, 'liverelay_connections', { kind: 'rtmp' }), 0);
  assert.equal(value(ended, 'liverelay_streams', { state: 'live' }), 0);
  assert.equal(value(ended, 'liverelay_streams', { state: 'offline' }), 1);
  // A broadcast's ingest figures leave with it; the stream's lifetime counters stay.
  assert.equal(value(ended, 'liverelay_stream_ingest_bytes_per_second', cam1), undefined);
  assert.equal(value(ended, 'liverelay_stream_ingest_frames_total', cam1), undefined);
  assert.equal(value(ended, 'liverelay_stream_hls_requests_total', cam1), 2);
  assert.ok(value(ended, 'liverelay_stream_watch_seconds_total', cam1) >= 0.5);
  await promtoolCheck(await scrape());
});
