// Hardening: the disk filling up while recording. The data dir is a small tmpfs that a 2.5 Mb/s
// broadcast fills in seconds: the recording stops (said once in the log, shown in the stats and
// /metrics) and leaves no truncated file, while the live HLS goes on, a second stream still goes
// live and plays, and the server shuts down cleanly. Needs root (mount); CI runs as root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';
import { fetchPlaylist, parsePlaylist } from './lib/hls.mjs';
import { noBframesFlv, publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const TMPFS_SIZE = '5m';  // about 15 s of the 2.5 Mb/s sample
const CONFIG = '[server]\nreconnect_grace_s = 1\n[hls]\nsegment_s = 1\n';

// Mounts a small tmpfs; null (with why) when this process may not mount.
function mountSmallDisk() {
  const dir = mkdtempSync(join(tmpdir(), 'liverelay-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmdirSync(dir);
    const said = `${error.stderr ?? ''}${error.message}`;
    if ((process.getuid && process.getuid() !== 0) || /permission denied|not permitted|only root|must be superuser/i.test(said)) {
      return { skip: `mounting a tmpfs needs root (CAP_SYS_ADMIN): ${said.trim().split('\n')[0]}` };
    }
    throw error;
  }
}

function unmount(dir) {
  // The server is stopped first; a lazy unmount still frees the memory if a file stayed open.
  try { execFileSync('umount', [dir], { stdio: 'pipe' }); } catch { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); }
  rmdirSync(dir);
}

const metric = (text, name, stream) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{stream="${stream}"} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

// Waits until the live playlist lists `count` segments past `after` (a media sequence number)
// and fetches each of them like a player; returns the newest sequence number.
async function liveAdvances(relay, name, after, count) {
  const url = `${relay.httpUrl}/live/${name}/index.m3u8`;
  const fetched = new Set();
  let newest = after;
  await waitFor(async () => {
    const { playlist } = await fetchPlaylist(url);
    for (const segment of playlist.segments) {
      if (segment.sequence <= after || fetched.has(segment.sequence)) continue;
      const response = await fetch(new URL(segment.uri, url));
      assert.equal(response.status, 200, `${name} ${segment.uri}`);
      assert.ok((await response.arrayBuffer()).byteLength > 1000, `${name} ${segment.uri} has media`);
      fetched.add(segment.sequence);
      newest = Math.max(newest, segment.sequence);
    }
    return fetched.size >= count;
  }, { timeoutMs: 8000 + 2000 * count, intervalMs: 250, what: `${count} new live segments of ${name}` });
  return newest;
}

const newestSequence = async (relay, name) => {
  const { playlist } = await fetchPlaylist(`${relay.httpUrl}/live/${name}/index.m3u8`);
  return playlist.segments.at(-1).sequence;
};

test('a full disk stops the recording, shown in the stats; live HLS, a second stream and shutdown go on', async (t) => {
  const [sample, small] = [sampleFlv(), noBframesFlv()];  // made (once) before the clock runs
  const disk = mountSmallDisk();
  if (disk.skip) {
    t.skip(disk.skip);
    return;
  }
  let relay;
  const publishers = [];
  try {
    relay = await LiveRelay.start({ dataDir: disk.dir, config: CONFIG });
    publishers.push(publishWithFfmpeg(relay.rtmpUrl('cam1'), sample, { loop: true }));
    await waitFor(async () => (await relay.stream('cam1')).recording?.segments >= 2,
      { timeoutMs: 20000, what: 'cam1 recording' });

    // The disk fills: the recording stops with the cause, the broadcast stays live.
    const failed = await waitFor(async () => {
      const stats = await relay.stream('cam1');
      return stats.recording?.state === 'failed' ? stats : null;
    }, { timeoutMs: 40000, intervalMs: 250, what: 'cam1 recording failed on the full disk' });
    assert.equal(failed.live, true);
    assert.match(failed.recording.last_error, /No space left on device/);
    assert.ok(failed.recording.errors >= 1);
    assert.ok(failed.recording.segments >= 2, 'what fitted was recorded');

    // Live HLS keeps going from memory: new segments listed and served, frames still counted.
    const frames = failed.ingest.frames;
    await liveAdvances(relay, 'cam1', await newestSequence(relay, 'cam1'), 4);
    const later = await relay.stream('cam1');
    assert.ok(later.ingest.frames >= frames + 90, `cam1 frames ${frames} -> ${later.ingest.frames}`);
    assert.equal(later.ingest.dropped_packets, 0);

    // Stopped means stopped: nothing more written, no retry per segment, one log line.
    assert.equal(later.recording.state, 'failed');
    assert.equal(later.recording.bytes, failed.recording.bytes);
    assert.equal(later.recording.segments, failed.recording.segments);
    assert.ok(later.recording.errors <= 3, `write errors ${later.recording.errors}: the recording kept trying`);
    const stopLines = relay.output.split('\n').filter((l) => /recording stopped/.test(l) && l.includes('cam1'));
    assert.equal(stopLines.length, 1, relay.output.slice(-3000));
    // Live segments, kept in unnamed files in the data dir, moved to memory files: said once.
    const movedLines = relay.output.split('\n').filter((l) => /segments go to memory files/.test(l));
    assert.equal(movedLines.length, 1, relay.output.slice(-3000));
    assert.match(movedLines[0], /No space left on device/);
    const otherWarnings = relay.output.split('\n').filter((l) => /warn.*No space left on device/.test(l) && !movedLines.includes(l));
    assert.deepEqual(otherWarnings, [], 'no warning per failed segment');

    // No truncated file is left taking space: the files on disk are the bytes counted.
    const [broadcast] = await relay.json('/api/v1/streams/cam1/broadcasts');
    const folder = join(disk.dir, 'recordings', 'cam1', String(broadcast.id));
    const media = readdirSync(folder).filter((f) => !f.startsWith('index.m3u8'));
    const onDisk = media.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
    assert.equal(onDisk, later.recording.bytes, `files ${media.join(' ')}`);
    assert.ok(media.every((f) => statSync(join(folder, f)).size > 0), 'no empty segment file');

    // Prometheus sees it too.
    const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assert.ok(metric(metrics, 'liverelay_stream_recording_errors_total', 'cam1') >= 1, 'recording errors metric');

    // A second stream on the full disk: live and playable; its recording fails, said in its stats.
    publishers.push(publishWithFfmpeg(relay.rtmpUrl('cam2'), small, { loop: true }));
    await waitFor(async () => (await relay.stream('cam2')).live, { timeoutMs: 10000, what: 'cam2 live' });
    await liveAdvances(relay, 'cam2', -1, 3);
    const second = await waitFor(async () => {
      const stats = await relay.stream('cam2');
      return stats.recording?.state === 'failed' ? stats : null;
    }, { timeoutMs: 20000, intervalMs: 250, what: 'cam2 recording failed' });
    assert.match(second.recording.last_error, /space|full/i);
    await liveAdvances(relay, 'cam1', await newestSequence(relay, 'cam1'), 2);
    assert.equal(relay.process.exitCode, null, 'the server is still running');

    // The publishers stop: both broadcasts end, the server answers, the recordings close.
    for (const publisher of publishers) publisher.kill('SIGTERM');
    for (const name of ['cam1', 'cam2']) {
      const closed = await waitFor(async () => {
        const stats = await relay.stream(name);
        return !stats.live && ['partial', 'failed'].includes(stats.recording?.state) ? stats : null;
      }, { timeoutMs: 15000, what: `${name} offline, its recording closed` });
      assert.ok(closed.recording.errors >= 1);
    }
    // Stopped early, cam1's recording is still a VOD of what fitted (the playlist is small).
    const cam1 = await relay.stream('cam1');
    if (cam1.recording.state === 'partial') {
      const vod = parsePlaylist(readFileSync(join(folder, 'index.m3u8'), 'utf8'));
      assert.ok(vod.endList, vod.raw);
      assert.equal(vod.segments.length, cam1.recording.segments);
      for (const segment of vod.segments) assert.ok(existsSync(join(folder, segment.uri)), segment.uri);
    }
    const server = await relay.json('/api/v1/server');
    assert.equal(server.streams.live, 0);
    assert.equal(server.connections.rtmp, 0);
    await relay.stop();  // SIGTERM: exit 0 within 5 s
    relay = null;
  } finally {
    for (const publisher of publishers) if (publisher.exitCode === null) publisher.kill('SIGKILL');
    if (relay) relay.kill();
    // relay.kill() does not wait: give the process a moment to let go of the mount.
    if (relay) await waitFor(() => relay.process.exitCode !== null || relay.process.signalCode !== null,
      { timeoutMs: 5000, what: 'liverelay killed' }).catch(() => {});
    unmount(disk.dir);
  }
});
