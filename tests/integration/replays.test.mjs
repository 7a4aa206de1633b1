// Replays: every broadcast is recorded as HLS under the data dir and listed with its VOD
// playlist; comments and reactions keep their offsets; a kill -9 leaves a playable partial
// replay; retention and the admin's DELETE remove files and rows.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { fetchPlaylist } from './lib/hls.mjs';
import { bframesFlv, publishWithFfmpeg } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';

const ADMIN = 'admin-token-0123456789';
const baseConfig = (format = 'ts') =>
  `[server]\nreconnect_grace_s = 1\n[hls]\nformat = "${format}"\nsegment_s = 1\nwindow = 4\n[admin]\ntoken = "${ADMIN}"\n`;

// Runs a tool to its end; resolves with its exit code and stderr.
async function run(command, args, timeoutMs = 30000) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let errors = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { errors += d; });
  const { code } = await waitForExit(child, timeoutMs);
  return { code, out, errors };
}

// ffmpeg copies every packet of the replay; `-v error` prints only errors.
async function readThrough(url) {
  const { code, errors } = await run('ffmpeg', ['-v', 'error', '-i', url, '-c', 'copy', '-f', 'null', '-']);
  assert.equal(code, 0, errors);
  assert.equal(errors.trim(), '', `ffmpeg reported: ${errors}`);
}

async function probeDuration(url) {
  const { code, out, errors } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration',
    '-of', 'csv=p=0', url]);
  assert.equal(code, 0, errors);
  return Number(out.trim());
}

const broadcasts = (relay, name) => relay.json(`/api/v1/streams/${name}/broadcasts`);

// The newest broadcast once `predicate` holds for it.
function waitForBroadcast(relay, name, predicate, what, timeoutMs = 15000) {
  return waitFor(async () => {
    const [newest] = await broadcasts(relay, name);
    return newest && predicate(newest) ? newest : null;
  }, { timeoutMs, what });
}

// A hook target that records the bodies it is sent.
async function hookTarget() {
  const bodies = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => { bodies.push({ path: req.url, body: JSON.parse(raw) }); res.end('ok'); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { bodies, url: `http://127.0.0.1:${server.address().port}/recorded`,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

// Publishes the 20 s sample, posts a comment and reactions ~5 s in, and checks the replay.
async function recordTwentySeconds(format) {
  const hook = await hookTarget();
  const relay = await LiveRelay.start({ config: `${baseConfig(format)}[webhooks]\non_record_done = "${hook.url}"\n` });
  try {
    const publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), bframesFlv());
    const room = await RoomClient.open(relay, 'cam');
    const live = await waitForBroadcast(relay, 'cam', (b) => b.live && b.playlist, 'a live broadcast');
    assert.equal(live.ended_at, null);
    assert.equal(live.playlist, `/live/cam/replay/${live.id}/index.m3u8`);
    const playlistUrl = `${relay.httpUrl}${live.playlist}`;

    // ~5 s in: a comment and two reactions, stamped against the broadcast's start.
    await waitFor(() => Date.now() - live.started_at >= 5000, { timeoutMs: 10000, what: '5 s of broadcast' });
    const commentOffset = Date.now() - live.started_at;
    room.comment('five seconds in');
    room.send({ type: 'reaction', kind: 'like' });
    room.send({ type: 'reaction', kind: 'like' });
    await room.next((m) => m.type === 'comment', { what: 'the comment echoed' });

    // While live: the event playlist (DVR) grows, and the stats say it is recording.
    const { response, playlist } = await waitFor(async () => {
      const fetched = await fetchPlaylist(playlistUrl);
      return fetched.playlist.segments.length >= 3 ? fetched : null;
    }, { timeoutMs: 10000, what: 'three recorded segments' });
    assert.match(playlist.raw, /#EXT-X-PLAYLIST-TYPE:EVENT/);
    assert.equal(playlist.endList, false);
    assert.equal(response.headers.get('cache-control'), 'max-age=1');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const stats = await relay.stream('cam');
    assert.equal(stats.recording.state, 'recording');
    assert.ok(stats.recording.bytes > 0 && stats.recording.errors === 0, JSON.stringify(stats.recording));

    await waitForExit(publisher, 40000);
    const done = await waitForBroadcast(relay, 'cam', (b) => b.recording === 'complete', 'the recording closed');
    assert.equal(done.id, live.id);
    assert.equal(done.live, false);
    assert.ok(done.ended_at >= done.started_at + 19000, JSON.stringify(done));
    assert.ok(Math.abs(done.duration_s - 20) <= 1, `duration_s ${done.duration_s}`);
    assert.ok(done.bytes > 500000, `bytes ${done.bytes}`);
    assert.equal(done.comments, 1);
    assert.ok(done.peak_viewers >= 1, 'the room counted its viewer');

    const vod = await fetchPlaylist(playlistUrl);
    assert.equal(vod.playlist.endList, true);
    assert.match(vod.playlist.raw, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.match(vod.response.headers.get('cache-control'), /max-age=86400/);
    const segment = await fetch(new URL(vod.playlist.segments[0].uri, playlistUrl));
    assert.equal(segment.status, 200);
    assert.equal(segment.headers.get('content-type'), format === 'ts' ? 'video/mp2t' : 'video/mp4');
    assert.match(segment.headers.get('cache-control'), /immutable/);
    await readThrough(playlistUrl);
    const duration = await probeDuration(playlistUrl);
    assert.ok(Math.abs(duration - 20) <= 1, `replay lasts ${duration} s, not 20 s within 5%`);

    const { comments } = await relay.json(`/api/v1/streams/cam/broadcasts/${done.id}/comments`);
    assert.equal(comments.length, 1);
    assert.equal(comments[0].text, 'five seconds in');
    assert.ok(Math.abs(comments[0].offset_ms - commentOffset) < 1000,
      `offset ${comments[0].offset_ms} ms, posted at ${commentOffset} ms`);
    const { reactions } = await relay.json(`/api/v1/streams/cam/broadcasts/${done.id}/reactions`);
    assert.deepEqual(reactions.map((r) => [r.kind, r.count]), [['like', 2]]);
    assert.ok(Math.abs(reactions[0].offset_s * 1000 - commentOffset) <= 2000, JSON.stringify(reactions));

    const hooked = await waitFor(() => hook.bodies.find((b) => b.body.action === 'on_record_done'),
      { what: 'on_record_done' });
    assert.equal(hooked.body.stream, 'cam');
    assert.equal(hooked.body.broadcast_id, done.id);
    assert.equal(hooked.body.playlist_url, done.playlist);
    assert.ok(Math.abs(hooked.body.duration_s - 20) <= 1, JSON.stringify(hooked.body));
    assert.ok(!('path' in hooked.body), 'no server path in the hook');
    await room.close();
    await relay.stop();
  } catch (error) {
    relay.kill();
    throw error;
  } finally {
    await hook.stop();
  }
}

test('a 20 s broadcast becomes a VOD replay that ffmpeg reads through, with its comment offsets (ts and fmp4)',
  async () => {
    await Promise.all([recordTwentySeconds('ts'), recordTwentySeconds('fmp4')]);
  });

test('kill -9 mid-broadcast: after a restart the partial replay is listed, closed and plays', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liverelay-replay-'));
  let relay;
  let publisher;
  try {
    relay = await LiveRelay.start({ config: baseConfig(), dataDir });
    publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), bframesFlv());
    await waitFor(async () => (await relay.stream('cam')).recording?.segments >= 3,
      { timeoutMs: 15000, what: 'three recorded segments' });
    relay.process.kill('SIGKILL');
    await waitForExit(relay.process, 5000);
    publisher.kill('SIGKILL');

    relay = await LiveRelay.start({ config: baseConfig(), dataDir });
    const [partial] = await broadcasts(relay, 'cam');
    assert.ok(partial, 'the broadcast is listed');
    assert.equal(partial.live, false);
    assert.notEqual(partial.ended_at, null);
    assert.equal(partial.recording, 'partial');
    assert.ok(partial.duration_s >= 2, JSON.stringify(partial));
    const url = `${relay.httpUrl}${partial.playlist}`;
    const { playlist } = await fetchPlaylist(url);
    assert.equal(playlist.endList, true);
    assert.ok(playlist.segments.length >= 2);
    await readThrough(url);
    await relay.stop();
  } catch (error) {
    publisher?.kill('SIGKILL');
    relay?.kill();
    throw error;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// Two 4 s broadcasts of the same CBR-like media; the limit fits one and a half.
test('retention removes the oldest broadcast over the byte limit; DELETE needs the admin token', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liverelay-replay-'));
  const folder = (id) => join(dataDir, 'recordings', 'cam', String(id));
  const recordFourSeconds = async (relay) => {
    const publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), bframesFlv(), { extra: ['-t', '4'] });
    await waitForExit(publisher, 20000);
    return waitForBroadcast(relay, 'cam', (b) => b.recording === 'complete', 'a closed recording');
  };
  let relay;
  try {
    relay = await LiveRelay.start({ config: baseConfig(), dataDir });
    const first = await recordFourSeconds(relay);
    assert.ok(existsSync(join(folder(first.id), 'index.m3u8')));
    await relay.stop();

    const limit = Math.round(first.bytes * 1.5);
    relay = await LiveRelay.start({ config: `${baseConfig()}[recording]\nmax_bytes = ${limit}\n`, dataDir });
    assert.deepEqual((await broadcasts(relay, 'cam')).map((b) => b.id), [first.id], 'under the limit: kept');
    const second = await recordFourSeconds(relay);
    await waitFor(async () => (await broadcasts(relay, 'cam')).length === 1, { what: 'the oldest removed' });
    assert.deepEqual((await broadcasts(relay, 'cam')).map((b) => b.id), [second.id], 'the newest kept');
    await waitFor(() => !existsSync(folder(first.id)), { what: 'the oldest folder removed' });
    assert.ok(existsSync(join(folder(second.id), 'index.m3u8')));
    assert.equal((await fetch(`${relay.httpUrl}/live/cam/replay/${first.id}/index.m3u8`)).status, 404);

    const target = `${relay.httpUrl}/api/v1/streams/cam/broadcasts/${second.id}`;
    assert.equal((await fetch(target, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(target, { method: 'DELETE', headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.ok(existsSync(folder(second.id)), 'a refused DELETE removes nothing');
    assert.equal((await fetch(target, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })).status, 204);
    assert.deepEqual(await broadcasts(relay, 'cam'), []);
    assert.equal((await fetch(target)).status, 404);
    await waitFor(() => !existsSync(folder(second.id)), { what: 'the deleted folder removed' });
    await relay.stop();
  } catch (error) {
    relay?.kill();
    throw error;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
