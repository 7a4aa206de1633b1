// Relays between liverelay processes on loopback: a push to another server (reconnected when
// that server restarts), an edge pulling on demand, and the admin API for pushes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const ADMIN = 'admin-token-0123456789';
const PUSH_KEY = 'pushkey_5e3b';  // the target's stream name: a secret to the pushing side

let target;     // receives the push
let origin;     // the broadcaster publishes here; pushes to `target`
let edge;       // pulls from `origin`
let publisher;

async function hlsPlays(server, name) {
  const url = `${server.httpUrl}/live/${name}/index.m3u8`;
  await waitFor(async () => {
    const response = await fetch(url);
    if (!response.ok) return false;
    return (await response.text()).includes('#EXTINF');
  }, { timeoutMs: 20000, what: `${name} listed on ${server.httpUrl}` });
  const read = spawnSync('ffmpeg', ['-v', 'error', '-i', url, '-t', '3', '-c', 'copy', '-f', 'null', '-'],
    { encoding: 'utf8', timeout: 30000 });
  assert.equal(read.status, 0, read.stderr);
  assert.equal(read.stderr.trim(), '');
}

async function relayOf(server, name) {
  return (await server.stream(name)).relay;
}

before(async () => {
  target = await LiveRelay.start({ config: '[hls]\nsegment_s = 1.0\n' });
  origin = await LiveRelay.start({
    config: `[hls]\nsegment_s = 1.0\n[admin]\ntoken = "${ADMIN}"\n` +
      `[[push]]\nstream = "cam"\nurl = "rtmp://127.0.0.1:${target.rtmpPort}/live/${PUSH_KEY}"\n`,
  });
  edge = await LiveRelay.start({
    config: `[hls]\nsegment_s = 1.0\n[[pull]]\nstream = "cam"\nurl = "rtmp://127.0.0.1:${origin.rtmpPort}/live/cam"\n` +
      'idle_s = 1.0\n',
  });
  publisher = publishWithFfmpeg(origin.rtmpUrl('cam'), sampleFlv(), { loop: true });
  await waitFor(async () => (await origin.stream('cam')).live, { what: 'cam live on the origin' });
});

after(async () => {
  publisher?.kill('SIGKILL');
  await edge?.stop();
  await origin?.stop();
  await target?.stop();
});

test('a configured push republishes the stream on the target, whose HLS plays', async () => {
  await hlsPlays(target, PUSH_KEY);
  const relay = await relayOf(origin, 'cam');
  assert.equal(relay.pushes.length, 1);
  assert.equal(relay.pushes[0].state, 'publishing');
  assert.ok(relay.pushes[0].bytes_out > 100000, `bytes out ${relay.pushes[0].bytes_out}`);
  // The target's key is another platform's secret: never in the API or the log.
  assert.ok(!JSON.stringify(relay).includes(PUSH_KEY));
  assert.ok(!origin.output.includes(PUSH_KEY));
  const video = (await target.stream(PUSH_KEY)).video;
  assert.equal(video.width, 1280);
});

test('the push reconnects when its target restarts', async () => {
  const { rtmpPort, httpPort } = target;
  await target.stop();
  await waitFor(async () => (await relayOf(origin, 'cam')).pushes[0].state !== 'publishing',
    { timeoutMs: 10000, what: 'the push to notice' });
  target = await LiveRelay.start({ config: '[hls]\nsegment_s = 1.0\n', rtmpPort, httpPort });
  await waitFor(async () => {
    const push = (await relayOf(origin, 'cam')).pushes[0];
    return push.state === 'publishing' && push.connects >= 2;
  }, { timeoutMs: 20000, what: 'the push to reconnect' });
  await hlsPlays(target, PUSH_KEY);
});

test('an edge pulls on the first request, serves HLS, and lets go once nobody watches', async () => {
  const first = await fetch(`${edge.httpUrl}/live/cam/index.m3u8`);
  await first.arrayBuffer();
  await hlsPlays(edge, 'cam');
  const pulling = (await relayOf(edge, 'cam')).pull;
  assert.equal(pulling.state, 'pulling');
  assert.equal(pulling.on_demand, true);
  assert.ok(!JSON.stringify(pulling).includes('/live/cam'), 'the origin stream name is redacted');
  const edgeStats = await edge.stream('cam');
  assert.equal(edgeStats.live, true);
  assert.equal(edgeStats.video.height, 720);
  // The HLS session of the read above expires, then the idle time passes: the pull ends.
  await waitFor(async () => (await relayOf(edge, 'cam')).pull.state === 'idle',
    { timeoutMs: 30000, intervalMs: 250, what: 'the pull to be released' });
  await waitFor(async () => !(await edge.stream('cam')).live, { timeoutMs: 5000, what: 'cam offline on the edge' });
});

test('pushes are added and removed through the admin API, never without the token', async () => {
  const url = `${origin.httpUrl}/api/v1/streams/cam/pushes`;
  const body = JSON.stringify({ url: `rtmp://127.0.0.1:${target.rtmpPort}/live/second` });
  assert.equal((await fetch(url, { method: 'POST', body })).status, 401);
  assert.equal((await fetch(url)).status, 401);
  const auth = { authorization: `Bearer ${ADMIN}` };
  const bad = await fetch(url, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'http://x/live/a' }) });
  assert.equal(bad.status, 400);
  const added = await fetch(url, { method: 'POST', headers: auth, body });
  assert.equal(added.status, 201);
  const { id } = await added.json();
  await waitFor(async () => (await target.stream('second').catch(() => ({}))).live === true,
    { timeoutMs: 15000, what: 'the added push live on the target' });
  const listed = await (await fetch(url, { headers: auth })).json();
  assert.equal(listed.pushes.length, 2);
  assert.equal((await fetch(`${url}/${id}`, { method: 'DELETE' })).status, 401);
  assert.equal((await fetch(`${url}/${id}`, { method: 'DELETE', headers: auth })).status, 200);
  assert.equal((await fetch(`${url}/${id}`, { method: 'DELETE', headers: auth })).status, 404);
  await waitFor(async () => !(await target.stream('second')).live, { timeoutMs: 15000, what: 'second offline' });
});
